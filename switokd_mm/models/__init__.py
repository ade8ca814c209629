from .algorithms import *  # noqa: F401,F403
from .backbones import *  # noqa: F401,F403
from .switching import AdaptiveThreshold, FixedThreshold, NeverSwitch

__all__ = ['AdaptiveThreshold', 'FixedThreshold', 'NeverSwitch']
from .wrappers import *  # noqa: F401,F403,E402

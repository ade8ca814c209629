from .algorithms import *  # noqa: F401,F403
from .backbones import *  # noqa: F401,F403
from .staged import *  # noqa: F401,F403
from .thresholds import (AdaptiveThreshold, FixedThreshold, NeverSwitch,
                         Threshold)

__all__ = ['AdaptiveThreshold', 'FixedThreshold', 'NeverSwitch', 'Threshold']
from .wrappers import *  # noqa: F401,F403,E402

"""Silence the third-party notices a user can do nothing about.

The stack's own deprecations (setuptools' ``pkg_resources``, mmengine's
``FileClient``), mmcv-lite's missing compiled op and torch's remark on the
read-only arrays of mmpretrain's MNIST reader are printed on every run and
drown the lines that matter. Each notice is matched by its text only, so
every other warning still shows.

:func:`filter_third_party_warnings` runs when ``switokd_mm`` is imported
(every tool and every config with ``custom_imports`` imports it);
:func:`quiet_logger` is applied to a Runner's logger by
:func:`switokd_mm.apis.cli.build_runner`.
"""
import logging
import re
import warnings

#: (category, start of the message) of the ``warnings`` module's notices
THIRD_PARTY_WARNINGS = (
    # mmcv-lite has no compiled ops; classification never uses this one
    (UserWarning, 'Fail to import ``MultiScaleDeformableAttention``'),
    # mmengine 0.10 resolves ``mmpretrain::`` configs with pkg_resources
    (UserWarning, 'pkg_resources is deprecated as an API'),
    (DeprecationWarning, 'pkg_resources is deprecated as an API'),
    (DeprecationWarning, 'Deprecated call to `pkg_resources'),
    # mmpretrain's MNIST/FashionMNIST reader wraps read-only buffers
    (UserWarning, 'The given NumPy array is not writable'),
    # mmpretrain's tools/train.py pins memory by default, also on a CPU
    (UserWarning, "'pin_memory' argument is set as true but no accelerator"),
)

#: starts of the deprecation notices mmengine logs (not ``warnings``)
THIRD_PARTY_LOG_NOTICES = (
    '"FileClient" will be deprecated',
    '"HardDiskBackend" is the alias of "LocalBackend"',
)


def filter_third_party_warnings() -> None:
    """Ignore the notices of :data:`THIRD_PARTY_WARNINGS` in this process
    (and in dataloader workers forked from it)."""
    for category, message in THIRD_PARTY_WARNINGS:
        warnings.filterwarnings(
            'ignore', message=re.escape(message), category=category)


class ThirdPartyNoticeFilter(logging.Filter):
    """Drop the log records of :data:`THIRD_PARTY_LOG_NOTICES`."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(THIRD_PARTY_LOG_NOTICES)


def quiet_logger(logger: logging.Logger) -> None:
    """Attach :class:`ThirdPartyNoticeFilter` to ``logger`` (once)."""
    if not any(isinstance(f, ThirdPartyNoticeFilter) for f in logger.filters):
        logger.addFilter(ThirdPartyNoticeFilter())

"""Third-party notices are dropped, every other warning still shows."""
import logging
import warnings

from mmengine.logging import MMLogger

from switokd_mm.utils import filter_third_party_warnings, quiet_logger


def test_listed_warnings_are_ignored_others_kept():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        filter_third_party_warnings()
        warnings.warn('pkg_resources is deprecated as an API. See ...')
        warnings.warn('The given NumPy array is not writable, and ...')
        warnings.warn('Fail to import ``MultiScaleDeformableAttention`` ...')
        warnings.warn('pkg_resources is deprecated', DeprecationWarning)
        warnings.warn('something else')
    assert [str(w.message) for w in caught] == [
        'pkg_resources is deprecated', 'something else'
    ]


def test_logger_drops_file_client_notices_once_attached(capsys):
    logger = MMLogger.get_instance('test_quiet', log_level='INFO')
    quiet_logger(logger)
    quiet_logger(logger)
    assert len(logger.filters) == 1
    logger.warning('"FileClient" will be deprecated in future. Please ...')
    logger.warning('"HardDiskBackend" is the alias of "LocalBackend" and ...')
    logger.log(logging.WARNING, 'a real problem')
    err = capsys.readouterr()
    printed = err.out + err.err
    assert 'a real problem' in printed
    assert 'FileClient' not in printed and 'HardDisk' not in printed

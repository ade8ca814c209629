"""The speed benchmark runs and reports every variant (no timing asserted:
speed is measured by running the tool, not in unit tests)."""
from tools.benchmarks.speed import main


def test_reports_every_variant(capsys):
    medians = main(['--batch-size', '4', '--iters', '1', '--warmup', '0',
                    '--repeats', '1'])
    assert set(medians) == {'switokd_learning', 'switokd_expert', 'dml',
                            'ideal_learning', 'ideal_expert'}
    assert all(seconds > 0 for seconds in medians.values())
    assert 'expert / ideal_expert' in capsys.readouterr().out

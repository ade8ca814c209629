"""The speed benchmark runs and reports every variant (no timing asserted:
speed is measured by running the tool, not in unit tests)."""
from tools.benchmarks.speed import main


def test_reports_every_variant(capsys, fashion_mnist_root, tmp_path):
    results = main([
        '--batch-size', '4', '--iters', '1', '--warmup', '0', '--repeats',
        '1', '--memory-iters', '1', '--epoch-iters', '3', '--data-root',
        str(fashion_mnist_root), '--out',
        str(tmp_path / 'speed.json')
    ])
    variants = {
        'switokd_learning', 'switokd_expert', 'dml', 'ideal_learning',
        'ideal_expert'
    }
    assert set(results['ms_per_iter']) == variants
    assert set(results['peak_mib']) == variants
    assert all(ms > 0 for ms in results['ms_per_iter'].values())
    assert all(mib >= 0 for mib in results['peak_mib'].values())
    epochs = results['epochs']
    assert set(epochs) == {'switokd', 'switokd_fixed_delta_0.2', 'dml'}
    assert epochs['dml']['expert_fraction'] == 0
    assert all(0 <= e['expert_fraction'] <= 1 for e in epochs.values())
    printed = capsys.readouterr().out
    assert 'expert_vs_ideal' in printed and 'teacher backward' in printed
    assert (tmp_path / 'speed.json').is_file()

"""The speed benchmark's parts and a smoke run of the tool with tiny sizes
(no timing asserted: speed is measured by running the tool, not in unit
tests)."""
import json

import pytest
import torch
from mmengine.config import Config

from tools.benchmarks import speed
from tools.benchmarks.speed import PAIR, main
from tools.benchmarks.speed_profile import host_reads
from tools.benchmarks.speed_report import (BEGIN, CONTROL, END, RATIOS,
                                           analyse, markdown, noise_lines,
                                           replace_section)
from tools.benchmarks.speed_timing import cpu_peak_memory, rotated, round_robin
from tools.benchmarks.speed_variants import (VARIANTS, variant_model_cfg,
                                             variants)


def test_variants_force_modes_through_the_config():
    cfg = Config.fromfile(PAIR)
    cfg.model.update(alpha=2.0, threshold=dict(type='AdaptiveThreshold'))
    learning = variant_model_cfg(cfg, 'switokd_learning')
    expert = variant_model_cfg(cfg, 'switokd_expert')
    dml = variant_model_cfg(cfg, 'dml')
    kdcl = variant_model_cfg(cfg, 'kdcl')
    assert learning['threshold'] == dict(type='NeverSwitch')
    assert expert['threshold'] == dict(type='FixedThreshold', delta=0.0)
    assert expert['require_teacher_ahead'] is False
    # the user's loss settings reach SwitOKD and DML, not KDCL
    assert learning['alpha'] == expert['alpha'] == dml['alpha'] == 2.0
    assert 'threshold' not in dml and dml['type'] == 'DML'
    assert set(kdcl) == {'type', 'student', 'teacher', 'data_preprocessor'}
    for model_cfg in (learning, expert, dml, kdcl):
        assert model_cfg['student'] == cfg.model.student
        assert model_cfg['data_preprocessor'] is not None


def test_cuda_without_a_gpu_stops_before_any_work(monkeypatch):
    def work(*args):
        raise AssertionError('the benchmark started')

    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(speed, 'benchmark', work)
    with pytest.raises(SystemExit) as stop:
        main(['--device', 'cuda', '--profile'])
    message = str(stop.value.code)
    assert message.startswith('speed.py: --device cuda: CUDA is not '
                              'available on this machine')
    assert message.endswith('; use --device cpu instead')
    assert '\n' not in message


def test_round_robin_interleaves_and_discards_warmup():
    calls = []
    steps = {name: (lambda n=name: calls.append(n)) for name in 'abc'}
    samples = round_robin(steps, rounds=4, warmup=2, device='cpu')
    assert calls[:6] == ['a', 'b', 'c', 'b', 'c', 'a']
    assert len(calls) == 18
    assert {len(v) for s in samples.values() for v in s.values()} == {4}
    assert set(samples['a']) == {'wall_ms', 'cpu_ms'}
    assert rotated(['a', 'b', 'c'], 4) == ['b', 'c', 'a']


def test_round_robin_on_cuda_reads_events_after_each_round(monkeypatch):
    """The CUDA bookkeeping with a fake torch.cuda (no GPU here): event
    times are read only after the round's synchronize, peak memory is
    taken above each iteration's start."""
    log, allocated = [], {'now': 100, 'peak': 100}

    class FakeEvent:

        def __init__(self, enable_timing):
            self.at = None

        def record(self):
            self.at = len(log)
            log.append('record')

        def elapsed_time(self, end):
            assert log[-1] == 'synchronize'
            return float(end.at - self.at)

    def step():
        allocated['peak'] = allocated['now'] + 2**20 * 5

    cuda = torch.cuda
    monkeypatch.setattr(cuda, 'Event', FakeEvent)
    monkeypatch.setattr(cuda, 'synchronize', lambda: log.append('synchronize'))
    monkeypatch.setattr(cuda, 'reset_peak_memory_stats', lambda: None)
    monkeypatch.setattr(cuda, 'memory_allocated', lambda: allocated['now'])
    monkeypatch.setattr(cuda, 'max_memory_allocated',
                        lambda: allocated['peak'])
    samples = round_robin({'a': step, 'b': step}, 2, 0, 'cuda')
    assert log.count('synchronize') == 2
    assert samples['a'] == {
        'wall_ms': [1.0, 1.0],
        'cpu_ms': samples['a']['cpu_ms'],
        'peak_mib': [5.0, 5.0]
    }


def test_cpu_peak_memory_of_one_variant():
    # in this process (the tool runs it in a fresh one per variant)
    assert cpu_peak_memory(PAIR, 'switokd_expert', 2, 28, iters=1) >= 0


def test_host_reads_name_each_line():
    x = torch.ones(3)

    def step():
        if (x > 0).all():  # one read
            x.sum().item()  # one read
        torch.nonzero(x)

    reads = host_reads(step, iters=2)
    assert sorted(n for n in reads.values()) == [1, 1, 1]
    kinds = sorted(kind for kind, _ in reads)
    assert kinds == ['item/bool', 'item/bool', 'nonzero']
    assert all(
        where.startswith('tests/test_tools/test_speed_benchmark.py:')
        for _, where in reads)


def fake_samples(scale: dict, rounds: int = 20) -> dict:
    """Every variant 10 ms x its scale, every round slower than the last
    (a drifting machine, which the paired ratios cancel)."""
    return {
        name: {
            metric:
            [10.0 * scale.get(name, 1) * (1 + r) for r in range(rounds)]
            for metric in ('wall_ms', 'cpu_ms')
        }
        for name in VARIANTS
    }


def test_analyse_ratios_and_epoch_prediction():
    samples = fake_samples({'switokd_expert': 0.4, 'ideal_expert': 0.4})
    analysis = analyse(samples, [0.0, 0.5], resamples=200)
    for metric in ('wall_ms', 'cpu_ms'):
        for label in RATIOS:
            interval = analysis['ratios'][label][metric]
            assert interval.low == pytest.approx(interval.high)
        assert analysis['ratios']['SwitOKD expert / DML'][
            metric].estimate == pytest.approx(0.4)
        # f = 0.5: (0.5 * 0.4 + 0.5 * 1) / 1 = 0.7
        assert analysis['epochs'][0.5]['dml'][metric].estimate == (
            pytest.approx(0.7))
        assert analysis['noise'][metric] == 0
    assert analysis['rounds'] == 20


def test_control_reports_a_noisy_machine():
    samples = fake_samples({'switokd_learning': 1.08})
    analysis = analyse(samples, [0.5], resamples=200)
    assert analysis['noise']['wall_ms'] == pytest.approx(0.08)
    assert analysis['ratios'][CONTROL]['wall_ms'].estimate == (
        pytest.approx(1.08))
    assert 'too noisy' in noise_lines(analysis['noise'])[0]
    assert '8.0%' in noise_lines(analysis['noise'])[0]
    text = markdown(analysis, {name: 1.0 for name in VARIANTS}, None)
    assert '| control: SwitOKD learning / DML | = 1 | 1.080 [1.080, 1.080]' \
        ' | misses 1 |' in text


def test_ffsd_is_timed_against_dml_only_on_its_own_data():
    assert 'ffsd' in variants(Config.fromfile(PAIR))
    cifar = Config.fromfile(
        'configs/cifar100/switokd_wrn16-2_resnet32_1xb128_cifar100.py')
    assert 'ffsd' not in variants(cifar)
    samples = fake_samples({'ffsd': 2.5})
    analysis = analyse(samples, [0.5], resamples=200)
    assert analysis['ratios']['FFSD (3 students) / DML']['cpu_ms'].estimate \
        == pytest.approx(2.5)
    without = {k: v for k, v in samples.items() if k != 'ffsd'}
    assert 'FFSD' not in markdown(
        analyse(without, [0.5], resamples=200), {}, None)


def test_replace_section():
    document = f'intro\n{BEGIN}\nold\n{END}\nrest\n'
    assert replace_section(document,
                           'new\n') == (f'intro\n{BEGIN}\nnew\n{END}\nrest\n')
    with pytest.raises(ValueError, match='markers'):
        replace_section(f'{END}\n{BEGIN}\n', 'new')


def test_tool_smoke(tmp_path, capsys):
    docs = tmp_path / 'benchmarks.md'
    docs.write_text(f'# Benchmarks\n{BEGIN}\nold\n{END}\n## Accuracy\n')
    results = main([
        '--batch-size', '2', '--rounds', '3', '--warmup', '1',
        '--memory-iters', '0', '--resamples', '20', '--profile',
        '--profile-iters', '1', '--expert-fraction', '0.5', '--docs',
        str(docs), '--out',
        str(tmp_path / 'speed.json')
    ])
    assert set(results['medians']['wall_ms']) == set(VARIANTS)
    assert results['peak_mib'] == {}
    assert all(len(s['wall_ms']) == 3 for s in results['samples'].values())
    # the decision comes back in one tolist() (not an aten read on CPU):
    # no other host read of a device value in the plugin's code
    reads = results['profile']['host_reads']
    for name in ('switokd_learning', 'switokd_expert'):
        assert not any(
            where.startswith('switokd_mm/') for _, where in reads[name])
    written = docs.read_text()
    assert 'old' not in written and '## Accuracy' in written
    assert written.count('| ratio of medians |') == 1
    assert written.index(BEGIN) < written.index(CONTROL) < written.index(END)
    assert json.loads((tmp_path / 'speed.json').read_text())['rounds'] == 3
    assert 'python tools/benchmarks/speed.py --batch-size 2' in (
        capsys.readouterr().out)

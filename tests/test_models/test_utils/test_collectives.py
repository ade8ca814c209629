"""average_over_ranks weighs each rank's statistics by its batch size."""
import pytest
import torch

from switokd_mm.models.utils import collectives


def test_single_process_returns_the_values_themselves():
    values = torch.tensor([0.6, 1.2, 0.4])
    assert collectives.average_over_ranks(values, 4) is values


def test_statistics_are_averaged_over_ranks_by_batch_size(monkeypatch):
    """Two ranks: this one holds 4 samples, the other (simulated) 12."""
    other = torch.tensor([0.2, 0.4, 0.8, 1.0]) * 12  # G, ds, dt, 1 x batch

    def fake_all_reduce(tensor, op):
        assert op == 'sum'
        tensor.add_(other)

    monkeypatch.setattr(collectives, 'get_world_size', lambda: 2)
    monkeypatch.setattr(collectives, 'all_reduce', fake_all_reduce)
    mine = torch.tensor([[0.6, 1.2, 0.4]])
    merged = collectives.average_over_ranks(mine, batch_size=4)
    expected = [(0.6 * 4 + 0.2 * 12) / 16, (1.2 * 4 + 0.4 * 12) / 16,
                (0.4 * 4 + 0.8 * 12) / 16]
    assert merged.shape == mine.shape
    assert merged.flatten().tolist() == pytest.approx(expected)

"""FFSD's attention maps, distances, attention shift and warm-up against
hand-computed values (``../shared/reference/ffsd.md``, "Notation")."""
import math

import pytest
import torch

from switokd_mm.models.ffsd import (attention, distance, diversity,
                                    shift_target, shifted_features, unit_rows,
                                    warmup_factor)

F64 = dict(dtype=torch.float64)


def test_attention_is_the_channel_mean_of_squares():
    features = torch.tensor([[[[1., -2.]], [[3., 0.]]]], **F64)  # 1x2x1x2
    assert attention(features).shape == (1, 1, 1, 2)
    assert attention(features).flatten().tolist() == [5.0, 2.0]


def test_unit_rows_divides_each_flattened_sample_by_its_norm():
    x = torch.tensor([[[[3., 4.]]], [[[0., -2.]]]], **F64)
    assert unit_rows(x).tolist() == [[0.6, 0.8], [0.0, -1.0]]


def test_shift_target_of_a_3x3_map_by_hand():
    """a = 1..9 in a scrambled 3x3 map: nu = sqrt(285), a^ = a / nu, k =
    floor(9 / 3) = 3, so tau = 3 / nu: above it nu - a^, below it a^, at it
    nu / 2."""
    values = [[4., 1., 9.], [2., 3., 7.], [8., 6., 5.]]
    sigma = shift_target(torch.tensor(values, **F64).view(1, 1, 3, 3))
    assert sigma.shape == (1, 9)
    nu = math.sqrt(285)  # 1 + 4 + ... + 81
    expected = []
    for v in sum(values, []):
        if v > 3:
            expected.append(nu - v / nu)
        elif v < 3:
            expected.append(v / nu)
        else:
            expected.append(nu / 2)
    assert sigma[0].tolist() == pytest.approx(expected, rel=1e-14)
    # written out: value 1 (below: 1 / nu), 3 (at: nu / 2), 9 (above:
    # nu - 9 / nu = 276 / nu)
    assert sigma[0, 1].item() == pytest.approx(0.0592348877759092, rel=1e-12)
    assert sigma[0, 4].item() == pytest.approx(8.440971508067067, rel=1e-12)
    assert sigma[0, 2].item() == pytest.approx(16.34882902615095, rel=1e-12)


def test_shift_target_gives_nu_half_to_every_entry_tied_with_tau():
    """Ties at the k-th smallest entry: all of them get nu / 2; a second
    sample of the batch is shifted on its own (k = floor(10 / 3) = 3 on a
    2x5 map)."""
    first = [1., 2., 2., 2., 4., 4., 4., 4., 4.]
    sigma = shift_target(torch.tensor(first, **F64).view(1, 1, 3, 3))[0]
    nu = math.sqrt(1 + 3 * 4 + 5 * 16)
    expected = [1 / nu] + [nu / 2] * 3 + [nu - 4 / nu] * 5
    assert sigma.tolist() == pytest.approx(expected, rel=1e-14)

    batch = torch.tensor([[5., 1., 0., 3., 2., 9., 4., 8., 6., 7.],
                          [1., 1., 1., 1., 1., 1., 1., 1., 1., 1.]], **F64)
    sigma = shift_target(batch.view(2, 1, 2, 5))
    assert sigma.shape == (2, 10)
    nu = math.sqrt(sum(v * v for v in range(10)))  # 285 again
    # sorted 0, 1, 2, ...: tau = 2 / nu
    expected = [
        nu - v / nu if v > 2 else (v / nu if v < 2 else nu / 2)
        for v in batch[0].tolist()
    ]
    assert sigma[0].tolist() == pytest.approx(expected, rel=1e-14)
    # a flat map: every entry is tau
    assert sigma[1].tolist() == pytest.approx(
        [math.sqrt(10) / 2] * 10, rel=1e-14)


def test_shifted_features_by_hand():
    """F of 2 channels on a 1x3 map: a = A(F) = (1, 2, 5), nu^2 = 30,
    k = floor(3 / 3) = 1 so tau = a^_0. The shift (sigma - a^) nu / C is
    (nu^2 / 2 - a_0) / 2 = 7 at tau and (nu^2 - 2 a_j) / 2 = 13, 10 above
    it, added to both channels."""
    features = torch.tensor([[[[1., 2., 3.]], [[1., 0., 1.]]]], **F64)
    assert attention(features).flatten().tolist() == [1.0, 2.0, 5.0]
    phi = shifted_features(features)
    assert phi.shape == features.shape
    assert phi[0, :, 0].tolist() == [
        pytest.approx([8., 15., 13.], rel=1e-14),
        pytest.approx([8., 13., 11.], rel=1e-14)
    ]


def test_shifted_features_of_a_batch_against_the_formula():
    torch.manual_seed(0)
    features = torch.randn(3, 4, 5, 6, **F64)
    phi = shifted_features(features)
    for b in range(3):
        a = (features[b]**2).mean(0).flatten()
        nu = a.norm()
        unit = a / nu
        tau = unit.sort().values[math.floor(30 / 3) - 1]
        sigma = torch.where(unit > tau, nu - unit,
                            torch.where(unit < tau, unit, nu / 2))
        shift = ((sigma - unit) * nu / 4).view(1, 5, 6)
        torch.testing.assert_close(
            phi[b], features[b] + shift, rtol=1e-13, atol=1e-13)


def test_distance_against_the_explicit_formula():
    """d(X, Y) = mean over B x D of (x / |x| - y / |y|)^2, per sample."""
    torch.manual_seed(1)
    x = torch.randn(3, 2, 4, 5, **F64)
    y = torch.randn(3, 2, 4, 5, **F64)
    total = 0.0
    for b in range(3):
        xs, ys = x[b].flatten().tolist(), y[b].flatten().tolist()
        nx = math.sqrt(sum(v * v for v in xs))
        ny = math.sqrt(sum(v * v for v in ys))
        total += sum((p / nx - q / ny)**2 for p, q in zip(xs, ys))
    expected = total / (3 * 40)
    assert distance(x, y).item() == pytest.approx(expected, rel=1e-13)
    # scale-invariant per sample
    scale = torch.tensor([2., 5., 0.1], **F64).view(3, 1, 1, 1)
    assert distance(x * scale, y).item() == pytest.approx(expected, rel=1e-13)
    assert distance(x, x).item() == 0.0


def test_diversity_against_the_explicit_formula():
    """L_div = mean((N(a) - sigma(a_prev))^2), no gradient to the previous
    student's map."""
    torch.manual_seed(2)
    a = torch.rand(2, 1, 4, 4, **F64).requires_grad_()
    previous = torch.rand(2, 1, 4, 4, **F64).requires_grad_()
    total = 0.0
    for b in range(2):
        own = a[b].flatten().tolist()
        prev = previous[b].flatten().tolist()
        n_own = math.sqrt(sum(v * v for v in own))
        nu = math.sqrt(sum(v * v for v in prev))
        unit = [v / nu for v in prev]
        tau = sorted(unit)[16 // 3 - 1]
        sigma = [
            nu - u if u > tau else (u if u < tau else nu / 2) for u in unit
        ]
        total += sum((v / n_own - s)**2 for v, s in zip(own, sigma))
    loss = diversity(a, previous)
    assert loss.item() == pytest.approx(total / 32, rel=1e-13)
    loss.backward()
    assert previous.grad is None
    assert a.grad is not None and a.grad.abs().sum() > 0


@pytest.mark.parametrize('epoch, expected', [(1, 0.041), (2, 0.165),
                                             (3, 0.449), (4, 0.819), (5, 1.0),
                                             (6, 1.0), (300, 1.0)])
def test_warmup_factor_of_the_released_schedule(epoch, expected):
    """exp(-5 (1 - e / 5)^2) for 1-based epochs up to 5, then 1."""
    independent = math.exp(-5 * (1 - min(epoch, 5) / 5)**2)
    assert round(independent, 3) == expected
    assert warmup_factor(epoch) == pytest.approx(independent, rel=1e-15)
    assert round(warmup_factor(epoch), 3) == expected


def test_warmup_factor_of_other_lengths_and_epoch_zero():
    assert warmup_factor(1, 2) == pytest.approx(math.exp(-1.25))
    assert warmup_factor(2, 2) == 1.0
    assert warmup_factor(1, 0) == 1.0  # no warm-up
    for epoch in (0, -1):
        with pytest.raises(ValueError, match='from 1'):
            warmup_factor(epoch)

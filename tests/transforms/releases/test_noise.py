"""The noise is OpenDP's discrete Laplace at the configured scale: a statistical test."""

from __future__ import annotations

import math

import pytest

from transforms.releases.noise import mechanism, noisy_counts

DRAWS = 40_000


def discrete_laplace_mean_abs(scale: float) -> float:
    """E|X| for P(x) proportional to exp(-|x| / scale) on the integers."""
    t = math.exp(-1 / scale)
    return 2 * t / (1 - t * t)


def mean_abs_noise(sensitivity: int, epsilon: float) -> float:
    draws = noisy_counts([1000] * DRAWS, sensitivity, epsilon)
    return sum(abs(d - 1000) for d in draws) / DRAWS


@pytest.mark.parametrize(("sensitivity", "epsilon"), [(1, 0.1), (3, 1.0), (5, 0.5)])
def test_noise_matches_the_configured_epsilon(sensitivity: int, epsilon: float) -> None:
    scale = sensitivity / epsilon
    measured = mean_abs_noise(sensitivity, epsilon)
    # the mean of 40,000 draws is within 3% of E|X| (over 4 standard errors); a scale off by a
    # factor of 2 is off by about 50% or 100%
    assert measured == pytest.approx(discrete_laplace_mean_abs(scale), rel=0.03)
    assert measured != pytest.approx(discrete_laplace_mean_abs(2 * scale), rel=0.03)
    assert measured != pytest.approx(discrete_laplace_mean_abs(scale / 2), rel=0.03)


def test_a_wrong_scale_fails_the_same_test() -> None:
    """The positive control: noise drawn at twice the scale (half the epsilon) is caught."""
    measured = mean_abs_noise(1, 0.05)  # scale 20 where 10 was configured
    assert measured != pytest.approx(discrete_laplace_mean_abs(10.0), rel=0.03)


def test_privacy_map_and_interval() -> None:
    m = mechanism(sensitivity=4, epsilon=0.5)
    assert m.scale == 8.0 and m.epsilon == pytest.approx(0.5)
    draws = noisy_counts([0] * DRAWS, 4, 0.5)
    inside = sum(abs(d) <= m.ci95 for d in draws) / DRAWS
    assert inside == pytest.approx(0.95, abs=0.01)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="epsilon > 0"):
        mechanism(1, 0.0)

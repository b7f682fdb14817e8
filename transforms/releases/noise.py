"""Differentially private counts: OpenDP's discrete Laplace mechanism, nothing hand-written.

A query's counts have L1 sensitivity L (its contribution bound). OpenDP builds the mechanism for
a vector of integer counts at scale L / epsilon, its privacy map states what one release costs,
and its accuracy helper gives the 95% interval that the manifests publish.
"""

from __future__ import annotations

from dataclasses import dataclass

import opendp.prelude as dp

dp.enable_features("contrib")  # OpenDP gates mechanisms not yet vetted by its committee

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Mechanism:
    sensitivity: int
    scale: float
    epsilon: float  # what OpenDP's privacy map says one draw costs
    ci95: float  # a noisy count is within this of the bounded true count 95% of the time

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "mechanism": "discrete Laplace (OpenDP make_laplace on integers)",
            "sensitivity": self.sensitivity,
            "scale": self.scale,
            "epsilon": self.epsilon,
            "delta": 0.0,
            "ci95_half_width": self.ci95,
        }


def _measurement(sensitivity: int, epsilon: float) -> tuple[dp.Measurement, float]:
    if sensitivity < 1 or epsilon <= 0:
        raise ValueError(f"need sensitivity >= 1 and epsilon > 0, got {sensitivity}, {epsilon}")
    scale = sensitivity / epsilon
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return dp.m.make_laplace(*space, scale=scale), scale


def mechanism(sensitivity: int, epsilon: float) -> Mechanism:
    meas, scale = _measurement(sensitivity, epsilon)
    spent = float(meas.map(sensitivity))  # type: ignore[no-untyped-call]
    if spent > epsilon * (1 + 1e-9):
        raise ValueError(f"OpenDP charges {spent} for a draw budgeted at {epsilon}")
    ci = dp.discrete_laplacian_scale_to_accuracy(scale, 1 - CONFIDENCE)
    return Mechanism(sensitivity, scale, spent, float(ci))


def noisy_counts(counts: list[int], sensitivity: int, epsilon: float) -> list[int]:
    """One draw of discrete Laplace noise on every count (OpenDP's own sampler)."""
    meas, _ = _measurement(sensitivity, epsilon)
    return [int(v) for v in meas(counts)] if counts else []

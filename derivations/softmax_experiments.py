"""Ko 2026, section 3: the softmax temperature sweep experiments, in the section-3 position of
the catalog (defined with the other experiments in :mod:`derivations.experiments`)."""

from __future__ import annotations

from .experiments import SOFTMAX_CLAIMS as CLAIMS

__all__ = ["CLAIMS"]

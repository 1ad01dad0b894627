r"""Where a refuted network claim holds: its batch size.

A network claim about the batch-averaged cost ($C = \frac1n\sum_x C_x$) that is refuted is most
often a per-sample quantity equated with a batch quantity (Ko's boxed
$\partial C/\partial b_j^L = \delta_j^L = \frac1n\sum_x (a_j^L - y_j)$), which coincide when the
batch has one sample.  The region search checks the claim again on batches of one sample
(``NetworkClaim.batch = 1``: the explicit proof networks and the numeric networks with $n = 1$),
by the same witnesses and seed.  The refutation itself is at $n = 2$ (the proof networks) and at
$n = 64$ (the numeric networks), so "holds iff $n = 1$" is stated from those cells: VERIFIED, with
each cell's verdict (no proof covers every $n \ge 3$).  A per-sample claim, or one stated for a
fixed batch, has no batch to vary: its region is not searched.
"""

from __future__ import annotations

import dataclasses

from ..regions import Region

__all__ = ["batch_region"]


def batch_region(claim, witnesses, *, seed: int, points: int, check) -> Region:
    """The batch-size cells of a refuted network claim (module docstring)."""
    if claim.scope != "mean" or claim.batch is not None:
        return Region(text="region not searched: a per-sample claim or one stated for a fixed "
                           "batch has no batch size to vary", status="UNDECIDED", witness="none")
    derived = dataclasses.replace(claim, id=f"{claim.id}.batch_1", batch=1,
                                  note=f"Batch cell n = 1 of {claim.id}.")
    one = check(derived).verdict
    sym = next((w for w in witnesses if w.witness == "symbolic"), None)
    num = next((w for w in witnesses if w.witness == "autodiff"), None)
    cells = (("n = 1", one),
             (f"n = {claim.proof_batch} (proof networks)", "REFUTED" if sym is not None and sym.fails
              else (sym.status if sym is not None else "not checked")),
             ("n = 64 (numeric networks)", "REFUTED" if num is not None and num.fails
              else (num.status if num is not None else "not checked")))
    if one in ("PROVED", "VERIFIED") and any(v == "REFUTED" for _, v in cells[1:]):
        return Region(text="holds iff the batch has one sample (n = 1)", latex="n = 1",
                      status="VERIFIED", cells=cells,
                      witness="the claim's witnesses on batches of one sample; the refutation at "
                              "the other batch sizes")
    return Region(text="holds in no batch cell checked; where it holds otherwise is not searched",
                  status="UNDECIDED", cells=cells, witness="the claim's witnesses on each batch cell")

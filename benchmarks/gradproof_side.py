r"""gradproof's side of the benchmark: its witnesses on the same functions.

Two ways gradproof meets the functions of :mod:`benchmarks.functions`:

* **claim** -- the derivation as a claim: the catalog's softmax + NLL gradient claim
  ($\partial L/\partial z_k = a_k - \delta_{ky}$ for symbolic $K$) and the backprop network
  claims, checked by their numeric witnesses at the benchmark's sizes; the mutants are the same
  claims with the mutated right-hand side (``claim.replace(...)``).
* **explicit K** -- the same gradient written out for one $K$ with $K$ scalar symbols
  ($L = \ln\sum_{k<K} e^{z_k} - z_y$, claimed $\partial L/\partial z_k = e^{z_k}/\sum_j e^{z_j} -
  [k = y]$), built with the public constructor :func:`derivations.build.gradient_claim` and
  checked by :func:`checkers.verify`: the explicit-K baseline for the scaling section.

Everything a module that has not arrived yet would provide is looked up at run time; what is
missing is reported as missing (:func:`availability`), never replaced by a stand-in.
"""

from __future__ import annotations

import importlib
import time

__all__ = ["availability", "explicit_softmax_claim", "time_verify"]

SCALE_NUM, SCALE_DEN = 1000001, 1000000   # the (1 + 1e-6) mutant, exact


def availability() -> dict:
    """Which gradproof modules this benchmark can use now: name -> 'ok' or the import error."""
    out = {}
    for mod in ("derivations.softmax_nll", "checkers.indexed", "derivations.backprop",
                "checkers.network", "checkers.implementation"):
        try:
            importlib.import_module(mod)
            out[mod] = "ok"
        except Exception as err:  # noqa: BLE001  (a module being written may fail any way)
            out[mod] = f"{type(err).__name__}: {str(err)[:160]}"
    return out


def explicit_softmax_claim(K: int, y: int = 0, mutant: str | None = None):
    """The softmax + NLL gradient written out for one $K$ (see the module docstring)."""
    import sympy as sp

    from derivations import real_line
    from derivations.build import gradient_claim

    z = sp.symbols(f"z0:{K}", real=True)
    S = sp.Add(*[sp.exp(v) for v in z])
    cost = sp.log(S) - z[y]
    g = [sp.exp(z[k]) / S - (1 if k == y else 0) for k in range(K)]
    if mutant == "scale":
        g = [e * sp.Rational(SCALE_NUM, SCALE_DEN) for e in g]
    elif mutant == "delta":
        g = [sp.exp(z[k]) / S for k in range(K)]
    elif mutant == "entry":
        j = (y + 1) % K
        g[j] = g[j] * sp.Rational(101, 100)
    elif mutant is not None:  # pragma: no cover
        raise ValueError(mutant)
    suffix = f"_{mutant}" if mutant else ""
    return gradient_claim(f"bench.softmax_nll_k{K}{suffix}", cost, tuple(z), tuple(g),
                          domain={v: real_line() for v in z})


def time_verify(claim, *, points: int, repeats: int, budget_s: float, symbolic: bool = False,
                seed: int | None = None) -> dict:
    """Median wall time of :func:`checkers.verify` on ``claim`` (warm-up excluded), with the
    first call's time and JAX compile time split out, and each witness's seconds."""
    import checkers

    from .timing import measure

    kw = {"points": points, "symbolic": symbolic}
    if seed is not None:
        kw["seed"] = seed
    m = measure(lambda: checkers.verify(claim, **kw), repeats=repeats, budget_s=budget_s)
    res = m.pop("result")
    m["verdict"] = res.verdict
    m["witnesses"] = {w.witness: {"status": w.status, "seconds": w.seconds, "points": w.points,
                                  "escalated": w.escalated} for w in res.witnesses}
    m["points"] = res.points
    return m



# ----------------------------------------------------------------------------- counting
class _EvalCounter:
    """Point evaluations of the cost by the NumPy witnesses (finite differences): every call of a
    function made by :func:`checkers.lambdify.numpy_fn` inside :mod:`checkers.finite_diff` adds
    the number of points it evaluated."""

    def __init__(self):
        self.points = 0

    def __enter__(self):
        from checkers import finite_diff

        self._mod, self._orig = finite_diff, finite_diff.numpy_fn
        counter = self

        def counting_numpy_fn(variables, matrix):
            f = self._orig(variables, matrix)

            def g(*cols):
                out = f(*cols)
                counter.points += out.shape[0] if out.ndim > 2 else 1
                return out
            return g

        finite_diff.numpy_fn = counting_numpy_fn
        return self

    def __exit__(self, *exc):
        self._mod.numpy_fn = self._orig


def _status_of(res) -> str:
    """'detected' if the verdict refutes the claim, 'pass' if it holds, else the verdict."""
    if res.verdict == "REFUTED":
        return "detected"
    if res.verdict in ("PROVED", "VERIFIED"):
        return "pass"
    return f"{res.verdict}: {res.message[:100]}"


def explicit_rows(Ks, cfg, log) -> list:
    """The explicit-K claims through :func:`checkers.verify` (numeric witnesses only)."""
    import checkers

    rows = []
    for K in Ks:
        y = K // 3
        row = {"tool": "gradproof verify (explicit K)", "mode": "explicit K", "problem": "softmax_nll",
               "size": K, "params": K, "order": 10, "detects": {}}
        try:
            t0 = time.perf_counter()
            claim = explicit_softmax_claim(K, y)
            row["build_claim_s"] = time.perf_counter() - t0
            with _EvalCounter() as cnt:
                m = time_verify(claim, points=cfg["points"], repeats=cfg["repeats"],
                                budget_s=cfg["budget_s"])
            runs = m["repeats"] + 1
            row.update(m)
            ad = m["witnesses"].get("autodiff", {}).get("points", 0)
            row["f_evals"] = cnt.points // runs + ad
            row["grad_evals"] = ad
            row["correct"] = "pass" if m["verdict"] in ("PROVED", "VERIFIED") else \
                f"{m['verdict']}: " + "; ".join(f"{k} {v['status']}" for k, v in m["witnesses"].items())
            if m["verdict"] == "ERROR":
                res = checkers.verify(claim, points=cfg["points"], symbolic=False)
                row["correct"] = f"ERROR: {res.message[:160]}"
            for mut in ("scale", "delta", "entry"):
                res = checkers.verify(explicit_softmax_claim(K, y, mut), points=cfg["points"],
                                      symbolic=False)
                row["detects"][mut] = _status_of(res)
        except Exception as err:  # noqa: BLE001
            row["correct"] = f"error: {type(err).__name__}: {str(err)[:160]}"
        log(f"  explicit K={K}: {row.get('median_s')} s, {row['correct']}, {row['detects']}")
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- sections
def gradproof_rows(cfg, log) -> dict:
    """gradproof's rows for the comparison tables, plus what is missing and why."""
    avail = availability()
    out = {"rows": [], "notes": [], "why": [], "missing": ""}
    missing = []
    explicit_Ks = [K for K in cfg["softmax_Ks"] if K <= 10]
    out["rows"] += explicit_rows(explicit_Ks, cfg, log)
    out["notes"].append(
        "explicit K: the gradient written out with K scalar symbols and checked by `checkers.verify` "
        "(symbolic=False: autodiff and finite-difference witnesses) on its default seeded sample; "
        "loss evals = points evaluated by the finite-difference witness (one complex-step pass per "
        "coordinate) plus the autodiff witness's points; gradient evals = the autodiff witness's points.")
    if avail.get("checkers.indexed") == "ok":
        out["rows"] += softmax_claim_rows(cfg, log, out)
        if avail.get("derivations.softmax_nll") != "ok":
            missing.append("catalog module derivations/softmax_nll.py (the claim was built by the "
                           "benchmark with the same indexed kind): "
                           + str(avail.get("derivations.softmax_nll")))
    else:
        missing.append("symbolic-K claim kind (checkers/indexed/): " + str(avail.get("checkers.indexed")))
    if avail.get("checkers.network") == "ok" and avail.get("derivations.backprop") == "ok":
        try:
            out["rows"] += network_rows(cfg, log, out)
        except LookupError as err:
            missing.append(str(err))
    else:
        missing.append("backprop network claims (derivations/backprop.py, checkers/network/): " + "; ".join(
            f"{k}: {avail.get(k)}" for k in ("derivations.backprop", "checkers.network")))
    out["missing"] = " | ".join(missing)
    return out


CATALOG_SOFTMAX_NLL_ID = "softmax_nll.grad_z"


def softmax_claim(log=None):
    r"""The symbolic-K softmax + NLL gradient claim $\partial L/\partial z_k = a_k - \delta_{ky}$.

    The catalog's claim (``derivations.softmax_nll``, id ``softmax_nll.grad_z``) when it is there,
    else its first indexed gradient claim whose cost is $\ln\sum_i e^{z_i} - z_y$ (a log of a sum) and whose claimed derivative
    has a Kronecker delta.  Otherwise the same statement built here with the public indexed kind
    (:class:`derivations.indexed.IndexedGradientClaim`), and the result says so.
    """
    import sympy as sp

    from derivations.indexed import IndexedGradientClaim, index, size

    try:
        mod = importlib.import_module("derivations.softmax_nll")
        for c in getattr(mod, "CLAIMS", ()):
            if c.id == CATALOG_SOFTMAX_NLL_ID:
                return c, f"catalog claim `{c.id}`"
        for c in getattr(mod, "CLAIMS", ()):
            if (isinstance(c, IndexedGradientClaim) and c.cost.has(sp.log) and c.cost.has(sp.Sum)
                    and c.claimed.has(sp.KroneckerDelta) and not c.out_indices == ()):
                return c, f"catalog claim `{c.id}`"
        src = "derivations.softmax_nll has no indexed gradient claim of the form a_k - delta_ky"
    except ImportError as err:
        src = f"derivations.softmax_nll not importable ({err})"
    from derivations.build import user_source

    K, k, y, i = size("K"), index("k"), index("y"), index("i")
    z = sp.IndexedBase("z")
    S = sp.Sum(sp.exp(z[i]), (i, 1, K))
    c = IndexedGradientClaim(
        id="bench.softmax_nll_grad", title="softmax + NLL gradient, any K",
        source=user_source("gradproof benchmarks"),
        statement=r"\frac{\partial}{\partial z_k}\Big(\ln\sum_{i=1}^{K} e^{z_i} - z_y\Big) = "
                  r"\frac{e^{z_k}}{\sum_{i=1}^{K} e^{z_i}} - \delta_{ky}",
        cost=sp.log(S) - z[y], wrt=z[k], claimed=sp.exp(z[k]) / S - sp.KroneckerDelta(k, y),
        shapes={z: (K,)}, ranges={k: (1, K), y: (1, K)}, sizes=(2, 10, 1000), size_min={K: 2})
    return c, f"built by the benchmark with the indexed claim kind ({src})"


def softmax_mutants(claim) -> dict:
    r"""The three mutants as claims: $\times(1 + 10^{-6})$; the delta dropped; entry $y + 1$ 1% off."""
    import sympy as sp

    y = next(iter(a.args[1] if a.args[0] == claim.wrt.indices[0] else a.args[0]
                  for a in claim.claimed.atoms(sp.KroneckerDelta)))
    k = claim.wrt.indices[0]
    return {
        "scale": claim.replace(id=claim.id + "_mut_scale",
                               claimed=claim.claimed * sp.Rational(SCALE_NUM, SCALE_DEN)),
        "delta": claim.replace(id=claim.id + "_mut_delta",
                               claimed=claim.claimed.replace(sp.KroneckerDelta, lambda a, b: sp.S.Zero)),
        "entry": claim.replace(id=claim.id + "_mut_entry",
                               claimed=claim.claimed * (1 + sp.KroneckerDelta(k, y + 1) / 100)),
    }


class _IndexedCounter:
    """Cost evaluations by the indexed witnesses: ``jax.grad`` points (one forward and one reverse
    pass each) and finite-difference points (complex step: one complex evaluation per point and
    entry; Richardson: four)."""

    def __enter__(self):
        from checkers.indexed import arrays as indexed  # the module the witnesses call them in

        self.m = indexed
        self.orig = (indexed.complex_step, indexed.central_richardson, indexed._autodiff_arrays)
        self.f = self.g = 0
        me = self

        def cs(f, cols, i):
            me.f += len(cols[i])
            return me.orig[0](f, cols, i)

        def cr(f, cols, i):
            me.f += 4 * len(cols[i])
            return me.orig[1](f, cols, i)

        def ad(claim, pts, out):
            me.f += len(pts)
            me.g += len(pts)
            return me.orig[2](claim, pts, out)

        indexed.complex_step, indexed.central_richardson, indexed._autodiff_arrays = cs, cr, ad
        return self

    def __exit__(self, *exc):
        self.m.complex_step, self.m.central_richardson, self.m._autodiff_arrays = self.orig


def softmax_claim_rows(cfg, log, out) -> list:
    """The symbolic-K claim at each K: ``checkers.verify(claim.replace(sizes=(K,)), symbolic=False)``."""
    import checkers

    claim, origin = softmax_claim(log)
    out["notes"].append(
        f"claim: the symbolic-K softmax + NLL gradient ({origin}), kind `{claim.kind}`, checked at one "
        "size per row (`claim.replace(sizes=(K,))`) by `checkers.verify(..., symbolic=False)`: the "
        "autodiff witness (jax.grad over the whole logit vector, every entry of the gradient row) and "
        "the finite-difference witness (complex step along every entry up to K = 64, else along 32 "
        "entries), on the kind's own seeded sample (points per size from its budget); `claim, 1 point`: "
        "the same two witnesses (`checkers.indexed.check_at`) at one sample point, the work of one "
        "competitor check; loss evals = "
        "cost evaluations at a point (autodiff: one forward per point; complex step: one per point and "
        "entry), gradient evals = reverse passes.")
    muts = softmax_mutants(claim)
    rows = []
    for K in cfg["softmax_Ks"]:
        row = {"tool": "gradproof verify (symbolic-K claim)", "mode": "claim", "problem": "softmax_nll",
               "size": K, "params": K, "order": 11, "detects": {}, "mutant_s": {}}
        try:
            ck = claim.replace(sizes=(K,))
            with _IndexedCounter() as cnt:
                m = time_verify(ck, points=cfg["points"], repeats=cfg["repeats"], budget_s=cfg["budget_s"])
            runs = m["repeats"] + 1
            row.update(m)
            row["f_evals"], row["grad_evals"] = cnt.f // runs, cnt.g // runs
            row["points"] = m["witnesses"].get("autodiff", {}).get("points")
            row["correct"] = "pass" if m["verdict"] in ("PROVED", "VERIFIED") else m["verdict"]
            for name, mut in muts.items():
                t0 = time.perf_counter()
                res = checkers.verify(mut.replace(sizes=(K,)), symbolic=False)
                row["mutant_s"][name] = time.perf_counter() - t0
                row["detects"][name] = _status_of(res)
                row.setdefault("mutant_witnesses", {})[name] = {
                    w.witness: w.status for w in res.witnesses}
                row.setdefault("mutant_details", {})[name] = {
                    w.witness: w.detail[-200:] for w in res.witnesses}
        except Exception as err:  # noqa: BLE001
            row["correct"] = f"error: {type(err).__name__}: {str(err)[:200]}"
        log(f"  claim K={K}: {row.get('median_s')} s, {row.get('correct')}, {row['detects']} "
            f"{ {k: round(v, 2) for k, v in row['mutant_s'].items()} }")
        rows.append(row)
        rows.append(_one_point_row(claim, muts, K, cfg, log))
    return rows


def _both_witnesses(claim, K, points):
    from checkers.indexed import check_at

    a = check_at(claim, K, witness="autodiff", points=points)
    f = check_at(claim, K, witness="finite differences", points=points)
    return a, f


def _one_point_row(claim, muts, K, cfg, log):
    """The same two witnesses at one sample point: the work of one competitor check."""
    from .timing import measure

    row = {"tool": "gradproof witnesses, 1 point", "mode": "claim, 1 point", "problem": "softmax_nll",
           "size": K, "params": K, "order": 12, "detects": {}, "mutant_s": {}, "points": 1}
    try:
        with _IndexedCounter() as cnt:
            m = measure(lambda: _both_witnesses(claim, K, 1), repeats=cfg["repeats"],
                        budget_s=cfg["budget_s"])
        runs = m["repeats"] + 1
        res = m.pop("result")
        row.update(m)
        row["f_evals"], row["grad_evals"] = cnt.f // runs, cnt.g // runs
        row["correct"] = "pass" if all(w.status == "PASS" for w in res) else \
            "; ".join(f"{w.witness} {w.status}" for w in res)
        for name, mut in muts.items():
            t0 = time.perf_counter()
            res = _both_witnesses(mut, K, 1)
            row["mutant_s"][name] = time.perf_counter() - t0
            row["detects"][name] = "detected" if any(w.status == "FAIL" for w in res) else (
                "pass" if all(w.status == "PASS" for w in res) else
                "; ".join(f"{w.witness} {w.status}" for w in res))
            row.setdefault("mutant_details", {})[name] = {w.witness: w.detail[-200:] for w in res}
    except Exception as err:  # noqa: BLE001
        row["correct"] = f"error: {type(err).__name__}: {str(err)[:200]}"
    log(f"  claim 1 point K={K}: {row.get('median_s')} s, {row.get('correct')}, {row['detects']}")
    return row


NETWORK_CLAIMS = ("backprop.bp1_ce", "backprop.bp2_matrix", "backprop.bp3_matrix", "backprop.bp4_matrix")


def network_claims() -> dict:
    """BP1 (cross-entropy), BP2, BP3, BP4 in matrix form, from the catalog (``derivations.backprop``)."""
    mod = importlib.import_module("derivations.backprop")
    by_id = {c.id: c for c in mod.CLAIMS}
    missing = [i for i in NETWORK_CLAIMS if i not in by_id]
    if missing:
        raise LookupError(f"derivations.backprop has no claim(s) {missing}")
    return {i: by_id[i] for i in NETWORK_CLAIMS}


def network_mutants(claims) -> dict:
    r"""``scale``: BP3 and BP4 (the parameter gradients) times $(1 + 10^{-6})$; ``sigma``: BP2 with
    $\sigma'(z^l)$ dropped, $\delta^l = (W^{l+1})^\top \delta^{l+1}$."""
    import sympy as sp

    from derivations.network import Delta_next, W_next

    r = sp.Rational(SCALE_NUM, SCALE_DEN)
    bp2, bp3, bp4 = (claims[i] for i in NETWORK_CLAIMS[1:])
    return {
        "scale": [bp3.replace(id=bp3.id + "_mut_scale", rhs=r * bp3.rhs),
                  bp4.replace(id=bp4.id + "_mut_scale", rhs=r * bp4.rhs)],
        "sigma": [bp2.replace(id=bp2.id + "_mut_sigma", rhs=W_next.T * Delta_next)],
    }


class _NetCounter:
    """Drawn networks (each one forward and one ``jax.grad`` pass) and Taylor tests."""

    def __enter__(self):
        from checkers.network import taylor as network  # its taylor_witness calls taylor_test

        self.m, self.nets, self.tests = network, 0, 0
        self.orig = (network.NumericNet.__init__, network.taylor_test)
        me = self

        def init(obj, *a, **kw):
            me.nets += 1
            return me.orig[0](obj, *a, **kw)

        def tt(*a, **kw):
            me.tests += 1
            return me.orig[1](*a, **kw)

        network.NumericNet.__init__, network.taylor_test = init, tt
        return self

    def __exit__(self, *exc):
        self.m.NumericNet.__init__, self.m.taylor_test = self.orig


class _Seed:
    def __init__(self, seed):
        self.seed = seed


def _network_check(claims, spec, seed, regime="standard"):
    """Both network witnesses, for every claim, on one drawn network (``seed``)."""
    from checkers.network import autodiff_witness, taylor_witness

    out = []
    for c in claims:
        for fn in (autodiff_witness, taylor_witness):
            out.append(fn(c, _Seed(seed), networks=(spec,), regimes=(regime,)))
    return out


def network_rows(cfg, log, out) -> list:
    """BP1-BP4 at the benchmark's MLP sizes: the autodiff and Taylor-remainder witnesses of
    :mod:`checkers.network` on one drawn network per run (a new seed per repeat, so no result
    is reused; compiled functions are)."""
    from checkers.network import TAYLOR_HALVINGS, NetSpec

    from .timing import measure

    claims = network_claims()
    muts = network_mutants(claims)
    out["notes"].append(
        "MLP claims: the catalog's BP1 (cross-entropy), BP2, BP3 and BP4 (matrix form, "
        f"{', '.join(NETWORK_CLAIMS)}) checked by `checkers.network.autodiff_witness` (every entry "
        "against jax.grad of the whole cost) and `taylor_witness` (remainder order over "
        f"{TAYLOR_HALVINGS} halvings, 4 random directions per layer plus coordinate directions where "
        "the entries disagree), on the same layer sizes, batch and cost as the competitors' MLP, one "
        "drawn network in the standard regime per run (gradproof draws its own parameters: same "
        "function, its own inputs). Mutants: BP3 and BP4 right-hand sides times (1 + 1e-6); BP2 "
        "without sigma'. Loss evals: drawn networks (each one forward and one jax.grad pass) plus "
        f"Taylor tests x {TAYLOR_HALVINGS + 1} partial-network evaluations (a lower bound); gradient "
        "evals: drawn networks.")
    rows = []
    for sizes in cfg["mlp_sizes"]:
        from . import functions as F

        spec = NetSpec(tuple(sizes), F.MLP_BATCH)
        row = {"tool": "gradproof network witnesses", "mode": "network claims", "problem": "mlp",
               "size": list(sizes), "params": F.mlp_param_count(sizes), "order": 11, "detects": {},
               "mutant_s": {}, "points": 1}
        seeds = iter(range(1000, 2000))
        try:
            with _NetCounter() as cnt:
                m = measure(lambda: _network_check(claims.values(), spec, next(seeds)),
                            repeats=cfg["repeats"], budget_s=cfg["budget_s"])
            runs = m["repeats"] + 1
            res = m.pop("result")
            row.update(m)
            row["f_evals"] = (cnt.nets + cnt.tests * (TAYLOR_HALVINGS + 1)) // runs
            row["grad_evals"] = cnt.nets // runs
            row["witness_seconds"] = {f"{w.witness}": round(sum(x.seconds for x in res if x.witness == w.witness), 4)
                                      for w in res}
            bad = [f"{w.witness} {w.status}" for w in res if w.status not in ("PASS", "N/A")]
            row["correct"] = "pass" if not bad else "; ".join(bad)
            for name, mclaims in muts.items():
                t0 = time.perf_counter()
                res = _network_check(mclaims, spec, 0)
                row["mutant_s"][name] = time.perf_counter() - t0
                row["detects"][name] = "detected" if any(w.status == "FAIL" for w in res) else (
                    "pass" if all(w.status in ("PASS", "N/A") for w in res) else
                    "; ".join(f"{w.witness} {w.status}" for w in res))
                row.setdefault("mutant_witnesses", {})[name] = [f"{w.witness} {w.status}" for w in res]
        except Exception as err:  # noqa: BLE001
            row["correct"] = f"error: {type(err).__name__}: {str(err)[:200]}"
        log(f"  network {sizes}: {row.get('median_s')} s, {row.get('correct')}, {row['detects']}")
        rows.append(row)
    return rows


def scaling(cfg, log) -> dict:
    """Symbolic time against K (explicit K vs symbolic K); numeric time against K and points."""
    from checkers.symbolic import symbolic_witness

    from .run import loglog_slope

    out = {}
    Ks = [2, 3, 5] if cfg["quick"] else [2, 3, 5, 10, 20, 40]
    ts = []
    for K in Ks:
        claim = explicit_softmax_claim(K, K // 3)
        t0 = time.perf_counter()
        res = symbolic_witness(claim)
        ts.append(time.perf_counter() - t0)
        log(f"  symbolic explicit K={K}: {ts[-1]:.3f} s {res.status}")
    series = {"explicit K (K symbols, checkers.symbolic)": {
        "x": Ks, "t": ts, "xlabel": "K", "what": "symbolic witness on the written-out gradient",
        "slope": loglog_slope(Ks, ts)}}
    out["symbolic_vs_K"] = {"series": series}
    out["numeric_vs_K"] = {"series": {}}
    out["numeric_vs_points"] = {"series": {}}
    try:
        symbolic_k_scaling(cfg, log, out)
    except NotImplementedError:
        msg = "the symbolic-K claim kind (helper B) is not available"
        for key in out:
            out[key]["missing"] = msg
    return out


def _fit(series, xs_min=None):
    from .run import loglog_slope

    xs, ts = series["x"], series["t"]
    pairs = [(x, t) for x, t in zip(xs, ts) if xs_min is None or x >= xs_min]
    series["slope"] = loglog_slope([p[0] for p in pairs], [p[1] for p in pairs])
    if xs_min is not None:
        series["fit_note"] = f"fit over {series.get('xlabel', 'x')} >= {xs_min}"
        series["slope_all"] = loglog_slope(xs, ts)
    return series["slope"]


def symbolic_k_scaling(cfg, log, out) -> None:
    """The symbolic-K claim: proof time at each K; numeric time against K and against points."""
    if availability().get("checkers.indexed") != "ok":
        raise NotImplementedError
    from checkers.indexed import check_at
    from checkers.indexed import symbolic_witness as indexed_symbolic

    from .timing import measure

    claim, origin = softmax_claim()
    Ks = cfg["softmax_Ks"]
    reps = max(1, min(3, cfg["repeats"]))
    # symbolic: the same proof whatever the numeric sizes (K is a symbol in it)
    ts, status = [], None
    for K in Ks:
        m = measure(lambda K=K: indexed_symbolic(claim.replace(sizes=(K,))), repeats=reps,
                    budget_s=cfg["budget_s"])
        ts.append(m["median_s"])
        status = m["result"].status
        log(f"  symbolic-K proof (sizes=({K},)): {ts[-1]:.3f} s {status}")
    ser = {"x": list(Ks), "t": ts, "xlabel": "K", "what": f"checkers.indexed.symbolic_witness, {origin}: {status}"}
    _fit(ser)
    out["symbolic_vs_K"]["series"]["symbolic K (one proof for every K)"] = ser
    exp = out["symbolic_vs_K"]["series"].get("explicit K (K symbols, checkers.symbolic)")
    sym_t = sorted(ts)[len(ts) // 2]
    flat = status == "PROVED" and ser["slope"] is not None and abs(ser["slope"]) < 0.15
    summary = (f"the symbolic-K proof is {status} in {sym_t:.3f} s (median), log-log slope against K "
               f"{ser['slope']:.2f}: it does not depend on K")
    if exp:
        summary += (f"; the explicit proof grows with K (slope {exp['slope']:.2f}; "
                    f"{exp['t'][-1]:.3f} s at K = {exp['x'][-1]}, and it needs one proof per K)")
    out["symbolic_vs_K"].update({"status": "met" if flat else "missed", "slope": ser["slope"],
                                 "summary": summary})
    # numeric against K at a fixed number of points
    P = 16 if cfg["quick"] else 128
    for witness in ("autodiff", "finite differences"):
        ts = []
        for K in Ks:
            m = measure(lambda K=K: check_at(claim, K, witness=witness, points=P), repeats=reps,
                        budget_s=cfg["budget_s"])
            ts.append(m["median_s"])
            log(f"  {witness} K={K}, {P} points: {ts[-1]:.4f} s ({m['result'].status})")
        ser = {"x": list(Ks), "t": ts, "xlabel": "K", "what": f"check_at(claim, K, points={P}), warm"}
        _fit(ser, xs_min=100 if len(Ks) > 2 else None)
        out["numeric_vs_K"]["series"][witness] = ser
    # numeric against points at K = 1000 (or the largest K in a quick run)
    Kp = 1000 if 1000 in Ks else Ks[-1]
    Ns = [16, 32, 64] if cfg["quick"] else [32, 64, 128, 256, 512, 1024]
    for witness in ("autodiff", "finite differences"):
        ts = []
        for N in Ns:
            m = measure(lambda N=N: check_at(claim, Kp, witness=witness, points=N), repeats=reps,
                        budget_s=cfg["budget_s"])
            ts.append(m["median_s"])
            log(f"  {witness} K={Kp}, {N} points: {ts[-1]:.4f} s")
        ser = {"x": Ns, "t": ts, "xlabel": "points", "what": f"check_at(claim, {Kp}, points=N), warm"}
        _fit(ser, xs_min=128 if len(Ns) > 3 else None)
        out["numeric_vs_points"]["series"][witness] = ser
    for key, what in (("numeric_vs_K", "K"), ("numeric_vs_points", "the number of points")):
        sl = {w: s["slope"] for w, s in out[key]["series"].items()}
        aff = {w: _affine(s) for w, s in out[key]["series"].items()}
        ok = all(v is not None and v <= 1.2 for v in sl.values())
        out[key].update({"slope": max((v for v in sl.values() if v is not None), default=None),
                         "status": "met" if ok else "missed",
                         "summary": "log-log slopes " + ", ".join(
                             f"{w} {v:.2f}" for w, v in sl.items() if v is not None)
                         + f" (1 = proportional to {what}; below 1: a fixed cost still dominates; "
                           "met when no slope exceeds 1.2); affine fits t = a + b x: " + "; ".join(
                             f"{w} a = {a:.3g} s, b = {b:.3g} s per unit, worst residual {r:.0%}"
                             for w, (a, b, r) in aff.items())})


def _affine(series):
    """Least-squares ``t = a + b x`` and the worst relative residual (a straight line in x)."""
    import numpy as np

    x, t = np.asarray(series["x"], float), np.asarray(series["t"], float)
    A = np.stack([np.ones_like(x), x], axis=1)
    (a, b), *_ = np.linalg.lstsq(A, t, rcond=None)
    res = float(np.max(np.abs(A @ [a, b] - t) / t))
    series["affine"] = {"a": float(a), "b": float(b), "worst_residual": res}
    return float(a), float(b), res

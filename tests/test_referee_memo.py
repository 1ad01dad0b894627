"""The referees' memos and the CLI's JAX cache setting change speed only, never an answer."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import checkers  # noqa: F401
import derivations as d
from checkers import cli, highprec
from checkers import indexed as ci
from checkers.indexed import arrays as ca
from checkers.indexed import points as cp
from checkers.indexed import referee as cr
from derivations import sigmoid

x = sp.Symbol("x", real=True)


def test_compare_at_memo_returns_what_the_referee_computes():
    claimed = sp.ImmutableMatrix([[sigmoid(x) * (1 - sigmoid(x))]])
    true = sp.Matrix([[sp.diff(sigmoid(x), x)]])  # mutable: the memo keys on its value
    for pt in ([30.0], [-700.0], [0.5]):
        direct = highprec._compare_at((x,), claimed, true, np.array(pt), "==")
        memo = highprec.compare_at([x], claimed, true, np.array(pt))
        again = highprec.compare_at((x,), sp.ImmutableMatrix(claimed), sp.ImmutableMatrix(true), pt)
        assert direct[:2] == memo[:2] == again[:2]
        assert list(direct[2]) == memo[2] == again[2] and list(direct[3]) == memo[3] == again[3]


def test_compare_at_memo_hands_out_fresh_lists_and_keeps_signed_zeros_apart():
    claimed, true = sp.ImmutableMatrix([[1 / x]]), sp.ImmutableMatrix([[1 / x]])
    first = highprec.compare_at((x,), claimed, true, np.array([3.0]))
    first[2].append("changed")
    assert highprec.compare_at((x,), claimed, true, np.array([3.0]))[2] == first[2][:1]
    # -0.0 == 0.0 in float64, but the memo keys on the bytes: two points, each refereed
    wrong = sp.ImmutableMatrix([[sp.Abs(x)]])
    pos = highprec.compare_at((x,), wrong, sp.ImmutableMatrix([[x]]), np.array([0.0]))
    neg = highprec.compare_at((x,), wrong, sp.ImmutableMatrix([[x]]), np.array([-0.0]))
    assert pos[0] == neg[0] == "ok"
    info = highprec._compare_cached.cache_info()
    highprec.compare_at((x,), wrong, sp.ImmutableMatrix([[x]]), np.array([-0.0]))
    assert highprec._compare_cached.cache_info().hits == info.hits + 1
    assert highprec._compare_cached.cache_info().currsize >= 2  # 0.0 and -0.0: two entries


def _referee(claim, sizes):
    pts = ci.sample_points(claim, sizes, None, 7)
    out = cp._out_arrays(claim, sizes)
    true = sp.diff(claim.cost, claim.wrt)
    return cr.Referee(claim, pts, [claim.claimed], [true], ("==",), out), pts


def test_indexed_referee_memo_gives_the_batch_values():
    claim = d.get("softmax_nll.grad_z")
    sizes = {claim.size_symbols[0]: 3}
    referee, pts = _referee(claim, sizes)
    rows = [0, 1, 2, 5]
    dps = 64
    whole = referee._values(rows, dps)  # one piece, no memo
    cr._MEMO["claim"] = None
    part = referee.values(rows[1:3], dps)  # fills the memo for two rows
    assert cr._MEMO["claim"] is claim and len(cr._MEMO["rows"]) == 2
    memo = referee.values(rows, dps)  # two from the memo, two evaluated
    for a, b in zip(whole, memo):
        assert a.shape == b.shape and all(u == v for u, v in zip(a.ravel(), b.ravel()))
    assert all(u == v for u, v in zip(part[0].ravel(), whole[0][1:3].ravel()))
    # a second witness of the same claim (same points, a new Points object) reads the memo
    again, _ = _referee(claim, sizes)
    n = len(cr._MEMO["rows"])
    again.values(rows, dps)
    assert len(cr._MEMO["rows"]) == n
    # another claim starts an empty memo; other digits are other entries
    referee.values(rows[:1], 2 * dps)
    assert len(cr._MEMO["rows"]) == n + 1
    other = claim.replace(claimed=claim.claimed * 2)
    _referee(other, sizes)[0].values(rows[:1], dps)
    assert cr._MEMO["claim"] is other and len(cr._MEMO["rows"]) == 1


@pytest.mark.parametrize("env, expect", [
    ({}, "HOME/.cache/gradproof/jax"),
    ({"XDG_CACHE_HOME": "/xdg"}, "/xdg/gradproof/jax"),
    ({"GRADPROOF_JAX_CACHE": "/somewhere"}, "/somewhere"),
    ({"GRADPROOF_JAX_CACHE": "off"}, None),
    ({"GRADPROOF_JAX_CACHE": "0"}, None),
    ({"JAX_COMPILATION_CACHE_DIR": "/jax-own"}, None),
])
def test_jax_cache_folder(monkeypatch, tmp_path, env, expect):
    for k in ("XDG_CACHE_HOME", "GRADPROOF_JAX_CACHE", "JAX_COMPILATION_CACHE_DIR"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    got = cli.jax_cache_dir()
    assert got == (expect.replace("HOME", str(tmp_path)) if expect else None)


def test_gradient_rows_memo_keys_on_the_points_not_on_the_call():
    """The autodiff witness and the Taylor set-up share jax.grad rows only for the same points."""
    claim = d.get("softmax_nll.grad_z")
    sz = claim.size_instances[0]
    out = cp._out_arrays(claim, sz)
    a = ci.sample_points(claim, sz, 8, seed=3)
    first = ca._autodiff_arrays(claim, a, out)
    again = ca._autodiff_arrays(claim, ci.sample_points(claim, sz, 8, seed=3), out)
    assert again is first and not first[0].flags.writeable
    raw = ca._autodiff_arrays_raw(claim, a, out)
    assert all(np.array_equal(m, r, equal_nan=True) for m, r in zip(first, raw))
    other = ca._autodiff_arrays(claim, ci.sample_points(claim, sz, 8, seed=4), out)
    assert not np.array_equal(other[0], first[0])
    sub = ca._autodiff_arrays(claim, a.take([1, 2]), out)   # same seed and sizes, other rows
    assert sub[0].shape[0] == 2 and np.array_equal(sub[0], first[0][[1, 2]], equal_nan=True)

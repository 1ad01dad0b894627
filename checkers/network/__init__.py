r"""The network claim kind (:class:`derivations.network.NetworkClaim`): witnesses and registration.

A network claim is ``lhs == rhs`` between matrix expressions over a generic layer $l$ of an
$L$-layer network (Ko 2026, section 2) with the claim's activation $\sigma$ (the sigmoid unless
the claim names another: :mod:`~checkers.network.activation`).  One expression serves every
size: the same tree is evaluated by :func:`evaluate` on explicit SymPy networks (the proof) and
on JAX arrays (the numerics), with the sizes $n_{l-1}, n_l, n_{l+1}, N$ bound at evaluation time.

Modules (no cycle: each imports only those listed before it)

* :mod:`~checkers.network.activation`: $\sigma$ from the claim, one SymPy expression for every
  back end;
* :mod:`~checkers.network.interpreter`: :func:`evaluate`, index forms, :func:`layers_of`;
* :mod:`~checkers.network.instance`: explicit small networks in SymPy (:class:`Instance`);
* :mod:`~checkers.network.prover`: the ``symbolic`` witness (:func:`network_symbolic_witness`);
* :mod:`~checkers.network.numeric`: :class:`NetSpec`, :func:`draw_network`, :data:`REGIMES`,
  :class:`NumericNet` (JAX networks and ``jax.grad``);
* :mod:`~checkers.network.referee`: the mpmath referee of output-layer entries;
* :mod:`~checkers.network.witnesses`: the ``autodiff`` witness (:func:`autodiff_witness`,
  :func:`check_network`);
* :mod:`~checkers.network.taylor`: the ``taylor remainder`` witness (:func:`taylor_witness`,
  :func:`taylor_test`).

Public API: :func:`check_network` (one network, one regime: for benchmarks),
:func:`autodiff_witness`, :func:`taylor_witness` (both take ``networks=[NetSpec(...)]`` and
``regimes=``), :func:`taylor_test` (one direction, on :func:`numeric_net`, with
:func:`taylor_setup` and :func:`random_direction`), :func:`network_symbolic_witness`,
:class:`NetSpec`, :func:`draw_network`, :data:`NUMERIC_NETWORKS`, :data:`REGIMES`.
Importing the package registers the ``network`` kind (:func:`checkers.kinds.register`).
"""

from __future__ import annotations

from ..kinds import Kind, register
from .activation import SIGMOID, Activation, activation_of, as_activation
from .instance import Instance, instance, sides
from .interpreter import evaluate, layers_of
from .regions import batch_region
from .numeric import NUMERIC_NETWORKS, REGIMES, NetSpec, NumericNet, draw_network, networks_for, numeric_net
from .prover import PROOF_SECONDS, network_symbolic_witness
from .referee import claim_shape
from .taylor import (TAYLOR_DIRECTIONS, TAYLOR_HALVINGS, TAYLOR_MIN_ORDER, TAYLOR_NOISE_FACTOR,
                     random_direction, taylor_setup, taylor_test, taylor_witness)
from .witnesses import (AUTODIFF_RTOL, LayerCheck, autodiff_witness, check_network,
                        evaluate_sides, regimes_for)

__all__ = ["NetSpec", "NUMERIC_NETWORKS", "networks_for", "REGIMES", "draw_network", "evaluate", "check_network",
           "autodiff_witness", "taylor_witness", "taylor_test", "network_symbolic_witness",
           "AUTODIFF_RTOL", "TAYLOR_HALVINGS", "TAYLOR_DIRECTIONS", "TAYLOR_MIN_ORDER",
           "TAYLOR_NOISE_FACTOR", "PROOF_SECONDS", "layers_of", "numeric_net", "taylor_setup",
           "random_direction", "LayerCheck", "NumericNet", "Instance", "instance", "sides",
           "evaluate_sides", "regimes_for", "claim_shape", "Activation", "SIGMOID",
           "activation_of", "as_activation"]

register(Kind("network", witnesses=(("autodiff", autodiff_witness), ("taylor remainder", taylor_witness)),
              symbolic=network_symbolic_witness, family="network", region=batch_region))

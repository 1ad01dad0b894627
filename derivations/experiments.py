r"""Ko 2026, sections 1-3, as experiments: the learning-slowdown toy and the softmax temperature.

The documents describe computations they do not show (section 2: "both loss curves plunge in
the first few dozen epochs and then gently taper, as shown in the figures").  Here each such
sentence becomes a checkable statement about a stated computation, with numbers and thresholds.

**The toy** (sections 1 and 2).  One sigmoid neuron $a = \sigma(wx + b)$ with input $x = 1$ and
target $y = 0$, trained by full-batch gradient descent
$$w \leftarrow w - \eta\,\frac{\partial C}{\partial w}, \qquad
  b \leftarrow b - \eta\,\frac{\partial C}{\partial b}$$
on the quadratic cost $C = \tfrac12 (a - y)^2$ (MSE) and on the cross-entropy
$C = -[y \ln a + (1 - y) \ln(1 - a)]$ (CE), from three starts: the centre $w = b = 0$
($a = 0.5$), the saturated $w = b = 2$ ($a \approx 0.982$), and $w = 0.6$, $b = 0.9$
($a \approx 0.818$, wrong but not saturated).  The document states no learning rate and no
number of epochs.  Each toy sentence is therefore read over a range of learning rates
(:data:`TOY_RATES`, $0.001 \le \eta \le 1$, one rate for every run at a time so that the
comparison is fair): it holds when it holds at some rate of the range, and the set of rates
where it holds is reported, with the rates of the published runs of this toy (Nielsen,
*Neural Networks and Deep Learning*, ch. 3: $\eta = 0.15$ for the quadratic cost, $0.005$ for
the cross-entropy) as a named reading.  The figure draws $\eta = 0.15$; runs have 300 epochs.
"The first few dozen epochs" is read as the first four dozen, $t \le 48$, the generous end of
"a few"; "plunge" as losing 90% of the starting loss.

**The error signal** (section 1).  With $y = 0$ the gradient that reaches the bias is
$(a - y)\,\sigma'(z)$ under MSE and $(a - y)$ under CE, on a grid of $z$.

**The softmax temperature** (section 3).  $a_j(c) = 1 / \sum_k e^{c (z_k - z_j)}$ (the
document's own overflow-free form) for growing $c$, for logits with a unique maximum,
$z = (1, 2, 3)$, and with a tie, $z = (3, 3, 1)$.

Everything here is data (SymPy expressions, exact numbers, the statements); the checkers run the
computations (``checkers.experiments``) in float64 and again in 50-digit arithmetic.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .bce_sigmoid import ce
# The claim model, re-exported: ``from derivations.experiments import Quantity, Training`` keeps working.
from .experiment_model import (OPS, Criterion, ExperimentClaim, Figure, OpenRate, Panel, Quantity, Sweep,
                               Training, drop, first_below, max_step, maximum, min_second_difference,
                               min_step, minimum, number_tex, ratio, value)
from .functions import sigmoid
from .sigmoid_mse import b, w, x, y
from .sources import ko

__all__ = [
    "Training", "Sweep", "Quantity", "Criterion", "Panel", "Figure", "ExperimentClaim",
    "value", "ratio", "drop", "max_step", "min_step", "min_second_difference", "first_below",
    "maximum", "minimum", "number_tex", "OPS", "OpenRate", "TOY_RATES", "ETA", "EPOCHS", "CHECK_EPOCH", "TOY_RUNS", "CLAIMS",
    "SOFTMAX_CLAIMS",
]

# ------------------------------------------------------------------------------------------
# The toy of sections 1-2: x = 1, y = 0, both costs, three starts.

ETA = sp.Rational(15, 100)
"""Learning rate of the toy runs drawn in the figure (the document states none; each toy
sentence is read over :data:`TOY_RATES`)."""
EPOCHS = 300
"""Epochs of every toy run."""
CHECK_EPOCH = 48
""""The first few dozen epochs", read generously as four dozen."""

_DATA = {x: 1, y: 0}
MSE = (sp.Rational(1, 2) * (sigmoid(w * x + b) - y) ** 2).subs(_DATA)
CE = ce(sigmoid(w * x + b), y).subs(_DATA)

_STARTS = {
    "00": ((0, 0), r"w = b = 0"),
    "22": ((2, 2), r"w = b = 2"),
    "0609": ((sp.Rational(3, 5), sp.Rational(9, 10)), r"w = 0.6, b = 0.9"),
}


def _run(cost_name, cost, start):
    (w0, b0), where = _STARTS[start]
    return Training(
        name=f"{cost_name.lower()}_{start}", label=f"{cost_name}, {where}",
        tex=rf"C_{{\mathrm{{{cost_name}}}}}^{{({start_tex(start)})}}",
        cost=cost, params=(w, b), init=(sp.sympify(w0), sp.sympify(b0)),
        learning_rate=ETA, epochs=EPOCHS)


def start_tex(start: str) -> str:
    """Superscript naming a start: (0,0), (2,2), (0.6,0.9)."""
    (w0, b0), _ = _STARTS[start]
    return ",".join(str(float(v)).rstrip("0").rstrip(".") for v in (w0, b0))


TOY_RUNS = tuple(_run(name, cost, s) for name, cost in (("MSE", MSE), ("CE", CE))
                 for s in ("00", "22", "0609"))

TOY_FIGURE = Figure(
    file="toy_learning_curves.png",
    title="One sigmoid neuron, x = 1, y = 0: cost per epoch of gradient descent (η = 0.15)",
    caption=("Cost per epoch of gradient descent for the single-neuron toy (x = 1, y = 0, "
             "η = 0.15, 300 epochs), with the quadratic cost (left) and the cross-entropy (right), "
             "from the three starts. The dotted line marks epoch 48, where the claims below are "
             "checked. From the saturated start w = b = 2 the MSE curve stays flat for about 150 "
             "epochs; the CE curves fall at once from every start."),
    panels=(
        Panel(title="quadratic cost (MSE)", series=("mse_00", "mse_22", "mse_0609"),
              xlabel="epoch t (one full-batch gradient step each)",
              ylabel="cost C = (a - y)² / 2 (dimensionless)", marks=(CHECK_EPOCH,)),
        Panel(title="cross-entropy (CE)", series=("ce_00", "ce_22", "ce_0609"),
              xlabel="epoch t (one full-batch gradient step each)",
              ylabel="cost C = -ln(1 - a) at y = 0 (dimensionless)", marks=(CHECK_EPOCH,)),
    ),
)

TOY_RATES = OpenRate(
    grid=tuple(sp.Rational(v) for v in ("1/1000", "1/500", "1/200", "1/100", "1/50", "1/20",
                                        "1/10", "3/20", "1/5", "1/2", "1")),
    readings=(("Nielsen, ch. 3", (("mse_", sp.Rational(15, 100)), ("ce_", sp.Rational(5, 1000)))),),
    why=("The document states no learning rate. The range 0.001 to 1 holds every rate a reader "
         "would try on this toy: the published runs use 0.005 (cross-entropy) and 0.15 "
         "(quadratic cost); up to 1, one step moves w and b by at most eta |a - y| <= 1 under "
         "the cross-entropy (its gradient is (a - y) x, x = 1), the usual stable regime; below "
         "0.001, four dozen steps move them by less than 0.05 under either cost."),
    epoch=CHECK_EPOCH, epochs=(24, 36, 48, 60, 72),
    epochs_why=("'The first few dozen epochs' is read as four dozen (48) for the verdict; two to "
                "six dozen are the readings of 'a few dozen' the region also reports."))
"""The learning rates each toy sentence is read over (the document states none); ``joint``, the
criteria of all the toy sentences, is filled in below."""

_TOY_NOTE = ("The document gives no learning rate and no number of epochs: the sentence is read "
             "over the learning rates 0.001 to 1 (TOY_RATES; one rate for every run at a time, "
             "so the comparison is fair), 300 epochs, full batch, in float64 (JAX autodiff) and "
             "again in 50-digit arithmetic (SymPy's exact derivative, mpmath). The toy sentences "
             "describe one set-up with one rate: a rate is admissible when all of them hold there, "
             "and this sentence holds when it holds at some admissible rate. The rates where it "
             "holds alone, the admissible ones, and Nielsen's published rates (0.15 for the "
             "quadratic cost, 0.005 for the cross-entropy) are reported. 'The first few dozen "
             "epochs' is read as 48 for the verdict; the region also reports the readings 24, 36, "
             "60 and 72 (at 36 no rate of the grid makes all the toy sentences hold together). ")

_S1 = ko(1)
_S2_TOY = ko(2, "Revisit the toy example using the cross-entropy cost function")
_S2_AVOID = ko(2, "How does the cross-entropy cost avoid learning slowdown?")


def _toy(**kw):
    return ExperimentClaim(series=TOY_RUNS, figure=TOY_FIGURE, **kw)


TOY_CLAIMS = (
    _toy(
        id="experiments.toy_mse_saturated_stalls",
        title="MSE from the saturated start w = b = 2: each step is microscopic",
        source=_S1,
        statement=r"C_{\mathrm{MSE}}^{(2,2)}(48) > 0.95\, C_{\mathrm{MSE}}^{(2,2)}(0)",
        criteria=(Criterion(
            ratio("mse_22", CHECK_EPOCH), ">", sp.Rational(95, 100),
            why="By hand: at z = 4 one step moves z = w + b by 2η a²(1-a) ≈ 0.0052, so 48 steps "
                "move it by about 0.25; the cost a²/2 then keeps about (σ(3.75)/σ(4))² ≈ 99% of "
                "its start. 95% leaves room for the steps growing as z falls."),),
        note=_TOY_NOTE + "Section 1 says that in the saturated regime 'this network is trying to "
             "learn, but each step is microscopic'. Formalized: after four dozen epochs the MSE "
             "cost from w = b = 2 has lost less than 5% of its starting value.",
    ),
    _toy(
        id="experiments.toy_ce_saturated_plunges",
        title="CE from the saturated start w = b = 2 plunges within four dozen epochs",
        source=_S2_TOY,
        statement=(r"\min\{t : C_{\mathrm{CE}}^{(2,2)}(t) < 0.1\, C_{\mathrm{CE}}^{(2,2)}(0)\} \le 48"
                   r"\ \text{ and }\ C_{\mathrm{CE}}^{(2,2)}(48) < 0.1\, C_{\mathrm{CE}}^{(2,2)}(0)"),
        criteria=(
            Criterion(first_below("ce_22", sp.Rational(1, 10)), "<=", CHECK_EPOCH,
                      why="'Plunge in the first few dozen epochs': 90% of the starting cost gone "
                          "within four dozen epochs."),
            Criterion(ratio("ce_22", CHECK_EPOCH), "<", sp.Rational(1, 10),
                      why="and it stays down (the cost cannot rise: see toy_ce_tapers)."),
        ),
        note=_TOY_NOTE + "Section 2: 'these gradients drive the cross-entropy down rapidly whether "
             "we initialize near the origin or in a saturated regime (w = b = 2): both loss curves "
             "plunge in the first few dozen epochs'. This row is the saturated start; "
             "toy_ce_origin_plunges is the origin.",
    ),
    _toy(
        id="experiments.toy_ce_origin_plunges",
        title="CE from the origin w = b = 0 plunges within four dozen epochs",
        source=_S2_TOY,
        statement=(r"\min\{t : C_{\mathrm{CE}}^{(0,0)}(t) < 0.1\, C_{\mathrm{CE}}^{(0,0)}(0)\} \le 48"),
        criteria=(
            Criterion(first_below("ce_00", sp.Rational(1, 10)), "<=", CHECK_EPOCH,
                      why="The same reading as for the saturated start: 90% of the starting cost "
                          "(ln 2) gone within four dozen epochs."),
        ),
        note=_TOY_NOTE + "The same sentence of section 2, for the start near the origin. By hand: "
             "for z < 0, σ(z) ≈ e^z and each step lowers z by 2ησ(z), so e^(-z) grows by about "
             "2η = 0.3 per epoch; the cost ≈ e^z reaches 10% of ln 2 when e^(-z) ≈ 14, i.e. after "
             "about 45 epochs: close to the threshold either way. What holds whatever the exact "
             "epoch: toy_ce_saturated_is_not_slower.",
    ),
    _toy(
        id="experiments.toy_ce_saturated_is_not_slower",
        title="Saturation slows MSE but not CE: epochs to lose 90% of the cost",
        source=_S2_TOY,
        statement=(r"T_{\mathrm{CE}}^{(2,2)} \le T_{\mathrm{CE}}^{(0,0)}\ \text{ while }\ "
                   r"T_{\mathrm{MSE}}^{(2,2)} > T_{\mathrm{MSE}}^{(0,0)},\quad "
                   r"T = \min\{t : C(t) < 0.1\, C(0)\}"),
        criteria=(
            Criterion(first_below("ce_22", sp.Rational(1, 10)), "<=",
                      first_below("ce_00", sp.Rational(1, 10)),
                      why="CE: the gradient is a - y, largest when the neuron is saturated and "
                          "wrong, so the saturated start is not slower."),
            Criterion(first_below("mse_22", sp.Rational(1, 10)), ">",
                      first_below("mse_00", sp.Rational(1, 10)),
                      why="MSE: the gradient carries σ'(z), 0.0177 at z = 4 against 0.25 at z = 0."),
        ),
        note=_TOY_NOTE + "The learning-rate-free content of section 2's toy ('whether we "
             "initialize near the origin or in a saturated regime'): with CE the saturated start "
             "loses 90% of its cost no later than the centred one; with MSE it takes longer. "
             "T is +infinity if the run never gets there.",
    ),
    _toy(
        id="experiments.toy_ce_tapers",
        title="CE curves fall at every epoch, each step less than the one before (they taper)",
        source=_S2_TOY,
        statement=(r"C_{\mathrm{CE}}(t+1) < C_{\mathrm{CE}}(t)\ \text{ and }\ "
                   r"C_{\mathrm{CE}}(t) - C_{\mathrm{CE}}(t+1) \ge C_{\mathrm{CE}}(t+1) - C_{\mathrm{CE}}(t+2)"
                   r"\ \text{ for all } t < 300,\ \text{from } (0,0) \text{ and } (2,2)"),
        criteria=(
            Criterion(max_step("ce_00"), "<", 0, why="falls at every epoch"),
            Criterion(min_second_difference("ce_00"), ">=", 0,
                      why="each epoch's decrease no larger than the previous one (convex curve)"),
            Criterion(max_step("ce_22"), "<", 0, why="falls at every epoch"),
            Criterion(min_second_difference("ce_22"), ">=", 0,
                      why="each epoch's decrease no larger than the previous one (convex curve)"),
        ),
        note=_TOY_NOTE + "Section 2: 'and then gently taper'. Formalized as: the cost falls at "
             "every epoch and each epoch lowers it by no more than the epoch before, over the "
             "whole run. By hand: C = softplus(z) at y = 0, each step lowers z by 2ησ(z), so the "
             "decrease is about 2ησ(z)², which shrinks as z falls.",
    ),
    _toy(
        id="experiments.toy_mse_larger_error_slower",
        title="MSE: the start with the larger error learns more slowly (sigma' sets the pace)",
        source=_S1,
        statement=(r"C_{\mathrm{MSE}}^{(2,2)}(0) - C_{\mathrm{MSE}}^{(2,2)}(1) < "
                   r"C_{\mathrm{MSE}}^{(0.6,0.9)}(0) - C_{\mathrm{MSE}}^{(0.6,0.9)}(1),\quad "
                   r"a^{(2,2)} - y \approx 0.98 > a^{(0.6,0.9)} - y \approx 0.82"),
        criteria=(
            Criterion(drop("mse_22", 0), "<", drop("mse_0609", 0),
                      why="σ'(4) ≈ 0.018 against σ'(1.5) ≈ 0.149: the larger error comes with the "
                          "smaller factor σ'(z)."),
        ),
        note=_TOY_NOTE + "Section 1: the error signal is tiny when σ'(z) is tiny, 'even if the "
             "prediction error is not small'. The third start w = 0.6, b = 0.9 (a ≈ 0.82) is wrong "
             "by less than w = b = 2 (a ≈ 0.98), yet its first MSE step lowers the cost more.",
    ),
    _toy(
        id="experiments.toy_ce_larger_error_faster",
        title="CE: the larger the error, the faster the neuron learns",
        source=_S2_AVOID,
        statement=(r"C_{\mathrm{CE}}^{(2,2)}(0) - C_{\mathrm{CE}}^{(2,2)}(1) > "
                   r"C_{\mathrm{CE}}^{(0.6,0.9)}(0) - C_{\mathrm{CE}}^{(0.6,0.9)}(1) > "
                   r"C_{\mathrm{CE}}^{(0,0)}(0) - C_{\mathrm{CE}}^{(0,0)}(1)"),
        criteria=(
            Criterion(drop("ce_22", 0), ">", drop("ce_0609", 0),
                      why="errors a - y: 0.98 against 0.82"),
            Criterion(drop("ce_0609", 0), ">", drop("ce_00", 0),
                      why="errors a - y: 0.82 against 0.5"),
        ),
        note=_TOY_NOTE + "Section 2: 'The larger the error, the faster the neuron will learn.' "
             "Formalized on the toy: ordering the three starts by their error a - y (0.98, 0.82, "
             "0.5), the first CE step lowers the cost most for the largest error.",
    ),
)

# ------------------------------------------------------------------------------------------
# The error signal behind section 1: (a - y) sigma'(z) against (a - y), y = 0.

z = sp.Symbol("z", real=True)
_A = sigmoid(z)
SIGNAL_MSE = (_A - 0) * _A * (1 - _A)
SIGNAL_CE = _A - 0
_Z_GRID = tuple(sp.Rational(k, 10) for k in range(-100, 101))

SATURATION_FIGURE = Figure(
    file="saturation_error_signal.png",
    title="The error signal that reaches the bias, y = 0",
    caption=("The gradient that reaches the bias, ∂C/∂b, for y = 0 against z = wx + b: "
             "(a - y)σ'(z) with the quadratic cost and (a - y) with the cross-entropy, on a linear "
             "(left) and a logarithmic (right) scale. Where the neuron is saturated and wrong "
             "(z ≥ 4, dotted line, a ≥ 0.982) the MSE signal is under 2% of the CE signal and "
             "decays like e^(-z); the CE signal stays near 1."),
    panels=(
        Panel(title="linear scale", series=("signal_mse", "signal_ce"),
              xlabel="weighted input z = wx + b (dimensionless)",
              ylabel="∂C/∂b (dimensionless)", marks=(4,)),
        Panel(title="logarithmic scale", series=("signal_mse", "signal_ce"),
              xlabel="weighted input z = wx + b (dimensionless)",
              ylabel="∂C/∂b (dimensionless), log scale", yscale="log", marks=(4,)),
    ),
)

SATURATION_CLAIMS = (
    ExperimentClaim(
        id="experiments.saturation_error_signal",
        title="Saturated and wrong (z >= 4, y = 0): the MSE signal is under 2% of the CE signal",
        source=_S1,
        statement=(r"\max_{z \ge 4} \frac{(a - y)\,\sigma'(z)}{a - y} < 0.02\ \text{ and }\ "
                   r"\min_{z \ge 4} (a - y) > 0.98,\quad y = 0,\ z \in \{4, 4.1, \dots, 10\}"),
        series=(
            Sweep(name="signal_mse", label="MSE: (a - y) σ'(z)", tex=r"\delta_{\mathrm{MSE}}",
                  expr=SIGNAL_MSE, var=z, values=_Z_GRID),
            Sweep(name="signal_ce", label="CE: a - y", tex=r"\delta_{\mathrm{CE}}",
                  expr=SIGNAL_CE, var=z, values=_Z_GRID),
            Sweep(name="signal_ratio", label="ratio σ'(z)", tex=r"\rho",
                  expr=_A * (1 - _A), var=z, values=_Z_GRID),
        ),
        criteria=(
            Criterion(maximum("signal_ratio", start=4), "<", sp.Rational(2, 100),
                      why="The ratio is σ'(z), which falls for z > 0 from σ'(4) ≈ 0.0177 "
                          "(the document's number) on."),
            Criterion(minimum("signal_ce", start=4), ">", sp.Rational(98, 100),
                      why="a - y = σ(z) rises for all z from σ(4) ≈ 0.982 (the document's number)."),
        ),
        figure=SATURATION_FIGURE,
        note="Section 1: 'whenever σ'(z) is tiny (the neuron is saturated) the error signal δ becomes "
             "tiny, even if the prediction error is not small'. On the grid z = -10, -9.9, ..., 10 "
             "(201 points) the two error signals are computed for y = 0; the statement is checked on "
             "the grid points z >= 4 (61 points). The limit claims mse_sigmoid.slowdown and "
             "bce_sigmoid.no_slowdown are the proofs for z -> infinity.",
    ),
)

# ------------------------------------------------------------------------------------------
# Section 3: the softmax temperature sweep.

c = sp.Symbol("c", positive=True)
_C_GRID = tuple(sp.Rational(m) * sp.Integer(10) ** e for e in (-1, 0, 1, 2)
                for m in ("1", "1.5", "2", "3", "5", "7")) + (sp.Integer(1000),)
LOGITS_UNIQUE = (1, 2, 3)
LOGITS_TIE = (3, 3, 1)


def softmax_scaled(logits, j):
    r"""$a_j(c) = 1 / \sum_k e^{c (z_k - z_j)}$ for concrete logits (the document's stable form)."""
    return 1 / sum(sp.exp(c * (zk - logits[j])) for zk in logits)


def _softmax_series(tag, logits):
    zt = ", ".join(map(str, logits))
    return tuple(
        Sweep(name=f"{tag}_a{j + 1}", label=f"a_{j + 1}(c), z = ({zt})",
              tex=rf"a_{{{j + 1}}}^{{\mathrm{{{tag}}}}}", expr=softmax_scaled(logits, j), var=c,
              values=_C_GRID)
        for j in range(len(logits)))


SOFTMAX_SERIES = _softmax_series("unique", LOGITS_UNIQUE) + _softmax_series("tie", LOGITS_TIE)

SOFTMAX_FIGURE = Figure(
    file="softmax_temperature_sweep.png",
    title="Softmax with a growing scale c",
    caption=("a_j(c) = exp(c z_j) / Σ_k exp(c z_k) for c from 0.1 to 1000 (log scale), for logits "
             "with a unique maximum, z = (1, 2, 3) (left), and with a tie, z = (3, 3, 1) (right). "
             "With a unique maximum the winner's probability tends to 1; with the tie the two tied "
             "classes keep 1/2 each (their curves coincide), so no class tends to 1."),
    panels=(
        Panel(title="unique maximum z = (1, 2, 3)", series=("unique_a1", "unique_a2", "unique_a3"),
              xlabel="scale c (inverse temperature, dimensionless)",
              ylabel="probability a_j(c) (dimensionless)",
              xscale="log"),
        Panel(title="tie z = (3, 3, 1)", series=("tie_a1", "tie_a2", "tie_a3"),
              xlabel="scale c (inverse temperature, dimensionless)",
              ylabel="probability a_j(c) (dimensionless)",
              xscale="log"),
    ),
)

_S3 = ko(3, "Where does the name 'softmax' come from?")
_SWEEP_NOTE = ("c runs over 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1, ..., 700, 1000 (25 values); a_j(c) is "
               "evaluated in the document's form 1 / Σ_k exp(c (z_k - z_j)), which does not overflow. ")


def _sweep(**kw):
    return ExperimentClaim(series=SOFTMAX_SERIES, figure=SOFTMAX_FIGURE, source=_S3, **kw)


SOFTMAX_CLAIMS = (
    _sweep(
        id="experiments.softmax_sweep_unique_max",
        title="Unique largest logit: its probability rises with c towards 1, the others fall to 0",
        statement=(r"z = (1, 2, 3):\ a_3(c) \text{ never falls along the sweep},\ "
                   r"a_3(10) > 1 - 10^{-4},\ a_1(10) < 10^{-8}"),
        criteria=(
            Criterion(min_step("unique_a3"), ">=", 0,
                      why="a_3 = 1/(1 + e^(-c) + e^(-2c)) increases in c; '>=' and not '>' because "
                          "from c = 150 on a_3 = 1 - e^(-c) + ... equals 1 even at 50 digits"),
            Criterion(value("unique_a3", 10), ">", 1 - sp.Rational(1, 10**4),
                      why="1 - a_3(10) ≈ e^(-10) ≈ 4.5e-5"),
            Criterion(value("unique_a1", 10), "<", sp.Rational(1, 10**8),
                      why="a_1(10) ≈ e^(-20) ≈ 2.1e-9"),
        ),
        note=_SWEEP_NOTE + "Section 3: 'If z_j is the largest value ... a_j(c) -> 1'; 'if z_j is not "
             "the largest value ... a_j(c) -> 0'. A sweep cannot prove a limit (the limit claims of "
             "section 3 do); it shows how fast the mass concentrates.",
    ),
    _sweep(
        id="experiments.softmax_sweep_tie_hardmax",
        title="'The winner gets probability 1' with a tie: a largest logit keeps 1/2",
        statement=(r"z = (3, 3, 1),\ j = 1 \in \arg\max_k z_k:\ a_1(1000) > 0.99"),
        criteria=(
            Criterion(value("tie_a1", 1000), ">", sp.Rational(99, 100),
                      why="What the hard-max reading predicts for a largest logit: "
                          "lim a_j(c) = 1 when j = argmax_k z_k."),
        ),
        note=_SWEEP_NOTE + "Section 3: 'when c -> infinity, softmax becomes a hard max selector (the "
             "winner gets probability 1, all others 0)', with lim a_j(c) = 1{j = argmax_k z_k}. With "
             "a tie z_1 = z_2 = 3 both are largest values, and a_1(c) = 1/(2 + e^(-2c)) tends to 1/2: "
             "the statement holds only when the maximum is unique. The narrower claims that hold: "
             "softmax_sweep_unique_max, softmax_sweep_tie_splits.",
    ),
    _sweep(
        id="experiments.softmax_sweep_tie_splits",
        title="With a tie the tied classes split the mass: a_1(c) = a_2(c) -> 1/2",
        statement=(r"z = (3, 3, 1):\ \tfrac12 - 10^{-12} < a_1(20) \le \tfrac12,\ "
                   r"a_1(20) = a_2(20),\ a_3(20) < 10^{-12}"),
        criteria=(
            Criterion(value("tie_a1", 20), ">", sp.Rational(1, 2) - sp.Rational(1, 10**12),
                      why="a_1(c) = 1/(2 + e^(-2c)), and e^(-40) ≈ 4e-18"),
            Criterion(value("tie_a1", 20), "<=", sp.Rational(1, 2), why="1/(2 + e^(-2c)) < 1/2"),
            Criterion(value("tie_a1", 20), "<=", value("tie_a2", 20), why="z_1 = z_2: equal by symmetry"),
            Criterion(value("tie_a1", 20), ">=", value("tie_a2", 20), why="z_1 = z_2: equal by symmetry"),
            Criterion(value("tie_a3", 20), "<", sp.Rational(1, 10**12),
                      why="a_3(c) = 1/(1 + 2 e^(2c)), about 2e-18 at c = 20"),
        ),
        note=_SWEEP_NOTE + "What is true in place of the hard-max sentence when the largest logit is "
             "shared by two classes.",
    ),
)

# The toy sentences describe one set-up with one unstated rate: each is read over TOY_RATES,
# at the rates where all of them hold together (OpenRate.joint).
TOY_RATES = dataclasses.replace(TOY_RATES, joint=tuple(cr for c in TOY_CLAIMS for cr in c.criteria))
TOY_CLAIMS = tuple(c.replace(open_rate=TOY_RATES) for c in TOY_CLAIMS)

CLAIMS = TOY_CLAIMS + SATURATION_CLAIMS
"""Sections 1-2: the family ``experiments`` of the catalog (:data:`derivations.FAMILIES`).
:data:`SOFTMAX_CLAIMS` (section 3) is the family ``softmax_experiments``, listed after the
softmax claims."""


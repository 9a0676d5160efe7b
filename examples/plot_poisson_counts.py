"""
===================================
Poisson regression of counts
===================================

Counts (events, visits, claims) are never negative, and their spread grows
with their mean: a Poisson count of mean :math:`\\mu` has variance
:math:`\\mu`. :class:`~skmlp.MLPRegressor` with ``loss="poisson"`` predicts
them with an exponential output, :math:`p = e^z` (the *log link*
:math:`z = \\log p`), trained on the Poisson deviance

.. math::

    \\ell = 2 \\Bigl(y \\log \\frac{y}{p} - y + p\\Bigr),

whose gradient with respect to :math:`z` is simply :math:`2 (p - y)`. Every
prediction is positive, whatever the input.

Here the counts are drawn from a rate we know, so both networks can be
compared with the truth: the Poisson network, and the same network trained
on the squared error, which treats the counts as any other numbers.
"""

# %%
# Counts with a known rate
# ------------------------
# The logarithm of the rate is a nonlinear function of three of four
# features; the fourth is noise.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import mean_poisson_deviance
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPRegressor


def true_rate(X):
    return np.exp(np.sin(2 * X[:, 0]) + X[:, 1] - 0.2 * X[:, 1] ** 2 + 0.5 * X[:, 2])


rng = np.random.default_rng(0)
X = rng.normal(size=(3000, 4))
rate = true_rate(X)
counts = rng.poisson(rate).astype(float)
X_train, X_test, y_train, y_test, rate_train, rate_test = train_test_split(
    X, counts, rate, random_state=0
)
print(
    f"mean count {counts.mean():.2f}, largest {counts.max():.0f}, "
    f"{np.mean(counts == 0):.0%} zeros"
)

# %%
# Two networks
# ------------
# The same architecture and training, on standardized features. The counts
# are *not* standardized: the Poisson deviance needs non-negative targets, and
# the log link needs no help to reach them (counts in the thousands are
# :math:`z \approx 7`).
models = {}
for loss in ("poisson", "squared_error"):
    models[loss] = make_pipeline(
        StandardScaler(),
        MLPRegressor(
            loss=loss, hidden_layer_sizes=(32,), learning_rate=0.01, random_state=0
        ),
    ).fit(X_train, y_train)
    print(f"{loss}: converged after {models[loss][-1].n_iter_} epochs")

# %%
# Deviance and negative predictions
# ---------------------------------
# The mean Poisson deviance of the test counts (lower is better) is only
# defined for positive predictions; the squared error network's others are
# clipped to 0.001 to compute it. The deviance of the true rate is the best
# any model can expect on these noisy counts.
predictions = {loss: model.predict(X_test) for loss, model in models.items()}
print(f"{'true rate':>13}: deviance {mean_poisson_deviance(y_test, rate_test):.3f}")
for loss, predicted in predictions.items():
    deviance = mean_poisson_deviance(y_test, np.maximum(predicted, 1e-3))
    print(
        f"{loss:>13}: deviance {deviance:.3f}, "
        f"smallest prediction {predicted.min():6.3f}, "
        f"{np.sum(predicted < 0)} of {len(predicted)} negative"
    )

# %%
# Against the true rate
# ---------------------
# Each test sample's predicted rate against its true rate. Both networks
# follow the truth where the rate is large; where it is small, the squared
# error network predicts negative counts (below the dashed line), which the
# Poisson network cannot.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), sharex=True, sharey=True)
limit = 1.05 * max(rate_test.max(), *(p.max() for p in predictions.values()))
for ax, (loss, predicted) in zip(axes, predictions.items()):
    negative = predicted < 0
    ax.scatter(rate_test[~negative], predicted[~negative], s=6, alpha=0.5)
    ax.scatter(
        rate_test[negative],
        predicted[negative],
        s=6,
        color="C3",
        label=f"{negative.sum()} negative predictions",
    )
    ax.plot([0, limit], [0, limit], color="black", linewidth=1, label="perfect")
    ax.axhline(0, color="0.4", linestyle="--", linewidth=1)
    ax.set_xlim(0, limit)
    ax.set_xlabel("true rate")
    ax.set_title(f'loss="{loss}"')
    ax.legend(loc="upper left")
axes[0].set_ylabel("predicted rate")
fig.suptitle("Predicted against true rate, on the test counts")
fig.tight_layout()
plt.show()

# %%
# What the networks learned
# -------------------------
# The rate along the first feature, with the other three held at 0, where
# the truth is :math:`e^{\sin 2 x_0}`. On a logarithmic scale, the scale of
# the Poisson network's output :math:`z`, its curve follows the sine. The
# squared error network weighs an error on a large count like one on a small
# count: it fits the peaks and misses the troughs, where it falls below 0
# (the gaps: no negative rate can be drawn on a logarithmic scale).
grid = np.linspace(-2.5, 2.5, 201)
X_grid = np.zeros((len(grid), 4))
X_grid[:, 0] = grid
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(grid, true_rate(X_grid), color="black", label="true rate")
for loss, model in models.items():
    curve = model.predict(X_grid)
    ax.plot(grid, np.where(curve > 0, curve, np.nan), label=f'loss="{loss}"')
ax.set_yscale("log")
ax.set_xlabel("first feature $x_0$ (others at 0)")
ax.set_ylabel("rate")
ax.set_ylim(0.01, 20)
ax.legend(loc="upper center", ncols=3)
fig.tight_layout()
plt.show()

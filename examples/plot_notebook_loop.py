"""
==========================================
The design notebook's loop on skmlp blocks
==========================================

skmlp's layers, activations, losses and optimizers follow the design
notebook's protocol: ``forward`` sets ``.output``, ``backward`` sets
``.dinputs``, and an optimizer is driven by ``pre_update_params``,
``update_params(layer)`` and ``post_update_params``. So the notebook's training
loop runs as written. Here it trains its binary classifier (Dense, ReLU, Dense,
Sigmoid, binary cross-entropy, Adam with ``decay=5e-7``) on the scaled breast
cancer data, full batch, and prints the notebook's lines.
"""

# %%
# The data
# --------
# The notebook's binary loss expects one column of 0/1 targets per output.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp.activations import ReLU, Sigmoid
from skmlp.layers import Dense
from skmlp.losses import BinaryCrossentropy
from skmlp.optimizers import Adam

X, y = load_breast_cancer(return_X_y=True)
X, X_test, y, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X)
X, X_test = scaler.transform(X), scaler.transform(X_test)
y, y_test = y.reshape(-1, 1), y_test.reshape(-1, 1)

# %%
# The model and the loop
# ----------------------
# L2 regularization on the hidden layer's weights and biases, as in the
# notebook. ``random_state`` seeds each layer's initial weights (the notebook
# used NumPy's global random state).
dense1 = Dense(
    X.shape[1], 64, weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4, random_state=0
)
activation1 = ReLU()
dense2 = Dense(64, 1, random_state=1)
activation2 = Sigmoid()
loss_function = BinaryCrossentropy()
optimizer = Adam(decay=5e-7)

losses, data_losses = [], []
for epoch in range(501):
    dense1.forward(X)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    activation2.forward(dense2.output)

    data_loss = loss_function.calculate(activation2.output, y)
    regularization_loss = loss_function.regularization_loss(
        dense1
    ) + loss_function.regularization_loss(dense2)
    loss = data_loss + regularization_loss
    losses.append(float(loss))
    data_losses.append(float(data_loss))

    predictions = (activation2.output > 0.5) * 1
    accuracy = np.mean(predictions == y)
    if not epoch % 50:
        print(
            f"epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f} "
            f"(data_loss: {data_loss:.3f}, reg_loss: {regularization_loss:.3f}), "
            f"lr: {optimizer.current_learning_rate:.7f}"
        )

    loss_function.backward(activation2.output, y)
    activation2.backward(loss_function.dinputs)
    dense2.backward(activation2.dinputs)
    activation1.backward(dense2.dinputs)
    dense1.backward(activation1.dinputs)

    optimizer.pre_update_params()
    optimizer.update_params(dense1)
    optimizer.update_params(dense2)
    optimizer.post_update_params()

# %%
# Validation
# ----------
# A forward pass on the held-out quarter of the data.
dense1.forward(X_test)
activation1.forward(dense1.output)
dense2.forward(activation1.output)
activation2.forward(dense2.output)
loss = loss_function.calculate(activation2.output, y_test)
predictions = (activation2.output > 0.5) * 1
accuracy = np.mean(predictions == y_test)
print(f"Validation, acc: {accuracy:.3f}, loss: {loss:.3f}")

# %%
# The loss curve
# --------------
# The total loss is the data loss plus the L2 penalty of the hidden layer; as
# the data loss falls, the penalty becomes a visible part of it.
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(losses, label="loss (data + regularization)")
ax.plot(data_losses, label="data loss", linestyle="--")
ax.set_xlabel("epoch")
ax.set_ylabel("binary cross-entropy")
ax.set_yscale("log")
ax.set_title("The notebook's loop on skmlp's building blocks")
ax.legend()
fig.tight_layout()
plt.show()

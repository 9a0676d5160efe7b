"""A stack of the public building blocks, trained as one flat parameter vector.

The estimators own one :class:`Network`.  It holds the same
:class:`~skmlp.layers.Dense`, activation, :class:`~skmlp.layers.Dropout` and
fused-loss objects users import, and drives them through their public
``forward`` / ``backward`` protocol; there is no second implementation of any
formula here.  What it adds is bookkeeping: every layer's weights and biases
are views into one contiguous vector (and their gradients into a second one),
so an optimizer step is a few vectorized operations over the whole network.
"""

import numpy as np
import scipy.sparse as sp

from .activations import Identity, ReLU, Sigmoid, Tanh
from .layers import Dense, Dropout
from .losses import SigmoidBinaryCrossentropy, SoftmaxCategoricalCrossentropy

# Values of the widest layer computed at once when predicting (see
# Network.logits): 1024 rows of 512 units, 4 MB in float64.
PREDICTION_CHUNK_VALUES = 2**19

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "identity": Identity}
HEADS = {
    "sigmoid": SigmoidBinaryCrossentropy,
    "softmax": SoftmaxCategoricalCrossentropy,
}


class Network:
    """Dense layers with a hidden activation and dropout between them, and a
    fused output head (activation + cross-entropy).

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    output : {"sigmoid", "softmax"}
    dtype : dtype
    random_state : RandomState
        Draws the initial weights, layer by layer.
    """

    def __init__(self, layer_sizes, output, dtype, random_state):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.output_kind = output
        self.dense_layers = [
            Dense(n_in, n_out, random_state=random_state, dtype=dtype)
            for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])
        ]
        self.head = HEADS[output]()
        self.configure(activation="relu", dropout=0.0, regularization=None)
        self._bind_flat()

    # -- structure -----------------------------------------------------------
    @property
    def dtype(self):
        return self.dense_layers[0].dtype

    def configure(self, *, activation, dropout, regularization):
        """Set the hidden activation, the dropout rate and each layer's four
        lambdas (``regularization`` is a list of 4-tuples, one per layer).

        The weights are untouched, so a warm start may change all three.
        """
        self.activation = activation
        self.dropout = dropout
        blocks = []
        for i, dense in enumerate(self.dense_layers):
            if regularization is not None:
                (dense.weight_regularizer_l1, dense.weight_regularizer_l2,
                 dense.bias_regularizer_l1, dense.bias_regularizer_l2) = (
                    regularization[i])
            blocks.append(dense)
            if i < len(self.dense_layers) - 1:
                hidden_activation = ACTIVATIONS[activation]()
                # The Dense output and the next layer's input gradient are
                # scratch only this network reads: the activation may reuse them.
                hidden_activation._in_place = True
                blocks.append(hidden_activation)
                if dropout > 0:
                    blocks.append(Dropout(dropout))
        self.blocks = blocks

    def seed_dropout(self, generator):
        """Make every dropout layer draw its masks from ``generator``."""
        for block in self.blocks:
            if isinstance(block, Dropout):
                block._rng = generator

    def _bind_flat(self):
        sizes = [d.weights.size + d.biases.size for d in self.dense_layers]
        self.params = np.empty(sum(sizes), dtype=self.dtype)
        self.grads = np.empty_like(self.params)
        start = 0
        for dense, size in zip(self.dense_layers, sizes):
            views = []
            for flat in (self.params, self.grads):
                w_end = start + dense.weights.size
                b_end = w_end + dense.biases.size
                views.append(flat[start:w_end].reshape(dense.weights.shape))
                views.append(flat[w_end:b_end].reshape(dense.biases.shape))
            dense._bind(views[0], views[1], views[2], views[3])
            start += size

    def parameter_pairs(self):
        """The optimizer's view: all parameters as one vector."""
        return (("params", self.params, self.grads),)

    # -- computation ---------------------------------------------------------
    def forward(self, X, *, training):
        """Logits of ``X``: the one forward pass of training and prediction.

        With ``training=True`` every block's ``forward`` runs (storing what
        ``backward`` needs, dropout active); otherwise each block's pure
        ``compute`` runs, which writes nothing shared, so concurrent predictions
        on one fitted network are safe.
        """
        values = X
        for block in self.blocks:
            if training:
                block.forward(values, training=True)
                values = block.output
            else:
                # Hidden activations may overwrite the array the Dense layer
                # before them just allocated for this call: no shared state.
                in_place = getattr(block, "_in_place", False)
                values = block.compute(values, out=values if in_place else None)
        return values

    def logits(self, X):
        """:meth:`forward` for prediction, through row chunks of a large ``X``.

        A chunk's widest activations (at most ``PREDICTION_CHUNK_VALUES``
        values) stay in the CPU cache between each product, its bias and its
        activation; predicting 20000 rows of a (512, 512) network this way is
        10% (float64) to 25% (float32) faster on the reference machine, and
        the largest temporary shrinks with it.
        """
        n_samples = X.shape[0]
        rows = max(1, PREDICTION_CHUNK_VALUES // max(self.layer_sizes[1:]))
        if n_samples <= rows:
            return self.forward(X, training=False)
        if sp.issparse(X):
            X = X.tocsr()
        logits = np.empty((n_samples, self.layer_sizes[-1]), dtype=self.dtype)
        for start in range(0, n_samples, rows):
            logits[start:start + rows] = self.forward(
                X[start:start + rows], training=False)
        return logits

    def predict_proba(self, X):
        """Output-layer probabilities, shape ``(n_samples, n_outputs)``."""
        return self.head.activation.compute(self.logits(X))

    def train_step(self, X, y, sample_weight, optimizer):
        """One forward, backward and optimizer step on a batch.

        Returns the batch's (weighted) mean data loss; the probabilities are
        left in ``self.head.output``.
        """
        logits = self.forward(X, training=True)
        loss = self.head.forward(logits, y, sample_weight=sample_weight)
        self.head.backward(self.head.output, y, sample_weight=sample_weight)
        dvalues = self.head.dinputs
        last = len(self.blocks) - 1
        for position in range(last, -1, -1):
            block = self.blocks[position]
            if position == 0:
                block.backward(dvalues, need_dinputs=False)
            else:
                block.backward(dvalues)
                dvalues = block.dinputs
        optimizer.pre_update_params()
        optimizer.update_params(self)
        optimizer.post_update_params()
        return loss

    def regularization_loss(self):
        """Sum of every layer's L1/L2 penalty, via the loss's own formula."""
        loss = self.head.loss
        return sum(loss.regularization_loss(d) for d in self.dense_layers)

    def release_buffers(self):
        """Drop every block's work buffers (called when a fit ends)."""
        for block in (*self.blocks, self.head, self.head.activation,
                      self.head.loss):
            block.release_buffers()

    # -- persistence ---------------------------------------------------------
    def __getstate__(self):
        # The layers carry their weights; the flat vectors are rebuilt on load
        # (pickling both would store every weight twice), and gradients are
        # scratch.
        state = self.__dict__.copy()
        del state["params"], state["grads"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._bind_flat()

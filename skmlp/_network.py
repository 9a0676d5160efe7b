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

from . import activations, losses
from ._registry import HIDDEN_ACTIVATIONS, REGRESSION_LOSSES, canonical_activation
from .layers import Dense, Dropout

# Values of the widest layer computed at once when predicting (see
# Network.logits): small enough that a chunk's activations stay in the CPU
# cache between a product, its bias and its activation.
PREDICTION_CHUNK_VALUES = 2**19

# Output head name -> the fused activation + loss of skmlp.losses: the
# classifiers' two, and the regressor's, named by its ``loss``.
HEADS = {
    "sigmoid": "SigmoidBinaryCrossentropy",
    "softmax": "SoftmaxCategoricalCrossentropy",
    **REGRESSION_LOSSES,
}


def hidden_activation(name, *, in_place=False):
    """A new hidden activation block of the given (registry) name."""
    class_name = HIDDEN_ACTIVATIONS[canonical_activation(name)]
    return getattr(activations, class_name)(in_place=in_place)


def output_head(name):
    """A new fused output head (activation and loss) of the given name."""
    return getattr(losses, HEADS[name])()


class Network:
    """Dense layers with a hidden activation and dropout between them, and a
    fused output head (activation + loss).

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    head : str
        A key of :data:`HEADS`.
    dtype : dtype
    random_state : RandomState
        Draws the initial weights, layer by layer.
    activation : str
        Hidden activation, a key of the activation registry.
    dropout : float
        Dropout rate after every hidden activation.
    regularization : sequence of Regularization
        The lambdas of each Dense layer.
    """

    def __init__(self, layer_sizes, head, dtype, random_state, *, activation,
                 dropout, regularization):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.head_name = head
        self.dense_layers = [
            Dense(n_in, n_out, random_state=random_state, dtype=dtype)
            for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])
        ]
        self.head = output_head(head)
        self._bind_flat()
        self.configure(activation=activation, dropout=dropout,
                       regularization=regularization)

    # -- structure -----------------------------------------------------------
    @property
    def dtype(self):
        return self.dense_layers[0].dtype

    def configure(self, *, activation, dropout, regularization):
        """Set the hidden activation, the dropout rate and each layer's
        :class:`~skmlp._regularization.Regularization`.

        The weights are untouched, so a warm start may change all three.
        """
        if len(regularization) != len(self.dense_layers):
            raise ValueError(
                f"regularization has {len(regularization)} entries for "
                f"{len(self.dense_layers)} Dense layers."
            )
        self.activation = canonical_activation(activation)
        self.dropout = dropout
        # Without lambdas, a step's penalty is 0 and costs nothing to know.
        self.regularized = any(regularization)
        blocks = []
        for i, (dense, lambdas) in enumerate(zip(self.dense_layers, regularization)):
            lambdas.apply_to(dense)
            blocks.append(dense)
            if i < len(self.dense_layers) - 1:
                # The Dense output and the next layer's input gradient are
                # scratch only this network reads: the activation may reuse them.
                blocks.append(hidden_activation(activation, in_place=True))
                if dropout > 0:
                    blocks.append(Dropout(dropout))
        self.blocks = blocks

    def reseed_dropout(self, generator):
        """Make every dropout layer draw its masks from ``generator``."""
        for block in self.blocks:
            if isinstance(block, Dropout):
                block.reseed(generator)

    def _bind_flat(self):
        """Move every layer's parameters and gradients into two flat vectors,
        which this network owns (and rebuilds after unpickling)."""
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
            dense.bind(views[0], views[1], views[2], views[3])
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
                in_place = getattr(block, "in_place", False)
                values = block.compute(values, out=values if in_place else None)
        return values

    def logits(self, X):
        """:meth:`forward` for prediction, through row chunks of a large ``X``.

        A chunk's widest activations (at most ``PREDICTION_CHUNK_VALUES``
        values) stay in the CPU cache between each product, its bias and its
        activation, and the largest temporary shrinks with the chunk.
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

    def outputs(self, X):
        """The output activation of :meth:`logits`: probabilities for the
        classification heads, predictions for the regression ones."""
        return self.head.activation.compute(self.logits(X))

    def backpropagate(self, X, y, sample_weight):
        """Forward and backward pass on a batch, gradients into :attr:`grads`.

        The gradient is that of the batch's (weighted) mean data loss plus
        every layer's penalty.  Returns the data loss; the outputs are left in
        ``self.head.output``.
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
        return loss

    def train_step(self, X, y, sample_weight, optimizer):
        """:meth:`backpropagate`, then one optimizer step.

        Returns
        -------
        data_loss : scalar
            The batch's (weighted) mean data loss.
        penalty : float
            Every layer's L1/L2 penalty at the weights the forward pass used
            (before the step), so that both parts of the loss are measured at
            the same weights, as the design notebook's loop measures them.
        """
        loss = self.backpropagate(X, y, sample_weight)
        penalty = (
            float(sum(dense.penalty for dense in self.dense_layers))
            if self.regularized else 0.0
        )
        optimizer.pre_update_params()
        optimizer.update_params(self)
        optimizer.post_update_params()
        return loss, penalty

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

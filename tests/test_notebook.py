"""The design notebook's "Final Training Loop" and "Final Validation" cells, run
against skmlp's public blocks.

Only the imports, the data and an explicit ``random_state`` on the Dense layers
differ from the notebook (NNFS, chapter 16 for the binary cell, chapters 14-15
for the softmax cells, chapter 17 for the regression loop, written in the same
style); the cells' bodies are kept as written there, so these tests fail
whenever the blocks stop honouring the notebook's protocol.
"""

import re

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp.activations import Identity, ReLU, Sigmoid, Softmax
from skmlp.layers import Dense
from skmlp.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    SoftmaxCategoricalCrossentropy,
)
from skmlp.optimizers import Adam

pytestmark = pytest.mark.usefixtures("single_blas_thread")

EPOCH_LINE = re.compile(
    r"epoch: (\d+), acc: \d\.\d{3}, loss: (\d+\.\d{3}) "
    r"\(data_loss: \d+\.\d{3}, reg_loss: \d+\.\d{3}\), "
    r"lr: (\d+(?:\.\d+)?(?:e-?\d+)?)"
)
VALIDATION_LINE = re.compile(r"Validation, acc: (\d\.\d{3}), loss: \d+\.\d{3}")


def _scaled_split(load):
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def _check_printed(out, n_epochs, min_accuracy):
    lines = out.strip().splitlines()
    epoch_lines = [EPOCH_LINE.fullmatch(line) for line in lines[:-1]]
    assert all(epoch_lines), lines
    assert [int(m[1]) for m in epoch_lines] == list(range(0, n_epochs, 100))
    # Training must actually have reduced the loss the loop reports.
    assert float(epoch_lines[-1][2]) < float(epoch_lines[0][2])
    validation = VALIDATION_LINE.fullmatch(lines[-1])
    assert validation, lines[-1]
    assert float(validation[1]) >= min_accuracy


def test_binary_logistic_regression_cells(capsys):
    X, X_test, y, y_test = _scaled_split(load_breast_cancer)
    n_features = X.shape[1]

    # Reshape labels to be a list of lists
    # Inner list contains one output (either 0 or 1)
    # per each output neuron, 1 in this case
    y = y.reshape(-1, 1)

    # ---- the notebook's "Final Training Loop" cell -------------------------
    # Create Dense layer with n_features input features and 64 output values
    dense1 = Dense(n_features, 64, weight_regularizer_l2=5e-4,
                   bias_regularizer_l2=5e-4, random_state=0)

    # Create ReLU activation (to be used with Dense layer):
    activation1 = ReLU()

    # Create second Dense layer with 64 input features (as we take output
    # of previous layer here) and 1 output value
    dense2 = Dense(64, 1, random_state=1)

    # Create Sigmoid activation:
    activation2 = Sigmoid()

    # Create loss function
    loss_function = BinaryCrossentropy()

    # Create optimizer
    optimizer = Adam(decay=5e-7)

    # Train in loop
    for epoch in range(1001):

        # Perform a forward pass of our training data through this layer
        dense1.forward(X)

        # Perform a forward pass through activation function
        # takes the output of first dense layer here
        activation1.forward(dense1.output)

        # Perform a forward pass through second Dense layer
        # takes outputs of activation function
        # of first layer as inputs
        dense2.forward(activation1.output)

        # Perform a forward pass through activation function
        # takes the output of second dense layer here
        activation2.forward(dense2.output)

        # Calculate the data loss
        data_loss = loss_function.calculate(activation2.output, y)
        # Calculate regularization penalty
        regularization_loss = \
            loss_function.regularization_loss(dense1) + \
            loss_function.regularization_loss(dense2)

        # Calculate overall loss
        loss = data_loss + regularization_loss

        # Calculate accuracy from output of activation2 and targets
        # Part in the brackets returns a binary mask - array consisting
        # of True/False values, multiplying it by 1 changes it into array
        # of 1s and 0s
        predictions = (activation2.output > 0.5) * 1
        accuracy = np.mean(predictions == y)

        if not epoch % 100:
            print(f'epoch: {epoch}, ' +
                  f'acc: {accuracy:.3f}, ' +
                  f'loss: {loss:.3f} (' +
                  f'data_loss: {data_loss:.3f}, ' +
                  f'reg_loss: {regularization_loss:.3f}), ' +
                  f'lr: {optimizer.current_learning_rate}')

        # Backward pass
        loss_function.backward(activation2.output, y)
        activation2.backward(loss_function.dinputs)
        dense2.backward(activation2.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)

        # Update weights and biases
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()

    # ---- the notebook's "Final Validation" cell ----------------------------
    # Reshape labels to be a list of lists
    y_test = y_test.reshape(-1, 1)

    # Perform a forward pass of our testing data through this layer
    dense1.forward(X_test)

    # Perform a forward pass through activation function
    # takes the output of first dense layer here
    activation1.forward(dense1.output)

    # Perform a forward pass through second Dense layer
    # takes outputs of activation function of first layer as inputs
    dense2.forward(activation1.output)

    # Perform a forward pass through activation function
    # takes the output of second dense layer here
    activation2.forward(dense2.output)

    # Calculate the data loss
    loss = loss_function.calculate(activation2.output, y_test)

    # Calculate accuracy from output of activation2 and targets
    # Part in the brackets returns a binary mask - array consisting of
    # True/False values, multiplying it by 1 changes it into array
    # of 1s and 0s
    predictions = (activation2.output > 0.5) * 1
    accuracy = np.mean(predictions == y_test)

    print(f'Validation, acc: {accuracy:.3f}, loss: {loss:.3f}')

    # ---- checks ------------------------------------------------------------
    assert accuracy >= 0.95
    assert optimizer.current_learning_rate == pytest.approx(0.001 / (1 + 5e-7 * 1000))
    _check_printed(capsys.readouterr().out, 1001, 0.95)


def test_softmax_categorical_crossentropy_cells(capsys):
    X, X_test, y, y_test = _scaled_split(load_wine)
    n_features, n_classes = X.shape[1], len(np.unique(y))

    # ---- training cell, separate Softmax activation and loss ---------------
    # Create Dense layer with n_features input features and 64 output values
    dense1 = Dense(n_features, 64, weight_regularizer_l2=5e-4,
                   bias_regularizer_l2=5e-4, random_state=0)

    # Create ReLU activation (to be used with Dense layer):
    activation1 = ReLU()

    # Create second Dense layer with 64 input features (as we take output
    # of previous layer here) and n_classes output values
    dense2 = Dense(64, n_classes, random_state=1)

    # Create Softmax activation (to be used with Dense layer):
    activation2 = Softmax()

    # Create loss function
    loss_function = CategoricalCrossentropy()

    # Create optimizer
    optimizer = Adam(learning_rate=0.05, decay=5e-7)

    # Train in loop
    for epoch in range(301):

        # Perform a forward pass of our training data through this layer
        dense1.forward(X)

        # Perform a forward pass through activation function
        # takes the output of first dense layer here
        activation1.forward(dense1.output)

        # Perform a forward pass through second Dense layer
        # takes outputs of activation function of first layer as inputs
        dense2.forward(activation1.output)

        # Perform a forward pass through the activation function
        # takes the output of second dense layer here
        activation2.forward(dense2.output)

        # Calculate the data loss
        data_loss = loss_function.calculate(activation2.output, y)

        # Calculate regularization penalty
        regularization_loss = \
            loss_function.regularization_loss(dense1) + \
            loss_function.regularization_loss(dense2)

        # Calculate overall loss
        loss = data_loss + regularization_loss

        # Calculate accuracy from output of activation2 and targets
        # calculate values along first axis
        predictions = np.argmax(activation2.output, axis=1)
        if len(y.shape) == 2:
            y = np.argmax(y, axis=1)
        accuracy = np.mean(predictions == y)

        if not epoch % 100:
            print(f'epoch: {epoch}, ' +
                  f'acc: {accuracy:.3f}, ' +
                  f'loss: {loss:.3f} (' +
                  f'data_loss: {data_loss:.3f}, ' +
                  f'reg_loss: {regularization_loss:.3f}), ' +
                  f'lr: {optimizer.current_learning_rate}')

        # Backward pass
        loss_function.backward(activation2.output, y)
        activation2.backward(loss_function.dinputs)
        dense2.backward(activation2.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)

        # Update weights and biases
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()

    # ---- validation cell ---------------------------------------------------
    # Perform a forward pass of our testing data through this layer
    dense1.forward(X_test)

    # Perform a forward pass through activation function
    # takes the output of first dense layer here
    activation1.forward(dense1.output)

    # Perform a forward pass through second Dense layer
    # takes outputs of activation function of first layer as inputs
    dense2.forward(activation1.output)

    # Perform a forward pass through the activation function
    # takes the output of second dense layer here
    activation2.forward(dense2.output)

    # Calculate the data loss
    loss = loss_function.calculate(activation2.output, y_test)

    # Calculate accuracy from output of activation2 and targets
    # calculate values along first axis
    predictions = np.argmax(activation2.output, axis=1)
    if len(y_test.shape) == 2:
        y_test = np.argmax(y_test, axis=1)
    accuracy = np.mean(predictions == y_test)

    print(f'Validation, acc: {accuracy:.3f}, loss: {loss:.3f}')

    # ---- checks ------------------------------------------------------------
    assert accuracy >= 0.9
    _check_printed(capsys.readouterr().out, 301, 0.9)


def test_fused_softmax_loss_cells(capsys):
    X, X_test, y, y_test = _scaled_split(load_wine)
    n_features, n_classes = X.shape[1], len(np.unique(y))

    # ---- training cell, with the combined activation and loss --------------
    # Create Dense layer with n_features input features and 64 output values
    dense1 = Dense(n_features, 64, weight_regularizer_l2=5e-4,
                   bias_regularizer_l2=5e-4, random_state=0)

    # Create ReLU activation (to be used with Dense layer):
    activation1 = ReLU()

    # Create second Dense layer with 64 input features (as we take output
    # of previous layer here) and n_classes output values
    dense2 = Dense(64, n_classes, random_state=1)

    # Create Softmax classifier's combined loss and activation
    loss_activation = SoftmaxCategoricalCrossentropy()

    # Create optimizer
    optimizer = Adam(learning_rate=0.05, decay=5e-7)

    # Train in loop
    for epoch in range(301):

        # Perform a forward pass of our training data through this layer
        dense1.forward(X)

        # Perform a forward pass through activation function
        # takes the output of first dense layer here
        activation1.forward(dense1.output)

        # Perform a forward pass through second Dense layer
        # takes outputs of activation function of first layer as inputs
        dense2.forward(activation1.output)

        # Perform a forward pass through the activation/loss function
        # takes the output of second dense layer here and returns loss
        data_loss = loss_activation.forward(dense2.output, y)

        # Calculate regularization penalty
        regularization_loss = \
            loss_activation.loss.regularization_loss(dense1) + \
            loss_activation.loss.regularization_loss(dense2)

        # Calculate overall loss
        loss = data_loss + regularization_loss

        # Calculate accuracy from output of activation2 and targets
        # calculate values along first axis
        predictions = np.argmax(loss_activation.output, axis=1)
        if len(y.shape) == 2:
            y = np.argmax(y, axis=1)
        accuracy = np.mean(predictions == y)

        if not epoch % 100:
            print(f'epoch: {epoch}, ' +
                  f'acc: {accuracy:.3f}, ' +
                  f'loss: {loss:.3f} (' +
                  f'data_loss: {data_loss:.3f}, ' +
                  f'reg_loss: {regularization_loss:.3f}), ' +
                  f'lr: {optimizer.current_learning_rate}')

        # Backward pass
        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)

        # Update weights and biases
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()

    # ---- validation cell ---------------------------------------------------
    # Perform a forward pass of our testing data through this layer
    dense1.forward(X_test)

    # Perform a forward pass through activation function
    # takes the output of first dense layer here
    activation1.forward(dense1.output)

    # Perform a forward pass through second Dense layer
    # takes outputs of activation function of first layer as inputs
    dense2.forward(activation1.output)

    # Perform a forward pass through the activation/loss function
    # takes the output of second dense layer here and returns loss
    loss = loss_activation.forward(dense2.output, y_test)

    # Calculate accuracy from output of activation2 and targets
    # calculate values along first axis
    predictions = np.argmax(loss_activation.output, axis=1)
    if len(y_test.shape) == 2:
        y_test = np.argmax(y_test, axis=1)
    accuracy = np.mean(predictions == y_test)

    print(f'Validation, acc: {accuracy:.3f}, loss: {loss:.3f}')

    # ---- checks ------------------------------------------------------------
    assert accuracy >= 0.9
    _check_printed(capsys.readouterr().out, 301, 0.9)


def _sine_data(samples, random_state):
    """The book's ``sine_data``: sin(2 pi x) on [0, 1], as columns."""
    X = np.sort(np.random.default_rng(random_state).uniform(0, 1, samples))
    X = X.reshape(-1, 1)
    y = np.sin(2 * np.pi * X).reshape(-1, 1)
    return X, y


def test_regression_cells(capsys):
    X, y = _sine_data(500, random_state=0)
    X_test, y_test = _sine_data(200, random_state=1)

    # ---- training cell: the book's regression network ----------------------
    # Create Dense layer with 1 input feature and 64 output values
    dense1 = Dense(1, 64, random_state=0)

    # Create ReLU activation (to be used with Dense layer):
    activation1 = ReLU()

    # Create second Dense layer with 64 input features (as we take output
    # of previous layer here) and 64 output values
    dense2 = Dense(64, 64, random_state=1)

    # Create ReLU activation (to be used with Dense layer):
    activation2 = ReLU()

    # Create third Dense layer with 64 input features (as we take output
    # of previous layer here) and 1 output value
    dense3 = Dense(64, 1, random_state=2)

    # Create Linear activation:
    activation3 = Identity()

    # Create loss function
    loss_function = MeanSquaredError()

    # Create optimizer
    optimizer = Adam(learning_rate=0.005, decay=1e-3)

    # Accuracy precision for accuracy calculation
    # There are no really accuracy factor for regression problem,
    # but we can simulate/approximate it. We'll calculate it by checking
    # how many values have a difference to their ground truth equivalent
    # less than given precision
    # We'll calculate this precision as a fraction of standard deviation
    # of all the ground truth values
    accuracy_precision = np.std(y) / 250

    # Train in loop
    for epoch in range(1001):

        # Perform a forward pass of our training data through this layer
        dense1.forward(X)

        # Perform a forward pass through activation function
        # takes the output of first dense layer here
        activation1.forward(dense1.output)

        # Perform a forward pass through second Dense layer
        # takes outputs of activation function
        # of first layer as inputs
        dense2.forward(activation1.output)

        # Perform a forward pass through activation function
        # takes the output of second dense layer here
        activation2.forward(dense2.output)

        # Perform a forward pass through third Dense layer
        # takes outputs of activation function of second layer as inputs
        dense3.forward(activation2.output)

        # Perform a forward pass through activation function
        # takes the output of third dense layer here
        activation3.forward(dense3.output)

        # Calculate the data loss
        data_loss = loss_function.calculate(activation3.output, y)

        # Calculate regularization penalty
        regularization_loss = \
            loss_function.regularization_loss(dense1) + \
            loss_function.regularization_loss(dense2) + \
            loss_function.regularization_loss(dense3)

        # Calculate overall loss
        loss = data_loss + regularization_loss

        # Calculate accuracy from output of activation3 and targets
        # To calculate it we're taking absolute difference between
        # predictions and ground truth values and compare if differences
        # are lower than given precision value
        predictions = activation3.output
        accuracy = np.mean(np.absolute(predictions - y) <
                           accuracy_precision)

        if not epoch % 100:
            print(f'epoch: {epoch}, ' +
                  f'acc: {accuracy:.3f}, ' +
                  f'loss: {loss:.3f} (' +
                  f'data_loss: {data_loss:.3f}, ' +
                  f'reg_loss: {regularization_loss:.3f}), ' +
                  f'lr: {optimizer.current_learning_rate}')

        # Backward pass
        loss_function.backward(activation3.output, y)
        activation3.backward(loss_function.dinputs)
        dense3.backward(activation3.dinputs)
        activation2.backward(dense3.dinputs)
        dense2.backward(activation2.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)

        # Update weights and biases
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.update_params(dense3)
        optimizer.post_update_params()

    # ---- validation cell ---------------------------------------------------
    # Perform a forward pass of our testing data through this layer
    dense1.forward(X_test)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    activation2.forward(dense2.output)
    dense3.forward(activation2.output)
    activation3.forward(dense3.output)

    # Calculate the data loss
    loss = loss_function.calculate(activation3.output, y_test)

    # The coefficient of determination of the predictions
    r2 = r2_score(y_test, activation3.output)

    print(f'Validation, r2: {r2:.3f}, loss: {loss:.3f}')

    # ---- checks ------------------------------------------------------------
    assert r2 >= 0.9
    lines = capsys.readouterr().out.strip().splitlines()
    epoch_lines = [EPOCH_LINE.fullmatch(line) for line in lines[:-1]]
    assert all(epoch_lines), lines
    assert [int(m[1]) for m in epoch_lines] == list(range(0, 1001, 100))
    # The loss the loop reports fell by far (sin has variance 1/2).
    assert float(epoch_lines[0][2]) > 0.1
    assert float(epoch_lines[-1][2]) < 0.01
    assert re.fullmatch(r"Validation, r2: \d\.\d{3}, loss: \d+\.\d{3}", lines[-1])
    assert optimizer.current_learning_rate == pytest.approx(0.005 / (1 + 1e-3 * 1000))

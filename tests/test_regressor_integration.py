"""MLPRegressor's own place in scikit-learn's machinery.

TransformedTargetRegressor, MultiOutputRegressor and targets of several
columns from pandas.  What it shares with the classifiers (pipelines,
cross-validation, grid search over the lambdas, clone, feature names, pickle,
joblib and skops round trips) is tested once for all three estimators, in
``test_sklearn_integration.py`` and ``test_persistence_safety.py``.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_regression
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from skmlp import MLPRegressor

pytestmark = [
    pytest.mark.usefixtures("single_blas_thread"),
    pytest.mark.filterwarnings(
        "ignore::sklearn.exceptions.ConvergenceWarning"
    ),
]

FAST = {"hidden_layer_sizes": (8,), "learning_rate": 0.01, "max_iter": 30,
        "random_state": 0}


@pytest.fixture(scope="module")
def diabetes():
    # Features and target unscaled on purpose: the scalers must matter.
    return load_diabetes(return_X_y=True)


@pytest.fixture(scope="module")
def scaled_regression():
    X, y = make_regression(n_samples=300, n_features=8, n_informative=5,
                           noise=10.0, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


# -- target transformers and several targets ---------------------------------


def test_pipeline_with_scaler_and_target_transformer(diabetes):
    X, y = diabetes
    model = TransformedTargetRegressor(
        regressor=Pipeline([("scale", StandardScaler()),
                            ("mlp", MLPRegressor(**FAST))]),
        transformer=StandardScaler(),
    )
    model.fit(X, y)
    inner = model.regressor_.named_steps["mlp"]
    check_is_fitted(inner)
    # The network saw standardized targets; predictions are back in y's units.
    scaler = model.transformer_
    assert scaler.mean_[0] == pytest.approx(y.mean())
    Xt = model.regressor_.named_steps["scale"].transform(X)
    assert_allclose(model.predict(X),
                    scaler.inverse_transform(inner.predict(Xt).reshape(-1, 1)).ravel(),
                    rtol=1e-12)
    assert model.score(X, y) > 0.4
    # Parameters of the step are reachable through both wrappers.
    model.set_params(regressor__mlp__weight_regularizer_l2=[0.0, 0.1])
    assert model.regressor.named_steps["mlp"].weight_regularizer_l2 == [0.0, 0.1]


def test_multi_output_regressor_fits_one_network_per_target(scaled_regression):
    X, y = scaled_regression
    Y = np.c_[y, -2 * y, y**2]
    wrapper = MultiOutputRegressor(MLPRegressor(**FAST)).fit(X, Y)
    assert len(wrapper.estimators_) == 3
    predicted = wrapper.predict(X)
    assert predicted.shape == Y.shape
    for k, est in enumerate(wrapper.estimators_):
        assert est.n_outputs_ == 1
        alone = MLPRegressor(**FAST).fit(X, Y[:, k])
        assert_array_equal(predicted[:, k], alone.predict(X))
    # One network with three outputs is another model with the same shape.
    native = MLPRegressor(**FAST).fit(X, Y)
    assert native.predict(X).shape == Y.shape


@pytest.fixture(scope="module")
def frame_data(scaled_regression):
    X, y = scaled_regression
    columns = [f"feature {i}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=columns), pd.Series(y, name="target")


def test_dataframe_targets_keep_their_width(frame_data):
    X, y = frame_data
    Y = pd.DataFrame({"a": y, "b": -y})
    est = MLPRegressor(**FAST).fit(X, Y)
    assert est.predict(X).shape == Y.shape
    assert est.score(X, Y) > 0.5

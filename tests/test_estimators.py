"""What an estimator is made of: frozen wrappers, pipeline steps, sample_weight routing."""

from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdistill._estimators import final_step, last_step, sample_weight_key, unwrap_frozen


def test_steps_and_frozen_wrappers():
    lr = LogisticRegression()
    inner = make_pipeline(StandardScaler(), FrozenEstimator(lr))
    outer = FrozenEstimator(make_pipeline(StandardScaler(), inner))
    assert unwrap_frozen(FrozenEstimator(FrozenEstimator(lr))) is lr
    assert last_step(outer) is inner and last_step(lr) is None
    assert final_step(outer) is lr and final_step(lr) is lr


def test_sample_weight_key():
    assert sample_weight_key(Ridge()) == "sample_weight"
    assert sample_weight_key(KNeighborsRegressor()) is None
    assert sample_weight_key(make_pipeline(StandardScaler(), Ridge())) == "ridge__sample_weight"
    assert sample_weight_key(make_pipeline(StandardScaler(), KNeighborsRegressor())) is None
    assert sample_weight_key(make_pipeline(StandardScaler(), "passthrough")) is None
    assert sample_weight_key(MultiOutputRegressor(Ridge())) == "sample_weight"
    assert sample_weight_key(MultiOutputRegressor(KNeighborsRegressor())) is None

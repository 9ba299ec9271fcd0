import pickle
import sys
from pathlib import Path

import lightgbm
import numpy as np
import pandas as pd
import pytest
from scipy.special import softmax
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdistill._targets import SoftTargets
from skdistill.students import DaskSoftGBMClassifier, DaskSoftGBMRegressor
from skdistill.students._gbm import (
    SoftGBMClassifier,
    SoftGBMRegressor,
    SoftmaxCrossEntropyObjective,
)

DATASETS = Path(__file__).parents[2] / "shared" / "datasets"
BACKENDS = ["lightgbm", "xgboost"]


def _binary_logits(margin):
    """Two-class logits ``[0, m]`` of a margin ``m`` (``softmax([0, m])[1] = sigmoid(m)``)."""
    margin = np.asarray(margin, dtype=np.float64).reshape(-1)
    return np.column_stack([np.zeros_like(margin), margin])


def backend_or_skip(backend):
    if backend == "xgboost":
        pytest.importorskip("xgboost")
    return backend


@parametrize_with_checks(
    [
        SoftGBMClassifier(n_jobs=1, random_state=0),
        SoftGBMRegressor(n_jobs=1, random_state=0),
        DaskSoftGBMClassifier(n_jobs=1, random_state=0),  # in memory it trains in process
        DaskSoftGBMRegressor(n_jobs=1, random_state=0),
    ],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("weighted", [False, True])
def test_objective_gradient_matches_finite_differences(weighted):
    rng = np.random.RandomState(0)
    n, k = 6, 4
    Q = rng.dirichlet(np.ones(k), size=n)
    w = rng.uniform(0.5, 2.0, size=n) if weighted else None
    objective = SoftmaxCrossEntropyObjective(Q, w)
    M = rng.normal(size=(n, k))
    grad, hess = objective(M)
    eps = 1e-6
    for i in range(n):
        for j in range(k):
            up, down = M.copy(), M.copy()
            up[i, j] += eps
            down[i, j] -= eps
            numeric = (objective.loss(up) - objective.loss(down)) / (2 * eps)
            assert grad[i, j] == pytest.approx(numeric, rel=1e-6, abs=1e-8)
            # Diagonal second derivative, times LightGBM's multiclass factor K / (K - 1).
            second = (objective(up)[0][i, j] - objective(down)[0][i, j]) / (2 * eps)
            assert hess[i, j] == pytest.approx(k / (k - 1) * second, rel=1e-6)
    # Shared, not copied, by lightgbm.train's deepcopy of its params.
    import copy

    assert copy.deepcopy(objective) is objective
    assert pickle.loads(pickle.dumps(objective)).targets.shape == (n, k)


@pytest.fixture(scope="module")
def letter():
    """letter (26 classes): LightGBM teacher on 2,000 rows, 4,000 unlabelled, 2,000 test."""
    path = DATASETS / "letter.csv.gz"
    if not path.exists():
        pytest.skip("letter.csv.gz is not in ../shared/datasets")
    df = pd.read_csv(path)
    X = df.drop(columns="target").to_numpy(np.float64)
    y = pd.factorize(df["target"], sort=True)[0]
    idx = np.random.RandomState(0).permutation(len(X))
    train, extra, test = idx[:2000], idx[2000:6000], idx[6000:8000]
    teacher = lightgbm.LGBMClassifier(n_estimators=60, verbose=-1, n_jobs=1, random_state=0)
    teacher.fit(X[train], y[train])
    transfer = np.r_[train, extra]
    return {
        "X": X[transfer],
        "logits": teacher.predict(X[transfer], raw_score=True),
        "X_test": X[test],
        "teacher_test": teacher.predict(X[test]),
        "X_train": X[train],
        "y_train": y[train],
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_multiclass_distillation_agrees_with_teacher(letter, backend):
    # Measured: 0.91 (lightgbm), 0.90 (xgboost) agreement with the teacher on held-out rows.
    gbm = SoftGBMClassifier(
        n_estimators=20,
        learning_rate=0.2,
        backend=backend_or_skip(backend),
        n_jobs=1,
        random_state=0,
    )
    gbm.fit_soft(letter["X"], SoftTargets(logits=letter["logits"], temperature=2.0))
    assert np.mean(gbm.predict(letter["X_test"]) == letter["teacher_test"]) > 0.87


def noisy_multiclass(n, seed):
    """A smooth 4-class teacher, and labels drawn from its probabilities."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    logits = np.column_stack(
        [np.zeros(n), 2 * X[:, 0], 2 * X[:, 1] + np.sin(2 * X[:, 2]), X[:, 0] - X[:, 3]]
    )
    y = (rng.rand(n, 1) > np.cumsum(softmax(logits, axis=1), axis=1)).sum(axis=1)
    return X, logits, y


@pytest.mark.parametrize("backend", BACKENDS)
def test_soft_targets_carry_more_than_labels(backend):
    # Measured KL to the teacher: 0.008 from soft targets, 0.047 from the sampled labels.
    X, logits, y = noisy_multiclass(3000, 0)
    X_test, logits_test, _ = noisy_multiclass(2000, 1)
    P_test = softmax(logits_test, axis=1)

    def kl(model):
        Q = np.clip(model.predict_proba(X_test), 1e-12, None)
        return np.mean(np.sum(P_test * np.log(P_test / Q), axis=1))

    params = dict(backend=backend_or_skip(backend), n_jobs=1, random_state=0)
    soft = SoftGBMClassifier(**params).fit_soft(X, SoftTargets(logits=logits, temperature=2.0))
    hard = SoftGBMClassifier(**params).fit(X, y)
    assert kl(soft) < 0.02
    assert kl(soft) < kl(hard) / 3
    assert np.mean(soft.predict(X_test) == P_test.argmax(axis=1)) > 0.92


def binary_problem(n=2000, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5))
    margin = 2 * X[:, 0] - X[:, 1] + np.sin(3 * X[:, 2])
    return X, margin


@pytest.mark.parametrize("backend", BACKENDS)
def test_binary_soft_targets_recover_teacher_probabilities(backend):
    X, margin = binary_problem()
    gbm = SoftGBMClassifier(
        n_estimators=200,
        learning_rate=0.2,
        backend=backend_or_skip(backend),
        n_jobs=1,
        random_state=0,
    )
    gbm.fit_soft(X, SoftTargets(logits=_binary_logits(margin)))
    p = gbm.predict_proba(X)[:, 1]
    teacher = 1 / (1 + np.exp(-margin))
    assert np.abs(p - teacher).mean() < 0.03
    np.testing.assert_allclose(gbm.decision_function(X), np.log(p / (1 - p)), rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_temperature_is_undone_at_prediction(backend, n_classes):
    # Margins learned on targets at T stand for z / T: predictions at T = 1 stay sharp.
    X, margin = binary_problem(1500)
    logits = np.column_stack([margin * c for c in range(n_classes)])
    errors = []
    for T in (1.0, 4.0):
        gbm = SoftGBMClassifier(
            n_estimators=200,
            learning_rate=0.3,
            backend=backend_or_skip(backend),
            n_jobs=1,
            random_state=0,
        )
        gbm.fit_soft(X, SoftTargets(logits=logits, temperature=T))
        errors.append(np.abs(gbm.predict_proba(X) - softmax(logits, axis=1)).mean())
    assert max(errors) < 0.05


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_boosting_starts_from_the_prior(backend, n_classes):
    X = np.random.RandomState(0).normal(size=(300, 2))
    y = np.r_[np.zeros(200, int), np.arange(100) % (n_classes - 1) + 1]
    gbm = SoftGBMClassifier(
        n_estimators=1, learning_rate=1e-8, backend=backend_or_skip(backend), n_jobs=1
    ).fit(X, y)
    prior = np.bincount(y) / len(y)
    np.testing.assert_allclose(gbm.predict_proba(X[:5]), np.tile(prior, (5, 1)), atol=1e-5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dataframe_with_categories_and_nan(backend):
    rng = np.random.RandomState(0)
    n = 1500
    shop = rng.choice(list("abcdefgh"), size=n)
    df = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "shop": pd.Series(shop, dtype="category"),
            "town": pd.Series(rng.choice(["p", "q", "r"], size=n), dtype="str"),
        }
    )
    df.loc[rng.rand(n) < 0.15, "x"] = np.nan
    df.loc[rng.rand(n) < 0.1, "town"] = np.nan
    # Classes depend on shops with no order (a, d, g vs the rest) and on x being missing.
    y = np.where(np.isin(shop, ["a", "d", "g"]), 1, 0) + 2 * df["x"].isna().to_numpy()
    gbm = SoftGBMClassifier(
        n_estimators=20, backend=backend_or_skip(backend), n_jobs=1, random_state=0
    ).fit(df, y)
    assert gbm.score(df, y) > 0.97
    assert list(gbm.feature_names_in_) == ["x", "shop", "town"]
    if backend == "lightgbm":
        dumped = str(gbm.booster_.dump_model())
        assert "'decision_type': '=='" in dumped  # a native categorical split
    regressor = SoftGBMRegressor(n_estimators=50, backend=backend, n_jobs=1, random_state=0).fit(
        df, y.astype(float)
    )
    assert regressor.score(df, y) > 0.95


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_sample_weight_is_used(backend, n_classes):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] > 0).astype(int) * (n_classes - 1)
    flipped = (n_classes - 1) - y
    # Duplicate rows with opposite labels; weights decide which copy counts.
    X2, y2 = np.r_[X, X], np.r_[y, flipped]
    w = np.r_[np.ones(600), np.full(600, 1e-3)]
    gbm = SoftGBMClassifier(
        n_estimators=30, backend=backend_or_skip(backend), n_jobs=1, random_state=0
    ).fit(X2, y2, sample_weight=w)
    assert gbm.score(X, y) > 0.95
    regressor = SoftGBMRegressor(n_estimators=30, backend=backend, n_jobs=1, random_state=0)
    regressor.fit(X2, y2.astype(float), sample_weight=w)
    assert regressor.score(X, y) > 0.9


def test_regressor_alpha_and_multioutput():
    X, margin = binary_problem(500)
    values = np.column_stack([margin, -margin])
    y = np.column_stack([margin + 10, -margin + 10])
    y[250:] = np.nan
    targets = SoftTargets(values=values, y=y, alpha=0.5)
    gbm = SoftGBMRegressor(n_estimators=200, learning_rate=0.3, n_jobs=1, random_state=0)
    pred = gbm.fit_soft(X, targets).predict(X)
    assert pred.shape == (500, 2) and len(gbm.boosters_) == 2
    # Labelled rows learn values + 5, the others the values.
    assert np.mean(pred[:250] - values[:250]) == pytest.approx(5.0, abs=0.5)
    assert np.mean(pred[250:] - values[250:]) == pytest.approx(0.0, abs=0.5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_pickle_and_determinism(backend):
    X, margin = binary_problem(400)
    y = np.digitize(margin, [-1.0, 1.0])
    params = dict(
        n_estimators=10,
        subsample=0.7,
        colsample_bytree=0.8,
        random_state=5,
        n_jobs=1,
        backend=backend_or_skip(backend),
    )
    a = SoftGBMClassifier(**params).fit(X, y)
    b = SoftGBMClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict_proba(X), a.predict_proba(X))


def test_errors(monkeypatch):
    X = np.random.RandomState(0).normal(size=(40, 3))
    y = np.arange(40) % 3
    with pytest.raises(ValueError, match="must sum to 1"):
        SoftGBMClassifier().fit(X, np.full((40, 3), 0.5))
    with pytest.raises(ValueError, match="X has 40 rows but the targets have 10"):
        SoftGBMClassifier().fit_soft(X, SoftTargets(logits=np.zeros((10, 3))))
    gbm = SoftGBMClassifier(n_estimators=2, n_jobs=1).fit(X, y)
    with pytest.raises(ValueError, match="X has 4 features, but SoftGBMClassifier is expecting 3"):
        gbm.predict_proba(np.c_[X, X[:, 0]])
    monkeypatch.setitem(sys.modules, "xgboost", None)
    with pytest.raises(ImportError, match=r"pip install skdistill\[xgboost\]"):
        SoftGBMClassifier(backend="xgboost").fit(X, y)

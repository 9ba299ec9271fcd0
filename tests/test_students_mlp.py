"""Tests of the numpy soft-label MLP students, their losses and their optimizer."""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from scipy.special import log_softmax, softmax
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdistill import SoftTargets
from skdistill.students._activations import ACTIVATIONS, DERIVATIVES
from skdistill.students._loss import kd_loss, logit_mse_loss, squared_loss
from skdistill.students._mlp import SoftMLPClassifier, SoftMLPRegressor
from skdistill.students._optim import AdamOptimizer


def _quiet(model, *args, method="fit", **kwargs):
    """Call ``method`` with ConvergenceWarning silenced (small max_iter on purpose)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return getattr(model, method)(*args, **kwargs)


@pytest.fixture(scope="module")
def three_class():
    X, y = make_classification(
        n_samples=1200, n_features=10, n_informative=6, n_classes=3, random_state=0
    )
    return train_test_split(X, y, test_size=0.25, random_state=0)


@pytest.fixture(scope="module")
def teacher_logits(three_class):
    """A fixed smooth teacher: logits from a random two-layer function of the features."""
    X_train, X_test, _, _ = three_class
    rng = np.random.RandomState(1)
    W1, W2 = rng.normal(size=(10, 16)), rng.normal(size=(16, 3))

    def logits(X):
        return np.tanh(X @ W1 / 3) @ W2

    return logits


# ---- losses ------------------------------------------------------------------------------


def _numeric_gradient(f, Z, eps=1e-6):
    grad = np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        plus, minus = Z.copy(), Z.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (f(plus) - f(minus)) / (2 * eps)
    return grad


@pytest.mark.parametrize("temperature", [1.0, 3.0])
@pytest.mark.parametrize("alpha", [0.0, 0.4])
@pytest.mark.parametrize("loss", [kd_loss, logit_mse_loss])
def test_classification_loss_gradients_match_finite_differences(loss, alpha, temperature):
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(6, 4))
    teacher = rng.normal(size=(6, 4)) * 2
    soft = (
        softmax(teacher / temperature, axis=1)
        if loss is kd_loss
        else teacher - teacher.mean(axis=1, keepdims=True)
    )
    hard = np.array([0, 3, -1, 2, -1, 1])
    weights = rng.uniform(0.5, 2, size=6)
    weights /= weights.sum()
    kwargs = {"temperature": temperature, "alpha": alpha}
    _, grad = loss(Z, soft, hard, weights, **kwargs)
    numeric = _numeric_gradient(lambda z: loss(z, soft, hard, weights, **kwargs)[0], Z)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_kd_loss_value_is_hinton_loss():
    """T^2-scaled soft cross-entropy at T plus alpha-weighted hard cross-entropy at T=1."""
    rng = np.random.RandomState(1)
    Z, teacher = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    hard = np.array([2, -1, 0, 1, -1])
    weights = np.full(5, 0.2)
    T, alpha = 2.5, 0.3
    p = softmax(teacher / T, axis=1)
    soft = -(p * log_softmax(Z / T, axis=1)).sum(axis=1) * T**2
    labelled = hard >= 0
    hard_ce = np.zeros(5)
    hard_ce[labelled] = -log_softmax(Z, axis=1)[labelled, hard[labelled]]
    expected = np.mean((1 - alpha) * soft + alpha * hard_ce)
    value, _ = kd_loss(Z, p, hard, weights, temperature=T, alpha=alpha)
    assert value == pytest.approx(expected, rel=1e-12)


def test_kd_gradient_scale_does_not_vanish_with_temperature():
    """The T^2 factor keeps the soft gradient's magnitude comparable across temperatures."""
    rng = np.random.RandomState(2)
    Z, teacher = rng.normal(size=(50, 5)), 3 * rng.normal(size=(50, 5))
    w = np.full(50, 1 / 50)
    norms = []
    for T in (1.0, 4.0, 16.0):
        _, g = kd_loss(Z, softmax(teacher / T, axis=1), None, w, temperature=T, alpha=0.0)
        norms.append(np.linalg.norm(g))
    # High T tends to logit matching: the gradient tends to (z - t)/K, not to zero.
    assert norms[2] > 0.3 * norms[0]
    _, g_mse = logit_mse_loss(
        Z, teacher - teacher.mean(axis=1, keepdims=True), None, w, temperature=1.0, alpha=0.0
    )
    _, g_hot = kd_loss(Z, softmax(teacher / 64, axis=1), None, w, temperature=64.0, alpha=0.0)
    np.testing.assert_allclose(g_hot, g_mse / 5, atol=2e-3)


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_squared_loss_gradient_and_missing_targets(alpha):
    rng = np.random.RandomState(3)
    Z, soft = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    hard = rng.normal(size=(5, 2))
    hard[[1, 3], :] = np.nan
    weights = np.full(5, 0.2)
    kwargs = {"temperature": 1.0, "alpha": alpha}
    value, grad = squared_loss(Z, soft, hard, weights, **kwargs)
    numeric = _numeric_gradient(lambda z: squared_loss(z, soft, hard, weights, **kwargs)[0], Z)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    assert np.isfinite(value)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivatives(name):
    rng = np.random.RandomState(4)
    Z = rng.normal(size=(4, 3))
    Z[np.abs(Z) < 1e-3] = 0.5  # keep away from the ReLU kink
    A = ACTIVATIONS[name](Z.copy())
    delta = DERIVATIVES[name](A, np.ones_like(Z))
    numeric = _numeric_gradient(lambda z: ACTIVATIONS[name](z.copy()).sum(), Z)
    np.testing.assert_allclose(delta, numeric, rtol=1e-5, atol=1e-8)


def test_adam_minimises_a_quadratic():
    target = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    params = np.zeros(3, dtype=np.float32)
    optimizer = AdamOptimizer(3, np.float32, learning_rate_init=0.05)
    for _ in range(2000):
        optimizer.update_params(params, params - target)
    np.testing.assert_allclose(params, target, atol=1e-3)


# ---- classifier --------------------------------------------------------------------------


def test_learns_iris_from_labels():
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    model = SoftMLPClassifier(
        hidden_layer_sizes=(32,), batch_size=32, early_stopping=False, random_state=0
    )
    _quiet(model, X_train, y_train)
    assert model.score(X_test, y_test) > 0.9
    proba = model.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(model.classes_) == [0, 1, 2]


def test_learns_make_classification_with_string_labels(three_class):
    X_train, X_test, y_train, y_test = three_class
    labels = np.array(["ash", "birch", "cedar"])
    model = SoftMLPClassifier(random_state=0).fit(X_train, labels[y_train])
    assert model.score(X_test, labels[y_test]) > 0.8
    assert set(model.predict(X_test)) <= set(labels)
    assert model.n_iter_ < model.max_iter and model.best_iter_ <= model.n_iter_


def test_learns_soft_targets(three_class, teacher_logits):
    X_train, X_test, _, _ = three_class
    targets = SoftTargets(logits=teacher_logits(X_train), temperature=2.0)
    model = SoftMLPClassifier(hidden_layer_sizes=(32, 32), batch_size=64, random_state=0)
    _quiet(model, X_train, targets, method="fit_soft")
    p = softmax(teacher_logits(X_test), axis=1)
    q = model.predict_proba(X_test)
    kl = np.mean(np.sum(p * (np.log(p) - np.log(q)), axis=1))
    assert kl < 0.05
    assert np.mean(q.argmax(axis=1) == p.argmax(axis=1)) > 0.9


def test_logit_mse_matches_teacher_logits(three_class, teacher_logits):
    X_train, X_test, _, _ = three_class
    targets = SoftTargets(logits=teacher_logits(X_train))
    model = SoftMLPClassifier(
        hidden_layer_sizes=(32, 32), loss="logit_mse", batch_size=64, random_state=0
    )
    _quiet(model, X_train, targets, method="fit_soft")
    t = teacher_logits(X_test)
    t -= t.mean(axis=1, keepdims=True)
    z = model.decision_function(X_test)
    z -= z.mean(axis=1, keepdims=True)
    assert np.mean((z - t) ** 2) < 0.1 * np.mean(t**2)


def test_hard_term_uses_only_labelled_rows(three_class, teacher_logits):
    """With alpha=1 only the labelled rows teach; unlabelled rows (-1) are ignored."""
    X_train, X_test, y_train, y_test = three_class
    y_partial = y_train.copy()
    y_partial[::2] = -1
    targets = SoftTargets(logits=-teacher_logits(X_train), y=y_partial, alpha=1.0, temperature=3.0)
    model = SoftMLPClassifier(random_state=0)
    _quiet(model, X_train, targets, method="fit_soft")
    # The (deliberately wrong) teacher has weight 0: the student follows the labels.
    assert model.score(X_test, y_test) > 0.75


def test_auto_batch_size_and_step_and_linear_network():
    X, y = make_classification(n_samples=600, random_state=0)
    model = _quiet(SoftMLPClassifier(hidden_layer_sizes=(), random_state=0), X, y)
    assert model.batch_size_ == 128  # 540 training rows: the smallest automatic batch
    assert model.learning_rate_init_ == pytest.approx(1e-3 * np.sqrt(2))
    assert [W.shape for W in model.coefs_] == [(20, 2)]  # no hidden layer: a linear model
    assert model.score(X, y) > 0.8
    assert SoftMLPClassifier()._effective_batch_size(500_000) == 1024


def test_binary_decision_function_is_margin():
    X, y = make_classification(n_samples=300, random_state=0)
    model = _quiet(SoftMLPClassifier(max_iter=20, random_state=0), X, y)
    margin = model.decision_function(X)
    assert margin.shape == (300,)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], 1 / (1 + np.exp(-margin)))


def test_fit_on_probability_matrix(three_class, teacher_logits):
    X_train, X_test, _, _ = three_class
    P = softmax(teacher_logits(X_train), axis=1)
    model = _quiet(SoftMLPClassifier(random_state=0), X_train, P)
    agreement = model.predict(X_test) == teacher_logits(X_test).argmax(axis=1)
    assert agreement.mean() > 0.85


def test_sample_weight_selects_rows(three_class):
    X_train, X_test, y_train, y_test = three_class
    # Twice the rows: the real labels, and the same rows with shifted (wrong) labels.
    X2 = np.vstack([X_train, X_train])
    y2 = np.concatenate([y_train, (y_train + 1) % 3])
    weights = np.concatenate([np.ones(len(y_train)), np.zeros(len(y_train))])
    model = _quiet(SoftMLPClassifier(random_state=0), X2, y2, sample_weight=weights)
    assert model.score(X_test, y_test) > 0.8


def test_early_stopping_restores_best_weights():
    X, y = make_classification(n_samples=300, n_features=20, flip_y=0.3, random_state=0)
    params = dict(
        hidden_layer_sizes=(128,), learning_rate_init=0.01, n_iter_no_change=3, random_state=0
    )
    model = _quiet(SoftMLPClassifier(**params, max_iter=200), X, y)
    assert model.best_iter_ < model.n_iter_
    curve = model.validation_loss_curve_
    assert len(curve) == model.n_iter_
    assert model.best_loss_ == min(curve) < curve[-1]
    # A run stopped at the best epoch goes through the same epochs: same weights.
    stopped = _quiet(SoftMLPClassifier(**params, max_iter=model.best_iter_), X, y)
    np.testing.assert_array_equal(stopped.predict_proba(X), model.predict_proba(X))


def test_adaptive_step_lowers_before_stopping(capsys):
    X, y = make_classification(n_samples=300, n_features=20, flip_y=0.3, random_state=0)
    params = dict(
        hidden_layer_sizes=(128,), learning_rate_init=0.01, n_iter_no_change=3, random_state=0
    )
    constant = _quiet(SoftMLPClassifier(**params, learning_rate="constant"), X, y)
    adaptive = _quiet(SoftMLPClassifier(**params, verbose=True), X, y)
    assert capsys.readouterr().out.count("step lowered to") == 2
    assert adaptive._optimizer.learning_rate == pytest.approx(0.01 / 25)
    # Both runs agree until the constant one stops, where the adaptive one lowers its step.
    assert adaptive.n_iter_ > constant.n_iter_
    assert adaptive.loss_curve_[: constant.n_iter_] == constant.loss_curve_
    assert adaptive.best_loss_ <= constant.best_loss_


def test_convergence_warning_and_verbose(capsys):
    X, y = load_iris(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        SoftMLPClassifier(max_iter=3, verbose=True, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "Epoch 3, loss = " in out and "validation loss = " in out and "time = " in out


def test_warm_start_continues(three_class):
    X_train, _, y_train, _ = three_class
    kwargs = dict(max_iter=5, early_stopping=False, random_state=0)
    model = _quiet(SoftMLPClassifier(**kwargs, warm_start=True), X_train, y_train)
    first = list(model.loss_curve_)
    _quiet(model, X_train, y_train)
    assert model.n_iter_ == 10 and model.loss_curve_[:5] == first
    assert model.loss_curve_[5] < first[0]
    cold = _quiet(SoftMLPClassifier(**kwargs), X_train, y_train)
    assert cold.loss_curve_[0] == first[0]  # without warm_start it starts over

    four = SoftTargets(logits=np.zeros((len(X_train), 4)))
    with pytest.raises(ValueError, match="3 classes"):
        model.fit_soft(X_train, four)


def test_partial_fit_streams_chunks(three_class):
    X_train, X_test, y_train, y_test = three_class
    model = SoftMLPClassifier(batch_size=64, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        model.partial_fit(X_train[:100], y_train[:100])
    for _ in range(15):
        for start in range(0, len(X_train), 300):
            chunk = slice(start, start + 300)
            model.partial_fit(X_train[chunk], y_train[chunk], classes=[0, 1, 2])
    assert model.n_iter_ == 15 * 3
    assert model.score(X_test, y_test) > 0.8
    with pytest.raises(ValueError, match="not in the classes"):
        model.partial_fit(X_train[:5], np.array([0, 1, 2, 3, 3]))
    with pytest.raises(ValueError, match="3 classes"):
        model.partial_fit(X_train[:5], SoftTargets(logits=np.zeros((5, 2))))
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X_train[:5, :4], y_train[:5])
    # Soft targets stream in the same way.
    model.partial_fit(X_train[:50], SoftTargets(probabilities=np.full((50, 3), 1 / 3)))


def test_random_state_gives_identical_models(three_class):
    X_train, X_test, y_train, _ = three_class
    a = SoftMLPClassifier(random_state=3).fit(X_train, y_train)
    b = SoftMLPClassifier(random_state=3).fit(X_train, y_train)
    c = SoftMLPClassifier(random_state=4).fit(X_train, y_train)
    for wa, wb in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(wa, wb)
    np.testing.assert_array_equal(a.predict_proba(X_test), b.predict_proba(X_test))
    assert not np.array_equal(a.predict_proba(X_test), c.predict_proba(X_test))


def test_dataframe_with_categories_and_missing_values():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    n = 600
    colour = rng.choice(["red", "green", "blue"], size=n)
    size = rng.normal(size=n)
    y = np.where(colour == "red", 0, np.where(size > 0, 1, 2))
    size_seen = size.copy()
    size_seen[rng.rand(n) < 0.1] = np.nan
    X = pd.DataFrame(
        {
            "size": size_seen,
            "colour": pd.Series(colour, dtype="str"),
            "shade": pd.Categorical(rng.choice(["a", "b", None], size=n)),
            "noise": rng.normal(size=n),
        }
    )
    model = _quiet(SoftMLPClassifier(random_state=0), X[:450], y[:450])
    assert model.n_features_in_ == 4
    assert list(model.feature_names_in_) == ["size", "colour", "shade", "noise"]
    assert model.score(X[450:], y[450:]) > 0.8
    with pytest.raises(ValueError, match="DataFrame"):
        model.predict(X.to_numpy()[:5])


def test_pickle_roundtrip_keeps_predictions(three_class):
    X_train, X_test, y_train, _ = three_class
    model = _quiet(SoftMLPClassifier(max_iter=10, random_state=0), X_train, y_train)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))
    # The loaded model can still train: its weights and optimizer state are live.
    loaded.partial_fit(X_train, y_train)
    model.partial_fit(X_train, y_train)
    np.testing.assert_array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))


def test_pickled_optimizer_keeps_its_moments_not_its_scratch_buffer(three_class):
    X_train, _, y_train, _ = three_class
    model = _quiet(SoftMLPClassifier(max_iter=2, random_state=0), X_train, y_train)
    n_bytes = sum(a.nbytes for a in (*model.coefs_, *model.intercepts_))
    # Adam's two moments (each the size of the weights), not the update's scratch buffer.
    assert len(pickle.dumps(model._optimizer)) < 2.2 * n_bytes
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded._optimizer._buffer.shape == model._optimizer._buffer.shape


# ---- errors ------------------------------------------------------------------------------


def test_invalid_soft_targets_are_rejected(three_class):
    X_train, _, _, _ = three_class
    n = len(X_train)
    model = SoftMLPClassifier(max_iter=2)
    negative = np.full((n, 3), 0.5)
    negative[:, 2] = 0.0
    negative[0] = [1.2, -0.2, 0.0]
    with pytest.raises(ValueError, match="probabilities in"):
        model.fit(X_train, negative)
    with pytest.raises(ValueError, match="sum to 1"):
        model.fit(X_train, np.full((n, 3), 0.5))
    logits = np.zeros((n, 3))
    logits[3, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.fit_soft(X_train, SoftTargets(logits=logits))
    with pytest.raises(ValueError, match="temperature"):
        model.fit_soft(X_train, SoftTargets(logits=np.zeros((n, 3)), temperature=0.0))
    with pytest.raises(ValueError, match="rows"):
        model.fit_soft(X_train, SoftTargets(logits=np.zeros((n - 1, 3))))
    with pytest.raises(TypeError, match="classification SoftTargets"):
        model.fit_soft(X_train, SoftTargets(values=np.zeros(n)))


def test_input_errors(three_class):
    X_train, X_test, y_train, _ = three_class
    model = _quiet(SoftMLPClassifier(max_iter=2, random_state=0), X_train, y_train)
    with pytest.raises(ValueError, match="has 9 features, but SoftMLPClassifier is expecting 10"):
        model.predict(X_test[:, :9])
    X_inf = X_train.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        SoftMLPClassifier().fit(X_inf, y_train)
    X_nan = X_train.copy()
    X_nan[::7, 2] = np.nan
    _quiet(SoftMLPClassifier(max_iter=2), X_nan, y_train).predict(X_nan)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        SoftMLPClassifier(hidden_layer_sizes=(8, 0)).fit(X_train, y_train)
    with pytest.raises(ValueError, match="n_samples=1"):
        SoftMLPClassifier().fit(X_train[:2], [0, 1], sample_weight=[1.0, 0.0])


# ---- regressor ---------------------------------------------------------------------------


def test_regressor_on_large_scale_target():
    X, y = make_regression(n_samples=1500, n_features=8, n_informative=6, noise=5.0, random_state=0)
    y = 1e5 * (y + 0.02 * y**2)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = _quiet(SoftMLPRegressor(batch_size=32, random_state=0), X_train, y_train)
    assert model.score(X_test, y_test) > 0.9  # a linear model reaches 0.06 here
    assert abs(model.target_scale_[0] / np.std(y_train) - 1) < 1e-9
    assert model.predict(X_test).shape == (len(y_test),)


def test_regressor_soft_targets_blend_and_multi_output():
    X, y = make_regression(n_samples=800, n_features=5, n_targets=2, random_state=0)
    teacher = y + 10 * np.sin(X[:, :2])
    y_hard = y.copy()
    y_hard[::3] = np.nan  # pseudo rows have no true target
    targets = SoftTargets(values=teacher, y=y_hard, alpha=0.5)
    model = _quiet(SoftMLPRegressor(random_state=0), X, targets, method="fit_soft")
    assert model.n_outputs_ == 2 and model.predict(X).shape == (800, 2)
    # The prediction sits between the teacher and the labels, nearer their mean.
    middle = (teacher + y) / 2
    pred = model.predict(X)
    assert np.mean((pred - middle) ** 2) < np.mean((pred - teacher) ** 2)
    with pytest.raises(ValueError, match="1 outputs but this model was fitted with 2"):
        model.partial_fit(X, y[:, 0])


def test_regressor_partial_fit_and_pickle():
    X, y = make_regression(n_samples=600, n_features=5, noise=1.0, random_state=1)
    model = SoftMLPRegressor(batch_size=32, random_state=0)
    for _ in range(10):
        model.partial_fit(X, 1e4 * y)
    assert model.score(X, 1e4 * y) > 0.9
    loaded = joblib.load(_dumped(model))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def _dumped(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return buffer


# ---- scikit-learn compatibility ----------------------------------------------------------

EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "stochastic mini-batch training: a weight of 2 and a duplicated row land in different "
        "batches, so the fits differ numerically (as for scikit-learn's MLP)"
    ),
}


def _expected_failures(estimator):
    return EXPECTED_FAILURES


@parametrize_with_checks(
    [
        SoftMLPClassifier(max_iter=100, learning_rate_init=0.01, random_state=0),
        SoftMLPRegressor(max_iter=100, learning_rate_init=0.01, random_state=0),
        SoftMLPClassifier(input_bins=8, max_iter=100, learning_rate_init=0.01, random_state=0),
        SoftMLPRegressor(input_bins=8, max_iter=100, learning_rate_init=0.01, random_state=0),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_the_step_schedule_lives_in_the_optimizer():
    adaptive = AdamOptimizer(3, np.float32, learning_rate_init=0.01, schedule="adaptive")
    assert [adaptive.lower_step() for _ in range(3)] == [True, True, False]
    assert adaptive.learning_rate == pytest.approx(0.01 / 25)
    assert not AdamOptimizer(3, np.float32, schedule="constant").lower_step()


def test_stopping_rule_counts_epochs_without_improvement():
    from skdistill.students._mlp import _StoppingRule

    rule = _StoppingRule(tol=0.1, n_iter_no_change=1)
    assert rule.update(1.0) and not rule.stalled
    assert rule.update(0.95) and not rule.stalled  # the best, but by less than tol
    assert not rule.update(0.99) and rule.stalled
    assert rule.best_loss == 0.95


def test_weights_replaced_by_hand_are_used_for_predictions():
    X = np.random.default_rng(0).normal(size=(200, 4))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = SoftMLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(X, y)
    model.predict_proba(X[:3])  # the float64 copies of the weights are in use
    model.coefs_[1] = np.zeros_like(model.coefs_[1])  # a new array in the same list
    model.intercepts_[1] = np.zeros_like(model.intercepts_[1])
    np.testing.assert_allclose(model.predict_proba(X[:3]), 0.5)


def test_piecewise_inputs():
    """``input_bins``: each encoded column becomes its pieces between training quantiles,
    standardised over the training rows; binary and constant columns give one piece; the
    network reads them in training and prediction alike (and in its chunked fit)."""
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.normal(size=400), rng.randint(0, 2, 400), np.full(400, 3.0)])
    y = (np.abs(X[:, 0]) > 0.7).astype(int)  # a step no linear function of x draws
    model = SoftMLPClassifier((8,), input_bins=4, random_state=0, max_iter=300).fit(X, y)
    columns, slope, offset, low, high = model.pieces_
    np.testing.assert_array_equal(columns, [0, 0, 0, 0, 1, 2])
    assert model.coefs_[0].shape == (6, 8)
    Z = model.preprocessor_.transform(X)
    P = np.clip(Z[:, columns] * slope + offset, low, high)
    # (fitted on the float32 rows training reads)
    np.testing.assert_allclose(P[:, :5].mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(P[:, :5].std(axis=0), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(P[:, 5], 0.0)  # the constant column
    # the pieces of x are monotone in x, each rising between its own two cuts
    order = np.argsort(X[:, 0])
    assert np.all(np.diff(P[order, :4], axis=0) >= -1e-12)
    assert model.score(X, y) > 0.95
    plain = SoftMLPClassifier((8,), random_state=0, max_iter=300).fit(X, y)
    assert plain.pieces_ is None and plain.coefs_[0].shape == (3, 8)
    # predictions read the pieces: changing them changes the answer
    before = model.predict_proba(X[:5])
    model.pieces_ = (columns, slope, offset + 1.0, low, high)
    assert not np.allclose(model.predict_proba(X[:5]), before)


def test_continuing_a_network_needs_its_architecture_unchanged(three_class):
    X_train, _, y_train, _ = three_class
    model = SoftMLPClassifier((8,), warm_start=True, max_iter=2, random_state=0)
    _quiet(model, X_train, y_train)
    _quiet(model.set_params(hidden_layer_sizes=8), X_train, y_train)  # the same one layer
    for change in ({"hidden_layer_sizes": (16,)}, {"input_bins": 4}):
        model.set_params(**{"hidden_layer_sizes": (8,), "input_bins": None, **change})
        with pytest.raises(ValueError, match="continue the fitted network"):
            model.fit(X_train, y_train)
        with pytest.raises(ValueError, match="continue the fitted network"):
            model.partial_fit(X_train, y_train)
    model.set_params(hidden_layer_sizes=(8,), input_bins=4, warm_start=False)
    _quiet(model, X_train, y_train)  # a new network
    model.set_params(input_bins=8, warm_start=True)
    with pytest.raises(ValueError, match="input_bins=4"):
        model.fit(X_train, y_train)
    _quiet(model.set_params(input_bins=4), X_train, y_train)
    # A model pickled before the fitted bins were kept: whether it has pieces still counts.
    del model._fitted_input_bins
    model.set_params(input_bins=None)
    with pytest.raises(ValueError, match="input_bins=some"):
        model.partial_fit(X_train, y_train)
    plain = _quiet(SoftMLPClassifier((8,), max_iter=2, random_state=0), X_train, y_train)
    del plain._fitted_input_bins, plain.pieces_  # pickled before pieces existed
    _quiet(plain, X_train, y_train, method="partial_fit")

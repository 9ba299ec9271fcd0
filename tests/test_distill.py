"""The distillers: teacher handling, parameters, the scikit-learn contract and bad input."""

import re
import warnings

import joblib
import numpy as np
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import make_classification, make_regression
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.samplers import GaussianNoise
from skdistill.students import SoftLogisticRegression, SoftTreeClassifier
from skdistill.students._base import SoftClassifierMixin


class RecordingStudent(SoftClassifierMixin, BaseEstimator):
    """Remembers what the distiller handed over; predicts the mean teacher probabilities."""

    _parameter_constraints = {"random_state": ["random_state"]}

    def __init__(self, random_state=None):
        self.random_state = random_state

    def _fit_soft(self, X, targets, sample_weight=None):
        self.X_, self.targets_, self.sample_weight_ = X, targets, sample_weight
        self.classes_ = targets.class_labels
        self.mean_proba_ = targets.proba(1.0).mean(axis=0)
        return self

    def predict_proba(self, X):
        return np.tile(self.mean_proba_, (len(X), 1))


class CountingLogisticRegression(LogisticRegression):
    """A teacher that counts calls to fit, across clones."""

    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


class RaisingFitLGBM(LGBMClassifier):
    """A LightGBM teacher whose fit always raises (and its clones' too); build it with
    :func:`fitted_raising_lgbm`."""

    def fit(self, X, y, **kwargs):
        raise AssertionError("the teacher was refit")


def fitted_raising_lgbm(X, y):
    teacher = RaisingFitLGBM(n_estimators=20, verbose=-1)
    LGBMClassifier.fit(teacher, X, y)
    return teacher


@pytest.fixture(scope="module")
def binary_data():
    X, y = make_classification(n_samples=400, n_features=6, n_informative=4, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def multiclass_data():
    X, y = make_classification(
        n_samples=450, n_features=6, n_informative=4, n_classes=3, random_state=1
    )
    return X, np.array(["ant", "bee", "cat"])[y]


@pytest.fixture(scope="module")
def lgbm_teacher(multiclass_data):
    X, y = multiclass_data
    return LGBMClassifier(n_estimators=30, num_leaves=7, verbose=-1).fit(X, y)


def fast_distiller(teacher, **params):
    params = {"student": SoftTreeClassifier(max_depth=4), "n_samples": 1.0, **params}
    return DistilledClassifier(teacher, random_state=0, **params)


# ----------------------------------------------------------------------------------------
# a fitted teacher is never refit


def test_fitted_teacher_is_never_refit_by_grid_search_cv_and_pipelines(binary_data):
    X, y = binary_data
    teacher = CountingLogisticRegression().fit(X, y)
    CountingLogisticRegression.fits = 0
    model = fast_distiller(teacher)
    search = GridSearchCV(model, {"temperature": [1.0, 2.0, 4.0]}, cv=3).fit(X, y)
    assert search.best_estimator_.teacher_ is teacher
    cross_val_score(model, X, y, cv=3)
    make_pipeline(StandardScaler(with_mean=False, with_std=False), model).fit(X, y)
    assert CountingLogisticRegression.fits == 0


def test_clone_keeps_the_same_fitted_teacher(lgbm_teacher, multiclass_data):
    model = fast_distiller(lgbm_teacher)
    assert clone(model).teacher is lgbm_teacher
    X, y = multiclass_data
    assert clone(model).fit(X, y).teacher_ is lgbm_teacher


def test_lightgbm_teacher_whose_fit_raises_survives_grid_search(multiclass_data):
    X, y = multiclass_data
    teacher = fitted_raising_lgbm(X, y)
    search = GridSearchCV(fast_distiller(teacher), {"temperature": [1.0, 3.0]}, cv=2)
    search.fit(X, y)
    assert set(search.best_estimator_.classes_) == {"ant", "bee", "cat"}
    assert cross_val_score(fast_distiller(teacher), X, y, cv=2).min() > 0.5
    make_pipeline(StandardScaler(with_mean=False, with_std=False), fast_distiller(teacher)).fit(
        X, y
    )
    with pytest.raises(AssertionError, match="refit"):
        clone(teacher).fit(X, y)  # the guard is live: a refit would fail the test


def test_frozen_estimator_teacher(lgbm_teacher, multiclass_data):
    X, y = multiclass_data
    model = fast_distiller(FrozenEstimator(lgbm_teacher)).fit(X, y)
    assert model.score(X, y) > 0.6
    np.testing.assert_array_equal(model.classes_, lgbm_teacher.classes_)


def test_unfitted_teacher_is_fitted_on_a_clone(binary_data):
    X, y = binary_data
    teacher = LogisticRegression()
    model = fast_distiller(teacher).fit(X, y)
    assert not hasattr(teacher, "coef_"), "the user's object must stay untouched"
    assert hasattr(model.teacher_, "coef_")
    assert model.fit_times_["teacher_fit"] > 0


def test_unfitted_teacher_needs_y(binary_data):
    X, _ = binary_data
    with pytest.raises(ValueError, match="not fitted.*Pass y"):
        fast_distiller(LogisticRegression()).fit(X)


def test_out_of_fold_outputs_for_the_real_rows(binary_data):
    X, y = binary_data
    model = fast_distiller(
        DecisionTreeClassifier(random_state=0),
        student=RecordingStudent(),
        teacher_cv=3,
        sampler=None,
    ).fit(X, y)
    # An unpruned tree is certain on its own training rows; out of fold it is often wrong.
    in_sample = model.teacher_.predict_proba(X).max(axis=1)
    assert np.all(in_sample == 1.0)
    agreement = np.mean(model.student_.targets_.proba(1.0).argmax(1) == y)
    assert agreement < 0.99
    with pytest.raises(ValueError, match="only to an unfitted teacher"):
        fast_distiller(model.teacher_, teacher_cv=3).fit(X, y)


def test_fit_without_labels(lgbm_teacher, multiclass_data):
    X, y = multiclass_data
    model = fast_distiller(lgbm_teacher).fit(X)
    assert model.score(X, lgbm_teacher.predict(X)) > 0.8


# ----------------------------------------------------------------------------------------
# parameters


def test_targets_follow_the_design(lgbm_teacher, multiclass_data):
    X, y = multiclass_data
    model = fast_distiller(
        lgbm_teacher, student=RecordingStudent(), temperature=3.0, alpha=0.25, n_samples=50
    ).fit(X, y)
    targets = model.student_.targets_
    assert targets.temperature == 3.0 and targets.alpha == 0.25
    assert model.n_transfer_samples_ == len(X) + 50
    np.testing.assert_allclose(
        targets.logits[: len(X)], lgbm_teacher.predict(X, raw_score=True), atol=1e-9
    )
    # true labels on the real rows, "no label" on the pseudo rows
    np.testing.assert_array_equal(model.classes_[targets.y[: len(X)]], y)
    assert np.all(targets.y[len(X) :] == -1)


def test_binary_margin_becomes_zero_and_margin(binary_data):
    X, y = binary_data
    teacher = LGBMClassifier(n_estimators=20, verbose=-1).fit(X, y)
    model = fast_distiller(teacher, student=RecordingStudent(), sampler=None).fit(X)
    logits = model.student_.targets_.logits
    np.testing.assert_allclose(logits[:, 0], 0.0)
    np.testing.assert_allclose(logits[:, 1], teacher.predict(X, raw_score=True), atol=1e-9)


@pytest.mark.parametrize(("n_samples", "expected"), [(0, 400), (120, 520), (2.5, 1400)])
def test_n_samples_int_is_a_count_float_a_multiple(binary_data, n_samples, expected):
    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    model = fast_distiller(teacher, student=RecordingStudent(), n_samples=n_samples).fit(X, y)
    assert model.n_transfer_samples_ == expected


def test_include_original_false_trains_on_pseudo_rows_only(binary_data):
    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    model = fast_distiller(
        teacher, student=RecordingStudent(), include_original=False, n_samples=100
    ).fit(X, y)
    assert model.n_transfer_samples_ == 100
    assert model.student_.targets_.y is None
    with pytest.raises(ValueError, match="transfer set is empty"):
        fast_distiller(teacher, include_original=False, sampler=None).fit(X, y)


def test_any_object_with_fit_and_sample_is_a_sampler(binary_data):
    from sklearn.mixture import GaussianMixture
    from sklearn.neighbors import KernelDensity

    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    for sampler in (GaussianMixture(n_components=2, random_state=0), KernelDensity()):
        model = fast_distiller(teacher, sampler=sampler, n_samples=200).fit(X, y)
        assert model.n_transfer_samples_ == 600


class PlainSampler:
    """A user's sampler with fit and sample(n) only: no get_params, so not clonable by sklearn."""

    def __init__(self, extra_rows=0):
        self.extra_rows = extra_rows

    def fit(self, X):
        self.X_ = X
        return self

    def sample(self, n):
        rows = np.resize(np.arange(len(self.X_)), n + self.extra_rows)
        return np.asarray(self.X_)[rows] + 0.01


@pytest.mark.parametrize("as_frame", [False, True])
def test_a_plain_object_is_a_sampler(binary_data, as_frame):
    import pandas as pd

    X, y = binary_data
    if as_frame:
        X = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    teacher = LogisticRegression().fit(X, y)
    model = fast_distiller(teacher, student=RecordingStudent(), sampler=PlainSampler()).fit(X, y)
    assert model.n_transfer_samples_ == 2 * len(X)
    assert type(model.student_.X_) is type(X)
    np.testing.assert_allclose(np.asarray(model.student_.X_)[len(X) :], np.asarray(X) + 0.01)
    with pytest.raises(ValueError, match="must return exactly n_samples rows"):
        fast_distiller(teacher, sampler=PlainSampler(extra_rows=3)).fit(X, y)

    class WrongWidth(PlainSampler):
        def sample(self, n):
            return super().sample(n)[:, :-1]

    with pytest.raises(ValueError, match="shape .* but X has 6 columns"):
        fast_distiller(teacher, sampler=WrongWidth()).fit(X, y)


def test_pseudo_rows_are_labeled_as_they_are_drawn(binary_data, monkeypatch):
    """Each chunk is labeled before the next is drawn: the chunks are never all held at once."""
    from skdistill import _distill, _labeling

    X, y = binary_data
    events = []
    original_outputs = _labeling._chunk_outputs

    def spy_outputs(adapter, X_chunk, *args):
        events.append("label")
        return original_outputs(adapter, X_chunk, *args)

    class LoggingSampler(PlainSampler):
        def sample(self, n):
            events.append("draw")
            return super().sample(n)

    monkeypatch.setattr(_labeling, "_chunk_outputs", spy_outputs)
    monkeypatch.setattr(_distill, "CHUNK_ROWS", 300)
    teacher = LogisticRegression().fit(X, y)
    model = fast_distiller(
        teacher, student=RecordingStudent(), sampler=LoggingSampler(), n_samples=1000
    )
    model.fit(X, y)
    # the real rows, then four chunks of pseudo rows (300, 300, 300, 100), each labeled at once
    assert events == ["label"] + ["draw", "label"] * 4
    direct = LogisticRegression().fit(X, y).decision_function(np.asarray(model.student_.X_))
    np.testing.assert_allclose(model.student_.targets_.logits[:, 1], direct)


def test_labeling_runs_in_chunks_of_batch_size(binary_data, monkeypatch):
    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    model = fast_distiller(teacher, student=RecordingStudent(), n_samples=1000, batch_size=64)
    seen = []
    from skdistill import _labeling

    original = _labeling._chunk_outputs

    def spy(adapter, X_chunk, *args):
        seen.append(len(X_chunk))
        return original(adapter, X_chunk, *args)

    monkeypatch.setattr(_labeling, "_chunk_outputs", spy)
    model.fit(X, y)
    assert max(seen) == 64 and sum(seen) == 1400
    reference = fast_distiller(teacher, student=RecordingStudent(), n_samples=1000).fit(X, y)
    np.testing.assert_allclose(model.student_.targets_.logits, reference.student_.targets_.logits)


def test_parallel_labeling_matches_sequential(binary_data):
    X, y = binary_data
    teacher = LGBMClassifier(n_estimators=20, verbose=-1, n_jobs=1).fit(X, y)
    kwargs = {"student": RecordingStudent(), "n_samples": 2000, "batch_size": 500}
    one = fast_distiller(teacher, **kwargs).fit(X, y)
    two = fast_distiller(teacher, n_jobs=2, **kwargs).fit(X, y)
    np.testing.assert_array_equal(one.student_.targets_.logits, two.student_.targets_.logits)


def test_labeling_under_a_dask_backend(binary_data):
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_config

    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    kwargs = {"student": RecordingStudent(), "n_samples": 600, "batch_size": 250}
    reference = fast_distiller(teacher, **kwargs).fit(X, y)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2):
        with parallel_config(backend="dask"):
            model = fast_distiller(teacher, n_jobs=2, **kwargs).fit(X, y)
    np.testing.assert_allclose(model.student_.targets_.logits, reference.student_.targets_.logits)


def test_sample_weight_is_forwarded_to_the_student(binary_data):
    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    weights = np.linspace(0.5, 1.5, len(X))
    model = fast_distiller(teacher, student=RecordingStudent(), n_samples=100)
    model.fit(X, y, sample_weight=weights)
    forwarded = model.student_.sample_weight_
    np.testing.assert_allclose(forwarded[: len(X)], weights)
    np.testing.assert_allclose(forwarded[len(X) :], weights.mean())


def test_sample_weight_with_a_student_that_takes_none_is_an_error(binary_data):
    from sklearn.neighbors import KNeighborsRegressor

    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    model = fast_distiller(teacher, student=KNeighborsRegressor(), n_samples=10)
    model.fit(X, y)  # fine without weights
    with pytest.raises((TypeError, ValueError), match="sample_weight"):
        model.fit(X, y, sample_weight=np.ones(len(X)))


# ----------------------------------------------------------------------------------------
# the scikit-learn contract beyond the estimator checks


def test_same_random_state_gives_bit_identical_predictions(lgbm_teacher, multiclass_data):
    X, y = multiclass_data
    probas = [
        DistilledClassifier(
            lgbm_teacher, student=SoftLogisticRegression(), n_samples=2.0, random_state=7
        )
        .fit(X, y)
        .predict_proba(X)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*probas)


def test_joblib_round_trip_gives_identical_predictions(lgbm_teacher, multiclass_data, tmp_path):
    X, y = multiclass_data
    model = fast_distiller(lgbm_teacher).fit(X, y)
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_dataframes_with_categorical_columns(multiclass_data):
    pd = pytest.importorskip("pandas")
    X, y = multiclass_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame["colour"] = pd.Categorical(np.array(["red", "green", "blue"])[np.arange(len(X)) % 3])
    frame.loc[::7, "f0"] = np.nan
    teacher = LGBMClassifier(n_estimators=20, verbose=-1).fit(frame, y)
    model = fast_distiller(teacher, n_samples=2.0).fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, frame.columns)
    assert model.score(frame, y) > 0.6
    with pytest.raises(ValueError, match="feature names"):
        model.predict(frame[frame.columns[::-1]])


def test_regressor_distils_a_lightgbm_teacher():
    X, y = make_regression(n_samples=500, n_features=5, noise=5.0, random_state=0)
    y = y * 1000 + 5e4  # large targets: the student must cope
    teacher = LGBMRegressor(n_estimators=50, verbose=-1).fit(X, y)
    model = DistilledRegressor(teacher, n_samples=3.0, random_state=0).fit(X)
    assert model.score(X, teacher.predict(X)) > 0.8
    # The default sizes the student: a tenth of the rows is held out to score the ladder.
    assert model.n_transfer_samples_ == 450 * 4
    assert model.payoff_ is None  # no labels given: nothing to compare with


def test_regressor_hard_targets_and_alpha():
    X, y = make_regression(n_samples=200, n_features=4, random_state=0)
    teacher = Ridge().fit(X, y)
    model = DistilledRegressor(
        teacher, student=Ridge(), alpha=0.5, n_samples=50, random_state=0
    ).fit(X, y)
    assert model.score(X, y) > 0.9


# ----------------------------------------------------------------------------------------
# bad input


def test_nan_accepted_when_teacher_handles_it(binary_data):
    X, y = binary_data
    X = X.copy()
    X[::5, 0] = np.nan
    teacher = LGBMClassifier(n_estimators=20, verbose=-1).fit(X, y)
    model = fast_distiller(teacher).fit(X, y)
    assert model.predict(X).shape == (len(X),)
    # ... but not when the student refuses NaN: a clear error before any labeling
    with pytest.raises(ValueError, match="student Ridge does not"):
        fast_distiller(teacher, student=Ridge()).fit(X, y)
    imputing = make_pipeline(SimpleImputer(add_indicator=True), Ridge())
    assert fast_distiller(teacher, student=imputing).fit(X, y).score(X, y) > 0.7


def test_nan_rejected_when_teacher_does_not_handle_it(binary_data):
    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    X = X.copy()
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="X contains NaN.*impute"):
        fast_distiller(teacher).fit(X, y)
    X[3, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        fast_distiller(teacher).fit(X, y)


def test_wrong_number_of_features(lgbm_teacher, multiclass_data):
    X, y = multiclass_data
    model = fast_distiller(lgbm_teacher).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :4])
    with pytest.raises(ValueError, match="teacher was fitted on 6"):
        fast_distiller(lgbm_teacher).fit(X[:, :4], y)


def test_teacher_without_a_usable_output_method(binary_data):
    X, y = binary_data

    class Useless:
        def transform(self, X):
            return X

    with pytest.raises(TypeError, match="predict"):
        fast_distiller(Useless()).fit(X, y)


def test_plain_callable_must_say_what_it_returns(binary_data):
    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="response_method"):
        fast_distiller(teacher.predict_proba).fit(X, y)
    model = fast_distiller(teacher.predict_proba, response_method="predict_proba").fit(X, y)
    np.testing.assert_array_equal(model.classes_, [0, 1])


def test_unknown_labels_single_class_and_empty_input(lgbm_teacher, multiclass_data):
    X, y = multiclass_data
    bad = y.copy()
    bad[0] = "dog"
    with pytest.raises(ValueError, match=re.escape("labels the teacher does not know: ['dog']")):
        fast_distiller(lgbm_teacher).fit(X, bad)
    with pytest.raises(ValueError, match="single class"):
        fast_distiller(lgbm_teacher).fit(X, np.full(len(X), "ant"))
    with pytest.raises(ValueError, match="0 sample|empty"):
        fast_distiller(lgbm_teacher).fit(X[:0], y[:0])


@pytest.mark.parametrize(
    "params",
    [
        {"temperature": 0.0},
        {"temperature": -1.0},
        {"alpha": 1.5},
        {"n_samples": -1},
        {"sampler": "nonsense"},
        {"batch_size": 0},
        {"student": "mlp"},
        {"response_method": "logits"},
        {"n_jobs": 0},
    ],
)
def test_invalid_parameters(lgbm_teacher, multiclass_data, params):
    X, y = multiclass_data
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=f"'{next(iter(params))}' parameter"):
        fast_distiller(lgbm_teacher, **params).fit(X, y)


def test_classifier_teacher_in_a_regressor_is_an_error(binary_data):
    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="regress"):
        DistilledRegressor(teacher).fit(X, y)


def test_gaussian_noise_sampler_with_dataframe_output(multiclass_data):
    pd = pytest.importorskip("pandas")
    X, y = multiclass_data
    frame = pd.DataFrame(X, columns=list("abcdef"))
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(frame, y)
    model = fast_distiller(
        teacher, sampler=GaussianNoise(), student=RecordingStudent(), n_samples=30
    ).fit(frame, y)
    assert list(model.student_.X_.columns) == list("abcdef")
    assert len(model.student_.X_) == len(frame) + 30


def test_hard_label_student_without_predict_proba(binary_data):
    from sklearn.svm import LinearSVC

    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    with pytest.warns(UserWarning, match="hard labels only"):
        model = fast_distiller(teacher, student=LinearSVC()).fit(X, y)
    assert not hasattr(model, "predict_proba") and not hasattr(model, "predict_log_proba")
    assert np.mean(model.predict(X) == teacher.predict(X)) > 0.9
    np.testing.assert_array_equal(model.predict(X), model.student_.predict(X))


def test_the_default_sampler_and_alpha_depend_on_the_student(binary_data):
    from skdistill.samplers import MUNGE, Smear
    from skdistill.students import SoftGBMClassifier

    X, y = binary_data
    teacher = LogisticRegression().fit(X, y)
    expected = [
        (None, Smear, 2 * (len(X) - len(X) // 10)),  # the ladder holds out a tenth
        (SoftTreeClassifier(max_depth=3), MUNGE, 2 * len(X)),
        (SoftGBMClassifier(n_estimators=3), type(None), len(X)),
        (SoftLogisticRegression(), type(None), len(X)),
        (Ridge(), Smear, 2 * len(X)),
    ]
    for student, sampler_class, n_transfer in expected:
        model = DistilledClassifier(teacher, student=student, n_samples=1.0, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the MLP's convergence on a tiny problem
            model.fit(X, y)
        assert type(model.sampler_) is sampler_class, student
        assert model.n_transfer_samples_ == n_transfer
        assert model._alpha(student) == (0.3 if isinstance(student, SoftGBMClassifier) else 0.0)
    targets = fast_distiller(
        teacher, student=RecordingStudent(), alpha="default", sampler=None
    ).fit(X, y)
    assert targets.student_.targets_.alpha == 0.0
    with pytest.raises(ValueError, match="transfer set is empty"):
        fast_distiller(teacher, student=SoftLogisticRegression(), include_original=False).fit(X, y)


def test_a_sampler_returning_a_dataframe_for_numpy_input(binary_data):
    import pandas as pd

    X, y = binary_data

    class FrameSampler(PlainSampler):
        def sample(self, n):
            return pd.DataFrame(super().sample(n))

    teacher = LogisticRegression().fit(X, y)
    model = fast_distiller(teacher, student=RecordingStudent(), sampler=FrameSampler()).fit(X, y)
    assert isinstance(model.student_.X_, np.ndarray)
    np.testing.assert_array_equal(model.student_.X_[: len(X)], X)  # real rows kept, in order
    np.testing.assert_allclose(model.student_.X_[len(X) :], X + 0.01)


def test_predict_proba_follows_the_unfitted_student():
    from sklearn.svm import LinearSVC

    teacher = LogisticRegression().fit(*make_classification(random_state=0))
    assert hasattr(DistilledClassifier(teacher), "predict_proba")  # the default MLP ladder
    assert hasattr(DistilledClassifier(teacher, student=Ridge()), "predict_proba")  # logits
    assert not hasattr(DistilledClassifier(teacher, student=LinearSVC()), "predict_proba")
    ladder = DistilledClassifier(teacher, student=[Ridge(), LinearSVC()])
    assert not hasattr(ladder, "predict_log_proba")


def test_only_the_classifier_has_a_temperature():
    teacher = Ridge().fit(*make_regression(random_state=0))
    assert "temperature" not in DistilledRegressor(teacher).get_params()
    with pytest.raises(TypeError, match="temperature"):
        DistilledRegressor(teacher, temperature=2.0)
    assert DistilledClassifier(teacher).get_params()["temperature"] == 1.0

"""What the distillers refuse or report rather than answering wrongly (issue 12)."""

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from skdistill import DistilledClassifier, DistilledRegressor, TransferSet
from skdistill.students import SoftTreeClassifier


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def lgbm(binary):
    X, y = binary
    return LGBMClassifier(n_estimators=10, verbose=-1, n_jobs=1).fit(X, y)


def tree_distiller(teacher, **kwargs):
    kwargs = {"student": SoftTreeClassifier(max_depth=3), "n_samples": 1.0, **kwargs}
    return DistilledClassifier(teacher, random_state=0, **kwargs)


# -- item 3: temperature ----------------------------------------------------------------------


@pytest.mark.parametrize("temperature", [0.01, 0.5, 0.999, float("inf")])
def test_temperature_below_one_or_infinite_is_refused(binary, lgbm, temperature):
    X, y = binary
    with pytest.raises(InvalidParameterError, match="temperature"):
        tree_distiller(lgbm, temperature=temperature).fit(X, y)


@pytest.mark.parametrize("temperature", [1, 1.0, 4.0])
def test_temperature_from_one_up_is_accepted(binary, lgbm, temperature):
    X, y = binary
    assert tree_distiller(lgbm, temperature=temperature).fit(X, y).score(X, y) > 0.8


# -- item 6: teachers that are neither classifiers nor regressors -----------------------------


@pytest.mark.parametrize(
    "distiller, teacher",
    [
        (DistilledClassifier, IsolationForest(n_estimators=5, random_state=0)),
        (DistilledRegressor, IsolationForest(n_estimators=5, random_state=0)),
        (DistilledClassifier, KMeans(n_clusters=2, n_init=1, random_state=0)),
        (DistilledRegressor, KMeans(n_clusters=2, n_init=1, random_state=0)),
    ],
)
def test_outlier_detectors_and_clusterers_are_refused(distiller, teacher):
    X, y = make_regression(n_samples=100, n_features=4, random_state=0)
    teacher = teacher.fit(X)
    with pytest.raises(TypeError, match=r"not a (classifier|regressor)"):
        distiller(teacher, n_samples=1.0).fit(X)


# -- item 1: a DataFrame's columns are the teacher's, in its order -----------------------------


def fast_regressor(teacher, **kwargs):
    from sklearn.tree import DecisionTreeRegressor

    kwargs = {"student": DecisionTreeRegressor(max_depth=3), "n_samples": 0.5, **kwargs}
    return DistilledRegressor(teacher, random_state=0, **kwargs)


def _frame(n=200, seed=0):
    pd = pytest.importorskip("pandas")
    X, y = make_regression(n_samples=n, n_features=4, random_state=seed)
    return pd.DataFrame(X, columns=["med inc", "age", "rooms", "lat"]), y


def _teachers(X, y):
    import lightgbm as lgb
    import xgboost as xgb
    from sklearn.base import clone
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    Xx = X.rename(columns=lambda c: c.replace(" ", "_"))  # XGBoost refuses spaces
    gbm = lgb.LGBMRegressor(n_estimators=5, verbose=-1)
    return {
        "lgbm": (clone(gbm).fit(X, y), X),
        "booster": (lgb.train({"verbose": -1}, lgb.Dataset(X, y), 5), X),
        "lgbm pipeline": (make_pipeline(clone(gbm)).fit(X, y), X),
        "xgb": (xgb.XGBRegressor(n_estimators=5).fit(Xx, y), Xx),
        "xgb booster": (xgb.train({}, xgb.DMatrix(Xx, y), 5), Xx),
        "sklearn": (Ridge().fit(X, y), X),
        "pipeline": (make_pipeline(StandardScaler(), Ridge()).fit(X, y), X),
    }


TEACHER_KINDS = ["lgbm", "booster", "lgbm pipeline", "xgb", "xgb booster", "sklearn", "pipeline"]


@pytest.mark.parametrize("kind", TEACHER_KINDS)
def test_reordered_columns_are_refused_at_fit(kind):
    X, y = _frame()
    teacher, X = _teachers(X, y)[kind]
    reversed_ = X[X.columns[::-1]]
    model = fast_regressor(teacher)
    with pytest.raises(ValueError, match=r"another order: column 0 of X is 'lat'") as info:
        model.fit(reversed_, y)
    assert f"X = X[{list(X.columns)!r}]" in str(info.value)
    model.fit(X, y)  # the teacher's order works
    with pytest.raises(ValueError, match="another order|same order"):
        model.predict(reversed_)


@pytest.mark.parametrize("kind", ["lgbm", "booster", "xgb", "sklearn"])
def test_unknown_columns_are_refused(kind):
    X, y = _frame()
    teacher, X = _teachers(X, y)[kind]
    renamed = X.rename(columns={X.columns[2]: "other"})
    message = r"names are not the teacher's: column 2 of X is 'other'.*missing"
    with pytest.raises(ValueError, match=message):
        fast_regressor(teacher).fit(renamed, y)


def test_numpy_fitted_lightgbm_takes_any_columns():
    # LightGBM names a numpy array's columns Column_0, ...: those are not names to check.
    import lightgbm as lgb

    X, y = _frame()
    teacher = lgb.LGBMRegressor(n_estimators=5, verbose=-1).fit(X.to_numpy(), y)
    booster = lgb.train({"verbose": -1}, lgb.Dataset(X.to_numpy(), y), 5)
    for t in (teacher, booster):
        fast_regressor(t).fit(X, y).predict(X)
        fast_regressor(t).fit(X.to_numpy(), y)


# -- item 4: teacher__* parameters -----------------------------------------------------------


def test_fitted_teacher_params_cannot_be_set_and_the_teacher_is_never_mutated(binary, lgbm):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    X, y = binary
    before = lgbm.get_params()
    model = tree_distiller(lgbm)
    assert clone(model).teacher is lgbm  # a fitted teacher is shared, never refit
    with pytest.raises(ValueError, match=r"teacher__num_leaves.*fitted.*pass an unfitted"):
        model.set_params(teacher__num_leaves=2)
    search = GridSearchCV(model, {"teacher__num_leaves": [2, 31]}, cv=2)
    with pytest.raises(ValueError, match="never refit"):
        search.fit(X, y)
    assert lgbm.get_params() == before
    model.set_params(n_samples=2.0, teacher=lgbm)  # other parameters are fine


def test_unfitted_teacher_params_are_searched_on_clones(binary):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV
    from sklearn.utils.validation import check_is_fitted

    X, y = binary
    teacher = LGBMClassifier(n_estimators=10, verbose=-1, n_jobs=1)
    before = teacher.get_params()
    model = tree_distiller(teacher, sampler=None)
    assert clone(model).teacher is not teacher
    search = GridSearchCV(
        model, {"teacher__num_leaves": [2, 31], "teacher__n_estimators": [1, 30]}, cv=2
    )
    search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(set(np.round(scores, 6))) > 1  # the candidates differ
    assert search.best_estimator_.teacher_.get_params()["num_leaves"] in (2, 31)
    assert teacher.get_params() == before  # the user's object is unchanged, and unfitted
    with pytest.raises(Exception, match="not fitted|Need to call fit"):
        check_is_fitted(teacher)


# -- item 2: a failed or interrupted fit changes nothing --------------------------------------


class SwitchableTeacher:
    """Predicts like ``model`` until ``fail_after`` more calls, then raises ``exc``."""

    def __init__(self, model):
        self.model, self.exc, self.fail_after, self.calls = model, None, 0, 0

    def __call__(self, X):
        self.calls += 1
        if self.exc is not None:
            if self.fail_after <= 0:
                raise self.exc
            self.fail_after -= 1
        return self.model.predict_proba(X)


def switchable(binary):
    from sklearn.linear_model import LogisticRegression

    from skdistill.teachers import CallableTeacher

    X, y = binary
    switch = SwitchableTeacher(LogisticRegression().fit(X, y))
    teacher = CallableTeacher(switch, response_method="predict_proba", classes=[0, 1])
    return switch, tree_distiller(teacher, batch_size=50)


def fitted_state(model):
    return {k: v for k, v in vars(model).items() if k.endswith("_")}


@pytest.mark.parametrize("exc", [RuntimeError("teacher down"), KeyboardInterrupt()])
def test_failed_refit_leaves_the_previous_model(binary, exc):
    X, y = binary
    switch, model = switchable(binary)
    model.fit(X, y)
    before, proba = fitted_state(model), model.predict_proba(X)
    switch.exc, switch.fail_after = exc, 3  # fails while labeling the pseudo rows
    with pytest.raises(type(exc)):
        model.set_params(n_samples=2.0).fit(X[:150], y[:150])
    after = fitted_state(model)
    assert after.keys() == before.keys()
    assert all(after[k] is before[k] for k in before)
    np.testing.assert_array_equal(model.predict_proba(X), proba)


@pytest.mark.parametrize("exc", [RuntimeError("teacher down"), KeyboardInterrupt()])
def test_failed_first_fit_leaves_the_model_unfitted(binary, exc):
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    X, y = binary
    switch, model = switchable(binary)
    switch.exc, switch.fail_after = exc, 2
    with pytest.raises(type(exc)):
        model.fit(X, y)
    assert fitted_state(model) == {}
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


# -- item 7: what can fail after labeling fails before it --------------------------------------


def test_a_transfer_set_too_large_for_memory_fails_before_labeling(binary):
    from skdistill._checks import available_memory

    pd = pytest.importorskip("pandas")
    if available_memory() is None:
        pytest.skip("this system does not say how much memory is available")
    X, y = binary
    switch, model = switchable(binary)
    model.set_params(n_samples=10**12, store=None)  # held whole in memory
    for data in (X, pd.DataFrame(X, columns=list("abcde"))):
        with pytest.raises(MemoryError, match=r"1,000,000,000,200 rows .* Lower n_samples"):
            model.fit(data, y)
    # store="auto" (the default) puts it on disk, where it does not fit either.
    with pytest.raises(OSError, match="needs about .* GB on disk"):
        model.set_params(store="auto").fit(X, y)
    # A chunked store in memory is compact (float32: 5 features + 2 outputs), but still checked.
    with pytest.raises(MemoryError, match=r"of about 28 bytes each"):
        model.set_params(store="memory").fit(X, y)
    assert switch.calls == 0


def test_memory_error_names_the_numbers():
    from skdistill._checks import check_memory

    X = np.zeros((1000, 10))
    check_memory(X, n_real=1000, n_pseudo=9000, n_outputs=2, available=10**6)  # 960 kB fits
    message = (
        r"10,001 rows \(1,000 real \+ 9,001 pseudo\) of about 96 bytes each .*: 937\.6 KB, "
        r"but only 937\.5 KB .* Lower n_samples: n_samples=4000 "
    )
    with pytest.raises(MemoryError, match=message):
        check_memory(X, n_real=1000, n_pseudo=9001, n_outputs=2, available=960_000)


def _refusing_students(binary):
    from sklearn.linear_model import Ridge
    from sklearn.neighbors import KNeighborsClassifier

    pd = pytest.importorskip("pandas")
    X, y = binary
    frame = pd.DataFrame(X, columns=list("abcde")).assign(s=np.where(y == 1, "u", "v"))
    negative = np.ones(len(X))
    negative[77] = -1.0
    return [  # (student, X, sample_weight, error)
        (None, X, negative, "Negative values"),
        (SoftTreeClassifier(), X, negative, "Negative values"),
        (Ridge(), frame, None, "could not convert string"),
        (KNeighborsClassifier(), X, np.ones(len(X)), "does not accept it"),
    ]


@pytest.mark.parametrize("case", range(4))
def test_a_student_that_refuses_the_input_fails_before_labeling(binary, case):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from skdistill.teachers import CallableTeacher

    student, data, weights, error = _refusing_students(binary)[case]
    y = binary[1]
    model = make_column_transformer((OneHotEncoder(), ["s"]), remainder="passthrough")
    model = (
        make_pipeline(model, LogisticRegression())
        if hasattr(data, "columns")
        else (LogisticRegression())
    )
    switch = SwitchableTeacher(model.fit(data, y))
    teacher = CallableTeacher(switch, response_method="predict_proba", classes=[0, 1])
    distiller = DistilledClassifier(teacher, student=student, n_samples=1.0)
    with pytest.raises((ValueError, TypeError), match=error) as info:
        distiller.fit(data, y, sample_weight=weights)
    assert switch.calls == 0
    if hasattr(info.value, "__notes__"):
        assert "before the teacher labeled anything" in info.value.__notes__[0]


# -- item 8: alpha with nothing to act on ----------------------------------------------------


@pytest.mark.parametrize("with_y, include_original", [(False, True), (True, False)])
def test_explicit_alpha_without_labelled_rows_warns(binary, lgbm, with_y, include_original):
    X, y = binary
    model = tree_distiller(lgbm, alpha=0.5, include_original=include_original)
    why = "without y" if not with_y else "include_original=False"
    with pytest.warns(UserWarning, match=f"alpha=0.5 has no effect: .*{why}") as caught:
        model.fit(X, y if with_y else None)
    assert caught[0].filename == __file__  # it points at the caller's fit
    # The same from a prebuilt transfer set.
    transfer = TransferSet.build(lgbm, X, y if with_y else None, n_samples=1.0)
    model = tree_distiller(lgbm, alpha=0.5, include_original=include_original)
    with pytest.warns(UserWarning, match=f"alpha=0.5 has no effect: .*{why}") as caught:
        model.fit(transfer)
    assert caught[0].filename == __file__


def test_default_or_zero_alpha_does_not_warn(binary, lgbm):
    import warnings

    from skdistill.students import SoftGBMClassifier

    X, y = binary
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree_distiller(lgbm, alpha=0.0).fit(X)
        # alpha="default" is 0.3 for a GBM student: no warning without y either.
        DistilledClassifier(lgbm, student=SoftGBMClassifier(n_estimators=3, n_jobs=1)).fit(X)
        tree_distiller(lgbm, alpha=0.5).fit(X, y)


def test_a_y_of_several_columns_is_refused_with_the_way_to_distil_them():
    from sklearn.datasets import make_regression
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.tree import DecisionTreeRegressor

    X, Y = make_regression(n_samples=200, n_features=5, n_targets=2, random_state=0)
    teacher = RandomForestRegressor(n_estimators=5, random_state=0).fit(X, Y)
    model = DistilledRegressor(teacher, student=DecisionTreeRegressor(max_depth=4), n_samples=1.0)
    with pytest.raises(ValueError, match="y has 2 columns.*fit\\(X\\) without y"):
        model.fit(X, Y)
    assert model.fit(X).predict(X[:3]).shape == (3, 2)


def test_missing_labels_are_refused_by_name():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    labels = np.where(y == 1, "yes", "no").astype(object)
    teacher = LogisticRegression().fit(X, labels)
    for missing in (None, np.nan):
        with_missing = labels.copy()
        with_missing[[3, 7]] = missing
        with pytest.raises(ValueError, match="y has 2 missing labels.*rows \\[3, 7\\]"):
            DistilledClassifier(teacher, n_samples=1.0).fit(X, with_missing)
    numbers = LogisticRegression().fit(X, y.astype(float))
    with pytest.raises(ValueError, match="y has 1 missing labels"):
        DistilledClassifier(numbers, n_samples=1.0).fit(X, np.where(np.arange(200) == 5, np.nan, y))

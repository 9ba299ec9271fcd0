"""The shared validation layer and the fast predict path: same answers, same errors."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from student_helpers import mixed_table

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill._validation import (
    check_dense_table,
    check_table,
    is_dataframe,
    is_missing,
    numeric_values,
)
from skdistill.deploy import export_predictor
from skdistill.deploy._runtime import _is_missing as runtime_is_missing
from skdistill.samplers._schema import _is_missing as sampler_missing_mask
from skdistill.students import (
    SoftGBMClassifier,
    SoftLogisticRegression,
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftTreeClassifier,
    SoftTreeRegressor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

STUDENTS = [
    lambda: SoftMLPClassifier((8,), max_iter=5, random_state=0),
    lambda: SoftTreeClassifier(max_depth=4, random_state=0),
    lambda: SoftLogisticRegression(),
    lambda: SoftGBMClassifier(n_estimators=5, random_state=0, n_jobs=1),
]


@pytest.fixture(scope="module")
def mixed():
    """A table with numbers, NaN, a category column and a string column with missing values."""
    X = mixed_table(200)
    y = ((X["a"] > 0) ^ (X["c"] == "x")).astype(int).to_numpy()
    return X, y


@pytest.mark.parametrize("make", STUDENTS)
def test_one_row_path_matches_batch_path(mixed, make):
    """Each row alone (the cell-by-cell path) gives what it gives in a batch (the columnar
    path), NaN, missing and unseen categories included."""
    X, y = mixed
    student = make().fit(X, y)
    rows = X.iloc[:12].copy()
    rows["d"] = rows["d"].astype(object)
    rows.iloc[3, rows.columns.get_loc("d")] = "never seen"
    batch = student.predict_proba(rows)
    single = np.vstack([student.predict_proba(rows.iloc[[i]]) for i in range(len(rows))])
    np.testing.assert_allclose(single, batch, rtol=1e-12, atol=1e-12)


def test_one_row_path_reads_pandas_nullable_values(mixed):
    X, y = mixed
    student = SoftMLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    row = X.iloc[[0]].astype({"e": "Int64", "d": "string"})
    row.iloc[0, row.columns.get_loc("e")] = pd.NA
    row.iloc[0, row.columns.get_loc("d")] = pd.NA
    plain = X.iloc[[0]].copy()
    plain["e"] = np.nan
    plain["d"] = None
    np.testing.assert_allclose(student.predict_proba(row), student.predict_proba(plain))


MISSING_CELLS = [None, np.nan, np.float32("nan"), pd.NA, pd.NaT, np.datetime64("NaT")]
MISSING_CELLS += [np.timedelta64("NaT"), Decimal("NaN"), complex("nan")]
PRESENT_CELLS = ["x", 0, 0.5, np.float32(1.0), np.datetime64("2020-01-01"), True, np.inf]


def test_one_notion_of_a_missing_cell():
    """The one-row paths, the predictor's copy and the samplers' mask agree with pandas.isna
    on every kind of missing cell (a numpy float32 NaN or NaT in an object column too)."""
    cells = MISSING_CELLS + PRESENT_CELLS
    expected = [bool(pd.isna(c)) for c in cells]
    assert expected == [True] * len(MISSING_CELLS) + [False] * len(PRESENT_CELLS)
    assert [is_missing(c) for c in cells] == expected
    assert [runtime_is_missing(c) for c in cells] == expected
    assert sampler_missing_mask(np.array(cells, dtype=object)).tolist() == expected


def test_every_kind_of_missing_category_is_missing_one_row_at_a_time(mixed):
    """A missing cell of any kind in an object column is encoded as missing, alone (student
    and predictor, as a one-row DataFrame or a dict) as in a batch."""
    X, y = mixed
    student = SoftMLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    rows = X.iloc[: len(MISSING_CELLS)].copy()
    rows["d"] = pd.Series(MISSING_CELLS, index=rows.index, dtype=object)
    plain = rows.assign(d=None)
    batch = student.predict_proba(rows)
    np.testing.assert_allclose(batch, student.predict_proba(plain), rtol=1e-12)
    single = np.vstack([student.predict_proba(rows.iloc[[i]]) for i in range(len(rows))])
    np.testing.assert_allclose(single, batch, rtol=1e-12)
    predictor = export_predictor(student)
    alone = [predictor.predict_proba(rows.iloc[[i]]) for i in range(len(rows))]
    as_dicts = [predictor.predict_proba(row) for row in rows.to_dict("records")]
    np.testing.assert_allclose(np.vstack(alone), batch, rtol=1e-12)
    np.testing.assert_allclose(np.vstack(as_dicts), batch, rtol=1e-12)


@pytest.mark.parametrize("make", STUDENTS)
def test_fast_path_keeps_the_errors(mixed, make):
    X, y = mixed
    student = make()
    with pytest.raises(NotFittedError):
        student.predict_proba(X.iloc[:1])
    student.fit(X, y)
    with pytest.raises(ValueError, match="feature names"):
        student.predict_proba(X.iloc[:1, ::-1])
    with pytest.raises(ValueError, match="pass a DataFrame"):
        student.predict_proba(X.iloc[:1].to_numpy())
    wrong = X.iloc[:1].astype({"a": object})
    wrong.iloc[0, 0] = "text"
    with pytest.raises(ValueError, match="'a'"):
        student.predict_proba(wrong)
    # A string or categorical column given as numbers (its codes, say): not unseen values.
    for column, numbers in (("c", X["c"].cat.codes), ("d", np.arange(len(X)))):
        for rows in (X.iloc[:1], X.iloc[:40]):
            coded = rows.assign(**{column: numbers[: len(rows)]})
            with pytest.raises(ValueError, match=f"Column '{column}' held strings in fit"):
                student.predict_proba(coded)
        with pytest.raises(ValueError, match=f"Column '{column}' held strings in fit"):
            student.predict_proba(X.iloc[:3].assign(**{column: pd.Categorical([0, 1, 2])}))
    # Infinity in a frame, mixed or numeric only, one row or many: the array's error.
    for frame in (X, X[["a", "e"]]):
        if frame is not X:
            student = make().fit(frame, y)
        for rows in (frame.iloc[:1].copy(), frame.iloc[:3].copy()):
            rows.iloc[0, 0] = -np.inf
            with pytest.raises(ValueError, match="infinity"):
                student.predict_proba(rows)


def test_numpy_fast_path_checks_count_dtype_and_infinity():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(100, 3)), rng.randint(0, 2, 100)
    student = SoftMLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="3 features"):
        student.predict_proba(X[:1, :2])
    with pytest.raises(ValueError, match="infinity"):
        student.predict_proba(np.array([[np.inf, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="could not convert"):
        student.predict_proba(np.array([["a", "b", "c"]], dtype=object))
    # NaN is imputed; integers and lists are numbers too.
    assert np.isfinite(student.predict_proba(np.array([[np.nan, 0.0, 1.0]]))).all()
    np.testing.assert_allclose(
        student.predict_proba(np.array([[1, 2, 3]])), student.predict_proba([[1.0, 2.0, 3.0]])
    )
    with pytest.warns(UserWarning, match="feature names"):
        student.predict_proba(pd.DataFrame(X[:1], columns=["a", "b", "c"]))


@pytest.mark.parametrize("make", STUDENTS)
def test_distiller_skips_only_the_second_check(mixed, make):
    """The distiller checks X once and calls the student's checked path: same numbers as the
    student's public predict_proba, same errors as before."""
    X, y = mixed
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(X.astype({"d": "category"}), y)
    model = DistilledClassifier(teacher, student=make(), sampler=None, random_state=0)
    X_cat = X.astype({"d": "category"})
    model.fit(X_cat, y)
    np.testing.assert_array_equal(
        model.predict_proba(X_cat.iloc[:5]), model.student_.predict_proba(X_cat.iloc[:5])
    )
    np.testing.assert_array_equal(
        model.predict_proba(X_cat.iloc[[2]]), model.student_.predict_proba(X_cat.iloc[[2]])
    )
    bad = X_cat.iloc[[0]].copy()
    bad.iloc[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        model.predict(bad)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X_cat.iloc[:1, ::-1])


@pytest.mark.parametrize("make", STUDENTS)
@pytest.mark.parametrize("numeric_only", [False, True])
def test_distiller_lends_a_rows_cells_for_one_call_only(mixed, make, numeric_only):
    """The numeric cells the distiller reads from a one-row frame reach its student in that
    call, and only in it: a frame changed in place between calls is read again."""
    X, y = mixed
    X = X[["a", "b", "e"]] if numeric_only else X.astype({"d": "category"})
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(X, y)
    model = DistilledClassifier(teacher, student=make(), sampler=None, random_state=0).fit(X, y)
    row = X.iloc[[1]].copy()
    before = model.predict_proba(row)
    np.testing.assert_array_equal(before, model.student_.predict_proba(row))
    moved = None
    for value in (-3.0, 3.0):  # one of them moves the prediction
        row.iloc[0, 0] = value  # in place: the same frame object
        moved = model.predict_proba(row)
        np.testing.assert_array_equal(moved, model.predict_proba(row.copy()))
        if not np.array_equal(moved, before):
            break
    assert not np.array_equal(moved, before)
    assert numeric_values(row, [0]).flags.writeable  # nothing lent outside a call


def test_distiller_nan_rule_on_the_fast_path():
    """A teacher that refuses NaN: the one-row and batch paths refuse it too."""
    from sklearn.linear_model import LogisticRegression, Ridge

    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    y = (X["a"] > 0).astype(int)
    model = DistilledClassifier(
        LogisticRegression().fit(X, y), student=SoftTreeClassifier(), sampler=None
    ).fit(X, y)
    row = X.iloc[[0]].copy()
    row.iloc[0, 1] = np.nan
    for bad in (row, row.to_numpy(), pd.concat([row, X.iloc[:3]])):
        with pytest.raises(ValueError, match="NaN"):
            model.predict(bad) if is_dataframe(bad) else model.predict(
                pd.DataFrame(bad, columns=X.columns)
            )
    regressor = DistilledRegressor(
        Ridge().fit(X.to_numpy(), X["a"]), student=SoftTreeRegressor(), sampler=None
    ).fit(X.to_numpy())
    with pytest.raises(ValueError, match="NaN"):
        regressor.predict(row.to_numpy())
    assert regressor.predict(X.to_numpy()[:1]).shape == (1,)


def test_regressor_students_checked_path():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(100, 3)), rng.normal(size=100)
    for student in (SoftMLPRegressor((8,), max_iter=5, random_state=0), SoftTreeRegressor()):
        student.fit(X, y)
        np.testing.assert_array_equal(student.predict(X[:1]), student._predict_checked(X[:1]))
        assert student.predict(X[:1]).shape == (1,)


def test_check_table_and_dense_table():
    class Est(BaseEstimator):
        pass

    est = Est()
    X = np.arange(6.0).reshape(3, 2)
    assert check_table(est, X.astype(int), reset=True).dtype == np.float64
    assert est.n_features_in_ == 2
    assert check_table(est, X.astype(int), reset=True, keep_dtype=True).dtype.kind == "i"
    with pytest.raises(ValueError, match="2 features"):
        check_table(est, np.ones((1, 3)), reset=False)
    with pytest.raises(ValueError, match="2-D"):
        check_dense_table(np.ones(3))
    with pytest.raises(ValueError, match="at least one row"):
        check_dense_table(np.ones((0, 2)))
    frame = pd.DataFrame({"a": [1.0, np.nan], "b": pd.array([1, pd.NA], dtype="Int64")})
    np.testing.assert_array_equal(numeric_values(frame.iloc[[1]], [0, 1]), [[np.nan, np.nan]])


def test_multiindex_and_interval_column_names_are_read_as_they_are():
    from skdistill._validation import column_names

    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {("a", "x"): rng.normal(size=60), ("a", "c"): pd.Categorical(rng.choice(["u", "v"], 60))}
    )
    y = (X[("a", "x")] > 0).astype(int)
    assert column_names(X) == (("a", "x"), ("a", "c"))
    model = SoftLogisticRegression().fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X.iloc[:1]), model.predict_proba(X)[:1])
    intervals = pd.DataFrame(np.zeros((1, 2)), columns=pd.IntervalIndex.from_breaks([0, 1, 2]))
    assert column_names(intervals) == tuple(intervals.columns)


def test_an_all_missing_categorical_column_encodes_as_missing():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=60), "c": pd.Categorical(rng.choice(["u", "v"], 60))})
    y = (X["x"] > 0).astype(int)
    model = SoftLogisticRegression().fit(X, y)
    empty = X.assign(c=pd.Categorical([None] * 60))  # a dtype with no categories at all
    as_object = X.assign(c=pd.Series([None] * 60, dtype=object))
    np.testing.assert_allclose(model.predict_proba(empty), model.predict_proba(as_object))

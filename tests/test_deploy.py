"""The numpy-only predictor: same answers as the student and the distiller, same input checks."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from student_helpers import EXPORTABLE_CLASSIFIERS, EXPORTABLE_REGRESSORS, mixed_table

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.deploy import Predictor, export_predictor, load
from skdistill.deploy._runtime import (
    _fold_pieces,
    _fold_scaling,
    _softmax_logits,
    _softmax_row,
)
from skdistill.students import (
    LogitRegressorStudent,
    SoftGBMClassifier,
    SoftGBMRegressor,
    SoftLogisticRegression,
    SoftMLPClassifier,
    SoftTreeClassifier,
    SoftTreeRegressor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

CLASSIFIERS = EXPORTABLE_CLASSIFIERS
REGRESSORS = EXPORTABLE_REGRESSORS


@pytest.fixture(scope="module")
def mixed():
    X = mixed_table(300)
    y = ((X["a"] > 0).astype(int) + (X["c"] == "x")).to_numpy()
    return X, y


def _rows(X):
    """Test rows with an unseen category and values outside the training range."""
    rows = X.iloc[:20].copy()
    rows["d"] = rows["d"].astype(object)
    rows.iloc[0, rows.columns.get_loc("d")] = "unseen"
    rows.iloc[1, 0] = 50.0
    rows.iloc[3, 0] = np.nan  # NaN where fit saw none (LightGBM reads it as 0)
    return rows


@pytest.mark.parametrize("make", CLASSIFIERS)
@pytest.mark.parametrize("table", ["numpy", "frame"])
def test_classifier_predictor_matches_student(mixed, make, table, tmp_path):
    X, y = mixed
    if table == "numpy":
        X = X[["a", "b", "e"]].to_numpy()
        rows = X[:20].copy()
        rows[1, 0] = 50.0
    else:
        rows = _rows(X)
    student = make().fit(X, y)
    predictor = export_predictor(student)
    expected = student.predict_proba(rows)
    np.testing.assert_allclose(predictor.predict_proba(rows), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(predictor.predict(rows), student.predict(rows))
    predictor.save(tmp_path / "model.npz")
    loaded = load(tmp_path / "model.npz")
    np.testing.assert_allclose(loaded.predict_proba(rows), expected, rtol=1e-12, atol=1e-15)
    if table == "frame":  # one row at a time, as a DataFrame and as a dict
        rows.iloc[2, rows.columns.get_loc("c")] = None  # a missing category
        expected = student.predict_proba(rows)
        for i in range(len(rows)):
            one = rows.iloc[[i]]
            np.testing.assert_allclose(loaded.predict_proba(one), expected[[i]], rtol=1e-12)
            as_dict = {k: v[0] for k, v in one.to_dict("list").items()}
            np.testing.assert_allclose(loaded.predict_proba(as_dict), expected[[i]], rtol=1e-12)


@pytest.mark.parametrize("make", REGRESSORS)
def test_regressor_predictor_matches_student(mixed, make, tmp_path):
    X, _ = mixed
    y = X["a"].to_numpy() * 3 + (X["c"] == "y")
    student = make().fit(X, y)
    predictor = export_predictor(student)
    rows = _rows(X)
    np.testing.assert_allclose(predictor.predict(rows), student.predict(rows), rtol=1e-12)
    predictor.save(tmp_path / "model.npz")
    assert load(tmp_path / "model.npz").predict(rows).shape == (len(rows),)


@pytest.mark.parametrize("backend", ["lightgbm", "xgboost"])
@pytest.mark.parametrize("task", ["binary", "multiclass", "regression", "two outputs"])
def test_gbm_predictor_matches_student(mixed, backend, task, tmp_path):
    """The ensemble kernel routes NaN, categories (unseen ones too) and thresholds like the
    library: LightGBM to float64 rounding, XGBoost (float32 sums) to float32 rounding."""
    X, y = mixed
    params = dict(n_estimators=15, min_child_samples=5, backend=backend, n_jobs=1, random_state=0)
    if task in ("binary", "multiclass"):
        student = SoftGBMClassifier(**params).fit(X, y % 2 if task == "binary" else y)
        answer = student.predict_proba
    else:
        target = X["a"].to_numpy() * 3 + (X["c"] == "y") + np.nan_to_num(X["b"])
        target = target if task == "regression" else np.column_stack([target, -target])
        student = SoftGBMRegressor(**params).fit(X, target)
        answer = student.predict
    predictor = export_predictor(student)
    assert len(predictor.arrays["gbm_cat_member"]) > 0  # categorical splits are exercised
    rows = _rows(X)
    rows.iloc[2, rows.columns.get_loc("c")] = None  # a missing category
    tolerance = {"rtol": 1e-12, "atol": 1e-14} if backend == "lightgbm" else {"atol": 1e-5}
    method = predictor.predict_proba if task in ("binary", "multiclass") else predictor.predict
    batch = method(rows)
    np.testing.assert_allclose(batch, answer(rows), **tolerance)
    # one row at a time takes the scalar walk: the same leaves as the batch kernel
    walked = np.concatenate([method(rows.iloc[[i]]) for i in range(len(rows))])
    np.testing.assert_allclose(walked, batch, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(predictor.predict(rows).shape, student.predict(rows).shape)
    predictor.save(tmp_path / "gbm.npz")
    loaded = load(tmp_path / "gbm.npz")
    one = {k: v[0] for k, v in rows.iloc[[2]].to_dict("list").items()}
    np.testing.assert_allclose(loaded.predict(one), student.predict(rows.iloc[[2]]), **tolerance)


@pytest.mark.parametrize("make", [SoftLogisticRegression, SoftTreeClassifier])
def test_batch_encoding_of_pandas_dtypes(mixed, make):
    """Categories read from pandas' string (with pd.NA), category and object columns, with
    missing and unseen values, encode as the student encodes them."""
    X, y = mixed
    rows = _rows(X)
    rows["c"] = rows["c"].cat.add_categories(["w"])
    rows.iloc[3, rows.columns.get_loc("c")] = np.nan
    rows.iloc[4, rows.columns.get_loc("c")] = "w"  # a category the student never saw
    strings = rows.astype({"d": "string"})
    strings.iloc[5, strings.columns.get_loc("d")] = pd.NA
    student = make().fit(X, y)
    predictor = export_predictor(student)
    for table in (rows, strings):
        np.testing.assert_array_equal(
            predictor.encode(table), student.preprocessor_.transform(table)
        )
        np.testing.assert_allclose(predictor.predict_proba(table), student.predict_proba(table))


def test_distiller_predictor_and_sizes(mixed, tmp_path):
    X, y = mixed
    X = X.astype({"d": "category"})
    teacher = LGBMClassifier(n_estimators=20, verbose=-1).fit(X, y)
    model = DistilledClassifier(
        teacher, student=SoftMLPClassifier((64, 64), max_iter=5), n_samples=1.0, random_state=0
    ).fit(X, y)
    predictor = export_predictor(model)
    np.testing.assert_allclose(predictor.predict_proba(X), model.predict_proba(X), rtol=1e-12)
    np.testing.assert_array_equal(predictor.predict(X), model.predict(X))
    # one-row frames read categorical cells by their codes; "d" had missing values in fit
    picked = [*np.flatnonzero(X["d"].isna())[:3], *range(3)]
    for i in picked:
        one = X.iloc[[i]]
        expected = model.predict_proba(one)
        np.testing.assert_allclose(predictor.predict_proba(one), expected, rtol=1e-12)
    predictor.save(tmp_path / "mlp.npz")
    assert (tmp_path / "mlp.npz").stat().st_size < 200_000
    regressor = DistilledRegressor(
        LGBMRegressor(n_estimators=10, verbose=-1).fit(X, y),
        student=SoftTreeRegressor(max_depth=8),
        sampler=None,
    ).fit(X)
    predictor = export_predictor(regressor)
    np.testing.assert_allclose(predictor.predict(X), regressor.predict(X), rtol=1e-12)
    predictor.save(tmp_path / "tree.npz")
    assert (tmp_path / "tree.npz").stat().st_size < 100_000


@pytest.mark.parametrize(
    "student",
    [
        SoftMLPClassifier(activation="tanh", max_iter=20, random_state=0),
        SoftMLPClassifier(hidden_layer_sizes=(8, 8, 8), max_iter=20, random_state=0),
        SoftMLPClassifier(input_bins=4, max_iter=20, random_state=0),
        SoftLogisticRegression(),
    ],
    ids=["mlp-tanh", "mlp-3-layers", "mlp-pieces", "linear"],
)
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("columns", ["centred", "a year", "a constant"])
def test_one_row_kernel_matches_the_batch(mixed, student, n_classes, columns):
    """The one-row kernel of networks and linear models carries the biases inside its
    products (a constant input, an extra unit per hidden layer) and folds the scaling into
    the first layer where the numbers are clipped, unless cancellation would cost more than
    a few bits (a column like a year: far from zero, narrow spread): the batch's answers
    either way."""
    X, y = mixed
    X = X[["a", "b", "e"]].to_numpy()
    if columns == "a year":
        X[:, 1] = 2000.0 + np.round(5 * X[:, 1])
    elif columns == "a constant":
        X[:, 1] = 3.0
    student.fit(X, y % n_classes)
    predictor = export_predictor(student)
    assert predictor._row_proba is not None  # the kernel, not the general path
    if hasattr(predictor, "_layers"):
        W, b = predictor._layers[0]
    else:
        W, b = predictor.arrays["coef"].T, predictor.arrays["intercept"]
    pieces = getattr(predictor, "_pieces", None)
    if pieces is None:
        folded = _fold_scaling(predictor._stats, predictor._template, W, b)
    else:  # the pieces read the raw row, its scaling folded into them
        folded = _fold_pieces(predictor._stats, predictor._template, pieces, W, b)
    clipped = predictor.meta["encoder"]["clip"]  # unbounded numbers are never folded
    assert (folded is None) == (columns == "a year" or not clipped)
    rows = X[:30]
    one_at_a_time = np.concatenate([predictor.predict_proba(rows[[i]]) for i in range(30)])
    np.testing.assert_allclose(one_at_a_time, predictor.predict_proba(rows), rtol=1e-12)
    np.testing.assert_allclose(one_at_a_time, student.predict_proba(rows), rtol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 7, 300])
def test_one_row_softmax_unshifted_where_safe(n_classes):
    """The one-row softmax skips the shift by the largest logit only where every exp is a
    normal float64 and the sum cannot overflow; logits beyond [-700, 600] (or at its edges)
    give the shifted softmax's probabilities all the same."""
    rng = np.random.default_rng(0)
    rows = [rng.normal(scale=s, size=n_classes) for s in (0.1, 5.0, 50.0, 200.0)]
    rows += [r + shift for r in rows[:3] for shift in (-690.0, 590.0, 800.0, -900.0)]
    rows += [np.r_[600.0, -700.0, np.zeros(n_classes - 2)], np.full(n_classes, -720.0)]
    for logits in rows:
        expected = _softmax_row(logits.tolist())
        got = _softmax_logits(logits.copy())
        assert got.shape == (1, n_classes)
        # atol: a probability below 1e-300 may round differently (subnormal)
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("make", CLASSIFIERS + REGRESSORS)
@pytest.mark.filterwarnings("ignore:overflow encountered in cast")  # trees compare in float32
def test_one_row_at_a_time_matches_the_batch(mixed, make):
    """A single array row takes the predictor's one-row path (no NaN or infinity) or the
    batch path (NaN imputed, overflow in its finiteness test): the batch's answers either way."""
    X, y = mixed
    X = X[["a", "b", "e"]].to_numpy()
    student = make().fit(X, y if hasattr(make(), "predict_proba") else X[:, 0])
    rows = X[:12].copy()
    rows[1, 0] = np.nan  # imputed, with its missing indicator
    rows[2, :] = 1e308  # finite and huge
    rows[3, 2] = -50.0  # clipped to the training range
    predictor = export_predictor(student)
    method = "predict_proba" if hasattr(student, "predict_proba") else "predict"
    batch = getattr(predictor, method)(rows)
    one_at_a_time = np.concatenate([getattr(predictor, method)(rows[[i]]) for i in range(12)])
    np.testing.assert_allclose(one_at_a_time, batch, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(batch, getattr(student, method)(rows), rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="infinity"):
        getattr(predictor, method)(np.array([[0.0, np.inf, 1.0]]))


def test_predictor_refuses_nan_one_row_at_a_time_when_the_teacher_does():
    X = np.random.default_rng(0).normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int)
    teacher = LogisticRegression().fit(X, y)  # refuses NaN
    model = DistilledClassifier(teacher, student=SoftLogisticRegression(), sampler=None)
    predictor = export_predictor(model.fit(X, y))
    assert predictor.meta["allow_nan"] is False
    with pytest.raises(ValueError, match="NaN"):
        predictor.predict(np.array([[np.nan, 0.0, 0.0]]))


def test_predictor_input_errors(mixed):
    X, y = mixed
    predictor = export_predictor(SoftTreeClassifier(max_depth=3).fit(X, y))
    with pytest.raises(ValueError, match="columns differ"):
        predictor.predict(X.iloc[:2, ::-1])
    with pytest.raises(ValueError, match="pass a DataFrame"):
        predictor.predict(np.zeros((1, 5)))
    with pytest.raises(ValueError, match=r"missing \['e'\]"):
        predictor.predict({"a": 1.0, "b": 2.0, "c": "x", "d": "p"})
    numeric = export_predictor(SoftLogisticRegression().fit(X[["a", "e"]].to_numpy(), y))
    with pytest.raises(ValueError, match="2 features"):
        numeric.predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="infinity"):
        numeric.predict(np.array([[np.inf, 0.0]]))
    with pytest.raises(AttributeError, match="regressor"):
        export_predictor(SoftTreeRegressor().fit(X, X["a"])).predict_proba(X)


def test_export_errors(mixed):
    X, y = mixed
    with pytest.raises(NotFittedError):
        export_predictor(SoftMLPClassifier())
    with pytest.raises(NotFittedError):
        export_predictor(DistilledClassifier(LGBMClassifier()))
    with pytest.raises(NotFittedError):
        export_predictor(SoftGBMRegressor())
    adapter = LogitRegressorStudent(Ridge()).fit(X[["a", "e"]], y)
    with pytest.raises(TypeError, match="LogitRegressorStudent.*ONNX"):
        export_predictor(adapter)


def test_runtime_imports_numpy_alone(tmp_path):
    """The predictor's module runs where only numpy is installed."""
    runtime = Path(__file__).parents[1] / "skdistill" / "deploy" / "_runtime.py"
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('runtime', {str(runtime)!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('sklearn', 'scipy', 'pandas', 'lightgbm', 'skdistill', 'joblib')]\n"
        "assert not heavy, heavy\n"
        "print(module.Predictor.__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == Predictor.__name__


def test_numbers_in_a_column_of_string_categories_are_refused(mixed):
    """Codes of a categorical column, or numbers in a string column: the student's error,
    not unseen categories."""
    X, y = mixed
    student = SoftMLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    predictor = export_predictor(student)
    for column, numbers in (("c", X["c"].cat.codes), ("d", pd.Series(np.arange(len(X))))):
        for rows in (X.iloc[:1], X.iloc[:40]):
            coded = rows.assign(**{column: numbers[: len(rows)].to_numpy()})
            with pytest.raises(ValueError, match=f"Column '{column}' held strings in fit"):
                predictor.predict_proba(coded)
        row = X.iloc[0].to_dict()
        row[column] = 1
        with pytest.raises(ValueError, match=f"Column '{column}' held strings in fit"):
            predictor.predict_proba(row)
        categorical = X.iloc[:3].assign(**{column: pd.Categorical([0, 1, 2])})
        with pytest.raises(ValueError, match=f"Column '{column}' held strings in fit"):
            predictor.predict_proba(categorical)
    # Missing values in those columns are still missing, not numbers.
    blank = X.iloc[:2].assign(c=np.nan, d=np.nan)
    np.testing.assert_allclose(predictor.predict_proba(blank), student.predict_proba(blank))

"""ONNX export: the exported graphs run in onnxruntime and give the estimators' answers."""

import numpy as np
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import NearestCentroid
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from student_helpers import EXPORTABLE_CLASSIFIERS, EXPORTABLE_REGRESSORS, mixed_table

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.students import (
    HardLabelStudent,
    LogitRegressorStudent,
    SoftGBMClassifier,
    SoftGBMRegressor,
    SoftLogisticRegression,
    SoftMLPClassifier,
    SoftTreeRegressor,
)

ort = pytest.importorskip("onnxruntime")  # in the test extra: CI runs these for real
skl2onnx = pytest.importorskip("skl2onnx")
from skdistill.onnx import to_feeds, to_onnx  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

CLASSIFIERS = EXPORTABLE_CLASSIFIERS
REGRESSORS = EXPORTABLE_REGRESSORS


@pytest.fixture(scope="module")
def mixed():
    """Numbers with NaN, a category column and a string column with missing values."""
    X = mixed_table(300, nan_column="b-with-dash")
    y = ((X["a"] > 0).astype(int) + (X["c"] == "x")).to_numpy()
    return X, y


def _test_rows(X):
    rows = X.iloc[:40].copy()
    if "d" in rows.columns:
        rows["d"] = rows["d"].astype(object)
        rows.iloc[0, rows.columns.get_loc("d")] = "unseen"
    rows.iloc[1, 0] = 50.0  # outside the training range: clipped by the MLP
    rows.iloc[3, 0] = np.nan  # NaN where fit saw none (LightGBM reads it as 0)
    return rows


def _run(onx, feeds):
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


@pytest.mark.parametrize("make", CLASSIFIERS)
@pytest.mark.parametrize("table", ["numpy", "frame"])
def test_students_run_in_onnxruntime(mixed, make, table):
    X, y = mixed
    if table == "numpy":
        X = X[["a", "b-with-dash", "e"]]
    student = make().fit(X, y)
    rows = _test_rows(X)
    label, proba = _run(to_onnx(student, X), to_feeds(student, rows))
    np.testing.assert_allclose(proba, student.predict_proba(rows), atol=1e-5)
    assert (label == student.predict(rows)).mean() > 0.95  # ties may break otherwise
    if table == "numpy":  # skl2onnx's own entry point, on an array
        values = rows.to_numpy()
        student.fit(X.to_numpy(), y)
        onx = skl2onnx.to_onnx(student, values[:1].astype(np.float32), options={"zipmap": False})
        _, proba = _run(onx, {"X": values.astype(np.float32)})
        np.testing.assert_allclose(proba, student.predict_proba(values), atol=1e-5)


@pytest.mark.parametrize("make", REGRESSORS)
def test_regressors_run_in_onnxruntime(mixed, make):
    X, _ = mixed
    y = X["a"].to_numpy() * 3 + (X["c"] == "y")
    student = make().fit(X, y)
    rows = _test_rows(X)
    (values,) = _run(to_onnx(student, X), to_feeds(student, rows))
    np.testing.assert_allclose(values.ravel(), student.predict(rows), rtol=1e-4, atol=1e-4)


def test_distillers_and_pipelines_convert(mixed):
    X, y = mixed
    X = X.astype({"d": "category"})
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(X, y)
    model = DistilledClassifier(
        teacher, student=SoftMLPClassifier((8,), max_iter=5), n_samples=1.0, random_state=0
    ).fit(X, y)
    label, proba = _run(to_onnx(model, X), to_feeds(model, X))
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-5)
    assert label.dtype == np.int64

    numbers = X[["a", "e"]].to_numpy()
    pipe = make_pipeline(
        StandardScaler(),
        DistilledRegressor(
            LGBMRegressor(n_estimators=10, verbose=-1).fit(numbers, y),
            student=SoftTreeRegressor(max_depth=4),
            sampler=None,
        ),
    ).fit(numbers)
    onx = skl2onnx.to_onnx(pipe, numbers[:1].astype(np.float32))
    (values,) = _run(onx, {"X": numbers.astype(np.float32)})
    np.testing.assert_allclose(values.ravel(), pipe.predict(numbers), rtol=1e-4, atol=1e-4)

    linear = DistilledClassifier(
        teacher, student=SoftLogisticRegression(), sampler=None, random_state=0
    ).fit(X, y)
    onx = to_onnx(linear, X, options={"zipmap": True})  # a list of {class: probability}
    label, maps = _run(onx, to_feeds(linear, X.iloc[:3]))
    np.testing.assert_allclose(
        [maps[0][c] for c in linear.classes_], linear.predict_proba(X.iloc[:1])[0], atol=1e-5
    )


@pytest.mark.parametrize("n_classes", [2, 3])
def test_gbm_distiller_in_a_pipeline(mixed, n_classes):
    """The booster's raw margins, the init score and T are in the graph: a GBM student
    distilled at T=3 (custom multiclass objective) converts inside a Pipeline."""
    X, y = mixed
    numbers = X[["a", "b-with-dash", "e"]].to_numpy()
    y = y % n_classes
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(numbers, y)
    distiller = DistilledClassifier(
        teacher,
        student=SoftGBMClassifier(n_estimators=10, min_child_samples=5, n_jobs=1),
        temperature=3.0,
        sampler=None,
        random_state=0,
    )
    pipe = make_pipeline(StandardScaler(), distiller).fit(numbers, y)
    assert pipe[-1].student_.temperature_ == 3.0
    onx = skl2onnx.to_onnx(pipe, numbers[:1].astype(np.float32), options={"zipmap": False})
    label, proba = _run(onx, {"X": numbers.astype(np.float32)})
    np.testing.assert_allclose(proba, pipe.predict_proba(numbers), atol=1e-5)
    assert (label == pipe.predict(numbers)).mean() > 0.99


@pytest.mark.filterwarnings("ignore:.*takes hard labels only")
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "student",
    [
        make_pipeline(StandardScaler(), Ridge()),
        DecisionTreeRegressor(max_depth=3),
        LinearSVR(),  # one output: a MultiOutputRegressor for three classes
        DecisionTreeClassifier(max_depth=3),
        make_pipeline(StandardScaler(), LogisticRegression()),
    ],
    ids=["scaled-ridge", "tree-regressor", "linear-svr", "tree-classifier", "scaled-logistic"],
)
def test_adapters_convert_through_the_wrapped_estimator(mixed, student, n_classes):
    X, y = mixed
    numbers = X[["a", "e"]].to_numpy()
    y = y % n_classes
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(numbers, y)
    model = DistilledClassifier(teacher, student=student, sampler=None, random_state=0)
    model.fit(numbers, y)
    feeds = {"X": numbers.astype(np.float32)}
    label, proba = _run(to_onnx(model, numbers), feeds)
    np.testing.assert_allclose(proba, model.predict_proba(numbers), atol=1e-5)
    assert (label == model.predict(numbers)).mean() > 0.99
    onx = skl2onnx.to_onnx(
        model.student_, numbers[:1].astype(np.float32), options={"zipmap": False}
    )
    np.testing.assert_allclose(_run(onx, feeds)[1], proba, atol=1e-6)


def test_value_regressor_adapter_in_a_pipeline(mixed):
    X, _ = mixed
    numbers = X[["a", "e"]].to_numpy()
    y = numbers @ [2.0, -1.0]
    distiller = DistilledRegressor(
        Ridge().fit(numbers, y), student=make_pipeline(StandardScaler(), Ridge()), sampler=None
    )
    pipe = make_pipeline(StandardScaler(), distiller).fit(numbers)
    (values,) = _run(skl2onnx.to_onnx(pipe, numbers[:1].astype(np.float32)),
                     {"X": numbers.astype(np.float32)})  # fmt: skip
    np.testing.assert_allclose(values.ravel(), pipe.predict(numbers), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("task", ["binary", "multiclass", "two outputs"])
def test_xgboost_gbm_students_convert(mixed, task):
    """onnxmltools' XGBoost converter on each output's trees: categories (unseen too), NaN,
    the base margin, then the student's own output."""
    X, y = mixed
    params = dict(n_estimators=10, backend="xgboost", n_jobs=1, random_state=0)
    if task == "two outputs":
        target = X["a"].to_numpy() * 3 + (X["c"] == "y")
        student = SoftGBMRegressor(**params).fit(X, np.column_stack([target, -target]))
    else:
        student = SoftGBMClassifier(**params).fit(X, y % 2 if task == "binary" else y)
    rows = _test_rows(X)
    outputs = _run(to_onnx(student, X), to_feeds(student, rows))
    if task == "two outputs":
        np.testing.assert_allclose(outputs[0], student.predict(rows), rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_allclose(outputs[1], student.predict_proba(rows), atol=1e-5)


def test_dask_gbm_students_are_registered_with_skl2onnx():
    """The Dask GBM students are their own classes to skl2onnx: each is registered."""
    from sklearn.datasets import make_classification

    from skdistill.students import DaskSoftGBMClassifier, DaskSoftGBMRegressor

    X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    X = X.astype(np.float32)
    params = dict(n_estimators=10, min_child_samples=5, n_jobs=1, random_state=0)
    classifier = DaskSoftGBMClassifier(**params).fit(X, y)
    _, proba = _run(skl2onnx.to_onnx(classifier, X[:1], options={"zipmap": False}), {"X": X})
    np.testing.assert_allclose(proba, classifier.predict_proba(X), atol=1e-5)
    regressor = DaskSoftGBMRegressor(**params).fit(X, X[:, 0] * 3)
    (values,) = _run(skl2onnx.to_onnx(regressor, X[:1]), {"X": X})
    np.testing.assert_allclose(values.ravel(), regressor.predict(X), rtol=1e-4, atol=1e-4)


def test_piecewise_inputs_of_a_heavy_tailed_column_keep_float32_precision():
    """Quantile cuts of a lognormal column sit close together, so a piece multiplies the
    encoded value by up to 1e8: the encoding and the pieces run in float64 (they were 6e-3
    off in float32)."""
    rng = np.random.RandomState(0)
    X = np.exp(rng.normal(scale=4, size=(2000, 2))).astype(np.float32)
    y = (X[:, 0] > 1).astype(int)
    student = SoftMLPClassifier((16,), input_bins=16, max_iter=10, random_state=0)
    student.fit(X.astype(np.float64), y)
    _, proba = _run(to_onnx(student, X[:1]), {"X": X})
    np.testing.assert_allclose(proba, student.predict_proba(X), atol=1e-6)


def test_string_class_labels(mixed):
    X, y = mixed
    labels = np.array(["no", "yes", "maybe"])[y]
    student = SoftLogisticRegression().fit(X, labels)
    label, _ = _run(to_onnx(student, X), to_feeds(student, X))
    np.testing.assert_array_equal(label, student.predict(X))


def test_what_cannot_be_converted_says_so(mixed):
    X, y = mixed
    with pytest.raises(NotFittedError):
        to_onnx(SoftMLPClassifier(), X)
    with pytest.raises(NotFittedError):
        to_onnx(DistilledClassifier(LGBMClassifier()), X)
    with pytest.raises(NotFittedError):
        to_onnx(SoftGBMClassifier(), X)
    with pytest.raises(NotFittedError):
        to_onnx(LogitRegressorStudent(Ridge()), X[["a", "e"]])
    distiller = DistilledRegressor(
        Ridge().fit(X[["a"]], y), student=LGBMRegressor(n_estimators=2, verbose=-1), sampler=None
    ).fit(X[["a"]])
    with pytest.raises(TypeError, match="ValueRegressorStudent wraps a LGBMRegressor.*joblib"):
        to_onnx(distiller, X[["a"]])
    adapter = LogitRegressorStudent(Ridge()).fit(X[["a", "e"]], y)
    with pytest.raises(TypeError, match=r"non-numeric columns \['c', 'd'\]"):
        to_onnx(adapter, X)
    scaled_centroids = make_pipeline(StandardScaler(), NearestCentroid())
    student = HardLabelStudent(scaled_centroids).fit(X[["a", "e"]], y)
    with pytest.raises(TypeError, match="NearestCentroid.*inside its Pipeline"):
        to_onnx(student, X[["a", "e"]])
    student = SoftMLPClassifier((4,), max_iter=2).fit(X[["a", "e"]].to_numpy(), y)
    with pytest.raises(Exception, match="decision_path"):
        to_onnx(student, options={"decision_path": True})

"""A fitted distiller carries no training rows: not in its objects, not in its pickle."""

import pickle

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier

from skdistill import DistilledClassifier
from skdistill.samplers import MUNGE
from skdistill.students import (
    SoftGBMClassifier,
    SoftLogisticRegression,
    SoftMLPClassifier,
    SoftTreeClassifier,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

STUDENTS = {
    "mlp": lambda: SoftMLPClassifier((8,), max_iter=3, random_state=0),
    "tree": lambda: SoftTreeClassifier(max_depth=4, random_state=0),
    "linear": lambda: SoftLogisticRegression(),
    "gbm": lambda: SoftGBMClassifier(n_estimators=3, random_state=0, n_jobs=1),
}


def _table(container):
    rng = np.random.RandomState(0)
    n = 150
    X = pd.DataFrame(
        {
            "u": rng.normal(size=n),
            "v": rng.normal(size=n) * 1e3 + 0.123,
            "w": rng.exponential(size=n),
            "c": pd.Categorical(rng.choice(["x", "y", "z"], n)),
        }
    )
    y = (X["u"] + (X["c"] == "x") > 0.5).astype(int).to_numpy() + (X["w"] > 2)
    if container == "numpy":
        X = X[["u", "v", "w"]].to_numpy()
    return X, y


def _numeric(X):
    values = X[["u", "v", "w"]].to_numpy() if hasattr(X, "columns") else X
    return np.ascontiguousarray(values, dtype=np.float64)


def _secrets(X):
    """Byte strings that appear in a pickle holding the training rows: each row's float64
    values (row-major storage) and runs of four values of each continuous column
    (column-major storage, as in a DataFrame)."""
    values = _numeric(X)
    rows = [values[i].tobytes() for i in range(len(values))]
    runs = [
        np.ascontiguousarray(values[i : i + 4, j]).tobytes()
        for j in range(values.shape[1])
        for i in range(0, len(values) - 4, 7)
    ]
    return rows + runs


def _zsorted(v):
    return np.sort((v - v.mean()) / v.std())


def _holds_a_column(array, values):
    """Whether ``array`` holds a training column, up to scaling and shifting (samplers store
    standardised rows): its first rows correlate with it, or it is that column reordered."""
    try:
        A = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if A.ndim not in (1, 2):
        return False
    n = len(values)
    for v in [A] if A.ndim == 1 else [*A.T, *A]:
        head = v[:n]
        if len(v) < n or not np.isfinite(head).all() or head.std() == 0:
            continue
        for x in values.T:
            if abs(np.corrcoef(head, x)[0, 1]) > 0.999:
                return True
            if len(v) == n and np.allclose(_zsorted(v), _zsorted(x)):
                return True
    return False


def _arrays(obj, seen=None):
    """Every ndarray reachable from ``obj`` (attributes, containers, DataFrames)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        yield obj
        if obj.dtype == object:
            for item in obj.ravel():
                yield from _arrays(item, seen)
    elif isinstance(obj, pd.DataFrame | pd.Series):
        yield obj.to_numpy(dtype=object)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _arrays(value, seen)
    elif isinstance(obj, list | tuple | set):
        for value in obj:
            yield from _arrays(value, seen)
    elif hasattr(obj, "__dict__"):
        yield from _arrays(vars(obj), seen)


@pytest.mark.filterwarnings("ignore:.*cannot train chunk by chunk")
@pytest.mark.parametrize("store", ["auto", "disk"])
@pytest.mark.parametrize("container", ["numpy", "frame"])
@pytest.mark.parametrize("student", list(STUDENTS))
def test_fitted_distiller_holds_no_training_row(container, student, store):
    X, y = _table(container)
    teacher = LGBMClassifier(n_estimators=10, verbose=-1).fit(X, y)
    sampler = "default" if student in ("mlp", "tree") else MUNGE()  # always some pseudo rows
    model = DistilledClassifier(
        teacher,
        student=STUDENTS[student](),
        sampler=sampler,
        n_samples=1.0,
        store=store,  # a chunked transfer set on disk is dropped after fit, like a whole one
        random_state=0,
    ).fit(X, y)
    assert model.sampler_ is not None and not hasattr(model.sampler_, "schema_")
    secrets = _secrets(X)

    blob = pickle.dumps(model)
    leaked = [s for s in secrets if s in blob]
    assert not leaked, f"{len(leaked)} training rows or column runs are in the pickle"

    restored = pickle.loads(blob)
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    values = _numeric(X)
    for array in _arrays(restored):
        assert not _holds_a_column(array, values), f"an array {array.shape} holds training data"


def test_the_checks_find_training_data_when_it_is_there():
    """The test above can fail: a fitted sampler, as the distiller used to keep, holds the
    rows (standardised), and a pickled table holds them byte for byte."""
    for container in ("numpy", "frame"):
        X, _ = _table(container)
        assert any(_holds_a_column(a, _numeric(X)) for a in _arrays(MUNGE().fit(X)))
        assert any(s in pickle.dumps({"X": X}) for s in _secrets(X))

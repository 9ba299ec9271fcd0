"""Teacher outputs that cannot be targets raise, where they happen (issue 12, item 5)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.teachers import CallableTeacher, TeacherOutputError, as_teacher


@pytest.fixture(scope="module")
def binary():
    return make_classification(n_samples=120, n_features=4, random_state=0)


def one_row_short(X):
    return np.tile([0.3, 0.7], (len(X) - 1, 1))


def above_one(X):
    return np.tile([0.3, 1.7], (len(X), 1))


def nan_values(X):
    out = X[:, 0].copy()
    out[5] = np.nan
    return out


def test_callable_returning_too_few_rows_raises_at_the_chunk(binary):
    X, y = binary
    teacher = CallableTeacher(one_row_short, response_method="predict_proba", classes=[0, 1])
    with pytest.raises(TeacherOutputError, match=r"returned 49 rows of outputs for 50 rows"):
        as_teacher(teacher).outputs(X[:50])
    model = DistilledClassifier(
        teacher, student=DecisionTreeClassifier(), n_samples=1.0, batch_size=50
    )
    with pytest.raises(TeacherOutputError, match=r"chunk of rows 0 to 50 of the 120"):
        model.fit(X, y)


def test_probabilities_above_one_are_not_clipped(binary):
    X, y = binary
    teacher = CallableTeacher(above_one, response_method="predict_proba", classes=[0, 1])
    with pytest.raises(TeacherOutputError, match=r"must lie in \[0, 1\].*decision_function"):
        DistilledClassifier(teacher, student=DecisionTreeClassifier(), n_samples=1.0).fit(X, y)


def nan_proba(X):
    p = 1.0 / (1.0 + np.exp(-X[:, 0]))
    p[5] = np.nan
    return np.column_stack([1.0 - p, p])


def test_nan_probabilities_name_their_rows(binary):
    X, y = binary
    teacher = CallableTeacher(nan_proba, response_method="predict_proba", classes=[0, 1])
    with pytest.raises(TeacherOutputError, match=r"returned NaN for 1 rows \(positions \[5\]"):
        DistilledClassifier(teacher, student=DecisionTreeClassifier(), n_samples=1.0).fit(X, y)


def test_non_finite_outputs_raise(binary):
    X, y = binary
    teacher = CallableTeacher(nan_values, response_method="predict")
    with pytest.raises(TeacherOutputError, match=r"NaN or infinite outputs for 1 of .* row 5"):
        DistilledRegressor(teacher, student=DecisionTreeRegressor(), n_samples=1.0).fit(X, y)

"""Callable teachers: CallableTeacher and plain functions."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from teacher_helpers import assert_softmax_matches, uniform_logits

from skdistill.teachers import CallableTeacher, as_teacher


def test_callable_teacher_kinds(iris):
    X, y = iris
    model = LogisticRegression(max_iter=500).fit(X, y)
    proba = as_teacher(
        CallableTeacher(model.predict_proba, response_method="predict_proba", n_features_in=4)
    )
    assert (proba.response_method_, proba.output_kind) == ("callable", "log_proba")
    assert proba.classes_ is None and proba.n_features_in_ == 4 and proba.is_fitted
    assert_softmax_matches(proba.outputs(X), model.predict_proba(X))

    logits = as_teacher(
        CallableTeacher(model.decision_function, response_method="decision_function",
                        classes=model.classes_, allow_nan=True)
    )  # fmt: skip
    assert logits.output_kind == "logits" and logits.allow_nan
    np.testing.assert_array_equal(logits.classes_, model.classes_)
    assert_softmax_matches(logits.outputs(X), model.predict_proba(X))

    labels = as_teacher(
        CallableTeacher(model.predict, response_method="predict", classes=model.classes_)
    )
    assert labels.output_kind == "labels"
    np.testing.assert_array_equal(model.classes_[labels.outputs(X).argmax(1)], model.predict(X))


def test_callable_binary_margin_and_proba(binary):
    X, y = binary
    model = LogisticRegression(max_iter=500).fit(X, y)
    margin = as_teacher(model.decision_function, response_method="decision_function")
    df = model.decision_function(X)
    np.testing.assert_allclose(margin.outputs(X), np.column_stack([np.zeros_like(df), df]))
    positive = as_teacher(lambda Z: model.predict_proba(Z)[:, 1], response_method="predict_proba")
    assert_softmax_matches(positive.outputs(X), model.predict_proba(X))


def test_plain_callable_rules(binary):
    X, y = binary
    with pytest.raises(ValueError, match="response_method='predict_proba'"):
        as_teacher(np.sin)
    regression = as_teacher(lambda Z: Z.sum(1), task="regression")
    np.testing.assert_allclose(regression.outputs(X), X.sum(1))
    assert regression.output_kind == "values" and regression.response_method_ == "callable"
    with pytest.raises(TypeError, match="cannot be fitted"):
        regression.fit(X, y)
    with pytest.raises(ValueError, match="classes"):
        as_teacher(CallableTeacher(np.sign, response_method="predict"))
    with pytest.raises(ValueError, match="regression"):
        as_teacher(CallableTeacher(np.sign, response_method="predict_proba"), task="regression")
    wrong_width = as_teacher(
        CallableTeacher(uniform_logits, response_method="decision_function", classes=[0, 1])
    )
    with pytest.raises(ValueError, match="shape"):
        wrong_width.outputs(X)
    with pytest.raises(ValueError, match="declares"):
        as_teacher(
            CallableTeacher(np.sign, response_method="predict_proba"),
            response_method="decision_function",
        )

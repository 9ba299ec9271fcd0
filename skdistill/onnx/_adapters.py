"""ONNX for the adapters: the wrapped estimator through its own skl2onnx converter, then the
adapter's output (softmax of the logits a regressor learned, the full class set of a
hard-label classifier).

The wrapped estimator is converted as a sub-estimator (skl2onnx's ``OnnxSubEstimator``), so
anything skl2onnx converts works: its own estimators, Pipelines of them, and models whose
converter was registered with ``skl2onnx.update_registered_converter`` (LightGBM and XGBoost
through onnxmltools). Input: one float tensor ``(N, n_features)``; the adapters do no
encoding of their own.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline

from .._validation import check_fitted
from ..students import HardLabelStudent, LogitRegressorStudent, ValueRegressorStudent

ADAPTERS = (LogitRegressorStudent, ValueRegressorStudent, HardLabelStudent)


def wrapped(adapter):
    """The adapter's fitted inner estimator."""
    name = "classifier_" if isinstance(adapter, HardLabelStudent) else "regressor_"
    check_fitted(adapter, name)
    return getattr(adapter, name)


def _unconvertible(estimator):
    """The first (nested) estimator without an skl2onnx converter, or None."""
    try:  # private to skl2onnx: if it moves, skl2onnx raises its own missing-converter error
        from skl2onnx._supported_operators import sklearn_operator_name_map
    except ImportError:
        return None

    if isinstance(estimator, Pipeline):
        parts = [step for _, step in estimator.steps]
    elif isinstance(estimator, ColumnTransformer):
        parts = [t for _, t, _ in estimator.transformers_]
    elif isinstance(estimator, MultiOutputRegressor):
        parts = list(estimator.estimators_)
    elif type(estimator) in sklearn_operator_name_map:
        return None
    else:
        return estimator
    for part in parts:
        if isinstance(part, str):  # "passthrough" / "drop"
            continue
        bad = _unconvertible(part)
        if bad is not None:
            return bad
    return None


def check_adapter(adapter):
    """Raise a clear error when the adapter's estimator cannot be converted."""
    inner = wrapped(adapter)
    bad = _unconvertible(inner)
    if bad is not None:
        where = "" if bad is inner else f" (inside its {type(inner).__name__})"
        raise TypeError(
            f"The {type(adapter).__name__} wraps a {type(bad).__name__}{where}, which has no "
            "skl2onnx converter, so it cannot be exported to ONNX. Register one with "
            "skl2onnx.update_registered_converter (onnxmltools has them for LightGBM and "
            "XGBoost), ship the fitted model with joblib or skops, or distil into one of "
            "skdistill's students (all of which convert)."
        )
    if isinstance(adapter, HardLabelStudent) and not hasattr(inner, "predict_proba"):
        raise TypeError(
            f"The HardLabelStudent wraps a {type(inner).__name__}, which has no predict_proba: "
            "its ONNX model would have no probabilities. Ship it with joblib or skops, or use "
            "a classifier with predict_proba."
        )


def _single_input(operator):
    if len(operator.inputs) != 1:
        raise TypeError(
            "An adapter's ONNX model takes one float tensor (N, n_features); got "
            f"{len(operator.inputs)} inputs. Fit the adapter on numeric columns, or convert "
            "its wrapped estimator (a Pipeline with its encoder) with skl2onnx directly."
        )
    return operator.inputs[0]


def _class_constant(classes):
    if classes.dtype.kind in "iub":
        return classes.astype(np.int64)
    return np.asarray(classes.astype(str), dtype=object)


def convert_adapter_classifier(scope, operator, container, adapter):
    """Label and probabilities of a LogitRegressorStudent or HardLabelStudent."""
    from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
    from skl2onnx.algebra.onnx_ops import (
        OnnxArgMax,
        OnnxConcat,
        OnnxGather,
        OnnxIdentity,
        OnnxMatMul,
        OnnxReshapeApi13,
        OnnxSoftmax,
        OnnxSub,
    )

    opv = container.target_opset
    x = _single_input(operator)
    inner = wrapped(adapter)
    classes = _class_constant(np.asarray(adapter.classes_))
    if isinstance(adapter, LogitRegressorStudent):
        out = OnnxSubEstimator(inner, x, op_version=opv)
        z = OnnxReshapeApi13(out, np.array([0, -1], dtype=np.int64), op_version=opv)
        if len(classes) == 2:  # the margin m: logits [0, m]
            z = OnnxConcat(OnnxSub(z, z, op_version=opv), z, axis=1, op_version=opv)
        proba = OnnxSoftmax(z, axis=1, op_version=opv, output_names=[operator.outputs[1]])
        index = OnnxArgMax(proba, axis=1, keepdims=0, op_version=opv)
    else:  # HardLabelStudent: the classifier's classes are codes among ``classes_``
        if isinstance(inner, Pipeline):  # zipmap=False must reach its final classifier
            for _, step in inner.steps[:-1]:
                x = x if isinstance(step, str) else OnnxSubEstimator(step, x, op_version=opv)
            inner = inner.steps[-1][1]
        out = OnnxSubEstimator(inner, x, op_version=opv, options={"zipmap": False})
        seen = np.asarray(adapter.classifier_.classes_).astype(int)
        spread = np.zeros((len(seen), len(classes)), dtype=np.float32)
        spread[np.arange(len(seen)), seen] = 1.0
        proba = OnnxMatMul(out[1], spread, op_version=opv, output_names=[operator.outputs[1]])
        index = OnnxIdentity(out[0], op_version=opv)
    label = OnnxGather(classes, index, axis=0, op_version=opv, output_names=[operator.outputs[0]])
    proba.add_to(scope, container)
    label.add_to(scope, container)


def convert_adapter_regressor(scope, operator, container, adapter):
    """Predictions of a ValueRegressorStudent, shape (N, n_outputs)."""
    from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
    from skl2onnx.algebra.onnx_ops import OnnxReshapeApi13

    opv = container.target_opset
    out = OnnxSubEstimator(wrapped(adapter), _single_input(operator), op_version=opv)
    values = OnnxReshapeApi13(
        out,
        np.array([0, -1], dtype=np.int64),
        op_version=opv,
        output_names=[operator.outputs[0]],
    )
    values.add_to(scope, container)

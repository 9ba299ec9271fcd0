"""Turn a fitted distiller or student into a numpy-only :class:`Predictor`."""

import numpy as np

from .._distill import _BaseDistiller
from .._validation import check_fitted
from ..students import (
    SoftGBMClassifier,
    SoftGBMRegressor,
    SoftLogisticRegression,
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftTreeClassifier,
    SoftTreeRegressor,
)
from ..students._preprocess import FrameEncoder, NumericTableEncoder
from ._boosters import gbm_arrays
from ._runtime import FORMAT_VERSION, PIECES_ARRAYS, Predictor

_STUDENTS = (
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftLogisticRegression,
    SoftTreeClassifier,
    SoftTreeRegressor,
    SoftGBMClassifier,
    SoftGBMRegressor,
)


def export_predictor(model):
    """A numpy-only predictor holding only what ``model``'s predictions need.

    Parameters
    ----------
    model : DistilledClassifier, DistilledRegressor or student
        Fitted. The student must be one of skdistill's MLP, linear, tree or GBM students
        (LightGBM or XGBoost backend); for the adapters use :func:`skdistill.onnx.to_onnx`
        or the student itself.

    Returns
    -------
    Predictor
        ``predict`` / ``predict_proba`` give the model's answers (to float64 rounding; to
        float32 rounding for an XGBoost GBM, which sums in float32) from the student's
        encoder statistics and weights (or trees) alone: no training rows, no optimizer
        state, no teacher. ``save(path)`` writes it as an ``.npz``; ``skdistill.deploy.load``
        reads it back with numpy alone.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        When the model is not fitted.
    TypeError
        When the student cannot be exported this way (the message says what to use instead).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdistill.deploy import export_predictor
    >>> from skdistill.students import SoftTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> student = SoftTreeClassifier(max_depth=3).fit(X, y)
    >>> predictor = export_predictor(student)
    >>> bool((predictor.predict(X) == student.predict(X)).all())
    True
    """
    distiller = None
    if isinstance(model, _BaseDistiller):
        check_fitted(model, "student_")
        distiller, model = model, model.student_
    if not isinstance(model, _STUDENTS):
        supported = ", ".join(c.__name__ for c in _STUDENTS)
        raise TypeError(
            f"A numpy predictor cannot be exported from a {type(model).__name__} student (an "
            "adapter wraps an estimator the predictor cannot evaluate); it supports "
            f"{supported}. Export it to ONNX instead (skdistill.onnx.to_onnx, which converts "
            "an adapter whose wrapped estimator has an skl2onnx converter), or deploy the "
            "fitted student itself (joblib or skops)."
        )
    check_fitted(model, "preprocessor_")
    meta, arrays = _encoder(model)
    meta.update(_model(model, arrays))
    meta["format"] = FORMAT_VERSION if meta.get("pieces") else 1
    meta["n_features"] = int(model.n_features_in_)
    names = getattr(model, "feature_names_in_", None)
    meta["feature_names"] = None if names is None else [str(n) for n in names]
    classes = getattr(distiller or model, "classes_", None)
    meta["classes"] = None if classes is None else _json_values(classes, "class labels")
    allow_nan = None
    if distiller is not None:
        allow_nan = bool(distiller.teacher_adapter_.allow_nan)
    meta["allow_nan"] = allow_nan
    return Predictor(meta, arrays)


def _json_values(values, what):
    out = []
    for value in np.asarray(values, dtype=object):
        value = value.item() if isinstance(value, np.generic) else value
        if not isinstance(value, str | int | float | bool):
            raise TypeError(
                f"The {what} include {value!r} of type {type(value).__name__}, which the "
                "predictor's JSON header cannot hold; use strings or numbers."
            )
        out.append(value)
    return out


def _encoder(model):
    pre = model.preprocessor_
    if isinstance(pre, FrameEncoder):
        numeric_encoder = pre.numeric_encoder_
        names = list(model.feature_names_in_)
        enc = {
            "numeric_at": [names.index(c) for c in pre.numeric],
            "categorical_at": [names.index(c) for c in pre.categorical],
            "categories": [_json_values(c, "categories") for c in pre.categories_],
            "has_missing": [bool(m) for m in pre.has_missing_],
            "one_hot": bool(pre.one_hot),
            "scale": bool(pre.scale),
            "clip": bool(pre.clip),
        }
    elif isinstance(pre, NumericTableEncoder):
        numeric_encoder = pre
        enc = {
            "numeric_at": list(range(model.n_features_in_)),
            "categorical_at": [],
            "categories": [],
            "has_missing": [],
            "one_hot": True,
            "scale": bool(pre.scale),
            "clip": bool(pre.clip),
        }
    else:  # pragma: no cover - the students build one of the two
        raise TypeError(f"Unknown student encoder {type(pre).__name__}.")
    arrays = {}
    if numeric_encoder is not None and numeric_encoder.scale:
        arrays = {
            "enc_missing_columns": np.asarray(numeric_encoder.missing_columns_, np.intp),
            "enc_fill": numeric_encoder.fill_,
            "enc_mean": numeric_encoder.mean_,
            "enc_scale": numeric_encoder.scale_,
        }
        if numeric_encoder.clip:
            arrays["enc_min"] = numeric_encoder.data_min_
            arrays["enc_max"] = numeric_encoder.data_max_
    return {"encoder": enc}, arrays


def _model(model, arrays):
    """Metadata of the model part; its arrays go into ``arrays``."""
    is_classifier = hasattr(model, "classes_")
    if isinstance(model, SoftGBMClassifier | SoftGBMRegressor):
        meta, gbm = gbm_arrays(model)
        arrays.update(gbm)
        return meta
    if isinstance(model, SoftMLPClassifier | SoftMLPRegressor):
        for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
            arrays[f"coef_{i}"], arrays[f"intercept_{i}"] = W.copy(), b.copy()
        meta = {"model": "mlp", "n_layers": len(model.coefs_), "activation": model.activation}
        pieces = getattr(model, "pieces_", None)
        if pieces is not None:  # the piecewise-linear encoding the first layer reads
            for name, array in zip(PIECES_ARRAYS, pieces, strict=True):
                arrays[name] = array.copy()
            meta["pieces"] = True
        if is_classifier:
            return {**meta, "output": "softmax"}
        arrays["target_mean"], arrays["target_scale"] = model.target_mean_, model.target_scale_
        return {**meta, "single_output": bool(model._y_1d)}
    if isinstance(model, SoftLogisticRegression):
        arrays["coef"], arrays["intercept"] = model.coef_, model.intercept_
        output = "binary_softmax" if model.coef_.shape[0] == 1 else "softmax"
        return {"model": "linear", "output": output}
    tree = model.tree_estimator_.tree_
    arrays.update(
        children_left=tree.children_left.astype(np.int32),
        children_right=tree.children_right.astype(np.int32),
        feature=np.maximum(tree.feature, 0).astype(np.int32),
        threshold=tree.threshold,
        missing_go_to_left=np.asarray(tree.missing_go_to_left, dtype=np.uint8),
        value=tree.value.reshape(tree.node_count, -1),
    )
    if not is_classifier:
        return {"model": "tree", "single_output": tree.n_outputs == 1}
    if model.target == "logits":
        return {"model": "tree", "output": "softmax"}
    return {"model": "tree", "output": "sharpen", "temperature": float(model.temperature_)}

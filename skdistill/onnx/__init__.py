"""ONNX export of skdistill's students and distillers, through skl2onnx.

Importing this module registers converters with skl2onnx (:func:`register`), so that
``skl2onnx.to_onnx(model, X[:1])`` converts a fitted distiller or student on numeric input,
also inside a scikit-learn Pipeline, and :func:`to_onnx` converts any table, DataFrames with
categorical columns included. The exported graph holds the student's whole encoding
(imputation and missing indicators, clipping, scaling, one-hot or ordinal categories) and its
model, computed in float32 (the encoding of an MLP with ``input_bins`` in float64: its
pieces magnify the encoded values): outputs match ``predict_proba`` / ``predict`` to float32
precision.

Inputs of the exported model:

- fitted on an array (or an all-numeric DataFrame): one float tensor ``X`` of shape
  ``(N, n_features)``;
- fitted on a DataFrame with categorical columns: one ``(N, 1)`` tensor per column, named
  after the column (skl2onnx's convention for mixed-type tables; characters other than
  letters, digits and ``_`` become ``_``): float32 for numeric columns
  (NaN for missing), string for categorical ones with ``""`` for a missing value.
  :func:`to_feeds` builds this input dictionary from a DataFrame.

Converters exist for the MLP, linear, tree and GBM students and for distillers holding one
of them. A GBM student's boosters go through onnxmltools' LightGBM or XGBoost converter,
which writes their raw margins; the student's output (init score, temperature, softmax)
follows in the graph. The adapters (:func:`skdistill.students.as_student`) convert
through their wrapped estimator's skl2onnx converter, on one float input. Anything else
raises an error naming the alternative.

Needs the ``onnx`` extra: ``pip install skdistill[onnx]``.
"""

import re

import numpy as np

from .._validation import is_dataframe


def register():
    """Register skdistill's converters with skl2onnx (done on import of this module)."""
    from skl2onnx import update_registered_converter

    from .. import DistilledClassifier, DistilledRegressor
    from ..students import (
        DaskSoftGBMClassifier,
        DaskSoftGBMRegressor,
        HardLabelStudent,
        LogitRegressorStudent,
        SoftGBMClassifier,
        SoftGBMRegressor,
        SoftLogisticRegression,
        SoftMLPClassifier,
        SoftMLPRegressor,
        SoftTreeClassifier,
        SoftTreeRegressor,
        ValueRegressorStudent,
    )
    from ._convert import (
        classifier_shapes,
        convert_classifier,
        convert_regressor,
        regressor_shapes,
    )

    classifiers = (
        SoftMLPClassifier,
        SoftLogisticRegression,
        SoftTreeClassifier,
        SoftGBMClassifier,
        DaskSoftGBMClassifier,
        DistilledClassifier,
        # Through the wrapped estimator's converter (or an error naming the alternative).
        LogitRegressorStudent,
        HardLabelStudent,
    )
    options = {"zipmap": [True, False, "columns"], "nocl": [True, False]}
    for cls in classifiers:
        update_registered_converter(
            cls, f"Skdistill{cls.__name__}", classifier_shapes, convert_classifier, options=options
        )
    for cls in (
        SoftMLPRegressor,
        SoftTreeRegressor,
        DistilledRegressor,
        SoftGBMRegressor,
        DaskSoftGBMRegressor,
        ValueRegressorStudent,
    ):
        update_registered_converter(
            cls, f"Skdistill{cls.__name__}", regressor_shapes, convert_regressor
        )


def _input_names(columns):
    """ONNX input names of the columns, as skl2onnx would write them (C-style, unique)."""
    names = []
    for column in columns:
        name = re.sub(r"[^\w+]", "_", str(column)) or "_"
        name = "_" + name if name[0].isdigit() else name
        while name in names:
            name += "_"
        names.append(name)
    return names


def _column_kinds(model):
    """None for a single numeric input, else ``[(input name, is_categorical), ...]``."""
    from ..students._preprocess import FrameEncoder
    from ._convert import student_of

    student = student_of(model)
    pre = getattr(student, "preprocessor_", None)  # adapters have none: one float input
    if not isinstance(pre, FrameEncoder):
        return None
    columns = list(student.feature_names_in_)
    categorical = set(pre.categorical)
    return [(n, c in categorical) for n, c in zip(_input_names(columns), columns, strict=True)]


def _check_numeric(model, X):
    """A model with one float input (an adapter among them) cannot take string columns."""
    if is_dataframe(X):
        from ..students._preprocess import categorical_columns

        categorical = categorical_columns(X)
        if categorical:
            raise TypeError(
                f"The ONNX model of this {type(model).__name__} takes one float tensor, but X "
                f"has non-numeric columns {categorical[:5]}. An adapter does no encoding of "
                "its own: convert the estimator it wraps (a Pipeline with its encoder) with "
                "skl2onnx directly, or distil into one of skdistill's students, which encode "
                "categories inside the graph."
            )


def to_onnx(model, X=None, *, target_opset=None, options=None):
    """Convert a fitted distiller or student to an ONNX model.

    Parameters
    ----------
    model : DistilledClassifier, DistilledRegressor or student
        Fitted; its student an MLP, linear, tree or GBM student, or an adapter whose
        wrapped estimator skl2onnx converts.
    X : array-like or DataFrame, default=None
        Not used for its values; kept for the signature of ``skl2onnx.to_onnx``.
    target_opset : int or dict, default=None
        Passed to skl2onnx (None: the latest it supports).
    options : dict, default=None
        Converter options; classifiers default to ``{"zipmap": False}`` (a plain probability
        tensor rather than a list of dicts).

    Returns
    -------
    onnx.ModelProto
        Inputs as described in the module docstring; outputs ``label`` and
        ``probabilities`` (classifiers) or ``variable`` (regressors).

    Examples
    --------
    >>> import numpy as np, onnxruntime as ort
    >>> from sklearn.datasets import load_iris
    >>> from skdistill.onnx import to_feeds, to_onnx
    >>> from skdistill.students import SoftTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> student = SoftTreeClassifier(max_depth=3).fit(X, y)
    >>> session = ort.InferenceSession(to_onnx(student).SerializeToString())
    >>> label, proba = session.run(None, to_feeds(student, X[:2]))
    >>> label.tolist(), proba.shape
    ([0, 0], (2, 3))
    """
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    kinds = _column_kinds(model)
    if kinds is None:
        _check_numeric(model, X)
        n_features = int(model.n_features_in_)
        initial_types = [("X", FloatTensorType([None, n_features]))]
    else:
        initial_types = [
            (name, StringTensorType([None, 1]) if cat else FloatTensorType([None, 1]))
            for name, cat in kinds
        ]
    if options is None and hasattr(model, "classes_"):
        options = {"zipmap": False}
    return convert_sklearn(
        model,
        initial_types=initial_types,
        target_opset=target_opset,
        options=None if options is None else {id(model): options},
    )


def to_feeds(model, X):
    """The input dictionary of the ONNX model of ``model`` for the rows ``X``.

    Numeric values become float32 (NaN for missing), categorical values strings (``""``
    for missing), in the layout :func:`to_onnx` declares.

    Parameters
    ----------
    model : fitted distiller or student
    X : array-like or DataFrame

    Returns
    -------
    dict of str to ndarray
    """
    kinds = _column_kinds(model)
    if kinds is None:
        values = X.to_numpy(dtype=np.float32, na_value=np.nan) if is_dataframe(X) else X
        return {"X": np.asarray(values, dtype=np.float32)}
    feeds = {}
    for j, (name, categorical) in enumerate(kinds):
        column = X.iloc[:, j]
        if categorical:
            values = column.to_numpy(dtype=object)
            text = ["" if _missing(v) else str(v) for v in values]
            feeds[name] = np.array(text, dtype=object).reshape(-1, 1)
        else:
            values = column.to_numpy(dtype=np.float32, na_value=np.nan)
            feeds[name] = values.reshape(-1, 1)
    return feeds


def _missing(value):
    import pandas as pd

    return bool(pd.isna(value))


register()

__all__ = ["register", "to_feeds", "to_onnx"]

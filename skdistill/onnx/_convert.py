"""skl2onnx shape calculators and converters for skdistill's students and distillers.

Each converter writes the student's encoding (imputation with missing indicators, clipping,
scaling; one-hot or ordinal categories) followed by its model (the MLP's layers, the linear
model, the tree; a GBM's boosters through onnxmltools' converters) with the
low-level ``container.add_node`` API of skl2onnx, in float32.

Inputs: one float tensor ``(N, n_features)`` for a model fitted on an array (or on an
all-numeric DataFrame), or one tensor ``(N, 1)`` per column for a DataFrame with categorical
columns: float for numeric columns, string for categorical ones, with ``""`` for a missing
category (see :func:`skdistill.onnx.to_feeds`).
"""

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import (
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from skl2onnx.common.tree_ensemble import add_node, get_default_tree_regressor_attribute_pairs

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
from ..students._preprocess import FrameEncoder
from ._adapters import (
    ADAPTERS,
    check_adapter,
    convert_adapter_classifier,
    convert_adapter_regressor,
)
from ._boosters import gbm_margins

CONVERTIBLE = (
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftLogisticRegression,
    SoftTreeClassifier,
    SoftTreeRegressor,
    SoftGBMClassifier,
    SoftGBMRegressor,
)
_MISSING_CODE = -2  # the code of "" (a missing category) before one-hot / ordinal encoding


def student_of(model):
    """The student a converter writes: the model itself, or a distiller's ``student_``;
    checked (fitted, and convertible: an adapter's wrapped estimator too)."""
    if hasattr(model, "teacher") and hasattr(model, "sampler"):  # a distiller
        check_fitted(model, "student_")
        model = model.student_
    if isinstance(model, ADAPTERS):
        check_adapter(model)
        return model
    if not isinstance(model, CONVERTIBLE):
        supported = ", ".join(c.__name__ for c in CONVERTIBLE + ADAPTERS)
        raise TypeError(
            f"skdistill has no ONNX converter for a {type(model).__name__} student (it has "
            f"converters for {supported}). Use one of these students, or deploy this student "
            "with joblib or skops."
        )
    check_fitted(model, "preprocessor_")
    return model


# ---- shapes -----------------------------------------------------------------------------------


def _class_labels(model):
    classes = np.asarray(model.classes_)
    if classes.dtype.kind in "iub":
        return classes.astype(np.int64), Int64TensorType
    if classes.dtype.kind in "OUS" and all(isinstance(c, str) for c in classes):
        return classes.astype(str), StringTensorType
    raise TypeError(
        f"Class labels of dtype {classes.dtype} cannot be ONNX labels; use integer or string "
        "labels (the probabilities do not depend on it)."
    )


def classifier_shapes(operator):
    """Outputs of a classifier: ``label`` (N,) and ``probabilities`` (N, n_classes)."""
    model = student_of(operator.raw_operator)
    _, label_type = _class_labels(model)
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = label_type([n])
    operator.outputs[1].type = FloatTensorType([n, len(model.classes_)])


def regressor_shapes(operator):
    """Output of a regressor: ``variable`` (N, n_outputs)."""
    model = student_of(operator.raw_operator)
    if isinstance(model, ADAPTERS):
        n_out = None  # whatever the wrapped regressor gives
    elif isinstance(model, SoftGBMRegressor):
        n_out = len(model.boosters_)
    elif hasattr(model, "n_outputs_"):
        n_out = model.n_outputs_
    else:
        n_out = model.tree_estimator_.n_outputs_
    operator.outputs[0].type = FloatTensorType([operator.inputs[0].get_first_dimension(), n_out])


# ---- graph helpers ----------------------------------------------------------------------------


class _Graph:
    """Small wrapper over skl2onnx's scope and container: named nodes and constants."""

    def __init__(self, scope, container, encoding=np.float32):
        self.scope, self.container = scope, container
        # The dtype of the input's encoding: float32, or float64 where the pieces of an MLP
        # with input_bins amplify the encoded values (see _mlp).
        self.encoding = np.dtype(encoding)

    def const(self, value, dtype=np.float32):
        value = np.asarray(value, dtype=dtype)
        name = self.scope.get_unique_variable_name("c")
        proto = {
            np.dtype(np.float32): TensorProto.FLOAT,
            np.dtype(np.float64): TensorProto.DOUBLE,
            np.dtype(np.int64): TensorProto.INT64,
        }[value.dtype]
        self.container.add_initializer(name, proto, list(value.shape), value.ravel().tolist())
        return name

    def node(self, op_type, inputs, output=None, domain="", version=None, **attrs):
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            inputs,
            [output],
            name=self.scope.get_unique_operator_name(op_type),
            op_domain=domain,
            op_version=version,
            **attrs,
        )
        return output

    def cast(self, name, to=TensorProto.FLOAT):
        return self.node("Cast", [name], to=to)

    def encoded(self, name):
        """``name`` cast to the encoding's dtype."""
        to = TensorProto.DOUBLE if self.encoding == np.float64 else TensorProto.FLOAT
        return self.cast(name, to)


# ---- encoding ---------------------------------------------------------------------------------


def _numeric_block(g, x, encoder):
    """NumericTableEncoder: missing indicators, imputation, clipping, scaling (or nothing)."""
    if encoder is None or not encoder.scale:
        return x
    dtype = g.encoding
    missing = g.node("IsNaN", [x])
    filled = g.node("Where", [missing, g.const(encoder.fill_, dtype), x])
    if encoder.clip:  # after imputation: the fill value (a mean) is inside the range
        filled = g.node("Max", [g.node("Min", [filled, g.const(encoder.data_max_, dtype)]),
                                g.const(encoder.data_min_, dtype)])  # fmt: skip
    parts = [filled]
    if len(encoder.missing_columns_):
        columns = g.const(encoder.missing_columns_, np.int64)
        parts.append(g.encoded(g.node("Gather", [g.cast(missing), columns], axis=1)))
    block = g.node("Concat", parts, axis=1) if len(parts) > 1 else filled
    centred = g.node("Sub", [block, g.const(encoder.mean_, dtype)])
    return g.node("Div", [centred, g.const(encoder.scale_, dtype)])


def _categorical_block(g, x, categories, has_missing, one_hot):
    """One string column (N, 1) as one-hot columns or an ordinal code (NaN when missing)."""
    keys = [str(c) for c in categories]
    values = list(range(len(keys)))
    if "" not in keys:
        keys.append("")
        values.append(_MISSING_CODE)
    codes = g.node(
        "LabelEncoder",
        [x],
        domain="ai.onnx.ml",
        version=2,
        keys_strings=keys,
        values_int64s=values,
        default_int64=-1,
    )
    if not one_hot:
        unknown = g.node("Less", [codes, g.const([0], np.int64)])
        return g.node("Where", [unknown, g.const([np.nan], g.encoding), g.encoded(codes)])
    known = g.node("Equal", [codes, g.const([np.arange(len(categories))], np.int64)])
    parts = [g.encoded(known)]
    if has_missing:
        parts.append(g.encoded(g.node("Equal", [codes, g.const([_MISSING_CODE], np.int64)])))
    return g.node("Concat", parts, axis=1) if len(parts) > 1 else parts[0]


def encoded_input(g, operator, student):
    """The student's encoded matrix (of dtype ``g.encoding``) from the operator's inputs."""
    pre, inputs = student.preprocessor_, operator.inputs
    if not isinstance(pre, FrameEncoder):
        if len(inputs) != 1:
            names = [i.raw_name for i in inputs]
            x = g.node("Concat", [g.encoded(i.full_name) for i in inputs], axis=1)
            if len(names) != student.n_features_in_:
                raise ValueError(f"{len(names)} inputs for {student.n_features_in_} features.")
        else:
            x = g.encoded(inputs[0].full_name)
        return _numeric_block(g, x, pre)
    names = list(student.feature_names_in_)
    if len(inputs) != len(names):
        raise ValueError(
            f"The student was fitted on a DataFrame with categorical columns: the ONNX model "
            f"needs one input per column ({len(names)}: {names[:5]}...), got {len(inputs)}. "
            "Convert with skdistill.onnx.to_onnx(model, X), which declares them."
        )
    parts = []
    if pre.numeric_encoder_ is not None:
        columns = [g.encoded(inputs[names.index(c)].full_name) for c in pre.numeric]
        x = g.node("Concat", columns, axis=1) if len(columns) > 1 else columns[0]
        parts.append(_numeric_block(g, x, pre.numeric_encoder_))
    for j, column in enumerate(pre.categorical):
        x = inputs[names.index(column)]
        if not isinstance(x.type, StringTensorType):
            raise TypeError(
                f"Column {column!r} is categorical: its ONNX input must be a string tensor, "
                f"got {type(x.type).__name__}. Declare it StringTensorType([None, 1])."
            )
        parts.append(
            _categorical_block(g, x.full_name, pre.categories_[j], pre.has_missing_[j], pre.one_hot)
        )
    return g.node("Concat", parts, axis=1) if len(parts) > 1 else parts[0]


# ---- models -----------------------------------------------------------------------------------


def _mlp(g, z, model):
    pieces = getattr(model, "pieces_", None)
    if pieces is not None:  # the piecewise-linear inputs: clip(z[:, columns] * slope + offset)
        # in float64, as the encoding (g.encoding): a piece between close cuts (a heavy-tailed
        # column) multiplies the encoded value by up to 1e8, and float32 was 1e-2 off
        columns, slope, offset, low, high = pieces
        z = g.node("Gather", [z, g.const(columns, np.int64)], axis=1)
        z = g.node("Add", [g.node("Mul", [z, g.const(slope, np.float64)]),
                           g.const(offset, np.float64)])  # fmt: skip
        z = g.node("Max", [g.node("Min", [z, g.const(high, np.float64)]),
                           g.const(low, np.float64)])  # fmt: skip
        z = g.cast(z)
    last = len(model.coefs_) - 1
    for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        z = g.node("Add", [g.node("MatMul", [z, g.const(W)]), g.const(b)])
        if i < last:
            z = g.node("Relu" if model.activation == "relu" else "Tanh", [z])
    return z


def _linear(g, z, model):
    z = g.node("Add", [g.node("MatMul", [z, g.const(model.coef_.T)]), g.const(model.intercept_)])
    if model.coef_.shape[0] == 1:  # binary: logits [0, z]
        z = g.node("Concat", [g.node("Sub", [z, z]), z], axis=1)
    return z


def _tree(g, z, model):
    """scikit-learn's tree as a TreeEnsembleRegressor, NaN routed as in scikit-learn."""
    tree = model.tree_estimator_.tree_
    attrs = get_default_tree_regressor_attribute_pairs()
    attrs["n_targets"] = int(tree.value.shape[1])
    missing_left = np.asarray(tree.missing_go_to_left)
    for i in range(tree.node_count):
        leaf = tree.children_left[i] < 0
        add_node(
            attrs,
            False,
            0,
            1.0,
            i,
            0 if leaf else int(tree.feature[i]),
            "LEAF" if leaf else "BRANCH_LEQ",
            0.0 if leaf else float(tree.threshold[i]),
            0 if leaf else int(tree.children_left[i]),
            0 if leaf else int(tree.children_right[i]),
            tree.value[i][:, 0],
            0,
            False,
            adjust_threshold_for_sklearn=True,
            dtype=np.float32,
            nodes_missing_value_tracks_true=0 if leaf else int(missing_left[i]),
        )
    for key in ("nodes_values", "target_weights", "nodes_hitrates", "base_values"):
        if key in attrs:
            attrs[key] = np.asarray(attrs[key], dtype=np.float32)
    attrs.pop("name", None)
    return g.node("TreeEnsembleRegressor", [z], domain="ai.onnx.ml", version=1, **attrs)


def _gbm(g, z, model):
    """The booster's raw margins (see ``_boosters.py``), then the student's own output: the
    init score and temperature for classifiers, binary margins as logits ``[0, m]``."""
    m = gbm_margins(g, z, model)
    if not isinstance(model, SoftGBMClassifier):
        return m
    z = g.node("Mul", [g.node("Add", [m, g.const(np.atleast_1d(model.init_score_))]),
                       g.const([model.temperature_])])  # fmt: skip
    if len(model.classes_) == 2:  # binary: logits [0, z]
        z = g.node("Concat", [g.node("Sub", [z, z]), z], axis=1)
    return z


def _model_outputs(g, z, model):
    if isinstance(model, SoftGBMClassifier | SoftGBMRegressor):
        return _gbm(g, z, model)
    if isinstance(model, SoftMLPClassifier | SoftMLPRegressor):
        return _mlp(g, z, model)
    if isinstance(model, SoftLogisticRegression):
        return _linear(g, z, model)
    return _tree(g, z, model)


# ---- converters -------------------------------------------------------------------------------


def _encoding_dtype(model):
    """float64 for an MLP with piecewise-linear inputs (see ``_mlp``), else float32."""
    return np.float32 if getattr(model, "pieces_", None) is None else np.float64


def _sharpened(g, P, temperature):
    """``skdistill.students._base.sharpen``: back from temperature T to 1."""
    eps = g.const([1e-12])
    P = g.node("Max", [P, g.const([0.0])])
    if temperature != 1.0:
        P = g.node("Exp", [g.node("Mul", [g.node("Log", [g.node("Max", [P, eps])]),
                                           g.const([temperature])])])  # fmt: skip
    total = g.node("Max", [g.node("ReduceSum", [P, g.const([1], np.int64)], keepdims=1), eps])
    return g.node("Div", [P, total])


def convert_classifier(scope, operator, container):
    """Label and probabilities of a classifier student (or a distiller's)."""
    model = student_of(operator.raw_operator)
    if isinstance(model, ADAPTERS):
        return convert_adapter_classifier(scope, operator, container, model)
    g = _Graph(scope, container, _encoding_dtype(model))
    out = _model_outputs(g, encoded_input(g, operator, model), model)
    if isinstance(model, SoftTreeClassifier) and model.target == "proba":
        proba = _sharpened(g, out, model.temperature_)
        g.node("Identity", [proba], operator.outputs[1].full_name)
    else:
        proba = g.node("Softmax", [out], operator.outputs[1].full_name, axis=1)
    index = g.node("ArgMax", [proba], axis=1, keepdims=0)
    classes, label_type = _class_labels(model)
    if label_type is StringTensorType:
        name = scope.get_unique_variable_name("classes")
        container.add_initializer(name, TensorProto.STRING, [len(classes)], classes.tolist())
    else:
        name = g.const(classes, np.int64)
    g.node("Gather", [name, index], operator.outputs[0].full_name, axis=0)


def convert_regressor(scope, operator, container):
    """Predictions of a regressor student (or a distiller's), shape (N, n_outputs)."""
    model = student_of(operator.raw_operator)
    if isinstance(model, ADAPTERS):
        return convert_adapter_regressor(scope, operator, container, model)
    g = _Graph(scope, container, _encoding_dtype(model))
    out = _model_outputs(g, encoded_input(g, operator, model), model)
    if isinstance(model, SoftMLPRegressor):
        out = g.node("Add", [g.node("Mul", [out, g.const(model.target_scale_)]),
                             g.const(model.target_mean_)])  # fmt: skip
    g.node("Identity", [out], operator.outputs[0].full_name)

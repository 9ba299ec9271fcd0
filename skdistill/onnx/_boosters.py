"""A GBM student's boosters in ONNX, through onnxmltools' LightGBM and XGBoost converters.

The student's outputs are not the library's: the multiclass objective is a custom soft
cross-entropy, and predictions are ``softmax(T * (init + margins))``. So each output's trees
go to onnxmltools as a plain single-output regression ensemble (LightGBM: a model dump with
the objective set to "regression"; XGBoost: a squared-error model with base score 0), which
it writes as a ``TreeEnsembleRegressor`` of raw margin sums with the library's own routing of
missing values and categorical splits. The converters are called inside skdistill's
converter with small stand-ins for the operator and the model (what onnxmltools reads of
them: the dump, the parameters, the output names).
"""

import json
from types import SimpleNamespace

import numpy as np

from ..deploy._boosters import xgboost_base_margin


class _MockBooster:
    """A LightGBM model dump in the guise onnxmltools accepts for a booster (``is_mock``)."""

    is_mock = True

    def __init__(self, dump):
        self._dump = dump

    def dump_model(self, *args, **kwargs):
        return self._dump


def _single_output_dumps(dump):
    """The dump as one single-output regression dump per output (class), exact for
    onnxmltools: its regressor writes raw margin sums, where its classifier would apply
    LightGBM's objective, which is not the student's (custom softmax, temperature)."""
    per_iteration = int(dump["num_tree_per_iteration"])
    parts = []
    for k in range(per_iteration):
        part = {key: v for key, v in dump.items() if key != "tree_info"}
        part.update(objective="regression", num_class=1, num_tree_per_iteration=1)
        part["tree_info"] = [
            {**tree, "tree_structure": _exact_for_float32(tree["tree_structure"])}
            for tree in dump["tree_info"][k::per_iteration]
        ]
        parts.append(part)
    return parts


def _exact_for_float32(tree):
    """A tree whose splits onnxruntime (float32 inputs and thresholds) routes like LightGBM:
    NaN read as 0 ("None") or sent the default way ("NaN") as a plain default direction, and
    thresholds rounded down to float32 (``x <= t`` and ``x <= float32 below t`` agree on
    float32 ``x``)."""
    if "split_index" not in tree:
        return dict(tree)
    node = {k: v for k, v in tree.items() if k not in ("left_child", "right_child")}
    if node["decision_type"] == "==":
        node["default_left"] = False  # LightGBM sends NaN right at a categorical split
    else:
        threshold = float(node["threshold"])
        if node["missing_type"] == "Zero":
            raise TypeError(
                "This LightGBM booster treats zero as missing (zero_as_missing=True), which "
                "ONNX trees cannot express; use skdistill.deploy.export_predictor."
            )
        if node["missing_type"] == "None":
            node["default_left"] = 0.0 <= threshold
        largest = float(np.finfo(np.float32).max)  # LightGBM writes +-1e300 for infinity
        t32 = np.float32(min(max(threshold, -largest), largest))
        if float(t32) > threshold:
            t32 = np.nextafter(t32, np.float32(-np.inf))
        node.update(threshold=float(t32), missing_type="NaN")
    node["left_child"] = _exact_for_float32(tree["left_child"])
    node["right_child"] = _exact_for_float32(tree["right_child"])
    return node


class _TreeOpsV1:
    """The container, with onnxmltools' TreeEnsembleRegressor nodes pinned to ai.onnx.ml
    version 1 (left unpinned they take the newest, 5, which skl2onnx refuses to write)."""

    def __init__(self, container):
        self._container = container

    def __getattr__(self, name):
        return getattr(self._container, name)

    def add_node(self, op_type, *args, **kwargs):
        if op_type == "TreeEnsembleRegressor":
            kwargs.setdefault("op_version", 1)
        return self._container.add_node(op_type, *args, **kwargs)


def _lightgbm_margins(g, z, booster):
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm

    margins = []
    for dump in _single_output_dumps(booster.dump_model()):
        out = g.scope.get_unique_variable_name("margin")
        operator = SimpleNamespace(
            raw_operator=SimpleNamespace(booster_=_MockBooster(dump), boosting_type="gbdt"),
            full_name=g.scope.get_unique_operator_name("LightGbm"),
            input_full_names=[z],
            output_full_names=[out],
            split=None,
        )
        convert_lightgbm(g.scope, operator, _TreeOpsV1(g.container))
        margins.append(out)
    return margins


class _XGBoostTrees:
    """Some trees of an XGBoost booster as a squared-error model with base score 0, as
    onnxmltools' XGBoost regressor converter reads a model (parameters, config, dump)."""

    kwargs = {}  # onnxmltools reads get_xgb_params() when this exists

    def __init__(self, dumps):
        self._dumps = dumps

    def get_xgb_params(self):
        return {"objective": "reg:squarederror"}

    def get_booster(self):
        return self

    def get_dump(self, **kwargs):
        return self._dumps

    def save_config(self):
        params = {"base_score": "[0]", "num_class": "0", "num_target": "1"}
        return json.dumps({"learner": {"learner_model_param": params}})


def _xgboost_margins(g, z, booster):
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import XGBRegressorConverter

    model = json.loads(booster.save_raw("json"))
    groups = model["learner"]["gradient_booster"]["model"]["tree_info"]
    dumps = booster.get_dump(with_stats=True, dump_format="json")
    base = xgboost_base_margin(model)
    margins = []
    for k in range(max(groups) + 1):
        trees = [d for d, group in zip(dumps, groups, strict=True) if group == k]
        out = g.scope.get_unique_variable_name("margin")
        operator = SimpleNamespace(
            raw_operator=_XGBoostTrees(trees),
            inputs=[z],
            input_full_names=[z],
            output_full_names=[out],
        )
        XGBRegressorConverter.convert(g.scope, operator, _TreeOpsV1(g.container))
        margins.append(g.node("Add", [out, g.const([base[k] if len(base) > 1 else base[0]])]))
    return margins


def gbm_margins(g, z, model):
    """Raw margins (N, n_outputs) of a fitted SoftGBMClassifier / SoftGBMRegressor on the
    encoded input ``z``: one single-output ensemble per class (or per regression output)."""
    boosters = [model.booster_] if hasattr(model, "booster_") else model.boosters_
    margins_of = _xgboost_margins if model.backend == "xgboost" else _lightgbm_margins
    margins = [m for booster in boosters for m in margins_of(g, z, booster)]
    return g.node("Concat", margins, axis=1) if len(margins) > 1 else margins[0]

"""The GBM students' boosters as flat numpy arrays, for the predictor's tree-ensemble kernel.

All trees of all boosters go into one set of node arrays (``gbm_*``), leaves included (a
leaf is its own left child, which is how the kernel knows it). Each
library's routing rules become per-node data the kernel applies the same way:

- numeric split ``x <= threshold`` (LightGBM; XGBoost's ``x < t`` in float32 is
  ``x <= nextafter(t, -inf)`` on float32 inputs, so its inputs are rounded to float32 first);
- ``nan_left``: where NaN goes. LightGBM's ``missing_type`` "NaN" sends it the default way,
  "None" reads it as 0.0 (so it goes where 0.0 goes), "Zero" treats it, and any value within
  1e-35 of 0, as missing (``zero_missing``, sent the default way);
- categorical splits: a row of ``gbm_cat_member`` per node marks the node's categories
  (codes); a listed code goes left unless ``other_left``, any other code (unlisted, negative,
  too large) goes ``other_left``. LightGBM sends the listed categories left and everything
  else, NaN included, right; XGBoost sends the listed categories right, other codes left and
  NaN the default way.
"""

import json

import numpy as np


class _Nodes:
    """Accumulates nodes of several trees into flat lists."""

    def __init__(self):
        self.columns = {
            k: []
            for k in (
                "feature",
                "threshold",
                "left",
                "right",
                "nan_left",
                "zero_missing",
                "zero_left",
                "cat",
                "other_left",
                "value",
            )
        }
        self.cat_sets = []  # the listed codes of each categorical node
        self.roots, self.groups = [], []

    def add(self, **fields):
        at = len(self.columns["feature"])
        defaults = {"feature": 0, "threshold": 0.0, "left": at, "right": at, "nan_left": 0,
                    "zero_missing": 0, "zero_left": 0, "cat": -1, "other_left": 0,
                    "value": 0.0}  # fmt: skip
        for key, column in self.columns.items():
            column.append(fields.get(key, defaults[key]))
        return at

    def set(self, at, **fields):
        for key, value in fields.items():
            self.columns[key][at] = value

    def add_categorical(self, codes):
        self.cat_sets.append(np.asarray(codes, dtype=np.intp))
        return len(self.cat_sets) - 1

    def arrays(self, n_groups):
        c = self.columns
        out = {
            "gbm_feature": np.asarray(c["feature"], np.int32),
            "gbm_threshold": np.asarray(c["threshold"], np.float64),
            "gbm_left": np.asarray(c["left"], np.int32),
            "gbm_right": np.asarray(c["right"], np.int32),
            "gbm_nan_left": np.asarray(c["nan_left"], np.uint8),
            "gbm_zero_missing": np.asarray(c["zero_missing"], np.uint8),
            "gbm_zero_left": np.asarray(c["zero_left"], np.uint8),
            "gbm_cat": np.asarray(c["cat"], np.int32),
            "gbm_other_left": np.asarray(c["other_left"], np.uint8),
            "gbm_value": np.asarray(c["value"], np.float64),
            "gbm_roots": np.asarray(self.roots, np.int32),
        }
        groups = np.zeros((len(self.roots), n_groups))
        groups[np.arange(len(self.roots)), self.groups] = 1.0
        out["gbm_groups"] = groups
        width = max([int(c.max()) + 1 for c in self.cat_sets if len(c)], default=0)
        table = np.zeros((len(self.cat_sets), width), dtype=np.uint8)
        for i, codes in enumerate(self.cat_sets):
            table[i, codes] = 1
        out["gbm_cat_member"] = table
        return out


# ---- LightGBM -----------------------------------------------------------------------------


def _lightgbm_tree(nodes, tree):
    """Add one LightGBM tree (a ``dump_model`` tree structure); return its root index."""
    if "split_index" not in tree:
        return nodes.add(value=float(tree["leaf_value"]))
    at = nodes.add(feature=int(tree["split_feature"]))
    default_left = int(bool(tree["default_left"]))
    if tree["decision_type"] == "==":
        codes = [int(c) for c in str(tree["threshold"]).split("||")]
        nodes.set(at, cat=nodes.add_categorical(codes), nan_left=0, other_left=0)
    elif tree["decision_type"] == "<=":
        threshold = float(tree["threshold"])
        missing = tree["missing_type"]
        if missing == "NaN":
            nan_left = default_left
        elif missing == "Zero":
            nan_left = default_left
            nodes.set(at, zero_missing=1, zero_left=default_left)
        else:  # "None": NaN is read as 0.0
            nan_left = int(0.0 <= threshold)
        nodes.set(at, threshold=threshold, nan_left=nan_left)
    else:  # pragma: no cover - LightGBM writes only these two
        raise ValueError(f"Unknown LightGBM decision type {tree['decision_type']!r}.")
    left = _lightgbm_tree(nodes, tree["left_child"])
    right = _lightgbm_tree(nodes, tree["right_child"])
    nodes.set(at, left=left, right=right)
    return at


def _add_lightgbm(nodes, booster, group=None):
    """Add a LightGBM booster's trees; tree ``i`` adds to output ``i % n_per_iteration``
    (or to ``group`` for a single-output booster among several)."""
    dump = booster.dump_model()
    if dump.get("average_output") or dump.get("linear_tree"):  # pragma: no cover
        raise TypeError("Random-forest or linear-tree LightGBM boosters are not supported.")
    per_iteration = int(dump["num_tree_per_iteration"])
    for i, info in enumerate(dump["tree_info"]):
        nodes.roots.append(_lightgbm_tree(nodes, info["tree_structure"]))
        nodes.groups.append(i % per_iteration if group is None else group)
    return per_iteration


# ---- XGBoost ------------------------------------------------------------------------------


def xgboost_base_margin(model):
    """The margin XGBoost adds to the trees: its ``base_score`` through the objective's link."""
    learner = model["learner"]
    raw = learner["learner_model_param"]["base_score"]
    base = np.atleast_1d(np.asarray(json.loads(raw) if raw.startswith("[") else float(raw)))
    objective = learner["objective"]["name"]
    if objective == "binary:logistic":
        return np.log(base / (1.0 - base))
    if objective in ("reg:squarederror", "multi:softprob", "multi:softmax"):
        return base
    raise TypeError(f"XGBoost objective {objective!r} is not supported by the predictor.")


def _xgboost_tree(nodes, tree):
    """Add one XGBoost tree (from its JSON model); return its root index."""
    left, right = tree["left_children"], tree["right_children"]
    offset = len(nodes.columns["feature"])
    categorical = dict(
        zip(
            tree.get("categories_nodes", []),
            zip(tree.get("categories_segments", []), tree.get("categories_sizes", []), strict=True),
            strict=True,
        )
    )
    split_type = tree.get("split_type", [0] * len(left))
    categories = tree.get("categories", [])
    for i in range(len(left)):
        if left[i] == -1:
            nodes.add(value=float(np.float32(tree["split_conditions"][i])))
            continue
        fields = {
            "feature": int(tree["split_indices"][i]),
            "left": offset + int(left[i]),
            "right": offset + int(right[i]),
            "nan_left": int(tree["default_left"][i]),
        }
        if split_type[i] == 1:
            start, size = categorical[i]
            listed = [int(c) for c in categories[start : start + size]]  # these go right
            fields.update(cat=nodes.add_categorical(listed), other_left=1)
        else:  # x < t on float32 values is x <= (the float32 just below t)
            t = np.float32(tree["split_conditions"][i])
            fields["threshold"] = float(np.nextafter(t, np.float32(-np.inf)))
        nodes.add(**fields)
    return offset


def _add_xgboost(nodes, booster, group=None):
    model = json.loads(booster.save_raw("json"))
    gbm = model["learner"]["gradient_booster"]
    if gbm["name"] != "gbtree":  # pragma: no cover - the students train gbtree
        raise TypeError(f"XGBoost {gbm['name']!r} boosters are not supported by the predictor.")
    trees = gbm["model"]["trees"]
    for tree, tree_group in zip(trees, gbm["model"]["tree_info"], strict=True):
        nodes.roots.append(_xgboost_tree(nodes, tree))
        nodes.groups.append(int(tree_group) if group is None else group)
    return xgboost_base_margin(model)


# ---- the students -------------------------------------------------------------------------


def gbm_arrays(model):
    """Metadata and arrays of a fitted SoftGBMClassifier / SoftGBMRegressor."""
    nodes = _Nodes()
    xgb = model.backend == "xgboost"
    add = _add_xgboost if xgb else _add_lightgbm
    is_classifier = hasattr(model, "classes_")
    if is_classifier:
        n_groups = 1 if len(model.classes_) == 2 else len(model.classes_)
        base = add(nodes, model.booster_)
        base = np.zeros(n_groups) + (base if xgb else 0.0)
    else:
        boosters = model.boosters_
        n_groups = len(boosters)
        base = np.zeros(n_groups)
        for b, booster in enumerate(boosters):
            margin = add(nodes, booster, group=b)
            base[b] += margin[0] if xgb else 0.0
    arrays = nodes.arrays(n_groups)
    arrays["gbm_base"] = base
    meta = {"model": "gbm", "float32_input": bool(xgb)}
    if not is_classifier:
        return {**meta, "single_output": model._n_outputs == 1}, arrays
    arrays["gbm_init"] = np.atleast_1d(np.asarray(model.init_score_, dtype=np.float64))
    output = "gbm_binary" if n_groups == 1 else "gbm_softmax"
    return {**meta, "output": output, "temperature": float(model.temperature_)}, arrays

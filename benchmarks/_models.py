"""Teachers, students and the compiled teacher of the benchmark.

Teachers are trained here on the train part of a split, early-stopped on a validation part
taken from it (15%, fixed by the seed); the students then see the whole train part.
"""

import inspect
import time

import numpy as np

from skdistill import DistilledClassifier

VALIDATION_FRACTION = 0.15
EARLY_STOPPING_ROUNDS = 50

TEACHERS = ("lightgbm", "xgboost", "rf")
STUDENTS = ("mlp", "tree", "gbm", "linear")

# The distillers' own default, so that the suite measures what users get.
DEFAULT_N_SAMPLES = inspect.signature(DistilledClassifier).parameters["n_samples"].default

STUDENT_DESCRIPTIONS = {
    "mlp": "SoftMLP 2x64",
    "tree": "SoftTree depth 8",
    "gbm": "SoftGBM 30 trees x 15 leaves",
    "linear": "SoftLogisticRegression / Ridge",
}


def validation_split(split, seed):
    """Indices (fit, validation) of the train part, for early stopping and the search."""
    from sklearn.model_selection import train_test_split

    y = split.y_train
    stratify = y if split.spec.task == "classification" else None
    return train_test_split(
        np.arange(len(y)), test_size=VALIDATION_FRACTION, random_state=seed, stratify=stratify
    )


def rows(X, idx):
    return X.iloc[idx] if hasattr(X, "iloc") else X[idx]


def fit_lightgbm(
    X_fit,
    y_fit,
    X_val,
    y_val,
    *,
    classification,
    n_estimators,
    seed,
    learning_rate=0.1,
    early_stopping_rounds=EARLY_STOPPING_ROUNDS,
    n_jobs=None,
):
    """A LightGBM teacher (63 leaves) early-stopped on ``(X_val, y_val)``: the one way every
    benchmark fits its LightGBM teachers."""
    import lightgbm as lgb

    cls = lgb.LGBMClassifier if classification else lgb.LGBMRegressor
    model = cls(
        n_estimators=n_estimators,
        learning_rate=learning_rate,
        num_leaves=63,
        min_child_samples=20,
        random_state=seed,
        n_jobs=n_jobs,
        verbose=-1,
    )
    # lightgbm >= 4.7 takes eval_X/eval_y and deprecates eval_set.
    if "eval_X" in inspect.signature(model.fit).parameters:
        eval_kwargs = {"eval_X": (X_val,), "eval_y": (y_val,)}
    else:
        eval_kwargs = {"eval_set": [(X_val, y_val)]}
    callbacks = [lgb.early_stopping(early_stopping_rounds, verbose=False)]
    return model.fit(X_fit, y_fit, callbacks=callbacks, **eval_kwargs)


def fit_teacher(name, split, seed, *, max_trees):
    """Train teacher ``name`` on the split's train part; return (model, info dict)."""
    classification = split.spec.task == "classification"
    fit_idx, val_idx = validation_split(split, seed)
    X_fit, y_fit = rows(split.X_train, fit_idx), split.y_train[fit_idx]
    X_val, y_val = rows(split.X_train, val_idx), split.y_train[val_idx]
    # Multiclass boosting grows one tree per class and iteration; the cap is on all trees.
    per_iter = split.n_classes if classification and split.n_classes > 2 else 1
    max_iter = max(10, max_trees // per_iter)
    tic = time.perf_counter()
    if name == "lightgbm":
        model = fit_lightgbm(
            X_fit,
            y_fit,
            X_val,
            y_val,
            classification=classification,
            n_estimators=max_iter,
            seed=seed,
            n_jobs=2,
        )
        # best_iteration_ is 0 when early stopping never triggered: all trees are used.
        n_iter = int(model.best_iteration_ or max_iter)
        info = {
            "description": f"LightGBM, {n_iter} iterations x 63 leaves, lr 0.1 (early-stopped)",
            "n_iterations": n_iter,
            "n_trees": n_iter * per_iter,
        }
    elif name == "xgboost":
        import xgboost as xgb

        cls = xgb.XGBClassifier if classification else xgb.XGBRegressor
        model = cls(
            n_estimators=max_iter,
            learning_rate=0.1,
            max_depth=8,
            subsample=0.8,
            colsample_bytree=0.8,
            tree_method="hist",
            enable_categorical=True,
            early_stopping_rounds=EARLY_STOPPING_ROUNDS,
            random_state=seed,
            n_jobs=2,
        )
        model.fit(X_fit, y_fit, eval_set=[(X_val, y_val)], verbose=False)
        n_iter = int(model.best_iteration) + 1
        info = {
            "description": f"XGBoost, {n_iter} iterations, depth 8, lr 0.1 (early-stopped)",
            "n_iterations": n_iter,
            "n_trees": n_iter * per_iter,
        }
    elif name == "rf":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        cls = RandomForestClassifier if classification else RandomForestRegressor
        forest = cls(
            n_estimators=200,
            max_features="sqrt" if classification else 0.5,
            n_jobs=2,
            random_state=seed,
        )
        model = _with_ordinal_categories(forest, split)
        # No early stopping: a forest uses the whole train part.
        model.fit(split.X_train, split.y_train)
        info = {"description": "random forest, 200 trees, full depth", "n_trees": 200}
    else:
        raise ValueError(f"unknown teacher {name!r}; choose from {TEACHERS}")
    info["fit_seconds"] = time.perf_counter() - tic
    return model, info


def _with_ordinal_categories(estimator, split):
    """A Pipeline (ordinal-encode the categorical columns, then ``estimator``) if needed."""
    if not split.spec.categorical:
        return estimator
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    encode = ColumnTransformer(
        [
            (
                "categories",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=np.nan,
                    encoded_missing_value=np.nan,
                ),
                list(split.spec.categorical),
            )
        ],
        remainder="passthrough",
    )
    return Pipeline([("encode", encode), ("model", estimator)])


def make_student(name, task, seed):
    """A fresh, unfitted student of kind ``name`` for ``task``."""
    classification = task == "classification"
    from skdistill import students

    if name == "mlp":
        cls = students.SoftMLPClassifier if classification else students.SoftMLPRegressor
        return cls(hidden_layer_sizes=(64, 64), random_state=seed)
    if name == "tree":
        cls = students.SoftTreeClassifier if classification else students.SoftTreeRegressor
        return cls(max_depth=8, random_state=seed)
    if name == "gbm":
        cls = students.SoftGBMClassifier if classification else students.SoftGBMRegressor
        return cls(n_estimators=30, num_leaves=15, random_state=seed, n_jobs=2)
    if name == "linear":
        if classification:
            return students.SoftLogisticRegression()
        # No logistic model for regression: scaled Ridge, a plain sklearn regressor that the
        # distiller wraps through skdistill.students.as_student.
        from sklearn.linear_model import Ridge
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), Ridge(alpha=1.0))
    raise ValueError(f"unknown student {name!r}; choose from {STUDENTS}")


def make_sampler(name):
    """A sampler of the search grid by name ("default" is the distiller's default)."""
    if name == "default":
        return "default"
    from skdistill import samplers

    return getattr(samplers, name)()


# --------------------------------------------------------------------------------------------
# compiled teacher


def compile_teacher(model, split, workdir, nthread=None):
    """Compile a LightGBM teacher to a shared library with treelite + tl2cgen.

    Returns (predict function X -> probabilities / values, info dict). Raises ImportError
    when treelite or tl2cgen is missing (``pip install skdistill[bench]``).
    """
    import tl2cgen
    import treelite

    tic = time.perf_counter()
    tl_model = treelite.frontend.from_lightgbm(model.booster_)
    libpath = str(workdir / "teacher.so")
    tl2cgen.export_lib(
        tl_model, toolchain="gcc", libpath=libpath, params={"parallel_comp": 4}, nthread=nthread
    )
    predictor = tl2cgen.Predictor(libpath, nthread=nthread)
    compile_seconds = time.perf_counter() - tic
    categorical = list(split.spec.categorical)
    classification = split.spec.task == "classification"

    def to_matrix(X):
        if not hasattr(X, "iloc"):
            return np.asarray(X, dtype=np.float64)
        # LightGBM sees a pandas category as its integer code; missing as NaN.
        X = X.copy()
        for col in categorical:
            codes = X[col].cat.codes.to_numpy(dtype=np.float64)
            codes[codes < 0] = np.nan
            X[col] = codes
        return X.to_numpy(dtype=np.float64)

    def predict(X):
        out = predictor.predict(tl2cgen.DMatrix(to_matrix(X), dtype="float64"))
        out = np.asarray(out, dtype=np.float64).reshape(len(X), -1)
        if not classification:
            return out[:, 0]
        if out.shape[1] == 1:
            return np.column_stack([1.0 - out[:, 0], out[:, 0]])
        return out

    import os

    info = {
        "method": f"treelite {treelite.__version__} + tl2cgen {tl2cgen.__version__} (gcc)",
        "compile_seconds": compile_seconds,
        "size_bytes": os.path.getsize(libpath),
    }
    return predict, info

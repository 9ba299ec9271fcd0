"""``skdistill distill / report / predict`` end to end: the installed command on real files."""

import re

import numpy as np
import pandas as pd
import pytest
from _cli_helpers import assert_one_line_error, make_table, run, write_models

FAST = ("--n-samples", "1", "--random-state", "0")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    table = make_table()
    paths = write_models(folder, table)
    paths["csv"] = folder / "train.csv"
    table.to_csv(paths["csv"], index=False)
    paths["parquet"] = folder / "train.parquet"
    table.to_parquet(paths["parquet"], index=False)
    paths["folder"] = folder
    return paths


def _distill(files, teacher, data, out, *extra):
    result = run("distill", "--teacher", files[teacher], "--data", files[data], "--out", out,
                 *FAST, *extra)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (out / "student.skops").is_file() and (out / "student.joblib").is_file()
    return result.stdout


def test_lightgbm_text_teacher_on_csv_with_labels(files, tmp_path):
    out = _distill(files, "lightgbm", "csv", tmp_path, "--target", "label", "--student", "tree")
    assert "the labels no, yes" in out  # a Booster's classes 0..1 named from the target
    # The deployable numpy-only predictor predicts as the student does.
    import joblib

    from skdistill.deploy import load

    student = joblib.load(tmp_path / "student.joblib")
    rows = pd.read_csv(files["csv"]).drop(columns="label").head(50)
    np.testing.assert_allclose(
        load(tmp_path / "student.npz").predict_proba(rows), student.predict_proba(rows)
    )
    assert re.search(r"accuracy\s+[01]\.\d+\s+[01]\.\d+", out), out
    assert "fidelity (agreement)" in out and "single-row latency" in out

    predictions = tmp_path / "predictions.csv"
    result = run("predict", "--model", tmp_path / "student.skops", "--data", files["csv"],
                 "--target", "label", "--out", predictions)  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = pd.read_csv(predictions)
    assert list(written.columns) == ["prediction", "proba_no", "proba_yes"]
    assert len(written) == 300 and set(written["prediction"]) <= {"no", "yes"}
    truth = pd.read_csv(files["csv"])["label"]
    assert (written["prediction"] == truth).mean() > 0.8


def test_xgboost_json_teacher_on_parquet_without_labels(files, tmp_path):
    table = pd.read_parquet(files["parquet"]).drop(columns="label")
    unlabeled = tmp_path / "rows.parquet"
    table.to_parquet(unlabeled)
    files = {**files, "unlabeled": unlabeled}
    out = _distill(files, "xgboost-json", "unlabeled", tmp_path / "s", "--student", "mlp",
                   "--size", "8", "--input-bins", "8")  # fmt: skip
    assert "no --target" in out and "accuracy" not in out and "fidelity" in out
    import joblib

    model = joblib.load(tmp_path / "s" / "student.joblib")
    student = getattr(model, "student_", model)
    assert student.input_bins == 8 and student.pieces_ is not None

    predictions = tmp_path / "p.parquet"
    result = run("predict", "--model", tmp_path / "s" / "student.skops", "--data", unlabeled,
                 "--out", predictions)  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = pd.read_parquet(predictions)
    assert set(written["prediction"]) <= {0, 1} and len(written) == 300
    np.testing.assert_allclose(written[["proba_0", "proba_1"]].sum(axis=1), 1.0)


@pytest.mark.parametrize("teacher", ["xgboost-ubj", "skops"])
def test_ubj_and_skops_teachers(files, tmp_path, teacher):
    out = _distill(files, teacher, "csv", tmp_path, "--target", "label", "--student", "gbm",
                   "--size", "5")  # fmt: skip
    assert "SoftGBMClassifier" in out


def test_joblib_teacher_loads_with_trust(files, tmp_path):
    out = _distill(files, "joblib", "csv", tmp_path, "--target", "label", "--trust",
                   "--student", "linear", "--sampler", "none")  # fmt: skip
    assert "LGBMClassifier" in out


def test_regression_teacher(tmp_path):
    import lightgbm
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=200, n_features=3, noise=1.0, random_state=0)
    table = pd.DataFrame(X, columns=["x0", "x1", "x2"]).assign(price=y)
    table.to_csv(tmp_path / "houses.csv", index=False)
    booster = lightgbm.train({"objective": "regression", "verbose": -1, "num_threads": 1},
                             lightgbm.Dataset(table[["x0", "x1", "x2"]], label=y), 20)  # fmt: skip
    booster.save_model(str(tmp_path / "reg.txt"))
    files = {"reg": tmp_path / "reg.txt", "csv": tmp_path / "houses.csv"}
    out = _distill(files, "reg", "csv", tmp_path / "s", "--target", "price", "--student", "tree")
    assert "regression" in out and "R²" in out
    refused = run("distill", "--teacher", files["reg"], "--data", files["csv"], "--out",
                  tmp_path / "t", "--target", "price", "--temperature", "2")  # fmt: skip
    assert_one_line_error(refused, "--temperature is for classification")

    html = tmp_path / "r.html"
    result = run("report", "--teacher", files["reg"], "--model", tmp_path / "s" / "student.skops",
                 "--data", files["csv"], "--target", "price", "--html", html)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert html.read_text().count("<img") == 1


def test_report_compares_candidates_in_html(files, tmp_path):
    for kind in ("tree", "linear"):
        _distill(files, "lightgbm", "csv", tmp_path / kind, "--target", "label",
                 "--student", kind)  # fmt: skip
    html = tmp_path / "report.html"
    result = run("report", "--teacher", files["lightgbm"], "--data", files["csv"],
                 "--model", tmp_path / "tree" / "student.skops",
                 "--model", tmp_path / "linear" / "student.skops",
                 "--target", "label", "--html", html)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("distillation report") == 2
    page = html.read_text()
    # agreement against confidence, calibration, and quality against latency
    assert page.count('<img alt="') == 3 and page.count("data:image/png;base64,") == 3
    assert "Quality against latency" in page and "http" not in page.replace("http-equiv", "")


def test_text_columns_are_categories_and_the_student_saves(tmp_path):
    """A text column reaches the teachers as a pandas category, and the student trained on
    it is written to and read back from skops (its encoder keeps no pandas objects)."""
    import xgboost

    rng = np.random.default_rng(0)
    table = pd.DataFrame({"x": rng.normal(size=200), "colour": rng.choice(["red", "blue"], 200)})
    table["y"] = ((table["x"] > 0) ^ (table["colour"] == "red")).astype(int)
    table.to_csv(tmp_path / "t.csv", index=False)
    X = table[["x", "colour"]].astype({"colour": "category"})
    model = xgboost.XGBClassifier(n_estimators=20, max_depth=3, enable_categorical=True)
    model.fit(X, table["y"]).save_model(tmp_path / "xgb.json")
    files = {"xgb": tmp_path / "xgb.json", "csv": tmp_path / "t.csv"}
    _distill(files, "xgb", "csv", tmp_path / "s", "--target", "y", "--student", "tree")
    result = run("predict", "--model", tmp_path / "s" / "student.skops", "--data",
                 files["csv"], "--target", "y", "--out", tmp_path / "p.csv")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (pd.read_csv(tmp_path / "p.csv")["prediction"] == table["y"]).mean() > 0.8

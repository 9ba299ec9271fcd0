"""Every user error of the ``skdistill`` command is one line on stderr and a non-zero exit."""

import shutil

import pandas as pd
import pytest
from _cli_helpers import assert_one_line_error, make_table, run, write_models

from skdistill.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_errors")
    table = make_table(n=120)
    paths = write_models(folder, table)
    paths["csv"] = folder / "train.csv"
    table.to_csv(paths["csv"], index=False)
    paths["folder"] = folder
    return paths


def _table(files, name, frame):
    path = files["folder"] / name
    frame.to_csv(path, index=False)
    return path


def _distill(files, teacher, data, *extra):
    return run("distill", "--teacher", teacher, "--data", data, "--out",
               files["folder"] / "out", "--n-samples", "1", *extra)  # fmt: skip


def test_missing_files(files):
    result = _distill(files, files["folder"] / "nope.txt", files["csv"])
    assert_one_line_error(result, "nope.txt", "no such file")
    result = _distill(files, files["lightgbm"], files["folder"] / "nope.csv")
    assert_one_line_error(result, "nope.csv", "no such file")


def test_unknown_formats(files):
    table = files["folder"] / "train.xlsx"
    shutil.copy(files["csv"], table)
    assert_one_line_error(_distill(files, files["lightgbm"], table), "unknown table format")
    model = files["folder"] / "teacher.bin"
    shutil.copy(files["lightgbm"], model)
    assert_one_line_error(_distill(files, model, files["csv"]), "unknown model format")


@pytest.mark.parametrize(
    "source, name, says",
    [
        ("lightgbm", "lgb.json", "LightGBM model text file"),
        ("xgboost-json", "xgb.txt", "XGBoost JSON model"),
        ("xgboost-ubj", "xgb.json", "XGBoost UBJSON model"),
        ("skops", "model.joblib", "skops file"),
        ("joblib", "model.skops", "pickle or joblib"),
    ],
)
def test_a_model_named_with_another_format_extension(files, source, name, says):
    renamed = files["folder"] / name
    shutil.copy(files[source], renamed)
    result = _distill(files, renamed, files["csv"], "--trust")
    assert_one_line_error(result, name, says, "rename it")


def test_truncated_model_file(files):
    broken = files["folder"] / "broken.txt"
    broken.write_text(files["lightgbm"].read_text()[:200])
    assert_one_line_error(_distill(files, broken, files["csv"]), "broken.txt", "cannot be read as")


def test_pickle_needs_trust(files):
    result = _distill(files, files["joblib"], files["csv"])
    assert_one_line_error(result, "--trust")


def test_columns_missing_or_extra(files):
    table = pd.read_csv(files["csv"])
    missing = _table(files, "missing.csv", table.drop(columns="b"))
    assert_one_line_error(_distill(files, files["lightgbm"], missing, "--target", "label"),
                          "missing", "b")  # fmt: skip
    extra = _table(files, "extra.csv", table.assign(e=1.0))
    assert_one_line_error(_distill(files, files["lightgbm"], extra, "--target", "label"),
                          "not trained on", "e")  # fmt: skip
    # A label column not named with --target is an extra column too.
    assert_one_line_error(_distill(files, files["lightgbm"], files["csv"]), "label", "--target")


def test_target_absent_empty_table_one_class(files):
    result = _distill(files, files["lightgbm"], files["csv"], "--target", "price")
    assert_one_line_error(result, "no target column 'price'")
    empty = files["folder"] / "empty.csv"
    empty.write_text("a,b,c,d,label\n")
    assert_one_line_error(_distill(files, files["lightgbm"], empty), "empty")
    one_class = _table(files, "one.csv", pd.read_csv(files["csv"]).assign(label="yes"))
    result = _distill(files, files["lightgbm"], one_class, "--target", "label")
    assert_one_line_error(result, "single class")


def test_teacher_incompatible_with_the_table(files):
    # The LightGBM model was trained on numbers; it refuses a text column in their place.
    table = pd.read_csv(files["csv"]).assign(a="text")
    path = _table(files, "text.csv", table)
    result = _distill(files, files["lightgbm"], path, "--target", "label")
    assert_one_line_error(result, "text.csv", "the teacher cannot predict on this table")
    # A regression target for a classifier: labels the teacher does not know.
    numbers = _table(files, "numbers.csv", pd.read_csv(files["csv"]).assign(label=[0, 1, 2] * 40))
    result = _distill(files, files["lightgbm"], numbers, "--target", "label")
    assert_one_line_error(result, "not the teacher's classes")


@pytest.mark.parametrize(
    "args, says",
    [
        (["demo", "--random-state", "x"], "--random-state"),
        (["demo", "--verbose", "-1"], "--verbose"),
        (["distill", "--teacher", "t.txt", "--data", "d.csv", "--out", "o", "--temperature", "0"],
         "--temperature"),
        (["distill", "--teacher", "t.txt", "--data", "d.csv", "--out", "o", "--n-samples", "-1"],
         "--n-samples"),
        (["distill", "--teacher", "t.txt", "--data", "d.csv"], "--out"),
        (["distill", "--teacher", "t.txt", "--data", "d.csv", "--out", "o", "--student", "svm"],
         "--student"),
        (["report", "--teacher", "t.txt", "--data", "d.csv"], "--model"),
        (["predict", "--model", "m.skops", "--data", "d.csv", "--out", "o.csv"], "m.skops"),
        ([], "demo"),
    ],
)  # fmt: skip
def test_bad_options_are_one_line(args, says, capsys):
    try:
        code = main(args)
    except SystemExit as exit_info:  # argparse's way out
        code = exit_info.code
    assert code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0], err


def test_negative_seed_from_the_shell():
    """Issue 12 item 10: ``skdistill demo --random-state -5`` printed a traceback."""
    assert_one_line_error(run("demo", "--random-state", "-5"), "--random-state", "-5")


def test_size_does_not_apply_to_linear(files):
    result = _distill(files, files["lightgbm"], files["csv"], "--target", "label",
                      "--student", "linear", "--size", "3")  # fmt: skip
    assert_one_line_error(result, "--size")


@pytest.mark.parametrize(("student", "bins"), [("tree", "8"), ("mlp", "1")])
def test_input_bins_only_for_the_mlp_and_at_least_two(files, student, bins):
    result = _distill(files, files["lightgbm"], files["csv"], "--target", "label",
                      "--student", student, "--input-bins", bins)  # fmt: skip
    assert_one_line_error(result, "--input-bins")


def test_predict_with_missing_columns(files, tmp_path):
    out = files["folder"] / "out"
    result = _distill(files, files["lightgbm"], files["csv"], "--target", "label",
                      "--student", "tree")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = _table(files, "rows.csv", pd.read_csv(files["csv"]).drop(columns=["label", "c"]))
    result = run("predict", "--model", out / "student.skops", "--data", rows, "--out",
                 tmp_path / "p.csv")  # fmt: skip
    assert_one_line_error(result, "missing", "c")


def test_demo_without_its_bundled_data(monkeypatch, tmp_path, capsys):
    """A broken install (the bundled table missing) is one line too (issue 12, item 10)."""
    from skdistill import datasets

    monkeypatch.setattr(datasets.resources, "files", lambda package: tmp_path)
    assert main(["demo"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "magic_gamma.csv.gz" in err[0], err

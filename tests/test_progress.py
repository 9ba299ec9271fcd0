"""Progress output (issue 12, item 11): one count per stage, and labeling jobs that do not
compete with a multi-threaded teacher."""

import io
import re

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdistill import DistilledClassifier, _distill
from skdistill._labeling import labeling_jobs
from skdistill._progress import Progress
from skdistill.students import SoftMLPClassifier, SoftTreeClassifier
from skdistill.teachers import as_teacher


@pytest.fixture(scope="module")
def binary():
    return make_classification(n_samples=200, n_features=5, random_state=0)


def test_labeling_count_runs_over_the_whole_transfer_set(binary, capsys, monkeypatch):
    # Pseudo rows are drawn in chunks of 300 here (65,536 normally): the count must not restart.
    monkeypatch.setattr(_distill, "CHUNK_ROWS", 300)
    X, y = binary
    teacher = LogisticRegression().fit(X, y)
    model = DistilledClassifier(
        teacher,
        student=SoftTreeClassifier(max_depth=2),
        n_samples=1000,
        batch_size=100,
        random_state=0,
        verbose=2,
    )
    model.fit(X, y)
    out = capsys.readouterr().out
    counts = [
        (int(a.replace(",", "")), int(b.replace(",", "")))
        for a, b in re.findall(r"labeling ([\d,]+)/([\d,]+) rows", out)
    ]
    assert {total for _, total in counts} == {1200}
    done = [d for d, _ in counts]
    assert done == sorted(done) and done[-1] == 1200 and len(done) == 12
    assert re.search(r"rows/s, [\d.]+s left", out)
    assert "labeling done: 1,200 rows in" in out


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_verbose_one_prints_a_line_per_stage_and_the_students_epochs(binary, capsys):
    X, y = binary
    teacher = LogisticRegression()  # unfitted: fit trains it
    student = SoftMLPClassifier(hidden_layer_sizes=(4,), max_iter=2)
    DistilledClassifier(teacher, student=student, n_samples=2.0, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    for line in (
        "teacher fit done",
        "labeling done: 600 rows",
        "Epoch 1, loss",
        "Epoch 2",
        "training done",
    ):
        assert line in out
    assert student.verbose is False  # the user's student is not changed
    assert out.count("labeling done") == 1


def test_progress_redraws_one_line_in_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress("labeling", 100, verbose=1, stream=stream)
    for _ in range(4):
        progress.update(25)
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.count("\n") == 1
    assert "|####################| 100/100 rows (100%)" in text


def test_progress_is_silent_without_verbose():
    stream = io.StringIO()
    progress = Progress("labeling", 10, verbose=0, stream=stream)
    progress.update(10)
    progress.close()
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    "teacher, threaded",
    [
        (LGBMClassifier(n_estimators=2, verbose=-1), True),
        (LGBMClassifier(n_estimators=2, verbose=-1, n_jobs=1), False),
        (HistGradientBoostingClassifier(max_iter=2), True),
        (RandomForestClassifier(n_estimators=2, n_jobs=2), True),
        (RandomForestClassifier(n_estimators=2), False),
        (make_pipeline(StandardScaler(), LGBMClassifier(n_estimators=2, verbose=-1)), True),
        (LogisticRegression(), False),
    ],
)
def test_a_multi_threaded_teacher_is_labeled_in_one_job(binary, teacher, threaded):
    X, y = binary
    adapter = as_teacher(teacher.fit(X, y))
    assert adapter.uses_threads is threaded
    assert labeling_jobs(adapter, 2) == (1 if threaded else 2)


def test_multi_threaded_xgboost_teacher_is_labeled_in_one_job(binary):
    xgb = pytest.importorskip("xgboost")
    X, y = binary
    for n_jobs, threaded in ((None, True), (1, False)):
        model = xgb.XGBClassifier(n_estimators=2, n_jobs=n_jobs).fit(X, y)
        assert as_teacher(model).uses_threads is threaded
        assert as_teacher(model.get_booster()).uses_threads is threaded


def test_labeling_in_one_job_gives_the_same_targets(binary):
    X, y = binary
    teacher = LGBMClassifier(n_estimators=5, verbose=-1).fit(X, y)
    kwargs = {"student": SoftTreeClassifier(max_depth=2), "n_samples": 2.0, "random_state": 0}
    one = DistilledClassifier(teacher, **kwargs).fit(X, y)
    two = DistilledClassifier(teacher, n_jobs=2, **kwargs).fit(X, y)
    np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))

"""One benchmark cell (a data set at one train size and one seed), run in its own process.

``python -m benchmarks._worker SPEC.json OUT.json`` -- started by :mod:`benchmarks.run`, which
gives each cell a fresh interpreter so memory and state do not leak between data sets.

Inside the cell: every student is first trained directly on the labels (that fit does not
depend on the teacher and is shared by all teachers of the cell); then for each teacher the
teacher is trained and measured (and compiled, for LightGBM), and each of its students is
distilled naively (teacher outputs on the train rows only), with skdistill's defaults, and
with the small temperature / sampler search.

Peak memory of each fit: the kernel's peak-RSS mark is reset before the fit (write "5" to
``/proc/self/clear_refs``, Linux >= 4.0) and read after it (``VmHWM``); the figure reported is
peak minus the RSS just before the fit, i.e. what the fit itself added. Where the reset is not
possible the process-wide ``ru_maxrss`` is reported instead (an upper bound) and flagged.
"""

import json
import math
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

from skdistill.measure import (
    batch_throughput,
    pickled_size,
    quality_scores,
    single_row_latency,
    teacher_predict_function,
)
from skdistill.metrics import fidelity_score

from ._data import load_split
from ._models import (
    DEFAULT_N_SAMPLES,
    STUDENT_DESCRIPTIONS,
    compile_teacher,
    fit_teacher,
    make_sampler,
    make_student,
    rows,
    validation_split,
)

# --------------------------------------------------------------------------------------------
# memory


def _status_kb(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class PeakMemory:
    """Context manager: RSS before, peak RSS during, in MiB."""

    def __enter__(self):
        self.exact = _reset_peak()
        self.before = (_status_kb("VmRSS") or 0) / 1024
        return self

    def __exit__(self, *exc):
        hwm = _status_kb("VmHWM") if self.exact else None
        if hwm is None:
            self.exact = False
            hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.peak = hwm / 1024
        self.delta = max(self.peak - self.before, 0.0)
        return False

    def as_dict(self):
        return {
            "rss_before_mb": round(self.before, 1),
            "peak_rss_mb": round(self.peak, 1),
            "peak_delta_mb": round(self.delta, 1),
            "peak_exact": self.exact,
        }


# --------------------------------------------------------------------------------------------
# progress


class Progress:
    def __init__(self, label, total):
        self.label, self.total, self.done = label, total, 0
        self.start = time.perf_counter()

    def step(self, what):
        self.done += 1
        elapsed = time.perf_counter() - self.start
        print(
            f"  [{self.label} {self.done}/{self.total} | {_clock(elapsed)}] {what}",
            flush=True,
        )

    def note(self, what):
        print(f"      {what}", flush=True)


def _clock(seconds):
    seconds = int(seconds)
    return f"{seconds // 60:d}:{seconds % 60:02d}"


# --------------------------------------------------------------------------------------------
# measuring a model on the test part


def quality(split, out):
    """Test quality from probabilities (classification) or values (regression)."""
    classes = np.arange(split.n_classes) if split.spec.task == "classification" else None
    return quality_scores(split.y_test, out, classes=classes)


def point_predictions(split, out):
    return np.argmax(out, axis=1) if split.spec.task == "classification" else out


def measure_predictor(predict, split, timing):
    """Quality, throughput and latency of ``predict`` on the test part; and its outputs."""
    throughput, out = batch_throughput(predict, split.X_test, n_repeats=timing["n_repeats"])
    out = np.asarray(out, dtype=np.float64)
    latency = single_row_latency(predict, split.X_test, n_repeats=timing["single_row_repeats"])
    return {
        "quality": quality(split, out),
        "throughput_rows_s": throughput,
        "latency_s": latency,
    }, out


def student_predict_function(student, task):
    return student.predict_proba if task == "classification" else student.predict


def fidelity(split, teacher_point, student_out):
    task = split.spec.task
    return fidelity_score(teacher_point, point_predictions(split, student_out), task=task)


# --------------------------------------------------------------------------------------------
# the variants


def distiller(task):
    from skdistill import DistilledClassifier, DistilledRegressor

    return DistilledClassifier if task == "classification" else DistilledRegressor


def fit_direct(student_name, split, seed):
    student = make_student(student_name, split.spec.task, seed)
    tic = time.perf_counter()
    student.fit(split.X_train, split.y_train)
    seconds = time.perf_counter() - tic
    return student, {"training": seconds}, {}, len(split.y_train)


def fit_distilled(teacher, student_name, task, X, y, seed, **params):
    """A distiller fitted on (X, y); params are the distiller's keyword arguments."""
    student = make_student(student_name, task, seed)
    model = distiller(task)(teacher, student=student, random_state=seed, **params)
    return model.fit(X, y)


def _params_for_json(params):
    out = {}
    for key, value in params.items():
        out[key] = value if isinstance(value, (int, float, str, type(None))) else repr(value)
    return out


def _search_params(task, sampler_name, temperature):
    """The distiller's parameters of one search candidate (a regressor has no temperature)."""
    params = {"sampler": make_sampler(sampler_name)}
    if task == "classification":
        params["temperature"] = temperature
    return params


def run_search(teacher, student_name, split, seed, n_samples, grid, progress):
    """Pick temperature and sampler on a validation part of train; refit the best on train.

    Candidates are fitted on 85% of the train part and scored (accuracy, or R²) on the other
    15%, the part LightGBM/XGBoost teachers used for early stopping. Returns the refitted
    model, the chosen params and the candidate table.
    """
    task = split.spec.task
    fit_idx, val_idx = validation_split(split, seed)
    X_fit, y_fit = rows(split.X_train, fit_idx), split.y_train[fit_idx]
    X_val, y_val = rows(split.X_train, val_idx), split.y_train[val_idx]
    # Temperature has no effect on regression: only the sampler is searched there.
    temperatures = grid["temperatures"] if task == "classification" else [1.0]
    candidates = []
    for sampler_name in grid["samplers"]:
        for temperature in temperatures:
            params = _search_params(task, sampler_name, temperature)
            tic = time.perf_counter()
            model = fit_distilled(
                teacher, student_name, task, X_fit, y_fit, seed, n_samples=n_samples, **params
            )
            score = float(model.score(X_val, y_val))
            candidates.append(
                {
                    "sampler": sampler_name,
                    "temperature": temperature,
                    "validation_score": score,
                    "seconds": time.perf_counter() - tic,
                }
            )
            progress.note(
                f"search candidate sampler={sampler_name} T={temperature}: "
                f"validation {score:.4f} ({candidates[-1]['seconds']:.1f}s)"
            )
    best = max(candidates, key=lambda c: c["validation_score"])
    params = _search_params(task, best["sampler"], best["temperature"])
    model = fit_distilled(
        teacher,
        student_name,
        task,
        split.X_train,
        split.y_train,
        seed,
        n_samples=n_samples,
        **params,
    )
    chosen = {"sampler": best["sampler"], "temperature": best["temperature"]}
    return model, chosen, candidates


# --------------------------------------------------------------------------------------------
# the cell


def n_samples_for(n_train, max_pseudo):
    """The distiller's default ``n_samples`` (a multiple of len(X)), capped at max_pseudo rows."""
    return float(min(DEFAULT_N_SAMPLES, max_pseudo / n_train))


def plan_steps(spec):
    students = spec["students"]
    n = len(students)  # direct
    for teacher in spec["teachers"]:
        n += 1  # teacher
        for student in spec["students_per_teacher"].get(teacher, students):
            n += 2 + _searched(spec, teacher, student)
    return n


def _searched(spec, teacher, student):
    return teacher in spec["search_teachers"] and student in spec["search_students"]


def run_cell(spec):
    task_label = f"{spec['dataset']} n={spec.get('max_train') or 'default'} seed={spec['seed']}"
    split = load_split(
        spec["dataset"],
        directory=spec["data_dir"],
        max_train=spec.get("max_train"),
        max_test=spec.get("max_test"),
    )
    task = split.spec.task
    seed = spec["seed"]
    timing = spec["timing"]
    n_train = len(split.y_train)
    n_samples = n_samples_for(n_train, spec["max_pseudo"])
    cell = {
        "dataset": spec["dataset"],
        "seed": seed,
        "task": task,
        "n_train": n_train,
        "n_test": len(split.y_test),
        "n_features": split.n_features,
        "n_classes": split.n_classes,
        "class_names": split.class_names,
        "split": split.spec.note,
        "n_samples": n_samples,
        "teachers": {},
        "rows": [],
        "errors": [],
    }
    progress = Progress(task_label, plan_steps(spec))
    print(
        f"{task_label}: {n_train:,} train / {len(split.y_test):,} test rows, "
        f"{split.n_features} features, {task}"
        + (f", {split.n_classes} classes" if split.n_classes else "")
        + f"; pseudo rows per distillation: {n_samples:.2f} x train",
        flush=True,
    )

    def record_error(where):
        message = traceback.format_exc()
        print(f"ERROR in {where}:\n{message}", file=sys.stderr, flush=True)
        cell["errors"].append(
            {"where": where, "error": message.strip().splitlines()[-1], "traceback": message}
        )

    # Direct students: trained on the labels alone, shared by all teachers.
    direct = {}
    for student_name in spec["students"]:
        progress.step(f"direct {STUDENT_DESCRIPTIONS[student_name]}: training on labels")
        try:
            with PeakMemory() as mem:
                tic = time.perf_counter()
                student, fit_times, params, n_transfer = fit_direct(student_name, split, seed)
                wall = time.perf_counter() - tic
            measured, out = measure_predictor(
                student_predict_function(student, task), split, timing
            )
            direct[student_name] = (
                {
                    "student": student_name,
                    "variant": "direct",
                    "student_class": type(student).__name__,
                    "params": params,
                    "n_transfer": n_transfer,
                    "fit_seconds": wall,
                    "fit_times": fit_times,
                    "size_bytes": pickled_size(student),
                    **measured,
                    **mem.as_dict(),
                },
                out,
            )
            progress.note(_summary(measured, wall))
        except Exception:
            record_error(f"direct {student_name}")

    workdir = Path(tempfile.mkdtemp(prefix="skdistill-bench-"))
    for teacher_name in spec["teachers"]:
        progress.step(f"teacher {teacher_name}: training (early-stopped) and measuring")
        try:
            with PeakMemory() as mem:
                teacher, info = fit_teacher(
                    teacher_name, split, seed, max_trees=spec["max_teacher_trees"]
                )
            classes = np.arange(split.n_classes) if task == "classification" else None
            teacher_fn = teacher_predict_function(teacher, task, classes=classes)
            measured, teacher_out = measure_predictor(teacher_fn, split, timing)
            info.update(measured, size_bytes=pickled_size(teacher), fit_memory=mem.as_dict())
            progress.note(f"{info['description']}; " + _summary(measured, info["fit_seconds"]))
        except Exception:
            record_error(f"teacher {teacher_name}")
            continue
        teacher_point = point_predictions(split, teacher_out)
        if teacher_name == "lightgbm" and spec["compile"]:
            info["compiled"] = _compiled(
                teacher, info, split, teacher_out, workdir, timing, spec, progress
            )
        cell["teachers"][teacher_name] = info

        for student_name, (row, out) in direct.items():
            if student_name in spec["students_per_teacher"].get(teacher_name, spec["students"]):
                cell["rows"].append(
                    {
                        "teacher": teacher_name,
                        **row,
                        "fidelity": fidelity(split, teacher_point, out),
                    }
                )

        for student_name in spec["students_per_teacher"].get(teacher_name, spec["students"]):
            variants = ["naive", "skdistill"]
            if _searched(spec, teacher_name, student_name):
                variants.append("skdistill+search")
            for variant in variants:
                progress.step(f"{teacher_name} -> {STUDENT_DESCRIPTIONS[student_name]}: {variant}")
                try:
                    row = _distilled_row(
                        teacher,
                        teacher_name,
                        student_name,
                        variant,
                        split,
                        seed,
                        n_samples,
                        spec,
                        timing,
                        teacher_point,
                        progress,
                    )
                    cell["rows"].append(row)
                except Exception:
                    record_error(f"{teacher_name} {student_name} {variant}")
        del teacher
    return cell


def _distilled_row(
    teacher,
    teacher_name,
    student_name,
    variant,
    split,
    seed,
    n_samples,
    spec,
    timing,
    teacher_point,
    progress,
):
    task = split.spec.task
    extra = {}
    with PeakMemory() as mem:
        tic = time.perf_counter()
        if variant == "naive":
            params = {"sampler": None}
            model = fit_distilled(
                teacher, student_name, task, split.X_train, split.y_train, seed, **params
            )
        elif variant == "skdistill":
            params = {"n_samples": n_samples}
            model = fit_distilled(
                teacher, student_name, task, split.X_train, split.y_train, seed, **params
            )
        else:
            model, params, candidates = run_search(
                teacher, student_name, split, seed, n_samples, spec["grid"], progress
            )
            params = {"n_samples": n_samples, **params}
            extra["search_candidates"] = candidates
        wall = time.perf_counter() - tic
    student = model.student_
    measured, out = measure_predictor(student_predict_function(student, task), split, timing)
    # The distiller as users call it (input validation included): latency only.
    distiller_fn = model.predict_proba if task == "classification" else model.predict
    distiller_latency = single_row_latency(
        distiller_fn, split.X_test, n_repeats=timing["single_row_repeats"]
    )
    row = {
        "teacher": teacher_name,
        "student": student_name,
        "variant": variant,
        "student_class": type(student).__name__,
        "params": _params_for_json(params),
        "n_transfer": int(model.n_transfer_samples_),
        "fit_seconds": wall,
        "fit_times": {k: float(v) for k, v in model.fit_times_.items()},
        "size_bytes": pickled_size(student),
        **measured,
        "distiller_latency_s": distiller_latency,
        "fidelity": fidelity(split, teacher_point, out),
        **mem.as_dict(),
        **extra,
    }
    times = ", ".join(f"{k} {v:.1f}s" for k, v in row["fit_times"].items() if v > 0)
    progress.note(_summary(measured, wall) + f", fidelity {row['fidelity']:.4f} ({times})")
    return row


def _compiled(teacher, info, split, teacher_out, workdir, timing, spec, progress):
    if info["n_trees"] > spec["compile_max_trees"]:
        reason = (
            f"not compiled: {info['n_trees']} trees > --compile-max-trees "
            f"{spec['compile_max_trees']} (gcc needs minutes per thousand trees)"
        )
        progress.note(reason)
        return {"skipped": reason}
    progress.note(f"compiling the LightGBM teacher ({info['n_trees']} trees) with tl2cgen")
    try:
        predict, compiled = compile_teacher(teacher, split, workdir)
    except ImportError as exc:
        reason = f"not compiled: {exc} (pip install skdistill[bench])"
        progress.note(reason)
        return {"skipped": reason}
    measured, out = measure_predictor(predict, split, timing)
    compiled.update(measured, max_abs_diff=float(np.max(np.abs(out - teacher_out))))
    progress.note(
        f"compiled in {compiled['compile_seconds']:.1f}s; "
        + _summary(measured, None)
        + f", max |difference| to LightGBM {compiled['max_abs_diff']:.2g}"
    )
    return compiled


def _summary(measured, seconds):
    q = ", ".join(f"{k} {v:.4f}" for k, v in measured["quality"].items() if math.isfinite(v))
    fit = f"fit {seconds:.1f}s; " if seconds is not None else ""
    return (
        f"{fit}{q}; {measured['throughput_rows_s']:,.0f} rows/s, "
        f"latency {measured['latency_s'] * 1e6:,.0f} us"
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text())
    tic = time.perf_counter()
    cell = run_cell(spec)
    cell["wall_seconds"] = time.perf_counter() - tic
    cell["spec"] = spec
    Path(argv[1]).write_text(json.dumps(cell, indent=1, default=_json_default))
    return 0


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return repr(obj)


if __name__ == "__main__":
    sys.exit(main())

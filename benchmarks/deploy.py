"""Deployment benchmark: latency, throughput and size of each way to serve a distilled model.

For each data set: a LightGBM teacher (early-stopped, on a subset of the train rows), distilled
into an MLP 2x64, a depth-8 tree and (classification) a linear student. For the teacher (its
scikit-learn API, its native Booster, compiled with treelite + tl2cgen) and each student (the
distiller's ``predict_proba``, the student's own, the numpy-only predictor of
``skdistill.deploy``, ONNX Runtime) it measures:

- single-row latency: the median of ``--calls`` calls on one test row, after warm-up;
- batch throughput: rows per second on up to ``--batch`` test rows, median of 3 runs;
- artifact size: pickle (estimators), model string (Booster), shared library (compiled),
  ``.npz`` (predictor), ONNX bytes.

The students are trained briefly, on the teacher's outputs for the real rows only (latency
and size do not depend on how well they fit, nor on the transfer set).
Single-threaded where the library allows it (the teacher with ``n_jobs=1``, its Booster with
``num_threads=1``, the compiled teacher with ``nthread=1``, ONNX Runtime with one intra-op
thread). Results go to ``benchmarks/results/deploy.json``.

Usage::

    python -m benchmarks.deploy [--datasets adult covtype] [--max-train 5000] [--quick]
"""

import argparse
import io
import json
import os
import pickle
import platform
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from ._data import DATASETS, load_split
from ._models import compile_teacher, fit_teacher

RESULTS = Path(__file__).parent / "results" / "deploy.json"


def single_row_us(fn, x, calls):
    """Median latency in microseconds of ``fn(x)`` over ``calls`` calls, after warm-up."""
    for _ in range(max(10, calls // 10)):
        fn(x)
    times = []
    for _ in range(calls):
        tic = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - tic)
    return statistics.median(times) * 1e6


def rows_per_second(fn, X, n_rows):
    fn(X)
    times = []
    for _ in range(3):
        tic = time.perf_counter()
        fn(X)
        times.append(time.perf_counter() - tic)
    return n_rows / statistics.median(times)


def _students(task, seed):
    from skdistill.students import (
        SoftLogisticRegression,
        SoftMLPClassifier,
        SoftMLPRegressor,
        SoftTreeClassifier,
        SoftTreeRegressor,
    )

    if task == "classification":
        return {
            "MLP 2x64": SoftMLPClassifier((64, 64), max_iter=15, random_state=seed),
            "tree depth 8": SoftTreeClassifier(max_depth=8, random_state=seed),
            "linear": SoftLogisticRegression(),
        }
    return {
        "MLP 2x64": SoftMLPRegressor((64, 64), max_iter=15, random_state=seed),
        "tree depth 8": SoftTreeRegressor(max_depth=8, random_state=seed),
    }


def _onnx_session(model, X):
    import onnxruntime as ort

    from skdistill.onnx import to_feeds, to_onnx

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    onx = to_onnx(model, X).SerializeToString()
    session = ort.InferenceSession(onx, options, providers=["CPUExecutionProvider"])
    return (lambda feeds: session.run(None, feeds)), (lambda X: to_feeds(model, X)), len(onx)


def _measure(ways, x1, X, args):
    """``ways``: name -> (function, its single-row input, its batch input, size in bytes)."""
    out = {}
    for name, (fn, one, batch, size) in ways.items():
        out[name] = {
            "single_row_us": single_row_us(fn, one, args.calls),
            "batch_rows_per_s": rows_per_second(fn, batch, len(X)),
            "size_bytes": size,
        }
        row = out[name]
        print(
            f"    {name:34s} {row['single_row_us']:9.1f} us "
            f"{row['batch_rows_per_s']:12,.0f} rows/s {size:>12,} B",
            flush=True,
        )
    return out


def _teacher_ways(teacher, split, x1, X, method, workdir):
    booster = teacher.booster_
    ways = {
        "teacher (scikit-learn API)": (getattr(teacher, method), x1, X, len(pickle.dumps(teacher))),
        "teacher (native Booster)": (
            lambda Z: booster.predict(Z, num_threads=1),
            x1,
            X,
            len(booster.model_to_string()),
        ),
    }
    try:
        predict, info = compile_teacher(teacher, split, workdir, nthread=1)
        ways["teacher (treelite + tl2cgen)"] = (predict, x1, X, info["size_bytes"])
    except Exception as error:  # noqa: BLE001 - a missing compiler must not stop the rest
        print(f"    compiled teacher skipped: {error}")
    return ways


def _student_ways(model, x1, X, method):
    from skdistill.deploy import export_predictor

    student = model.student_
    ways = {
        "distiller (skdistill, public API)": (
            getattr(model, method),
            x1,
            X,
            len(pickle.dumps(model)),
        ),
        "student (its own predict)": (getattr(student, method), x1, X, len(pickle.dumps(student))),
    }
    predictor = export_predictor(model)
    buffer = io.BytesIO()
    predictor.save(buffer)
    ways["numpy predictor (skdistill.deploy)"] = (
        getattr(predictor, method),
        x1,
        X,
        buffer.getbuffer().nbytes,
    )
    run, feeds, size = _onnx_session(model, X)
    ways["ONNX Runtime (feeds ready)"] = (run, feeds(x1), feeds(X), size)
    return ways


def run_dataset(name, args, workdir):
    from skdistill import DistilledClassifier, DistilledRegressor

    split = load_split(name, max_train=args.max_train, max_test=args.batch)
    task = split.spec.task
    teacher, info = fit_teacher("lightgbm", split, 0, max_trees=args.max_trees)
    # One thread to predict, as every other way here: on a busy machine, an OpenMP region
    # with two threads waits milliseconds for the second one.
    teacher.set_params(n_jobs=1)
    X = split.X_test
    x1 = X.iloc[:1] if hasattr(X, "iloc") else X[:1]
    method = "predict_proba" if task == "classification" else "predict"
    print(f"{name}: {info['description']}, {len(split.X_train):,} train rows", flush=True)
    result = {"task": task, "teacher": info["description"], "n_train": len(split.X_train)}
    result["teacher_ways"] = _measure(
        _teacher_ways(teacher, split, x1, X, method, workdir), x1, X, args
    )
    distiller = DistilledClassifier if task == "classification" else DistilledRegressor
    result["students"] = {}
    for label, student in _students(task, 0).items():
        print(f"  student {label}", flush=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = distiller(teacher, student=student, sampler=None, random_state=0)
            model.fit(split.X_train, split.y_train)
        result["students"][label] = _measure(_student_ways(model, x1, X, method), x1, X, args)
    return result


def markdown(results):
    """The results as markdown tables, one per data set (for docs/benchmarks.md)."""
    lines = []
    for name, data in results["datasets"].items():
        lines += [
            f"### {name} ({data['task']}; teacher: {data['teacher']}, {data['n_train']:,} rows)",
            "",
            "| model | served by | single row (µs) | batch (rows/s) | artifact (bytes) |",
            "|---|---|---:|---:|---:|",
        ]
        groups = [("LightGBM teacher", data["teacher_ways"]), *data["students"].items()]
        for model, ways in groups:
            for way, row in ways.items():
                lines.append(
                    f"| {model} | {way} | {row['single_row_us']:,.1f} | "
                    f"{row['batch_rows_per_s']:,.0f} | {row['size_bytes']:,} |"
                )
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--max-train", type=int, default=5_000)
    parser.add_argument("--max-trees", type=int, default=300)
    parser.add_argument("--batch", type=int, default=10_000, help="test rows for throughput")
    parser.add_argument("--calls", type=int, default=500, help="calls for single-row latency")
    parser.add_argument("--quick", action="store_true", help="2 data sets, fewer calls")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--report", action="store_true", help="print tables of --out and stop")
    args = parser.parse_args(argv)
    if args.report:
        print(markdown(json.loads(args.out.read_text())))
        return None
    if args.quick:
        args.datasets, args.calls, args.max_trees = ["adult", "covtype"], 200, 100
    results = {
        "protocol": {
            "single_row": f"median of {args.calls} calls on one test row, after warm-up",
            "batch": f"rows/s on up to {args.batch:,} test rows, median of 3 runs",
            "max_train": args.max_train,
            "max_trees": args.max_trees,
            "machine": f"{platform.machine()}, {platform.python_version()}",
            "load": "load average at start " + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        },
        "datasets": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.datasets:
            results["datasets"][name] = run_dataset(name, args, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(markdown(results))
    print(f"wrote {args.out}")
    return results


if __name__ == "__main__":
    main()

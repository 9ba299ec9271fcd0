"""Deployment benchmark: latency, throughput and size of each way to serve a distilled model.

For each data set: a LightGBM teacher fitted on the whole train part (covtype: its first
50,000 shuffled rows, the cap every benchmark uses) and early-stopped as in
``benchmarks/_models.py`` (at most ``--max-trees`` trees), distilled into an MLP 2x64, a
depth-8 tree, a linear student (classification) and a GBM student. For the teacher (its
scikit-learn API, its native Booster, compiled with treelite + tl2cgen and with lleaves) and
each student (the distiller's public predict, the student's own, the numpy-only predictor of
``skdistill.deploy``, ONNX Runtime) it measures:

- single-row latency (:func:`skdistill.measure.single_row_latency`): ``--rounds`` rounds of
  ``--calls`` one-row calls cycling through the first test rows, after a warm-up call; each
  round gives the median of its calls. Reported: the median of the round medians ("median")
  and the smallest round median ("best of k");
- batch throughput (:func:`skdistill.measure.batch_throughput`): rows per second on up to
  ``--batch`` test rows, best of 3 calls;
- artifact size: pickle (estimators), model string (Booster), shared library (compiled),
  ``.npz`` (numpy predictor), ONNX bytes.

Everything runs on one thread (single row and batch): ``threadpool_limits(1)`` for BLAS and
OpenMP, and the teacher with ``n_jobs=1``, its Booster with ``num_threads=1``, the compiled
teacher with ``nthread=1``, ONNX Runtime with one intra-op thread. The students are trained
briefly on the teacher's outputs for the real train rows only: latency and size do not depend
on how well they fit. Results go to ``benchmarks/results/deploy.json``; ``--report`` prints
the markdown of ``docs/benchmarks.md``'s "Deployment" section.

Usage::

    OMP_WAIT_POLICY=PASSIVE python -m benchmarks.deploy [--datasets adult covtype] [--quick]
"""

import argparse
import io
import json
import os
import platform
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from ._data import DATASETS, load_split
from ._models import compile_teacher, fit_teacher

RESULTS = Path(__file__).parent / "results" / "deploy.json"

# Issue 11's targets, checked in the report.
TARGETS = {
    "single_row_numpy_us": 30.0,  # MLP 2x64, tree, linear student on a numpy row
    "single_row_frame_us": 150.0,  # ... on a one-row DataFrame with categories
    "distiller_overhead_us": 20.0,  # the distiller on top of its student
    "covtype_vs_booster": 20.0,  # deployed MLP 2x64, single row
    "covtype_vs_predict_proba": 100.0,
    "covtype_batch_vs_teacher": 50.0,
    "mlp_bytes": 200_000,
    "tree_bytes": 100_000,
}


def _load():
    return "{:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())


def reference_us():
    """A fixed yardstick of the machine's speed at the moment (µs, best of 7 medians): one
    float64 (1, 54) @ (54, 64) product and a 100-step Python loop. On this machine, quiet
    (load average ~0.2): 3.2 and 1.4 µs."""
    import timeit

    x, W = np.ones((1, 54)), np.ones((54, 64))
    out = {}
    for name, stmt in (("matmul_1x54_54x64", lambda: x @ W), ("python_loop_100", _loop)):
        out[name] = min(timeit.repeat(stmt, number=2_000, repeat=7)) / 2_000 * 1e6
    return out


def _loop():
    return sum(range(100))


def single_row(fn, X, args):
    """Round medians of one-row calls (µs): their median and their minimum."""
    from skdistill.measure import single_row_latency

    medians = [single_row_latency(fn, X, n_repeats=args.calls) * 1e6 for _ in range(args.rounds)]
    return {"single_row_us": statistics.median(medians), "single_row_best_us": min(medians)}


def single_row_ready(fn, inputs, args):
    """As :func:`single_row`, for inputs prepared beforehand (ONNX Runtime's feeds)."""
    fn(inputs[0])
    medians = []
    for _ in range(args.rounds):
        times = []
        for i in range(args.calls):
            tic = time.perf_counter()
            fn(inputs[i % len(inputs)])
            times.append(time.perf_counter() - tic)
        medians.append(statistics.median(times) * 1e6)
    return {"single_row_us": statistics.median(medians), "single_row_best_us": min(medians)}


def alternated_speedups(teacher_fns, student_fns, X, args):
    """Single-row speed-ups of each student way over the teacher's scikit-learn API and its
    Booster, measured in alternation: ``--ratio-rounds`` rounds, each timing every way (one
    round median of ``--calls`` calls each) one after the other, so that a ratio compares
    calls made within the same second. Reported: each ratio's median over the rounds, and
    the rounds' ratios. On a shared machine the separate medians above can be minutes apart
    (the teacher's ways are timed before the students are trained), and the load moves."""
    from skdistill.measure import single_row_latency

    fns = {**teacher_fns, **student_fns}
    for fn in fns.values():
        fn(X[:1])  # warm
    rounds = []
    for _ in range(args.ratio_rounds):
        rounds.append({n: single_row_latency(f, X, n_repeats=args.calls) for n, f in fns.items()})
    out = {}
    for way in student_fns:
        out[way] = {
            "single_row_us": statistics.median(r[way] for r in rounds) * 1e6,
            "rounds": len(rounds),
        }
        for key, teacher in (("vs_predict_proba", _SK_API), ("vs_booster", _BOOSTER)):
            ratios = [r[teacher] / r[way] for r in rounds]
            out[way][key] = statistics.median(ratios)
            out[way][f"{key}_rounds"] = ratios
    for way in teacher_fns:
        out[way] = {"single_row_us": statistics.median(r[way] for r in rounds) * 1e6}
    return out


def _rows(X, n):
    from skdistill._tables import take_rows

    return [take_rows(X, i, i + 1) for i in range(min(n, len(X)))]


def _measure(ways, X, args):
    """``ways``: name -> (function of X, size in bytes), or (function, size, feeds) where
    ``feeds`` prepares the function's input (timed apart, as "feeds ready")."""
    from skdistill.measure import batch_throughput

    out = {}
    for name, way in ways.items():
        fn, size = way[:2]
        if len(way) == 3:  # ONNX Runtime: time the session alone, on ready feeds
            feeds = way[2]
            row = single_row_ready(fn, [feeds(r) for r in _rows(X, args.calls)], args)
            row["batch_rows_per_s"] = batch_throughput(fn, _Sized(feeds(X), len(X)))[0]
        else:
            row = single_row(fn, X, args)
            row["batch_rows_per_s"] = batch_throughput(fn, X)[0]
        row["size_bytes"] = size
        out[name] = row
        print(
            f"    {name:36s} {row['single_row_us']:9.1f} us (best {row['single_row_best_us']:8.1f})"
            f" {row['batch_rows_per_s']:12,.0f} rows/s {size:>12,} B",
            flush=True,
        )
    return out


class _Sized(dict):
    """ONNX feeds that tell batch_throughput how many rows they hold."""

    def __init__(self, feeds, n_rows):
        super().__init__(feeds)
        self.n_rows = n_rows

    def __len__(self):
        return self.n_rows


def _lleaves(teacher, split, workdir):
    """The teacher compiled by lleaves (LLVM), or the error that stopped it."""
    import lleaves

    path = workdir / "teacher.txt"
    teacher.booster_.save_model(str(path))
    model = lleaves.Model(model_file=str(path))
    model.compile(cache=str(workdir / "teacher_lleaves.o"))
    classification = split.spec.task == "classification"

    def predict(X):
        out = model.predict(np.asarray(X, dtype=np.float64), n_jobs=1)
        if classification and out.ndim == 1:
            return np.column_stack([1.0 - out, out])
        return out

    return predict, (workdir / "teacher_lleaves.o").stat().st_size


def _teacher_ways(teacher, split, method, workdir, info, args):
    from skdistill.measure import pickled_size

    booster = teacher.booster_
    ways = {
        "teacher (scikit-learn API)": (getattr(teacher, method), pickled_size(teacher)),
        "teacher (native Booster)": (
            lambda Z: booster.predict(Z, num_threads=1),
            len(booster.model_to_string()),
        ),
    }
    skipped = {}
    if info["n_trees"] > args.compile_max_trees:
        skipped["compiled"] = (
            f"{info['n_trees']} trees > --compile-max-trees {args.compile_max_trees}"
        )
    else:
        try:
            tic = time.perf_counter()
            predict, compiled = compile_teacher(teacher, split, workdir, nthread=1)
            ways["teacher (treelite + tl2cgen)"] = (predict, compiled["size_bytes"])
            print(f"    tl2cgen compiled in {time.perf_counter() - tic:.0f} s", flush=True)
        except Exception as error:  # noqa: BLE001 - a missing compiler must not stop the rest
            skipped["treelite + tl2cgen"] = f"{type(error).__name__}: {error}"
    if split.spec.categorical:
        skipped["lleaves"] = "not tried: the table has categorical columns"
    else:
        try:
            ways["teacher (lleaves)"] = _lleaves(teacher, split, workdir)
        except Exception as error:  # noqa: BLE001 - report why, measure the rest
            skipped["lleaves"] = f"{type(error).__name__}: {error}"
    for way, why in skipped.items():
        print(f"    {way} skipped: {why}", flush=True)
    return ways, skipped


def _onnx_way(model, X):
    import onnxruntime as ort

    from skdistill.onnx import to_feeds, to_onnx

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    onx = to_onnx(model, X).SerializeToString()
    session = ort.InferenceSession(onx, options, providers=["CPUExecutionProvider"])
    return (lambda feeds: session.run(None, dict(feeds))), len(onx), (lambda Z: to_feeds(model, Z))


def _student_ways(model, X, method):
    from skdistill.deploy import export_predictor
    from skdistill.measure import pickled_size

    student = model.student_
    ways = {
        "distiller (skdistill, public API)": (getattr(model, method), pickled_size(model)),
        "student (its own predict)": (getattr(student, method), pickled_size(student)),
    }
    skipped = {}
    try:
        predictor = export_predictor(model)
        buffer = io.BytesIO()
        predictor.save(buffer)
        ways["numpy predictor (skdistill.deploy)"] = (
            getattr(predictor, method),
            buffer.getbuffer().nbytes,
        )
    except (TypeError, ValueError, NotImplementedError) as error:
        skipped["numpy predictor"] = f"{type(error).__name__}: {error}"
    try:
        ways["ONNX Runtime (feeds ready)"] = _onnx_way(model, X)
    except Exception as error:  # noqa: BLE001 - an unsupported student: say so, go on
        skipped["ONNX Runtime"] = f"{type(error).__name__}: {error}"
    for way, why in skipped.items():
        print(f"    {way} skipped: {why}", flush=True)
    return ways, skipped


def _students(task, seed):
    from skdistill.students import (
        SoftGBMClassifier,
        SoftGBMRegressor,
        SoftLogisticRegression,
        SoftMLPClassifier,
        SoftMLPRegressor,
        SoftTreeClassifier,
        SoftTreeRegressor,
    )

    if task == "classification":
        return {
            "MLP 2x64": SoftMLPClassifier((64, 64), max_iter=10, random_state=seed),
            "tree depth 8": SoftTreeClassifier(max_depth=8, random_state=seed),
            "linear": SoftLogisticRegression(),
            "GBM": SoftGBMClassifier(random_state=seed),
        }
    return {
        "MLP 2x64": SoftMLPRegressor((64, 64), max_iter=10, random_state=seed),
        "tree depth 8": SoftTreeRegressor(max_depth=8, random_state=seed),
        "GBM": SoftGBMRegressor(random_state=seed),
    }


def run_dataset(name, args, workdir):
    from threadpoolctl import threadpool_limits

    from skdistill import DistilledClassifier, DistilledRegressor

    split = load_split(name, max_train=args.max_train, max_test=args.batch)
    task = split.spec.task
    teacher, info = fit_teacher("lightgbm", split, 0, max_trees=args.max_trees)
    # One thread to predict, as every other way here: on a busy machine, an OpenMP region
    # with two threads waits milliseconds for the second one.
    teacher.set_params(n_jobs=1)
    X = split.X_test
    method = "predict_proba" if task == "classification" else "predict"
    print(
        f"{name}: {info['description']}, {info['n_trees']} trees, {len(split.X_train):,} train "
        f"rows (load {_load()})",
        flush=True,
    )
    result = {
        "task": task,
        "teacher": info["description"],
        "n_trees": info["n_trees"],
        "n_train": len(split.X_train),
        "n_test": len(X),
        "input": "one-row DataFrame (categories)" if hasattr(X, "iloc") else "numpy row",
        "load_start": _load(),
        "reference_us": reference_us(),
    }
    with threadpool_limits(limits=1):
        ways, skipped = _teacher_ways(teacher, split, method, workdir, info, args)
        result["teacher_ways"] = _measure(ways, X, args)
    teacher_fns = {way: ways[way][0] for way in (_SK_API, _BOOSTER)}
    result["teacher_skipped"] = skipped
    distiller = DistilledClassifier if task == "classification" else DistilledRegressor
    result["students"], result["students_skipped"] = {}, {}
    for label, student in _students(task, 0).items():
        if args.students and label not in args.students:
            continue
        print(f"  student {label}", flush=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = distiller(teacher, student=student, sampler=None, random_state=0)
            model.fit(split.X_train, split.y_train)
        with threadpool_limits(limits=1):
            ways, skipped = _student_ways(model, X, method)
            result["students"][label] = _measure(ways, X, args)
            if label == "MLP 2x64" and args.ratio_rounds:  # the speed-up targets' student
                fns = {way: w[0] for way, w in ways.items() if len(w) == 2}  # not ONNX's feeds
                speedups = alternated_speedups(teacher_fns, fns, X, args)
                result["alternated"] = speedups
                for way, row in speedups.items():
                    if "vs_booster" in row:
                        print(
                            f"    alternated: {way:36s} {row['single_row_us']:6.1f} us, "
                            f"{row['vs_booster']:5.1f}x the Booster, "
                            f"{row['vs_predict_proba']:5.0f}x predict_proba",
                            flush=True,
                        )
        result["students_skipped"][label] = skipped
    result["load_end"] = _load()
    return result


# ---- report ---------------------------------------------------------------------------------

_SK_API = "teacher (scikit-learn API)"
_BOOSTER = "teacher (native Booster)"
_DISTILLER = "distiller (skdistill, public API)"
_STUDENT = "student (its own predict)"
_PREDICTOR = "numpy predictor (skdistill.deploy)"
_ONNX = "ONNX Runtime (feeds ready)"


def _met(ok):
    return "met" if ok else "**not met**"


def _speedups(data):
    """Per student way: single-row speed-up over the Booster and over the teacher's
    scikit-learn API, batch speed-up over the teacher's scikit-learn API."""
    teacher = data["teacher_ways"]
    sk, booster = teacher[_SK_API], teacher[_BOOSTER]
    out = {}
    for label, ways in data["students"].items():
        for way, row in ways.items():
            out[label, way] = {
                "vs_booster": booster["single_row_us"] / row["single_row_us"],
                "vs_predict_proba": sk["single_row_us"] / row["single_row_us"],
                "batch_vs_teacher": row["batch_rows_per_s"] / sk["batch_rows_per_s"],
            }
    return out


def targets_table(results):
    """Issue 11's targets against the measurements (medians)."""
    lines = [
        "| target | measured (median; best of k) | |",
        "|---|---|---|",
    ]
    for name, data in results["datasets"].items():
        frame = data["input"].startswith("one-row DataFrame")
        limit = TARGETS["single_row_frame_us" if frame else "single_row_numpy_us"]
        for label in ("MLP 2x64", "tree depth 8", "linear"):
            ways = data["students"].get(label)
            if not ways:
                continue
            row = ways[_STUDENT]
            lines.append(
                f"| {name}: {label} student, {data['input']} <= {limit:.0f} µs | "
                f"{row['single_row_us']:.1f} µs; {row['single_row_best_us']:.1f} µs | "
                f"{_met(row['single_row_us'] <= limit)} |"
            )
        for label, ways in data["students"].items():
            extra = ways[_DISTILLER]["single_row_us"] - ways[_STUDENT]["single_row_us"]
            best = ways[_DISTILLER]["single_row_best_us"] - ways[_STUDENT]["single_row_best_us"]
            lines.append(
                f"| {name}: distiller over its {label} student <= "
                f"{TARGETS['distiller_overhead_us']:.0f} µs | +{extra:.1f} µs; +{best:.1f} µs | "
                f"{_met(extra <= TARGETS['distiller_overhead_us'])} |"
            )
    covtype = results["datasets"].get("covtype")
    if covtype and "MLP 2x64" in covtype["students"]:
        speed = _speedups(covtype)
        for way in (_PREDICTOR, _STUDENT, _DISTILLER, _ONNX):
            if ("MLP 2x64", way) not in speed:
                continue
            s = speed["MLP 2x64", way]
            a = covtype.get("alternated", {}).get(way)
            if a:  # the alternated rounds' median ratio decides; the separate medians shown
                booster = f"{a['vs_booster']:.1f}x alternated ({s['vs_booster']:.1f}x apart)"
                proba = (
                    f"{a['vs_predict_proba']:.0f}x alternated ({s['vs_predict_proba']:.0f}x apart)"
                )
            else:
                booster, proba = f"{s['vs_booster']:.1f}x", f"{s['vs_predict_proba']:.0f}x"
            one = a or s
            lines += [
                f"| covtype MLP 2x64 ({way}) single row >= 20x the Booster | "
                f"{booster} | {_met(one['vs_booster'] >= 20)} |",
                f"| covtype MLP 2x64 ({way}) single row >= 100x predict_proba | "
                f"{proba} | {_met(one['vs_predict_proba'] >= 100)} |",
                f"| covtype MLP 2x64 ({way}) batch >= 50x the teacher | "
                f"{s['batch_vs_teacher']:.1f}x | {_met(s['batch_vs_teacher'] >= 50)} |",
            ]
    for name, data in results["datasets"].items():
        for label, key in (("MLP 2x64", "mlp_bytes"), ("tree depth 8", "tree_bytes")):
            row = data["students"].get(label, {}).get(_PREDICTOR)
            if row:
                lines.append(
                    f"| {name}: {label} numpy predictor <= {TARGETS[key] // 1000} kB | "
                    f"{row['size_bytes'] / 1000:.1f} kB | "
                    f"{_met(row['size_bytes'] <= TARGETS[key])} |"
                )
    return "\n".join(lines)


def _reference(data):
    ref = data.get("reference_us")
    if not ref:
        return ""
    return (
        f"; yardstick (quiet machine: 3.2 / 1.4 µs): one-row matmul "
        f"{ref['matmul_1x54_54x64']:.1f} µs, Python loop {ref['python_loop_100']:.1f} µs"
    )


def markdown(results):
    """The results as markdown: the targets, then one table per data set."""
    lines = ["### Targets", "", targets_table(results), ""]
    for name, data in results["datasets"].items():
        lines += [
            f"### {name}",
            "",
            f"{data['task']}; {data['input']}; teacher: {data['teacher']}, {data['n_trees']} "
            f"trees, {data['n_train']:,} train rows; load average {data['load_start']} at the "
            f"start, {data['load_end']} at the end{_reference(data)}.",
            "",
            "| model | served by | single row, median (µs) | best of k (µs) | batch (rows/s) "
            "| artifact (bytes) | x Booster (1 row) | x predict_proba (1 row) "
            "| x teacher (batch) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        speed = _speedups(data)
        groups = [("LightGBM teacher", data["teacher_ways"]), *data["students"].items()]
        for model, ways in groups:
            for way, row in ways.items():
                s = speed.get((model, way))
                ratios = (
                    "| | |"
                    if s is None
                    else f"{s['vs_booster']:,.1f} | {s['vs_predict_proba']:,.0f} | "
                    f"{s['batch_vs_teacher']:,.1f} |"
                )
                lines.append(
                    f"| {model} | {way} | {row['single_row_us']:,.1f} | "
                    f"{row['single_row_best_us']:,.1f} | {row['batch_rows_per_s']:,.0f} | "
                    f"{row['size_bytes']:,} | {ratios}"
                )
        alternated = data.get("alternated", {})
        rounds = [row for row in alternated.values() if "rounds" in row]
        if rounds:
            lines += [
                "",
                f"MLP 2x64 against the teacher, alternated ({rounds[0]['rounds']} rounds, each "
                "timing every way once; median of the rounds' ratios): "
                + "; ".join(
                    f"{way} {row['single_row_us']:.1f} µs, {row['vs_booster']:.1f}x the Booster, "
                    f"{row['vs_predict_proba']:.0f}x predict_proba"
                    for way, row in alternated.items()
                    if "rounds" in row
                )
                + f" (teacher: predict_proba {alternated[_SK_API]['single_row_us']:.0f} µs, "
                f"Booster {alternated[_BOOSTER]['single_row_us']:.0f} µs).",
            ]
        notes = [f"{way}: {why}" for way, why in data["teacher_skipped"].items()]
        for label, skipped in data["students_skipped"].items():
            notes += [f"{label}, {way}: {why}" for way, why in skipped.items()]
        if notes:
            lines += ["", "Not measured: " + "; ".join(notes) + "."]
        lines.append("")
    return "\n".join(lines)


def section(results, source):
    """The "Deployment" section of ``docs/benchmarks.md`` (``benchmarks.report`` renders it);
    ``source`` names the results file."""
    p = results["protocol"]
    max_train = p["max_train"]
    if isinstance(max_train, int):
        max_train = f"{max_train:,}"
    yardstick = (
        "Per data set, a yardstick records the machine's speed at the time (a one-row 54x64 "
        "float64 product and a 100-step Python loop; 3.2 and 1.4 µs on the quiet machine)."
    )
    intro = (
        f"From `OMP_WAIT_POLICY=PASSIVE python -m benchmarks.deploy` (`{source}`); what to ship "
        "and how, and what these numbers show, is in `docs/deploy.md`. Each data set's LightGBM "
        f"teacher is fitted on its train part (train rows: {max_train}) and early-stopped as in "
        f"`benchmarks/_models.py` (at most {p['max_trees']:,} trees); the students are trained "
        "briefly on its outputs for the train rows (latency and size do not depend on how well "
        f"they fit). Single row: {p['single_row']}. Batch: {p['batch']}. Threads: "
        f"{p['threads']}, for single rows and batches alike. Sizes: pickle (teacher, "
        "distiller, student), model string (Booster), shared library (compiled teacher), "
        "`.npz` (numpy predictor), ONNX bytes; the distiller's pickle holds the teacher. ONNX "
        "Runtime is timed on ready input tensors (`skdistill.onnx.to_feeds` done beforehand). "
        f"Machine: {p['machine']}; load average {p.get('load_start', p.get('load', '?'))} at the "
        f"start, {p.get('load_end', '?')} at the end. {yardstick}"
    )
    reruns = [f"{name}: {p[name]}." for name in results["datasets"] if name in p]
    if reruns:  # a data set measured again alone, its entry replaced in the results file
        intro += " Re-run alone: " + " ".join(reruns)
    return "\n".join(["## Deployment", "", intro, "", markdown(results)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--students", nargs="*", default=None, help="default: all")
    parser.add_argument(
        "--max-train", type=int, default=None, help="train rows (default: the data set's own)"
    )
    parser.add_argument("--max-trees", type=int, default=2_100, help="cap on teacher trees")
    parser.add_argument("--compile-max-trees", type=int, default=2_500)
    parser.add_argument("--batch", type=int, default=10_000, help="test rows for throughput")
    parser.add_argument("--calls", type=int, default=300, help="one-row calls per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of one-row calls")
    parser.add_argument(
        "--ratio-rounds",
        type=int,
        default=15,
        help="alternated rounds for the MLP 2x64's speed-ups over the teacher (0: none)",
    )
    parser.add_argument("--quick", action="store_true", help="2 small data sets, few calls")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--report", action="store_true", help="print tables of --out and stop")
    args = parser.parse_args(argv)
    if args.report:
        print(markdown(json.loads(args.out.read_text())))
        return None
    if args.quick:
        args.datasets, args.max_train, args.max_trees = ["adult", "covtype"], 3_000, 100
        args.calls, args.rounds = 100, 2
    results = {
        "protocol": {
            "single_row": (
                f"{args.rounds} rounds of {args.calls} one-row calls (cycling through the first "
                f"{args.calls} test rows, after a warm-up call); median of each round; reported: "
                "the median of the round medians and the best (smallest) round median"
            ),
            "batch": f"rows/s on up to {args.batch:,} test rows, best of 3 calls",
            "threads": "one thread for every model (threadpool_limits(1), n_jobs=1, "
            "num_threads=1, nthread=1, one ONNX Runtime intra-op thread)",
            "max_train": args.max_train or "each data set's default (covtype 50,000; others all)",
            "max_trees": args.max_trees,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "load_start": _load(),
        },
        "datasets": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.datasets:
            # One directory per data set: lleaves loads a cached object file of the same
            # name instead of compiling (covtype's model then served california: a crash),
            # and a shared library path already loaded would be reused the same way.
            workdir = Path(tmp) / name
            workdir.mkdir()
            results["datasets"][name] = run_dataset(name, args, workdir)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1) + "\n")  # after each data set
    results["protocol"]["load_end"] = _load()
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(markdown(results))
    print(f"wrote {args.out}")
    return results


if __name__ == "__main__":
    main()

"""Scale benchmark: transfer sets of millions of rows from the full covtype table.

Every configuration runs in its own subprocess, so that its peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is its own:

- ``baseline``: load the input table and the teacher and label one chunk: the memory that
  any fit holds anyway (teacher + input), subtracted from the others.
- ``single``: ``TransferSet.build(..., store=...)`` of N rows in one process, then a
  ``SoftMLPClassifier((64, 64))`` trained chunk by chunk from it.
- ``cluster``: the same fit from a Dask array on ``LocalCluster(n_workers=2,
  threads_per_worker=1, processes=True)``; the client's and each worker's peak RSS.
- ``overhead``: the per-task overhead of the cluster (empty tasks, and one-row labeling tasks).
- ``encoding``: the cost of encoding the chunks for the MLP student, and seconds per epoch
  when the student encodes the transfer set once against encoding every chunk at each read.
- ``sweep``: peak RSS against the number of pseudo rows (cheaper teacher, one epoch).

Usage::

    python -m benchmarks.scale --rows 1000000 10000000        # everything, results to JSON
    python -m benchmarks.scale --quick                         # a smoke run on small sizes

Results go to ``benchmarks/results/scale.json`` (``--out``); ``docs/benchmarks.md`` and
``docs/scaling.md`` report them.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "covtype.csv.gz"
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
SEED = 0


def _peak_rss_mb():
    """Peak resident memory of this process in MB: ``ru_maxrss`` (kilobytes on Linux).

    Linux carries ``ru_maxrss`` over from the parent through fork and exec, so the driver
    stays small (it only starts subprocesses; even the data is prepared in one) and the
    per-mm high-water mark ``VmHWM`` of ``/proc/self/status``, which starts afresh at exec,
    is recorded beside it where it exists.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _vm_hwm_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# ------------------------------------------------------------------------------------------
# Preparation (in the parent): the input table and the teachers, saved for the subprocesses


def prepare(work, quick):
    import pandas as pd

    work.mkdir(parents=True, exist_ok=True)
    if (work / "X.npy").exists() and (work / "teacher.joblib").exists():
        return json.loads((work / "prepared.json").read_text())
    tic = time.perf_counter()
    frame = pd.read_csv(DATA)
    X = frame.iloc[:, :-1].to_numpy(dtype=np.float64)
    y = np.unique(frame.iloc[:, -1].to_numpy(), return_inverse=True)[1]
    if quick:
        X, y = X[:20_000], y[:20_000]
    np.save(work / "X.npy", X)
    np.save(work / "y.npy", y)
    info = {"n_rows": len(X), "n_features": X.shape[1], "teacher_fit_rows": min(len(X), 100_000)}
    for name in ("teacher", "sweep_teacher"):
        info[name] = _fit_teacher(work, name, X, y)
    info["prepare_seconds"] = time.perf_counter() - tic
    (work / "prepared.json").write_text(json.dumps(info))
    return info


# The teachers by name: trees per class. ``big_teacher`` (for the throughput runs with a
# production-sized model, ``--throughput-teacher big_teacher``) is fitted only when asked for.
TEACHER_TREES = {"teacher": 100, "sweep_teacher": 10, "big_teacher": 1000}

# The settings docs/scaling.md advises for a cluster that labels ("A cluster for labeling"):
# Dask's periodic housekeeping slowed (each is a callback on the event loop of every process;
# at their defaults an idle LocalCluster(2), profiler off, used 11% of one core, with these
# 1.6%), and the workers started without MALLOC_TRIM_THRESHOLD_, which Dask sets by default and
# which made the sampler's fit and draws 2-3x slower (glibc then maps every array above 128 KB
# afresh: a page fault per page, each time).
LABELING_CLUSTER = {
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.scheduler.work-stealing-interval": "1s",
    "distributed.nanny.pre-spawn-environ": {
        "OMP_NUM_THREADS": 1,
        "MKL_NUM_THREADS": 1,
        "OPENBLAS_NUM_THREADS": 1,
    },
}


def _fit_teacher(work, name, X=None, y=None):
    """Fit teacher ``name`` on 100,000 rows of the table and save it; its description."""
    import joblib
    from lightgbm import LGBMClassifier

    if X is None:
        X, y = np.load(work / "X.npy"), np.load(work / "y.npy")
    fit_rows = np.random.RandomState(SEED).permutation(len(X))[:100_000]
    n_trees = TEACHER_TREES[name]
    teacher = LGBMClassifier(
        n_estimators=n_trees, num_leaves=63, learning_rate=0.1, verbose=-1, random_state=SEED
    ).fit(X[fit_rows], y[fit_rows])
    joblib.dump(teacher, work / f"{name}.joblib")
    return f"LGBMClassifier(n_estimators={n_trees}, num_leaves=63), fit on {len(fit_rows):,} rows"


def run_prepare_teacher(work, config):
    if not (work / f"{config['teacher']}.joblib").exists():
        return {config["teacher"]: _fit_teacher(work, config["teacher"])}
    return {}


# ------------------------------------------------------------------------------------------
# The configurations (each in a subprocess)


def _load(work, teacher="teacher"):
    import joblib

    X = np.load(work / "X.npy")
    y = np.load(work / "y.npy")
    return X, y, joblib.load(work / f"{teacher}.joblib")


def _student(max_iter):
    from skdistill.students import SoftMLPClassifier

    return SoftMLPClassifier(hidden_layer_sizes=(64, 64), max_iter=max_iter, random_state=SEED)


def run_prepare(work, config):
    return prepare(work, config["quick"])


def run_baseline(work, config):
    from skdistill.teachers import as_teacher

    X, _, teacher = _load(work, config.get("teacher", "teacher"))
    as_teacher(teacher, task="classification").outputs(X[:65_536])
    return {}


def run_single(work, config):
    import warnings

    from skdistill import DistilledClassifier, TransferSet
    from skdistill.samplers import Smear

    X, y, teacher = _load(work, config.get("teacher", "teacher"))
    n_pseudo = config["rows"] - len(X)
    tic = time.perf_counter()
    transfer = TransferSet.build(
        teacher,
        X,
        y,
        sampler=Smear(),
        n_samples=n_pseudo,
        holdout=0.0,
        random_state=SEED,
        store=config["store"],
        directory=config.get("directory"),
    )
    build = time.perf_counter() - tic
    rss_after_build = _vm_hwm_mb() or _peak_rss_mb()
    model = DistilledClassifier(
        teacher, student=_student(config["max_iter"]), holdout=0.0, random_state=SEED
    )
    tic = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(transfer)
    train = time.perf_counter() - tic
    student = model.student_
    return {
        "rows": len(transfer),
        "store": "disk" if transfer.store.on_disk else "memory",
        "store_gb": transfer.store.nbytes / 1e9,
        "build_seconds": build,
        "labeling_seconds": transfer.fit_times["labeling"],
        "sampling_seconds": transfer.fit_times["sampling"],
        "labeling_rows_per_s": len(transfer) / transfer.fit_times["labeling"],
        "train_seconds": train,
        "epochs": student.n_iter_,
        "seconds_per_epoch": train / max(student.n_iter_, 1),
        "vm_hwm_mb_after_build": rss_after_build,
        "peak_rss_mb": _peak_rss_mb(),
        "train_accuracy_first_100k": float(model.score(X[:100_000], y[:100_000])),
    }


def _worker_rss():
    return {"vm_hwm_mb": _vm_hwm_mb(), "peak_rss_mb": _peak_rss_mb()}


def run_cluster(work, config):
    import warnings

    import dask.array as da
    from distributed import Client, LocalCluster

    from skdistill import DistilledClassifier
    from skdistill.samplers import Smear

    X, y, teacher = _load(work, config.get("teacher", "teacher"))
    n_pseudo = config["rows"] - len(X)
    chunk = -(-len(X) // config["partitions"])
    Xd, yd = da.from_array(X, chunks=(chunk, -1)), da.from_array(y, chunks=chunk)
    with (
        LocalCluster(
            n_workers=config["workers"],
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        model = DistilledClassifier(
            teacher,
            student=_student(config["max_iter"]),
            sampler=Smear(),
            n_samples=n_pseudo,
            holdout=0.0,
            random_state=SEED,
        )
        tic = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(Xd, yd)
        wall = time.perf_counter() - tic
        workers = client.run(_worker_rss)
    times = model.fit_times_
    return {
        "rows": model.n_transfer_samples_,
        "workers": config["workers"],
        "partitions": config["partitions"],
        "fit_seconds": wall,
        "labeling_seconds": times["labeling"],
        "labeling_rows_per_s": model.n_transfer_samples_ / times["labeling"],
        "train_seconds": times["training"],
        "epochs": model.student_.n_iter_,
        "client_peak_rss_mb": _peak_rss_mb(),
        "client_vm_hwm_mb": _vm_hwm_mb(),
        "worker_vm_hwm_mb": [w["vm_hwm_mb"] for w in workers.values()],
        "worker_peak_rss_mb": [w["peak_rss_mb"] for w in workers.values()],
        "train_accuracy_first_100k": float(model.score(X[:100_000], y[:100_000])),
    }


def _epoch_seconds(chunks, encode_once):
    """Seconds of each of two epochs of ``fit_chunks``, reading encoded chunks or encoding
    each chunk at each read (as when the disk has no room for the encoded copy)."""
    import contextlib
    import io
    import warnings

    from skdistill.students import _chunks

    real = _chunks.check_room

    def no_room(n_bytes, directory):
        raise OSError("measuring encoding at each read")

    if not encode_once:
        _chunks.check_room = no_room
    out = io.StringIO()
    try:
        student = _student(2).set_params(verbose=1)
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            student.fit_chunks(chunks)
    finally:
        _chunks.check_room = real
    lines = [line for line in out.getvalue().splitlines() if "time = " in line]
    return [float(line.rsplit("time = ", 1)[1].rstrip("s")) for line in lines]


def run_encoding(work, config):
    from skdistill import TransferSet
    from skdistill.samplers import Smear
    from skdistill.students import _chunks

    X, y, teacher = _load(work, "sweep_teacher")
    transfer = TransferSet.build(
        teacher,
        X,
        y,
        sampler=Smear(),
        n_samples=config["rows"] - len(X),
        holdout=0.0,
        random_state=SEED,
        store="disk",
    )
    chunks = transfer.training_chunks()
    student = _student(1)
    student.fit_chunks(chunks)  # fits the encoder
    batches = _chunks.ChunkedBatches(student, chunks, 0.1, np.random.RandomState(SEED))
    encode, read = [], []
    for _ in range(3):
        tic = time.perf_counter()
        for k in range(len(chunks)):
            batches._encode(*chunks.chunk(k))
        encode.append(time.perf_counter() - tic)
        tic = time.perf_counter()
        for k in range(len(chunks)):
            [None if a is None else np.asarray(a) for a in batches.encoded[k]]
        read.append(time.perf_counter() - tic)
    epochs = {"once": [], "each_read": []}
    for _ in range(2):  # alternated, so that both see the same load
        for mode in epochs:
            epochs[mode] += _epoch_seconds(chunks, encode_once=mode == "once")
    return {
        "rows": len(transfer),
        "chunks": len(chunks),
        "encode_all_chunks_s": float(np.median(encode)),
        "read_encoded_chunks_s": float(np.median(read)),
        "epoch_s_encoded_once": epochs["once"],
        "epoch_s_encoding_each_read": epochs["each_read"],
    }


def _cpu_seconds():
    times = os.times()
    return times.user + times.system


def _thread_cpu_seconds():
    """CPU seconds of this process's threads by name (threads that Python did not start,
    such as OpenMP's, as "other")."""
    import threading

    names = {t.native_id: t.name.split("-")[0] for t in threading.enumerate()}
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(tid), "other")
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf(
            "SC_CLK_TCK"
        )
    return out


def run_throughput(work, config):
    """Sampling and labeling alone (no student), in this process or on a LocalCluster.

    ``side="single"``: ``TransferSet.build`` on the numpy table, the teacher predicting on
    LightGBM's default threads (both cores). ``side="cluster"``: the same on a Dask array of
    ``partitions`` partitions, already on the 2 workers (1 thread each) before the clock
    starts, as data read on the cluster would be; the cluster is started before too, and its
    workers have imported skdistill and LightGBM, as the one process has. With
    ``profile=False`` its workers run without Dask's statistical profiler (a sample of every
    thread's stack each 10 ms, on the event loop), as docs/scaling.md advises for labeling.
    """
    from skdistill import TransferSet
    from skdistill.samplers import Smear

    X, y, teacher = _load(work, config.get("teacher", "teacher"))
    kwargs = {
        "sampler": Smear(),
        "n_samples": config["rows"] - len(X),
        "holdout": 0.0,
        "random_state": SEED,
        "store": "memory",
    }
    if config["side"] == "single":
        cpu, tic = _cpu_seconds(), time.perf_counter()
        transfer = TransferSet.build(teacher, X, y, **kwargs)
        wall, cpu = time.perf_counter() - tic, _cpu_seconds() - cpu
        times = transfer.fit_times
        labeling = times["labeling"]
    else:
        import dask
        import dask.array as da
        from distributed import Client, LocalCluster, wait

        chunk = -(-len(X) // config["partitions"])
        profile = config.get("profile", True)
        settings = {"distributed.worker.profile.enabled": profile}
        if config.get("cluster_config") == "labeling":
            settings.update(LABELING_CLUSTER)
        # The environment reaches the worker processes, which read their configuration anew.
        os.environ["DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"] = str(profile)
        dask.config.refresh()
        with (
            dask.config.set(settings),
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            tic = time.perf_counter()
            Xd = da.from_array(X, chunks=(chunk, -1)).persist()
            yd = da.from_array(y, chunks=chunk).persist()
            wait([Xd, yd])
            ship = time.perf_counter() - tic
            # The libraries the one process has loaded before its clock starts (1.8 s a
            # worker, once in a worker's life, on its event loop).
            client.run(_warm_up)
            profiling = client.run(_profiling)
            if set(profiling.values()) != {profile}:
                raise RuntimeError(f"asked for profile={profile}; the workers say {profiling}")
            seen = client.run(_settings, list(settings))
            if any(v != {k: dask.config.get(k) for k in settings} for v in seen.values()):
                raise RuntimeError(f"asked for {settings}; the workers say {seen}")
            trim = set(client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_").values())
            if (trim == {None}) != (config.get("cluster_config") == "labeling"):
                raise RuntimeError(f"the workers' MALLOC_TRIM_THRESHOLD_ is {trim}")
            before = client.run(_thread_cpu_seconds)
            cpu, tic = _cpu_seconds(), time.perf_counter()
            transfer = TransferSet.build(teacher, Xd, yd, **kwargs)
            wall, cpu = time.perf_counter() - tic, _cpu_seconds() - cpu
            after = client.run(_thread_cpu_seconds)
            by_thread = {}
            for w in after:
                for name, value in after[w].items():
                    spent = value - before[w].get(name, 0.0)
                    by_thread[name] = by_thread.get(name, 0.0) + spent
        times = transfer.fit_times
        # Labeling alone: the workers' labeling seconds, spread over the 2 workers.
        labeling = times["worker_labeling"] / 2
    rows = len(transfer)
    result = {
        "rows": rows,
        "build_seconds": wall,
        "build_rows_per_s": rows / wall,
        "sampling_and_labeling_rows_per_s": rows / (times["sampling"] + times["labeling"]),
        "labeling_seconds": labeling,
        "labeling_rows_per_s": rows / labeling,
        "fit_times": times,
        "client_cpu_seconds": cpu,
        "load_1min_after": os.getloadavg()[0],
    }
    if config["side"] == "cluster":
        result.update(
            ship_seconds=ship,
            workers_warm=True,
            workers_cpu_seconds=sum(by_thread.values()),
            workers_cpu_seconds_by_thread=by_thread,
        )
    return result


def _profiling(dask_worker):
    """Whether the worker samples its threads' stacks (Dask's statistical profiler)."""
    return "profile" in dask_worker.periodic_callbacks


def _warm_up():
    import lightgbm  # noqa: F401

    import skdistill  # noqa: F401


def _settings(keys):
    """The worker's Dask settings ``keys``."""
    import dask

    return {k: dask.config.get(k) for k in keys}


def _noop(i):
    return i


def _label_rows(adapter, X):
    return adapter.outputs(X)


def run_overhead(work, config):
    from distributed import Client, LocalCluster

    from skdistill.teachers import as_teacher

    X, _, teacher = _load(work, config.get("teacher", "teacher"))
    adapter = as_teacher(teacher, task="classification")
    n = config["tasks"]
    out = {}
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.gather(client.map(_noop, range(10)))  # warm up
        tic = time.perf_counter()
        client.gather(client.map(_noop, range(n)))
        out["noop_task_ms"] = 1e3 * (time.perf_counter() - tic) / n
        remote = client.scatter(adapter, broadcast=True)
        rows = [X[i : i + 1] for i in range(n)]
        client.gather(client.map(_label_rows, [remote] * 10, rows[:10], pure=False))
        tic = time.perf_counter()
        client.gather(client.map(_label_rows, [remote] * n, rows, pure=False))
        out["one_row_labeling_task_ms"] = 1e3 * (time.perf_counter() - tic) / n
    tic = time.perf_counter()
    for r in rows:
        adapter.outputs(r)
    out["one_row_labeling_in_process_ms"] = 1e3 * (time.perf_counter() - tic) / n
    out["tasks"] = n
    return out


RUNNERS = {
    "prepare": run_prepare,
    "prepare_teacher": run_prepare_teacher,
    "baseline": run_baseline,
    "single": run_single,
    "cluster": run_cluster,
    "overhead": run_overhead,
    "encoding": run_encoding,
    "throughput": run_throughput,
}


# ------------------------------------------------------------------------------------------
# The driver


def _subprocess(work, config, timeout):
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    if config["kind"] == "throughput":
        env.pop("OMP_NUM_THREADS", None)  # one process predicts on all cores, as by default
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.scale",
        "--work",
        str(work),
        "--run",
        json.dumps(config),
    ]
    tic = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {**config, "error": f"timed out after {timeout} s"}
    if proc.returncode != 0:
        return {**config, "error": proc.stderr.strip().splitlines()[-1:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {**config, **result, "process_seconds": time.perf_counter() - tic}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--sweep", type=int, nargs="*", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--only", nargs="*", default=None, help="kinds to run")
    parser.add_argument("--max-iter", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "skdistill-scale"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--repeats", type=int, default=3, help="alternated single/cluster throughput runs"
    )
    parser.add_argument(
        "--throughput-teacher",
        default="teacher",
        choices=sorted(TEACHER_TREES),
        help="teacher of the throughput runs (big_teacher: 1,000 trees a class)",
    )
    parser.add_argument(
        "--throughput-rows",
        type=int,
        default=None,
        help="rows of the throughput runs (default: the first --rows)",
    )
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="throughput runs' cluster without Dask's statistical profiler",
    )
    parser.add_argument(
        "--labeling-cluster",
        action="store_true",
        help="throughput runs' cluster with the settings docs/scaling.md advises for "
        "labeling (LABELING_CLUSTER)",
    )
    parser.add_argument(
        "--batch",
        default=None,
        help="label of this batch of throughput runs (kept apart "
        "from earlier batches in the results)",
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="write docs/benchmarks_scale.md")
    args = parser.parse_args(argv)
    if args.report:
        doc = ROOT / "docs" / "benchmarks_scale.md"
        doc.write_text(render(json.loads(args.out.read_text())))
        return
    if args.run:
        config = json.loads(args.run)
        result = RUNNERS[config["kind"]](args.work, config)
        result.setdefault("peak_rss_mb", _peak_rss_mb())
        result.setdefault("vm_hwm_mb", _vm_hwm_mb())
        print(json.dumps(result))
        return
    if args.quick:
        args.rows, args.sweep, args.partitions = [50_000], [30_000, 60_000], 4
    info = _subprocess(args.work, {"kind": "prepare", "quick": args.quick}, args.timeout)
    if args.throughput_teacher != "teacher":
        config = {"kind": "prepare_teacher", "teacher": args.throughput_teacher}
        info.update(_subprocess(args.work, config, args.timeout))
    configs = [{"kind": "baseline"}, {"kind": "baseline", "teacher": "sweep_teacher"}]
    for rows in args.rows:
        # Chunked in memory up to 1 GiB of float32 (covtype: 54 columns, 7 logits), on disk beyond.
        store = "memory" if rows * (54 + 7) * 4 <= 1 << 30 else "disk"
        configs.append({"kind": "single", "rows": rows, "store": store, "max_iter": args.max_iter})
        configs.append(
            {
                "kind": "cluster",
                "rows": rows,
                "workers": 2,
                "partitions": args.partitions,
                "max_iter": args.max_iter,
            }
        )
    configs += [
        {
            "kind": "single",
            "rows": rows,
            "store": "disk",
            "max_iter": 1,
            "teacher": "sweep_teacher",
            "sweep": True,
        }
        for rows in args.sweep
    ]
    for repeat in range(args.repeats):  # alternated, so that both sides see the same load
        for side in ("single", "cluster"):
            configs.append(
                {
                    "kind": "throughput",
                    "side": side,
                    "rows": args.throughput_rows or args.rows[0],
                    "partitions": args.partitions,
                    "repeat": repeat,
                    "teacher": args.throughput_teacher,
                    "profile": not args.no_profile,
                    "cluster_config": "labeling" if args.labeling_cluster else "default",
                    "batch": args.batch,
                }
            )
    configs.append({"kind": "overhead", "tasks": 200})
    if args.sweep:
        configs.append({"kind": "encoding", "rows": args.sweep[0]})
    if args.only:
        configs = [
            c
            for c in configs
            if c["kind"] in args.only or ("sweep" in args.only and c.get("sweep"))
        ]
    results = {"prepared": info, "machine": {"cpus": os.cpu_count()}, "runs": []}
    if args.out.exists():
        results["runs"] = json.loads(args.out.read_text()).get("runs", [])
    for config in configs:
        print("running", config, flush=True)
        load = os.getloadavg()
        result = {
            **_subprocess(args.work, config, args.timeout),
            "load_at_start": load[0],
            "loadavg_at_start": list(load),
            "load_at_end": os.getloadavg()[0],
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        print(json.dumps(result), flush=True)
        results["runs"] = [r for r in results["runs"] if _key(r) != _key(config)] + [result]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1))


def _key(config):
    return json.dumps(
        {
            k: config.get(k)
            for k in (
                "kind",
                "rows",
                "store",
                "teacher",
                "workers",
                "sweep",
                "tasks",
                "side",
                "repeat",
                "profile",
                "cluster_config",
                "batch",
            )
        },
        sort_keys=True,
    )


# ------------------------------------------------------------------------------------------
# The report: docs/benchmarks_scale.md from the results file


def _fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _load_of(r):
    """Under what load (1-minute load average at the start and end) a run was."""
    if r.get("earlier_session"):
        return f"{r.get('load_at_start', 0):.1f} (earlier session, slower machine)"
    end = r.get("load_at_end", r.get("load_1min_after"))
    return f"{r['load_at_start']:.1f}" + ("" if end is None else f" → {end:.1f}")


def _throughput_batches(runs):
    """The throughput runs split into their alternations (a batch starts at repeat 0)."""
    batches = []
    for r in runs:
        if r["repeat"] == 0 and r["side"] == "single" or not batches:
            batches.append([])
        batches[-1].append(r)
    return batches


def _throughput_lines(runs):
    """The alternated one-process / cluster throughput runs, batch by batch: a table, the
    ratio of each pair (a cluster run over the one-process run just before it, which saw
    about the same load) and best / median."""
    runs = [r for r in runs if r["kind"] == "throughput"]
    if not runs:
        return []
    lines = [
        "",
        "## Sampling and labeling throughput: LocalCluster(2) against one process",
        "",
        f"{runs[0]['rows']:,} rows (the full table's real rows and Smear pseudo rows), no "
        "student: `TransferSet.build` alone. One process: the numpy table, the teacher "
        "predicting on LightGBM's default threads (both cores). Cluster: `LocalCluster("
        "n_workers=2, threads_per_worker=1, processes=True)`, started and given the data (a "
        f"Dask array of {runs[0]['partitions']} partitions, persisted on the workers) before "
        "the clock starts; from batch 5 on, its workers have also imported skdistill and "
        "LightGBM (1.8 s each, once in a worker's life), as the one process has. Batches "
        "marked *set up for labeling* start the cluster with `LABELING_CLUSTER` "
        '(docs/scaling.md, "A cluster for labeling"). The runs alternate (one process, '
        "cluster, one process, ...), with "
        "other jobs on the machine. *Sampling + labeling* is rows over the wall time of both "
        "(on the cluster, from the first task to the last stored result); *labeling* is rows "
        "over the labeling time (in one process as timed there; on the cluster, the workers' "
        "labeling seconds summed over the tasks, divided by 2). CPU seconds: this process's, "
        "and on the cluster the workers' (all their threads). *Pair ratio*: a cluster run's "
        "rate over the one-process run just before it; the load moved a lot within a batch, "
        "and a pair saw about the same load.",
    ]
    for number, batch in enumerate(_throughput_batches(runs), start=1):
        lines += _throughput_batch_lines(number, batch)
    return lines


def _throughput_batch_lines(number, runs):
    date = runs[0].get("date", "an earlier session")
    teacher = runs[0].get("teacher") or "teacher"
    trees = f"{TEACHER_TREES[teacher]:,} trees a class"
    profile = runs[0].get("profile")
    profiler = "" if profile is None else f"; workers' profiler {'on' if profile else 'off'}"
    if runs[0].get("cluster_config") == "labeling":
        profiler += "; the cluster set up for labeling"
    lines = [
        "",
        f"### Batch {number} ({date}; {runs[0]['rows']:,} rows; teacher of {trees}{profiler})",
        "",
        "| run | side | sampling + labeling rows/s | labeling rows/s | pair ratio (both) | "
        "wall s | CPU s (client + workers) | load at start → end |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    pairs, previous = [], None
    for r in runs:
        cpu = r["client_cpu_seconds"] + r.get("workers_cpu_seconds", 0.0)
        ratio = ""
        if r["side"] == "cluster" and previous is not None:
            pair = [r[k] / previous[k] for k in ("sampling_and_labeling_rows_per_s",
                                                  "labeling_rows_per_s")]  # fmt: skip
            pairs.append(pair)
            ratio = f"{_fmt(pair[0], 2)}x / {_fmt(pair[1], 2)}x"
        previous = r if r["side"] == "single" else None
        lines.append(
            f"| {r['repeat'] + 1} | {'cluster' if r['side'] == 'cluster' else 'one process'} "
            f"| {_fmt(r['sampling_and_labeling_rows_per_s'])} | "
            f"{_fmt(r['labeling_rows_per_s'])} | {ratio} | {_fmt(r['build_seconds'], 1)} | "
            f"{_fmt(cpu, 1)} | {_load_of(r)} |"
        )
    lines += ["", "| | one process | cluster | cluster / one process |", "|---|---:|---:|---:|"]
    for i, (key, label) in enumerate(
        (
            ("sampling_and_labeling_rows_per_s", "sampling + labeling rows/s"),
            ("labeling_rows_per_s", "labeling rows/s"),
        )
    ):
        for name, pick in (("best", max), ("median", np.median)):
            one = float(pick([r[key] for r in runs if r["side"] == "single"]))
            two = float(pick([r[key] for r in runs if r["side"] == "cluster"]))
            lines.append(f"| {label}, {name} | {_fmt(one)} | {_fmt(two)} | {_fmt(two / one, 2)}x |")
        if pairs:
            best, median = max(p[i] for p in pairs), float(np.median([p[i] for p in pairs]))
            lines.append(f"| {label}, pair ratios: best / median | | | {_fmt(best, 2)}x / "
                         f"{_fmt(median, 2)}x |")  # fmt: skip
    cpu_one = np.median([r["client_cpu_seconds"] for r in runs if r["side"] == "single"])
    cpu_two = np.median(
        [r["client_cpu_seconds"] + r["workers_cpu_seconds"] for r in runs if r["side"] != "single"]
    )
    lines.append(f"| CPU s (median) | {_fmt(cpu_one, 1)} | {_fmt(cpu_two, 1)} | "
                 f"{_fmt(cpu_two / cpu_one, 2)}x |")  # fmt: skip
    by_thread = {}
    for r in runs:
        for name, value in r.get("workers_cpu_seconds_by_thread", {}).items():
            kind = "event loop" if name == "MainThread" else "tasks and other threads"
            by_thread.setdefault(kind, []).append(value)
    n_cluster = sum(r["side"] == "cluster" for r in runs)
    if by_thread:
        lines += [
            "",
            "Where the workers' CPU went (mean per run): "
            + ", ".join(f"{k} {_fmt(sum(v) / n_cluster, 1)} s" for k, v in by_thread.items())
            + "; the event loop moves the rows (the results to the client, fitted samplers "
            "between workers)"
            + (
                " (Dask's statistical profiler off)."
                if runs[0].get("profile") is False
                else " and runs Dask's statistical profiler every 10 ms."
            ),
        ]
    return lines


def render(results):
    """The markdown page of the results."""
    runs = [r for r in results["runs"] if "error" not in r]
    base = {r.get("teacher", "teacher"): r["vm_hwm_mb"] for r in runs if r["kind"] == "baseline"}
    info = results["prepared"]
    loads = [r.get("load_at_start", 0.0) for r in runs] or [0.0]
    lines = [
        "# Benchmarks: scale",
        "",
        "Generated by `python -m benchmarks.scale --report` from `benchmarks/results/scale.json`; "
        "do not edit by hand. How the transfer set is chunked and distributed: "
        "[scaling.md](scaling.md).",
        "",
        f"- input: covtype, all {info['n_rows']:,} rows, {info['n_features']} numeric columns; "
        "the transfer set is the real rows plus Smear pseudo rows up to the row count shown",
        f"- teacher: {info['teacher']}; the memory sweep uses {info['sweep_teacher']}",
        "- student: `SoftMLPClassifier((64, 64))`, trained chunk by chunk (`fit_chunks`), "
        "epochs as shown (max_iter)",
        f"- machine: {results['machine']['cpus']} cores; every configuration in its own "
        "process; peak RSS is the process's `VmHWM` (equal to `ru_maxrss` here, since the "
        "driver that starts the processes stays small)",
        "- load: other jobs shared the 2 cores (1-minute load average "
        f"{min(loads):.1f} to {max(loads):.1f} at the start of the runs; each table gives "
        "its runs' load), so times and rates are noisy; memory is not affected. Runs marked "
        "*earlier session* ran on an older machine about 2.5x slower",
        f"- baseline (input table + teacher loaded, one chunk labeled): "
        f"{_fmt(base.get('teacher'))} MB",
        "",
        "## One process",
        "",
        "| rows | store | labeling rows/s | labeling s | training s (epochs) | peak RSS MB "
        "| beyond baseline MB | load |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        if r["kind"] == "single" and not r.get("sweep"):
            peak = r.get("vm_hwm_mb") or r["peak_rss_mb"]
            lines.append(
                f"| {r['rows']:,} | {r['store']} ({r['store_gb']:.2f} GB) | "
                f"{_fmt(r['labeling_rows_per_s'])} | {_fmt(r['labeling_seconds'], 1)} | "
                f"{_fmt(r['train_seconds'], 1)} ({r['epochs']}) | {_fmt(peak)} | "
                f"{_fmt(peak - base.get('teacher', 0))} | {_load_of(r)} |"
            )
    lines += [
        "",
        "## LocalCluster (2 workers x 1 thread, processes) against one process",
        "",
        "| rows | partitions | fit s | labeling rows/s | vs one process | training s (epochs) | "
        "client peak MB | worker peak MB | accuracy (first 100k rows) | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    single = {r["rows"]: r for r in runs if r["kind"] == "single" and not r.get("sweep")}
    for r in runs:
        if r["kind"] == "cluster":
            one = single.get(r["rows"])
            ratio = r["labeling_rows_per_s"] / one["labeling_rows_per_s"] if one else None
            workers = ", ".join(_fmt(w) for w in r["worker_vm_hwm_mb"])
            lines.append(
                f"| {r['rows']:,} | {r['partitions']} | {_fmt(r['fit_seconds'], 1)} | "
                f"{_fmt(r['labeling_rows_per_s'])} | {_fmt(ratio, 2)}x | "
                f"{_fmt(r['train_seconds'], 1)} ({r['epochs']}) | {_fmt(r['client_vm_hwm_mb'])} | "
                f"{workers} | {r['train_accuracy_first_100k']:.3f} | {_load_of(r)} |"
            )
    lines += [
        "",
        "The full fit (labeling, then the student trained on the client). Labeling rows/s "
        "here is rows over the labeling time of `fit_times_`: in one process it excludes "
        "sampling; on the cluster, runs from this session split the wall time from the "
        "first task to the last stored result by the workers' sampling and labeling "
        "seconds, and earlier runs counted all of it as labeling. These runs are niced and "
        "not alternated, so the ratio is only indicative: the like-for-like comparison is "
        "the throughput section below. One-process accuracy (first 100k rows): "
        + ", ".join(
            f"{r['train_accuracy_first_100k']:.3f} ({r['rows']:,} rows)"
            for r in runs
            if r["kind"] == "single" and not r.get("sweep")
        )
        + ".",
        "",
        "## Peak memory against the number of pseudo rows",
        "",
        "Disk store, one epoch, the small teacher.",
        "",
        "| rows | store GB | peak RSS MB | beyond baseline MB | labeling rows/s | "
        "seconds per epoch |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted((r for r in runs if r.get("sweep")), key=lambda r: r["rows"]):
        peak = r.get("vm_hwm_mb") or r["peak_rss_mb"]
        lines.append(
            f"| {r['rows']:,} | {r['store_gb']:.2f} | {_fmt(peak)} | "
            f"{_fmt(peak - base.get('sweep_teacher', 0))} | {_fmt(r['labeling_rows_per_s'])} | "
            f"{_fmt(r['seconds_per_epoch'], 1)} |"
        )
    lines += _throughput_lines(runs)
    for r in runs:
        if r["kind"] == "overhead":
            lines += [
                "",
                "## Per-task overhead of the cluster",
                "",
                f"Over {r['tasks']} tasks on the 2-worker LocalCluster: an empty task costs "
                f"{_fmt(r['noop_task_ms'], 2)} ms; a task labeling one row with the scattered "
                f"teacher {_fmt(r['one_row_labeling_task_ms'], 2)} ms, against "
                f"{_fmt(r['one_row_labeling_in_process_ms'], 2)} ms for the same call in "
                "process. A pseudo-row task labels 65,536 rows, so this overhead is paid once "
                "per 65,536 rows.",
            ]
    for r in runs:
        if r["kind"] == "encoding":
            once, each = r["epoch_s_encoded_once"], r["epoch_s_encoding_each_read"]
            lines += [
                "",
                "## Encoding the transfer set once",
                "",
                f"{r['rows']:,} rows on disk ({r['chunks']} chunks), the MLP student: "
                f"encoding every chunk (input encoder and soft targets) takes "
                f"{_fmt(r['encode_all_chunks_s'], 2)} s, reading the encoded chunks back "
                f"{_fmt(r['read_encoded_chunks_s'], 2)} s (medians of 3). An epoch encodes "
                "every chunk twice when it is not kept encoded (training rows, then the "
                "validation rows for early stopping). Seconds per epoch, "
                f"{len(once)} epochs each, alternated (best / median):",
                "",
                "| the student | best s | median s |",
                "|---|---:|---:|",
                f"| encodes the set once (kept beside the store) | {_fmt(min(once), 1)} | "
                f"{_fmt(float(np.median(once)), 1)} |",
                f"| encodes each chunk at each read | {_fmt(min(each), 1)} | "
                f"{_fmt(float(np.median(each)), 1)} |",
            ]
    errors = [r for r in results["runs"] if "error" in r]
    if errors:
        lines += ["", "## Runs that did not finish", ""]
        lines += [
            f"- `{json.dumps({k: v for k, v in r.items() if k != 'error'})}`: {r['error']}"
            for r in errors
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

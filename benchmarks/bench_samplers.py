"""Speed and memory of the samplers on the full covtype table (581,012 x 54).

Run from the repository root::

    python -m benchmarks.bench_samplers            # MUNGE, Smear, GaussianNoise, Mixup, Marginal
    python -m benchmarks.bench_samplers --only MUNGE Smear --n-samples 1000000

Each sampler runs in its own subprocess, so peak memory is its own. Within it, fit and sample
are measured separately: wall time, peak traced allocation of the phase (``tracemalloc``,
which numpy reports to; reset between phases) and the process's peak RSS so far
(``resource.getrusage``, which never goes down, so the sample figure includes fit's peak).
Two ways of sampling are timed: ``sample(n)`` (one table in memory) and the distiller's path,
``iter_samples(n, chunk_size)`` consuming chunk by chunk.

Data: ``$SKDISTILL_DATA/covtype.csv.gz``, default ``../shared/datasets`` beside the repository.
Results: ``benchmarks/results/samplers_covtype.json``.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "samplers_covtype.json"
DEFAULT_SAMPLERS = ["MUNGE", "Smear", "GaussianNoise", "Mixup", "MarginalSampler"]


def data_dir():
    return Path(os.environ.get("SKDISTILL_DATA", ROOT.parent / "shared" / "datasets"))


def make_sampler(name):
    from skdistill import samplers

    if name == "MUNGE":
        return samplers.MUNGE(p=0.5, s=2.0, n_jobs=2)
    if name == "GaussianMixtureSampler":
        return samplers.GaussianMixtureSampler(n_components=10, random_state=0)
    return getattr(samplers, name)()


def rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_one(name, n_samples, chunk_size):
    """Fit and sample one sampler in this process; return a dict of measurements."""
    import pandas as pd

    t0 = time.perf_counter()
    X = pd.read_csv(data_dir() / "covtype.csv.gz").drop(columns="target")
    out = {
        "sampler": name,
        "rows": X.shape[0],
        "columns": X.shape[1],
        "n_samples": n_samples,
        "chunk_size": chunk_size,
        "load_s": time.perf_counter() - t0,
        "rss_after_load_mb": rss_mb(),
    }
    sampler = make_sampler(name)
    out["params"] = {k: repr(v) for k, v in sampler.get_params().items()}

    tracemalloc.start()
    t0 = time.perf_counter()
    sampler.fit(X)
    out["fit_s"] = time.perf_counter() - t0
    out["fit_peak_traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    out["rss_after_fit_mb"] = rss_mb()

    tracemalloc.reset_peak()
    t0 = time.perf_counter()
    rows = sampler.sample(n_samples, random_state=0)
    out["sample_s"] = time.perf_counter() - t0
    out["sample_peak_traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    out["rss_after_sample_mb"] = rss_mb()
    out["output_mb"] = float(rows.memory_usage(index=False).sum()) / 2**20
    out["onehot_ok"] = bool(
        (rows.filter(like="Soil_Type").sum(axis=1) == 1).all()
        and (rows.filter(like="Wilderness_Area").sum(axis=1) == 1).all()
    )
    del rows

    tracemalloc.reset_peak()
    t0 = time.perf_counter()
    n_rows = 0
    for chunk in sampler.iter_samples(n_samples, chunk_size=chunk_size, random_state=0):
        n_rows += len(chunk)
    out["stream_s"] = time.perf_counter() - t0
    out["stream_peak_traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert n_rows == n_samples
    out["fit_plus_sample_s"] = out["fit_s"] + out["sample_s"]
    out["rss_peak_mb"] = rss_mb()
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", default=DEFAULT_SAMPLERS)
    parser.add_argument("--n-samples", type=int, default=1_000_000)
    parser.add_argument("--chunk-size", type=int, default=65_536)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one sampler, print JSON
    args = parser.parse_args(argv)

    if args.one:
        print(json.dumps(measure_one(args.one, args.n_samples, args.chunk_size)))
        return

    import numpy
    import sklearn

    runs = []
    for name in args.only:
        load_before = os.getloadavg()
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.bench_samplers",
            "--one",
            name,
            "--n-samples",
            str(args.n_samples),
            "--chunk-size",
            str(args.chunk_size),
        ]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["load_average_before"] = load_before
        result["load_average_after"] = os.getloadavg()
        runs.append(result)
        print(
            f"{name:>16}: fit {result['fit_s']:6.1f} s, sample {result['sample_s']:5.1f} s "
            f"(stream {result['stream_s']:5.1f} s), peak RSS {result['rss_peak_mb']:6.0f} MB, "
            f"fit peak {result['fit_peak_traced_mb']:5.0f} MB, sample peak "
            f"{result['sample_peak_traced_mb']:5.0f} MB, load {load_before[0]:.1f}",
            flush=True,
        )
    report = {
        "benchmark": "samplers on covtype",
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "scikit-learn": sklearn.__version__,
            "note": "shared machine: other jobs ran at the same time, see load averages",
        },
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Re-measure the pickled sizes of the MLP students in stored sizing results, at this code.

``python -m benchmarks.sizing_resize RESULTS.json [MORE.json ...]`` rebuilds each cell's
teacher and transfer set (same data set, seed and plan as the run that wrote it), trains every
MLP of the ladder for one epoch on it, and writes each one's pickled size as the distillers
now ship it (without the optimizer state, which only ``partial_fit`` reads) into the cell, in
place of the stored one. A network's pickle does not depend on how long it trained, except
for its per-epoch loss curves: they are padded to the stored number of epochs. The old size is
kept as ``size_bytes_before``; ``size_check`` holds it beside the new size plus the
optimizer state, Adam's scratch buffer and the random generator that the stored runs pickled
(measured apart, so a few bytes of pickle framing off): the two agree when the re-fit network
is the stored one.

Training and scores are untouched; ``python -m benchmarks.sizing_report`` then recomputes the
default ladder's choice (which depends on sizes) from the stored hold-out scores.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.measure import pickled_size

from ._data import load_split
from ._models import fit_teacher
from .sizing import build_transfer, ladder

_CURVES = ("loss_curve_", "validation_loss_curve_")


def _padded(student, n_iter):
    """The student with its per-epoch curves as long as ``n_iter`` epochs."""
    for name in _CURVES:
        curve = getattr(student, name, None)
        if curve:
            setattr(student, name, (curve * int(n_iter))[: int(n_iter)])
    return student


def resize_cell(cell, plan):
    split = load_split(cell["dataset"], max_train=plan["max_train"], max_test=plan["max_test"])
    teacher, _ = fit_teacher("lightgbm", split, cell["seed"], max_trees=plan["max_teacher_trees"])
    transfer, _ = build_transfer(teacher, split, cell["seed"], plan, "default")
    estimators = {(kind, label): est for kind, label, est in ladder(split.spec.task)}
    distiller = DistilledClassifier if split.spec.task == "classification" else DistilledRegressor
    for row in cell["students"]:
        if row["kind"] not in ("mlp", "mlp-pieces"):
            continue
        one_epoch = clone(estimators[row["kind"], row["label"]]).set_params(max_iter=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shipped = distiller(teacher, student=one_epoch, random_state=cell["seed"])
            shipped = _padded(shipped.fit(transfer).student_, row["n_iter"])
        n_params = sum(w.size for w in shipped.coefs_) + sum(b.size for b in shipped.intercepts_)
        # What the stored runs pickled besides: the optimizer (with Adam's scratch buffer,
        # n_params float32 then) and the random generator; their pickles measured apart.
        state = {
            "o": shipped._new_optimizer(n_params, shipped.batch_size_),
            "r": np.random.RandomState(0),
        }
        as_stored_then = pickled_size(shipped) + pickled_size(state) + 4 * n_params
        row.setdefault("size_bytes_before", row["size_bytes"])
        row["size_check"] = {"stored": row["size_bytes_before"], "refit": as_stored_then}
        row["size_bytes"] = pickled_size(shipped)
        row["record"]["size_bytes"] = float(row["size_bytes"])
        print(
            f"{cell['dataset']} seed {cell['seed']} {row['kind']} {row['label']}: "
            f"{row['size_bytes_before']:,} -> {row['size_bytes']:,} bytes "
            f"(stored {row['size_bytes_before']:,}, refit with its state {as_stored_then:,})",
            flush=True,
        )


def main(argv=None):
    for path in map(Path, argv or sys.argv[1:]):
        results = json.loads(path.read_text())
        for cell in results["cells"]:
            resize_cell(cell, results["plan"])
            cell["resized"] = True
            path.write_text(json.dumps(results, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())

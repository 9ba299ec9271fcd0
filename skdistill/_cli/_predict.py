"""``skdistill predict``: a saved student's predictions for a table, to CSV or Parquet."""

import numpy as np

from ._models import load_student
from ._tables import read_table, split_target, write_table
from ._teacher import feature_table


def add_parser(commands):
    p = commands.add_parser(
        "predict",
        help="predict a table with a saved student",
        description="Write a saved student's predictions (and class probabilities) for each "
        "row of a table to a CSV or Parquet file.",
    )
    p.add_argument(
        "--model",
        required=True,
        metavar="STUDENT",
        help="the saved student (.skops, or .joblib with --trust)",
    )
    p.add_argument(
        "--data", required=True, metavar="TABLE", help="rows to predict (.csv, .parquet)"
    )
    p.add_argument("--out", required=True, metavar="FILE", help="output table (.csv, .parquet)")
    p.add_argument("--target", metavar="COL", help="a label column in TABLE to leave out")
    p.add_argument(
        "--trust",
        action="store_true",
        help="load pickle/joblib files and unknown skops types (runs their code)",
    )
    p.set_defaults(run=run)


def run(args):
    import pandas as pd

    model = load_student(args.model, trust=args.trust)
    X, _ = split_target(read_table(args.data), args.target, args.data)
    X = feature_table(
        X,
        getattr(model, "feature_names_in_", None),
        getattr(model, "n_features_in_", None),
        args.data,
        what="the model",
    )
    out = pd.DataFrame({"prediction": model.predict(X)})
    if hasattr(model, "predict_proba") and hasattr(model, "classes_"):
        proba = np.asarray(model.predict_proba(X))
        for i, label in enumerate(model.classes_):
            out[f"proba_{label}"] = proba[:, i]
    write_table(out, args.out)
    print(f"wrote {len(out):,} predictions to {args.out}")
    return 0

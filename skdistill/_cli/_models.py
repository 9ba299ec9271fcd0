"""Loading teachers and students from files, and saving students.

The format is told by the file name and checked against the file's first bytes, so a model
of one library named with another's extension is a clear error rather than a parser's
traceback. Pickle and joblib files run code when loaded: they are read only with ``--trust``.
"""

import contextlib
import importlib
import json
import os
import sys
import zipfile
from pathlib import Path

from ._errors import UserError, first_line

# What each extension promises.
_EXTENSIONS = {
    ".txt": "lightgbm",
    ".json": "xgboost-json",
    ".ubj": "xgboost-ubj",
    ".skops": "skops",
    ".joblib": "pickle",
    ".pkl": "pickle",
    ".pickle": "pickle",
}
_DESCRIPTIONS = {
    "lightgbm": "a LightGBM model text file (.txt)",
    "xgboost-json": "an XGBoost JSON model (.json)",
    "xgboost-ubj": "an XGBoost UBJSON model (.ubj)",
    "skops": "a skops file (.skops)",
    "pickle": "a pickle or joblib file (.joblib, .pkl)",
}
# Types a skops file may hold without --trust: skdistill's own and the model libraries'.
_TRUSTED_PREFIXES = ("skdistill.", "lightgbm.basic.", "lightgbm.sklearn.", "xgboost.core.",
                     "xgboost.sklearn.")  # fmt: skip
_TRUSTED_TYPES = frozenset({"sklearn.tree._tree.Tree", "collections.OrderedDict"})


def sniff(path):
    """What the file's first bytes say it is: one of the formats above, or None."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"tree\n") or head.startswith(b"tree\r\n"):
        return "lightgbm"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "skops" if "schema.json" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    if head.startswith(b"{"):
        text = head.lstrip(b"{ \t\r\n")
        if text.startswith(b'"'):
            return "xgboost-json" if b'"learner"' in head else "json"
        return "xgboost-ubj" if b"learner" in head else None
    if head[:1] == b"\x80" or head[:2] in (b"x\x9c", b"x\x01", b"x\xda") or head[:3] == b"ZF\x78":
        return "pickle"
    return None


def _expected_format(path):
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(_DESCRIPTIONS.values())
        raise UserError(
            f"{path}: unknown model format {suffix or '(no extension)'!r}; give {known}"
        )
    return _EXTENSIONS[suffix]


def _check_format(path):
    if not Path(path).is_file():
        raise UserError(f"{path}: no such file")
    expected = _expected_format(path)
    actual = sniff(path)
    if actual != expected:
        what = _DESCRIPTIONS.get(actual, "not a model file skdistill can read")
        raise UserError(
            f"{path}: named as {_DESCRIPTIONS[expected]} but its contents are {what}"
            + (f"; rename it to {_suffix_of(actual)}" if actual in _DESCRIPTIONS else "")
        )
    return expected


def _suffix_of(kind):
    return next(s for s, k in _EXTENSIONS.items() if k == kind)


def _import(module, extra):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UserError(
            f"this needs {module.split('.')[0]}; install it with: pip install 'skdistill[{extra}]'"
        ) from None


def _load_skops(path, trust):
    sio = _import("skops.io", "cli")
    try:
        untrusted = sio.get_untrusted_types(file=path)
        unknown = [t for t in untrusted if not _trusted(t)]
        if unknown and not trust:
            raise UserError(
                f"{path}: the skops file holds types skdistill does not trust "
                f"({', '.join(unknown)}); "
                "pass --trust only if you trust where the file comes from"
            )
        return sio.load(path, trusted=untrusted)
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"{path}: cannot be loaded as a skops file ({first_line(exc)})") from None


def _trusted(type_name):
    return type_name in _TRUSTED_TYPES or type_name.startswith(_TRUSTED_PREFIXES)


def _load_pickle(path, trust):
    if not trust:
        raise UserError(
            f"{path}: pickle and joblib files run code when loaded; pass --trust if you trust "
            "where the file comes from, or save the model with skops"
        )
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling fails in many ways: missing modules, truncation
        raise UserError(f"{path}: cannot be unpickled ({first_line(exc)})") from None


@contextlib.contextmanager
def _native_stderr_silenced():
    """Silence what native code writes to stderr (LightGBM prints "[Fatal] ..." there before
    raising the same message as an exception, which is then reported on one line)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _load_booster(path, kind):
    try:
        if kind == "lightgbm":
            import lightgbm

            with _native_stderr_silenced():
                return lightgbm.Booster(model_file=str(path))
        xgboost = _import("xgboost", "xgboost")
        booster = xgboost.Booster()
        booster.load_model(str(path))
        if kind == "xgboost-json":
            json.loads(Path(path).read_text(encoding="utf-8"))  # truncated files load partly
        return booster
    except UserError:
        raise
    except Exception as exc:
        raise UserError(
            f"{path}: cannot be read as {_DESCRIPTIONS[kind]} ({first_line(exc)})"
        ) from None


def load_model(path, *, trust=False):
    """The model saved at ``path`` (LightGBM text, XGBoost JSON/UBJ, skops, or pickle)."""
    kind = _check_format(path)
    if kind == "skops":
        return _load_skops(path, trust)
    if kind == "pickle":
        return _load_pickle(path, trust)
    return _load_booster(path, kind)


def load_student(path, *, trust=False):
    """A fitted model to predict with (a student written by ``skdistill distill``)."""
    model = load_model(path, trust=trust)
    if not hasattr(model, "predict"):
        raise UserError(f"{path}: holds a {type(model).__name__}, which has no predict method")
    return model


def save_student(student, out_dir):
    """Write the student as ``student.skops`` and ``student.joblib``, and as the numpy-only
    predictor ``student.npz`` of :mod:`skdistill.deploy` where it supports the student; return
    the paths.

    The skops file is loaded back with the types this module trusts, so what is written is
    known to load with ``skdistill predict`` and ``skdistill report``.
    """
    sio = _import("skops.io", "cli")
    import joblib

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    skops_path = out_dir / "student.skops"
    sio.dump(student, skops_path)
    _load_skops(skops_path, trust=False)
    joblib_path = out_dir / "student.joblib"
    joblib.dump(student, joblib_path)
    paths = [skops_path, joblib_path]
    from ..deploy import export_predictor

    try:  # the numpy-only predictor, for the students it supports (not the GBM ones)
        predictor = export_predictor(student)
    except TypeError:
        return paths
    predictor_path = out_dir / "student.npz"
    predictor.save(predictor_path)
    return paths + [predictor_path]


def require_skops():
    """Fail before any work when skops, which the student file needs, is missing."""
    _import("skops.io", "cli")

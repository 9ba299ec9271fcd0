"""Deploy a distilled model: a numpy-only predictor, saved without pickle.

:func:`export_predictor` turns a fitted distiller (or student) into a :class:`Predictor` that
holds the student's encoder statistics and weights and nothing else (no training rows, no
teacher, no optimizer state). Its module, ``skdistill/deploy/_runtime.py``, imports numpy alone:
a service can copy that one file and :func:`load` the ``.npz`` written by
:meth:`Predictor.save`. For ONNX Runtime, see :mod:`skdistill.onnx`.
"""

from ._export import export_predictor
from ._runtime import Predictor, load

__all__ = ["Predictor", "export_predictor", "load"]

"""What ``sampler="default"`` and ``alpha="default"`` mean: the values measured best for each
kind of student.

``python -m benchmarks.defaults_search --student <kind>`` distilled an early-stopped LightGBM
teacher on six real tables with each sampler (20 pseudo rows per real row), then with each
``alpha``, keeping the value with the best gap closed on validation rows, pooled over the
tables (``docs/defaults*.md``). Pooled validation gap closed of the winners:

- MLP (and any student not listed): ``Smear``, ``alpha=0`` (+0.78; the full search over
  ``n_samples`` and temperature too is in ``docs/defaults.md``).
- tree: ``MUNGE``, ``alpha=0`` (+0.11; Smear -0.02).
- GBM: no pseudo rows, ``alpha=0.3`` (-0.05: every sampler did worse, -0.38 to -0.45 at
  ``alpha=0``; a small GBM trained on the labels is as good as its distilled version).
- linear: no pseudo rows, ``alpha=0`` (-0.02; every sampler -0.03 to -0.12).
"""

from .samplers import MUNGE, Smear

_GBM_ALPHA = 0.3


def _is_gbm(student):
    from .students import SoftGBMClassifier, SoftGBMRegressor

    return isinstance(student, SoftGBMClassifier | SoftGBMRegressor)


def default_alpha(student):
    """The default hard-label weight for ``student`` (None is the default MLP)."""
    return _GBM_ALPHA if _is_gbm(student) else 0.0


def default_sampler(student):
    """A new instance of the default sampler for ``student`` (None: no pseudo rows).

    Parameters
    ----------
    student : estimator or None
        The distiller's ``student`` parameter (None is the default MLP).

    Returns
    -------
    sampler : sampler or None
    """
    from .students import SoftLogisticRegression, SoftTreeClassifier, SoftTreeRegressor

    if isinstance(student, SoftTreeClassifier | SoftTreeRegressor):
        return MUNGE()
    if _is_gbm(student) or isinstance(student, SoftLogisticRegression):
        return None
    return Smear()

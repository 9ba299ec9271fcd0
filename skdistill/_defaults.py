"""What ``sampler="default"`` means: the sampler measured best for each kind of student.

``python -m benchmarks.defaults_search --student <kind>`` distilled an early-stopped LightGBM
teacher on six real tables with each sampler (20 pseudo rows per real row) and kept the one
with the best gap closed on validation rows, pooled over the tables (``docs/defaults*.md``):

- MLP (and any student not listed): ``Smear``.
- tree: ``MUNGE``; Smear's cell swaps hurt it (letter: 0.55 against 0.61 direct).
- GBM and linear: no pseudo rows; every sampler did worse than the teacher's outputs on the
  real rows alone, which were themselves no better than training on the labels.
"""

from .samplers import MUNGE, Smear


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
    from .students import (
        SoftGBMClassifier,
        SoftGBMRegressor,
        SoftLogisticRegression,
        SoftTreeClassifier,
        SoftTreeRegressor,
    )

    if isinstance(student, SoftTreeClassifier | SoftTreeRegressor):
        return MUNGE()
    if isinstance(student, SoftGBMClassifier | SoftGBMRegressor | SoftLogisticRegression):
        return None
    return Smear()

"""What ``sampler="default"`` and ``alpha="default"`` mean: each student says it.

A student declares its defaults with a method ``_distill_defaults()`` returning
``{"sampler": name or None, "alpha": float}``, where ``name`` is a class of
:mod:`skdistill.samplers` (None: no pseudo rows). The distiller asks with ``getattr``; a student
that declares nothing (any other estimator) gets :data:`FALLBACK`. Students never import the
samplers: they name one, and this module makes it.

The declared values are the ones measured best for each kind of student.
``python -m benchmarks.defaults_search --student <kind>`` distilled an early-stopped LightGBM
teacher on six real tables with each sampler (20 pseudo rows per real row), then with each
``alpha``, keeping the value with the best gap closed on validation rows, pooled over the
tables (``docs/defaults*.md``). Pooled validation gap closed of the winners:

- MLP (and any student that declares nothing): ``Smear``, ``alpha=0`` (+0.78; the full search
  over ``n_samples`` and temperature too is in ``docs/defaults.md``).
- tree: ``MUNGE``, ``alpha=0`` (+0.11; Smear -0.02).
- GBM: no pseudo rows, ``alpha=0.3`` (-0.05: every sampler did worse, -0.38 to -0.45 at
  ``alpha=0``; a small GBM trained on the labels is as good as its distilled version).
- linear: no pseudo rows, ``alpha=0`` (-0.02; every sampler -0.03 to -0.12).
"""

from . import samplers

FALLBACK = {"sampler": "Smear", "alpha": 0.0}


def distill_defaults(student):
    """The ``{"sampler": ..., "alpha": ...}`` that ``student`` declares, else :data:`FALLBACK`."""
    declare = getattr(student, "_distill_defaults", None)
    return {**FALLBACK, **declare()} if callable(declare) else dict(FALLBACK)


def default_alpha(student):
    """The default hard-label weight for ``student``."""
    return float(distill_defaults(student)["alpha"])


def default_sampler(student):
    """A new instance of the default sampler for ``student`` (None: no pseudo rows).

    Parameters
    ----------
    student : estimator
        The student the distiller will train (its ``student``, or its default student).

    Returns
    -------
    sampler : sampler or None
    """
    name = distill_defaults(student)["sampler"]
    return None if name is None else getattr(samplers, name)()

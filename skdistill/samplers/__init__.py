"""Pseudo-data samplers that respect the table's schema.

Every sampler has ``fit(X)``, ``sample(n_samples, random_state=None)`` and
``iter_samples(n_samples, chunk_size, random_state=None)``; DataFrames come back as DataFrames
with the same columns, dtypes and categories, arrays as arrays. Column kinds (continuous,
integer, binary, one-hot groups, categorical, missing values) are inferred once by
:func:`infer_schema` and every generated row obeys them. The distillers also accept any
object with ``fit`` and ``sample`` (e.g. sklearn's ``GaussianMixture``, ``KernelDensity``), see
:func:`iter_sampler_chunks`.
"""

from ._base import BaseSampler
from ._gmm import GaussianMixtureSampler
from ._marginal import MarginalSampler
from ._mixup import Mixup
from ._munge import MUNGE
from ._noise import GaussianNoise
from ._protocol import check_sampler, iter_sampler_chunks
from ._schema import TableSchema, infer_schema
from ._smear import Smear

__all__ = [
    "MUNGE",
    "BaseSampler",
    "GaussianMixtureSampler",
    "GaussianNoise",
    "MarginalSampler",
    "Mixup",
    "Smear",
    "TableSchema",
    "check_sampler",
    "infer_schema",
    "iter_sampler_chunks",
]

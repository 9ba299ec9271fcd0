"""scikit-learn's estimator checks over both distillers, with fast teachers and students.

The teachers are unfitted, so each check's data fits them (inside ``fit``, on a clone): a fitted
teacher fixes the number of features, which the checks vary.
"""

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.students import SoftLogisticRegression

DISTILLERS = [
    DistilledClassifier(
        LogisticRegression(), student=SoftLogisticRegression(), n_samples=1.0, random_state=0
    ),
    DistilledRegressor(Ridge(), student=Ridge(), n_samples=1.0, random_state=0),
]

_WEIGHTS_ARE_NOT_REPEATS = (
    "pseudo rows are drawn around the rows given (their number is a multiple of len(X), and "
    "the default Smear sampler takes its seed rows and donor cells from them), so repeating a "
    "row changes the transfer set in a way that a sample weight cannot reproduce"
)
EXPECTED_FAILURES = {
    name: {"check_sample_weight_equivalence_on_dense_data": _WEIGHTS_ARE_NOT_REPEATS}
    for name in ("DistilledClassifier", "DistilledRegressor")
}


def expected_failures(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(DISTILLERS, expected_failed_checks=expected_failures)
def test_sklearn_compatible_distiller(estimator, check):
    check(estimator)

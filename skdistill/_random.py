"""Seeds drawn from a random state, the one way every part of skdistill draws them."""

import numpy as np

MAX_SEED = np.iinfo(np.int32).max


def draw_seed(rng):
    """An int seed in ``[0, 2**31 - 1)`` drawn from the ``RandomState`` ``rng``.

    Passing such seeds on (to a sampler, a student, a chunk of pseudo rows) makes each part
    reproducible from the one ``random_state`` the user gave, and independent of the others.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._random import draw_seed
    >>> draw_seed(np.random.RandomState(0)) == draw_seed(np.random.RandomState(0))
    True
    """
    return int(rng.randint(MAX_SEED))

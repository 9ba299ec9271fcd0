"""Where a chunked transfer set keeps its rows: in memory, or in ``.npy`` files on disk.

A :class:`ChunkStore` holds a sequence of chunks, each a dict of equally long arrays (the
rows, the teacher's outputs). In memory the chunks are a list of arrays; on disk each array
is one ``.npy`` file in a private temporary directory, read back with ``np.load(mmap_mode=
"r")``, so a process holds only the chunk it is working on. The directory is deleted when
the store is garbage collected (or at interpreter exit).
"""

import os
import shutil
import tempfile
import weakref

import numpy as np

STORES = ("auto", "memory", "disk")
# store="auto" keeps a transfer set in memory up to this many bytes, on disk beyond.
AUTO_MEMORY_BYTES = 1 << 30
# Free space left on the disk after writing a transfer set, for everything else.
_DISK_MARGIN = 1.05


def resolve_store(store, n_bytes, *, available=None, whole=True):
    """Where a transfer set of about ``n_bytes`` goes.

    Returns None (held whole in memory, in X's own container), ``"memory"`` or ``"disk"``
    (a chunked store). ``"auto"`` is in memory when the set takes at most 1 GiB and fits in
    the ``available`` memory (when known), on disk otherwise. ``whole=False`` is for input
    that cannot be held whole (a Dask collection): None then means "auto", and in memory
    means a chunked store in memory.
    """
    if store is not None and store not in STORES:
        raise ValueError(f"store must be one of {STORES} or None, got {store!r}.")
    if store == "auto" or (store is None and not whole):
        fits = n_bytes <= AUTO_MEMORY_BYTES and (available is None or n_bytes <= available)
        if not fits:
            return "disk"
        return None if whole else "memory"
    return store


def check_room(n_bytes, directory):
    """Raise before any labeling when ``directory`` has no room for ``n_bytes``."""
    directory = tempfile.gettempdir() if directory is None else os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(
            f"directory={directory!r} does not exist; give an existing directory for the "
            "transfer set's files (or None for the system's temporary directory)."
        )
    free = shutil.disk_usage(directory).free
    if n_bytes * _DISK_MARGIN > free:
        raise OSError(
            f"The transfer set needs about {n_bytes / 1e9:.2f} GB on disk but {directory!r} "
            f"has {free / 1e9:.2f} GB free. Pass directory= on a disk with room, draw fewer "
            "pseudo rows (n_samples), or use store='memory'."
        )


class ChunkStore:
    """A sequence of chunks of rows, each a dict of arrays, in memory or on disk.

    Parameters
    ----------
    on_disk : bool, default=False
        Write each chunk's arrays to ``.npy`` files instead of keeping them.
    directory : str or path-like, default=None
        Where the temporary directory of an on-disk store is made; None for the system's
        temporary directory (``TMPDIR``).

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._store import ChunkStore
    >>> store = ChunkStore(on_disk=True)
    >>> store.append(X=np.zeros((3, 2), np.float32))
    >>> store.append(X=np.ones((2, 2), np.float32))
    >>> len(store), store.n_rows, float(store.chunk(1)["X"].sum())
    (2, 5, 4.0)
    """

    def __init__(self, *, on_disk=False, directory=None):
        self.on_disk = on_disk
        self.path = None
        self._chunks = []
        self.sizes = []
        if on_disk:
            self.path = tempfile.mkdtemp(prefix="skdistill-transfer-", dir=directory)
            self._cleanup = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)

    def append(self, **arrays):
        """Add one chunk: named arrays with the same number of rows."""
        sizes = {len(a) for a in arrays.values()}
        if len(sizes) != 1:
            raise ValueError(f"a chunk's arrays must have the same number of rows, got {sizes}")
        if self.on_disk:
            index = len(self._chunks)
            files = {}
            for name, array in arrays.items():
                files[name] = os.path.join(self.path, f"chunk{index:06d}_{name}.npy")
                np.save(files[name], np.ascontiguousarray(array))
            self._chunks.append(files)
        else:
            self._chunks.append(dict(arrays))
        self.sizes.append(sizes.pop())

    def chunk(self, i):
        """The arrays of chunk ``i`` (read-only memory maps on disk)."""
        if not self.on_disk:
            return self._chunks[i]
        return {name: np.load(f, mmap_mode="r") for name, f in self._chunks[i].items()}

    def __len__(self):
        return len(self._chunks)

    @property
    def n_rows(self):
        return int(sum(self.sizes))

    @property
    def nbytes(self):
        if self.on_disk:
            return sum(os.path.getsize(f) for c in self._chunks for f in c.values())
        return sum(a.nbytes for c in self._chunks for a in c.values())

    def __getstate__(self):
        # A pickle carries the rows themselves: the temporary files die with this process.
        state = {k: v for k, v in self.__dict__.items() if k != "_cleanup"}
        state.update(on_disk=False, path=None)
        state["_chunks"] = [
            {k: np.array(v) for k, v in self.chunk(i).items()} for i in range(len(self))
        ]
        return state

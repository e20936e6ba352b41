"""Sentence-per-line input (`align --presplit`): neither parsed nor split, so its bounds are a byte
limit and the aligner's own sentence limit, checked on a line count before the text is decoded,
checked or handed to a model."""

from __future__ import annotations

from pathlib import Path

from pipeline.models import Lang
from pipeline.stages.ingest import IngestError, check_language, read_bytes, read_text
from pipeline.stages.limits import OverLimit, check_tokens, count_lines

#: 100,000 Korean sentences are some 16 MiB; Aligner.max_sentences (both sides together) is what
#: bounds the work.
MAX_PRESPLIT_BYTES = 48 * 1024 * 1024


def line_count(path: Path) -> int:
    """Sentences of a sentence-per-line file, counted before anything else is done with it, so
    that a pair past the aligner's limit is refused at once."""
    return count_lines(read_bytes(Path(path), MAX_PRESPLIT_BYTES))


def read_language_text(path: Path, lang: Lang) -> str:
    """A whole file's text, checked to be in `lang`; errors name the file."""
    try:
        text, _ = read_text(path, MAX_PRESPLIT_BYTES)
        check_tokens(text)
        check_language(text, lang)
    except (IngestError, OverLimit) as e:
        e.path = e.path or Path(path)
        raise
    return text

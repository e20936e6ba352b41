"""Everything language-specific, each once: English, Korean, transliteration, numbers.

Nothing here imports spaCy, pysbd, kiwipiepy or numpy at module level: each backend is built once,
on first use, behind a ``functools.cache``d constructor (``en.nlp()``, ``en.sentence_splitter()``,
``ko.kiwi()``), so ``readnotes --help`` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """A word with its lemma (English) or a morpheme with its tag (Korean), and its span."""

    text: str  # the surface, text[start:end]
    lemma: str
    tag: str
    start: int
    end: int

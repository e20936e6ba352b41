"""The translation cache, as the stage sees it: a key for each text sent, and two callables.

The rows live in notes.db (``translation_cache``), but reading and writing them is the store's job:
the app hands the cache a ``lookup`` and a ``save`` bound to the workspace database, so this stage
neither opens a database nor writes SQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pipeline.stages.translate.client import Translator


class Lookup(Protocol):
    """The stored translation of the text with this SHA-256, or None."""

    def __call__(self, provider: str, source: str, target: str, sha256: str) -> str | None: ...


class Save(Protocol):
    """Store (or replace) a translation at once, so an interrupted run keeps it."""

    def __call__(
        self, provider: str, source: str, target: str, sha256: str, text: str, translation: str
    ) -> None: ...


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TranslationCache:
    """Translations keyed by (provider, source, target, sha256 of the text sent).

    ``save`` is expected to commit each answer as it arrives: a run that dies keeps every answer it
    got, and a re-run asks only for the rest. The cache is not per article: it survives
    re-processing and is shared by all articles.
    """

    lookup: Lookup
    save: Save

    def get(self, translator: Translator, text: str) -> str | None:
        return self.lookup(translator.name, translator.source, translator.target, text_hash(text))

    def put(self, translator: Translator, text: str, translation: str) -> None:
        self.save(translator.name, translator.source, translator.target, text_hash(text), text, translation)

"""Identity keys of English terms: two behaviours, one per store of terms, each named for its use.

Both keys are stored in notes.db, so changing either one means re-keying rows:
``vocab_key`` keys ``vocab_terms.key`` and ``vocab_hits.term_key``; ``glossary_key`` keys
``terms.key`` and ``term_uses.term``. They stay different on purpose:

- the word list is typed as loose notes, so its key forgives punctuation: "TL;DR", "TLDR" and
  "tl dr" are one entry, and "Gobbled up" = "gobbled-up";
- the term base holds technical terms whose punctuation is part of the name: "C++", "C#" and "C"
  or ".NET" and "NET" are different entries, so only case, spaces, hyphens and underscores fold.
"""

from __future__ import annotations

import re
import unicodedata

_DASH_OR_SLASH = re.compile(r"[-‐‑–—/]")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACE_HYPHEN_UNDERSCORE = re.compile(r"[\s\-_]+")


def vocab_key(term: str) -> str:
    """The word list's key: re-importing "Gobbled up" or "gobble up" finds the same entry.

    Case-folded, NFKC, hyphens and slashes as spaces, other punctuation dropped ("TL;DR" → "tldr").
    """
    text = unicodedata.normalize("NFKC", term).casefold()
    text = _DASH_OR_SLASH.sub(" ", text)
    text = _PUNCTUATION.sub("", text)
    return " ".join(text.split())


def glossary_key(term: str) -> str:
    """The term base's key: case, spaces, hyphens and underscores folded ("Fine-tuning" = "fine tuning")."""
    return _SPACE_HYPHEN_UNDERSCORE.sub(" ", term.casefold()).strip()

"""English phrases found by token lookup: a list of phrases, one dictionary, one pass per text.

The term base and the aligner's dictionary scorer used to find their phrases with one big regex
alternation (``(?<![A-Za-z0-9])(?:phrase1|phrase2|…)(?![A-Za-z0-9])``, longest pattern first):
2.7 ms per sentence for the bundled glossary, since the regex engine tries every alternative at
every position. ``PhraseIndex`` finds exactly the same matches (``benchmarks/phrase_lookup.py``
checks it on the NTREX English) by looking the text's tokens up in a dictionary:

- a text is cut into tokens: runs of ASCII letters and digits, and every other character that is
  not a space or a hyphen (spaces and hyphens are the gaps the phrases allow between words);
- from each token, the lower-cased (or, case-sensitively, the exact) concatenation of the next
  tokens is looked up among the phrases' concatenated words, with an allowed ending stripped, for
  as long as it is a prefix of some phrase;
- a candidate is confirmed by the phrase's own regex on that span (so "fi ne tuning" is not "fine
  tuning") and by the same boundary test the alternation had;
- where several phrases match at one position, the one the alternation tried first wins (longest
  pattern first, then the order given), and the scan goes on after it, as ``re.finditer`` does.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: What a phrase allows between two of its words: any run of spaces and hyphens, or nothing.
GAP = r"[\s\-]*"
_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\s\-]")
_ALNUM = "[A-Za-z0-9]"


@dataclass(frozen=True)
class Phrase(Generic[T]):
    """One English phrase: its words (gaps allowed only between them), the endings it may take
    (a plural: ``("s", "es")``) and what a match of it stands for."""

    words: tuple[str, ...]
    endings: tuple[str, ...]
    value: T

    @property
    def body(self) -> str:
        """The regex of the words alone; its length orders the alternatives, as before."""
        return GAP.join(re.escape(w) for w in self.words)

    @property
    def pattern(self) -> str:
        endings = "|".join(re.escape(e) for e in self.endings)
        return self.body + (f"(?:{endings})?" if endings else "")


@dataclass(frozen=True)
class PhraseMatch(Generic[T]):
    start: int
    end: int
    phrase: Phrase[T]


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


class PhraseIndex(Generic[T]):
    """Phrases looked up token by token, matching as one regex alternation of them would."""

    def __init__(self, phrases: Iterable[Phrase[T]], case_sensitive: bool = False) -> None:
        self.case_sensitive = case_sensitive
        flags = 0 if case_sensitive else re.IGNORECASE
        # The alternation's order: longest pattern first, ties in the order given (a stable sort).
        self.phrases: list[Phrase[T]] = sorted(phrases, key=lambda p: -len(p.body))
        self._flags = flags
        self._regexes: dict[int, re.Pattern[str]] = {}  # rank → the phrase's regex, compiled when needed
        self._alnum = re.compile(_ALNUM, flags)
        self._by_key: dict[str, list[tuple[int, str]]] = {}  # key → (rank, ending)
        self._prefixes: set[str] = set()
        for rank, phrase in enumerate(self.phrases):
            key = self._fold("".join(tok for w in phrase.words for tok, _, _ in _tokens(w)))
            if not key:
                continue
            for ending in ("", *phrase.endings):
                whole = key + self._fold(ending)
                self._by_key.setdefault(whole, []).append((rank, ending))
                self._prefixes.update(whole[:k] for k in range(1, len(whole) + 1))

    def __len__(self) -> int:
        return len(self.phrases)

    def _fold(self, text: str) -> str:
        return text if self.case_sensitive else text.lower()

    def _bounded(self, text: str, start: int, end: int) -> bool:
        """The alternation's lookarounds: no ASCII letter or digit right before or after."""
        before = start > 0 and self._alnum.match(text, start - 1) is not None
        after = end < len(text) and self._alnum.match(text, end) is not None
        return not before and not after

    def _regex(self, rank: int) -> re.Pattern[str]:
        regex = self._regexes.get(rank)
        if regex is None:
            regex = self._regexes[rank] = re.compile(self.phrases[rank].pattern, self._flags)
        return regex

    def _candidates(self, text: str, tokens: list[tuple[str, int, int]], i: int) -> Iterator[tuple[int, int]]:
        """(rank, end) of every phrase matching from token i."""
        start = tokens[i][1]
        joined = ""
        for tok, _, end in itertools.islice(tokens, i, None):
            joined += self._fold(tok)
            if joined not in self._prefixes:
                return
            for rank, _ending in self._by_key.get(joined, ()):
                if self._regex(rank).fullmatch(text, start, end) and self._bounded(text, start, end):
                    yield rank, end

    def find(self, text: str) -> list[PhraseMatch[T]]:
        """Non-overlapping matches in text order, as ``re.finditer`` over the alternation gives them."""
        if not self._by_key:
            return []
        tokens = _tokens(text)
        out: list[PhraseMatch[T]] = []
        scan = 0
        for i, (tok, start, _) in enumerate(tokens):
            # A whole token that begins no phrase is the common case: skip it before _candidates,
            # which would return at once on it anyway.
            if start < scan or self._fold(tok) not in self._prefixes:
                continue
            found = min(self._candidates(text, tokens, i), default=None)
            if found is not None:
                rank, end = found
                out.append(PhraseMatch(start, end, self.phrases[rank]))
                scan = end
        return out

"""search: full-text search over both languages of every stored article.

FTS5's default tokenizer cannot find 코딩 in 코딩이라는 (Korean attaches particles and endings to
the word), and the trigram tokenizer misses two-syllable words. So each sentence is indexed as a
column of search terms beside its text: Kiwi content morphemes for Korean (코딩이라는 → 코딩),
lower-cased lemmas and words for English (models → model). A query is analysed the same way, and
every one of its terms must match.

A Korean query costs one Kiwi (the lean one of ``pipeline.lang.ko``); an English query costs the
lemma table and no Kiwi; neither loads spaCy (``en.tokens`` cuts words with a regular expression).
Skipping Kiwi for a one-word Hangul query was measured (``benchmarks/search_query.py``, NTREX dev
Korean and the sample) and is not exact: 3.7% of the indexed nouns do not analyse back to
themselves (대부분 → 부분, 스킨케어 → 스킨 케어), and marking a term's occurrences in the text
instead of its morphemes is wrong for 0.6% of (sentence, noun) pairs (연구 inside 연구소); the
matched sentences are analysed for their spans anyway. Nor can Kiwi's construction overlap with
opening notes.db in a thread: kiwipiepy holds the GIL while it builds and loads its model (a busy
loop started beside it finishes only when Kiwi has), and the query's terms are needed before the
index is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.errors import ReadnotesError
from pipeline.lang import en, ko
from pipeline.lang.spans import Span, mark_spans


class EmptyQuery(ReadnotesError, ValueError):
    "The query holds no word to search for"

    hint = "Give a word, e.g. 변곡점."

    def __str__(self) -> str:
        return f"nothing to search for in {self.args[0]!r}"


def _korean_terms(text: str) -> list[tuple[str, int, int]]:
    out = []
    for t in ko.morphemes(text):
        if t.tag.startswith(ko.SEARCHABLE_TAG_PREFIXES):
            # A verb's lemma is its stem + 다 (먹었다 → 먹다): index the stem, as a query analyses it.
            term = t.lemma[:-1] if t.tag[:2] in ("VV", "VA") else t.lemma
            out.append((term.lower(), t.start, t.end))
    return out


def _english_terms(text: str) -> list[tuple[str, int, int]]:
    out = []
    for t in en.tokens(text):
        if any(c.isalnum() for c in t.text):
            out.append((t.lemma, t.start, t.end))
            if t.text.lower() != t.lemma:
                out.append((t.text.lower(), t.start, t.end))
    return out


def terms_with_spans(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(search term, start, end) for every content word of a sentence."""
    return _korean_terms(text) if lang == "ko" else _english_terms(text)


def index_terms(text: str, lang: str) -> str:
    """The search-terms column for one sentence: its terms, space-separated."""
    return " ".join(dict.fromkeys(term for term, _, _ in terms_with_spans(text, lang)))


def query_terms(query: str) -> list[str]:
    """A query analysed as the index was: Korean when it holds Hangul, English otherwise."""
    lang = "ko" if ko.has_hangul(query) else "en"
    if lang == "en":
        terms = [t for t, _, _ in _english_terms(query)]
        # "models" indexes as model and models; the lemma alone matches both.
        lemmas = [t.lemma for t in en.tokens(query) if any(c.isalnum() for c in t.text)]
        terms = lemmas or terms
    else:
        terms = [t for t, _, _ in _korean_terms(query)]
    if not terms:
        raise EmptyQuery(query)
    return list(dict.fromkeys(terms))


def fts_query(terms: Iterable[str]) -> str:
    """An FTS5 MATCH expression: every term, each a quoted string (so AND/NOT/* stay literal)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def matched_spans(text: str, lang: str, terms: Iterable[str]) -> list[Span]:
    """Where the query's terms occur in a sentence, analysed as the index was."""
    wanted = set(terms)
    return sorted({(s, e) for term, s, e in terms_with_spans(text, lang) if term in wanted})


@dataclass
class Match:
    slug: str
    title: str
    lang: str
    sentence: int
    text: str
    spans: list[Span] = field(default_factory=list)
    paired: list[dict[str, object]] = field(default_factory=list)  # {lang, sentence, text}

    def marked(self, left: str = "[", right: str = "]") -> str:
        return mark_spans(self.text, self.spans, (left, right))

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "lang": self.lang,
            "sentence": self.sentence,
            "text": self.text,
            "spans": [list(s) for s in self.spans],
            "paired": self.paired,
        }


@dataclass
class SearchResults:
    """The matches shown (at most the limit asked for) and how many sentences match in all."""

    matches: list[Match]
    total: int

    @property
    def more(self) -> int:
        """Matching sentences not shown."""
        return self.total - len(self.matches)

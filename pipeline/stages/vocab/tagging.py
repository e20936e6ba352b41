"""vocab.tagging: vocabulary terms found in English sentences.

Terms and sentences are cut by the same regular expressions (``lang.en.token_spans``: words, and
the punctuation between them), lower-cased and lemmatised with the lookup tables, and a term is
found by looking each token's lemma up among the terms' first lemmas:

- a one-word term is that lookup alone;
- a contiguous phrase ("point of inflection") needs the next tokens' lemmas in order;
- a separable phrase (a verb, up to ``MAX_GAP`` tokens, the rest: "gobbled it up", "coined a new
  term") lets the gap hold any tokens but punctuation and the ``gap_stop`` words; a determiner
  inside a phrase may change or disappear.

Tokens are whole words, so a term never matches inside a longer word. The patterns, the gap and
the choice among overlapping matches are those spaCy's PhraseMatcher and Matcher ran until this
module dropped them (loading spaCy cost ``add`` about 1 s CPU and 70 MB; their only remaining job
was comparing lemma sequences). ``python -m benchmarks.vocab_tagging --compare`` checks that both
find the same hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.lang import en
from pipeline.models import Sentence, VocabHit
from pipeline.stages.vocab.entries import VocabTerm

#: Longest gap (in tokens) between the verb and the rest of a separable phrase.
MAX_GAP = 3

#: Punctuation inside a word, but not the apostrophe of a clitic: without it a contraction is
#: another word ("its", "were", and "dont", which the lemma table reads as "do").
_INNER_PUNCT = re.compile(r"(?<=\w)(?!['’](?:t|s|re|ve|m|d|ll)\b)[^\w\s]+(?=\w)", re.IGNORECASE)


def _spelling_variants(text: str) -> list[str]:
    """ "TL;DR" also as "TLDR" and "TL DR"; "Byte-Pair" also as "BytePair" and "Byte Pair"; "it's"
    only as written."""
    variants = [text]
    if _INNER_PUNCT.search(text):
        variants += [_INNER_PUNCT.sub("", text), _INNER_PUNCT.sub(" ", text)]
    return list(dict.fromkeys(variants))


def _fold(token: str) -> str:
    """What a token is matched as: lower-cased, with a typographic apostrophe as a plain one (the
    lemma table knows "n't" and "'s", not "n’t" and "’s")."""
    return token.lower().replace("’", "'")


#: One step of a pattern: ("lemma", "gobble") must be there, ("gap", 3) skips up to 3 tokens,
#: ("det", "") is an optional determiner.
Spec = tuple[str, str | int]


@dataclass(frozen=True)
class _Pattern:
    key: str
    specs: tuple[Spec, ...]


@dataclass(frozen=True)
class _Tokens:
    """One text cut for matching: each token's span, lower-cased form and lemma, and whether a
    separable phrase's gap may run through it."""

    spans: list[tuple[int, int]]
    lower: list[str]
    lemmas: list[str]
    gap_ok: list[bool]


class Tagger:
    """Finds vocabulary terms in English sentences.

    One-word terms are a dictionary from lemma to term keys; every longer pattern is filed under
    its first lemma and tried only where a sentence holds that lemma.
    """

    def __init__(self, terms: Iterable[VocabTerm], max_gap: int = MAX_GAP) -> None:
        self.max_gap = max_gap
        self.terms: dict[str, VocabTerm] = {t.key: t for t in terms if t.status != "ignored"}
        self._cache: dict[str, str] = {}
        self.words: dict[str, list[str]] = {}  # lemma → keys of one-word terms
        self.by_head: dict[str, list[_Pattern]] = {}  # first lemma → longer patterns
        self.term_lemmas: frozenset[str] = frozenset()
        if self.terms:  # an empty word list tags nothing: the lemma tables are not loaded for it
            self._build()

    def _build(self) -> None:
        self.lemmas = en.lemmatizer()
        words = en.word_classes()
        self._determiners = words["determiner"]
        self._gap_stops = words["gap_stop"]
        patterns = list(dict.fromkeys(p for key, t in self.terms.items() for p in self._patterns(key, t)))
        self.term_lemmas = frozenset(v for p in patterns for kind, v in p.specs if kind == "lemma")
        for pattern in patterns:
            head = str(pattern.specs[0][1])
            if len(pattern.specs) == 1:
                self.words.setdefault(head, []).append(pattern.key)
            else:
                self.by_head.setdefault(head, []).append(pattern)

    def __len__(self) -> int:
        return len(self.terms)

    # Lemmas of sentence tokens: the term list's own lemmas also count as known base forms, so
    # "exfiltrated" (in no table) finds the term "exfiltrate".
    def lemma(self, lower: str) -> str:
        cached = self._cache.get(lower)
        if cached is None:
            cached = self.lemmas(lower)
            if cached == lower and lower not in self.term_lemmas:
                cached = next((c for c in self.lemmas.candidates(lower) if c in self.term_lemmas), lower)
            self._cache[lower] = cached
        return cached

    def _patterns(self, key: str, term: VocabTerm) -> Iterator[_Pattern]:
        words = en.word_classes()
        for surface in [term.term, *term.aliases]:
            for variant in _spelling_variants(surface):
                tokens = [_fold(token) for token, _, _ in en.token_spans(variant)]
                if len(tokens) > 1 and tokens[0] in words["subject"]:
                    tokens = tokens[1:]
                if not tokens:
                    continue
                lemmas = [self.lemmas(t) for t in tokens]
                content = [t for t in tokens[1:] if t not in words["determiner"]]
                separable = (
                    bool(content)
                    and lemmas[0] in self.lemmas.verbs
                    and tokens[1] not in words["noun_linker"]
                    and not surface.isupper()
                )
                specs: list[Spec] = [("lemma", lemmas[0])]
                rest = list(zip(tokens[1:], lemmas[1:], strict=True))
                if separable:
                    specs.append(("gap", self.max_gap))
                    while rest and rest[0][0] in words["determiner"]:  # absorbed by the gap
                        rest.pop(0)
                for token, lemma in rest:
                    specs.append(("det", "") if token in words["determiner"] else ("lemma", lemma))
                yield _Pattern(key, tuple(specs))

    def cut(self, text: str) -> _Tokens:
        spans, lower = [], []
        for token, start, end in en.token_spans(text):
            spans.append((start, end))
            lower.append(_fold(token))
        return _Tokens(
            spans,
            lower,
            [self.lemma(t) for t in lower],
            [not en.is_punct(t) and t not in self._gap_stops for t in lower],
        )

    def _ends(self, specs: tuple[Spec, ...], step: int, i: int, tokens: _Tokens) -> Iterator[int]:
        """Every token index where the pattern, at ``step`` from token i on, can end."""
        if step == len(specs):
            yield i
            return
        kind, value = specs[step]
        n = len(tokens.lower)
        if kind == "lemma":
            if i < n and tokens.lemmas[i] == value:
                yield from self._ends(specs, step + 1, i + 1, tokens)
        elif kind == "det":
            yield from self._ends(specs, step + 1, i, tokens)
            if i < n and tokens.lower[i] in self._determiners:
                yield from self._ends(specs, step + 1, i + 1, tokens)
        else:  # a gap of 0 to `value` tokens
            j = i
            yield from self._ends(specs, step + 1, j, tokens)
            while j - i < int(value) and j < n and tokens.gap_ok[j]:
                j += 1
                yield from self._ends(specs, step + 1, j, tokens)

    def _matches(self, tokens: _Tokens) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        for i, lemma in enumerate(tokens.lemmas):
            found += [(key, i, i + 1) for key in self.words.get(lemma, ())]
            for pattern in self.by_head.get(lemma, ()):
                end = max(self._ends(pattern.specs, 1, i + 1, tokens), default=None)
                if end is not None:
                    found.append((pattern.key, i, end))
        # Per term, keep the longest of overlapping matches ("gobbled it up", not "gobbled it").
        best: list[tuple[str, int, int]] = []
        for key, start, end in sorted(found, key=lambda m: (m[0], m[1], -(m[2] - m[1]))):
            if best and best[-1][0] == key and start < best[-1][2]:
                continue
            best.append((key, start, end))
        return best

    def tag_texts(self, texts: Sequence[str], indices: Sequence[int] | None = None) -> list[VocabHit]:
        """Hits in each text; ``sentence`` is the text's index (or ``indices[i]``)."""
        hits: list[VocabHit] = []
        if not self.terms:
            return hits
        for i, text in enumerate(texts):
            tokens = self.cut(text)
            for key, start, end in self._matches(tokens):
                first, last = tokens.spans[start][0], tokens.spans[end - 1][1]
                hits.append(
                    VocabHit(
                        term=self.terms[key].term,
                        lang="en",
                        sentence=indices[i] if indices is not None else i,
                        start=first,
                        end=last,
                        surface=text[first:last],
                    )
                )
        hits.sort(key=lambda h: (h.sentence, h.start, h.term))
        return hits

    def __call__(self, sentences: Sequence[Sentence]) -> list[VocabHit]:
        return self.tag_texts([s.text for s in sentences], [s.index for s in sentences])

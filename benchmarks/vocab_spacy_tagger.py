"""The vocabulary tagger as it was before it dropped spaCy, kept verbatim for ``benchmarks.vocab_tagging
--compare``, which checks the spaCy-free ``pipeline.stages.vocab.Tagger`` against it.

Matching runs on lower-cased lemmas with spaCy's PhraseMatcher (contiguous terms) and Matcher
(separable phrases: a verb, up to 3 tokens, the rest: "gobbled it up", "coined a new term").
Tokens are spaCy's, so a term never matches inside a longer word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.lang import en
from pipeline.models import Sentence, VocabHit
from pipeline.stages.vocab.entries import VocabTerm

if TYPE_CHECKING:
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

#: Longest gap (in tokens) between the verb and the rest of a separable phrase.
MAX_GAP = 3


def _term_tokens(text: str) -> list[str]:
    """A term's lower-cased tokens, as spaCy's tokenizer splits them in running text.

    Plain words skip the tokenizer: it splits a run of ASCII letters only at its special cases
    ("cannot", "gonna"), and tokenizing 10,000 terms cost more than half of building a Tagger.
    """
    parts = text.split()
    special = en.tokenizer().rules
    if all(p.isascii() and p.isalpha() and p not in special and p.lower() not in special for p in parts):
        return [p.lower() for p in parts]
    return [t.text.lower() for t in en.tokenizer()(text) if not t.is_space]


_INNER_PUNCT = re.compile(r"(?<=\w)[^\w\s]+(?=\w)")


def _spelling_variants(text: str) -> list[str]:
    """ "TL;DR" also as "TLDR" and "TL DR"; "Byte-Pair" also as "BytePair" and "Byte Pair"."""
    variants = [text]
    if _INNER_PUNCT.search(text):
        variants += [_INNER_PUNCT.sub("", text), _INNER_PUNCT.sub(" ", text)]
    return list(dict.fromkeys(variants))


@dataclass(frozen=True)
class _Pattern:
    key: str
    specs: tuple[tuple[str, Any], ...]  # ("lemma", "gobble"), ("gap", n), ("det", None)

    @property
    def contiguous(self) -> bool:
        return all(kind == "lemma" for kind, _ in self.specs)


class Tagger:
    """Finds vocabulary terms in English sentences.

    Contiguous phrases go into one spaCy PhraseMatcher on lemmas. Separable phrases and phrases with
    a determiner go into small Matchers, one per first lemma, run only on sentences holding that
    lemma: a single Matcher is checked against every token for every pattern, which takes 25 s for
    3,000 phrase patterns over 5,000 sentences.
    """

    def __init__(self, terms: Iterable[VocabTerm], max_gap: int = MAX_GAP) -> None:
        self.max_gap = max_gap
        self.terms: dict[str, VocabTerm] = {t.key: t for t in terms if t.status != "ignored"}
        self._cache: dict[str, str] = {}
        # One-token terms are a lookup of the token's LEMMA hash, the attribute PhraseMatcher would
        # compare: a PhraseMatcher pattern costs a Doc per term, which made 7,000 single words take
        # longer to compile than to match.
        self.words: dict[int, list[str]] = {}  # lemma hash → term keys
        self.by_head: dict[int, Matcher] = {}  # lemma hash of the first token → its Matcher
        self._lemma_ids: dict[int, int] = {}  # LOWER hash → LEMMA hash, filled while tagging
        self.phrases: PhraseMatcher | None = None
        self.term_lemmas: frozenset[str] = frozenset()
        if self.terms:  # an empty word list tags nothing: spaCy (1.7 s) is not built for it
            self._build()

    def _build(self) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.vocab = en.nlp().vocab
        self.lemmas = en.lemmatizer()
        patterns = [p for key, t in self.terms.items() for p in self._patterns(key, t)]
        self.term_lemmas = frozenset(v for p in patterns for kind, v in p.specs if kind == "lemma")
        phrases = self.phrases = PhraseMatcher(self.vocab, attr="LEMMA")
        phrase_docs: dict[str, list[Doc]] = {}
        for pattern in dict.fromkeys(patterns):
            if pattern.contiguous and len(pattern.specs) == 1:
                lemma_id = self.vocab.strings.add(pattern.specs[0][1])
                self.words.setdefault(lemma_id, []).append(pattern.key)
            elif pattern.contiguous:
                words = [v for _, v in pattern.specs]
                phrase_docs.setdefault(pattern.key, []).append(self._pattern_doc(words))
            else:
                head = self.vocab.strings.add(pattern.specs[0][1])
                matcher = self.by_head.setdefault(head, Matcher(self.vocab))
                matcher.add(pattern.key, [self._matcher_pattern(pattern)])
        for key, docs in phrase_docs.items():
            phrases.add(key, docs)

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
                tokens = _term_tokens(variant)
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
                specs: list[tuple[str, Any]] = [("lemma", lemmas[0])]
                rest = list(zip(tokens[1:], lemmas[1:], strict=True))
                if separable:
                    specs.append(("gap", self.max_gap))
                    while rest and rest[0][0] in words["determiner"]:  # absorbed by the gap
                        rest.pop(0)
                for token, lemma in rest:
                    specs.append(("det", None) if token in words["determiner"] else ("lemma", lemma))
                yield _Pattern(key, tuple(specs))

    def _pattern_doc(self, lemmas: list[str]) -> Doc:
        from spacy.tokens import Doc

        return Doc(self.vocab, words=lemmas, lemmas=lemmas)

    def _matcher_pattern(self, pattern: _Pattern) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for kind, value in pattern.specs:
            if kind == "lemma":
                out.append({"LEMMA": value})
            elif kind == "gap":
                stops = sorted(en.word_classes()["gap_stop"])
                out.append({"IS_PUNCT": False, "LOWER": {"NOT_IN": stops}, "OP": f"{{0,{value}}}"})
            else:
                out.append({"LOWER": {"IN": sorted(en.word_classes()["determiner"])}, "OP": "?"})
        return out

    def _lemma_id(self, lower_id: int) -> int:
        lemma_id = self._lemma_ids.get(lower_id)
        if lemma_id is None:
            lemma_id = self._lemma_ids[lower_id] = self.vocab.strings.add(
                self.lemma(self.vocab.strings[lower_id])
            )
        return lemma_id

    def docs(self, texts: Sequence[str]) -> Iterator[tuple[Doc, list[int]]]:
        """Tokenised texts with our lemmas set, and each text's lemma hashes.

        Lemmas are written as one array per Doc (Doc.from_array): setting token.lemma_ one
        Token object at a time took half of the tagging time.
        """
        import numpy
        from spacy.attrs import LEMMA, LOWER

        for doc in en.tokenizer().pipe(texts, batch_size=1000):
            lemma_ids = [self._lemma_id(x) for x in doc.to_array(LOWER).tolist()]
            doc.from_array([LEMMA], numpy.array(lemma_ids, dtype="uint64").reshape(-1, 1))
            yield doc, lemma_ids

    def _matches(self, doc: Doc, lemma_ids: list[int]) -> list[tuple[str, int, int]]:
        strings = self.vocab.strings
        found = [(key, i, i + 1) for i, lemma in enumerate(lemma_ids) for key in self.words.get(lemma, ())]
        if self.phrases is not None and len(self.phrases):
            found += [(strings[k], s, e) for k, s, e in self.phrases(doc)]
        for head in self.by_head.keys() & set(lemma_ids):
            found += [(strings[k], s, e) for k, s, e in self.by_head[head](doc)]
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
        for i, (doc, lemma_ids) in enumerate(self.docs(texts)):
            for key, start, end in self._matches(doc, lemma_ids):
                first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
                hits.append(
                    VocabHit(
                        term=self.terms[key].term,
                        lang="en",
                        sentence=indices[i] if indices is not None else i,
                        start=first,
                        end=last,
                        surface=texts[i][first:last],
                    )
                )
        hits.sort(key=lambda h: (h.sentence, h.start, h.term))
        return hits

    def __call__(self, sentences: Sequence[Sentence]) -> list[VocabHit]:
        return self.tag_texts([s.text for s in sentences], [s.index for s in sentences])

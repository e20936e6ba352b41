"""Features and scorers: each scorer maps a sentence to {key: weight}; equal keys on both sides of a
bead are evidence that it is a translation pair. An embedding scorer (the semantic signal) gives
sentence vectors instead, compared per bead in :mod:`pipeline.stages.align.embeddings`.

The weights inside the feature functions say how strongly one feature of a kind survives
translation; they were set with the scorers' weights in ``SCORERS`` on the NTREX dev set
(benchmarks/README.md) and are documented where they are used.
"""

from __future__ import annotations

import functools
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pipeline.lang import numbers, translit
from pipeline.lang.phrases import Phrase, PhraseIndex

if TYPE_CHECKING:
    from pipeline.stages.semantic import Encoder

Features = dict[str, float]
FeatureFn = Callable[[str, str], Features]  # (text, lang) → features

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_DIGIT = re.compile(r"[0-9]")
_KO_PAREN = re.compile(r"\(([^()]*[A-Za-z][^()]*)\)")


def _latin_key(word: str) -> str:
    # LLMs → llm, GPUs → gpu: an acronym's plural is the same anchor.
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        word = word[:-1]
    return "lat:" + word.lower()


def number_features(text: str, lang: str) -> Features:
    """Numbers, with units and scripts normalised (80억 = 8B); single digits count for less."""
    out: Features = {}
    if not _DIGIT.search(text):  # the aligner's numbers are written in digits (80억, 8B, 2025년)
        return out
    for q in numbers.quantities(text, lang):
        weight = 0.5 if q.kind == "n" and q.value < 10 and q.value == int(q.value) else 1.0
        out[q.key] = max(out.get(q.key, 0.0), weight)
    return out


def latin_features(text: str, lang: str) -> Features:
    """Latin-script tokens. On the Korean side each is strong evidence; on the English side only
    acronyms and alphanumerics are expected to survive translation, so ordinary words weigh little."""
    out: Features = {}
    for word in _LATIN_WORD.findall(text):
        if lang == "ko" or word.isupper() or word[:-1].isupper() or not word.isalpha():
            weight = 1.0  # RLHF, GPUs, o3, GPT-2: kept as written in a Korean translation
        elif word[0].isupper():
            weight = 0.3
        else:
            weight = 0.15
        key = _latin_key(word)
        if out.get(key, 0.0) < weight:
            out[key] = weight
    if lang == "ko":
        # English quoted in Korean parentheses, 혼합 전문가(mixture-of-experts): a deliberate gloss.
        for m in _KO_PAREN.finditer(text):
            for word in _LATIN_WORD.findall(m.group(1)):
                out[_latin_key(word)] = 1.5
    return out


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_TERMINATED = re.compile(r"[.!?。！？…:;][\"'”’」』)\]]*$|[\"”’」』]$")
_QUOTE = re.compile(r"[\"“”「」『』]|(?<!\w)'|'(?!\w)")
#: Structure marks are common in any text, yet their shape survives translation: they are exempt
#: from rarity (see WindowIndex) and never make anchors.
STRUCTURE_PREFIX = "st:"


def structure_features(text: str, lang: str) -> Features:
    """Punctuation and structure: questions, exclamations and quotations usually survive translation."""
    out: Features = {}
    stripped = text.rstrip()
    if stripped.endswith(("?", "？")):
        out["st:question"] = 0.5
    if stripped.endswith(("!", "！")):
        out["st:exclaim"] = 0.3
    if _QUOTE.search(text):
        out["st:quote"] = 0.3
    if not _TERMINATED.search(stripped):
        # Headlines, captions and page chrome (이미지: 연합뉴스) end without a full stop.
        out["st:open"] = 0.5
    return out


def transliteration_features(text: str, lang: str, common: Container[str] = frozenset()) -> Features:
    """Names and loanwords: 트럼프 ↔ Trump, 웨일스 ↔ Welsh, 토크나이저 ↔ tokenizer (consonant skeletons).
    ``common``: English words known to be ordinary, so that a sentence's capitalised first word is
    not taken for a name ("Bars are…")."""
    keys = translit.korean_keys(text) if lang == "ko" else translit.english_keys(text, common=common)
    return {"tr:" + key: 1.0 for key in keys}


_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+")
STOPWORDS = frozenset(
    "the and for that with this from was were are has have had but not its his her their they them "
    "you your our she him who which what when where will would can could should been being than then "
    "also into about after over more most some such only other there these those said".split()
)  # "said" is kept out on purpose: quotation tails are split differently in Korean.


def transliteration_for(english: Sequence[str]) -> FeatureFn:
    """The transliteration scorer for one text: its ordinary words are the ones it also writes in
    lower case somewhere (a word list would do as well, but spaCy's costs 150 MB and 4 s to load)."""
    common = STOPWORDS | {w for text in english for w in _LOWER_WORD.findall(text)}
    return functools.partial(transliteration_features, common=common)


@dataclass
class Scorer:
    """A pluggable similarity signal: either a feature extractor and the weight of its matches, or
    (an embedding scorer) a sentence encoder whose bead cosines the cost model weighs."""

    name: str
    features: FeatureFn | None = None
    weight: float = 1.0
    # Document-aware scorers: given the English texts, the feature function to use for this pair.
    prepare: Callable[[Sequence[str]], FeatureFn] | None = None
    # A Korean feature of this scorer that the English text lacks altogether (a number, a name in
    # Latin script) marks a sentence with no counterpart: it counts against any pair it joins.
    korean_needs_english: bool = False
    # Sentence vectors instead of features: the cosine of a bead's two sides enters its cost as
    # CostModel.semantic_weight × weight × (semantic_centre − cosine).
    encoder: Encoder | None = None


#: The model-free scorers, by name. Weights chosen with the bead costs on perturbation seeds 0–2
#: and own splitting (benchmarks/README.md).
SCORERS: dict[str, Scorer] = {
    "numbers": Scorer("numbers", number_features, 1.6, korean_needs_english=True),
    "latin": Scorer("latin", latin_features, 1.4, korean_needs_english=True),
    "structure": Scorer("structure", structure_features, 0.6),
    "translit": Scorer("translit", transliteration_features, 0.8, prepare=transliteration_for),
}


def semantic_scorer(encoder: Encoder, weight: float = 1.0) -> Scorer:
    """Sentence embeddings as a scorer (the built-in encoder, or ``--embeddings PATH``)."""
    return Scorer("semantic", weight=weight, encoder=encoder)


def dictionary_scorer(
    entries: Iterable[tuple[Sequence[str], Sequence[str]]], name: str = "dictionary", weight: float = 1.2
) -> Scorer:
    """A scorer from a bilingual word list: (English forms, Korean renderings) per entry, e.g. the
    term base (``supervised fine-tuning`` / ``지도 미세 조정``) or the reader's vocabulary glosses
    (``point of inflection`` / ``변곡점``). A sentence carrying an English form and one carrying a
    rendering of the same entry share a feature.

    Matching is plain text, not lemmas: English forms case-insensitively at word boundaries (plural
    -s allowed, hyphens and spaces interchangeable), Korean renderings with spaces ignored. Running
    spaCy and Kiwi over every sentence would cost more than the alignment itself.
    """
    en_forms: dict[str, set[int]] = defaultdict(set)
    ko_forms: dict[str, set[int]] = defaultdict(set)
    for k, (english, korean) in enumerate(entries):
        for form in english:
            words = re.findall(r"[a-z0-9]+", form.casefold())
            if words:
                en_forms[" ".join(words)].add(k)
        for rendering in korean:
            squashed = re.sub(r"\s+", "", rendering)
            if len(squashed) >= 2 and _HANGUL.search(squashed):  # one syllable matches everywhere
                ko_forms[squashed].add(k)
    # English by token lookup, not one big alternation: the same matches, ~4x faster on NTREX English
    # (lang.phrases; benchmarks/phrase_lookup.py checks the equality).
    en_index = PhraseIndex([Phrase(tuple(f.split()), ("es", "s"), f) for f in en_forms])
    ko_index = _KoreanForms(ko_forms)

    def features(text: str, lang: str) -> Features:
        out: Features = {}
        if lang == "en" and len(en_index):
            for m in en_index.find(text):
                form = " ".join(re.findall(r"[a-z0-9]+", text[m.start : m.end].casefold()))
                for k in en_forms.get(form) or en_forms.get(re.sub(r"e?s$", "", form), ()):
                    out[f"{name}:{k}"] = 1.0
        elif lang == "ko" and ko_forms:
            for form in ko_index.find(_SPACES.sub("", text)):
                for k in ko_forms[form]:
                    out[f"{name}:{k}"] = 1.0
        return out

    return Scorer(name, features, weight)


_SPACES = re.compile(r"\s+")


class _KoreanForms:
    """Korean renderings found in a text without spaces as a regex alternation of them, longest
    first, finds them (leftmost; at one position the longest; the scan going on after a match), but
    by looking up the two characters at each position: the alternation tried every rendering at
    every position, 70 µs a sentence for the bundled term base, against some 10 here."""

    def __init__(self, forms: Iterable[str]) -> None:
        self.by_start: dict[str, list[str]] = defaultdict(list)
        for form in sorted(forms, key=len, reverse=True):  # every form has 2+ characters
            self.by_start[form[:2]].append(form)
        # Positions worth a look: those holding the first character of some rendering.
        firsts = sorted({form[0] for form in self.by_start})
        self.first = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]" if firsts else "(?!)")

    def find(self, text: str) -> list[str]:
        found: list[str] = []
        by_start = self.by_start
        at = self.first.search(text)
        while at is not None:
            p = at.start()
            for form in by_start.get(text[p : p + 2], ()):
                if text.startswith(form, p):
                    found.append(form)
                    p += len(form) - 1
                    break
            at = self.first.search(text, p + 1)
        return found


def available_scorers() -> dict[str, Scorer]:
    return dict(SCORERS)


def sentence_features(text: str, lang: str, scorers: Sequence[Scorer]) -> Features:
    """One sentence's features under several (feature) scorers, each weighted by its scorer."""
    out: Features = {}
    for scorer in scorers:
        assert scorer.features is not None
        for key, w in scorer.features(text, lang).items():
            # Interned: the same few thousand keys recur over tens of thousands of sentences.
            key = sys.intern(key)
            out[key] = max(out.get(key, 0.0), w * scorer.weight)
    return out


# ---------------------------------------------------------------------------------------------
# Features as arrays, and per bead-sized window of sentences (for set-based matching in the DP)
# ---------------------------------------------------------------------------------------------

FlatFeatures = tuple[np.ndarray, np.ndarray, np.ndarray]  # key id, sentence position, weight


def flatten(feats: list[Features], key_ids: dict[str, int]) -> FlatFeatures:
    """Feature dicts as parallel arrays: key id, sentence position, weight."""
    keys = [key_ids.setdefault(key, len(key_ids)) for f in feats for key in f]
    weights = [w for f in feats for w in f.values()]
    positions = np.repeat(np.arange(len(feats), dtype=np.int64), [len(f) for f in feats])
    return np.array(keys, dtype=np.int64), positions, np.array(weights, dtype=np.float64)


@dataclass
class WindowIndex:
    """Features of every window of 1–3 consecutive sentences, deduplicated per window, as sorted
    arrays ready for a sparse join: English windows by end index, Korean ones by (key, end index)."""

    stride: int
    rarity: np.ndarray  # per key: a feature common in this text is weaker evidence than a rare one
    kept: np.ndarray  # per key: rare enough to be worth the join
    en: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]  # a → (end, key, weight), sorted by end
    ko: dict[int, tuple[np.ndarray, np.ndarray]]  # b → (key * stride + end, weight), sorted
    total_en: dict[int, np.ndarray]  # a → rarity-weighted feature weight of each window, by end
    total_ko: dict[int, np.ndarray]

    @classmethod
    def build(
        cls,
        structural: np.ndarray,
        flat_en: FlatFeatures,
        flat_ko: FlatFeatures,
        n: int,
        m: int,
        rarity_count: float,
        rarity_floor: float,
    ) -> WindowIndex:
        """``rarity_count``: a feature in at most this many sentences has full weight, one in more
        has rarity_count / its count. ``rarity_floor``: below this rarity a feature is dropped."""
        n_keys = len(structural)
        en_key, en_pos, en_w = flat_en
        ko_key, ko_pos, ko_w = flat_ko
        df = np.bincount(ko_key, minlength=n_keys) + np.bincount(en_key, minlength=n_keys)
        rarity = np.minimum(1.0, rarity_count / np.maximum(df, 1))
        rarity[structural] = 1.0  # a question or a headline is common, yet its shape survives translation
        # A feature in hundreds of sentences weighs next to nothing; dropping it saves the join's work.
        kept = (rarity >= rarity_floor) | structural
        keep_en, keep_ko = kept[en_key], kept[ko_key]
        en_key, en_pos, en_w = en_key[keep_en], en_pos[keep_en], en_w[keep_en]
        ko_key, ko_pos, ko_w = ko_key[keep_ko], ko_pos[keep_ko], ko_w[keep_ko]
        stride = m + 2
        index = cls(stride, rarity, kept, {}, {}, {}, {})
        for size in (1, 2, 3):
            e, k, w = _window(en_key, en_pos, en_w, size, n, n_keys)
            index.en[size] = (e, k, w)
            index.total_en[size] = np.bincount(e, w * rarity[k], n + 1)
            e, k, w = _window(ko_key, ko_pos, ko_w, size, m, n_keys)
            comp = k * stride + e
            order = np.argsort(comp, kind="stable")
            index.ko[size] = (comp[order], w[order])
            index.total_ko[size] = np.bincount(e, w * rarity[k], m + 1)
        return index


def _window(
    keys: np.ndarray, pos: np.ndarray, weights: np.ndarray, size: int, count: int, n_keys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(end, key, weight) of the features of each window of ``size`` sentences [end-size, end),
    one entry per key and window with its largest weight, sorted by end."""
    ends = np.concatenate([pos + d + 1 for d in range(size)])
    ks = np.tile(keys, size)
    ws = np.tile(weights, size)
    ok = (ends >= size) & (ends <= count)
    comp = ends[ok] * n_keys + ks[ok]
    ws = ws[ok]
    order = np.argsort(comp, kind="stable")
    comp, ws = comp[order], ws[order]
    first = np.ones(len(comp), dtype=bool)
    first[1:] = comp[1:] != comp[:-1]
    starts = np.flatnonzero(first)
    ws = np.maximum.reduceat(ws, starts) if len(ws) else ws  # a key's largest weight in the window
    comp = comp[starts]
    return comp // n_keys, comp % n_keys, ws

"""terms.expansions: does a Korean gloss of an acronym render the English expansion the article gives?

The article's own definition of an acronym comes from its English ("Retrieval-augmented generation
(RAG)", "RAG (retrieval-augmented generation)", or words whose initials spell it), never from the
Korean. A Korean gloss (``RAG(검색 증강 생성)``, ``검색 증강 생성(RAG)``) is then judged against those
English words with what we know without a dictionary:

- the term base: renderings of the whole expansion, and of the terms inside it (강화 학습 for the
  "reinforcement learning" of RLHF);
- glossary components: Korean words that the bundled glossary pairs with an English word across its
  entries (retrieval → 검색, from "retrieval-augmented generation ↔ 검색 증강 생성");
- readings: a Korean word that is the English word read aloud (리트리벌, 피드백), or the acronym read
  aloud (래그, 에프비아이); and English words kept in Latin (AI 피드백).

A gloss that renders at least half the expansion's words and says little else renders it; a gloss
that is another term's rendering (소형 언어 모델 for "large language model") says another sense; a
gloss of known words that renders too little does not render it. Where nothing is known of the
expansion's words the verdict is left to the sentence encoder, if there is one, else unknown.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.lang import en, ko
from pipeline.lang.translit import english_skeletons, hangul_skeleton, letter_reading
from pipeline.stages.terms.base import Term, TermBase, acronym_key, bundled, is_acronym, term_key
from pipeline.stages.terms.definitions import english_definitions, initials_spell
from pipeline.stages.terms.korean import korean_index, squash

if TYPE_CHECKING:
    from pipeline.stages.semantic import Encoder

#: A gloss renders an expansion when it renders at least this share of its content words …
RENDERED_SHARE = 0.5
#: … and at most this share of the gloss's content syllables render nothing in it.
UNEXPLAINED_SHARE = 0.34
#: The expansion's words must be this well known (term base, glossary components) for a gloss that
#: renders too little of them to count as wrong without asking the sentence encoder.
KNOWN_SHARE = 0.5
#: Glossary components: an English word and a Korean word that share entries this much (Dice).
COMPONENT_DICE = 0.4
#: Sentence-encoder cosines between the expansion and its gloss, for expansions nothing else knows
#: (calibrated on the tuning half of the glossary: benchmarks/acronym_cosines.py): at or above
#: RENDERS_COSINE the gloss renders it, below WRONG_COSINE it does not; in between it is doubtful.
RENDERS_COSINE = 0.4
WRONG_COSINE = 0.2

#: Korean nouns a translator adds to frame a term (검색 기반 생성, 검색 증강 생성 기법): they render no
#: English word and contradict none.
FRAME_NOUNS = frozenset({"기반", "기법", "방식", "방법", "기술", "체계", "형", "적"})

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")


# ---------------------------------------------------------------------------------------------
# The article's expansions, from its English
# ---------------------------------------------------------------------------------------------


def english_expansions(text: str) -> dict[str, str]:
    """Acronym → the English words this sentence spells it out with: the words before ``(ACR)`` whose
    initials spell it, else a ``Long Form (ACR)`` or ``ACR (Long Form)`` definition (Schwartz &
    Hearst, whose letter matching alone takes "policy optimization" for PPO out of "proximal policy
    optimization (PPO)")."""
    out: dict[str, str] = {}
    for m in re.finditer(r"\(\s*([A-Za-z][A-Za-z0-9\-&]*)[\s),;:~]", text):
        if not is_acronym(m.group(1)):
            continue
        acronym = acronym_key(m.group(1))
        spans = list(_EN_WORD.finditer(text[: m.start()]))
        for n in range(2, min(len(spans), 3 * len(acronym)) + 1):
            if initials_spell(acronym, [w.group(0) for w in spans[-n:]]):
                out.setdefault(acronym, text[spans[-n].start() : spans[-1].end()])  # as written
                break
    for d in english_definitions(text):
        out.setdefault(d.acronym, d.long_form)
    return out


def spelled_out(acronym: str, text: str) -> str | None:
    """The shortest run of words in this English whose initials spell the acronym ("Data from the
    Aviation Safety Network shows" → "Aviation Safety Network"); two-letter acronyms only from
    Capitalised Words, since any two words spell one."""
    acronym = acronym_key(acronym)
    words = _EN_WORD.findall(text)
    skip = en.word_class("acronym_skip")
    letters = sum(c.isalnum() for c in acronym)
    for i, first in enumerate(words):
        if first.lower() in skip or (letters < 3 and not first[0].isupper()):
            continue
        for n in range(1, 3 * letters + 1):
            window = words[i : i + n]
            if len(window) < n:
                break
            if letters < 3 and not all(w[0].isupper() or w.lower() in skip for w in window):
                break
            if initials_spell(acronym, window):
                return " ".join(window)
    return None


def content_words(english: str) -> list[str]:
    """The words of an English phrase that a rendering must say: lower case, hyphenated parts apart,
    function words and plural s dropped."""
    skip = en.word_class("acronym_skip")
    out = []
    for w in re.split(r"[\s\-/]+", english.lower()):
        w = re.sub(r"[^a-z0-9']", "", w)
        if not w or w in skip:
            continue
        out.append(_singular(w))
    return out


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# ---------------------------------------------------------------------------------------------
# Glossary components
# ---------------------------------------------------------------------------------------------


def _korean_words(rendering: str) -> set[str]:
    """Content morphemes of a Korean rendering (검증 가능한 보상 → 검증, 가능, 보상)."""
    return {t.text for t in ko.morphemes(rendering) if t.tag.startswith(("NN", "XR", "VV", "VA", "SL"))}


@dataclass
class ComponentLexicon:
    """English word → Korean words the term base pairs it with (Dice over entries)."""

    pairs: dict[str, frozenset[str]] = field(default_factory=dict)

    def renderings(self, word: str) -> frozenset[str]:
        return self.pairs.get(word, frozenset())


def learn_components(entries: Iterable[Term]) -> ComponentLexicon:
    """Pair each English content word with the Korean words that share its entries: each entry
    counts once, with the Korean words of all its accepted renderings."""
    en_count: Counter[str] = Counter()
    ko_count: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    for t in entries:
        words = {w for form in t.english_forms if not is_acronym(form) for w in content_words(form)}
        korean = {k for a in t.accepted if ko.HANGUL_SYLLABLE.search(a) for k in _korean_words(a)}
        korean = {k for k in korean if ko.HANGUL_SYLLABLE.search(k) and k not in FRAME_NOUNS}
        if not words or not korean:
            continue
        en_count.update(words)
        ko_count.update(korean)
        both.update((w, k) for w in words for k in korean)
    pairs: dict[str, set[str]] = {}
    for (w, k), n in both.items():
        if 2 * n / (en_count[w] + ko_count[k]) >= COMPONENT_DICE:
            pairs.setdefault(w, set()).add(k)
    return ComponentLexicon({w: frozenset(ks) for w, ks in pairs.items()})


@functools.cache
def bundled_components() -> ComponentLexicon:
    """Components of the bundled glossary: a language resource, whatever the user's term base.
    Its renderings' morphemes come from the per-user cache after the first run."""
    glossary = bundled()
    ko.load_morphemes((a for t in glossary for a in t.accepted if ko.HANGUL_SYLLABLE.search(a)), "glossary")
    return learn_components(glossary)


# ---------------------------------------------------------------------------------------------
# The verdict
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossVerdict:
    """Whether a gloss renders an expansion: "renders", "wrong", "other-sense", "forbidden" or
    "unknown", with what decided it and, for another sense, whose rendering the gloss is."""

    outcome: str
    reason: str
    other: Term | None = None
    cosine: float | None = None

    @property
    def wrong(self) -> bool:
        return self.outcome in ("wrong", "other-sense", "forbidden")


def reads_acronym(acronym: str, gloss: str) -> bool:
    """The acronym read aloud: letter by letter (에프비아이) or as a word (래그 for RAG, 로라)."""
    squashed = re.sub(r"[\s\-·]", "", gloss)
    if squashed == letter_reading(acronym):
        return True
    letters = re.sub(r"[^A-Za-z]", "", acronym)
    return bool(re.search(r"[AEIOUaeiou]", letters)) and sounds_like(letters.lower(), squashed)


def sounds_like(word: str, hangul: str) -> bool:
    """Is one Korean word this English word read aloud (리트리벌 = retrieval, 튜닝 = tuning)? Stricter
    than transliterates(), which forgives much in a name: here a near match of short consonant
    skeletons (댄 ~ tuning, 데이터베이스 ~ artificial) would let any loanword render any word."""
    korean = hangul_skeleton(hangul)
    if not korean or not ko.HANGUL_WORD.fullmatch(hangul):
        return False
    for english in english_skeletons(word):
        if english == korean and len(korean) >= 3:
            return True
        if english == korean and _syllables(word) == _korean_syllables(hangul):
            return True  # short skeletons also need as many syllables: 튜닝 = tuning, not 댄
        if (
            min(len(english), len(korean)) >= 5
            and difflib.SequenceMatcher(None, english, korean).ratio() >= 0.85
        ):
            return True
    return False


def _syllables(word: str) -> int:
    """Vowel groups of an English word, a silent final e left out (fine = 2: 파인)."""
    return len(re.findall(r"[aeiouy]+", re.sub(r"(?<=[^aeiou])e$", "", word.lower()))) or 1


def _korean_syllables(hangul: str) -> int:
    """Syllables with a vowel of their own: a bare ㅡ syllable (그 in 래그, 스 in 피스) is the vowel
    Korean adds to sound a final consonant."""
    bare_eu = [ch for ch in hangul if (ord(ch) - 0xAC00) % 28 == 0 and (ord(ch) - 0xAC00) // 28 % 21 == 18]
    return len(hangul) - len(bare_eu)


def _entries_for(expansion: str, base: TermBase) -> list[Term]:
    key = term_key(expansion)
    return [t for t in base if any(term_key(f) == key for f in t.english_forms)]


def _holds(gloss: str, rendering: str) -> bool:
    """The gloss is the rendering, or the rendering with only frame nouns around it (검색 증강 생성
    기법). A part of a rendering (생성 of 검색 증강 생성) is left to the coverage of its words."""
    g, r = squash(gloss), squash(rendering)
    if not g or not r:
        return False
    if g == r:
        return True
    spans = korean_index(gloss).find(rendering)
    rest = "".join(ch for i, ch in enumerate(gloss) if not any(s <= i < e for s, e in spans))
    return bool(spans) and all(w in FRAME_NOUNS for w in _korean_words(rest) if ko.HANGUL_SYLLABLE.search(w))


def _matches_whole(gloss: str, rendering: str) -> bool:
    """The gloss says this rendering: one holds the other at morpheme boundaries, or they are near
    (most syllable bigrams shared: 검색증강생성 = 검색 증강 생성 기법)."""
    g, r = squash(gloss), squash(rendering)
    if not g or not r:
        return False
    if g == r or korean_index(gloss).contains(rendering):
        return True
    return _similar(g, r)


def _similar(a: str, b: str) -> bool:
    x = Counter(a[i : i + 2] for i in range(len(a) - 1))
    y = Counter(b[i : i + 2] for i in range(len(b) - 1))
    total = sum(x.values()) + sum(y.values())
    return total > 0 and 2 * sum((x & y).values()) / total >= 0.75


@dataclass
class _Coverage:
    rendered: set[str] = field(default_factory=set)  # English content words the gloss says
    known: set[str] = field(default_factory=set)  # English content words we know renderings of
    explained: set[int] = field(default_factory=set)  # gloss character positions accounted for


# long: one pass per kind of evidence, each marking the English words it renders and the gloss it uses
def _coverage(expansion: str, gloss: str, base: TermBase, lexicon: ComponentLexicon) -> _Coverage:
    words = content_words(expansion)
    cov = _Coverage()
    index = korean_index(gloss)
    # Terms inside the expansion (reinforcement learning in RLHF) and their renderings in the gloss.
    for hit in base.find_english(expansion):
        part = content_words(hit.surface)
        if hit.term.accepted:
            cov.known.update(part)
        for a in hit.term.accepted:
            spans = index.find(a)
            if spans:
                cov.rendered.update(part)
                for s, e in spans:
                    cov.explained.update(range(s, e))
    tokens = [t for t in ko.morphemes(gloss) if t.tag.startswith(("NN", "XR", "VV", "VA", "SL", "SH"))]
    for w in words:
        korean = lexicon.renderings(w)
        if korean:
            cov.known.add(w)
        for t in tokens:
            latin = t.tag == "SL" and t.text.lower().rstrip("s") == w.rstrip("s")
            if t.text in korean or latin or sounds_like(w, t.text):
                cov.rendered.add(w)
                cov.known.add(w)
                cov.explained.update(range(t.start, t.end))
    for t in tokens:
        if t.text in FRAME_NOUNS:
            cov.explained.update(range(t.start, t.end))
    return cov


def gloss_verdict(
    acronym: str,
    expansion: str,
    gloss: str,
    base: TermBase,
    encoder: Encoder | None = None,
    lexicon: ComponentLexicon | None = None,
) -> GlossVerdict:
    """Does the Korean `gloss` of `acronym` render the article's English `expansion`?"""
    lexicon = lexicon if lexicon is not None else bundled_components()
    squashed_english = re.sub(r"[^A-Za-z]", "", expansion)
    if reads_acronym(acronym, gloss) or (len(gloss.split()) == 1 and sounds_like(squashed_english, gloss)):
        return GlossVerdict("renders", "a reading")
    own = _entries_for(expansion, base)
    if any(_holds(gloss, a) for t in own for a in t.accepted):
        return GlossVerdict("renders", "the term base")
    if any(squash(gloss) == squash(f) or korean_index(gloss).contains(f) for t in own for f in t.forbidden):
        return GlossVerdict("forbidden", "a forbidden rendering")
    other = _other_sense(acronym, expansion, gloss, base)
    if other is not None:
        return GlossVerdict("other-sense", f"the rendering of {other.term!r}", other)
    if any(_matches_whole(gloss, a) for t in own for a in t.accepted):
        return GlossVerdict("renders", "the term base")
    words = content_words(expansion)
    cov = _coverage(expansion, gloss, base, lexicon)
    syllables = [i for i, ch in enumerate(gloss) if ko.HANGUL_SYLLABLE.match(ch)]
    unexplained = sum(i not in cov.explained for i in syllables) / max(len(syllables), 1)
    rendered = len(cov.rendered & set(words)) / max(len(set(words)), 1)
    if rendered >= RENDERED_SHARE and unexplained <= UNEXPLAINED_SHARE:
        return GlossVerdict("renders", "its words")
    known = len(cov.known & set(words)) / max(len(set(words)), 1)
    if known >= KNOWN_SHARE:
        return GlossVerdict("wrong", "its words")
    if encoder is not None and syllables:
        vectors = encoder.encode([expansion.lower(), gloss])  # odd casing (eXtended) throws it off
        cosine = float(vectors[0] @ vectors[1])
        if cosine >= RENDERS_COSINE:
            return GlossVerdict("renders", "the sentence encoder", cosine=cosine)
        if cosine < WRONG_COSINE:
            return GlossVerdict("wrong", "the sentence encoder", cosine=cosine)
        return GlossVerdict("unknown", "the sentence encoder", cosine=cosine)
    return GlossVerdict("unknown", "nothing known of its words")


def _other_sense(acronym: str, expansion: str, gloss: str, base: TermBase) -> Term | None:
    """A term-base entry, not the expansion nor a term inside it, whose rendering the gloss is:
    another sense of the acronym first (SP = sequence parallelism, where the article's SP is
    SentencePiece), then any other glossary term (소형 언어 모델 for "large language model")."""
    words = set(content_words(expansion))
    inside = {h.term.key for h in base.find_english(expansion)}

    def unrelated(t: Term) -> bool:
        if t.key in inside or any(term_key(f) == term_key(expansion) for f in t.english_forms):
            return False
        # A term made of the expansion's words (language model in LLM) is a partial rendering.
        return not any(set(content_words(f)) <= words for f in t.english_forms if not is_acronym(f))

    for t in base.by_acronym.get(acronym_key(acronym), []):
        if unrelated(t) and any(_matches_whole(gloss, a) for a in t.accepted if ko.HANGUL_SYLLABLE.search(a)):
            return t
    for t in _by_rendering(base).get(squash(gloss), []):
        if unrelated(t):
            return t
    return None


@functools.lru_cache(maxsize=8)
def _by_rendering(base: TermBase) -> dict[str, list[Term]]:
    """Squashed Korean rendering → the terms that accept it (a lookup, not a scan per gloss)."""
    out: dict[str, list[Term]] = {}
    for t in base:
        for a in t.accepted:
            if ko.HANGUL_SYLLABLE.search(a):
                out.setdefault(squash(a), []).append(t)
    return out

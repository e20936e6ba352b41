"""terms.gloss_span: exactly which Korean words a parenthesised English gloss names, in 한국어(English).

The words before a parenthesis are read right to left, a whole word at a time, from Kiwi's
analysis of the sentence. A word joins the span while it is a noun phrase word (nouns, noun
affixes, roots, foreign script, a bare number) and the English still has words to account for;
the span stops at a particle, a verb or copula ending (``대통령인``, ``지명한``), an adverb, a
determiner (``한``, ``모든``), a quantity (``270억 개의``, ``10시``), a noun heading an adverbial
phrase (``대신``, ``이후``) or punctuation. Two exceptions,
both asked for by the English: a genitive word (``중국의``) when the English has ``'s`` or ``of``, and
a noun + 하다 adnominal (``검증 가능한``) in the gloss of an acronym.

A capitalised English is first tried as a name read aloud (``브렛 캐버노`` = Brett Kavanaugh): the
span is then the run of words whose sound matches it best, and the harvest drops it (a name read
aloud is not a term pair). The result says how sure it is: the span is a guess where the noun
phrase went on past what the English accounts for (``미국 우선주의 위원회`` for Priorities USA).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pipeline.lang.ko import HANGUL_SYLLABLE, morphemes
from pipeline.lang.translit import english_skeletons, hangul_skeleton, transliterates

#: English words that a Korean rendering usually has no word for.
FUNCTION_WORDS = frozenset("a an and at by for from in into of on the to with".split())
#: Morphemes a noun-phrase word is made of (Sejong tag prefixes); SO joins 라인-네카어-아레나.
_NOUN_PARTS = ("NNG", "NNP", "NNB", "NP", "XSN", "XPN", "XR", "SL", "SH", "SN", "SO")
#: A reading this close to the English's sound is the English read aloud (calibrated, see benchmarks).
NAME_READING = 0.75
#: Extra words an acronym's gloss may have beyond one per letter (인간 피드백 기반 강화 학습 = RLHF).
ACRONYM_SLACK = 2
#: Nouns that head an adverbial phrase (X 대신, X 이후, X 때문): they close the noun phrase before them
#: and never modify the noun after them (ASCII코드 대신 원핫 인코딩).
ADVERBIAL_NOUNS = frozenset("대신 동안 이후 이전 경우 때 때문 등 및 위해 통해".split())
#: Existential predicates: 있는 비무장지대 is "the DMZ that is there", never part of the term.
EXISTENTIAL = frozenset({"있", "없"})


@dataclass(frozen=True)
class GlossSpan:
    """The Korean words a gloss names: text[start:end]."""

    start: int
    end: int
    text: str
    reading: float = 0.0  # how closely the span sounds like the English (1.0: read aloud)
    cut: bool = False  # the noun phrase went on before the span: where it starts is a guess

    @property
    def read_aloud(self) -> bool:
        return self.reading >= NAME_READING


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    tags: tuple[str, ...]
    kind: str  # "noun", "genitive", "adnominal", "stop"


def _word_kind(tags: tuple[str, ...], texts: tuple[str, ...]) -> str:
    if not tags:
        return "stop"
    if any(t.startswith("NR") for t in tags) or any(
        a == "SN" and b == "NNB" for a, b in zip(tags, tags[1:], strict=False)
    ):
        return "stop"  # a quantity: 270억, 10시, 두 개
    if "".join(texts) in ADVERBIAL_NOUNS:
        return "stop"
    nouny = [t.startswith(_NOUN_PARTS) or (t == "SP" and x in "·/") for t, x in zip(tags, texts, strict=True)]
    if all(nouny):
        return "noun"
    # Kiwi splits an unknown loanword into an interjection or adverb and a noun (아핀 = 아/IC 핀/NNG):
    # inside one word with nothing else, that is a misreading, not a modifier.
    lead = len(nouny) - nouny[::-1].index(False)
    if lead == 1 and len(tags) > 1 and tags[0].startswith(("IC", "MAG", "MAJ")):
        return "noun"
    *head, last = tags
    if last == "ETN" and len(head) == 1 and head[0].startswith(("VV", "VA")):
        return "noun"  # a nominalised verb: 내보내기, 불러오기
    if last == "JKG" and head and all(t.startswith(_NOUN_PARTS) for t in head):
        return "genitive"
    if last == "ETM" and head and texts[0] not in EXISTENTIAL:
        if (
            head[-1].startswith("XSA")
            and len(head) >= 2
            and all(t.startswith(("NNG", "XR", "MAG")) for t in head[:-1])
        ):
            return "adnominal"  # 가능+하+ㄴ, 들쭉날쭉+하+ㄴ: a 하다 adjective
        if len(head) == 1 and head[0].startswith("VA"):
            return "adnominal"  # 새롭+ㄴ, 깊+은: an adjective (not 지명+하+ㄴ, XSV, nor 대통령+이+ㄴ, VCP)
    return "stop"


def _words_before(text: str, end: int) -> list[_Word]:
    """The whitespace words of text[:end], last first, each with its morphemes' tags; a word with
    leading punctuation (“포드, ‘라) is cut to its Hangul/Latin part and ends the walk after it."""
    tokens = [t for t in morphemes(text) if t.end <= end]
    out: list[_Word] = []
    for m in reversed(list(re.finditer(r"\S+", text[:end]))):
        start = m.start()
        lead = re.match(r"[^\w가-힣]+", m.group(0))
        if lead:
            start += lead.end()
        inside = [t for t in tokens if t.start >= start and t.end <= m.end()]
        tags = tuple(t.tag for t in inside)
        kind = _word_kind(tags, tuple(t.text for t in inside))
        if start < m.end():
            out.append(_Word(start, m.end(), tags, kind))
        if lead or kind == "stop":
            if lead and kind != "stop":
                out.append(_Word(m.start(), m.start(), (), "stop"))
            break
    return out


def english_budget(english: str, acronym: bool) -> tuple[int, int]:
    """How many Korean words the English may account for: (modifiers included, nouns alone).

    A hyphenated English word may take two Korean nouns (post-training = 후처리 학습) but not a
    modifier as well (간단한 순전파 네트워크 is a *simple* feed-forward network)."""
    if acronym:
        n = len(re.sub(r"[^A-Z]", "", english.upper())) + ACRONYM_SLACK
        return n, n
    words = [w for w in english.split() if w.lower() not in FUNCTION_WORDS]
    return max(1, len(words)), max(1, sum(len(w.strip("-").split("-")) for w in words))


def reading_similarity(english: str, korean: str) -> float:
    """How closely the Hangul sounds like the English (consonant skeletons, 0..1); 1.0 for a
    reading `transliterates` accepts (a single word or an acronym spelled letter by letter)."""
    if transliterates(english, korean):
        return 1.0
    squashed = "".join(HANGUL_SYLLABLE.findall(korean))
    words = re.findall(r"[A-Za-z]+", re.sub(r"^the\s+", "", english.strip(), flags=re.IGNORECASE))
    if len(squashed) < 2 or sum(map(len, words)) < 3:
        return 0.0
    ko = hangul_skeleton(squashed)
    best = 0.0
    for en in _skeletons(tuple(words)):
        if en[:1] == ko[:1]:  # a reading keeps the first consonant
            best = max(best, difflib.SequenceMatcher(None, en, ko).ratio())
    return best


def _skeletons(words: tuple[str, ...]) -> set[str]:
    """Consonant skeletons of an English phrase read aloud, word by word: rhotic or not throughout,
    with th as t or s (톰슨, 오셀로) and a Greek ch as k (크리스틴)."""
    out: set[str] = set()
    for th in ("th", "s"):
        variants = [re.sub(r"^ch(?=r)", "k", w.lower()).replace("th", th) for w in words]
        per_word = [sorted(english_skeletons(w)) for w in variants]
        for pick in (0, -1):
            out.add("".join(s[pick] for s in per_word if s))
    return out


def _is_name(english: str) -> bool:
    words = [w for w in english.split() if w.lower() not in FUNCTION_WORDS]
    return bool(words) and all(w[:1].isupper() for w in words)


def gloss_span(text: str, paren_start: int, english: str, acronym: bool = False) -> GlossSpan | None:
    """The Korean words before text[paren_start] that the English (or acronym) in the parenthesis names."""
    words = _words_before(text, paren_start)
    run: list[_Word] = []
    for w in words:
        if w.kind == "stop":
            break
        run.append(w)
    if not run:
        return None
    if _is_name(english):
        named = _reading(text, paren_start, english)
        if named is not None:
            return named
    allow_genitive = acronym or bool(re.search(r"'s\b|\bof\b", english))
    words_budget, nouns_budget = english_budget(english, acronym)
    taken: list[_Word] = []
    cut = False
    for w in run:
        allowed = w.kind == "noun" or (w.kind == "genitive" and allow_genitive and taken)
        allowed = allowed or (w.kind == "adnominal" and taken)
        if not allowed:
            break
        if len(taken) >= (nouns_budget if w.kind == "noun" else words_budget):
            cut = w.kind in ("noun", "genitive")  # a modifier past the budget is not the term's
            break
        taken.append(w)
    while acronym and taken and taken[-1].kind != "noun":
        taken.pop()  # an acronym's letters stand for nouns: 검증 가능한 보상, not 삼엄한 비무장지대
    if not taken or not HANGUL_SYLLABLE.search(text[taken[-1].start : taken[0].end]):
        return None
    start, end = taken[-1].start, taken[0].end
    span = text[start:end]
    reading = reading_similarity(english, span) if _is_name(english) else 0.0
    return GlossSpan(start, end, span, reading, cut)


def _reading(text: str, paren_start: int, english: str) -> GlossSpan | None:
    """The words before the parenthesis that read the English aloud, if some do: the last one to
    one more than the English has, whatever Kiwi makes of them (키한 is 키+하+ㄴ to Kiwi, and a name
    to the reader); the closest reading wins, the longer one on a tie."""
    n = len(english.split()) + 1
    words = list(re.finditer(r"[가-힣][가-힣\-·.]*", text[:paren_start]))[-n:]
    if not words or words[-1].end() != len(text[:paren_start].rstrip()):
        return None
    best: tuple[float, int] = (0.0, 0)
    for k in range(len(words) - 1, -1, -1):
        between = text[words[k].end() : words[k + 1].start()] if k + 1 < len(words) else ""
        if between.strip():
            break  # punctuation between the words: the reading cannot span it
        score = reading_similarity(english, text[words[k].start() : words[-1].end()])
        if score >= best[0]:
            best = (score, k)
    if best[0] < NAME_READING:
        return None
    start, end = words[best[1]].start(), words[-1].end()
    return GlossSpan(start, end, text[start:end], best[0], False)

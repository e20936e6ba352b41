"""terms.korean: Korean renderings found after Kiwi analysis, and glosses next to Latin text.

Renderings are compared ignoring spaces and particles, and only at morpheme boundaries, so
``지도 미세 조정을`` contains ``지도 미세 조정`` but ``모델링`` does not contain ``모델``. Parentheticals
are ``ACR(한국어)`` / ``한국어(ACR)`` / ``한국어(English)`` / ``English(한국어)``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.lang.ko import HANGUL_SYLLABLE, NOUN_PHRASE_TAG_PREFIXES, PARTICLE_TAGS, morphemes
from pipeline.stages.terms.base import is_acronym
from pipeline.stages.terms.definitions import ACRONYM_TOKEN

# ---------------------------------------------------------------------------------------------
# Korean matching: after Kiwi analysis, spaces and particles ignored, morpheme boundaries kept
# ---------------------------------------------------------------------------------------------


@dataclass
class KoreanIndex:
    """A Korean text prepared for rendering lookups."""

    text: str
    squashed: str  # without whitespace
    squashed_at: list[int]  # position in text of each squashed character
    bare: str  # without whitespace and particles
    bare_at: list[int]
    starts: frozenset[int]  # text positions where a morpheme or a word starts
    ends: frozenset[int]

    def find(self, rendering: str) -> list[tuple[int, int]]:
        """Spans of text where the rendering occurs (either with its particles or without)."""
        found: set[tuple[int, int]] = set()
        squashed, bare = _rendering_forms(rendering)
        for needle, hay, at in ((squashed, self.squashed, self.squashed_at), (bare, self.bare, self.bare_at)):
            if not needle:
                continue
            i = hay.find(needle)
            while i >= 0:
                start, end = at[i], at[i + len(needle) - 1] + 1
                if start in self.starts and end in self.ends:
                    found.add((start, end))
                i = hay.find(needle, i + 1)
        # Drop spans inside a longer one ("모델" inside "언어 모델").
        spans = sorted(found, key=lambda s: (s[0], -s[1]))
        return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]

    def contains(self, rendering: str) -> bool:
        return bool(self.find(rendering))


def _keep(text: str, drop: set[int]) -> tuple[str, list[int]]:
    at = [i for i, ch in enumerate(text) if not ch.isspace() and i not in drop]
    return "".join(text[i] for i in at), at


@functools.lru_cache(maxsize=8192)
def korean_index(text: str) -> KoreanIndex:
    tokens = morphemes(text)
    particle_chars: set[int] = set()
    starts: set[int] = set()
    ends: set[int] = set()
    for tok in tokens:
        starts.add(tok.start)
        ends.add(tok.end)
        if tok.tag in PARTICLE_TAGS:
            particle_chars.update(range(tok.start, tok.end))
    for m in re.finditer(r"\S+", text):
        starts.add(m.start())
        ends.add(m.end())
    # Also let a match start or end at a Latin/Hangul or punctuation edge inside a token.
    for m in re.finditer(r"[가-힣]+|[A-Za-z0-9]+", text):
        starts.add(m.start())
        ends.add(m.end())
    squashed, squashed_at = _keep(text, set())
    bare, bare_at = _keep(text, particle_chars)
    return KoreanIndex(text, squashed, squashed_at, bare, bare_at, frozenset(starts), frozenset(ends))


@functools.lru_cache(maxsize=8192)
def _rendering_forms(rendering: str) -> tuple[str, str]:
    """The rendering without spaces, and without spaces and particles (인간 피드백으로부터의 …)."""
    squashed = re.sub(r"\s+", "", rendering)
    if not HANGUL_SYLLABLE.search(rendering):
        return squashed, ""
    return squashed, korean_index(rendering).bare


def squash(text: str) -> str:
    """Korean compared without spaces and particles: 대형 언어 모델을 → 대형언어모델."""
    return korean_index(text).bare


@dataclass(frozen=True)
class Parenthetical:
    """A Korean gloss next to Latin text: 한국어(ACR), ACR(한국어), 한국어(English), English(한국어)."""

    kind: str  # "acronym-gloss" (ACR(gloss)), "gloss-acronym" (gloss(ACR)), "ko-en", "en-ko"
    latin: str  # the acronym or the English phrase
    korean: str  # the Korean gloss or phrase
    start: int  # span of the whole evidence, e.g. "SFT(스위칭 함수 이론)"
    end: int
    korean_start: int = 0
    korean_end: int = 0

    @property
    def is_acronym(self) -> bool:
        return self.kind in ("acronym-gloss", "gloss-acronym")


_ENGLISH_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z'\-]*(?: [A-Za-z][A-Za-z'\-]*){0,5})\s*$")
_LATIN_PHRASE = re.compile(r"^[A-Za-z][A-Za-z0-9'’\-\. &/]*$")


def _korean_gloss_text(part: str) -> bool:
    """A gloss is Korean words, not a date or a number with a counter (2024년 말, ~2022년)."""
    from pipeline.lang import numbers

    stripped = part
    for q in sorted(numbers.quantities(part, "ko"), key=lambda q: -q.start):
        stripped = stripped[: q.start] + stripped[q.end :]
    stripped = re.sub(r"\b(말|초|중반|후반|전반|경|대|년|월|일|약|예|예:)\b", " ", stripped)
    return len(HANGUL_SYLLABLE.findall(stripped)) >= 2 and not stripped.strip().startswith(
        ("예:", "예를", "예는")
    )


def preceding_noun_phrase(text: str, end: int, max_words: int = 6) -> tuple[int, int] | None:
    """The Korean noun phrase ending at `end` (just before a parenthesis): nouns, their prefixes and
    suffixes, and adnominal modifiers (가능한 보상), back to a particle, a clause ending or punctuation."""
    head = text[:end]
    tokens = [t for t in morphemes(text) if t.end <= end]
    i = len(tokens) - 1
    start = None
    while i >= 0:
        t = tokens[i]
        if t.tag.startswith(NOUN_PHRASE_TAG_PREFIXES):
            start = t.start
            i -= 1
            continue
        if t.tag == "ETN" and i > 0 and tokens[i - 1].tag.startswith(("VV", "VA")):
            start = tokens[i - 1].start  # a nominalised verb is a noun: 내보내기, 불러오기
            i -= 2
            continue
        if t.tag == "ETM" and i > 0 and tokens[i - 1].tag.startswith(("VV", "VA", "XSA", "XSV", "VCP")):
            # an adnominal: 가능(NNG) 하(XSA) ㄴ(ETM) → keep the stem and what precedes it
            i -= 1
            while i >= 0 and tokens[i].tag.startswith(("VV", "VA", "XSA", "XSV", "VCP", "EP")):
                start = tokens[i].start
                i -= 1
            continue
        if (
            t.tag == "JKG"
            and start is not None
            and i > 0
            and tokens[i - 1].tag.startswith(NOUN_PHRASE_TAG_PREFIXES)
        ):
            i -= 1  # a genitive stays inside the noun phrase: 질의 재작성, 연구소의 모델
            continue
        if t.tag == "SO" or (t.tag == "SP" and t.text in ("·", "/")):  # 키-값, 텍스트·이미지
            i -= 1
            continue
        break
    if start is None:
        return None
    words = head[start:end].split()
    if len(words) > max_words:
        start = end - len(" ".join(words[-max_words:]))
    phrase = head[start:end].strip()
    if not HANGUL_SYLLABLE.search(phrase):
        return None
    start = head.index(phrase, start)
    return start, start + len(phrase)


#: Particles that are also the last syllable of common Sino-Korean nouns (정확도 度, 평가 價,
#: 차이 異, 결과 果); 을, 의, 에 are not, and a gloss written with them keeps its particle out.
_PARTICLES_ENDING_NOUNS = frozenset({"도", "가", "이", "과"})


def _noun_read_as_particle(text: str, end: int) -> tuple[int, int] | None:
    """The word glued to a parenthesis when Kiwi reads its last syllable as a particle: 혼란도(HER2)
    is 혼란 + 도 to Kiwi, but a particle goes after the parenthesis (혼란도(HER2)가), not before it,
    so the word is a noun ending in a particle's syllable (정확도, 밀도, 평가)."""
    word = re.search(r"[가-힣]+$", text[:end])
    if word is None:
        return None
    inside = [t for t in morphemes(text) if word.start() <= t.start and t.end <= end]
    if (
        len(inside) >= 2
        and inside[0].start == word.start()
        and inside[-1].end == end
        and inside[-1].tag.startswith("J")
        and inside[-1].text in _PARTICLES_ENDING_NOUNS
        and all(t.tag.startswith(NOUN_PHRASE_TAG_PREFIXES) for t in inside[:-1])
    ):
        return word.start(), end
    return None


@functools.lru_cache(maxsize=4096)
def korean_parentheticals(text: str) -> tuple[Parenthetical, ...]:
    """Glosses next to Latin text in a Korean sentence."""
    return tuple(_parentheticals(text))


def _parentheticals(text: str) -> list[Parenthetical]:
    out: list[Parenthetical] = []
    for m in re.finditer(r"\(([^()]*)\)", text):
        inner = m.group(1)
        parts = [p for p in re.split(r"[,;]", inner)]
        before = text[: m.start()]
        latin_before = re.search(rf"({ACRONYM_TOKEN})\s*$", before)
        if latin_before and is_acronym(latin_before.group(1)):
            # ACR(gloss): the first Korean part of the parenthesis is the gloss.
            offset = m.start(1)
            for p in parts:
                if HANGUL_SYLLABLE.search(p) and _korean_gloss_text(p):
                    k0 = offset + (len(p) - len(p.lstrip()))
                    gloss = p.strip()
                    out.append(
                        Parenthetical(
                            "acronym-gloss",
                            latin_before.group(1),
                            gloss,
                            latin_before.start(1),
                            m.end(),
                            k0,
                            k0 + len(gloss),
                        )
                    )
                    break
                offset += len(p) + 1
            continue
        stripped = [p.strip() for p in parts]
        acronyms = [p for p in stripped if re.fullmatch(ACRONYM_TOKEN, p) and is_acronym(p)]
        english = [p for p in stripped if _LATIN_PHRASE.match(p) and not is_acronym(p) and len(p) > 2]
        # A product name (InstructGPT, DeepSeek) is not an English phrase to gloss.
        english = [p for p in english if not re.search(r"[a-z][A-Z]", p)]
        if acronyms or english:
            np = preceding_noun_phrase(text, m.start()) or _noun_read_as_particle(text, m.start())
            if np is None:
                continue
            ko = text[np[0] : np[1]]
            if acronyms:
                out.append(Parenthetical("gloss-acronym", acronyms[0], ko, np[0], m.end(), np[0], np[1]))
            for e in english:
                out.append(Parenthetical("ko-en", e, ko, np[0], m.end(), np[0], np[1]))
            continue
        # English(한국어): an English phrase right before a Korean parenthesis.
        latin_phrase = _ENGLISH_BEFORE.search(before)
        if (
            latin_phrase
            and HANGUL_SYLLABLE.search(inner)
            and not HANGUL_SYLLABLE.search(latin_phrase.group(1))
        ):
            gloss = stripped[0]
            if _korean_gloss_text(gloss):
                k0 = m.start(1) + inner.index(gloss)
                english = latin_phrase.group(1)
                span = (latin_phrase.start(1), m.end(), k0, k0 + len(gloss))
                out.append(Parenthetical("en-ko", english, gloss, *span))
    return out

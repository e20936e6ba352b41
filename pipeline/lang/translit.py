"""Transliteration keys: Hangul loanwords and English words reduced to one consonant skeleton.

웨일스 ↔ Welsh, 트럼프 ↔ Trump, 토크나이저 ↔ tokenizer, 메리웨더 ↔ Merriweather all reduce to the
same key, so the aligner can match them by exact lookup (an inverted index) instead of fuzzy
matching every pair. Korean loanword spelling keeps the consonants and changes the vowels, so the
key keeps consonant classes (voiced and voiceless merged, l = r) and drops vowels, h and y.

Hangul syllables are decomposed arithmetically (Unicode §3.12): a romaniser such as
korean-romanizer would give readable Latin, but we need consonant classes, not readable text, and
going through its romanisation would only add a second mapping to undo.

The same skeletons answer the checks' question, ``transliterates(latin, hangul)``: is the Hangul
just the sound of the Latin (트럼프 = Trump, 에프비아이 = FBI), which is a reading and not a gloss?
The aligner looks skeletons up exactly; the checks compare one pair, so they allow a near match.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Container
from functools import lru_cache

from pipeline.lang.ko import HANGUL_WORD

# Consonant class of each Hangul initial (19), in Unicode order: ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ
_INITIAL = ["K", "K", "N", "T", "T", "R", "M", "P", "P", "S", "S", "", "S", "S", "S", "K", "T", "P", ""]
# Medials (21) that start with a w glide: ㅘㅙㅚㅝㅞㅟ
_W_MEDIALS = {9, 10, 11, 14, 15, 16}
# Finals (28, the first is "none"). In loanwords a final ㅅ stands for t (로봇 = robot), ㅇ for ng.
_FINAL = [
    "", "K", "K", "KS", "N", "NS", "N", "T", "R", "RK", "RM", "RP", "RS", "RT", "RP", "R",
    "M", "P", "PS", "T", "T", "N", "S", "S", "K", "T", "P", "",
]  # fmt: skip

_LATIN_WORD = re.compile(r"[A-Za-z]+")

#: Particles and endings that follow a loanword inside one Korean word (트럼프는, 웨일스의).
_PARTICLES = (
    "에서는", "에게서", "으로는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이라는",
    "라는", "이다", "였다", "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "만",
)  # fmt: skip


def hangul_skeleton(word: str) -> str:
    out: list[str] = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            continue
        initial, rest = divmod(code, 588)
        medial, final = divmod(rest, 28)
        out.append(_INITIAL[initial])
        if medial in _W_MEDIALS and initial == 11:  # 웨 = w + e: the glide is a consonant here
            out.append("W")
        out.append(_FINAL[final])
    return _collapse("".join(out))


# English spelling → the consonant classes a Korean ear writes down.
_EN_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"(?<=[a-z])e$", ""),  # silent final e
        (r"(?<!^)gh", ""),  # Brighton, Vaughan
        (r"ph", "p"),
        (r"th", "t"),
        (r"(sh|tch|ch|dg|j)", "s"),
        (r"ck", "k"),
        (r"c(?=[eiy])", "s"),
        (r"ng(?=[aeiouy])", "nk"),  # Singapore → 싱가포르, Hungary → 헝가리
        (r"ng", "n"),  # Sterling → 스털링
        (r"[cqg]", "k"),
        (r"x", "ks"),
        (r"[bfv]", "p"),
        (r"d", "t"),
        (r"z", "s"),
        (r"w(?![aeiouy])", ""),
        (r"l", "r"),
        (r"[aeiouyh]", ""),
    ]
]


@lru_cache(maxsize=262_144)  # words repeat (Zipf): most lookups on a long text are cache hits
def english_skeletons(word: str) -> frozenset[str]:
    """Korean loanwords follow non-rhotic English (Merriweather → 메리웨더) but not always
    (Argos → 아르고스), so a word gets both skeletons when they differ."""
    lower = word.lower()
    rhotic = _apply(lower)
    non_rhotic = _apply(re.sub(r"r(?![aeiouy])", "", lower))
    return frozenset({rhotic, non_rhotic})


def english_skeleton(word: str) -> str:
    return _apply(re.sub(r"r(?![aeiouy])", "", word.lower()))


def _apply(s: str) -> str:
    for pattern, replacement in _EN_RULES:
        s = pattern.sub(replacement, s)
    return _collapse(s.upper())


def _collapse(s: str) -> str:
    return re.sub(r"(.)\1+", r"\1", s)


def korean_keys(text: str, min_length: int = 3) -> set[str]:
    """Skeletons of the Hangul words in a text, with and without a trailing particle."""
    keys: set[str] = set()
    for word in HANGUL_WORD.findall(text):
        keys.update(key for key in _hangul_word_keys(word) if len(key) >= min_length)
    return keys


@lru_cache(maxsize=262_144)
def _hangul_word_keys(word: str) -> frozenset[str]:
    stems = {word}
    # Particles stack (존스 + 에게 + 는): strip up to two, each time every one that fits.
    frontier = {word}
    for _ in range(2):
        frontier = {
            stem[: -len(particle)]
            for stem in frontier
            for particle in _PARTICLES
            if stem.endswith(particle) and len(stem) > len(particle) + 1
        }
        stems |= frontier
    return frozenset(hangul_skeleton(stem) for stem in stems)


def english_keys(text: str, min_length: int = 3, common: Container[str] = frozenset()) -> set[str]:
    """Skeletons of the English words of a text long enough to be distinctive."""
    keys: set[str] = set()
    for k, m in enumerate(_LATIN_WORD.finditer(text)):
        word = m.group(0)
        if len(word) < 4:
            continue
        # Lower-case words are common vocabulary, and so is a sentence's first word when it is an
        # English word ("Bars are…", not "Sainsbury's said…"): demand a longer skeleton of them.
        name = word[0].isupper() and not (k == 0 and word.lower() in common)
        needed = min_length if name else min_length + 1
        keys.update(key for key in english_skeletons(word) if len(key) >= needed)
    return keys


# --- is a Hangul word the sound of a Latin one? ---------------------------------------------------

#: How Korean spells the English letter names, for acronyms read letter by letter (에프비아이 = FBI).
_LETTER_NAMES = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 "
        "더블유 엑스 와이 지".split(),
        strict=True,
    )
)
_CONSONANT_LETTERS = re.compile(r"[BCDFGJKLMNPQRSTVXZ]")


def letter_reading(latin: str) -> str:
    """The Latin letters read one by one, as Korean writes them (FBI → 에프비아이)."""
    return "".join(_LETTER_NAMES.get(c, "?") for c in re.sub(r"[^A-Z]", "", latin.upper()))


def transliterates(latin: str, hangul: str) -> bool:
    """Is the Hangul the Latin word read aloud: letter by letter (에프비아이) or as a word (피메일)?

    A word reading compares consonant skeletons, which keep the order of sounds but forgive the
    vowels and spellings that loanwords change: close enough (difflib ratio ≥ 0.75) is a reading.
    """
    latin = re.sub(r"^the\s+", "", latin.strip(), flags=re.IGNORECASE)  # The Guardian is 가디언
    squashed = re.sub(r"[\s\-·]", "", hangul)
    if not squashed or not HANGUL_WORD.fullmatch(squashed):
        return False
    letters = re.sub(r"[^A-Z]", "", latin.upper())
    if squashed == letter_reading(latin):
        return True
    if re.search(r"\s", hangul.strip()):
        return False  # a reading of one Latin word is one Korean word
    if latin.isupper() and not re.search(r"[AEIOUY]", letters):
        return False  # PBS, MSNBC: with no vowel to say, an acronym is only ever spelled out
    # Two consonants of a letter acronym (FBI) match too much by chance; a word (NASA, JAY-Z) may.
    shortest = 2 if len(letters) >= 4 and re.search(r"[AEIOU]", letters) else 3
    if len(_CONSONANT_LETTERS.findall(letters)) < shortest:
        return False
    korean = hangul_skeleton(squashed)
    word = re.sub(r"[^A-Za-z]", "", latin)
    english = set(english_skeletons(word))
    if word.lower().startswith("ch"):  # Greek ch is k: Christine 크리스틴, Chrome 크롬
        english |= english_skeletons("k" + word[2:])
    # A reading keeps the first consonant (Trump 트럼프, Yorkshire 요크셔): checking it keeps short
    # skeletons from matching by chance (There ~ 그들의).
    return any(
        e[:1] == korean[:1] and difflib.SequenceMatcher(None, e, korean).ratio() >= 0.75 for e in english
    )

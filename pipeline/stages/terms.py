"""terms: the term base (English term → accepted and forbidden Korean renderings) and term extraction.

The bundled AI/ML glossary is package data (``pipeline/data/glossary_ai_ko.tsv``); the user's own
entries live in the ``terms`` table and override a bundled entry with the same key. Both are read and
written as TSV with these columns (lists are ``|``-separated)::

    term  aliases  acronym  accepted  forbidden  note  [ambiguous]

``ambiguous`` is ``yes`` for English words with everyday senses (model, agent, transformer): the checks
apply them only in articles that are about ML.

Matching: English terms are found with word boundaries (an acronym case-sensitively, plural ``s``
allowed); Korean renderings are found after Kiwi analysis, ignoring spaces and particles, and only at
morpheme boundaries, so ``지도 미세 조정을`` contains ``지도 미세 조정`` but ``모델링`` does not contain
``모델``. Extraction: ``Long Form (ACR)`` definitions in English (Schwartz & Hearst 2003), and
``ACR(한국어)`` / ``한국어(ACR)`` / ``한국어(English)`` parentheticals in Korean.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING

from pipeline.models import Term  # re-exported
from pipeline.models import termbase_key as term_key
from pipeline.models import unique_forms as _unique

if TYPE_CHECKING:
    from pipeline.models import Article

TSV_COLUMNS: tuple[str, ...] = ("term", "aliases", "acronym", "accepted", "forbidden", "note", "ambiguous")
LIST_SEP = "|"
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"", "no", "n", "false", "0"}


class TermError(ValueError):
    "The term base cannot be changed as asked"


class TermFileError(TermError):
    "A line of a term-base TSV file is malformed"

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class UnknownTerm(TermError, LookupError):
    "No term with this name or acronym in the term base"


# ---------------------------------------------------------------------------------------------
# TSV
# ---------------------------------------------------------------------------------------------


def _split_list(cell: str) -> list[str]:
    return _unique(cell.split(LIST_SEP))


def parse_tsv(text: str, source: str = "import") -> list[Term]:
    """Parse a whole term-base TSV, or raise TermFileError for its first bad line (1-based).

    A header row is required; ``#`` lines and blank lines are skipped. The ``ambiguous`` column may
    be left out.
    """
    terms: list[Term] = []
    seen: dict[str, int] = {}
    header: list[str] | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            names = [c.strip().lower() for c in cells]
            if tuple(names) not in (TSV_COLUMNS, TSV_COLUMNS[:-1]):
                raise TermFileError(
                    lineno,
                    "the first line must be the header "
                    + "<TAB>".join(TSV_COLUMNS[:-1])
                    + "[<TAB>ambiguous] (tab-separated)",
                )
            header = names
            continue
        if len(cells) != len(header):
            raise TermFileError(
                lineno, f"{len(cells)} tab-separated columns, expected {len(header)} like the header"
            )
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        if not row["term"]:
            raise TermFileError(lineno, "the term column is empty")
        if LIST_SEP in row["term"]:
            raise TermFileError(lineno, "the term column holds one term; put other forms in aliases")
        if re.search(r"\s", row["acronym"]):
            raise TermFileError(lineno, f"acronym {row['acronym']!r} contains a space")
        accepted, forbidden = _split_list(row["accepted"]), _split_list(row["forbidden"])
        if not accepted and not forbidden:
            raise TermFileError(lineno, f"{row['term']!r} has neither accepted nor forbidden renderings")
        both = {a.casefold() for a in accepted} & {f.casefold() for f in forbidden}
        if both:
            raise TermFileError(lineno, f"{sorted(both)[0]!r} is both accepted and forbidden")
        flag = row.get("ambiguous", "").lower()
        if flag not in _TRUE | _FALSE:
            raise TermFileError(lineno, f"ambiguous must be yes or no, not {row['ambiguous']!r}")
        term = Term(
            term=row["term"],
            aliases=[a for a in _split_list(row["aliases"]) if term_key(a) != term_key(row["term"])],
            acronym=row["acronym"],
            accepted=accepted,
            forbidden=forbidden,
            note=row["note"],
            ambiguous=flag in _TRUE,
            source=source,
        )
        if term.key in seen:
            raise TermFileError(lineno, f"{term.term!r} is already defined on line {seen[term.key]}")
        seen[term.key] = lineno
        terms.append(term)
    if header is None:
        raise TermFileError(1, "the file is empty; it needs a header row and one term per line")
    return terms


def _cell(text: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def to_tsv(terms: Iterable[Term]) -> str:
    lines = ["\t".join(TSV_COLUMNS)]
    for t in terms:
        cells = [
            t.term,
            LIST_SEP.join(t.aliases),
            t.acronym,
            LIST_SEP.join(t.accepted),
            LIST_SEP.join(t.forbidden),
            t.note,
            "yes" if t.ambiguous else "",
        ]
        lines.append("\t".join(_cell(c) for c in cells))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The term base and its English matcher
# ---------------------------------------------------------------------------------------------

_LETTERS = re.compile(r"[A-Za-z]")


def is_acronym(word: str) -> bool:
    """LLM, MoE, LoRA, MWPs: two or more capitals, mostly capitals, no spaces."""
    letters = _LETTERS.findall(word)
    caps = sum(c.isupper() for c in letters)
    return " " not in word and caps >= 2 and caps / max(len(letters), 1) >= 0.6


def acronym_key(word: str) -> str:
    """LLMs → LLM, MWPs → MWP: a plural s does not change the acronym."""
    if len(word) > 2 and word.endswith("s") and word[:-1][-1:].isupper():
        return word[:-1]
    return word


def _english_pattern(form: str) -> tuple[str, bool]:
    """(regex, case-sensitive?) for one English form; hyphens and spaces are interchangeable."""
    if is_acronym(form):
        return re.escape(form) + "s?", True
    words = [w for w in re.split(r"[\s\-]+", form) if w]
    return r"[\s\-]*".join(re.escape(w) for w in words) + r"(?:s|es)?", False


_BEFORE = r"(?<![A-Za-z0-9])"
_AFTER = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class TermHit:
    """A term found in English text."""

    term: Term
    start: int
    end: int
    surface: str


class TermBase:
    """The merged term base: lookups by key and acronym, and an English matcher."""

    def __init__(self, terms: Iterable[Term] = ()) -> None:
        self.terms: list[Term] = list(terms)
        self.by_key: dict[str, Term] = {t.key: t for t in self.terms}
        self.by_acronym: dict[str, list[Term]] = {}
        for t in self.terms:
            for form in t.english_forms:
                if is_acronym(form):
                    self.by_acronym.setdefault(acronym_key(form), []).append(t)

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def get(self, name: str) -> Term | None:
        """A term by its English form (any case) or its acronym."""
        if term_key(name) in self.by_key:
            return self.by_key[term_key(name)]
        found = self.by_acronym.get(acronym_key(name))
        if found:
            return found[0]
        for t in self.terms:
            if term_key(name) in {term_key(f) for f in t.english_forms}:
                return t
        return None

    def merged(self, overrides: Iterable[Term]) -> TermBase:
        """This base with entries replaced (same key) or added."""
        by_key = dict(self.by_key)
        for t in overrides:
            by_key[t.key] = t
        return TermBase(by_key.values())

    @functools.cached_property
    def _matchers(self) -> list[tuple[re.Pattern[str], list[Term]]]:
        out = []
        for sensitive in (True, False):
            alternatives: list[tuple[str, int]] = []
            for i, t in enumerate(self.terms):
                for form in t.english_forms:
                    pattern, case = _english_pattern(form)
                    if case == sensitive:
                        alternatives.append((pattern, i))
            if not alternatives:
                continue
            # Longest first, so "reinforcement learning from human feedback" wins over its prefix.
            alternatives.sort(key=lambda a: -len(a[0]))
            body = "|".join(f"(?P<t{k}>{p})" for k, (p, _) in enumerate(alternatives))
            regex = re.compile(f"{_BEFORE}(?:{body}){_AFTER}", 0 if sensitive else re.IGNORECASE)
            out.append((regex, [self.terms[i] for _, i in alternatives]))
        return out

    def find_english(self, text: str) -> list[TermHit]:
        """Terms in English text, longest first where they overlap, in text order."""
        hits: list[TermHit] = []
        for regex, owners in self._matchers:
            for m in regex.finditer(text):
                k = int(m.lastgroup[1:])  # type: ignore[index]
                hits.append(TermHit(owners[k], m.start(), m.end(), m.group(0)))
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        kept: list[TermHit] = []
        for h in hits:
            if all(h.end <= k.start or h.start >= k.end for k in kept):
                kept.append(h)
        return sorted(kept, key=lambda h: h.start)


def latin_forms_in(text: str, term: Term) -> list[tuple[int, int]]:
    """Where the Korean keeps the term in English (LLM, Transformer): an accepted rendering too."""
    spans = []
    for form in term.english_forms:
        pattern, sensitive = _english_pattern(form)
        flags = 0 if sensitive else re.IGNORECASE
        spans += [m.span() for m in re.finditer(f"{_BEFORE}{pattern}{_AFTER}", text, flags)]
    return spans


@functools.cache
def bundled() -> TermBase:
    """The bundled AI/ML glossary (package data)."""
    text = files("pipeline.data").joinpath("glossary_ai_ko.tsv").read_text("utf-8")
    return TermBase(parse_tsv(text, source="bundled"))


# ---------------------------------------------------------------------------------------------
# Korean matching: after Kiwi analysis, spaces and particles ignored, morpheme boundaries kept
# ---------------------------------------------------------------------------------------------

_PARTICLE_TAGS = ("JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC")


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
    tokens = _kiwi_tokens(text)
    particle_chars: set[int] = set()
    starts: set[int] = set()
    ends: set[int] = set()
    for tok in tokens:
        starts.add(tok.start)
        ends.add(tok.end)
        if tok.tag in _PARTICLE_TAGS:
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
    if not re.search(r"[가-힣]", rendering):
        return squashed, ""
    return squashed, korean_index(rendering).bare


def squash(text: str) -> str:
    """Korean compared without spaces and particles: 대형 언어 모델을 → 대형언어모델."""
    return korean_index(text).bare


# ---------------------------------------------------------------------------------------------
# Acronym definitions in English, and parentheticals in Korean
# ---------------------------------------------------------------------------------------------

_ENGLISH_STOP = frozenset(
    "a an the of for from and or in on to with by at as via based into over under de du la le".split()
)
_ACRONYM_TOKEN = r"[A-Za-z0-9][A-Za-z0-9\-\.&]*[A-Za-z0-9]s?|[A-Z]{2,}"


def _acronym_letters(acronym: str) -> str:
    return "".join(c for c in acronym_key(acronym) if c.isalnum())


def schwartz_hearst(short: str, long: str) -> str | None:
    """The shortest end of `long` that spells `short` (letters in order, the first at a word start),
    after Schwartz & Hearst (2003); None if there is none."""
    chars = [c.lower() for c in _acronym_letters(short)]
    if len(chars) < 2:
        return None
    li = len(long) - 1
    for si in range(len(chars) - 1, -1, -1):
        c = chars[si]
        while li >= 0 and (long[li].lower() != c or (si == 0 and li > 0 and long[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
    start = max(long.rfind(" ", 0, li + 1), long.rfind("-", 0, li + 1)) + 1
    found = long[start:].strip()
    words = found.split()
    if len(words) > min(len(chars) + 5, 2 * len(chars)) or len(found) <= len(short):
        return None
    return found


def initials_spell(acronym: str, words: Sequence[str]) -> bool:
    """Do the words' initials (stop words skipped, hyphenated parts counted) spell the acronym?"""
    letters = _acronym_letters(acronym).lower()
    initials = ""
    for w in words:
        for part in re.split(r"-", w):
            if part and part.lower() not in _ENGLISH_STOP:
                initials += part[0].lower()
    return initials == letters


@dataclass(frozen=True)
class Definition:
    """An acronym defined in English: "Reinforcement Learning from Human Feedback (RLHF)"."""

    acronym: str
    long_form: str
    start: int
    end: int


def english_definitions(text: str) -> list[Definition]:
    """``Long Form (ACR …)`` and ``ACR (Long Form)`` in an English text."""
    out: list[Definition] = []
    for m in re.finditer(r"\(([^()]*)\)", text):
        inner = m.group(1).strip()
        first = re.match(rf"(?:{_ACRONYM_TOKEN})(?=$|[\s,;:~])", inner)
        before = text[: m.start()].rstrip()
        if first and is_acronym(first.group(0)):
            acronym = first.group(0)
            window = " ".join(before.split()[-(2 * len(acronym) + 2) :])
            long = schwartz_hearst(acronym, window)
            if long:
                out.append(Definition(acronym_key(acronym), long, m.start() - len(long) - 1, m.end()))
            continue
        prev = re.search(rf"({_ACRONYM_TOKEN})$", before)
        if prev and is_acronym(prev.group(1)) and re.match(r"[A-Za-z]", inner):
            long = schwartz_hearst(prev.group(1), inner.split(",")[0])
            if long:
                out.append(Definition(acronym_key(prev.group(1)), long, prev.start(1), m.end()))
    return out


def english_supports(acronym: str, text: str) -> bool:
    """Does this English text spell the acronym out (a definition, or words whose initials spell it)?"""
    key = acronym_key(acronym)
    if any(d.acronym == key for d in english_definitions(text)):
        return True
    # "Federation of German Industries (BDI)": spelled out next to it, even in another language's order.
    escaped = re.escape(acronym)
    if re.search(rf"\w[^()]*\(\s*{escaped}s?\b|\b{escaped}s?\s*\([^()]*[a-z]", text):
        return True
    words = re.findall(r"[A-Za-z][A-Za-z'\-]*", text)
    n = len(_acronym_letters(acronym))
    if n < 3:  # any two words spell a two-letter acronym: only Capitalised Ones count
        words = [w for w in words if w[0].isupper() or w.lower() in _ENGLISH_STOP]
    for i in range(len(words)):
        if words[i].lower() in _ENGLISH_STOP:
            continue
        window: list[str] = []
        for w in words[i : i + 3 * n]:
            window.append(w)
            if initials_spell(acronym, window):
                return True
    return False


# ---------------------------------------------------------------------------------------------
# Transliteration: is a Hangul word just the sound of the Latin one (트럼프 = Trump, 에프비아이 = FBI)?
# Hand-written because no installable romaniser covers loanword transliteration; consonant skeletons
# compared by difflib are enough to tell a reading from a gloss.
# ---------------------------------------------------------------------------------------------

_INITIAL = "K K N T T L M P P S S _ S S S K T P H".split()  # ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ
_FINAL = ["", "K", "K", "K", "N", "N", "N", "T", "L", "L", "L", "L", "L", "L", "L", "L", "M", "P", "P", "S",
          "S", "N", "S", "S", "K", "T", "P", "H"]  # fmt: skip
_LETTER_NAMES = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 "
        "더블유 엑스 와이 지".split(),
        strict=True,
    )
)
_LATIN_CLASSES = [("ph", "P"), ("th", "S"), ("sh", "S"), ("ch", "S"), ("ck", "K"), ("ng", "N"), ("x", "KS")]
_LATIN_LETTER = {
    **dict.fromkeys("bpfv", "P"),
    **dict.fromkeys("dt", "T"),
    **dict.fromkeys("gkcq", "K"),
    **dict.fromkeys("szj", "S"),
    **dict.fromkeys("lr", "L"),
    **{"m": "M", "n": "N", "h": "H"},
}


def _hangul_skeleton(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial, final = code // 588, code % 28
            if _INITIAL[initial] != "_":
                out.append(_INITIAL[initial])
            out.append(_FINAL[final])
    return "".join(out)


def _latin_skeleton(text: str) -> str:
    text = text.lower()
    for pair, cls in _LATIN_CLASSES:
        text = text.replace(pair, cls)  # the classes are upper case, the letters still lower
    out = "".join(c if c.isupper() else _LATIN_LETTER.get(c, "") for c in text)
    return re.sub(r"H(?=[A-Z])|(?<=[A-Z])H", "", out)


def transliterates(latin: str, hangul: str) -> bool:
    """Is the Hangul the Latin word read aloud: letter by letter (에프비아이) or as a word (피메일)?"""
    import difflib

    squashed = re.sub(r"[\s\-·]", "", hangul)
    if not squashed or not re.fullmatch(r"[가-힣]+", squashed):
        return False
    letters = re.sub(r"[^A-Z]", "", latin.upper())
    if squashed == "".join(_LETTER_NAMES.get(c, "?") for c in letters):
        return True
    if re.search(r"\s", hangul.strip()):
        return False  # a reading of one Latin word is one Korean word
    a, b = _latin_skeleton(re.sub(r"[^A-Za-z]", "", latin)), _hangul_skeleton(squashed)
    # Two consonants of a letter acronym (FBI) match too much by chance; a word (NASA, JAY-Z) may.
    shortest = 2 if len(letters) >= 4 and re.search(r"[AEIOU]", letters) else 3
    return len(a) >= shortest and difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


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


_HANGUL = re.compile(r"[가-힣]")
_ENGLISH_BEFORE = re.compile(r"(?<![A-Za-z])([A-Za-z][A-Za-z'\-]*(?: [A-Za-z][A-Za-z'\-]*){0,5})\s*$")
_LATIN_PHRASE = re.compile(r"^[A-Za-z][A-Za-z0-9'’\-\. &/]*$")
_NP_TAGS = ("NN", "NR", "NP", "XSN", "XPN", "XR", "SL", "SN", "SH", "MM")


def _korean_gloss_text(part: str) -> bool:
    """A gloss is Korean words, not a date or a number with a counter (2024년 말, ~2022년)."""
    from pipeline.lang import numbers

    stripped = part
    for q in sorted(numbers.quantities(part, "ko"), key=lambda q: -q.start):
        stripped = stripped[: q.start] + stripped[q.end :]
    stripped = re.sub(r"\b(말|초|중반|후반|전반|경|대|년|월|일|약|예|예:)\b", " ", stripped)
    return len(_HANGUL.findall(stripped)) >= 2 and not stripped.strip().startswith(("예:", "예를", "예는"))


def preceding_noun_phrase(text: str, end: int, max_words: int = 6) -> tuple[int, int] | None:
    """The Korean noun phrase ending at `end` (just before a parenthesis): nouns, their prefixes and
    suffixes, and adnominal modifiers (가능한 보상), back to a particle, a clause ending or punctuation."""
    head = text[:end]
    tokens = [t for t in _kiwi_tokens(text) if t.end <= end]
    i = len(tokens) - 1
    start = None
    while i >= 0:
        t = tokens[i]
        if t.tag.startswith(_NP_TAGS):
            start = t.start
            i -= 1
            continue
        if t.tag == "ETM" and i > 0 and tokens[i - 1].tag.startswith(("VV", "VA", "XSA", "XSV", "VCP")):
            # an adnominal: 가능(NNG) 하(XSA) ㄴ(ETM) → keep the stem and what precedes it
            i -= 1
            while i >= 0 and tokens[i].tag.startswith(("VV", "VA", "XSA", "XSV", "VCP", "EP")):
                start = tokens[i].start
                i -= 1
            continue
        if t.tag == "JKG" and start is not None and i > 0 and tokens[i - 1].tag.startswith(_NP_TAGS):
            i -= 1  # a genitive stays inside the noun phrase: 질의 재작성, 연구소의 모델
            continue
        if t.tag == "SO" or (t.tag == "SP" and t.form in ("·", "/")):  # 키-값, 텍스트·이미지
            i -= 1
            continue
        break
    if start is None:
        return None
    words = head[start:end].split()
    if len(words) > max_words:
        start = end - len(" ".join(words[-max_words:]))
    phrase = head[start:end].strip()
    if not _HANGUL.search(phrase):
        return None
    start = head.index(phrase, start)
    return start, start + len(phrase)


@functools.lru_cache(maxsize=4096)
def _kiwi_tokens(text: str) -> tuple:
    from pipeline.stages.segment import kiwi

    return tuple(kiwi().tokenize(text))


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
        latin_before = re.search(rf"({_ACRONYM_TOKEN})\s*$", before)
        if latin_before and is_acronym(latin_before.group(1)):
            # ACR(gloss): the first Korean part of the parenthesis is the gloss.
            offset = m.start(1)
            for p in parts:
                if _HANGUL.search(p) and _korean_gloss_text(p):
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
        acronyms = [p for p in stripped if re.fullmatch(_ACRONYM_TOKEN, p) and is_acronym(p)]
        english = [p for p in stripped if _LATIN_PHRASE.match(p) and not is_acronym(p) and len(p) > 2]
        # A product name (InstructGPT, DeepSeek) is not an English phrase to gloss.
        english = [p for p in english if not re.search(r"[a-z][A-Z]", p)]
        if acronyms or english:
            np = preceding_noun_phrase(text, m.start())
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
        if latin_phrase and _HANGUL.search(inner) and not _HANGUL.search(latin_phrase.group(1)):
            gloss = stripped[0]
            if _korean_gloss_text(gloss):
                k0 = m.start(1) + inner.index(gloss)
                english = latin_phrase.group(1)
                span = (latin_phrase.start(1), m.end(), k0, k0 + len(gloss))
                out.append(Parenthetical("en-ko", english, gloss, *span))
    return out


# ---------------------------------------------------------------------------------------------
# Harvesting candidate pairs for the user to confirm
# ---------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A term pair found in a text, with how it relates to the term base."""

    english: str
    korean: str
    acronym: str = ""
    context: str = ""  # the sentence it came from
    status: str = "new"  # "new", "known" (already accepted), "conflict" (forbidden, or contradicts)
    reason: str = ""

    def to_term(self, source: str = "harvest") -> Term:
        return Term(
            term=self.english,
            acronym=self.acronym,
            accepted=[self.korean],
            source=source,
            aliases=[],
        )


def _classify(candidate: Candidate, base: TermBase) -> Candidate:
    entry = base.get(candidate.english) or (base.get(candidate.acronym) if candidate.acronym else None)
    if entry is None:
        return candidate
    ko = squash(candidate.korean)
    if any(squash(f) == ko for f in entry.forbidden):
        candidate.status, candidate.reason = "conflict", f"forbidden for {entry.label()}"
    elif any(squash(a) == ko or ko.endswith(squash(a)) for a in entry.accepted):
        candidate.status, candidate.reason = "known", f"already accepted for {entry.label()}"
    elif entry.accepted:
        candidate.status = "conflict"
        candidate.reason = f"{entry.label()} is rendered {' / '.join(entry.accepted[:3])}"
    return candidate


def harvest_text(text: str, base: TermBase, definitions: dict[str, str] | None = None) -> list[Candidate]:
    """Candidate pairs from Korean text written as 한국어(English), English(한국어), 한국어(ACR), ACR(한국어).

    `definitions` maps an acronym to its English long form (from the English article), so that
    ``검증 가능한 보상 기반 강화 학습(RLVR)`` pairs with "Reinforcement Learning from Verifiable Rewards".
    """
    from pipeline.stages.segment import split_korean_text

    definitions = definitions or {}
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for block in re.split(r"\n\s*\n", text):
        for s, e in split_korean_text(block):
            sentence = block[s:e]
            for p in korean_parentheticals(sentence):
                if p.is_acronym:
                    acronym = acronym_key(p.latin)
                    english = definitions.get(acronym, acronym)
                else:
                    acronym, english = "", p.latin
                key = (term_key(english), squash(p.korean))
                if key in seen or (english[:1].isupper() and not is_acronym(english)
                                   and transliterates(english, p.korean)):  # fmt: skip
                    continue  # a name read aloud (트럼프(Trump)) is not a term pair
                seen.add(key)
                out.append(_classify(Candidate(english, p.korean, acronym, sentence.strip()), base))
    return out


def article_definitions(article: Article) -> dict[str, str]:
    """Acronym → English long form, from the article's own definitions."""
    out: dict[str, str] = {}
    for s in article.en_sentences:
        for d in english_definitions(s.text):
            out.setdefault(d.acronym, d.long_form)
    return out


def harvest_article(article: Article, base: TermBase) -> list[Candidate]:
    text = "\n\n".join(s.text for s in article.ko_sentences)
    return harvest_text(text, base, article_definitions(article))


# ---------------------------------------------------------------------------------------------
# Editing: pure functions over a TermBase; the store persists what they return
# ---------------------------------------------------------------------------------------------


def merged_entry(base: TermBase, term: Term) -> Term:
    """A new entry, or the existing one (bundled or user) extended with the new forms and renderings."""
    existing = base.get(term.term) or (base.get(term.acronym) if term.acronym else None)
    if existing is not None:
        merged = existing.extended(term.accepted, term.forbidden, source=term.source)
        merged.aliases = _unique([*existing.aliases, *term.aliases])
        merged.acronym = existing.acronym or term.acronym
        merged.note = term.note or existing.note
        merged.ambiguous = existing.ambiguous or term.ambiguous
        term = merged
    if not term.accepted and not term.forbidden:
        raise TermError(f"{term.term!r} needs at least one accepted (--ko) or forbidden (--forbid) rendering")
    return term


def promoted_entry(
    base: TermBase, name: str, accepted: Sequence[str] = (), forbidden: Sequence[str] = ()
) -> Term:
    """A reviewed rendering recorded for term `name`: accepted, or forbidden."""
    existing = base.get(name)
    if existing is None:
        entry = Term(
            term=name,
            acronym=acronym_key(name) if is_acronym(name) else "",
            accepted=list(accepted),
            forbidden=list(forbidden),
            source="review",
        )
    else:
        entry = existing.extended(accepted, forbidden, source="review")
    if not entry.accepted and not entry.forbidden:
        raise TermError("nothing to record: give a rendering to accept or to forbid")
    return entry

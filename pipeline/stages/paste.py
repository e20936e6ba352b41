"""paste: where a line break in pasted text separates items, and where it is only a soft wrap.

Text copied from a web page or from a translator keeps one paragraph, heading, list item, link or
caption per line, often without the blank lines Markdown needs to see separate blocks. Markdown
(and a blank-line .txt reader) would glue those lines into one paragraph: a heading into the
paragraph after it, a run of related-post titles into one "sentence". The rules here decide, for
each line break inside such a paragraph, whether a reader sees two items (break) or one sentence
wrapped at a fixed width (join).

A break is the default. A line break is a soft wrap when the next line is indented (a Markdown
continuation) or starts in lower case, or when the line before it ends mid-sentence in a way a
heading, link title or chrome line does not (on a comma or an English function word), or when the
whole group is text wrapped at a fixed width (every line ended because the next word would not
have fitted). A line that starts with a number or a bullet always starts a new item, and a line
that ends a sentence ends one unless its group is wrapped text.

The rules were tuned on the even half of the NTREX dev documents written in four styles (as
pasted, blank lines, .txt one per line, wrapped at 72 columns; ``benchmarks/pasted_blocks.py``).

Also here: an ID-like Latin token glued to Korean text (an image id pasted against its caption)
is cut off as its own unit. Every rule looks at a line's ends or walks it once: linear time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: A list marker as written at the start of a line: "1.", "2)", "(3)", "①", "-", "•".
LIST_MARKER = re.compile(
    r"(?:\(?[0-9]{1,3}[.)]|[\u2460-\u2473\u2776-\u277f]|[-*+\u2022\u00b7\u25aa\u25e6\u2023\u2013])(?=[ \t])"
)
#: Sentence-final punctuation, possibly followed by closing quotes or brackets.
_CLOSERS = "\"'”’»)]}」』〉》"
_FINAL = frozenset(".!?。！？…:")
#: Korean sentence endings written without a full stop (a headline "…했다", speech "…요").
_KO_FINAL = frozenset("다요")
#: English words a sentence does not end on: a line ending on one continues on the next.
_EN_FUNCTION_WORDS = frozenset(
    "a an the and or but nor of to in on at by for with from as into than that which who whose "
    "whom is are was were be been has have had will would can could should may might must its "
    "their his her our your my this these those if when while because although though about".split()
)
_WORD = re.compile(r"\S+")

#: Wrapped text is wrapped at 60-100 columns; lines of a pasted paragraph are far longer, so a
#: group whose longest line is wider than this was not wrapped at a fixed width.
MAX_WRAP_WIDTH = 100
MIN_WRAP_WIDTH = 40
#: The first of two lines must be at least this wide (in columns) to count as wrapped.
FULL_TWO_LINE = 60


@dataclass(frozen=True)
class Line:
    """One source line of a paragraph: its plain text and whether the source line was indented."""

    text: str
    indented: bool = False
    width: int | None = None  # columns of the source line, markup and list marker included


@dataclass(frozen=True)
class Piece:
    """One item a reader sees: the text of one or more joined lines, and its list marker if any."""

    text: str
    first_line: int  # index of its first line among the lines given
    marker: str = ""  # "1.", "-", "①" as written; the text excludes it


def display_width(text: str) -> int:
    """Columns the text takes in a terminal or editor: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def ends_sentence(text: str) -> bool:
    """The line ends with sentence-final punctuation (or a Korean final ending), after any closers."""
    tail = text.rstrip().rstrip(_CLOSERS)
    return bool(tail) and (tail[-1] in _FINAL or tail[-1] in _KO_FINAL)


def ends_mid_sentence(text: str) -> bool:
    """The line ends on a comma, a hyphen, an opening bracket or an English function word.

    Korean has no such test: a heading may end on any syllable a connective ending or particle
    ends on ("부과", "국가"), so a Korean line joins the next only by a comma or a fixed-width wrap."""
    tail = text.rstrip()
    if not tail:
        return False
    if tail[-1] in ",;-–—(/&":
        return True
    last = tail[tail.rfind(" ") + 1 :]
    return last.lower() in _EN_FUNCTION_WORDS


def soft_wrap(prev: str, nxt: Line, wrapped: bool = False) -> bool:
    """Whether the break between `prev` and the line `nxt` is a soft wrap inside one item.

    `wrapped` says the whole group of lines is text wrapped at a fixed width (see wrapped_at):
    then every break is a wrap, even one that falls after a full stop, except before a list item."""
    text = nxt.text
    if LIST_MARKER.match(text) or not prev.strip():
        return False
    if nxt.indented or wrapped:
        return True
    first = text.lstrip()[:1]
    if first.islower() and first.isascii() and not ends_sentence(prev):
        return True
    if ends_sentence(prev):
        return False
    return ends_mid_sentence(prev)


def wrapped_at(lines: list[Line], widths: list[int], width: int) -> bool:
    """The lines are one paragraph wrapped at a fixed width (60-100 columns in practice).

    Three or more lines: each ended because the next word would not have fitted within `width`
    (the widest line), and most ended in mid-sentence (a run of link titles of similar length
    does not). Two lines: only Korean, a full first line (60 columns or more) that stops inside a
    sentence, then a shorter line; English two-line wraps are left to the lower-case and
    function-word rules, since a long sentence-case headline looks the same."""
    if not (MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH) or len(lines) < 2:
        return False
    if len(lines) == 2:
        first = lines[0].text.rstrip()
        return widths[0] >= FULL_TWO_LINE and widths[1] < widths[0] and _hangul_end(first)
    mid_sentence = 0
    for n in range(len(lines) - 1):
        prev, nxt = lines[n].text.rstrip(), lines[n + 1].text.lstrip()
        word = _WORD.match(nxt)
        if widths[n] + 1 + (display_width(word.group(0)) if word else 0) <= width:
            return False
        mid_sentence += nxt[:1].islower() or ends_mid_sentence(prev) or _hangul_end(prev)
    # Link titles of similar length also fill their lines: English wrapped text mostly breaks
    # before a lower-case word or after a function word, a title run never does.
    return 2 * mid_sentence >= len(lines) - 1


def _hangul_end(text: str) -> bool:
    """Korean text ends here without a sentence ending (Korean has no case to tell more)."""
    return "\uac00" <= text[-1:] <= "\ud7a3" and not ends_sentence(text)


def split_marker(text: str) -> tuple[str, str]:
    """(marker, rest) of a line that starts with a list marker, else ("", text)."""
    m = LIST_MARKER.match(text)
    if not m:
        return "", text
    return m.group(0), text[m.end() :].lstrip()


def group_lines(lines: list[Line]) -> list[Piece]:
    """The items a reader sees in consecutive lines: soft-wrapped lines joined with a space, every
    other line break kept as a boundary; a line starting with a list marker has it split off.

    The first line's marker is split off too; a caller that already took the first line's marker
    (Markdown's own list item) passes the line without it."""
    widths = [display_width(line.text.strip()) if line.width is None else line.width for line in lines]
    width = max(widths, default=0)
    wrapped = wrapped_at(lines, widths, width)
    pieces: list[Piece] = []
    current: list[str] = []
    start = 0
    for n, line in enumerate(lines):
        if current and not soft_wrap(current[-1], line, wrapped):
            pieces.append(_piece(current, start))
            current = []
        if not current:
            start = n
        current.append(line.text.strip())
    if current:
        pieces.append(_piece(current, start))
    return [p for p in pieces if p.text]


def _piece(texts: list[str], start: int) -> Piece:
    marker, first = split_marker(texts[0])
    body = " ".join([first, *texts[1:]])
    # Lines join with a space, even after a hyphen: a word hyphenated by the wrap cannot be told
    # from a dash or a hyphenated compound at the line end.
    return Piece(re.sub(r"[ \t]+", " ", body).strip(), start, marker)


# --- glued tokens ----------------------------------------------------------------------------

_LATIN_RUN = re.compile(r"[A-Za-z0-9_-]+")
_WORDLIKE = re.compile(r"[A-Z]?[a-z]{2,}")
MIN_ID_LENGTH = 10
MAX_ID_LENGTH = 64


def id_like(token: str) -> bool:
    """A machine id (image or file id such as ``Xq7pLm2ZrT9bKcD``), not a word or product name.

    Ten or more characters with a digit, a capital and a small letter, and either few vowels
    (under 30% of the letters; names have 30-50%) or less than half of it in word-like runs
    (``Phone``, ``Pro``, ``Net``). Measured on 5,000 random ids: 95% are ids; ``iPhone15ProMax``,
    ``ResNet50V2``, ``Llama3Instruct``, ``Windows11Pro`` are not."""
    if not _mixed(token):
        return False
    letters = [c for c in token if c.isalpha()]
    vowels = sum(1 for c in letters if c in "aeiouAEIOU")
    wordlike = sum(m.end() - m.start() for m in _WORDLIKE.finditer(token))
    return vowels < 0.3 * len(letters) or wordlike < 0.5 * len(token)


def _mixed(token: str) -> bool:
    """Ten to 64 characters with a digit, a capital and a small letter."""
    return (
        MIN_ID_LENGTH <= len(token) <= MAX_ID_LENGTH
        and any(c.isdigit() for c in token)
        and any(c.isupper() for c in token)
        and any(c.islower() for c in token)
    )


#: A Korean particle written against a Latin name ("Qwen2VLInstruct는"): the token is a name.
_PARTICLES = frozenset(
    "은 는 이 가 을 를 의 에 에서 에게 와 과 도 로 으로 만 처럼 보다 까지 부터 "
    "이다 입니다 이며 이고 과의 와의 에는 에도 로는".split()
)
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
#: Korean counters and units written right after a number ("2018년", "3명", "15만").
_COUNTERS = frozenset("년월일시분초명개원만억천조세위번차회건곳대권편점배층주")


_BRACKETS = "([{<\"'“‘「『〈《)]}>”’」』〉》"


def _glued(side: str) -> bool:
    """The characters next to a token (nearest first) touch it and lead to non-Latin text: "(인…"."""
    if not side or side[0].isspace():
        return False
    rest = side.lstrip(_BRACKETS)
    return bool(rest) and not rest[0].isspace() and not rest[0].isascii()


def split_glued_ids(text: str) -> list[str]:
    """`text` cut around every id-like Latin token glued to non-Latin text (no space between), so
    that each such token is its own piece: ``Xq7pLm2ZrT9bKcD(인간 지능: …)`` → the id, then the
    caption with its legend. Text without such a token comes back as ``[text]``."""
    cuts: list[tuple[int, int]] = []
    for m in _LATIN_RUN.finditer(text):
        start, end = m.span()
        after = _HANGUL_WORD.match(text, end)
        if after and after.group(0) in _PARTICLES:
            continue
        token = m.group(0)
        glued_after = _glued(text[end : end + 3])
        if start == 0 and glued_after and _mixed(token):
            # An id glued to the Korean text a caption starts with: a pasted image's id. Digits
            # right before a counter ("…EyY2018년") start the caption, not the id.
            digits = len(token) - len(token.rstrip("0123456789"))
            if after and 0 < digits <= 4 and after.group(0)[0] in _COUNTERS and _mixed(token[:-digits]):
                end -= digits
            cuts.append((start, end))
        elif id_like(token) and (glued_after or _glued(text[max(start - 3, 0) : start][::-1])):
            cuts.append((start, end))
    if not cuts:
        return [text]
    parts: list[str] = []
    pos = 0
    for start, end in cuts:
        parts += [text[pos:start], text[start:end]]
        pos = end
    parts.append(text[pos:])
    return [p.strip() for p in parts if p.strip()]


# --- page chrome -----------------------------------------------------------------------------

#: Page furniture a pasted article carries on both sides (the translator translates it too), as
#: (English forms, Korean renderings): an alignment signal, so that "Comments" pairs with "댓글"
#: rather than with a neighbouring Korean-only chrome line of similar length.
PAGE_CHROME: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Comments", "Comment", "Leave a comment", "Add comment"), ("댓글", "댓글 달기", "댓글 남기기")),
    (("Share", "Share this", "Share this article"), ("공유", "공유하기", "이 글 공유하기")),
    (("Subscribe", "Sign up"), ("구독", "구독하기", "가입하기")),
    (
        ("Related", "Related posts", "Related articles", "Read more", "More stories"),
        ("관련 기사", "관련 게시물", "관련 글", "더 보기", "더 읽기"),
    ),
    (("Advertisement",), ("광고",)),
    (("Tags",), ("태그",)),
    (("Previous post",), ("이전 글", "이전 게시물")),
    (("Next post",), ("다음 글", "다음 게시물")),
)

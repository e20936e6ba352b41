"""vocab.notes: the reader's loose Markdown notes read into word-list entries."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.lang.ko import HANGUL_ANY
from pipeline.stages import ingest
from pipeline.stages.vocab.entries import (
    NoteEntry,
    ParsedNotes,
    SkippedLine,
    VocabError,
    VocabTerm,
    citation_form,
    is_abbreviation_of,
)
from pipeline.stages.vocab.tagging import Tagger

#: A noted "term" longer than this is prose, not a term.
MAX_TERM_WORDS = 6


_LATIN = re.compile(r"[A-Za-z]")
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+•]|\d{1,3}[.)])\s+(?P<body>.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_URL = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.I)
_HAS_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_QUOTED_HEAD = re.compile(r"^[\"'‘“](?P<term>[^\"'‘’“”]*[A-Za-z][^\"'‘’“”]*)[\"'’”](?P<rest>.*)$")
# Double quotes first: an apostrophe ("Didn't") may sit inside them. A single quote opens only
# where it does not follow a letter, so apostrophes in words never open a quotation.
_DOUBLE_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_SINGLE_QUOTED = re.compile(r"(?<![A-Za-z0-9])'([^']+)'|‘([^’]+)’")
_PARENTHESISED = re.compile(r"^(?P<term>.*?)\s*\((?P<inner>[^()]*[A-Za-z][^()]*)\)\s*$")
_TRAILING_SEPARATOR = re.compile(r"[\s:=\-–—,;~→]+$")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")
# A line without a list marker is an entry only with an explicit separator ("vicinity : 부근").
_EXPLICIT_SEPARATOR = re.compile(
    r"^[^\uac00-\ud7a3]*[A-Za-z][^\uac00-\ud7a3]*?(?:\s*[:=]|\s[-–—])\s*[\uac00-\ud7a3]"
)


def read_notes(path: Path) -> ParsedNotes:
    """Read a notes file (UTF-8, or CP949/EUC-KR) into entries and skipped lines."""
    text, _encoding = ingest.read_text(Path(path))
    return parse_notes(text, source=Path(path).name)


def parse_notes(text: str, source: str = "") -> ParsedNotes:
    """Parse loose vocabulary notes. Lines that are not terms are skipped with a reason.

    The notes are line-oriented, so they are read line by line: markdown-it would fold the
    example line under an entry into the list item as a lazy continuation.
    """
    parsed = ParsedNotes()
    previous: list[NoteEntry] = []  # entries of the line above, which an example line belongs to
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            previous = []
            continue
        item = _LIST_ITEM.match(raw)
        nested = bool(item and item.group("indent"))
        body = item.group("body").strip() if item else line
        reason = _not_a_term(line, body, is_item=bool(item))
        shaped_like_entry = bool(item) or bool(_EXPLICIT_SEPARATOR.match(body))
        if reason is None and shaped_like_entry and not (nested and _is_english(body)):
            try:
                entries = [NoteEntry(number, t) for t in _parse_entry_line(body, f"{source}:{number}")]
            except NotATerm as e:
                reason = str(e)
            else:
                parsed.entries.extend(entries)
                previous = entries
                continue
        if reason is None and previous and _is_english(body):
            owners = _example_owners(body, previous)
            if owners:
                for entry in owners:
                    if body not in entry.term.examples:
                        entry.term.examples.append(body)
                continue
            terms = ", ".join(e.term.term for e in previous)
            reason = f"English line after {terms}, but it does not contain it, so it is not an example"
        if reason is None:
            reason = (
                "prose: English without a Korean gloss and not after an entry"
                if _is_english(body)
                else "prose, not a 'term : 뜻' entry"
            )
        parsed.skipped.append(SkippedLine(number, line, reason))
        previous = []
    return parsed


def _is_english(text: str) -> bool:
    return bool(_LATIN.search(text)) and ingest.hangul_share(text) < 0.3 and not HANGUL_ANY.match(text)


def _not_a_term(line: str, body: str, is_item: bool) -> str | None:
    """Why a line is certainly not a term, or None."""
    if _HEADING.match(line):
        return "a heading, not a term"
    if _RULE.match(line):
        return "a horizontal rule"
    if _URL.match(body):
        return "a bare URL, not a term"
    if not _LATIN.search(body):
        return "a section heading (no English term)" if is_item else "Korean prose (no English term)"
    if HANGUL_ANY.match(body):
        return "starts with Korean; write the English term first ('term : 뜻')"
    if _HAS_URL.search(body):
        return "contains a URL: a link, not a term"
    return None


class NotATerm(VocabError):
    "A notes line that holds no usable English term"


def _parse_entry_line(body: str, source: str) -> list[VocabTerm]:
    pieces = re.split(r"\s+/\s+", body)
    if len(pieces) > 1 and all(_LATIN.match(p) and HANGUL_ANY.search(p) for p in pieces):
        return [_parse_entry(p, source) for p in pieces]
    return [_parse_entry(body, source)]


def _parse_entry(body: str, source: str) -> VocabTerm:
    """One "term <separator> gloss" entry; raises NotATerm with the reason when there is none."""
    quoted = _QUOTED_HEAD.match(body)
    if quoted:
        latin, rest = quoted.group("term"), quoted.group("rest")
    else:
        first_hangul = HANGUL_ANY.search(body)
        cut = first_hangul.start() if first_hangul else len(body)
        while cut and body[cut - 1] in "'\"‘“":  # a quote opening the gloss belongs to it
            cut -= 1
        latin, rest = body[:cut], body[cut:]
    latin = _TRAILING_SEPARATOR.sub("", latin.strip())
    if latin.endswith(".") and latin.count(".") == 1:  # "sycophancy. 아첨!"
        latin = latin[:-1]
    if not _LATIN.search(latin):
        raise NotATerm("no English term before the Korean")
    aliases: list[str] = []
    note_parts: list[str] = []
    paren = _PARENTHESISED.match(latin)
    if paren and paren.group("term").strip():
        latin, inner = paren.group("term").strip(), paren.group("inner").strip()
        if is_abbreviation_of(inner, latin) or is_abbreviation_of(latin, inner):
            aliases.append(inner)
        else:
            note_parts.append(f"({inner})")
    if " / " in latin:  # "colour / color : 색" — spellings of one term
        latin, *more = [p.strip() for p in latin.split(" / ") if p.strip()]
        aliases.extend(more)
    if len(latin.split()) > MAX_TERM_WORDS:
        raise NotATerm(f"prose: {len(latin.split())} English words before the Korean, too long for a term")
    if not rest.strip() and (len(latin.split()) > 4 or re.search(r"[.!?]$", body)):
        raise NotATerm("prose: an English sentence without a Korean gloss")
    glosses, note = _gloss_and_note(body, rest)
    for expansion in _quoted(rest, lambda s: not HANGUL_ANY.search(s)):
        if is_abbreviation_of(latin, expansion) and expansion not in aliases:
            aliases.append(expansion)
    if note_parts:
        note = " ".join(note_parts + ([note] if note else []))
    return VocabTerm(
        term=citation_form(latin),
        glosses=glosses,
        aliases=aliases,
        note=note,
        written=latin,
        source=source,
    )


def _quoted(text: str, keep) -> list[str]:
    found: list[tuple[int, str]] = []
    for m in _DOUBLE_QUOTED.finditer(text):
        found.append((m.start(), (m.group(1) or m.group(2)).strip()))
    blanked = _DOUBLE_QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    for m in _SINGLE_QUOTED.finditer(blanked):
        found.append((m.start(), (m.group(1) or m.group(2)).strip()))
    return [s for _, s in sorted(found) if s and keep(s)]


def _clean_gloss(text: str) -> str:
    return re.sub(r"[\s.!?。~,;:]+$", "", text.strip()).strip()


def _gloss_and_note(body: str, rest: str) -> tuple[list[str], str]:
    """The gloss is the first quoted Korean when there is some, and then the whole line, an
    explanation around it, is the note; otherwise the gloss is the first sentence of the Korean
    and any further sentences are the note."""
    quoted_korean = _quoted(rest, lambda s: bool(HANGUL_ANY.search(s)))
    if quoted_korean:
        gloss = _clean_gloss(quoted_korean[0])
        explained = HANGUL_ANY.search(rest.replace(quoted_korean[0], "", 1))
        return [gloss], body.strip() if explained else ""
    rest = rest.strip()
    if not rest:
        return [], ""
    first, *more = _SENTENCE_END.split(rest, maxsplit=1)
    gloss = _clean_gloss(first)
    return ([gloss] if gloss else []), (more[0].strip() if more else "")


def _example_owners(line: str, entries: list[NoteEntry]) -> list[NoteEntry]:
    """The entries whose term (or an inflection of it) occurs in the line."""
    tagger = Tagger([e.term for e in entries])
    found = {hit.term for hit in tagger.tag_texts([line])}
    return [e for e in entries if e.term.term in found]


def new_term(term: str, gloss: str = "", note: str = "", example: str = "") -> VocabTerm:
    """A term typed on the command line, read like a notes entry ("Byte-Pair Encoding (BPE)")."""
    if not _LATIN.search(term) or HANGUL_ANY.search(term):
        raise VocabError(f"{term!r} is not an English term")
    parsed = _parse_entry(term.strip(), "cli")
    parsed.glosses = [g for g in [_clean_gloss(gloss)] if g]
    parsed.note = note.strip() or parsed.note
    parsed.examples = [example.strip()] if example.strip() else []
    return parsed

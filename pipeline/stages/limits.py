"""limits: budgets for hostile input, each checked with one linear pass before the step it would
stall (the Markdown parser, the tokenizer, the sentence splitters, the aligner).

A real article is far inside every limit; a file past one is refused with one line that names the
limit and what to do. The byte limit is ingest.MAX_BYTES (checked before the file is read).
"""

from __future__ import annotations

import re

from pipeline.errors import ReadnotesError
from pipeline.models import Document

#: Sentences on one side, estimated from sentence-end punctuation before any splitting. The aligner
#: and the checks take minutes past this; a real article has a few thousand.
MAX_SENTENCES = 20_000
#: Non-blank lines: the Markdown parser's cost is per line (a 50,000-item list took 10 s to parse);
#: each line is at least one sentence, and a long article has a few thousand.
MAX_LINES = 20_000
#: Opening square brackets: each starts a search for a link's end (50,000 took seconds); a
#: link-heavy article has a few hundred.
MAX_LINK_BRACKETS = 10_000
#: Characters on one line, whatever it holds (a long inline image's data is some 100,000): checked
#: before parsing, where the prose's own limit below cannot yet be told from code.
MAX_LINE_CHARS = 200_000
#: Characters of prose without a sentence end (. ! ? 。): pysbd is superlinear on long unpunctuated
#: text (a 5 MB line ran for over 20 minutes); a long real sentence is 1,000.
MAX_UNBROKEN_CHARS = 10_000
#: Consecutive brackets or quotes ("[[[[…"): the tokenizer strips them one at a time from a word,
#: quadratic in the run (2,000 took 1.5 s; 50,000 minutes). Real text nests a few.
MAX_BRACKET_RUN = 64
#: YAML front matter holds a title, a date, a source: a few hundred bytes. Aliases are refused
#: outright (an alias bomb expands a few lines into gigabytes).
MAX_FRONT_MATTER_BYTES = 64 * 1024


class OverLimit(ReadnotesError, ValueError):
    "The file exceeds one of the limits for hostile input; the message names it, the hint what to do"


_BRACKET_RUN = re.compile(
    "[][(){}<>\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u300c-\u3011\uff08\uff09\uff3b\uff3d\uff5b\uff5d]"
    f"{{{MAX_BRACKET_RUN + 1},}}"
)
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u2026]")
_SENTENCE_ENDS = re.compile(r"[.!?\u3002\uff01\uff1f\u2026]+[\"'\u201d\u2019)\]]*(?:\s|$)")


def check_markup(text: str) -> None:
    """Refuse text that would stall the parser or the tokenizer, before either runs: front matter
    past its size (aliases are refused as it is parsed), a run of brackets or quotes, too many link
    brackets, lines or sentences. Long stretches without a sentence end are checked in the prose,
    once parsed (check_sentences): a long line of code or an inline image's data is no sentence."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)  # unclosed, it is no front matter but a rule
        size = len(text[4:end].encode()) if end >= 0 else 0
        if size > MAX_FRONT_MATTER_BYTES:
            raise OverLimit(
                f"its front matter is {size // 1024:,} KiB; readnotes reads front matter up to "
                f"{MAX_FRONT_MATTER_BYTES // 1024} KiB",
                hint="Keep only title, date and source between the --- lines.",
            )
    check_tokens(text)
    brackets = text.count("[")
    if brackets > MAX_LINK_BRACKETS:
        raise OverLimit(
            f"it has {brackets:,} opening square brackets; readnotes reads up to {MAX_LINK_BRACKETS:,}",
            hint="Remove them, or put that text in a code block (``` lines) so it is kept but not read.",
        )
    lines = [line for line in text.split("\n") if line.strip()]
    longest = max(lines, key=len, default="")
    if len(longest) > MAX_LINE_CHARS:
        raise OverLimit(
            f"line {text[: text.find(longest)].count(chr(10)) + 1} has {len(longest):,} characters; "
            f"readnotes reads lines of up to {MAX_LINE_CHARS:,}",
            hint="Break that line into sentences or paragraphs.",
        )
    if len(lines) > MAX_LINES:
        raise OverLimit(
            f"it has {len(lines):,} lines of text; readnotes reads articles of up to {MAX_LINES:,} lines",
            hint="Split it into smaller articles.",
        )
    _check_count(len(_SENTENCE_ENDS.findall(text)))


def check_tokens(text: str) -> None:
    """Refuse a run of brackets or quotes, which the tokenizer strips from a word one at a time.
    Sentence-per-line input (align --presplit), which is neither parsed nor split, needs only this."""
    run = _BRACKET_RUN.search(text)
    if run:
        line = text.count("\n", 0, run.start()) + 1
        raise OverLimit(
            f"line {line} has {len(run.group(0)):,} brackets or quotes in a row; "
            f"readnotes reads runs of up to {MAX_BRACKET_RUN}",
            hint="Remove the run, or put it in a code block (``` lines) so it is kept but not read.",
        )


def check_sentences(doc: Document) -> None:
    """Refuse prose that would stall the sentence splitters or the aligner, before either runs:
    a stretch without a sentence end, or more sentences (estimated from their end punctuation) than
    readnotes aligns."""
    estimate = 0
    for block in doc.blocks:
        if not block.alignable:
            continue
        longest = max(len(piece) for piece in _SENTENCE_END.split(block.text))
        if longest > MAX_UNBROKEN_CHARS:
            _unbroken(block.line + 1, longest)
        estimate += 1 if block.kind == "heading" else max(1, len(_SENTENCE_ENDS.findall(block.text)))
    _check_count(estimate)


def count_lines(data: bytes) -> int:
    """Non-blank lines of undecoded text: the sentence count of sentence-per-line input. Bytes, not
    text, so it runs before decoding: line ends and blanks are ASCII in UTF-8 and CP949 alike."""
    return sum(1 for line in data.replace(b"\r", b"\n").split(b"\n") if line.strip())


def _check_count(estimate: int) -> None:
    if estimate > MAX_SENTENCES:
        raise OverLimit(
            f"it has about {estimate:,} sentences; readnotes aligns articles of up to "
            f"{MAX_SENTENCES:,} sentences a side",
            hint="Split it into smaller articles.",
        )


def _unbroken(line: int, length: int) -> None:
    raise OverLimit(
        f"line {line} has {length:,} characters without a sentence end (. ! ?); "
        f"readnotes reads sentences of up to {MAX_UNBROKEN_CHARS:,} characters",
        hint="Break that text into sentences or paragraphs, or put it in a code block.",
    )

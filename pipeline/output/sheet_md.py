"""sheet_md: the bilingual study sheet as Markdown.

The sheet follows the English article's own structure: each English sentence (or group of
sentences in one bead) is followed by its Korean as a block quote, visibly subordinate. Sentences
without a counterpart are shown and marked. Code, images and raw HTML blocks are kept in place.
Flags carry their own review status and fix (models.Flag); the header counts them with FlagCounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.lang.spans import first_occurrence
from pipeline.models import Article, Bead, Block, Flag, FlagCounts, VocabHit, coverage
from pipeline.output.formats import SHOWN_FLAG_STATUSES, cell, flags_by_bead

NO_KOREAN = "*(no Korean translation)*"
ADDED = "*(added by the translation; no English)*"


# CommonMark has no escaping helper in markdown-it-py (it parses, it does not write), so this is
# the minimal escaper for plain text placed into Markdown: inline markup characters everywhere,
# and block markers (#, >, -, +, 1.) where they would start a line. "&" is escaped only where it
# would start an entity reference ("&nbsp;" from an inline code span must stay literal).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|]|~~|&(?=#?[A-Za-z0-9]+;))")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md_escape(text: str, line_start: bool = True) -> str:
    """Escape plain text for Markdown; line_start=False where it follows a marker (a heading's #)."""
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + "\\".join(m.group(1)), text)
    text = re.sub(r"\s*\n\s*", " ", text)
    return _LINE_START.sub(_escape_line_start, text) if line_start else text


def code_span(text: str) -> str:
    """Text as a CommonMark code span: how the sheet marks a flag's evidence in the Korean.

    A code span has no flanking rules, so it works inside a Korean word (`**LLM(학습 모델)**은` stays
    literal asterisks, `==…==` is Obsidian's alone, and `<mark>` is raw HTML, which our renderer
    escapes); CommonMark, GitHub and Obsidian all show it set apart, and sheet_html turns it into a
    highlight. The fence is longer than any run of backticks inside."""
    text = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" or (text[:1] == " " and text[-1:] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escape_line_start(m: re.Match[str]) -> str:
    lead, marker = m.group(1), m.group(2)
    if marker[0].isdigit():  # "1." → "1\." so it is not an ordered list
        return lead + marker[:-1] + "\\" + marker[-1]
    return lead + "\\" + marker


#: Below this share of one side's sentences paired, `add` and `align` warn that the other side
#: looks incomplete.
LOW_COVERAGE = 0.5


@dataclass
class SheetCounts:
    en: int
    ko: int
    beads: int
    untranslated: int  # English sentences in 1-0 beads
    added: int  # Korean sentences in 0-1 beads
    coverage: float

    @classmethod
    def of(cls, article: Article) -> SheetCounts:
        return cls.of_beads(article.beads, len(article.en_sentences), len(article.ko_sentences))

    @classmethod
    def of_beads(cls, beads: list[Bead], n_en: int, n_ko: int) -> SheetCounts:
        untranslated = sum(len(b.en) for b in beads if not b.ko)
        added = sum(len(b.ko) for b in beads if not b.en)
        return cls(n_en, n_ko, len(beads), untranslated, added, coverage(beads, n_en))

    def coverage_warnings(self) -> list[str]:
        """What to tell the user when the Korean pairs less than LOW_COVERAGE of the English
        sentences (or the reverse): most likely it is a partial file, such as the first page of a
        translation, and the rest is left 1-0 (or 0-1) rather than forced into pairs."""
        return [
            f"{side} covers {paired / total:.0%} of the {other} ({paired} of {total} sentences); "
            f"the other {total - paired} are left {left}. Is the {side} file complete?"
            for side, other, paired, total, left in (
                ("Korean", "English", self.en - self.untranslated, self.en, "untranslated (1-0 beads)"),
                ("English", "Korean", self.ko - self.added, self.ko, "without English (0-1 beads)"),
            )
            if total and paired < LOW_COVERAGE * total
        ]


def _provenance_text(article: Article) -> str:
    prov = article.provenance
    if prov.startswith("file:"):
        return f"your file `{prov[5:]}`"
    machine = re.fullmatch(r"(\w+) (\d{4}-\d{2}-\d{2})", prov)  # "google 2026-11-23" (translate.provenance)
    if machine:
        return f"machine translation: {machine[1]}, {machine[2]}"
    return md_escape(prov) if prov else "unknown"


@dataclass
class SheetNotes:
    """What the sheet shows beyond the Article itself, from the vocabulary tables.

    Every mapping may be empty: a term without a gloss gets no footnote. (Flags carry their own
    review status and fix.)
    """

    glosses: dict[str, str] = field(default_factory=dict)  # VocabHit.term → Korean gloss
    term_status: dict[str, str] = field(default_factory=dict)  # VocabHit.term → new|learning|known|…
    read_on: str = ""  # the date the reader added the article


#: Checks whose finding the sheet's placeholders already show in the body; they stay in the appendix.
PLACEHOLDER_CHECKS = frozenset({"omission", "addition"})
FLAG_MARK = "⚠"


def study_sheet_md(
    article: Article,
    glosses: dict[str, str] | None = None,
    *,
    term_status: dict[str, str] | None = None,
    read_on: str = "",
) -> str:
    """The bilingual study sheet: CommonMark, GFM tables and footnotes (mdit-py-plugins syntax).

    Every English and Korean sentence appears exactly once in the body, in order; vocabulary hits
    are bold with their gloss as a footnote; flagged pairs carry ⚠ and a footnote with the evidence.
    """
    notes = SheetNotes(glosses or {}, term_status or {}, read_on)
    return _Sheet(article, notes).markdown()


def sheet_md(article: Article, notes: SheetNotes | None = None) -> str:
    """study_sheet_md with its extras gathered in one SheetNotes."""
    return _Sheet(article, notes or SheetNotes()).markdown()


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    # CommonMark only reads ** as strong when the run is flanked by non-punctuation on the inside
    # ("**(BPE)**" after a letter stays literal), so a span is shrunk to its letters and digits.
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


class _Sheet:
    """Builds the sheet's lines; holds the footnotes numbered as they are first used."""

    def __init__(self, article: Article, notes: SheetNotes) -> None:
        self.article, self.notes = article, notes
        self.en_text = {s.index: s.text for s in article.en_sentences}
        self.ko_text = {s.index: s.text for s in article.ko_sentences}
        self.hits: dict[tuple[str, int], list[VocabHit]] = {}
        for hit in article.hits:
            self.hits.setdefault((hit.lang, hit.sentence), []).append(hit)
        self.shown_flags = [f for f in article.flags if f.status in SHOWN_FLAG_STATUSES]
        # Omissions and additions: the pair already says "no Korean translation" / "added by the
        # translation", so they are only in the appendix.
        self.flags_of_bead = flags_by_bead(
            article.beads, (f for f in self.shown_flags if f.check not in PLACEHOLDER_CHECKS)
        )
        self.footnotes: dict[str, tuple[str, str]] = {}  # key → (label, definition)

    # --- lookups ---------------------------------------------------------------------------------

    def _footnote(self, key: str, prefix: str, definition: str) -> str:
        if key not in self.footnotes:
            label = f"{prefix}{sum(1 for k in self.footnotes if k[0] == key[0]) + 1}"
            self.footnotes[key] = (label, definition)
        return f"[^{self.footnotes[key][0]}]"

    def _gloss_ref(self, term: str) -> str:
        gloss = self.notes.glosses.get(term, "")
        if not gloss:
            return ""
        return self._footnote(f"v:{term}", "v", f"**{md_escape(term)}**: {md_escape(gloss)}")

    def _flag_ref(self, flag: Flag) -> str:
        parts = [f"{FLAG_MARK} {md_escape(flag.check)} ({md_escape(flag.severity)}, {flag.status})"]
        if flag.message:
            parts.append(md_escape(flag.message.rstrip(".")))
        if flag.evidence:
            parts.append(f"Evidence: “{md_escape(flag.evidence, line_start=False)}”")
        if flag.fix:
            parts.append(f"Fix: “{md_escape(flag.fix, line_start=False)}”")
        key = flag.fingerprint or f"{flag.check}:{flag.evidence}"  # one footnote per finding
        return self._footnote(f"f:{key}", "f", ". ".join(parts) + ".")

    # --- inline text -----------------------------------------------------------------------------

    def marked(
        self,
        lang: str,
        index: int,
        only_term: str | None = None,
        refs: bool = True,
        line_start: bool = True,
        evidence: list[tuple[int, int, str]] | None = None,
    ) -> str:
        """A sentence, escaped, with its vocabulary hits in bold (and their gloss footnotes), and
        the `evidence` spans (start, end, footnote refs) of its flags as code spans, refs after."""
        text = self.en_text[index] if lang == "en" else self.ko_text[index]
        flagged = sorted(evidence or [])
        spans: list[tuple[int, int, str, bool]] = [(a, b, ref, True) for a, b, ref in flagged]
        for hit in sorted(self.hits.get((lang, index), []), key=lambda h: (h.start, -h.end)):
            if only_term is not None and hit.term != only_term:
                continue
            start, end = _trimmed(text, hit.start, hit.end)
            if start < end and not any(start < b and a < end for a, b, *_ in spans):  # the first, or the flag
                spans.append((start, end, hit.term, False))
        out, cursor = [], 0
        for start, end, what, is_flag in sorted(spans):
            out.append(md_escape(text[cursor:start], line_start=line_start and cursor == 0))
            if is_flag:
                out.append(code_span(text[start:end]) + what)
            else:
                ref = self._gloss_ref(what) if refs and lang == "en" else ""
                out.append(f"**{md_escape(text[start:end], line_start=False)}**{ref}")
            cursor = end
        out.append(md_escape(text[cursor:], line_start=line_start and cursor == 0))
        return "".join(out)

    def evidence_spans(self, bead: Bead, flags: list[Flag], refs: bool = True) -> tuple[dict, list[Flag]]:
        """Where each flag's evidence sits in the bead's Korean: sentence → [(start, end, refs)],
        and the flags whose evidence is not in the Korean (their refs go after it)."""
        found: dict[int, list[tuple[int, int, str]]] = {}
        elsewhere: list[Flag] = []
        for flag in flags:
            place = next(
                (
                    (j, span)
                    for j in bead.ko
                    for span in first_occurrence(self.ko_text[j], flag.evidence.strip())
                ),
                None,
            )
            if place is None:
                elsewhere.append(flag)
                continue
            j, (start, end) = place
            ref = self._flag_ref(flag) if refs else ""
            spans = found.setdefault(j, [])
            overlap = next((k for k, (a, b, _) in enumerate(spans) if start < b and a < end), None)
            if overlap is None:
                spans.append((start, end, ref))
            else:  # two flags on one span (or overlapping ones): one mark, every ref after it
                a, b, refs_before = spans[overlap]
                spans[overlap] = (min(a, start), max(b, end), refs_before + ref)
        return found, elsewhere

    def english(self, bead: Bead, line_start: bool = True) -> str:
        return " ".join(self.marked("en", i, line_start=line_start and n == 0) for n, i in enumerate(bead.en))

    # --- blocks ----------------------------------------------------------------------------------

    def pair_lines(self, k: int, bead: Bead, indent: str) -> Iterator[str]:
        if bead.en:
            mark = f"{FLAG_MARK} " if self.flags_of_bead.get(k) else ""
            yield indent + mark + self.english(bead)
            yield indent.rstrip() if indent.strip() else ""
        yield from self.korean_lines(k, bead, indent)

    def korean_marker(self, index: int) -> str:
        """The list marker or numbering the reader's Korean wrote before this sentence (`1.`, `-`),
        escaped, when the sentence opens its block: the sheet keeps the reader's text."""
        sentence = self.article.ko_sentences[index]
        block = next((b for b in self.article.ko.blocks if b.index == sentence.block), None)
        if block is None or not block.marker or sentence.start != 0:
            return ""
        return md_escape(block.marker) + " "

    def korean_lines(self, k: int, bead: Bead, indent: str) -> Iterator[str]:
        blank = indent.rstrip() if indent.strip() else ""
        flags = self.flags_of_bead.get(k, [])
        if bead.ko:
            spans, elsewhere = self.evidence_spans(bead, flags)
            korean = " ".join(self.marked("ko", j, evidence=spans.get(j)) for j in bead.ko)
            korean = self.korean_marker(bead.ko[0]) + korean
            note = "" if bead.en else " " + ADDED
            refs = "".join(self._flag_ref(f) for f in elsewhere)
            mark = f"{FLAG_MARK} " if flags and not bead.en else ""
            yield f"{indent}> {mark}{korean}{note}{refs}"
        else:
            refs = "".join(self._flag_ref(f) for f in flags)
            yield f"{indent}> {NO_KOREAN}{refs}"
        for flag in flags:
            if flag.fix:  # the reviewer's fix, next to the original it replaces
                yield f"{indent}>"
                was = md_escape(flag.evidence, line_start=False)
                yield f"{indent}> ✎ *fix:* “{was}” → “{md_escape(flag.fix, line_start=False)}”"
            if flag.back_translation and flag.status != "dismissed":  # what the Korean says, in English
                yield f"{indent}>"
                back = md_escape(flag.back_translation, line_start=False)
                yield f"{indent}> ↩ *back-translation:* “{back}”"
        yield blank

    def body(self) -> Iterator[str]:
        article = self.article
        en_block_of = {s.index: s.block for s in article.en_sentences}
        # Assign every bead to an English block; an addition goes with the bead before it.
        by_block: dict[int, list[int]] = {}
        leading: list[int] = []
        current: int | None = None
        for k, bead in enumerate(article.beads):
            if bead.en:
                current = en_block_of[bead.en[0]]
            if current is None:
                leading.append(k)
            else:
                by_block.setdefault(current, []).append(k)
        beads = article.beads
        for k in leading:
            yield from self.pair_lines(k, beads[k], indent="")
        first_block = next((b.index for b in article.en.blocks if b.alignable), -1)
        # Content indent of the enclosing list items: a nested item must be indented past its
        # parent's marker ("1. " needs 3 spaces, "- " 2), or CommonMark ends the parent list. A
        # top-level item resets it.
        list_indents: list[str] = []
        for block in article.en.blocks:
            if not block.alignable:
                yield from _kept_block(block)
                yield ""
                continue
            ks = by_block.get(block.index, [])
            if block.kind == "heading":
                first, rest = (ks[0], ks[1:]) if ks and beads[ks[0]].en else (None, ks)
                if first is not None:
                    mark = f"{FLAG_MARK} " if self.flags_of_bead.get(first) else ""
                    heading = mark + self.english(beads[first], line_start=False)
                else:
                    heading = md_escape(block.text, line_start=False)
                yield f"{'#' * block.level} {heading}"
                yield ""
                if first is not None:
                    yield from self.korean_lines(first, beads[first], indent="")
                if block.index == first_block:
                    yield _TITLE_END
                for k in rest:
                    yield from self.pair_lines(k, beads[k], indent="")
                continue
            if block.kind == "list_item":
                marker = block.marker if block.marker else "-"
                del list_indents[max(block.level - 1, 0) :]
                indent = list_indents[-1] if list_indents else ""
                inner = indent + " " * (len(marker) + 1)
                list_indents.append(inner)
                for n, k in enumerate(ks):
                    lines = list(self.pair_lines(k, beads[k], indent=inner))
                    if n == 0 and lines:
                        lines[0] = indent + marker + " " + lines[0].lstrip()
                    yield from lines
                continue
            indent = "> " if block.kind == "blockquote" else ""
            for k in ks:
                yield from self.pair_lines(k, beads[k], indent=indent)

    def header(self) -> list[str]:
        article, counts = self.article, SheetCounts.of(self.article)
        en_hits = [h for h in article.hits if h.lang == "en"]
        flags = FlagCounts.of(article.flags)
        source = article.en.source_url or article.ko.source_url
        rows = [
            ("Source", md_escape(source) if source else f"`{article.en.path}`"),
            ("Published", md_escape(article.en.date) or "—"),
            ("Read", md_escape(self.notes.read_on) or "—"),
            ("Korean", _provenance_text(article)),
            ("Sentences", f"{counts.en} English · {counts.ko} Korean · {counts.beads} pairs"),
            ("Coverage", f"{counts.coverage:.0%} of English sentences have a Korean counterpart"),
            (
                "Unaligned",
                f"{counts.untranslated} English without Korean · {counts.added} Korean without English",
            ),
            ("Vocabulary", f"{len(en_hits)} hits of {len({h.term for h in en_hits})} terms"),
            ("Flags", flags_summary(flags)),
        ]
        return ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows] + ["", "---", ""]

    def vocabulary_appendix(self) -> Iterator[str]:
        en_hits = sorted(
            (h for h in self.article.hits if h.lang == "en"), key=lambda h: (h.sentence, h.start)
        )
        terms = list(dict.fromkeys(h.term for h in en_hits))
        if not terms:
            return
        bead_of_en = {i: bead for bead in self.article.beads for i in bead.en}
        yield from ["## Vocabulary", ""]
        for term in terms:
            gloss = md_escape(self.notes.glosses.get(term, ""), line_start=False) or "—"
            status = md_escape(self.notes.term_status.get(term, ""), line_start=False) or "—"
            sentences = list(dict.fromkeys(h.sentence for h in en_hits if h.term == term))
            yield from [f"### {md_escape(term, line_start=False)}", ""]
            examples = f"{len(sentences)} example" + ("s" if len(sentences) != 1 else "")
            yield from [f"{gloss} · *{status}* · {examples}", ""]
            for n, i in enumerate(sentences, 1):
                yield f"{n}. {self.marked('en', i, only_term=term, refs=False)}"
                yield ""
                bead = bead_of_en.get(i)
                if bead is not None and bead.ko:
                    korean = " ".join(self.marked("ko", j, only_term=term, refs=False) for j in bead.ko)
                    yield f"   > {korean}"
                    yield ""

    def review_appendix(self) -> Iterator[str]:
        """The shown flags grouped by the pair they are about, in document order: the English, the
        Korean with each flag's evidence marked, and the flags (check, severity, status, fix)."""
        if not self.shown_flags:
            return
        pairs: dict[tuple[str, str], list[Flag]] = {}
        for flag in self.shown_flags:
            pairs.setdefault((cell(flag.en_text), cell(flag.ko_text)), []).append(flag)
        yield from ["## Review", ""]
        yield "| | English | Korean | Flags |"
        yield "|---|---|---|---|"
        for n, ((english, korean), flags) in enumerate(pairs.items(), 1):
            marks = merged_spans(korean, flags)
            marked = [
                md_escape(korean[c:a], line_start=False) + code_span(korean[a:b]) for c, a, b in _gaps(marks)
            ]
            rest = md_escape(korean[marks[-1][1] if marks else 0 :], line_start=False)
            notes = "; ".join(
                _flag_note(f, marked_in_korean=bool(marks) and f.evidence.strip() in korean) for f in flags
            )
            cells = (_table_cell(md_escape(english)), _table_cell("".join(marked) + rest), _table_cell(notes))
            yield f"| {n} | " + " | ".join(c or "—" for c in cells) + " |"
        yield ""

    def markdown(self) -> str:
        header = self.header()
        body = list(self.body())
        article = self.article
        # The article's own first heading is the sheet's title when it is the title: no sentence twice.
        first = next((b for b in article.en.blocks if b.alignable), None)
        if first is not None and first.kind == "heading" and first.level == 1 and first.text == article.title:
            cut = body.index(_TITLE_END)
            out = body[:cut] + header + body[cut + 1 :]
        else:
            out = [f"# {md_escape(article.title, line_start=False)}", ""] + header + body
        out = [line for line in out if line != _TITLE_END]
        for section in (list(self.vocabulary_appendix()), list(self.review_appendix())):
            if section:
                out = _trim_blank(out) + ["", *section]
        if self.footnotes:  # after the appendices: the body's notes are numbered first
            out = _trim_blank(out) + [""]
            for label, definition in self.footnotes.values():
                out += [f"[^{label}]: {definition}", ""]
        return "\n".join(_trim_blank(out)) + "\n"


def _flag_note(flag: Flag, marked_in_korean: bool) -> str:
    """A flag in the review appendix: check, severity and status; its evidence when the Korean cell
    does not show it marked; its fix."""
    note = f"{FLAG_MARK} {md_escape(flag.check)} ({md_escape(flag.severity)}, {flag.status})"
    evidence = md_escape(cell(flag.evidence), line_start=False)
    if evidence and not marked_in_korean:
        note += f": “{evidence}”"
    if flag.fix:
        note += f" ✎ “{evidence}” → “{md_escape(cell(flag.fix), line_start=False)}”"
    return note


def merged_spans(text: str, flags: list[Flag]) -> list[tuple[int, int]]:
    """Where the flags' evidence sits in text, overlapping spans joined."""
    from pipeline.lang.spans import merged

    return merged(
        span for f in flags if f.evidence.strip() for span in first_occurrence(text, f.evidence.strip())
    )


def _gaps(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """(end of the previous span, start, end) for each span."""
    cursor = 0
    for start, end in spans:
        yield cursor, start, end
        cursor = end


def _table_cell(text: str) -> str:
    # GFM splits table cells at "|" before inline parsing, code spans included; md_escape already
    # escaped the pipes outside code spans.
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


_TITLE_END = "\x00end-of-title"


def flags_summary(counts: FlagCounts) -> str:
    """The header's Flags row: errors and warnings by review status, then the info flags."""
    return (
        f"{counts.open} open · {counts.accepted} accepted · {counts.fixed} fixed · "
        f"{counts.dismissed} dismissed · {counts.info} info"
    )


def _kept_block(block: Block) -> list[str]:
    """A block kept as the article has it (code, an image): its Markdown source. Raw HTML from the
    article is shown as code, never left live in the sheet (a pasted page may carry scripts)."""
    if block.kind != "html":
        return [block.text]
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", block.text)), default=0))
    return [f"{fence}html", block.text.rstrip("\n"), fence]

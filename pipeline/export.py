"""export: beads as JSON Lines and TSV, and the bilingual study sheet as Markdown.

The sheet follows the English article's own structure: each English sentence (or group of
sentences in one bead) is followed by its Korean as a block quote, visibly subordinate. Sentences
without a counterpart are shown and marked. Code, images and raw HTML blocks are kept in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.document import Article, Bead

NO_KOREAN = "*(no Korean translation)*"
ADDED = "*(added by the translation; no English)*"


def beads_jsonl(beads: Iterable[Bead]) -> str:
    return "".join(json.dumps(b.to_json(), ensure_ascii=False) + "\n" for b in beads)


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def beads_tsv(beads: Iterable[Bead]) -> str:
    """en<TAB>ko<TAB>score, one bead a line, with a header row, for spreadsheets."""
    lines = ["en\tko\tscore"]
    lines += [f"{_cell(b.en_text)}\t{_cell(b.ko_text)}\t{b.score:.3f}" for b in beads]
    return "\n".join(lines) + "\n"


# CommonMark has no escaping helper in markdown-it-py (it parses, it does not write), so this is
# the minimal escaper for plain text placed into Markdown: inline markup characters everywhere,
# and block markers (#, >, -, +, 1.) where they would start a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|]|~~)")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md_escape(text: str, line_start: bool = True) -> str:
    """Escape plain text for Markdown; line_start=False where it follows a marker (a heading's #)."""
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + "\\".join(m.group(1)), text)
    text = re.sub(r"\s*\n\s*", " ", text)
    return _LINE_START.sub(_escape_line_start, text) if line_start else text


def _escape_line_start(m: re.Match[str]) -> str:
    lead, marker = m.group(1), m.group(2)
    if marker[0].isdigit():  # "1." → "1\." so it is not an ordered list
        return lead + marker[:-1] + "\\" + marker[-1]
    return lead + "\\" + marker


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
        untranslated = sum(len(b.en) for b in article.beads if not b.ko)
        added = sum(len(b.ko) for b in article.beads if not b.en)
        n_en = len(article.en_sentences)
        coverage = (n_en - untranslated) / n_en if n_en else 0.0
        return cls(n_en, len(article.ko_sentences), len(article.beads), untranslated, added, coverage)


def _provenance_text(article: Article) -> str:
    prov = article.provenance
    if prov.startswith("file:"):
        return f"your file `{prov[5:]}`"
    return prov or "unknown"


def with_corrections(article: Article, corrections: Sequence[Any] = ()) -> Article:
    """The article with the reader's review fixes applied to its Korean sentences, each marked with
    what it replaced. A correction has ``ko`` (sentence indices), ``evidence`` and ``fix``."""
    if not corrections:
        return article
    sentences = []
    for s in article.ko_sentences:
        text, was = s.text, []
        for c in corrections:
            if s.index in c.ko and c.evidence and c.evidence in text:
                text = text.replace(c.evidence, c.fix)
                was.append(c.evidence)
        sentences.append(replace(s, text=text + f" (✎ was: {'; '.join(was)})") if was else s)
    return replace(article, ko_sentences=sentences)


def study_sheet_md(article: Article, corrections: Sequence[Any] = ()) -> str:
    """The bilingual study sheet in CommonMark (+ a GFM table in the header), with review fixes."""
    article = with_corrections(article, corrections)
    counts = SheetCounts.of(article)
    rows = [
        ("Source", md_escape(article.en.source_url) if article.en.source_url else f"`{article.en.path}`"),
        ("Date", md_escape(article.en.date) or "—"),
        ("Korean", _provenance_text(article)),
        ("Sentences", f"{counts.en} English · {counts.ko} Korean · {counts.beads} pairs"),
        ("Coverage", f"{counts.coverage:.0%} of English sentences have a Korean counterpart"),
        (
            "Unaligned",
            f"{counts.untranslated} English without Korean · {counts.added} Korean without English",
        ),
    ]
    header = ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows] + ["", "---", ""]
    body = list(_body(article))
    # The article's own first heading is the sheet's title when it is the title: no sentence twice.
    first = next((b for b in article.en.blocks if b.alignable), None)
    if first is not None and first.kind == "heading" and first.level == 1 and first.text == article.title:
        cut = body.index(_TITLE_END)
        out = body[:cut] + header + body[cut + 1 :]
    else:
        out = [f"# {md_escape(article.title, line_start=False)}", ""] + header + body
    return "\n".join(line for line in out if line != _TITLE_END).rstrip() + "\n"


_TITLE_END = "\x00end-of-title"


def _body(article: Article) -> Iterator[str]:
    en_block_of = {s.index: s.block for s in article.en_sentences}
    en_text = {s.index: s.text for s in article.en_sentences}
    ko_text = {s.index: s.text for s in article.ko_sentences}
    # Assign every bead to an English block; an addition goes with the bead before it.
    by_block: dict[int, list[Bead]] = {}
    leading: list[Bead] = []
    current: int | None = None
    for bead in article.beads:
        if bead.en:
            current = en_block_of[bead.en[0]]
        if current is None:
            leading.append(bead)
        else:
            by_block.setdefault(current, []).append(bead)
    for bead in leading:
        yield from _pair_lines(bead, en_text, ko_text, indent="")
    first_block = next((b.index for b in article.en.blocks if b.alignable), -1)
    for block in article.en.blocks:
        if not block.alignable:
            yield block.text
            yield ""
            continue
        beads = by_block.get(block.index, [])
        if block.kind == "heading":
            first, rest = (beads[0], beads[1:]) if beads and beads[0].en else (None, beads)
            heading = " ".join(en_text[i] for i in first.en) if first else block.text
            yield f"{'#' * block.level} {md_escape(heading, line_start=False)}"
            yield ""
            if first:
                yield from _korean_lines(first, ko_text, indent="")
            if block.index == first_block:
                yield _TITLE_END
            for bead in rest:
                yield from _pair_lines(bead, en_text, ko_text, indent="")
            continue
        if block.kind == "list_item":
            marker = block.marker if block.marker else "-"
            indent = "  " * max(block.level - 1, 0)
            inner = indent + " " * (len(marker) + 1)
            for k, bead in enumerate(beads):
                lines = list(_pair_lines(bead, en_text, ko_text, indent=inner))
                if k == 0 and lines:
                    lines[0] = indent + marker + " " + lines[0].lstrip()
                yield from lines
            continue
        indent = "> " if block.kind == "blockquote" else ""
        for bead in beads:
            yield from _pair_lines(bead, en_text, ko_text, indent=indent)


def _pair_lines(bead: Bead, en_text: dict[int, str], ko_text: dict[int, str], indent: str) -> Iterator[str]:
    if bead.en:
        yield indent + md_escape(" ".join(en_text[i] for i in bead.en))
        yield indent.rstrip() if indent.strip() else ""
    yield from _korean_lines(bead, ko_text, indent)


def _korean_lines(bead: Bead, ko_text: dict[int, str], indent: str) -> Iterator[str]:
    if bead.ko:
        korean = md_escape(" ".join(ko_text[j] for j in bead.ko))
        note = "" if bead.en else " " + ADDED
        yield f"{indent}> {korean}{note}"
    else:
        yield f"{indent}> {NO_KOREAN}"
    yield indent.rstrip() if indent.strip() else ""


def write_outputs(
    article: Article, aligned_dir: Path, exports_dir: Path, corrections: Sequence[Any] = ()
) -> dict[str, Path]:
    """aligned/<slug>.jsonl, aligned/<slug>.tsv and exports/<slug>.md; returns their paths."""
    aligned_dir.mkdir(parents=True, exist_ok=True)
    exports_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "jsonl": aligned_dir / f"{article.slug}.jsonl",
        "tsv": aligned_dir / f"{article.slug}.tsv",
        "sheet": exports_dir / f"{article.slug}.md",
    }
    contents = {
        "jsonl": beads_jsonl(article.beads),
        "tsv": beads_tsv(article.beads),
        "sheet": study_sheet_md(article, corrections),
    }
    for key, path in paths.items():
        write_atomically(path, contents[key])
    return paths


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary sibling, then rename: a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

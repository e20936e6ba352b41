"""export: one registry of exporters, name → function, for `readnotes export` and `readnotes sheet`.

Each exporter takes an ExportJob (a stored article with its vocabulary hits and its flags, which
carry their review status and fix) and writes files. The formats live in their own modules:
sheet_md (the Markdown study sheet), sheet_html (the printable sheet), formats (jsonl, tsv, tmx)
and anki. A new format is one function and one entry in EXPORTERS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.models import Article, VocabTerm
from pipeline.output.formats import (
    SHOWN_FLAG_STATUSES,
    OutputError,
    beads_jsonl,
    beads_tsv,
    pairs_tsv,
    tmx,
    write_atomically,
)
from pipeline.output.sheet_md import (
    ADDED,
    NO_KOREAN,
    SheetCounts,
    SheetNotes,
    md_escape,
    sheet_md,
    study_sheet_md,
)

__all__ = [
    "ADDED",
    "EXPORTERS",
    "NO_KOREAN",
    "SHOWN_FLAG_STATUSES",
    "ExportJob",
    "ExportResult",
    "Exporter",
    "NothingToExport",
    "OutputError",
    "SheetCounts",
    "SheetNotes",
    "beads_jsonl",
    "beads_tsv",
    "md_escape",
    "pairs_tsv",
    "sheet_md",
    "study_sheet_md",
    "tmx",
    "write_atomically",
    "write_outputs",
]


class NothingToExport(ValueError):
    "The article holds nothing this format exports"


@dataclass
class ExportJob:
    article: Article  # with its vocabulary hits and flags
    out_dir: Path
    vocabulary: list[VocabTerm] = field(default_factory=list)
    notes: SheetNotes = field(default_factory=SheetNotes)  # glosses, term statuses, date read
    out: Path | None = None  # the file to write, when not out_dir/<slug>.<format>
    options: dict[str, str] = field(default_factory=dict)  # the HTML sheet's paper and layout
    raw: bool = False  # TSV cells as they are, without the spreadsheet-formula guard

    def path(self, suffix: str) -> Path:
        """Where to write; write_atomically creates the folder."""
        return self.out or self.out_dir / f"{self.article.slug}.{suffix}"


@dataclass
class ExportResult:
    paths: list[Path]
    count: int  # items written (cards, segments, …)
    what: str  # what the items are: "cards"


Exporter = Callable[[ExportJob], ExportResult]


def export_md(job: ExportJob) -> ExportResult:
    """exports/<slug>.md: the bilingual study sheet."""
    path = job.path("md")
    write_atomically(path, sheet_md(job.article, job.notes))
    return ExportResult([path], len(job.article.beads), "pairs")


def export_html(job: ExportJob) -> ExportResult:
    """exports/<slug>.html: the study sheet to print (options: paper, layout)."""
    from pipeline.output import sheet_html  # markdown-it-py loads only for this format

    html = sheet_html.study_sheet_html(sheet_md(job.article, job.notes), job.article.title, **job.options)
    path = job.path("html")
    write_atomically(path, html)
    return ExportResult([path], len(job.article.beads), "pairs")


def export_anki(job: ExportJob) -> ExportResult:
    """exports/<slug>.apkg and exports/<slug>.anki.tsv: one card per vocabulary term found."""
    from pipeline.output import anki  # genanki loads only for this format

    cards = anki.cards(job.article, job.vocabulary)
    if not cards:
        raise NothingToExport(
            f"none of your vocabulary terms (new or learning) occurs in {job.article.slug!r}"
        )
    apkg = job.out_dir / f"{job.article.slug}.apkg"
    tsv = job.out_dir / f"{job.article.slug}.anki.tsv"
    anki.write_apkg(cards, apkg)
    write_atomically(tsv, anki.tsv(cards, raw=job.raw))
    return ExportResult([apkg, tsv], len(cards), "cards")


def export_tmx(job: ExportJob) -> ExportResult:
    """exports/<slug>.tmx: the aligned pairs for a translation memory (OmegaT, Trados, …)."""
    pairs = sum(1 for b in job.article.beads if b.en and b.ko)
    if not pairs:
        raise NothingToExport(f"{job.article.slug!r} has no aligned pairs")
    path = job.path("tmx")
    write_atomically(path, tmx(job.article))
    return ExportResult([path], pairs, "translation units")


def export_tsv(job: ExportJob) -> ExportResult:
    """exports/<slug>.tsv: en, ko (with fixes), score, ko_original, one bead a line, for spreadsheets."""
    path = job.path("tsv")
    write_atomically(path, pairs_tsv(job.article, raw=job.raw))
    return ExportResult([path], len(job.article.beads), "pairs")


#: Sheets (`readnotes sheet --format`) and exports (`readnotes export --format`).
SHEETS: dict[str, Exporter] = {"md": export_md, "html": export_html}
EXPORTERS: dict[str, Exporter] = {"anki": export_anki, "tmx": export_tmx, "tsv": export_tsv} | SHEETS


def write_outputs(
    article: Article, aligned_dir: Path, exports_dir: Path, notes: SheetNotes | None = None
) -> dict[str, Path]:
    """aligned/<slug>.jsonl, aligned/<slug>.tsv (the alignment) and exports/<slug>.md; their paths.

    Called after the article is saved: notes.db is the source of truth, and these files are views of
    it. A failure here says so, and which command writes the files again."""
    paths = {"jsonl": aligned_dir / f"{article.slug}.jsonl", "tsv": aligned_dir / f"{article.slug}.tsv"}
    try:
        write_atomically(paths["jsonl"], beads_jsonl(article.beads))
        write_atomically(paths["tsv"], beads_tsv(article.beads))
        sheet = export_md(ExportJob(article, exports_dir, notes=notes or SheetNotes()))
    except OutputError as e:
        e.hint = (
            f"The article is saved in notes.db. Fix that and run `readnotes add` again to write aligned/, "
            f"or `readnotes sheet {article.slug}` to write the study sheet."
        )
        raise
    return paths | {"sheet": sheet.paths[0]}

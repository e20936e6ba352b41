"""Study sheets and exports of stored articles, through the one exporter registry."""

from __future__ import annotations

from pathlib import Path

from pipeline import store
from pipeline.models import Article
from pipeline.output import export
from pipeline.workspace import Workspace


def load_full_article(ws: Workspace, slug: str) -> Article:
    """A stored article with everything later stages attached: vocabulary hits and flags."""
    article = store.load_article(ws.reader, slug)
    article.hits = store.load_vocab_hits(ws.reader, slug)
    article.flags = store.load_flags(ws.reader, slug)  # with their review status and fix
    return article


def export_article(
    ws: Workspace, slug: str, fmt: str, out: Path | None = None, raw: bool = False, **options: str
) -> export.ExportResult:
    """Run one exporter (export.EXPORTERS: sheets and formats) on a stored article, with its
    vocabulary hits and its flags (status and fix included). `options`: the HTML sheet's paper and
    layout; `raw`: TSV cells without the spreadsheet-formula guard."""
    article = load_full_article(ws, slug)
    notes = sheet_notes(ws, article)
    job = export.ExportJob(article, ws.exports, store.load_vocab(ws.reader), notes, out, options, raw)
    return export.EXPORTERS[fmt](job)


def sheet_notes(ws: Workspace, article: Article) -> export.SheetNotes:
    """Glosses, term statuses and the date read, for the sheet of a stored article (flags carry
    their own review state)."""
    vocab_terms = store.load_vocab(ws.reader)
    row = store.get_article_row(ws.reader, article.slug)
    return export.SheetNotes(
        glosses={t.term: t.gloss for t in vocab_terms if t.gloss},
        term_status={t.term: t.status for t in vocab_terms},
        read_on=(row.get("added_at") or "")[:10],
    )


def write_sheet(ws: Workspace, slug: str) -> Path:
    """Rewrite exports/<slug>.md from the stored article, with the current review decisions."""
    return write_article_sheet(ws, load_full_article(ws, slug))


def write_article_sheet(ws: Workspace, article: Article) -> Path:
    job = export.ExportJob(article, ws.exports, notes=sheet_notes(ws, article))
    return export.EXPORTERS["md"](job).paths[0]


def write_file(path: Path, text: str) -> Path:
    """Write an output file atomically, creating its folder."""
    export.write_atomically(path, text)
    return path

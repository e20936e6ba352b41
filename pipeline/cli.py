"""cli: the thin click layer. Commands parse arguments, call pipeline functions and print.

Errors for the user are ClickException (exit 1) with a next step; exit 2 stays click's usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline import align, db, export, ingest
from pipeline.workspace import MissingKorean, Progress, Workspace, add_article

#: What to do next, per kind of bad input.
INGEST_HINTS: dict[type, str] = {
    ingest.EmptyInput: "Check that you passed the right file.",
    ingest.BinaryInput: "Pass a Markdown (.md) or text (.txt) file.",
    ingest.UnknownEncoding: "Save it as UTF-8 and run again.",
    ingest.WrongLanguage: "Pass the English file first and the Korean one with --ko.",
    ingest.TooLarge: "Split it into smaller articles.",
    ingest.BadFrontMatter: "Fix or remove the front matter between the --- lines.",
    ingest.IngestError: "Pass a Markdown (.md) or text (.txt) file.",
}


@contextmanager
def user_errors(path: Path | None = None) -> Iterator[None]:
    """Turn library exceptions into one-line errors that say what to do."""
    try:
        yield
    except ingest.IngestError as e:
        hint = next(h for cls, h in INGEST_HINTS.items() if isinstance(e, cls))
        raise click.ClickException(f"{e.path or path}: {e}. {hint}") from e
    except align.AlignmentError as e:
        raise click.ClickException(f"cannot align: {e}") from e
    except db.UnknownArticle as e:
        raise click.ClickException(
            f"no article {e.args[0]!r} in the workspace; `readnotes list` shows the articles there"
        ) from e


def _existing_file(path: Path, what: str) -> Path:
    if not path.exists():
        raise click.ClickException(f"{path}: no such file. Check the {what} path.")
    if path.is_dir():
        raise click.ClickException(f"{path}: is a folder. Pass the {what} file itself.")
    return path


@contextmanager
def stage_progress(quiet: bool, total: int) -> Iterator[Progress]:
    """A progress bar on stderr over the named stages of a long command."""
    if quiet:
        yield lambda _stage: None
        return
    with click.progressbar(
        length=total, label="readnotes", file=sys.stderr, show_eta=False, item_show_func=lambda s: s
    ) as bar:

        def step(stage: str) -> None:
            bar.update(1, stage)

        yield step


@click.group()
@click.version_option(package_name="readnotes")
@click.option(
    "--home",
    envvar="READNOTES_HOME",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder holding raw/, aligned/, exports/ and notes.db (or $READNOTES_HOME).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def cli(ctx: click.Context, home: Path, quiet: bool) -> None:
    """readnotes: align an English article with its Korean translation, tag your vocabulary,
    flag suspect translations and print bilingual study sheets.

    \b
        readnotes add raw/karpathy-2025.en.md
        readnotes sheet karpathy-2025
    """
    ctx.obj = Workspace(home)
    ctx.meta["quiet"] = quiet


@cli.command()
@click.argument("en_file", type=click.Path(path_type=Path))
@click.option("--ko", "ko_file", type=click.Path(path_type=Path), help="The Korean translation.")
@click.option("--slug", help="Name of the article in the workspace (default: from the file name).")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@click.pass_context
def add(ctx: click.Context, en_file: Path, ko_file: Path | None, slug: str | None, as_json: bool) -> None:
    """Process an article: segment, align, store in notes.db, write the study sheet.

    A sibling raw/<stem>.ko.md (or .ko.txt) is used when --ko is not given.

    \b
        readnotes add raw/karpathy-2025.en.md
        readnotes add article.md --ko article.ko.txt --slug my-article
    """
    ws: Workspace = ctx.obj
    _existing_file(en_file, "English")
    if ko_file is not None:
        _existing_file(ko_file, "Korean")
    try:
        with user_errors(), stage_progress(ctx.meta["quiet"] or as_json, 7) as progress:
            article, paths = add_article(ws, en_file, ko_file, slug, progress=progress)
    except MissingKorean as e:
        raise click.ClickException(
            f"{e}. Pass it with --ko KO_FILE, or put {en_file.name.replace('.en.', '.ko.')} beside it."
        ) from e
    counts = export.SheetCounts.of(article)
    if as_json:
        summary = {"slug": article.slug, "title": article.title} | counts.__dict__
        click.echo(json.dumps(summary | {k: str(v) for k, v in paths.items()}, ensure_ascii=False))
        return
    click.echo(
        f"{article.slug}: {counts.en} English and {counts.ko} Korean sentences in {counts.beads} pairs, "
        f"{counts.coverage:.0%} covered, {counts.untranslated} untranslated, {counts.added} added."
    )
    click.echo(f"Study sheet: {paths['sheet']}")


@cli.command("align")
@click.argument("en_file", type=click.Path(path_type=Path))
@click.argument("ko_file", type=click.Path(path_type=Path))
@click.option("--presplit", is_flag=True, help="One sentence per line; blank lines separate paragraphs.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write beads here (default stdout)."
)
def align_command(en_file: Path, ko_file: Path, presplit: bool, out: Path | None) -> None:
    """Align two texts and print beads as JSON Lines (no workspace, no database).

    \b
        readnotes align raw/karpathy-2025.en.md raw/karpathy-2025.ko.md --out beads.jsonl
        readnotes align en.txt ko.txt --presplit
    """
    from pipeline import segment

    _existing_file(en_file, "English")
    _existing_file(ko_file, "Korean")
    with user_errors():
        if presplit:
            sides = []
            for path, lang in ((en_file, "en"), (ko_file, "ko")):
                with user_errors(path):
                    text, _ = ingest.read_text(path)
                    ingest.check_language(text, lang)  # type: ignore[arg-type]
                sides.append(align.presplit_sentences(text))
            en_sentences, ko_sentences = sides
        else:
            with user_errors(en_file):
                en_doc = ingest.read_document(en_file, "en")
            with user_errors(ko_file):
                ko_doc = ingest.read_document(ko_file, "ko")
            en_sentences, ko_sentences = segment.split_english(en_doc), segment.split_korean(ko_doc)
        beads = align.align(en_sentences, ko_sentences)
    text = export.beads_jsonl(beads)
    if out:
        export.write_atomically(out, text)
        click.echo(f"{len(beads)} beads written to {out}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["md"]), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: exports/<slug>.md")
@click.pass_obj
def sheet(ws: Workspace, slug: str, fmt: str, out: Path | None) -> None:
    """Print a bilingual study sheet for a stored article.

    \b
        readnotes sheet karpathy-2025 --out sheet.md
    """
    with user_errors():
        article = db.load_article(ws.db, slug)
    out = out or ws.exports / f"{slug}.{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    export.write_atomically(out, export.study_sheet_md(article))
    click.echo(f"Study sheet: {out}")


@cli.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_articles(ws: Workspace, as_json: bool) -> None:
    """List the articles in the workspace.

    \b
        readnotes list --json
    """
    rows = list(db.article_rows(ws.db))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No articles yet. Add one with: readnotes add raw/<name>.en.md")
    for r in rows:
        click.echo(f"{r['slug']}\t{r['title']}\t{r['n_en']} sentences\t{r['coverage']:.0%} covered")

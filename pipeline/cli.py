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

from pipeline import align, checks, db, export, ingest, review, terms
from pipeline.workspace import MissingKorean, Progress, Workspace, add_article, check_article

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
    except terms.TermFileError as e:
        raise click.ClickException(f"{path}: {e}. Nothing was imported; fix that line and run again.") from e
    except (terms.TermError, review.ReviewError) as e:
        raise click.ClickException(str(e)) from e


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
    flag_counts = checks.counts(article.flags)
    if as_json:
        summary = {"slug": article.slug, "title": article.title} | counts.__dict__ | {"flags": flag_counts}
        click.echo(json.dumps(summary | {k: str(v) for k, v in paths.items()}, ensure_ascii=False))
        return
    click.echo(
        f"{article.slug}: {counts.en} English and {counts.ko} Korean sentences in {counts.beads} pairs, "
        f"{counts.coverage:.0%} covered, {counts.untranslated} untranslated, {counts.added} added."
    )
    click.echo(_flag_line(article))
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
    export.write_atomically(out, export.study_sheet_md(article, review.corrections(ws.db, slug)))
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
        article = db.load_article(ws.db, s)
        out = ws.exports / f"{s}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        export.write_atomically(out, export.study_sheet_md(article, review.corrections(ws.db, s)))
        click.echo(f"Study sheet with your fixes: {out}")
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
        saved = terms.add_term(ws.db, entry)
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
    entries = terms.user_terms(ws.db) if user_only else list(terms.load(ws.db))
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
        n = terms.import_tsv(ws.db, text)
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
    text = terms.to_tsv(terms.user_terms(ws.db) if user_only else terms.load(ws.db))
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
    base = terms.load(ws.db)
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
                terms.add_term(ws.db, c.to_term())
            added += 1
    click.echo(f"{added} terms added to the term base.")

"""Model checks for changes of meaning: back-translation and the LLM reviewer (`check --back-translate`,
`check --llm`). Their answers are cached in notes.db; their flags are stored with the rule checks'."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from pipeline.app.progress import Progress, no_progress
from pipeline.app.terms import load_termbase
from pipeline.errors import ReadnotesError
from pipeline.models import Article, Flag
from pipeline.stages import checks, terms, translate
from pipeline.store import translations
from pipeline.workspace import Workspace


class ModelCheckFailed(ReadnotesError):
    "A model check could not finish; nothing about the article was stored"


@dataclass
class ModelChecks:
    """What `check --back-translate/--llm` asks for, and where its notices go (stderr)."""

    back_translate: str | None = None  # a provider of --translate: back-translate and send what is missing
    llm: bool = False  # send pairs to the LLM reviewer (READNOTES_LLM_URL, READNOTES_LLM_MODEL)
    llm_max_pairs: int | None = None  # refuse to send more pairs than this (default llm.DEFAULT_MAX_PAIRS)
    only_flagged: bool = False  # send only pairs other checks flagged or the aligner scored low
    notice: Progress = no_progress  # the cost estimate before sending, and what came back
    on_batch: translate.BlockProgress | None = None  # (done, total) requests or pairs


def model_check_flags(
    ws: Workspace, article: Article, rule_flags: list[Flag], termbase: terms.TermBase, options: ModelChecks
) -> tuple[list[Flag], list[tuple[str, str, dict]]]:
    """The rule flags merged with the model checks' flags, and the model checks that ran now.

    A model check asked for (--back-translate, --llm) sends what its cache lacks; one that ran on the
    article before is re-derived from its cache, sending nothing, so a plain `check` keeps its flags.
    A failure raises before anything is stored (answers received so far stay cached)."""
    from pipeline.stages import llm
    from pipeline.store import llm as llm_store

    runs = llm_store.model_check_runs(ws.db, article.slug)
    model_flags: list[Flag] = []
    ran: list[tuple[str, str, dict]] = []
    provider = options.back_translate or runs.get(translate.BACK_TRANSLATION_CHECK, ("", {}))[0]
    if provider:
        model_flags += _back_translation_flags(ws, article, provider, options)
        if options.back_translate:
            ran.append((translate.BACK_TRANSLATION_CHECK, provider, {}))
    model = runs.get(llm.LLM_CHECK, ("", {}))[0]
    if options.llm:
        suspects = _suspect_beads(article, [*rule_flags, *model_flags]) if options.only_flagged else None
        model, errors = _llm_review(ws, article, termbase, suspects, options)
        ran.append((llm.LLM_CHECK, model, {"only_flagged": options.only_flagged}))
        model_flags += llm.llm_flags(article, errors, model)
    elif model:
        model_flags += _cached_llm_flags(ws, article, model, termbase)
    return llm.merge_model_flags(article, rule_flags, model_flags), ran


def record_model_checks(ws: Workspace, slug: str, ran: list[tuple[str, str, dict]]) -> None:
    from pipeline.store import llm as llm_store

    for check_name, engine, settings in ran:
        llm_store.record_model_check(ws.db, slug, check_name, engine, settings)


def _cached_llm_flags(ws: Workspace, article: Article, model: str, termbase: terms.TermBase) -> list:
    from pipeline.stages import llm

    cached = llm.plan_review(article, model, _review_cache(ws), termbase, 1, estimate=False).cached
    return llm.llm_flags(article, cached, model)


def translation_cache(ws: Workspace) -> translate.TranslationCache:
    """Machine translations cached in notes.db (both directions), so a re-run sends nothing."""
    return translate.TranslationCache(
        lookup=partial(translations.lookup, ws.db), save=partial(translations.put, ws.db)
    )


def _back_translation_flags(ws: Workspace, article: Article, provider: str, options: ModelChecks) -> list:
    sender = translate.Translator(provider, "ko", "en") if options.back_translate else None
    try:
        run = translate.back_translation_run(
            article,
            sender or translate.cached_translator(provider),
            translation_cache(ws),
            progress=options.on_batch or translate.no_block_progress,
        )
    except translate.ServiceUnreachable as e:
        variable = " or LIBRE_URL" if e.provider == "libre" else ""
        kept = f"; {e.done} of {e.total} pairs back-translated and kept" if e.done else ""
        raise ModelCheckFailed(
            f"back-translation service unreachable: {e.provider}: {e.reason}{kept}",
            hint=f"Check the network{variable}, or retry later; the article's flags are unchanged",
        ) from e
    except translate.TranslationError as e:
        raise ModelCheckFailed(
            f"back-translation failed: {e}", hint="Choose another --back-translate provider"
        ) from e
    if run.missing:
        options.notice(
            f"back-translation ({provider}): {run.missing} pairs not in the cache were skipped; "
            f"`readnotes check {article.slug} --back-translate {provider}` sends them"
        )
    return run.flags


def _suspect_beads(article: Article, flags: list) -> set[int]:
    """Beads that a check flagged (warning or error) or the aligner scored low."""
    out = {i for i, b in enumerate(article.beads) if b.en and b.ko and b.score < checks.coverage.LOW_SCORE}
    flagged = [f for f in flags if f.severity in ("error", "warning")]
    for i, b in enumerate(article.beads):
        if any(set(f.ko) & set(b.ko) or set(f.en) & set(b.en) for f in flagged):
            out.add(i)
    return out


def _review_cache(ws: Workspace):
    from pipeline.stages import llm
    from pipeline.store import llm as llm_store

    return llm.ReviewCache(
        lookup=partial(llm_store.lookup_review, ws.db), save=partial(llm_store.put_review, ws.db)
    )


def _llm_review(
    ws: Workspace, article: Article, termbase: terms.TermBase, only: set[int] | None, options: ModelChecks
) -> tuple[str, dict]:
    """Plan (and announce the cost), then send the uncached pairs; (model, errors per bead index)."""
    from pipeline.stages import llm

    settings = llm.LLMSettings.from_env()
    cache = _review_cache(ws)
    plan = llm.plan_review(article, settings.model, cache, termbase, settings.batch_size, only)
    options.notice(f"{article.slug}: {plan.describe()}")
    max_pairs = options.llm_max_pairs if options.llm_max_pairs is not None else llm.DEFAULT_MAX_PAIRS
    outcome = llm.run_review(
        article,
        plan,
        llm.ChatClient(settings),
        cache,
        termbase,
        max_pairs,
        options.on_batch or translate.no_block_progress,
    )
    found = sum(len(e) for e in outcome.errors.values())
    text = f"{article.slug}: llm found {found} errors in {len(plan.pairs)} pairs ({outcome.sent} sent)"
    if outcome.dropped:
        text += f"; {outcome.dropped} spans found in no pair were dropped"
    if outcome.unreadable:
        text += f"; {outcome.unreadable} answers held no readable JSON (not cached: a re-run asks again)"
    options.notice(text)
    return settings.model, outcome.errors


def back_translate_pair(ws: Workspace, flag: Flag, provider: str) -> str:
    """What the flagged pair's Korean says in English (review's `b` key), cached like every
    translation; a failure is a ModelCheckFailed line."""
    try:
        return translate.back_translate(flag.ko_text, provider, translation_cache(ws))
    except translate.TranslationError as e:
        raise ModelCheckFailed(
            f"back-translation failed: {e}", hint="Try again later, or another provider"
        ) from e


def llm_review_pair(ws: Workspace, flag: Flag) -> list:
    """The LLM reviewer's errors on the flagged pair alone (review's `l` key): sends it unless the
    answer is cached; the errors are shown, and a later `check --llm` stores them as flags."""
    from pipeline import store

    article = store.load_article(ws.db, flag.slug)
    beads = [i for i, b in enumerate(article.beads) if b.ko == flag.ko and b.en == flag.en]
    if not beads:
        return []
    _model, errors = _llm_review(ws, article, load_termbase(ws), set(beads), ModelChecks(llm=True))
    return [e for i in beads for e in errors.get(i, [])]

"""app: one function per command, the only thing the CLI calls. It runs the stages, hands what they
computed to the store, and writes the outputs; it holds no SQL and prints nothing.

One module per command group, like the CLI: articles (add, align, check), searching (search), library (list,
show), sheets (sheet, export), vocab, terms, review (flags, review).

Names are imported on first use (PEP 562 ``__getattr__``): `app.article_summaries` loads
app.library and the store, not the aligner, spaCy or Kiwi that `app.add` needs, so a command that
only reads notes.db starts fast.
"""

from __future__ import annotations

import importlib

#: Where each public name lives: its module under pipeline.app (or pipeline.workspace).
EXPORTS: dict[str, tuple[str, ...]] = {
    "pipeline.app.articles": (
        "Alignment",
        "ArticleReport",
        "MissingKorean",
        "add",
        "add_article",
        "align_files",
        "article_report",
        "build_article",
        "check",
        "check_article",
        "dictionary_scorer",
        "english_sides",
        "index_article",
        "term_uses",
        "translator",
    ),
    "pipeline.app.doctor": ("Check", "diagnose"),
    "pipeline.app.library": ("article_summaries", "slugs"),
    "pipeline.app.searching": ("index_unindexed", "search", "search_results"),
    "pipeline.app.meaning": (
        "ModelCheckFailed",
        "ModelChecks",
        "back_translate_pair",
        "llm_review_pair",
        "model_check_flags",
        "record_model_checks",
        "translation_cache",
    ),
    "pipeline.app.progress": ("Progress", "no_progress"),
    "pipeline.app.review": (
        "decide",
        "decision_history",
        "fix_mismatch",
        "flag_views",
        "promote",
        "review_queue",
    ),
    "pipeline.app.sheets": (
        "export_article",
        "load_full_article",
        "sheet_notes",
        "write_file",
        "write_sheet",
    ),
    "pipeline.app.terms": (
        "add_term",
        "edit_term",
        "find_terms",
        "harvest",
        "import_terms",
        "import_terms_file",
        "load_termbase",
        "remove_term",
        "terms_tsv",
    ),
    "pipeline.app.vocab": (
        "RetagSummary",
        "add_vocab",
        "add_vocab_term",
        "import_vocab",
        "retag",
        "set_vocab_status",
        "vocab_list",
        "vocab_occurrences",
    ),
    "pipeline.workspace": ("Workspace",),
}
_HOME = {name: module for module, names in EXPORTS.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:  # `from pipeline.app import doctor` then imports the submodule
        raise AttributeError(f"module 'pipeline.app' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))

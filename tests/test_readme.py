"""The README's command outputs are real runs (cog blocks, see tests/readme_runs.py): this fails when
readnotes' output changed and the README was not regenerated with `make readme`."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

cogapp = pytest.importorskip("cogapp", reason="cogapp is in the test extra: pip install -e '.[test]'")

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_outputs_are_current() -> None:
    text = README.read_text("utf-8")
    generator = cogapp.Cog()
    generator.options.replace_code = True  # -r: regenerate what is between the markers
    regenerated = generator.process_string(text, fname=str(README))
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True), regenerated.splitlines(keepends=True), "README.md", "regenerated"
        )
    )
    assert not diff, f"README.md is stale; run `make readme` and commit it:\n{diff}"

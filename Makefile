# Two entry points for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo install test test-slow lint bench readme clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/readnotes add raw/karpathy-2025.en.md
	@echo
	@echo "readnotes is installed in .venv. To run it, either:"
	@echo "  source .venv/bin/activate      # then: readnotes --help"
	@echo "  .venv/bin/readnotes --help"
	@echo "  make install                   # puts readnotes on your PATH (pipx)"
	@echo
	@echo "To read and review in your browser: .venv/bin/readnotes serve --open"

# readnotes on PATH for every shell, in its own venv: pipx (or `uv tool install --editable .`).
install:
	@command -v pipx >/dev/null || { echo "make install needs pipx: apt-get install pipx (or: uv tool install --editable .)"; exit 1; }
	pipx install --force --editable .

# The fast suite; test-slow runs the cases marked slow (real processes, the browser, stress inputs).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m "not slow"

test-slow: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m slow

lint: $(VENV)/.installed-test
	$(BIN)/ruff check pipeline tests benchmarks

# The README's command outputs are real runs (cog blocks); tests/test_readme.py fails when they are stale.
readme: $(VENV)/.installed-test
	$(BIN)/cog -r -I tests README.md

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.align_dev --aligner both
	$(BIN)/python -m benchmarks.vocab_tagging

clean:
	rm -rf $(VENV) notes.db notes.db-* aligned/*.jsonl aligned/*.tsv \
		exports/*.md exports/*.html exports/*.tmx exports/*.tsv exports/*.apkg exports/*.pdf

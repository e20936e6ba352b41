# Two entry points for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

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

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check pipeline tests benchmarks

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.align_dev --aligner both
	$(BIN)/python -m benchmarks.vocab_tagging

clean:
	rm -rf $(VENV) notes.db aligned/*.jsonl aligned/*.tsv exports/*.md exports/*.html

# Two commands a newcomer needs: `make run` and `make test`. Both install first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps run test lint typecheck bench clean

# apertium (translation) and hunspell dictionaries (the quality gate) come from the system's packages; the script
# installs them with apt-get when run as root, is a no-op when they are present, and says what to install otherwise.
system-deps:
	bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "polywire needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

run: install
	$(BIN)/polywire serve

test: install
	$(BIN)/ruff check src tests bench examples
	$(BIN)/mypy
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/webhook_fanout.py
	$(BIN)/python bench/qa_gate.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

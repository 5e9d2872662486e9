# Les deux commandes du README : « make lab » (ouvrir le cours) et « make test ».
# Chacune crée l'environnement virtuel .venv et y installe le cours au premier appel.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installe

# nbgrader lance l'exécutable « alembic » : le bin/ de l'environnement doit être dans le PATH.
export PATH := $(BIN):$(PATH)

.PHONY: install lab test book book-pdf clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/cpts-training lab

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadfile

book: $(STAMP)
	$(BIN)/cpts-training book

# The whole book in one PDF as well (printed by Chromium: Debian package « chromium »).
book-pdf: $(STAMP)
	$(BIN)/cpts-training book --pdf

clean:
	rm -rf $(VENV) book/_build .pytest_cache .ruff_cache

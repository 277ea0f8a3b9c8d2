# ServiceFit. `make run` starts the product with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint typecheck contracts pytest install install-dev build bench loadtest faulttest eval-language train-language messages clean help

help:
	@echo "make run            start ServiceFit with demo data at http://$(HOST):$(PORT)"
	@echo "make test           ruff, mypy, import contracts and the whole pytest suite"
	@echo "make loadtest       simulated candidates against servicefit serve (SQLite, PostgreSQL, 2+2)"
	@echo "make faulttest      kill -9 of web server and worker, database restart, big import"
	@echo "make bench          benchmarks (scoring, written-reply analysis, page timings at 100/1k/10k)"
	@echo "make eval-language  evaluate the written-reply analysis on the development set (held out)"
	@echo "make train-language retrain the shipped sentence model and rating model from the development set"
	@echo "make messages       extract translatable strings into the .po files"

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv (needed to create .venv)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	    $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "Could not create $(VENV): install the venv module (sudo apt-get install python3-venv)"; exit 1; \
	  fi; }

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(DEV_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

build: install
	@$(BIN)/servicefit compilemessages
	@$(BIN)/python -W ignore::RuntimeWarning -m servicefit.language.lemmas >/dev/null

# The demo keeps its database and key in the checkout (ignored by git); installed copies use
# the per-user default (see docs/operations.md).
run: export SERVICEFIT_DATA_DIR ?= $(CURDIR)/data
run: export SERVICEFIT_SITE_URL ?= http://$(HOST):$(PORT)
run: export SERVICEFIT_OUTBOUND_ALLOW ?= 127.0.0.1,::1
run: build
	$(BIN)/servicefit manage migrate --no-input
	$(BIN)/servicefit manage collectstatic --no-input -v 0
	$(BIN)/servicefit demo --skip-if-other-data
	@echo "Starting ServiceFit at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@$(BIN)/servicefit manage task_worker --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/servicefit manage runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check src tests benchmarks evaluation loadtest examples
	$(BIN)/ruff format --check src tests benchmarks evaluation loadtest examples

typecheck: build install-dev
	$(BIN)/mypy

contracts: install-dev
	$(BIN)/lint-imports

pytest: build install-dev
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test: lint typecheck contracts pytest

bench: build
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Not part of `make test`: they start real servers on ports 8110-8150 and take minutes.
# PostgreSQL runs in a throw-away cluster of its own (initdb) on port 8150.
LOADTEST_ARGS ?=
loadtest: build install-dev
	$(BIN)/python loadtest/loadtest.py --db sqlite $(LOADTEST_ARGS)
	$(BIN)/python loadtest/loadtest.py --db postgresql $(LOADTEST_ARGS)
	$(BIN)/python loadtest/loadtest.py --db postgresql --servers 2 --task-workers 1 $(LOADTEST_ARGS)
	@echo "== throughput: the same 50 candidates without think time (target >= 500 saves/s)"
	$(BIN)/python loadtest/loadtest.py --db postgresql --think 0 --answers 100 $(LOADTEST_ARGS)

faulttest: build install-dev
	$(BIN)/python loadtest/faulttest.py --db sqlite $(LOADTEST_ARGS)
	$(BIN)/python loadtest/faulttest.py --db postgresql $(LOADTEST_ARGS)
	$(BIN)/python loadtest/faulttest.py --db postgresql --servers 2 --task-workers 1 --only web-kill worker-kill $(LOADTEST_ARGS)

eval-language: build
	$(BIN)/python evaluation/language/evaluate.py

# The ratings learn from the signals, so they are refitted after the sentence model.
train-language: build
	$(BIN)/python -m servicefit.language.train
	$(BIN)/python -m servicefit.language.train_ratings

messages: install-dev
	cd src/servicefit && ../../$(BIN)/servicefit manage makemessages --all --no-obsolete --no-location -i "content/*"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

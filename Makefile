# lixia_econ: two commands a fresh machine needs (Python 3.11 and make only).
#   make report   create the environment, build data/processed/, run the default Lixia report
#   make test     create the environment, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: env data report test lint format bench lab clean

env: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

data: env
	$(BIN)/lixia-econ build

report: data
	$(BIN)/lixia-econ report

test: env
	$(BIN)/python -m pytest

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: env
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: env
	$(BIN)/python benchmarks/run_all.py

lab: env
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf data/processed/*.parquet data/processed/*.csv reports/*/

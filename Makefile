# lixia_econ: two commands a fresh machine needs (Python 3.11 and make only).
#   make report   create the environment, build data/processed/, run the default Lixia report
#   make test     create the environment, run the whole test suite
#   make test-fast  the suite less slow, notebooks and browser tests (a quick loop)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: env data report test test-fast system-deps lint format bench lab clean

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

# Debian's chromium, CJK fonts and poppler-utils: installed as root, else a one-line stop
system-deps:
	bash scripts/system-deps

# two pytest workers, one test file each at a time (module fixtures are set up once): the
# suite took 13 min in one process and 7 min on two, on the 2-core machine (issue 10)
PYTEST_WORKERS ?= 2

test: system-deps env
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# the quick loop while developing: no simulations, kernels or browser (CI runs everything)
test-fast: env
	$(BIN)/python -m pytest -m "not slow and not notebooks and not browser"

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
	rm -rf data/processed/* data/processed/.v-* data/processed/.tmp-* reports/*/

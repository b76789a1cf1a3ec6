# gov-disclosure: `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_N ?= 2000
export DAGSTER_HOME := $(CURDIR)/.dagster
# Dagster writes a step's per-partition events in batches (stored in one transaction by gov_pipeline/event_log.py)
export DAGSTER_EVENT_BATCH_SIZE := 1000

.PHONY: venv demo test dev bench clean

# (Re)create the virtualenv when it is missing or older than pyproject.toml.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing into $(VENV) (log: $(VENV)/pip.log) ..."
	@$(BIN)/python -m pip install -q --upgrade pip > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@$(BIN)/python -m pip install -q -e '.[dev]' >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/python -m gov_pipeline.demo

test: venv
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/python -m pytest -q

dev: venv
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

bench: venv
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/python -m gov_pipeline.bench --n $(BENCH_N)

clean:
	rm -rf warehouse .dagster/storage .dagster/history .dagster/schedules .dagster/logs bench/work

# gov-disclosure: `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_N ?= 2000
export DAGSTER_HOME := $(CURDIR)/.dagster
# every command runs in the project's virtualenv (dg checks that the active one is the project's)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
# Dagster writes a step's per-partition events in batches (stored in one transaction by gov_pipeline/event_log.py)
export DAGSTER_EVENT_BATCH_SIZE := 1000

.PHONY: venv bytecode browser demo test dev sql bench eval-real clean

# (Re)create the virtualenv when it is missing or older than pyproject.toml.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing into $(VENV) (log: $(VENV)/pip.log) ..."
	@$(BIN)/python -m pip install -q --upgrade pip > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@$(BIN)/python -m pip install -q -e '.[dev]' >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@touch $(STAMP)

venv: $(STAMP)

# Bytecode of the package, written as pip writes it for an installed package (this checkout is installed
# editable, and PYTHONDONTWRITEBYTECODE may be set): every Dagster run is a fresh process that would
# otherwise recompile gov_pipeline from source (~0.1 s). Up-to-date files are skipped.
bytecode: venv
	@$(BIN)/python -m compileall -q gov_pipeline

demo: bytecode
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/python -m gov_pipeline.demo

# A headless browser for the test of the agency pages (tests/test_agency_pages.py): Chromium from the Debian
# packages, installed when it is missing and this runs as root with apt-get. Never fails: without a browser that
# test is skipped, with the reason.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian package) for the browser test ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: the browser test will be skipped"; \
	  else echo "chromium not found (and not root with apt-get to install it): the browser test will be skipped"; fi; \
	} || true

# `dg check defs` loads the code location as `dg dev` does (pyproject's [tool.dg]); then the tests
test: bytecode browser
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/dg check defs
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

dev: bytecode
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/dg dev -h 127.0.0.1 -p 3000

# a DuckDB shell on the analysts' copy of the warehouse (`.read warehouse/attach.sql` re-opens the newest copy)
sql: venv
	@$(BIN)/duckdb -init "$$($(BIN)/python -c 'from gov_pipeline.settings import get_settings; print(get_settings().read_copy.with_name("attach.sql"))')"

bench: bytecode
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/python -m gov_pipeline.bench --n $(BENCH_N)

# scores on the real reports of ../shared/real/ (figures, metadata, table cells) -> bench/real_results.json
eval-real: bytecode
	$(BIN)/python -m gov_pipeline.evalreal

clean:
	rm -rf warehouse .dagster/storage .dagster/history .dagster/schedules .dagster/logs bench/work

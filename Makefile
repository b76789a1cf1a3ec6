# gov-disclosure: `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_N ?= 2000
export DAGSTER_HOME := $(CURDIR)/.dagster
# every command runs in the project's virtualenv (dg checks that the active one is the project's)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)

.PHONY: venv browser postgres demo test dev sql bench eval-real clean

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

# $(call debian_package,<package>,<test>): install a Debian package a test needs when this runs as root with
# apt-get. Never fails: without the package that test is skipped, with the reason.
debian_package = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing $(1) (Debian package) for $(2) ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null) \
	    || echo "could not install $(1): $(2) will be skipped"; \
	else echo "$(1) not found (and not root with apt-get to install it): $(2) will be skipped"; fi

# A headless browser for the test of the agency pages (tests/test_agency_pages.py).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { $(call debian_package,chromium,the browser test); } || true

# A PostgreSQL server for the test of the postgres instance profile (tests/test_instance_profiles.py starts a
# throwaway one with initdb and pg_ctl), when neither is on PATH nor in /usr/lib/postgresql/*/bin.
postgres:
	@{ command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; } || \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { $(call debian_package,postgresql,the postgres instance test); } || true

# `dg check defs` loads the code location as `dg dev` does (pyproject's [tool.dg]); then the tests, on instances
# of their own (SQLite; the postgres profile's test starts its own server), never the GOV_DAGSTER_PG_URL database
test: venv browser postgres
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/dg check defs
	env -u GOV_DAGSTER_STORAGE -u GOV_DAGSTER_PG_URL $(BIN)/python -m pytest -q -n 2 --dist loadfile

dev: venv
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/dg dev -h 127.0.0.1 -p 3000

# a DuckDB shell on the analysts' copy of the warehouse (`.read warehouse/attach.sql` re-opens the newest copy)
sql: venv
	@$(BIN)/duckdb -init "$$($(BIN)/python -c 'from gov_pipeline.settings import get_settings; print(get_settings().read_copy.with_name("attach.sql"))')"

bench: venv
	@$(BIN)/python -m gov_pipeline.instance >/dev/null
	$(BIN)/python -m gov_pipeline.bench --n $(BENCH_N)

# scores on the real reports of ../shared/real/ (figures, metadata, table cells) -> bench/real_results.json
eval-real: venv
	$(BIN)/python -m gov_pipeline.evalreal

clean:
	rm -rf warehouse .dagster/storage .dagster/history .dagster/schedules .dagster/logs bench/work

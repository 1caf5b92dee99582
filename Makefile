# Sunshine Village Portal (阳光村务)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app portal

.PHONY: run install lint test test-sqlite test-postgres test-stack translations migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations -f >/dev/null

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo --if-empty

run: seed
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Tests that never touch the database; the PostgreSQL run leaves them out.
DB_FREE := --ignore=tests/core/test_sanitize.py --ignore=tests/disclosures/test_decisions.py --ignore=tests/disclosures/test_tables.py --ignore=tests/complaints/test_deadlines.py \
	--ignore=tests/records/test_diff.py --ignore=tests/records/test_xss_everywhere.py

# The layers of the code (import-linter contracts in pyproject.toml) and ruff's rules, with zero findings.
lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .

# The browser tests' JavaScript tooling (axe-core), from package-lock.json, once per lock change.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the accessibility scan (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --silent
	touch $@

# The whole suite on SQLite (browser journeys included), then again on PostgreSQL when
# TEST_DATABASE_URL is set, with the production-stack tests (tests/stack/: nginx + TLS, two gunicorn
# nodes, PostgreSQL, Redis) running beside that second pass: the stack spends most of its time
# starting servers and waiting on Chromium, so the two share the cores well. Two workers: the
# machines have two cores. The stack tests need TEST_DATABASE_URL and TEST_REDIS_URL and skip with
# the reason otherwise (under CI=true they fail instead). They run in a process of their own so
# the stack starts once (pytest-xdist's loadgroup does not group tests under pytest 9.2: xdist 3.8
# renames `_nodeid`, which pytest no longer reads).
test: lint node_modules/.installed
	$(BIN)/python -m pytest -q -n 2 --ignore=tests/stack
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		log=$$(mktemp); $(BIN)/python -m pytest -q tests/stack >"$$log" 2>&1 & stack=$$!; \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL), the production stack beside it =="; \
		PORTAL_TEST_BACKEND=postgres $(BIN)/python -m pytest -q -n 2 -m "not browser and not stack" \
			--ignore=tests/stack $(DB_FREE); pg=$$?; \
		wait $$stack; stack_status=$$?; echo "== the production stack (tests/stack) =="; cat "$$log"; rm -f "$$log"; \
		[ $$pg -eq 0 ] && [ $$stack_status -eq 0 ]; \
	else \
		$(BIN)/python -m pytest -q tests/stack && echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; \
	fi

# Only the production-stack tests (for working on deployment).
test-stack: install node_modules/.installed
	$(BIN)/python -m pytest -q tests/stack

# make bench [BENCH_SIZES=demo,3000] [BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
#            [BENCH_SECONDS=4] [BENCH_SCENARIOS=hello,village_cold] [BENCH_OUT=instance/bench.json]
bench: install
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_PG_URL="$(BENCH_PG_URL)" BENCH_SECONDS="$(BENCH_SECONDS)" \
	BENCH_SCENARIOS="$(BENCH_SCENARIOS)" BENCH_OUT="$(BENCH_OUT)" BENCH_CONNECTIONS="$(BENCH_CONNECTIONS)" \
	$(BIN)/python -m bench

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) node_modules instance/portal.sqlite3*

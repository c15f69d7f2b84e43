# Công khai TTHC: `make run` serves the demo site, `make test` runs every test, `make check` lints.
VENV    := .venv
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
HTMX    := 2.0.11
AXE     := 4.14.1
VENDOR  := app/static/vendor
MO      := app/translations/en/LC_MESSAGES/messages.mo
SECRET  := instance/secret_key
PYTHON  ?= python3
LOCK    := requirements.lock
# requirements.txt and requirements-dev.txt name the direct dependencies; the lock resolves them
# with every transitive one, for any platform and Python 3.11+, each file with its hashes. uv is
# pinned in the lock itself, so re-locking runs the locked uv.
UV_LOCK := $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
  --custom-compile-command "make lock" requirements-dev.txt

.PHONY: install lock check run serve test test-fast bench bench-scale screenshots load stack load-stack translations clean

install: $(VENV)/.installed $(VENDOR)/htmx.min.js tests/vendor/axe.min.js $(MO)

# Exactly the lock: pip refuses any file whose hash is not in it.
$(VENV)/.installed: $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	touch $@

# After editing requirements*.txt: resolve the lock again, keeping every pin that still fits
# (`make lock UPGRADE=1` takes the newest of everything), then `make install` installs it.
lock: $(VENV)/.installed
	$(UV_LOCK) $(if $(UPGRADE),--upgrade) -o $(LOCK)

# Lint, format and types (settings in pyproject.toml), and a lock that matches requirements*.txt.
# Every check runs, so that one pass shows everything to mend; any failure fails the target.
check: install
	@failed=""; \
	$(VENV)/bin/ruff check . || failed="$$failed ruff-check"; \
	$(VENV)/bin/ruff format --check --output-format concise . || failed="$$failed ruff-format"; \
	$(VENV)/bin/mypy || failed="$$failed mypy"; \
	cp $(LOCK) $(VENV)/lock-check.txt && $(UV_LOCK) -o $(VENV)/lock-check.txt \
	  && cmp -s $(LOCK) $(VENV)/lock-check.txt \
	  || { echo "$(LOCK) does not match requirements*.txt: run make lock"; failed="$$failed lock"; }; \
	if [ -n "$$failed" ]; then echo "make check failed:$$failed"; exit 1; fi

# Front-end assets come from the npm registry at set-up time; none are committed.
$(VENDOR)/htmx.min.js:
	mkdir -p $(VENDOR)
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent htmx.org@$(HTMX) >/dev/null \
	  && tar -xzf htmx.org-$(HTMX).tgz package/dist/htmx.min.js package/LICENSE \
	  && cp package/dist/htmx.min.js $(CURDIR)/$(VENDOR)/htmx.min.js \
	  && cp package/LICENSE $(CURDIR)/$(VENDOR)/htmx.LICENSE && rm -rf $$tmp

# axe-core, the accessibility engine the browser tests run inside each page.
tests/vendor/axe.min.js:
	mkdir -p tests/vendor
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@$(AXE) >/dev/null \
	  && tar -xzf axe-core-$(AXE).tgz package/axe.min.js package/LICENSE \
	  && cp package/axe.min.js $(CURDIR)/tests/vendor/axe.min.js \
	  && cp package/LICENSE $(CURDIR)/tests/vendor/axe.LICENSE && rm -rf $$tmp

$(MO): app/translations/en/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d app/translations -f

$(SECRET):
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

run: install $(SECRET)
	export SECRET_KEY=$$(cat $(SECRET)) TTHC_DEMO=1 SESSION_COOKIE_SECURE=0 \
	  && $(FLASK) db upgrade \
	  && $(FLASK) seed-demo --if-empty \
	  && $(FLASK) search sync \
	  && OUTBOX_IN_PROCESS=1 $(FLASK) run --host 127.0.0.1 --port 5000

# Production serving: gunicorn, WORKERS processes on BIND. Needs SECRET_KEY; the workers share
# their rate-limit counts in a SQLite file unless RATELIMIT_STORAGE_URI names Redis (several
# machines need Redis); set TRUSTED_PROXIES behind a load balancer.
WORKERS ?= 4
BIND ?= 127.0.0.1:8000
RATELIMIT_STORAGE_URI ?= sqlite:///$(CURDIR)/instance/ratelimits.sqlite3
serve: install
	export RATELIMIT_STORAGE_URI="$(RATELIMIT_STORAGE_URI)" && $(FLASK) db upgrade && $(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(BIND) \
	  --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}" wsgi:app

test: install
	$(VENV)/bin/pytest

# The unit and HTTP tests, on both cores: not the demo seeding, the browser or the real corpus.
test-fast: install
	$(VENV)/bin/pytest -n 2 --dist loadscope -m "not slow and not browser and not corpus"

# The demo behind 4 gunicorn workers on loopback: throughput beside static files, p95, and faults
# (a worker killed, the index deleted, concurrent writes). LOAD_SECONDS per phase, default 15.
load: install
	$(PY) -m benchmarks.load

# The production stack of SPEC §8 on loopback (nginx, two gunicorn nodes, PostgreSQL 15, Redis; the
# Debian packages nginx, redis-server, postgresql-15), the demo loaded once under STACK_DIR.
stack: install
	$(PY) -m deploy.stack

# The load mix and its faults against a fresh stack: slow clients, a node killed, Redis and
# PostgreSQL restarted; fails on an error outside an outage or any acknowledged feedback lost.
load-stack: install
	$(PY) -m benchmarks.load --stack

# PNGs of every public page type at 1280 and 360 pixels on the demo data, in screenshots/.
screenshots: install
	$(PY) -m tests.screenshots

# Every figure: the demo's late tables, publishing a month of the demo and of ten times the demo (on
# PostgreSQL too when DATABASE_URL names a server), search on 5,739 procedures beside FTS5, then about 60,000
# procedures (23 provinces' variants of the national records): 35 minutes or so in all.
bench: install
	$(PY) -m benchmarks
	$(PY) -m benchmarks.scale

# Only the 60,000 procedures: import with indexing, then search over HTTP (about 8 minutes).
bench-scale: install
	$(PY) -m benchmarks.scale

# Re-extract the UI strings after changing templates or code, then translate messages.po.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o app/translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) $(VENDOR)

# The two commands: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export SAMIZDAT_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test test-sqlite test-postgres bench lint clean system-test-deps messages

# Debian splits venv out of Python; install it when it is missing (as root, or with sudo).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); ./scripts/apt-install python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# HOST and PORT reach every step, so the demo is published for the address it is served on
# (settings.py derives SITE_URL from them when it is not set).
run: export HOST := $(HOST)
run: export PORT := $(PORT)
# The demo takes test payments (no money moves); serve says so. A live site leaves them off.
run: export SUPPORT_TEST_PAYMENTS ?= 1
# The demo's users share a published password; an authenticator app would guard nothing there, and
# would stand between a first look and the admin. load_demo says so when it prints the login.
run: export STAFF_REQUIRE_2FA ?= false
run: $(VENV)/.installed
	$(BIN)/samizdat migrate --noinput --verbosity 0
	$(BIN)/samizdat collectstatic --noinput --verbosity 0
	$(BIN)/samizdat load_demo
	$(BIN)/samizdat serve --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests and PostgreSQL for the second database run.
system-test-deps:
	./scripts/install-test-deps

# The suite on SQLite, then on a throwaway PostgreSQL (docs/testing.md). Extra pytest arguments:
# make test PYTEST_ARGS="-x -k feed". Without the exported SAMIZDAT_VAR_DIR, tests/isolation.py
# gives the run its own temporary var/, so tests never touch the site's.
test: $(VENV)/.installed-test system-test-deps
	env -u SAMIZDAT_VAR_DIR ./scripts/run-tests $(PYTEST_ARGS)

test-sqlite: $(VENV)/.installed-test system-test-deps
	env -u SAMIZDAT_VAR_DIR -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test system-test-deps
	env -u SAMIZDAT_VAR_DIR ./scripts/with-postgres $(BIN)/pytest $(PYTEST_ARGS)

# The interface's catalogues (docs/translation.md): new strings into every locale's .po, then the
# .mo files the site reads (committed, so a deploy needs no gettext). Run from src/samizdat, so
# only our code is scanned.
messages: $(VENV)/.installed
	./scripts/apt-install gettext
	cd src/samizdat && ../../$(BIN)/samizdat makemessages --all --no-location
	cd src/samizdat && ../../$(BIN)/samizdat compilemessages

# Benchmarks (bench/README.md): wrk, nginx and postfix from Debian, then each script; results in bench/results/.
bench: $(VENV)/.installed-test
	./scripts/apt-install wrk nginx
	./scripts/apt-install postfix || echo "bench: no postfix; the newsletter bench leaves Postfix out"
	$(BIN)/python -m bench.publishing
	$(BIN)/python -m bench.newsletter
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.wordpress_import

clean:
	rm -rf $(VENV) var

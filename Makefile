# Two entry points a newcomer needs: `make run` and `make test`. Both build .venv on demand.
# `make image` builds the container image (Containerfile); `make test-image` runs it for real.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.example.toml

.PHONY: run test test-slow test-fast test-clock test-install test-image lint typecheck bench dist \
	image install uninstall clean

# `sudo make install`: a virtual environment under PREFIX made with the system's Python, the
# unit in UNITDIR with every path in it (ExecStart, the configuration, the credentials, the state
# directory) rewritten to these variables, and the example configuration in CONFDIR unless one is
# there, its roster and state in STATEDIR. DESTDIR stages everything under another root (for
# packaging and for the test); a virtual environment is not relocatable, so a staged one runs
# only where it was staged. README.md, "Install as a service", names each variable.
PREFIX ?= /opt/renewd
DESTDIR ?=
SYSPYTHON ?= /usr/bin/python3
CONFDIR ?= /etc/renewd
UNITDIR ?= /etc/systemd/system
# The unit's StateDirectory, so under /var/lib: the database and the feed key, and the roster,
# since under ProtectSystem=strict and DynamicUser=yes it is the one place the service may write
# (the console's roster upload replaces the file there).
STATEDIR ?= /var/lib/renewd
ROSTERDIR ?= $(STATEDIR)/roster
# What pip installs into PREFIX: this source tree, or a wheel built by `make dist`.
PACKAGE ?= .

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgresql]'
	touch $(STAMP)

# `make run` works on ./renewd.toml: the example config with its state in ./state (the example
# keeps it in /var/lib/renewd, as installed), so `renewd done -c renewd.toml ...` and the other
# commands reach the running daemon's state. Written once; yours to edit.
LOCAL ?= renewd.toml
$(LOCAL):
	sed -e 's|^dir = "/var/lib/renewd"$$|dir = "state"                    # ./state, beside this file|' \
	    $(CONFIG) > $@
	@echo "wrote $@ (the example config, state in ./state): use renewd COMMAND -c $@"

run: $(STAMP) $(LOCAL)
	$(BIN)/renewd plan -c $(LOCAL)
	$(BIN)/renewd feeds -c $(LOCAL)
	$(BIN)/renewd user demo -c $(LOCAL)
	@echo "other commands on this daemon's state: .venv/bin/renewd COMMAND -c $(LOCAL)"
	$(BIN)/renewd run -c $(LOCAL)

# ruff, mypy, then every test but those marked `slow`, browser tests included: under 5 minutes on
# 2 cores. Most tests wait on sockets and subprocesses, so 4 workers; --durations shows what grew.
PYTEST_WORKERS ?= 4
test: $(STAMP) lint typecheck
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --durations=25

# The tests that need more than 20 s each: install, crashes, long daemons (CI runs these too).
# One worker per test file, so the install tests build the wheel and sdist once, in one place.
test-slow: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile -m slow --durations=25

# While iterating: the units only (no daemon, subprocess, server or browser), under 30 seconds.
test-fast: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not slow and not integration and not browser and not image"

# Time bombs: the suite (browser and real_clock tests aside) again with the clock moved by libfaketime to
# inside Spring Festival 2027 before send_at (08:10 in Shanghai), and to the next year's estimate
# season. Every test runs at the frozen RENEWD_NOW, so one that still reads the wall clock fails.
CLOCK_DAYS ?= "2027-02-08 00:10:00 UTC" "2027-11-15 06:00:00 UTC"
test-clock: $(STAMP)
	@command -v faketime >/dev/null || { echo "test-clock needs Debian's faketime"; exit 1; }
	for day in $(CLOCK_DAYS); do \
	    echo "== the wall clock at $$day"; \
	    PYTHONPATH=$(CURDIR)/tests/faketime FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$$day" \
	        $(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not slow and not browser and not real_clock and not image" \
	            -p no:cacheprovider \
	        || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src
	$(BIN)/mypy tests

# Only the install tests: the wheel, the sdist and `make install DESTDIR=...` in fresh venvs.
test-install: $(STAMP)
	$(BIN)/pytest -q -m install tests/test_install.py

bench: $(STAMP)
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/feeds.py

dist: $(STAMP)
	$(BIN)/python -m build --outdir dist .

# `make image`: the container image $(IMAGE) from the Containerfile, with podman (docker if there
# is no podman); README.md, "Run it in a container". podman's `--format docker` keeps the
# HEALTHCHECK. IMAGE_FLAGS: more build options (CI adds its machine's, .ci/run).
CONTAINER ?= $(notdir $(or $(shell command -v podman 2>/dev/null),$(shell command -v docker 2>/dev/null),podman))
IMAGE ?= renewd
IMAGE_FLAGS ?=
image:
	$(CONTAINER) build $(if $(filter podman,$(CONTAINER)),--format docker) $(IMAGE_FLAGS) \
	    -t $(IMAGE) -f Containerfile .

# The image for real, with podman (tests/test_image.py): run as README.md says and checked from
# the host (a feed, the console's sign-in page, mail to an SMTP server on the host, a restart that
# sends nothing again, the healthcheck, a clean stop on SIGTERM).
test-image: $(STAMP) image
	RENEWD_TEST_IMAGE=$(IMAGE) $(BIN)/pytest -q -p no:xdist -m image tests/test_image.py

install:
	@case "$(STATEDIR)" in /var/lib/?*) ;; *) \
	    echo "STATEDIR=$(STATEDIR): the unit's StateDirectory must be under /var/lib"; exit 2;; esac
	$(SYSPYTHON) -m venv --clear $(DESTDIR)$(PREFIX)
	$(DESTDIR)$(PREFIX)/bin/pip install --quiet --upgrade pip
	$(DESTDIR)$(PREFIX)/bin/pip install --quiet $(PACKAGE)
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CONFDIR) $(DESTDIR)$(PREFIX)/share/doc/renewd
	sed -e 's|/opt/renewd/|$(PREFIX)/|g' -e 's|/etc/renewd/|$(CONFDIR)/|g' \
	    -e 's|/var/lib/renewd|$(STATEDIR)|g' \
	    -e 's|^StateDirectory=renewd$$|StateDirectory=$(patsubst /var/lib/%,%,$(STATEDIR))|' \
	    $(if $(filter /etc/%,$(CONFDIR)),\
	        -e 's|^ConfigurationDirectory=renewd$$|ConfigurationDirectory=$(patsubst /etc/%,%,$(CONFDIR))|',\
	        -e '/^ConfigurationDirectory=/d') \
	    systemd/renewd.service > $(DESTDIR)$(UNITDIR)/renewd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/renewd.service
	install -m 0644 README.md CHANGELOG.md config.example.toml $(DESTDIR)$(PREFIX)/share/doc/renewd/
	test -e $(DESTDIR)$(CONFDIR)/config.toml || { \
	    sed -e '1s|.*|# renewd configuration, written by `make install` from config.example.toml: yours to edit (installing again keeps it).|' \
	        -e 's|^files = \["examples/people.csv"\] .*|files = ["$(ROSTERDIR)/people.csv"]  # the sample roster: replace it, or upload yours in the console|' \
	        -e 's|^dir = "/var/lib/renewd"$$|dir = "$(STATEDIR)"|' \
	        config.example.toml > $(DESTDIR)$(CONFDIR)/config.toml && \
	    chmod 0644 $(DESTDIR)$(CONFDIR)/config.toml; }
	test -e $(DESTDIR)$(ROSTERDIR)/people.csv || \
	    install -D -m 0644 examples/people.csv $(DESTDIR)$(ROSTERDIR)/people.csv
	@echo "renewd installed in $(DESTDIR)$(PREFIX); configuration in $(DESTDIR)$(CONFDIR)"

# Keeps $(CONFDIR) (your configuration) and $(STATEDIR) (the state and the roster).
uninstall:
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl disable --now renewd || true; fi
	rm -f $(DESTDIR)$(UNITDIR)/renewd.service
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	rm -rf $(DESTDIR)$(PREFIX)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist src/*.egg-info

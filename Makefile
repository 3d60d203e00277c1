# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Kept between checkouts on this machine, as pip's and uv's own caches are: uv itself, by its
# version, and mypy's cache, which mypy checks against the sources it reads. A fresh clone
# then spends no 10 s installing uv nor 30 s type-checking the libraries again.
CACHE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/hva-er-viktig
# uv installs exactly what uv.lock names; it lives outside .venv so that syncing .venv (which
# removes whatever the lock does not list) never removes it. `make lock` updates the lock.
UV_VERSION := 0.13.9
UV := $(CACHE)/uv-$(UV_VERSION)/bin/uv
export UV_PYTHON_DOWNLOADS := never
DS := node_modules/@digdir/designsystemet-css/dist
# Designsystemet components the pages use; one CSS file each, bundled with ours.
DS_PARTS := theme/designsystemet.css src/base.css src/heading.css src/paragraph.css \
	src/link.css src/list.css src/label.css src/fieldset.css src/field.css src/input.css \
	src/button.css src/error-summary.css src/validation-message.css src/alert.css \
	src/table.css
CSS := static/build/app.css
# Files whose URLs carry a content hash (kept a year by browsers), and the map to those names.
HASHED := build/app.css js/respond.js
MANIFEST := static/build/manifest.json
OWN_CSS := static/css/app.css $(filter-out static/css/app.css,$(wildcard static/css/*.css))
MO := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test lint lock alembic-check assets browser extract-messages clean

run: $(VENV)/.installed assets
	$(BIN)/flask --app app demo
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# Two pytest workers (pytest-xdist), as many as the CI machine has cores; the tests that load
# both cores by themselves (tests/test_faults.py) share an xdist_group: one after the other.
JOBS ?= 2
# Python keeps compiled modules (__pycache__, ignored by git) even where the environment
# says not to: without them every worker and every server a test starts compiles the app
# and its libraries again, some 8 s of each process's start.
# The npm packages (`npm ci`) hold the OpenID Connect provider the login tests run in Node
# (tests/oidc/provider.mjs), besides the CSS the assets are built from.
test: export PYTHONDONTWRITEBYTECODE :=
test: $(VENV)/.dev-installed node_modules/.installed assets browser
	$(BIN)/ruff check .
	$(BIN)/mypy --cache-dir $(CACHE)/mypy
	$(MAKE) --no-print-directory alembic-check
	$(BIN)/pytest -q -p no:cacheprovider -n $(JOBS) --dist loadgroup

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

# The models and the schema the migrations make agree: a fresh SQLite database, upgraded.
alembic-check: $(VENV)/.installed
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	export DATABASE_URL="sqlite:///$$d/check.sqlite" && \
	$(BIN)/alembic upgrade head && $(BIN)/alembic check

assets: $(MANIFEST) $(MO)

# Into a folder of its own, then renamed into place: two checkouts may do this at once.
$(UV):
	mkdir -p $(CACHE)
	d=$$(mktemp -d $(CACHE)/uv-new.XXXXXX) && \
	$(PYTHON) -m pip install -q --disable-pip-version-check --root-user-action=ignore \
	  --target $$d uv==$(UV_VERSION) && \
	{ mv -T $$d $(CACHE)/uv-$(UV_VERSION) 2>/dev/null || rm -rf $$d; }

lock: $(UV)
	$(UV) lock --python $(PYTHON)

# --inexact keeps the test tools of a venv that has them; the dev step below is exact.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync -q --locked --inexact --python $(PYTHON)
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(UV) sync -q --locked --extra dev --python $(PYTHON)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(CSS): node_modules/.installed $(OWN_CSS) Makefile
	mkdir -p static/build
	cat $(addprefix $(DS)/,$(DS_PARTS)) $(OWN_CSS) > $@

# Hashed copies, then brotli and gzip variants of everything built, for WhiteNoise to serve
# as they are: nothing is compressed per request.
$(MANIFEST): $(addprefix static/,$(HASHED)) tools/hash_assets.py $(VENV)/.installed
	$(BIN)/python tools/hash_assets.py static $(HASHED)
	$(BIN)/python -m whitenoise.compress -q static/build

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -f -d translations -l $* --use-fuzzy >/dev/null

# Debian's Chromium for the browser tests (a test tool may not download a browser).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -w 100 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -w 100 --no-fuzzy-matching

clean:
	rm -rf $(VENV) node_modules static/build

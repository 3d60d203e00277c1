# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DS := node_modules/@digdir/designsystemet-css/dist
# Designsystemet components the pages use; one CSS file each, bundled with ours.
DS_PARTS := theme/designsystemet.css src/base.css src/heading.css src/paragraph.css \
	src/link.css src/list.css src/label.css src/fieldset.css src/field.css src/input.css \
	src/button.css src/error-summary.css src/validation-message.css src/alert.css \
	src/table.css
CSS := static/build/app.css
OWN_CSS := static/css/app.css $(filter-out static/css/app.css,$(wildcard static/css/*.css))
MO := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test lint assets browser extract-messages clean

run: $(VENV)/.installed assets
	$(BIN)/flask --app app demo
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# Two pytest workers (pytest-xdist), as many as the CI machine has cores; the tests that load
# both cores by themselves (tests/test_faults.py) share an xdist_group: one after the other.
JOBS ?= 2
test: $(VENV)/.dev-installed assets browser
	$(BIN)/ruff check .
	$(BIN)/pytest -q -p no:cacheprovider -n $(JOBS) --dist loadgroup

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

assets: $(CSS) $(MO)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

# The app and the test tools in one pip run: a fresh checkout (CI) resolves and builds once.
$(VENV)/.dev-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(CSS): node_modules/.installed $(OWN_CSS) Makefile
	mkdir -p static/build
	cat $(addprefix $(DS)/,$(DS_PARTS)) $(OWN_CSS) > $@

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

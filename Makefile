# Fresh-machine entry points. `make run` starts the app on the default scenario; `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test cli bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's Chromium and CJK fonts for the browser tests and screenshots (root on these machines).
chromium:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.headless true

cli: $(STAMP)
	$(BIN)/python -m model run scenarios/taobao_10_agents.toml

test: $(STAMP) chromium
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check model ui tests bench app.py

clean:
	rm -rf $(VENV) .pytest_cache

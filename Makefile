# Two entry points: `make run` (the product) and `make test` (the suite). Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench clean

run: $(VENV)/.run-deps
	$(PY) main.py

test: $(VENV)/.dev-deps
	[ -n "$$CHROMIUM" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
		|| (apt-get update && apt-get install -y chromium)
	$(PY) -m pytest -q

bench: $(VENV)/.dev-deps
	for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt constraints.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt constraints.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@ $(VENV)/.run-deps

clean:
	rm -rf $(VENV)

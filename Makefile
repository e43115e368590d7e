# The two commands: `make dev` (everything on one machine) and `make test` (the suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install dev test lint format eval train corpus bench-leads bench-classify bench-webhooks bench-sleepers record-histories clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

dev: install
	$(VENV)/bin/outreach dev

test: install
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The frozen test split (checksum verified): rules + model, then the rules alone as the baseline.
eval: install
	$(PY) -m outreach.classify.evaluate
	$(PY) -m outreach.classify.evaluate --rules

# Fit the reply model on the train (+ dev) splits and write outreach/classify/reply_model.npz.
train: install
	$(PY) -m pip install --quiet -e '.[dev,train]'
	$(PY) training/train.py

# Regenerate train/dev from training/families.py (the frozen test split is never rewritten).
corpus: install
	$(PY) training/make_corpus.py
	$(PY) training/make_corpus.py --check

bench-leads: install
	$(PY) bench/leads.py

bench-classify: install
	$(PY) bench/classify.py

bench-webhooks: install
	$(PY) bench/webhooks.py

bench-sleepers: install
	$(PY) bench/sleepers.py

# Record workflow histories for the replay tests: make record-histories RELEASE=v0.2.0 [ONLY=a,b]
record-histories: install
	@test -n "$(RELEASE)" || (echo "usage: make record-histories RELEASE=vX.Y.Z [ONLY=scenario,...]" >&2; exit 2)
	OUTREACH_HISTORY_RELEASE=$(RELEASE) OUTREACH_HISTORY_ONLY=$(ONLY) \
		$(VENV)/bin/pytest tests/replay/record_histories.py -q -p no:cacheprovider

clean:
	rm -rf $(VENV) .data .pytest_cache .ruff_cache

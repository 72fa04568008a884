# The two commands a new user needs: `make run` and `make test`. Everything else is plumbing.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
MODEL := models/inail.tar.gz
TRAINING_DATA := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)

# Python 3.10 for Rasa 3.6: on PATH, or pyenv's 3.10.x.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10.*/bin/python /usr/local/bin/python3.10; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

export ACTION_ENDPOINT_URL ?= http://localhost:5055/webhook
# endpoints.yml sends it to the action server; `make run` draws a random one when it is empty.
export ACTION_SERVER_TOKEN ?=
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run run-cluster test venv model widget system-deps runtime-deps cluster-deps lint validate bench bench-nlu bench-load clean

run: venv model widget runtime-deps
	@$(PY) -m bot.launcher

# The scaled-out layout on this machine: PostgreSQL, Redis, HAProxy and two of every process
# (README, "Scaling out").
run-cluster: venv model widget cluster-deps
	@$(PY) -m bot.cluster

test: venv model widget system-deps
	@bash tests/run_all.sh

# The chat widget's bundle (socket.io client from npm, bundled at build time; nothing from a CDN).
widget:
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to build the chat widget"; exit 1; }
	@bash bot/web/widget/build.sh

# What the assistant runs with, from Debian's packages: Tesseract OCR with its Italian and English
# trained data (the ID reader), poppler's pdftoppm (PDF previews in the console).
RUNTIME_PACKAGES := tesseract-ocr tesseract-ocr-ita tesseract-ocr-eng poppler-utils
# `make run-cluster` adds the shared servers: PostgreSQL, Redis and the HAProxy balancer.
CLUSTER_PACKAGES := $(RUNTIME_PACKAGES) postgresql redis-server haproxy
# Servers, browser and fonts the tests talk to or draw their sample documents with.
SYSTEM_PACKAGES := $(CLUSTER_PACKAGES) chromium fonts-dejavu-core fonts-ocr-b
runtime-deps:
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(RUNTIME_PACKAGES)"

cluster-deps:
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(CLUSTER_PACKAGES)"

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> Installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

venv: $(INSTALLED)

$(INSTALLED): requirements.lock pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 not found. Rasa 3.6 needs Python 3.10: install it (e.g. 'pyenv install 3.10.13')"; \
		echo "or point PYTHON310=/path/to/python3.10 at one."; exit 1; fi
	@echo "==> Creating $(VENV) with $(PYTHON310)"
	@rm -rf $(VENV) && $(PYTHON310) -m venv $(VENV)
	@$(PY) -m pip install -qq --upgrade "pip==24.0"
	@echo "==> Installing pinned dependencies (requirements.lock); the first time takes a few minutes"
	@$(PY) -m pip install -qq --progress-bar off -r requirements.lock
	@$(PY) -m pip install -qq --no-deps --no-build-isolation -e .
	@touch $@

model: $(MODEL)

# Retrains only when the training data, the domain or the pipeline changed.
$(MODEL): $(INSTALLED) $(TRAINING_DATA) $(shell find bot/nlu -name '*.py' 2>/dev/null)
	@echo "==> Training the model (data, domain or pipeline changed)"
	@mkdir -p models var
	@$(RASA) train --fixed-model-name inail --out models
	@touch $(MODEL)

lint: venv
	@$(VENV)/bin/ruff check bot actions tests
	@$(VENV)/bin/ruff format --check bot actions tests

validate: venv
	@$(RASA) data validate --fail-on-warnings --quiet

bench-nlu: venv
	@$(PY) -m bot.bench.nlu

bench: venv runtime-deps
	@$(PY) -m bot.bench.intake
	@$(PY) -m bot.bench.filing

# Whole conversations at 1, 20 and 50 concurrent doctors against our stack (and the cluster, when
# this tree has `run-cluster`) beside a bare `rasa init` bot it trains itself (bot/bench/load.py).
bench-load: venv model widget runtime-deps
	@$(PY) -m bot.bench.load

clean:
	rm -rf $(VENV) models results

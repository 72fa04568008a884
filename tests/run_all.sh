#!/usr/bin/env bash
# `make test`: every check, in the order that fails fastest. Run by make (venv and model ready).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://localhost:5055/webhook}"
export ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-}"  # endpoints.yml names it
VENV=.venv/bin

step() { printf '\n==> %s\n' "$*"; }

step "Lint (ruff)"
$VENV/ruff check bot actions tests
$VENV/ruff format --check bot actions tests

step "Training data (rasa data validate)"
# Every warning fails, except the two the validator gets wrong: a form's utter_ask_<slot> and
# the utter_restart of Rasa's default restart action are used, though in no story or rule.
validation=$($VENV/rasa data validate 2>&1) || { echo "$validation"; exit 1; }
warnings=$(echo "$validation" | grep -a "UserWarning" \
  | grep -avE "utterance '(utter_ask_[a-z_]+|utter_restart)' is not used in any story or rule" || true)
if [ -n "$warnings" ]; then echo "$warnings"; exit 1; fi
echo "training data valid"

step "Conversation tests (rasa test, --fail-on-prediction-errors)"
rm -rf results/conversations
$VENV/rasa test core --model models/inail.tar.gz --stories tests/conversations/stories \
  --fail-on-prediction-errors --out results/conversations --quiet

step "Python tests (pytest)"
$VENV/pytest "$@"

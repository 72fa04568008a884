#!/usr/bin/env bash
# Installs the widget's npm packages (npm ci, from package-lock.json) and bundles dist/widget.js.
# Idempotent: does nothing when neither the lock file nor the sources changed since last time.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.lock-sha
lock_sha=$(sha1sum package-lock.json | cut -c1-40)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sha" ]; then
  echo "==> widget: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_sha" > "$stamp"
fi

out=dist/widget.js
if [ -f "$out" ] && [ -z "$(find src build.mjs package-lock.json -newer "$out" -print -quit)" ]; then
  exit 0
fi
echo "==> widget: bundling $out"
node build.mjs

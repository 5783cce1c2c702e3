#!/usr/bin/env bash
# The accessibility browser tests (tests/e2e/test_a11y*.py) inject axe-core into each page. It comes
# from the npm package `axe-core`, pinned in package.json and package-lock.json, installed here into
# node_modules/ from the npm registry: never fetched from a CDN, nothing downloaded while tests run.
# Without Node/npm, say so and let those tests skip (under CI, fail).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

AXE=node_modules/axe-core/axe.min.js
wanted=$(sed -nE 's/.*"axe-core": *"([^"]+)".*/\1/p' package.json | head -n 1)
installed=$( [ -f node_modules/axe-core/package.json ] && sed -nE 's/^ *"version": *"([^"]+)".*/\1/p' node_modules/axe-core/package.json | head -n 1)
[ -f "$AXE" ] && [ "$installed" = "$wanted" ] && exit 0

if ! command -v npm >/dev/null; then
  echo "npm is not installed: the axe-core accessibility tests will skip (install Node.js 18+ and npm)." >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
echo "Installing axe-core $wanted for the accessibility tests (npm ci)..." >&2
if ! npm ci --no-audit --no-fund --loglevel=error >&2; then
  echo "npm ci failed: the axe-core accessibility tests will skip." >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
[ -f "$AXE" ]

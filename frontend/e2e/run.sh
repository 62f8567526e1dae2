#!/usr/bin/env bash
# Browser journeys against the real stack: `make e2e` runs this.
#
# scripts/stack.py brings up identity-commerce, catalog-fulfillment, notifications, localstripe
# and a production build of the frontend on the e2e profile's ports with freshly migrated and
# seeded databases, exports IDENTITY_URL, CATALOG_URL, ..., FRONTEND_URL to the command, and
# tears everything down afterwards. Playwright drives the system Chromium (/usr/bin/chromium);
# no browser is ever downloaded. Screenshots land in frontend/test-results/screenshots/ (git-ignored);
# `make screenshots` sets E2E_SCREENSHOT_DIR=docs/screenshots to refresh the README's pictures.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
frontend="$(dirname "$here")"
repo="$(dirname "$frontend")"

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "e2e: $chromium not found. Install it with: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
if [ ! -d "$frontend/node_modules/@playwright/test" ]; then
  echo "e2e: frontend dependencies missing; installing (npm ci)" >&2
  (cd "$frontend" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMIUM_PATH="$chromium"
uv_bin="$(command -v uv || echo "$HOME/.local/bin/uv")"

cd "$repo"
exec "$uv_bin" run --frozen python scripts/stack.py run --profile e2e -- \
  bash -c 'cd frontend && npx --no-install playwright test "$@"' playwright "$@"

#!/usr/bin/env bash
# The whole test suite: the main pass, then the browser tests in their own pytest process
# (Playwright's event loop cannot share a process with the async and ORM tests).
# Extra arguments go to the main pass.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh || exit 1

status=0

echo "== Main suite: pytest -p no:playwright"
.venv/bin/pytest -p no:playwright "$@" || status=$?

if [ ! -x /usr/bin/chromium ]; then
    echo "Browser tests skipped: Chromium not installed (apt-get install -y chromium)"
elif [ ! -d browser_tests ]; then
    echo "Browser tests skipped: there is no browser_tests/ folder yet"
else
    echo "== Browser tests: pytest browser_tests"
    browser_status=0
    .venv/bin/pytest browser_tests || browser_status=$?
    if [ "$browser_status" -eq 5 ]; then
        echo "Browser tests: none collected"
    elif [ "$browser_status" -ne 0 ]; then
        status=$browser_status
    fi
fi

exit "$status"

#!/usr/bin/env bash
# Creates .venv when it is missing and installs requirements-dev.txt (which includes
# requirements.txt) only when the requirements files changed since the last install; then
# compiles the translations (locale/<lang>/LC_MESSAGES/django.po -> .mo, never committed), which
# needs GNU gettext's msgfmt (Debian: apt-get install -y gettext).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    PYTHON=python3
fi

if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        echo "bootstrap: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    echo "bootstrap: creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi

# The stamp holds a hash of the requirements files: a change in either reinstalls.
stamp=.venv/.requirements.sha256
wanted="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
    echo "bootstrap: installing requirements-dev.txt into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    echo "$wanted" >"$stamp"
fi

# WeasyPrint (the contract PDFs) loads pango at run time, and the PDF names the Noto fonts;
# without them agreeing an order cannot render its contract and the contract tests fail.
if command -v dpkg >/dev/null 2>&1; then
    absent=()
    for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-noto-cjk; do
        dpkg -s "$package" >/dev/null 2>&1 || absent+=("$package")
    done
    if [ "${#absent[@]}" -gt 0 ]; then
        echo "bootstrap: contract PDFs need: apt-get install -y ${absent[*]}" >&2
    fi
fi
if ! command -v msgfmt >/dev/null 2>&1; then
    echo "bootstrap: msgfmt is missing: install GNU gettext (Debian: apt-get install -y gettext)" >&2
    exit 1
fi
# Only catalogues newer than their .mo are compiled again.
.venv/bin/python manage.py compilemessages --verbosity 0 \
    --ignore .venv --ignore var --ignore staticfiles --ignore node_modules

#!/usr/bin/env bash
# schemathesis over the whole REST API against a live server, as the demo buyer and the demo
# seller: every phase (examples, coverage, fuzzing, stateful), every check, bounded examples and
# time. Fails on any server error or schema violation.
#
#   scripts/schemathesis.sh            # on a throwaway SQLite database
#   DATABASE_URL=postgres://... scripts/schemathesis.sh   # on a fresh database in that cluster
#
# The server runs on a freshly migrated throwaway database with the demo data (load_demo_data),
# so nothing the fuzzer writes survives. SCHEMATHESIS_MAX_EXAMPLES (default 5) and
# SCHEMATHESIS_MAX_TIME (seconds per user, default 150) bound the run; reports go to
# var/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-5}"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-150}"
REPORT_DIR="$PWD/var/schemathesis"
work="$(mktemp -d)"
server_pid=""

cleanup() {
    if [ -n "$server_pid" ]; then
        kill -INT "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "${throwaway_db:-}" ]; then
        "$PY" - "$throwaway_db" <<'EOF' || true
import os, sys, psycopg
from urllib.parse import urlsplit
with psycopg.connect(os.environ["SCHEMATHESIS_ADMIN_URL"], autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{sys.argv[1]}" WITH (FORCE)')
EOF
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    throwaway_db="schemathesis_$$"
    export SCHEMATHESIS_ADMIN_URL="$DATABASE_URL"
    DATABASE_URL="$("$PY" - "$throwaway_db" <<'EOF'
import os, sys, psycopg
from urllib.parse import urlsplit, urlunsplit
url = os.environ["DATABASE_URL"]
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute(f'CREATE DATABASE "{sys.argv[1]}"')
print(urlunsplit(urlsplit(url)._replace(path="/" + sys.argv[1])))
EOF
)"
else
    DATABASE_URL="sqlite:///$work/db.sqlite3"
fi
export DATABASE_URL VAR_DIR="$work/var" EMAIL_FILE_PATH="$work/outbox"
export MEDIA_ROOT="$work/media" ALLOWED_HOSTS=127.0.0.1 DEBUG=false
unset SECRET_KEY
mkdir -p "$VAR_DIR/celery/data" "$VAR_DIR/celery/control" "$REPORT_DIR"

echo "schemathesis: migrating $DATABASE_URL and loading the demo data" >&2
"$PY" manage.py migrate --verbosity 0
"$PY" manage.py load_demo_data >/dev/null

port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$PY" -m uvicorn negotiation_portal.asgi:application --ws auto --lifespan off \
    --host 127.0.0.1 --port "$port" --no-access-log --timeout-graceful-shutdown 5 \
    >"$REPORT_DIR/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$REPORT_DIR/server.log" >&2; exit 1; }
    sleep 0.2
done

token_for() {
    curl -fsS -X POST "$base/api/v1/auth/token/" \
        -H 'Content-Type: application/json' \
        -d "{\"username\": \"$1\", \"password\": \"$2\"}" |
        "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

status=0
for login in buyer:buyer-demo-1 seller:seller-demo-1; do
    user="${login%%:*}"
    token="$(token_for "$user" "${login#*:}")"
    echo "schemathesis: as $user (at most $MAX_EXAMPLES examples per operation, ${MAX_TIME}s)" >&2
    .venv/bin/schemathesis run "$base/api/schema/" \
        --header "Authorization: Token $token" \
        --checks all \
        --phases examples,coverage,fuzzing,stateful \
        --max-examples "$MAX_EXAMPLES" \
        --max-time "$MAX_TIME" \
        --workers 2 \
        --seed 12 \
        --request-timeout 20 \
        --suppress-health-check all \
        --report junit --report-junit-path "$REPORT_DIR/$user.xml" \
        || status=$?
done
if grep -q "Traceback" "$REPORT_DIR/server.log"; then
    echo "schemathesis: the server logged tracebacks (see $REPORT_DIR/server.log)" >&2
    status=1
fi
exit "$status"

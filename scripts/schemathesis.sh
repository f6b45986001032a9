#!/usr/bin/env bash
# schemathesis over the whole REST API against a live server, as the demo buyer and the demo
# seller: every phase (examples, coverage, fuzzing, stateful), every check, bounded examples and
# time. Fails on any server error or schema violation. positive_data_acceptance is left out:
# schema-valid input that breaks a business rule (an id nobody has, a wrong password, an order
# in another state) is rightly refused with 400/404/409.
#
#   scripts/schemathesis.sh            # on a throwaway SQLite database
#   DATABASE_URL=postgres://... scripts/schemathesis.sh   # on a fresh database in that cluster
#
# The server runs on a freshly migrated throwaway database with the demo data (load_demo_data),
# so nothing the fuzzer writes survives. SCHEMATHESIS_MAX_EXAMPLES (default 5),
# SCHEMATHESIS_MAX_TIME (seconds per user for examples, coverage and fuzzing, default 90) and
# SCHEMATHESIS_STATEFUL_TIME (seconds per user for the stateful phase, default 30) bound the
# run: about 6 minutes on 2 cores. JUnit reports and the server log go to var/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."

root="$PWD"
PY=.venv/bin/python
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-5}"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-90}"
STATEFUL_TIME="${SCHEMATHESIS_STATEFUL_TIME:-30}"
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

echo "schemathesis: migrating $DATABASE_URL and loading the demo data (${SECONDS}s)" >&2
"$PY" manage.py migrate --verbosity 0
"$PY" manage.py load_demo_data >/dev/null
# Orders in every state, an RFQ, payments; the config binds path ids to them.
"$PY" manage.py shell --no-imports --verbosity 0 <scripts/schemathesis_seed.py >"$work/schemathesis.toml"

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

# Both tokens before the fuzzing: its wrong passwords count against this address's log-in limit.
declare -A tokens
for login in buyer:buyer-demo-1 seller:seller-demo-1; do
    tokens[${login%%:*}]="$(token_for "${login%%:*}" "${login#*:}")"
done

# "Log out everywhere" revokes the token the run authenticates with: every later call would be
# a 401 and test nothing. It has its own tests (accounts/tests/test_tokens.py).
# One worker: hypothesis describes strategies with ast.parse, which Python 3.11 does not do
# safely in two threads at once ("AST constructor recursion depth mismatch").
run_schemathesis() {
    local user="$1" phases="$2" seconds="$3"
    (cd "$work" && "$root/.venv/bin/schemathesis" --config-file "$work/schemathesis.toml" \
        run "$base/api/schema/" \
        --header "Authorization: Token ${tokens[$user]}" \
        --checks all \
        --exclude-checks positive_data_acceptance \
        --exclude-path /api/v1/auth/logout-everywhere/ \
        --phases "$phases" \
        --max-examples "$MAX_EXAMPLES" \
        --max-time "$seconds" \
        --workers 1 \
        --seed 12 \
        --request-timeout 20 \
        --suppress-health-check all \
        --report junit --report-junit-path "$REPORT_DIR/$user-${phases%%,*}.xml")
}

status=0
for user in buyer seller; do
    echo "schemathesis: ${SECONDS}s: as $user (at most $MAX_EXAMPLES examples per operation," \
        "${MAX_TIME}s, then ${STATEFUL_TIME}s of stateful sequences)" >&2
    run_schemathesis "$user" examples,coverage,fuzzing "$MAX_TIME" || status=$?
    # Its own budget, so that the stateful phase always runs.
    run_schemathesis "$user" stateful "$STATEFUL_TIME" || status=$?
done
echo "schemathesis: done in ${SECONDS}s" >&2
if grep -q "Traceback" "$REPORT_DIR/server.log"; then
    echo "schemathesis: the server logged tracebacks (see $REPORT_DIR/server.log)" >&2
    status=1
fi
exit "$status"

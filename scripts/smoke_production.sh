#!/usr/bin/env bash
# The docker-compose topology as plain processes, for CI (Docker cannot run there): with
# production settings against the PostgreSQL and Redis in DATABASE_URL / REDIS_URL, run the
# migrate job, collect static files, start two ASGI web replicas, a Celery worker and Celery
# beat, and check that each does its job. Everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL (scripts/services.sh start)}"
: "${REDIS_URL:?REDIS_URL must point at Redis (scripts/services.sh start)}"

work="$(mktemp -d /tmp/portal-smoke.XXXXXX)"
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
export ALLOWED_HOSTS=localhost CSRF_TRUSTED_ORIGINS=https://localhost
export VAR_DIR="$work/var" STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media"
PORTS=(${SMOKE_PORTS:-18000 18001})

pids=()
cleanup() {
    local status=$?
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        for log in "$work"/*.log; do
            echo "---- $log" && tail -n 30 "$log"
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

fail() {
    echo "smoke: FAILED: $*" >&2
    exit 1
}

# Polls until the command succeeds (daemons are waited for by polling, not by PID).
wait_until() {
    local what="$1"
    shift
    for _ in $(seq 1 150); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    fail "$what"
}

echo "smoke: migrate job and demo data on PostgreSQL"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo_data >/dev/null
echo "smoke: collectstatic (as the image build does)"
.venv/bin/python manage.py collectstatic --noinput -v 0

for port in "${PORTS[@]}"; do
    .venv/bin/uvicorn negotiation_portal.asgi:application --host 127.0.0.1 --port "$port" \
        --ws auto --lifespan off --no-server-header --proxy-headers --timeout-graceful-shutdown 10 \
        >"$work/web-$port.log" 2>&1 &
    pids+=($!)
done
.venv/bin/celery -A negotiation_portal worker --loglevel=INFO --concurrency=2 \
    >"$work/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A negotiation_portal beat --loglevel=INFO \
    --scheduler django_celery_beat.schedulers:DatabaseScheduler >"$work/beat.log" 2>&1 &
pids+=($!)

# As the proxy would: the container health check sends X-Forwarded-Proto: https.
https_get() {
    curl -fsS -H 'X-Forwarded-Proto: https' "http://localhost:$1$2" "${@:3}"
}

for port in "${PORTS[@]}"; do
    wait_until "web replica on port $port did not answer /healthz" https_get "$port" /healthz
    echo "smoke: web replica :$port /healthz -> $(https_get "$port" /healthz)"
done

port="${PORTS[0]}"
status="$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/healthz")"
[ "$status" = 301 ] || fail "plain HTTP should redirect to HTTPS in production, got $status"
echo "smoke: plain HTTP redirects to HTTPS (301)"

hashed="$(.venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["paths"]["js/htmx.min.js"])' "$STATIC_ROOT/staticfiles.json")"
headers="$(curl -fsS -o /dev/null -D - -H 'X-Forwarded-Proto: https' \
    "http://localhost:$port/static/$hashed")"
grep -qi '^cache-control:.*immutable' <<<"$headers" || fail "static/$hashed not served as immutable"
echo "smoke: whitenoise serves static/$hashed (immutable)"

status="$(https_get "$port" /products/ -o /dev/null -w '%{http_code}')"
[ "$status" = 200 ] || fail "the product list answered $status"
echo "smoke: product list page -> 200"

headers="$(https_get "$port" /products/ -o /dev/null -D -)"
grep -qi '^content-security-policy:.*script-src' <<<"$headers" || fail "no Content-Security-Policy"
! grep -qi '^server:' <<<"$headers" || fail "the server names itself: $(grep -i '^server:' <<<"$headers")"
echo "smoke: Content-Security-Policy sent, no Server banner"

wait_until "the worker did not become ready" grep -q ' ready\.' "$work/worker.log"
result="$(.venv/bin/python -c '
from negotiation_portal.celery import app
print(app.send_task("celery.accumulate", args=(20, 22)).get(timeout=30))')"
[ "$result" = "[20, 22]" ] || fail "the worker returned $result"
echo "smoke: the worker ran a task through Redis and returned $result"

wait_until "beat did not start" grep -q 'beat: Starting' "$work/beat.log"
wait_until "beat did not load the database schedule" grep -q 'DatabaseScheduler' "$work/beat.log"
echo "smoke: beat runs with the database scheduler"
echo "smoke: production topology OK"

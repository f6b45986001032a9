#!/usr/bin/env bash
# Runs the portal in the embedded default: migrations, demo data, then the ASGI server on
# http://127.0.0.1:8000 and a Celery worker with beat. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var/run

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo_data

pids=()
stop() {
    trap - INT TERM EXIT
    echo "run: stopping (${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

# The broker folders under var/celery are created by the settings on import.
.venv/bin/celery -A negotiation_portal worker -B --pool=solo --loglevel=INFO \
    --schedule var/run/celerybeat-schedule --pidfile var/run/celery-worker.pid &
pids+=($!)

.venv/bin/uvicorn negotiation_portal.asgi:application --host "$HOST" --port "$PORT" \
    --ws auto --lifespan off --no-server-header --timeout-graceful-shutdown 10 &
pids+=($!)

echo "run: portal on http://$HOST:$PORT/ (worker and server running; Ctrl-C stops both)"
# When either process ends on its own, stop the other one too.
status=0
wait -n "${pids[@]}" || status=$?
exit "$status"

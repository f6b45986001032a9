#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on loopback, for running the suite against real services.
#
#   scripts/services.sh start   # installs them if missing (apt-get), starts both, prints exports
#   scripts/services.sh env     # prints the DATABASE_URL / REDIS_URL exports again
#   scripts/services.sh stop    # stops both and deletes their temporary directory
#
# Use: eval "$(scripts/services.sh start)" && make test; scripts/services.sh stop
# Only the export lines go to stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"
PG_DATABASE="${PG_DATABASE:-portal}"
STATE_FILE="${SERVICES_STATE_FILE:-$PWD/var/services.state}"

say() { echo "services: $*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# initdb and pg_ctl refuse to run as root.
as_postgres() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    fi
}

apt_install() {
    local sudo=""
    is_root || sudo="sudo"
    say "installing $* with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >&2
}

install_missing() {
    local missing=()
    [ -n "$(pg_bin)" ] || missing+=(postgresql-15)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

print_env() {
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PG_DATABASE"
    echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

# True when nothing listens on the loopback port.
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The first free port from the given one on, so that parallel checkouts do not collide.
free_port_from() {
    local port="$1"
    while ! port_free "$port"; do
        say "port $port is in use, trying $((port + 1))"
        port=$((port + 1))
    done
    echo "$port"
}

load_state() {
    # shellcheck disable=SC1090
    [ -f "$STATE_FILE" ] && source "$STATE_FILE"
}

start() {
    if load_state; then
        say "already started (state in $STATE_FILE); run '$0 stop' first to restart"
        print_env
        return
    fi
    install_missing

    local bin dir
    bin="$(pg_bin)"
    PG_PORT="$(free_port_from "$PG_PORT")"
    REDIS_PORT="$(free_port_from "$REDIS_PORT")"
    dir="$(mktemp -d /tmp/portal-services.XXXXXX)"
    mkdir -p "$(dirname "$STATE_FILE")"
    printf 'SERVICES_DIR=%q\nPG_BIN=%q\nPG_PORT=%q\nREDIS_PORT=%q\nPG_DATABASE=%q\n' \
        "$dir" "$bin" "$PG_PORT" "$REDIS_PORT" "$PG_DATABASE" >"$STATE_FILE"
    is_root && chown postgres: "$dir"

    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($dir)"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off" start >&2 \
        || { cat "$dir/postgres.log" >&2; return 1; }
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DATABASE"

    say "Redis $(redis-server --version | awk '{print $3}' | sed 's/^v=//') on 127.0.0.1:$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
        --daemonize yes --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >&2
    local tries=0
    until redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 100 ]; then
            cat "$dir/redis.log" >&2
            say "Redis did not answer PING within 10 s"
            return 1
        fi
        sleep 0.1
    done
    say "started; state in $STATE_FILE"
    print_env
}

stop() {
    if ! load_state; then
        say "nothing to stop (no $STATE_FILE)"
        return
    fi
    if [ -f "$SERVICES_DIR/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/data" -m fast -w stop >&2 || true
    fi
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$SERVICES_DIR"
    rm -f "$STATE_FILE"
    say "stopped PostgreSQL and Redis, removed $SERVICES_DIR"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
env)
    load_state || { say "not started (no $STATE_FILE)"; exit 1; }
    print_env
    ;;
*)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A private PostgreSQL cluster for Kefu's tests (the worker's production database), data under
# var/postgres/ in the project, listening on 127.0.0.1 only.
#
#   bash scripts/postgres.sh start    install postgresql if missing, initdb once, start, wait
#   bash scripts/postgres.sh stop     stop the cluster this script started
#   bash scripts/postgres.sh status   exit 0 when it accepts connections, 3 when not
#   bash scripts/postgres.sh url      print the SQLAlchemy URL of its admin database
#
# KEFU_PG_PORT (default 5433, beside a system cluster on 5432) picks the port. The server runs
# as the `postgres` system user (it refuses root); local TCP connections are trusted, which is
# right for a test cluster bound to loopback and wrong for anything else.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEFU_PG_PORT="${KEFU_PG_PORT:-5433}"
DIR="$ROOT/var/postgres-$KEFU_PG_PORT"
DATA="$DIR/data"
LOG="$DIR/server.log"

say() { printf 'postgres: %s\n' "$*"; }
die() { printf 'postgres: %s\n' "$*" >&2; exit 1; }
as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }

bin_dir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$dir" && -x "$dir/pg_ctl" ]] && printf '%s' "$dir"
}

as_postgres() { as_root runuser -u postgres -- "$@"; }

answers() {
    local bin
    bin="$(bin_dir)" || return 1
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$KEFU_PG_PORT" 2>/dev/null
}

ensure_installed() {
    bin_dir >/dev/null && return 0
    say "postgresql is not installed; installing it with apt-get"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
    bin_dir >/dev/null || die "apt-get installed postgresql but pg_ctl is missing"
}

start() {
    if answers; then
        say "already accepting connections on 127.0.0.1:$KEFU_PG_PORT; nothing to do"
        return 0
    fi
    ensure_installed
    local bin
    bin="$(bin_dir)"
    mkdir -p "$DIR"
    as_root chown postgres: "$DIR"
    if [[ ! -s "$DATA/PG_VERSION" ]]; then
        say "initdb in $DATA"
        as_postgres "$bin/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
            >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $KEFU_PG_PORT -k $DIR -c fsync=off" start >/dev/null \
        || { tail -n 20 "$LOG" >&2; die "the server did not start (log: $LOG)"; }
    say "up on 127.0.0.1:$KEFU_PG_PORT (data $DATA)"
}

stop() {
    local bin
    bin="$(bin_dir)" || { say "not installed"; return 0; }
    if [[ -s "$DATA/postmaster.pid" ]]; then
        as_postgres "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && say "stopped"
    else
        say "not running"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if answers; then say "up on 127.0.0.1:$KEFU_PG_PORT"; else say "down"; exit 3; fi ;;
    url) printf 'postgresql+asyncpg://postgres@127.0.0.1:%s/postgres\n' "$KEFU_PG_PORT" ;;
    *) die "usage: scripts/postgres.sh start|stop|status|url" ;;
esac

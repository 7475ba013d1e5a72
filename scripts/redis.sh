#!/usr/bin/env bash
# A private Redis for Kefu (FSM state in webhook mode), data under var/redis/ in the project.
#
#   bash scripts/redis.sh start    install redis-server if missing, start it daemonized, wait for PONG
#   bash scripts/redis.sh stop     stop the Redis this script started
#   bash scripts/redis.sh status   say whether a Redis answers on the port (exit 0 up, 3 down)
#
# KEFU_REDIS_PORT (default 6379) picks another port; the data folder follows it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEFU_REDIS_PORT="${KEFU_REDIS_PORT:-6379}"
DIR="${KEFU_REDIS_DIR:-$ROOT/var/redis}"
[[ "$KEFU_REDIS_PORT" == 6379 ]] || DIR="$DIR-$KEFU_REDIS_PORT"
PID_FILE="$DIR/redis.pid"

say() { printf 'redis: %s\n' "$*"; }
die() { printf 'redis: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

answers() {
    command -v redis-cli >/dev/null || return 1
    [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$KEFU_REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

our_pid() {
    local pid
    [[ -s "$PID_FILE" ]] || return 1
    pid="$(tr -dc 0-9 <"$PID_FILE")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

ensure_installed() {
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
    say "redis-server is not installed; installing it with apt-get"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
}

cmd_start() {
    local pid
    if answers; then
        if pid="$(our_pid)"; then
            say "already running (pid $pid) on 127.0.0.1:$KEFU_REDIS_PORT; nothing to do"
        else
            say "a Redis already answers on 127.0.0.1:$KEFU_REDIS_PORT (not started by this script); nothing to do"
        fi
        return 0
    fi
    if timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$KEFU_REDIS_PORT" 2>/dev/null; then
        die "port 127.0.0.1:$KEFU_REDIS_PORT is taken by something that is not Redis"
    fi
    ensure_installed
    mkdir -p "$DIR"
    rm -f "$PID_FILE"
    # Everything on the command line: no /etc/redis/redis.conf, no systemd, loopback only.
    redis-server --bind 127.0.0.1 --port "$KEFU_REDIS_PORT" --protected-mode yes \
        --daemonize yes --supervised no --pidfile "$PID_FILE" \
        --dir "$DIR" --logfile "$DIR/redis.log" --dbfilename dump.rdb \
        --save 60 1000 --appendonly no
    local deadline=$((SECONDS + 30))
    until answers; do
        if ((SECONDS >= deadline)); then
            tail -n 20 "$DIR/redis.log" >&2 || true
            die "Redis did not answer on 127.0.0.1:$KEFU_REDIS_PORT within 30s"
        fi
        sleep 0.2
    done
    say "up: redis://127.0.0.1:$KEFU_REDIS_PORT/0 (data in $DIR)"
}

cmd_stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$PID_FILE"
        if answers; then
            say "the Redis on 127.0.0.1:$KEFU_REDIS_PORT was not started by this script; leaving it alone"
        else
            say "not running"
        fi
        return 0
    fi
    say "stopping (pid $pid)"
    redis-cli -h 127.0.0.1 -p "$KEFU_REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS < deadline)) || die "pid $pid still alive after 30s"
        sleep 0.2
    done
    rm -f "$PID_FILE"
    say "stopped"
}

cmd_status() {
    local pid
    if answers; then
        if pid="$(our_pid)"; then
            say "up: pid $pid on 127.0.0.1:$KEFU_REDIS_PORT (data in $DIR)"
        else
            say "up: a Redis answers on 127.0.0.1:$KEFU_REDIS_PORT (not started by this script)"
        fi
        return 0
    fi
    say "down: nothing answers on 127.0.0.1:$KEFU_REDIS_PORT"
    return 3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

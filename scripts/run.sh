#!/usr/bin/env bash
# The run command: bash scripts/run.sh
# Sets the machine up (scripts/bootstrap.sh: venv, dependencies, RabbitMQ), seeds the demo shop
# if the database is empty (and rebuilds it when it was seeded more than a day ago, so that its
# time rules have live cases), starts a worker in the background (log: var/log/worker.log) and
# the bot in the foreground: a console chat in this terminal when BOT_TOKEN is unset, after the
# demo orders to try (kefu demo), Telegram long polling when it is set. Ctrl-C or end of input
# stops the bot, and the worker with it; the broker keeps running for the next start
# (bash scripts/stop.sh stops it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/bootstrap.sh
export AMQP_URL="${AMQP_URL:-amqp://guest:guest@127.0.0.1:${KEFU_AMQP_PORT:-5672}/}"

mkdir -p var/log
WORKER_LOG=var/log/worker.log
WORKER_PID=

stop_worker() {
    [[ -n "$WORKER_PID" ]] || return 0
    if kill -0 "$WORKER_PID" 2>/dev/null; then
        echo "run: stopping the worker (pid $WORKER_PID)"
        kill -TERM "$WORKER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            kill -0 "$WORKER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$WORKER_PID" 2>/dev/null || true
    fi
    wait "$WORKER_PID" 2>/dev/null || true
    WORKER_PID=
}
on_exit() {
    stop_worker
    echo "run: the RabbitMQ broker keeps running in the background (for the next start);" \
        "bash scripts/stop.sh stops it"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

.venv/bin/kefu seed --if-empty --renew-stale

printf '\n=== worker started %s\n' "$(date -Is)" >>"$WORKER_LOG"
.venv/bin/python -m worker >>"$WORKER_LOG" 2>&1 </dev/null &
WORKER_PID=$!
sleep 1
if ! kill -0 "$WORKER_PID" 2>/dev/null; then
    echo "run: the worker exited at once; the end of $WORKER_LOG:" >&2
    tail -n 30 "$WORKER_LOG" >&2
    exit 1
fi
echo "run: worker running (pid $WORKER_PID, log $WORKER_LOG)"

if [[ -z "${BOT_TOKEN:-}" ]]; then
    echo
    .venv/bin/kefu demo || true
    echo
    echo "run: no BOT_TOKEN set: console chat (type as a customer; Ctrl-D or Ctrl-C to quit)"
fi
.venv/bin/python -m bot

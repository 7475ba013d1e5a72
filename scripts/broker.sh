#!/usr/bin/env bash
# A private RabbitMQ node for Kefu, kept under var/rabbitmq/ in the project.
#
#   bash scripts/broker.sh start    install rabbitmq-server if missing, start the node, wait for it
#   bash scripts/broker.sh stop     stop the node this script started (and epmd, if nothing else uses it)
#   bash scripts/broker.sh status   say whether a broker answers on the AMQP port (exit 0 up, 3 down)
#   bash scripts/broker.sh wait     wait until a broker answers (ours: rabbitmqctl wait)
#   bash scripts/broker.sh env      print the exports to drive the node by hand:
#                                   eval "$(bash scripts/broker.sh env)"; rabbitmqctl status
#   bash scripts/broker.sh join SEED  make this (running) node join SEED's cluster, e.g.
#                                   KEFU_NODENAME=kefu2@localhost ... bash scripts/broker.sh join kefu@localhost
#
# Ports and name can be overridden, e.g. for a second node next to the first one:
#   KEFU_NODENAME=kefu2@localhost KEFU_AMQP_PORT=5673 KEFU_MGMT_PORT=15673 \
#   KEFU_PROM_PORT=15693 bash scripts/broker.sh start
# (the distribution port defaults to AMQP port + 20000). KEFU_BROKER_BASE moves every node's
# folder (and the shared Erlang cookie) elsewhere, e.g. a test's temporary directory.
#
# Why it looks like this: docs/operations.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RMQ_BIN=/usr/lib/rabbitmq/bin

KEFU_NODENAME="${KEFU_NODENAME:-kefu@localhost}"
KEFU_AMQP_PORT="${KEFU_AMQP_PORT:-5672}"
KEFU_MGMT_PORT="${KEFU_MGMT_PORT:-15672}"
KEFU_PROM_PORT="${KEFU_PROM_PORT:-15692}"
KEFU_DIST_PORT="${KEFU_DIST_PORT:-$((KEFU_AMQP_PORT + 20000))}"
KEFU_BROKER_BASE="${KEFU_BROKER_BASE:-$ROOT/var/rabbitmq}"
KEFU_BROKER_WAIT="${KEFU_BROKER_WAIT:-120}"

NODE_DIR="$KEFU_BROKER_BASE/${KEFU_NODENAME%@*}"

# Every variable the server and the CLI read, pointed into the private folder. HOME is shared by
# all our nodes so they share one Erlang cookie (needed for the CLI, and for clustering them).
export HOME="$KEFU_BROKER_BASE/home"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
export RABBITMQ_NODENAME="$KEFU_NODENAME"
export RABBITMQ_NODE_PORT="$KEFU_AMQP_PORT"
export RABBITMQ_DIST_PORT="$KEFU_DIST_PORT"
export RABBITMQ_MNESIA_BASE="$NODE_DIR/mnesia"
export RABBITMQ_LOG_BASE="$NODE_DIR/log"
export RABBITMQ_PID_FILE="$NODE_DIR/rabbitmq.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$NODE_DIR/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$NODE_DIR/rabbitmq.conf"
export RABBITMQ_ADVANCED_CONFIG_FILE="$NODE_DIR/advanced.config"
export RABBITMQ_CONF_ENV_FILE="$NODE_DIR/rabbitmq-env.conf"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

say() { printf 'broker: %s\n' "$*"; }
die() { printf 'broker: %s\n' "$*" >&2; exit 1; }

# True when something on 127.0.0.1:$1 answers the AMQP 0-9-1 header with a frame (Connection.Start).
amqp_answers() {
    local port="$1" first
    first="$(timeout 5 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "AMQP\x00\x00\x09\x01" >&3
        head -c 1 <&3 | od -An -tx1' _ "$port" 2>/dev/null)" || return 1
    [[ "${first// /}" == 01 ]]
}

port_open() {
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# Pid of the node this script started, if it is still alive.
our_pid() {
    local pid
    [[ -s "$RABBITMQ_PID_FILE" ]] || return 1
    pid="$(tr -dc 0-9 <"$RABBITMQ_PID_FILE")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

as_root() {
    if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

ensure_installed() {
    [[ -x "$RMQ_BIN/rabbitmq-server" ]] && return 0
    say "rabbitmq-server is not installed; installing it with apt-get (about a minute)"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server
    [[ -x "$RMQ_BIN/rabbitmq-server" ]] || die "apt-get installed rabbitmq-server but $RMQ_BIN/rabbitmq-server is missing"
    # Docker-style images forbid services to start on install (policy-rc.d); a machine without
    # that guard starts Debian's own broker (all interfaces, no plugins). Stop it: ours replaces it.
    if amqp_answers "$KEFU_AMQP_PORT" && [[ -x /etc/init.d/rabbitmq-server ]]; then
        say "the package started the system broker; stopping it so the project's node can start"
        as_root /etc/init.d/rabbitmq-server stop || true
    fi
}

write_config() {
    mkdir -p "$NODE_DIR" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    mkdir -p -m 700 "$HOME"
    : >"$RABBITMQ_CONF_ENV_FILE"
    cat >"$RABBITMQ_CONFIG_FILE" <<EOF
# Written by scripts/broker.sh at each start; edit the script, not this file.
listeners.tcp.default = 127.0.0.1:$KEFU_AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $KEFU_MGMT_PORT
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $KEFU_PROM_PORT
# guest/guest works, but only from loopback (AMQP and the management API alike).
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
    if [[ ! -s "$RABBITMQ_ENABLED_PLUGINS_FILE" ]]; then
        "$RMQ_BIN/rabbitmq-plugins" set --offline rabbitmq_management rabbitmq_prometheus >/dev/null
    fi
}

show_logs() {
    local f
    for f in "$NODE_DIR/server.out" "$RABBITMQ_LOG_BASE/$KEFU_NODENAME.log"; do
        [[ -s "$f" ]] || continue
        printf -- '--- last lines of %s\n' "$f" >&2
        tail -n 25 "$f" >&2
    done
}

cmd_start() {
    local pid t0
    if amqp_answers "$KEFU_AMQP_PORT"; then
        if pid="$(our_pid)"; then
            say "already running: $KEFU_NODENAME (pid $pid) answers on 127.0.0.1:$KEFU_AMQP_PORT; nothing to do"
        else
            say "a broker already answers on 127.0.0.1:$KEFU_AMQP_PORT (not started by this script); nothing to do"
        fi
        return 0
    fi
    if pid="$(our_pid)"; then
        say "$KEFU_NODENAME (pid $pid) is running but not answering yet; waiting for it"
        cmd_wait
        return
    fi
    local p
    for p in "$KEFU_AMQP_PORT" "$KEFU_MGMT_PORT" "$KEFU_PROM_PORT" "$KEFU_DIST_PORT"; do
        port_open "$p" && die "port 127.0.0.1:$p is taken by something else; free it or set KEFU_*_PORT"
    done
    ensure_installed
    write_config
    rm -f "$RABBITMQ_PID_FILE"
    t0=$SECONDS
    say "starting $KEFU_NODENAME (AMQP 127.0.0.1:$KEFU_AMQP_PORT, management :$KEFU_MGMT_PORT, prometheus :$KEFU_PROM_PORT) in $NODE_DIR"
    # 9>&- : the server must not inherit the lock (see with_lock), or the next start/stop hangs.
    setsid nohup "$RMQ_BIN/rabbitmq-server" >"$NODE_DIR/server.out" 2>&1 </dev/null 9>&- &
    if ! "$RMQ_BIN/rabbitmqctl" wait --timeout "$KEFU_BROKER_WAIT" "$RABBITMQ_PID_FILE" >"$NODE_DIR/wait.out" 2>&1; then
        cat "$NODE_DIR/wait.out" >&2
        show_logs
        die "$KEFU_NODENAME did not come up within ${KEFU_BROKER_WAIT}s"
    fi
    if ! amqp_answers "$KEFU_AMQP_PORT"; then
        show_logs
        die "$KEFU_NODENAME booted but nothing answers AMQP on 127.0.0.1:$KEFU_AMQP_PORT"
    fi
    say "up after $((SECONDS - t0))s: amqp://guest:guest@127.0.0.1:$KEFU_AMQP_PORT/  http://127.0.0.1:$KEFU_MGMT_PORT/"
}

cmd_stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$RABBITMQ_PID_FILE"
        if amqp_answers "$KEFU_AMQP_PORT"; then
            say "the broker on 127.0.0.1:$KEFU_AMQP_PORT was not started by this script; leaving it alone"
        else
            say "not running"
        fi
        return 0
    fi
    say "stopping $KEFU_NODENAME (pid $pid)"
    "$RMQ_BIN/rabbitmqctl" stop "$RABBITMQ_PID_FILE" >/dev/null
    rm -f "$RABBITMQ_PID_FILE"
    # epmd outlives the node; stop it only when no other Erlang node is registered with it.
    if command -v epmd >/dev/null && ! epmd -names 2>/dev/null | grep -q '^name '; then
        epmd -kill >/dev/null 2>&1 || true
    fi
    say "stopped"
}

cmd_status() {
    local pid
    if amqp_answers "$KEFU_AMQP_PORT"; then
        if pid="$(our_pid)"; then
            say "up: $KEFU_NODENAME (pid $pid) on 127.0.0.1:$KEFU_AMQP_PORT, management :$KEFU_MGMT_PORT, prometheus :$KEFU_PROM_PORT"
        else
            say "up: a broker answers on 127.0.0.1:$KEFU_AMQP_PORT (not started by this script)"
        fi
        return 0
    fi
    if pid="$(our_pid)"; then
        say "starting: $KEFU_NODENAME (pid $pid) is alive but does not answer on 127.0.0.1:$KEFU_AMQP_PORT yet"
    else
        say "down: nothing answers AMQP on 127.0.0.1:$KEFU_AMQP_PORT"
    fi
    return 3
}

cmd_wait() {
    if our_pid >/dev/null; then
        if ! "$RMQ_BIN/rabbitmqctl" wait --timeout "$KEFU_BROKER_WAIT" "$RABBITMQ_PID_FILE" >/dev/null 2>&1; then
            show_logs
            die "$KEFU_NODENAME did not come up within ${KEFU_BROKER_WAIT}s"
        fi
    fi
    local deadline=$((SECONDS + KEFU_BROKER_WAIT))
    until amqp_answers "$KEFU_AMQP_PORT"; do
        ((SECONDS < deadline)) || die "nothing answers AMQP on 127.0.0.1:$KEFU_AMQP_PORT after ${KEFU_BROKER_WAIT}s"
        sleep 1
    done
    say "ready on 127.0.0.1:$KEFU_AMQP_PORT"
}

cmd_join() {
    local seed="${1:-}"
    [[ -n "$seed" ]] || die "usage: $0 join SEED_NODE (e.g. kefu@localhost)"
    our_pid >/dev/null || die "$KEFU_NODENAME is not running (start it first)"
    say "$KEFU_NODENAME joins the cluster of $seed"
    "$RMQ_BIN/rabbitmqctl" -n "$KEFU_NODENAME" stop_app >/dev/null
    "$RMQ_BIN/rabbitmqctl" -n "$KEFU_NODENAME" join_cluster "$seed" >"$NODE_DIR/join.out" 2>&1 ||
        { cat "$NODE_DIR/join.out" >&2; die "$KEFU_NODENAME could not join $seed"; }
    "$RMQ_BIN/rabbitmqctl" -n "$KEFU_NODENAME" start_app >/dev/null
    "$RMQ_BIN/rabbitmqctl" -n "$KEFU_NODENAME" await_startup >/dev/null
    say "joined: $("$RMQ_BIN/rabbitmqctl" -n "$KEFU_NODENAME" cluster_status --formatter json |
        python3 -c 'import json,sys; print(", ".join(json.load(sys.stdin)["running_nodes"]))')"
}

cmd_env() {
    local v
    for v in HOME LANG LC_ALL RABBITMQ_NODENAME RABBITMQ_NODE_PORT RABBITMQ_DIST_PORT \
        RABBITMQ_MNESIA_BASE RABBITMQ_LOG_BASE RABBITMQ_PID_FILE RABBITMQ_ENABLED_PLUGINS_FILE \
        RABBITMQ_CONFIG_FILE RABBITMQ_ADVANCED_CONFIG_FILE RABBITMQ_CONF_ENV_FILE \
        ERL_EPMD_ADDRESS RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS; do
        printf 'export %s=%q\n' "$v" "${!v}"
    done
    printf 'export PATH=%q:"$PATH"\n' "$RMQ_BIN"
    printf 'export AMQP_URL=%q\n' "amqp://guest:guest@127.0.0.1:$KEFU_AMQP_PORT/"
}

with_lock() {
    mkdir -p "$KEFU_BROKER_BASE"
    exec 9>"$KEFU_BROKER_BASE/.lock-${KEFU_NODENAME%@*}"
    flock 9
    "$@"
}

case "${1:-}" in
    start) with_lock cmd_start ;;
    stop) with_lock cmd_stop ;;
    status) cmd_status ;;
    wait) cmd_wait ;;
    env) cmd_env ;;
    join) shift; with_lock cmd_join "$@" ;;
    *) echo "usage: $0 start|stop|status|wait|env|join SEED" >&2; exit 2 ;;
esac

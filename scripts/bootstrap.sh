#!/usr/bin/env bash
# Get a machine ready to run or test Kefu; safe to run again and again.
#   1. Python >= 3.11 with venv support (apt-get install python3-venv if missing)
#   2. .venv with `pip install -e '.[test,postgres]'`, redone only when pyproject.toml changes
#      (its sha256 is kept in .venv/.kefu-pyproject.sha256)
#   3. the system packages the project runs and tests against, installed in one apt-get step when
#      any is missing: rabbitmq-server, redis-server (webhook mode's FSM store), postgresql
#      (the worker's production database, which the tests run on too)
#   4. the RabbitMQ broker up (scripts/broker.sh start)
# Called by scripts/run.sh and scripts/test.sh; can also be sourced (it leaves no shell options
# behind).

kefu_bootstrap() (
    set -euo pipefail
    ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    cd "$ROOT"

    say() { printf 'bootstrap: %s\n' "$*"; }
    as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }

    mkdir -p var/log
    # One bootstrap at a time (run.sh and test.sh may start together).
    exec 8>var/.bootstrap.lock
    flock 8

    local python="${KEFU_PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "bootstrap: Kefu needs Python 3.11 or newer as '$python' (set KEFU_PYTHON)" >&2
        exit 1
    fi

    if ! .venv/bin/python -c 'import sys' 2>/dev/null; then
        if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
            say "installing python3-venv with apt-get"
            as_root apt-get update -q
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
        fi
        say "creating .venv with $("$python" --version)"
        rm -rf .venv
        "$python" -m venv .venv
    fi

    local want have stamp=.venv/.kefu-pyproject.sha256
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [[ "$want" != "$have" ]]; then
        say "installing Kefu and its dependencies into .venv (pyproject.toml is new or changed)"
        local t0=$SECONDS
        mkdir -p var/log
        # The build backend's chatter goes to a log; it is shown only when the install fails.
        if ! .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -q \
            -e '.[test,postgres]' >var/log/pip-install.log 2>&1; then
            tail -n 40 var/log/pip-install.log >&2
            say "pip install failed; the whole log is var/log/pip-install.log"
            return 1
        fi
        # A venv shared from another checkout (a git worktree's .venv linked to the main one):
        # this checkout's dependencies, but the editable package back on the venv's own checkout,
        # or its `kefu` and every other user of the venv would run this checkout's code
        local owner
        owner="$(cd "$(readlink -f .venv)/.." && pwd)"
        if [[ "$owner" != "$ROOT" && -f "$owner/pyproject.toml" ]]; then
            .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -q \
                --no-deps -e "$owner" >>var/log/pip-install.log 2>&1 || true
        fi
        printf '%s\n' "$want" >"$stamp"
        say "dependencies installed in $((SECONDS - t0))s"
    fi

    local missing=()
    [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing+=(rabbitmq-server)
    command -v redis-server >/dev/null || missing+=(redis-server)
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
    if ((${#missing[@]})); then
        say "installing ${missing[*]} with apt-get (about a minute)"
        local t1=$SECONDS
        as_root apt-get update -q >/dev/null
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
            >var/log/apt-install.log 2>&1 || { tail -n 30 var/log/apt-install.log >&2; exit 1; }
        say "system packages installed in $((SECONDS - t1))s"
    fi

    # Release the lock first: the broker started below must not inherit it.
    exec 8>&-
    bash scripts/broker.sh start
)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    kefu_bootstrap
else
    kefu_bootstrap || return
fi

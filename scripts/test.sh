#!/usr/bin/env bash
# The test command: bash scripts/test.sh [pytest arguments]
# Sets the machine up (scripts/bootstrap.sh: venv, dependencies, RabbitMQ, Redis and
# PostgreSQL packages), starts the test PostgreSQL (scripts/postgres.sh), then runs
#   ruff check .   lint-imports (contracts in pyproject.toml)   mypy (pyproject.toml: strict
#   on shop/ bus/ replies/ intents/ bot/, normal on worker/ ops/)   pytest "$@"
# pytest runs the tests in as many processes as the machine has CPUs (pytest-xdist, one file's
# tests in one process, so its shop and stack are built once): most of a test's time is spent
# waiting on the broker, the database and the processes it starts. KEFU_TEST_PROCESSES=N sets
# the count (0: all in pytest's own process); `-n N` or `-p no:xdist` in the arguments wins.
# Every step runs so that one report shows all problems; the exit code is the first failure's.
# pytest's 5 ("no tests collected") counts as a failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/bootstrap.sh || exit
bash scripts/postgres.sh start || exit

status=0
step() {
    local name="$1" rc
    shift
    printf '\n=== %s\n' "$name"
    "$@"
    rc=$?
    if ((rc != 0)); then
        printf '=== %s failed (exit %d)\n' "$name" "$rc"
        ((status == 0)) && status=$rc
    fi
}

step "ruff check" .venv/bin/ruff check .
step "lint-imports" .venv/bin/lint-imports --no-logo --cache-dir var/cache/import-linter
step "mypy" .venv/bin/mypy --cache-dir var/cache/mypy
processes=(-n "${KEFU_TEST_PROCESSES:-auto}" --dist loadfile)
for arg in "$@"; do
    case "$arg" in -n | -n[0-9]* | --numprocesses* | no:xdist) processes=() ;; esac
done
step "pytest" .venv/bin/pytest -p no:cacheprovider "${processes[@]}" "$@"

if ((status == 0)); then
    printf '\n=== all green\n'
fi
exit "$status"

#!/usr/bin/env bash
# The test command: bash scripts/test.sh [pytest arguments]
# Sets the machine up (scripts/bootstrap.sh: venv, dependencies, RabbitMQ, Redis and
# PostgreSQL packages), starts the test PostgreSQL (scripts/postgres.sh), then runs
#   ruff check .   lint-imports (contracts in pyproject.toml)   mypy (pyproject.toml: strict
#   on shop/ bus/ replies/ intents/ bot/, normal on worker/ ops/)   pytest "$@"
# pytest runs the tests in as many processes as the machine has CPUs (pytest-xdist, one file's
# tests in one process, so its shop and stack are built once): most of a test's time is spent
# waiting on the broker, the database and the processes it starts. KEFU_TEST_PROCESSES=N sets
# the count (0: all in pytest's own process).
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
# pytest: the tests in several processes, then those marked `exclusive` (kill -9, timeouts, a
# concurrency bound: they fail when another test takes the CPU) in one process, after them.
# A phase that finds none of its tests among those asked for is no failure; both finding none is.
# Arguments that choose the processes (-n, -p no:xdist) or the marks (-m) make it one run.
split=true
for arg in "$@"; do
    case "$arg" in -n | -n[0-9]* | --numprocesses* | no:xdist | -m | -m*) split=false ;; esac
done
if [[ "$split" == true ]]; then
    printf '\n=== pytest\n'
    .venv/bin/pytest -p no:cacheprovider -n "${KEFU_TEST_PROCESSES:-auto}" --dist loadfile \
        -m "not slow and not exclusive" "$@"
    first=$?
    printf '\n=== pytest (exclusive: one process, nothing beside it)\n'
    .venv/bin/pytest -p no:cacheprovider -m "exclusive and not slow" "$@"
    second=$?
    if ((first == 5 && second == 5)); then
        rc=5
    elif ((first != 0 && first != 5)); then
        rc=$first
    elif ((second != 0 && second != 5)); then
        rc=$second
    else
        rc=0
    fi
    if ((rc != 0)); then
        printf '=== pytest failed (exit %d)\n' "$rc"
        ((status == 0)) && status=$rc
    fi
else
    step "pytest" .venv/bin/pytest -p no:cacheprovider "$@"
fi

if ((status == 0)); then
    printf '\n=== all green\n'
fi
exit "$status"

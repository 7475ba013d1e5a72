#!/usr/bin/env bash
# The stop command: bash scripts/stop.sh
# Stops what Kefu's scripts leave running in the background after the bot is gone: the RabbitMQ
# node (scripts/broker.sh, started by run.sh and test.sh), and the Redis (scripts/redis.sh) and
# PostgreSQL (scripts/postgres.sh) that test.sh and the webhook tests start. Each script stops
# only the server it started itself (a broker, Redis or PostgreSQL you run some other way is
# left alone); one that is not running is skipped. The worker needs no stopping: run.sh stops it
# when the bot ends.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

status=0
for service in broker redis postgres; do
    if bash "scripts/$service.sh" status >/dev/null 2>&1; then
        echo "stop: stopping $service"
        bash "scripts/$service.sh" stop || status=$?
    else
        echo "stop: $service is not running"
    fi
done
exit "$status"

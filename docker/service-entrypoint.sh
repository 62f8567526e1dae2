#!/bin/sh
# Entry point of the service images under compose and in development: apply the service's
# migrations, optionally load the demo data, then run the command: the image's CMD `serve`
# runs the service's app ($SERVICE_APP on $SERVICE_PORT, set by services/Dockerfile).
# SEED_ON_START unset or empty seeds only when ENV=development; the seed scripts themselves
# refuse ENV=production, so SEED_ON_START=true there stops the container with that reason.
# Migrations take the database's advisory lock (shopkit.migrations), so replicas starting
# together run them one after the other. Kubernetes runs them in a Job instead and sets
# MIGRATE_ON_START=false on the web containers (deploy/k8s, docs/operations.md).
set -eu
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    # uvicorn --workers N: every worker writes its metrics here (shopkit.metrics). Emptied at
    # each start so a previous run's counters are not added to this one's.
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
fi
if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
    echo "entrypoint: alembic upgrade head"
    alembic upgrade head
fi
seed="${SEED_ON_START:-}"
if [ -z "$seed" ]; then
    if [ "${ENV:-development}" = "development" ]; then seed=true; else seed=false; fi
fi
if [ "$seed" = "true" ] && [ -f scripts/seed.py ]; then
    echo "entrypoint: loading demo data"
    python scripts/seed.py
fi
if [ "$#" -eq 1 ] && [ "$1" = "serve" ]; then
    set -- uvicorn "$SERVICE_APP" --factory --host 0.0.0.0 --port "$SERVICE_PORT" \
        --no-proxy-headers --no-access-log
fi
exec "$@"

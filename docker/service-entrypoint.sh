#!/bin/sh
# Entry point of the service images: apply the service's migrations, optionally load the
# demo data, then run the server (the image's CMD).
set -eu
if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
    echo "entrypoint: alembic upgrade head"
    alembic upgrade head
fi
if [ "${SEED_ON_START:-false}" = "true" ] && [ -f scripts/seed.py ]; then
    echo "entrypoint: loading demo data"
    python scripts/seed.py
fi
exec "$@"

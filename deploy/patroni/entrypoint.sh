#!/bin/sh
# Started as root: a fresh volume is root's, and Postgres wants its data directory to be its own
# (mode 0700); then Patroni runs as postgres, as Postgres requires.
set -eu
if [ "$(id -u)" = 0 ]; then
    mkdir -p /var/lib/postgresql/data
    chown postgres:postgres /var/lib/postgresql/data
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
exec "$@"

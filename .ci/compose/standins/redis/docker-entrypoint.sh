#!/bin/sh
# STAND-IN entrypoint (see Dockerfile): the part of the official redis entrypoint that
# docker-compose.yml relies on. Written for this scaffolding, not copied.
set -eu

if [ "${1:-}" = redis-server ]; then
    # Started as root: own /data (a fresh volume is root's), then drop to the redis user.
    if [ "$(id -u)" = 0 ]; then
        chown -R redis:redis /data
        exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
    fi
    # No config file: Redis would refuse clients from other containers (protected mode).
    case "${2:-}" in
        *.conf) ;;
        *) shift; set -- redis-server "$@" --protected-mode no ;;
    esac
fi
exec "$@"

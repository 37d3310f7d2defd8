#!/bin/sh
# STAND-IN entrypoint (see Dockerfile): what the official haproxy entrypoint does. Written for
# this scaffolding, not copied.
set -eu
# Options only: they are haproxy's.
if [ "${1#-}" != "${1:-}" ]; then set -- haproxy "$@"; fi
if [ "${1:-}" = haproxy ]; then
    shift
    set -- haproxy -W -db "$@"
fi
exec "$@"

#!/bin/sh
# STAND-IN entrypoint (see Dockerfile): what the official nginx image's entrypoint does before
# nginx starts. Written for this scaffolding, not copied.
set -eu

case "${1:-}" in
    nginx | nginx-debug)
        for script in $(find /docker-entrypoint.d/ -follow -type f | sort); do
            case "$script" in
                *.envsh) [ -x "$script" ] && . "$script" ;;
                *.sh)
                    if [ -x "$script" ]; then
                        echo "$0: running $script"
                        "$script"
                    else
                        echo "$0: ignoring $script, not executable"
                    fi
                    ;;
            esac
        done
        ;;
esac
exec "$@"

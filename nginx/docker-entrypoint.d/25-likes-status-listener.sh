#!/bin/sh
# Runs from the official image's entrypoint after its envsubst step (20-envsubst-on-templates.sh).
# The stub_status listener (templates/status.conf.template) is off while NGINX_STATUS_LISTEN is
# empty: its rendered file would read `listen ;`, so it goes.
set -eu

output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
if [ -z "${NGINX_STATUS_LISTEN:-}" ]; then
    rm -f "$output_dir/status.conf"
else
    echo "$0: nginx's stub_status on $NGINX_STATUS_LISTEN (/stub_status)"
fi

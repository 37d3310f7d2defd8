#!/bin/sh
# Runs from the official image's entrypoint before its envsubst step (20-envsubst-on-templates.sh).
# envsubst leaves an unset ${NGINX_*} variable in place, and nginx then fails with a confusing
# message about the literal text; stop here instead, naming the variables to set.
set -eu

template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
[ -d "$template_dir" ] || exit 0

missing=""
for name in $(find "$template_dir" -type f -name '*.template' -exec grep -ohE '\$\{NGINX_[A-Z0-9_]+\}' {} + | tr -d '${}' | sort -u); do
    eval "is_set=\${$name+set}"
    [ -n "$is_set" ] || missing="$missing $name"
done

if [ -n "$missing" ]; then
    echo "$0: ERROR: the nginx templates need these variables (see nginx/defaults.env):$missing" >&2
    exit 1
fi

#!/bin/sh
# STAND-IN (see Dockerfile) for the official image's template step: each
# $NGINX_ENVSUBST_TEMPLATE_DIR/NAME.template becomes $NGINX_ENVSUBST_OUTPUT_DIR/NAME, with envsubst
# replacing only the environment variables whose names match $NGINX_ENVSUBST_FILTER (a regular
# expression; empty means all), so nginx's own $variables survive.
set -eu

template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
filter="${NGINX_ENVSUBST_FILTER:-}"

[ -d "$template_dir" ] || exit 0

defined_envs=$(printf '${%s} ' $(awk 'END { for (name in ENVIRON) print name }' </dev/null | grep -E -- "${filter:-.}" || true))
find "$template_dir" -follow -type f -name "*$suffix" | while read -r template; do
    relative="${template#"$template_dir/"}"
    output="$output_dir/${relative%"$suffix"}"
    mkdir -p "$(dirname "$output")"
    echo "$0: rendering $template to $output"
    envsubst "$defined_envs" <"$template" >"$output"
done

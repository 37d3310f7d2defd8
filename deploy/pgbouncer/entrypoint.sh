#!/bin/sh
# Renders PgBouncer's config and auth file from the environment, then runs it in the foreground.
set -eu

: "${PGBOUNCER_UPSTREAM_HOST:?the Postgres (or proxy) host to pool connections to}"
: "${PGBOUNCER_UPSTREAM_PORT:=5432}"
: "${PGBOUNCER_DB_USER:?the database user clients log in as}"
: "${PGBOUNCER_DB_PASSWORD:?that user's password}"
: "${PGBOUNCER_POOL_SIZE:=20}"

conf=/etc/pgbouncer
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }

umask 077
# The plain password: PgBouncer checks clients with SCRAM against it and logs in upstream with it.
printf '%s %s\n' "$(quote "$PGBOUNCER_DB_USER")" "$(quote "$PGBOUNCER_DB_PASSWORD")" >"$conf/userlist.txt"

cat >"$conf/pgbouncer.ini" <<INI
[databases]
* = host=$PGBOUNCER_UPSTREAM_HOST port=$PGBOUNCER_UPSTREAM_PORT

[pgbouncer]
listen_addr = *
listen_port = 6432
unix_socket_dir = /var/run/postgresql
auth_type = scram-sha-256
auth_file = $conf/userlist.txt
admin_users = $PGBOUNCER_DB_USER
stats_users = $PGBOUNCER_DB_USER
; A server connection is lent for one transaction: no session state may outlive it.
pool_mode = transaction
default_pool_size = $PGBOUNCER_POOL_SIZE
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits
query_wait_timeout = 15
server_login_retry = 1
INI

exec pgbouncer "$conf/pgbouncer.ini"

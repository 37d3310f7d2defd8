#!/bin/sh
# Writes pgbouncer.ini and the user list from the environment, then runs PgBouncer as the
# postgres user (PgBouncer refuses to run as root).
set -eu
: "${PGBOUNCER_UPSTREAM_HOST:?where Postgres is}"
: "${PGBOUNCER_DB_USER:?the application role}"
: "${PGBOUNCER_DB_PASSWORD:?its password}"
config=/etc/pgbouncer
cat >"$config/pgbouncer.ini" <<INI
[databases]
* = host=$PGBOUNCER_UPSTREAM_HOST port=${PGBOUNCER_UPSTREAM_PORT:-5432}

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $config/userlist.txt
pool_mode = transaction
default_pool_size = ${PGBOUNCER_POOL_SIZE:-20}
max_client_conn = 1000
server_login_retry = 1
ignore_startup_parameters = extra_float_digits
INI
# The plain password, so PgBouncer can answer Postgres' SCRAM challenge for the same role.
printf '"%s" "%s"\n' "$PGBOUNCER_DB_USER" "$PGBOUNCER_DB_PASSWORD" >"$config/userlist.txt"
chown -R postgres:postgres "$config"
chmod 600 "$config/userlist.txt"
exec setpriv --reuid=postgres --regid=postgres --init-groups pgbouncer "$config/pgbouncer.ini"

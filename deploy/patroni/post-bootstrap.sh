#!/bin/sh
# Patroni runs this once, on the node that initialized the cluster, with a superuser connection
# string as $1: the application's role and database (the official image's POSTGRES_USER and
# POSTGRES_DB do the same for the simple topology). The standby gets them by replication.
set -eu
: "${LIKES_DB_PASSWORD:?the application role needs a password}"
psql "$1" -v ON_ERROR_STOP=1 -v user="${LIKES_DB_USER:-likes}" -v password="$LIKES_DB_PASSWORD" \
    -v database="${LIKES_DB_NAME:-likes}" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"user";
SQL

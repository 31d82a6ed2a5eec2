#!/usr/bin/env bash
# Debian's PostgreSQL 15 for the PostgreSQL half of the store contract (npm test) and the replica
# suites: installs it when missing, starts the default cluster, lets root connect over the socket
# and creates the test database. Prints the REWIND_TEST_POSTGRES value the tests read; source it:
#   export REWIND_TEST_POSTGRES=$(bash scripts/postgres-test-db.sh)
set -euo pipefail
if [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >&2
fi
if ! pg_lsclusters -h 15 main | grep -q online; then pg_ctlcluster 15 main start >&2; fi
role=$(id -un)
su postgres -c "psql -tAqc \"select 1 from pg_roles where rolname = '$role'\"" | grep -q 1 ||
  su postgres -c "psql -qc 'create role \"$role\" superuser login'" >&2
psql -d postgres -tAqc "select 1 from pg_database where datname = 'rewind_test'" | grep -q 1 ||
  psql -d postgres -qc 'create database rewind_test' >&2
# A scratch database: a commit need not wait for its WAL to reach the disk (a server crash may lose
# the last few; the tests never crash the server), which makes each test's schema quicker to build.
psql -d postgres -qc 'alter database rewind_test set synchronous_commit = off' >&2
echo "postgres://$role@localhost/rewind_test?host=/var/run/postgresql"

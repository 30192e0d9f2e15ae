#!/usr/bin/env bash
# The whole test suite twice at the same time: every test on SQLite and every test that
# depends on the database on PostgreSQL (TWINSPACE_TEST_DATABASE=postgresql: databases of
# its own per test, see tests/support/database.py). On this 2-core machine the two passes side by side take about as
# long as the slower one alone would on a loaded machine, instead of their sum (README,
# "Two commands"). The SQLite pass prints as it goes; the PostgreSQL pass is written to a
# log that is printed when it ends. Fails when either pass fails. Extra arguments go to both
# pytest runs (`bash scripts/test-both-backends.sh tests/foundation -x`).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
work=$(mktemp -d /tmp/twinspace-tests.XXXXXX)
started=$(date +%s)

# each pass has a temporary folder of its own; only SQLite's keeps pytest's cache.
# The PostgreSQL pass leaves out what does not depend on the database (marker `one_backend`:
# filter rules, the web client's accessibility and translation sweeps) and tests/cluster,
# which the SQLite pass runs: a cluster is PostgreSQL + Redis whatever the pass, and the
# SQLite pass, alone, would finish minutes before the PostgreSQL one.
CI=${CI:-} TWINSPACE_TEST_DATABASE=postgresql "$PY" -m pytest -q -p no:cacheprovider \
  --basetemp "$work/postgresql" --ignore=tests/cluster -m "not one_backend" "$@" \
  >"$work/postgresql.log" 2>&1 &
postgres_pid=$!
stop_postgres_pass() { kill -- "$postgres_pid" 2>/dev/null; }
trap stop_postgres_pass INT TERM

echo "== SQLite pass (the PostgreSQL pass runs beside it, log: $work/postgresql.log) =="
CI=${CI:-} TWINSPACE_TEST_DATABASE=sqlite "$PY" -m pytest -q --basetemp "$work/sqlite" "$@"
sqlite_status=$?
sqlite_done=$(date +%s)

wait "$postgres_pid"
postgres_status=$?
finished=$(date +%s)
echo
echo "== PostgreSQL pass =="
cat "$work/postgresql.log"
echo
echo "SQLite pass: exit $sqlite_status after $((sqlite_done - started)) s;" \
  "PostgreSQL pass: exit $postgres_status after $((finished - started)) s (both started together)"
rm -rf "$work/sqlite" "$work/postgresql"  # the tests' data dirs; the log stays
[ "$sqlite_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]

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
# filter rules, the web client's accessibility and translation sweeps). tests/cluster runs
# once, split between the passes so that they end together (a cluster is PostgreSQL + Redis
# whatever the pass): these files in the PostgreSQL pass, the others in the SQLite pass.
CLUSTER_ON_POSTGRES=(tests/cluster/test_project_events.py tests/cluster/test_running.py
  tests/cluster/test_limits.py)
CLUSTER_ON_SQLITE=()
for file in tests/cluster/test_*.py; do
  case " ${CLUSTER_ON_POSTGRES[*]} " in *" $file "*) ;; *) CLUSTER_ON_SQLITE+=("$file") ;; esac
done
CI=${CI:-} TWINSPACE_TEST_DATABASE=postgresql "$PY" -m pytest -q -p no:cacheprovider \
  --basetemp "$work/postgresql" -m "not one_backend" \
  "${CLUSTER_ON_SQLITE[@]/#/--ignore=}" "$@" >"$work/postgresql.log" 2>&1 &
postgres_pid=$!
stop_postgres_pass() { kill -- "$postgres_pid" 2>/dev/null; }
trap stop_postgres_pass INT TERM

echo "== SQLite pass (the PostgreSQL pass runs beside it, log: $work/postgresql.log) =="
CI=${CI:-} TWINSPACE_TEST_DATABASE=sqlite "$PY" -m pytest -q --basetemp "$work/sqlite" \
  "${CLUSTER_ON_POSTGRES[@]/#/--ignore=}" "$@"
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

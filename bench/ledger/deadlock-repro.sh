#!/usr/bin/env bash
# Shows, in two psql sessions, why a plain UPDATE … WHERE id = ANY(…) (LedgerRepository.moveCounters
# before f01a4ce) does not lock two accounts in id order: its plan is a bitmap heap scan, which
# visits (and locks) rows in heap order. Session 1 locks generation_spend then a user (id order);
# session 2 runs the statement for the same two accounts:
#
# 1. the plain UPDATE: "deadlock detected";
# 2. locking first with SELECT … ORDER BY id FOR NO KEY UPDATE (what moveCounters does since
#    f01a4ce): it waits for session 1, then succeeds.
#
# Both sessions roll back: the ledger is left as it was. Needs the bench database after a run of
# `npm run bench:ledger` (the spend account's row must have moved past a user's row in the heap).
set -euo pipefail

URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/genbot_bench}"
case "${URL##*/}" in *bench*) ;; *) echo "refusing: the database name must contain \"bench\"" >&2; exit 1 ;; esac
export PGOPTIONS='-c statement_timeout=10000 -c lock_timeout=5000'

SPEND=00000000-0000-4000-8000-000000000004
USER_ID=$(psql "$URL" -Atc "
  SELECT id FROM ledger_accounts
  WHERE code = 'user' AND (ctid::text::point)[0] < (SELECT (ctid::text::point)[0] FROM ledger_accounts WHERE id = '$SPEND')
  LIMIT 1")
if [ -z "$USER_ID" ]; then
  echo "no user account sits before generation_spend in the heap yet: run npm run bench:ledger first" >&2
  exit 1
fi
psql "$URL" -Atc "SELECT 'heap position: ' || string_agg(id || ' at ' || ctid::text, ', ' ORDER BY id) FROM ledger_accounts WHERE id IN ('$SPEND', '$USER_ID')"
psql "$URL" -c "EXPLAIN (COSTS OFF) UPDATE ledger_accounts SET credits_posted = credits_posted WHERE id = ANY(ARRAY['$SPEND', '$USER_ID']::uuid[])"

session1() {
  psql "$URL" -q <<SQL
BEGIN;
UPDATE ledger_accounts SET credits_posted = credits_posted WHERE id = '$SPEND';
SELECT pg_sleep(1);
UPDATE ledger_accounts SET credits_posted = credits_posted WHERE id = '$USER_ID';
ROLLBACK;
SQL
}

run() {
  local label=$1 statement=$2
  echo "--- $label"
  session1 >/dev/null 2>&1 &
  local first=$!
  sleep 0.3
  psql "$URL" -q -c "BEGIN" -c "$statement" -c "ROLLBACK" 2>&1 | grep -E 'ERROR|UPDATE|rows\)' || true
  wait "$first" || true
}

run "plain UPDATE … WHERE id = ANY (moveCounters before f01a4ce)" "
  UPDATE ledger_accounts SET credits_posted = credits_posted
  WHERE id = ANY(ARRAY['$SPEND', '$USER_ID']::uuid[]) RETURNING id"

run "locked in id order first (moveCounters since f01a4ce)" "
  WITH locked AS MATERIALIZED (
    SELECT id FROM ledger_accounts WHERE id = ANY(ARRAY['$SPEND', '$USER_ID']::uuid[]) ORDER BY id FOR NO KEY UPDATE
  )
  UPDATE ledger_accounts a SET credits_posted = a.credits_posted FROM locked WHERE a.id = locked.id RETURNING a.id"

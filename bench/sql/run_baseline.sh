#!/usr/bin/env bash
# Runs the SQL baseline over a canonical CSV folder: loads it into SQLite (sqlite3 CLI, .import),
# PostgreSQL (psql, COPY) or DuckDB (in memory, read_csv, through Node.js and duckdb/run_duckdb.mjs),
# builds the typed tables (and indexes), evaluates rules.sql as of a date, and prints the findings
# as CSV lines "rule,unit_id,person_id", sorted.
#
#   run_baseline.sh --engine sqlite   --data DIR --as-of YYYY-MM-DD [--db FILE]
#   run_baseline.sh --engine postgres --data DIR --as-of YYYY-MM-DD --port P [--host H] [--user U] [--database D]
#   run_baseline.sh --engine duckdb   --data DIR --as-of YYYY-MM-DD
#   [--param NAME=VALUE]...   a [rules] parameter: roster_after_hire_days, pay_after_roster_days,
#                             roster_after_exit_days, payroll_grace_months, secondment_max_days,
#                             retire_months_male, retire_months_female
#   [--timings FILE]          appends "load_seconds=S" and "query_seconds=S" lines to FILE
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
engine="" data="" as_of="" db="" port="" host="127.0.0.1" user="postgres" database="postgres" timings=""
declare -A params=(
  [roster_after_hire_days]=30 [pay_after_roster_days]=60 [roster_after_exit_days]=15 [payroll_grace_months]=0
  [secondment_max_days]=183 [retire_months_male]=720 [retire_months_female]=660
)

fail() { echo "run_baseline.sh: $*" >&2; exit 2; }

while (($# > 0)); do
  case "$1" in
    --engine) engine="${2:-}"; shift 2 ;;
    --data) data="${2:-}"; shift 2 ;;
    --as-of) as_of="${2:-}"; shift 2 ;;
    --db) db="${2:-}"; shift 2 ;;
    --port) port="${2:-}"; shift 2 ;;
    --host) host="${2:-}"; shift 2 ;;
    --user) user="${2:-}"; shift 2 ;;
    --database) database="${2:-}"; shift 2 ;;
    --timings) timings="${2:-}"; shift 2 ;;
    --param)
      name="${2%%=*}" value="${2#*=}"
      [[ -n "${params[$name]+set}" ]] || fail "--param $2: unknown parameter \"$name\""
      [[ "$value" =~ ^[0-9]+$ ]] || fail "--param $2: \"$value\" is not a whole number"
      params[$name]="$value"
      shift 2 ;;
    *) fail "unexpected argument \"$1\"" ;;
  esac
done

[[ "$engine" == sqlite || "$engine" == postgres || "$engine" == duckdb ]] || fail "--engine must be sqlite, postgres or duckdb"
[[ -d "$data" ]] || fail "--data \"$data\" is not a folder"
[[ "$as_of" =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})$ ]] || fail "--as-of \"$as_of\" is not a date (YYYY-MM-DD)"
as_of_day=$(( $(date -u -d "$as_of" +%s) / 86400 )) || fail "--as-of \"$as_of\" is not a date"
as_of_month=$(( 10#${BASH_REMATCH[1]} * 12 + 10#${BASH_REMATCH[2]} - 1 ))
as_of_ymd="${BASH_REMATCH[1]}${BASH_REMATCH[2]}${BASH_REMATCH[3]}"

params_sql="DROP TABLE IF EXISTS run_params;
CREATE TABLE run_params AS SELECT $as_of_day AS as_of, $as_of_month AS as_of_month, $as_of_ymd AS as_of_ymd,
  ${params[roster_after_hire_days]} AS roster_after_hire_days, ${params[pay_after_roster_days]} AS pay_after_roster_days,
  ${params[roster_after_exit_days]} AS roster_after_exit_days, ${params[payroll_grace_months]} AS payroll_grace_months,
  ${params[secondment_max_days]} AS secondment_max_days, ${params[retire_months_male]} AS retire_months_male,
  ${params[retire_months_female]} AS retire_months_female;"

tables=(units quotas leader_quotas approvals roster movements payroll deaths)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

start=$(now)
if [[ "$engine" == sqlite ]]; then
  scratch=""
  if [[ -z "$db" ]]; then
    scratch="$(mktemp -d)"
    db="$scratch/baseline.sqlite"
  fi
  trap '[[ -n "$scratch" ]] && rm -rf "$scratch"' EXIT
  rm -f "$db"
  sqlite=(sqlite3 -bail -batch "$db")
  {
    echo "PRAGMA journal_mode = OFF;"
    echo "PRAGMA synchronous = OFF;"
    cat "$here/schema_raw.sql"
    echo ".mode csv"
    for table in "${tables[@]}"; do
      [[ -f "$data/$table.csv" ]] && echo ".import --skip 1 '$data/$table.csv' raw_$table"
    done
    cat "$here/typed_sqlite.sql"
  } | "${sqlite[@]}" >/dev/null
  loaded=$(now)
  { echo ".output /dev/null"; echo "PRAGMA journal_mode = OFF;"; echo "PRAGMA synchronous = OFF;"
    echo "$params_sql"; cat "$here/rules.sql"; echo ".output stdout"; echo ".mode csv"
    echo "SELECT rule, unit_id, person_id FROM findings ORDER BY rule, unit_id, person_id;"; } | "${sqlite[@]}" |
    tr -d '\r' | sed 's/"//g'
elif [[ "$engine" == duckdb ]]; then
  # The node process loads and queries; it writes the time the typed tables were ready to a file.
  command -v node >/dev/null || fail "--engine duckdb needs Node.js (node): run ./scripts/install-deps.sh --test"
  [[ -d "$here/duckdb/node_modules/@duckdb/node-api" ]] ||
    fail "--engine duckdb needs bench/sql/duckdb/node_modules: run ./scripts/install-deps.sh --test"
  loaded_at="$(mktemp)"
  trap 'rm -f "$loaded_at"' EXIT
  node "$here/duckdb/run_duckdb.mjs" --data "$data" --params-sql "$params_sql" --loaded-at "$loaded_at"
  loaded=$(cat "$loaded_at")
else
  [[ -n "$port" ]] || fail "--engine postgres needs --port"
  export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
  psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d "$database")
  "${psql[@]}" -f "$here/schema_raw.sql" >/dev/null
  for table in "${tables[@]}"; do
    [[ -f "$data/$table.csv" ]] || continue
    "${psql[@]}" -c "COPY raw_$table FROM STDIN WITH (FORMAT csv, HEADER true)" <"$data/$table.csv"
  done
  "${psql[@]}" -f "$here/typed_postgres.sql" >/dev/null
  loaded=$(now)
  { echo "$params_sql"; cat "$here/rules.sql"; } | "${psql[@]}" >/dev/null
  "${psql[@]}" -A -t -F , -c "SELECT rule, unit_id, person_id FROM findings ORDER BY rule, unit_id, person_id"
fi
done_at=$(now)
if [[ -n "$timings" ]]; then
  { echo "load_seconds=$(elapsed "$start" "$loaded")"; echo "query_seconds=$(elapsed "$loaded" "$done_at")"; } >>"$timings"
fi

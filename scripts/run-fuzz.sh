#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang 14, ASan + UBSan) and fuzzes each one in
# turn for SECONDS (default 60), starting from its seed corpus in tests/fuzz/corpus/<target>.
# The run works on a copy of the corpus under build/fuzz/work/<target>/ (the committed corpus
# never grows by itself: add an input there on purpose). Prints the executions per target and
# exits non-zero when a target crashes, leaks or hangs; the input that did it is kept under
# build/fuzz/crashes/<target>/.
#
#   scripts/run-fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "usage: $0 [SECONDS] [TARGET...]  (SECONDS: a positive whole number, got \"$seconds\")" >&2
  exit 2
fi

all_targets=(fuzz_csv_reader fuzz_export_file fuzz_xlsx_sheet fuzz_json_mapper fuzz_config_loader fuzz_identifiers fuzz_scim_response)
targets=("$@")
if ((${#targets[@]} == 0)); then targets=("${all_targets[@]}"); fi

# The longest input worth trying: a few rows of CSV, a page of JSON, a configuration file, an id.
max_len_of() {
  case "$1" in
    fuzz_identifiers) echo 256 ;;
    fuzz_xlsx_sheet) echo 65536 ;;  # a small workbook: a zip of six XML parts
    fuzz_csv_reader | fuzz_export_file | fuzz_config_loader) echo 8192 ;;
    *) echo 16384 ;;
  esac
}

build_dir=build/fuzz
echo "== build: fuzz"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
summary=()
for target in "${targets[@]}"; do
  binary="$build_dir/tests/fuzz/$target"
  seeds="tests/fuzz/corpus/$target"
  if [[ ! -x "$binary" || ! -d "$seeds" ]]; then
    echo "$target: no such fuzz target (expected $binary and $seeds)" >&2
    exit 2
  fi
  work="$build_dir/work/$target"
  crashes="$build_dir/crashes/$target"
  log="$build_dir/logs/$target.log"
  rm -rf "$work"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  cp -- "$seeds"/* "$work"/
  args=(-max_total_time="$seconds" -max_len="$(max_len_of "$target")" -timeout=30 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$crashes/")
  if [[ -f "tests/fuzz/dict/$target.dict" ]]; then args+=(-dict="tests/fuzz/dict/$target.dict"); fi

  echo "== fuzz: $target for ${seconds}s"
  status=0
  "$binary" "${args[@]}" "$work" >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  coverage=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
  line=$(printf '%-20s %10s executions  %6s exec/s  cov %s' "$target" "${executions:-?}" "${per_second:-?}" \
    "${coverage:-?}")
  if ((status != 0)); then
    line+="  FAILED (exit $status)"
    failed+=("$target")
    echo "$target failed; the sanitizer's report (full log: $log):" >&2
    grep -E -A40 '^==[0-9]+==ERROR|^SUMMARY|runtime error|invariant violated|ALARM|deadly signal|out-of-memory' "$log" \
      | head -n 80 >&2 || tail -n 60 "$log" >&2
    sed -n 's/.*Test unit written to //p' "$log" | while read -r artifact; do
      echo "kept the input: $artifact (replay: $binary $artifact)" >&2
    done
  fi
  summary+=("$line")
  echo "$line"
done

echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi

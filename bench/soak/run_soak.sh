#!/usr/bin/env bash
# Bounded soak of the Release daemon: a csv connector fed a small movements file every second,
# alerts flowing to a file receiver and a webhook receiver, resident memory and open descriptors
# sampled every 10 s. Minutes, not hours; never part of the test suite.
#   bench/soak/run_soak.sh                 10 minutes
#   bench/soak/run_soak.sh --minutes 5     options: --minutes N --warmup S --tolerance PCT
#                                          --interval S --no-build --out DIR
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes=10
warmup=120         # seconds before the reference sample: the person pool is filled and cycled once
tolerance=10       # percent of the reference RSS the end may be above it
interval=10        # seconds between samples
build=1
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --tolerance) tolerance="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "run_soak.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

cd "$root"
if [[ $build == 1 ]]; then
  cmake --preset bench >/dev/null
  cmake --build --preset bench --target staffchaind csv file webhook --parallel "${STAFFCHAIN_BENCH_JOBS:-2}"
fi
bin="$root/build/bench/bin"
[[ -x "$bin/staffchaind" ]] || { echo "run_soak.sh: no $bin/staffchaind (build the bench preset)" >&2; exit 1; }

out="${out:-$root/build/bench/soak-$(date +%Y%m%dT%H%M%S)}"
mkdir -p "$out/inbox" "$out/alerts"
out="$(cd "$out" && pwd)"
seconds=$((minutes * 60))

# The webhook receiver: a tiny HTTP server that answers 200 to every POST and counts them.
hook_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 "$root/bench/soak/hook_receiver.py" --port "$hook_port" --count-file "$out/hook.count" \
  >"$out/hook.log" 2>&1 &
hook_pid=$!

cat >"$out/staffchain.toml" <<TOML
[daemon]
state_dir = "state"
plugin_dir = "$bin/plugins"
evaluate_interval = "5s"
shutdown_grace = "5s"
log_level = "info"

[connectors.hr]
plugin = "csv"
role = "hr"
folder = "inbox"
interval = "1s"
max_staleness = "1h"

[notifiers.ops_file]
plugin = "file"
path = "alerts/ops.jsonl"
fsync = false

[notifiers.ops_hook]
plugin = "webhook"
url = "http://127.0.0.1:$hook_port/hook"
timeout = "10s"

[route]
receivers = ["ops_file", "ops_hook"]
group_by = ["rule"]
group_wait = "1s"
group_interval = "2s"
TOML

"$bin/staffchaind" --config "$out/staffchain.toml" >"$out/daemon.log" 2>&1 &
daemon_pid=$!
python3 "$root/bench/soak/movement_writer.py" --folder "$out/inbox" --seconds "$seconds" \
  --count-file "$out/writer.count" >"$out/writer.log" 2>&1 &
writer_pid=$!

cleanup() {
  kill "$writer_pid" 2>/dev/null || true
  kill -TERM "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || true
  kill "$hook_pid" 2>/dev/null || true
  wait "$hook_pid" 2>/dev/null || true
}
trap cleanup EXIT

count() { [[ -f "$1" ]] && tr -d '\n' <"$1" || echo 0; }
samples="$out/samples.csv"
echo "elapsed_s,rss_kib,open_fds,files_written,alert_lines,webhook_posts" >"$samples"
start=$(date +%s)
while :; do
  if ! kill -0 "$daemon_pid" 2>/dev/null; then
    echo "run_soak.sh: the daemon ended early; see $out/daemon.log" >&2
    exit 1
  fi
  now=$(date +%s)
  elapsed=$((now - start))
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status")
  fds=$(ls "/proc/$daemon_pid/fd" | wc -l)
  alert_lines=$( [[ -f "$out/alerts/ops.jsonl" ]] && wc -l <"$out/alerts/ops.jsonl" || echo 0)
  echo "$elapsed,$rss,$fds,$(count "$out/writer.count"),$alert_lines,$(count "$out/hook.count")" >>"$samples"
  ((elapsed >= seconds)) && break
  sleep "$interval"
done
cleanup
trap - EXIT

python3 - "$samples" "$warmup" "$tolerance" <<'PY'
import csv, sys
path, warmup, tolerance = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(open(path))]
ref = next((r for r in rows if r["elapsed_s"] >= warmup), rows[0])
start, end = rows[0], rows[-1]
mib = lambda kib: f"{kib / 1024:.1f} MiB"
print(f"samples: {path} ({len(rows)} rows)")
print(f"{'':10}{'start':>12}{'after warm-up':>16}{'end':>12}{'max':>12}")
print(f"{'RSS':10}{mib(start['rss_kib']):>12}{mib(ref['rss_kib']):>16}{mib(end['rss_kib']):>12}"
      f"{mib(max(r['rss_kib'] for r in rows)):>12}")
print(f"{'open fds':10}{start['open_fds']:>12}{ref['open_fds']:>16}{end['open_fds']:>12}"
      f"{max(r['open_fds'] for r in rows):>12}")
print(f"files written {end['files_written']}, alert lines {end['alert_lines']}, webhook posts {end['webhook_posts']}")
growth = 100.0 * (end["rss_kib"] - ref["rss_kib"]) / ref["rss_kib"]
rss_flat = growth <= tolerance
fds_flat = end["open_fds"] <= ref["open_fds"] + 2   # a connection or two may be open at the sample
busy = end["files_written"] > 0 and end["alert_lines"] > 0 and end["webhook_posts"] > 0
print(f"RSS {growth:+.1f}% from the sample at {ref['elapsed_s']} s (tolerance {tolerance:g}%): "
      f"{'flat' if rss_flat else 'GROWING'}")
print(f"open fds {end['open_fds'] - ref['open_fds']:+d}: {'flat' if fds_flat else 'GROWING'}")
if not busy:
    print("verdict: INVALID (no movements or no alerts flowed; see the daemon log)")
    sys.exit(1)
print("verdict: " + ("FLAT" if rss_flat and fds_flat else "NOT FLAT"))
sys.exit(0 if rss_flat and fds_flat else 1)
PY

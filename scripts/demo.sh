#!/usr/bin/env bash
# The demo: installs the dependencies, builds, generates a staffing world of about 3,000
# people with known violations (once), drops each department's export into its folder, runs
# one daemon cycle on config/staffchain.toml and shows what the departments were sent.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh release

bin=build/release/bin
demo=var/demo
# The demo's API token ([api] in config/staffchain.toml), made once, readable by its owner only.
mkdir -p "$demo"
if [[ ! -s "$demo/api-token" ]]; then
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$demo/api-token")
fi
STAFFCHAIN_DEMO_TOKEN="$(cat "$demo/api-token")"
export STAFFCHAIN_DEMO_TOKEN
if [[ ! -f "$demo/dataset/units.csv" ]]; then
  echo "generating the demo dataset into $demo/dataset"
  "$bin/staffchainctl" gen --persons 3000 --seed 2017 --out "$demo/dataset" --as-of "$(date +%F)"
fi

# Each department's export job drops its files into its own folder (see config/staffchain.toml).
drop() {  # drop DEPARTMENT FILE...
  local inbox="$demo/inbox/$1"
  shift
  mkdir -p "$inbox"
  for file in "$@"; do
    [[ -f "$demo/dataset/$file" ]] || continue
    cp "$demo/dataset/$file" "$inbox/.$file.part"
    mv "$inbox/.$file.part" "$inbox/$file"  # rename into place: never read half a file
  done
}
drop estab units.csv quotas.csv leader_quotas.csv approvals.csv roster.csv reductions.csv
drop hr movements.csv deaths.csv
drop finance payroll.csv
drop org   # the organisation department exports nothing in the demo; its folder stays empty

"$bin/staffchaind" --config config/staffchain.toml --once

echo
echo "== what the departments received (var/demo/alerts/*.jsonl) =="
python3 - "$demo/alerts" <<'PY'
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.jsonl")):
    alerts = {}
    messages = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        digest = json.loads(line)
        messages += 1
        for alert in digest.get("alerts", []):
            alerts[alert["id"]] = alert
    if not alerts:
        continue
    rules = {}
    for alert in alerts.values():
        rules[alert["rule"]] = rules.get(alert["rule"], 0) + 1
    print(f"\n{path.stem}: {len(alerts)} alerts in {messages} messages")
    for rule, count in sorted(rules.items()):
        print(f"  {rule:<9} {count}")
    for alert in list(alerts.values())[:3]:
        print(f"  e.g. [{alert['severity']}] {alert['summary']}  (id {alert['id']})")
PY

cat <<TXT

== to work with the demo through its API (cases, pre-check, vacancies ...) ==
  export STAFFCHAIN_DEMO_TOKEN=\$(cat $demo/api-token) STAFFCHAIN_API_TOKEN=\$(cat $demo/api-token)
  $bin/staffchaind --config config/staffchain.toml &
  $bin/staffchainctl cases --help
TXT

#!/usr/bin/env python3
"""The console's data calls against a running daemon: each page's request, sent N times one after
another on one kept-alive connection (as a page does), its latency per request; prints one line a
call with p50, p99 and the largest, and the answer's size.

    console_latency.py --url http://127.0.0.1:PORT --token TOKEN [--requests 200]

The unit and the finding asked about are taken from the daemon's own answers: the unit with the
most open findings, and the first finding of that unit.
"""
import argparse
import http.client
import json
import statistics
import sys
import time
import urllib.parse


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    address = urllib.parse.urlparse(args.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    headers = {"Authorization": f"Bearer {args.token}"}

    def get(path: str) -> bytes:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"console_latency.py: GET {path} answered {response.status}: {body[:300]!r}")
        return body

    overview = json.loads(get("/api/v1/overview"))
    first = json.loads(get("/api/v1/findings?limit=200"))
    by_unit: dict[str, int] = {}
    for finding in first["findings"]:
        if finding.get("unit_id"):
            by_unit[finding["unit_id"]] = by_unit.get(finding["unit_id"], 0) + 1
    if not by_unit:
        raise SystemExit("console_latency.py: the daemon holds no finding with a unit")
    unit = max(by_unit, key=by_unit.get)
    fingerprint = next(f["fingerprint"] for f in first["findings"] if f.get("unit_id") == unit)
    region = next(f["region"] for f in first["findings"] if f.get("unit_id") == unit)

    calls = [
        ("overview (总览)", "/api/v1/overview"),
        ("findings, first page (告警)", "/api/v1/findings?limit=50"),
        ("findings of one rule, page 3", "/api/v1/findings?rule=CHAIN-017&limit=50&offset=100"),
        ("findings of one unit", f"/api/v1/findings?unit={unit}&limit=50"),
        ("findings of one region", f"/api/v1/findings?region={region}&limit=50"),
        ("one finding (its page)", f"/api/v1/findings?fingerprint={fingerprint}"),
        ("alerts, firing", "/api/v1/alerts?state=firing&limit=50"),
        ("units by name (单位查询)", "/api/v1/units?q=" + urllib.parse.quote("局") + "&limit=50"),
        ("one unit's page (单位)", f"/api/v1/units/{unit}"),
        ("vacancy pool of a region, a page (空编)", f"/api/v1/vacancies?region={region}&limit=50"),
        ("reduction tasks (减编)", "/api/v1/reductions"),
        ("cases (整改)", "/api/v1/cases"),
        ("connectors (连接)", "/api/v1/connectors"),
    ]
    print(f"open findings: {overview['findings']['open']}; unit asked about: {unit} "
          f"({by_unit[unit]} of the first 200 findings); {args.requests} requests a call")
    print(f"{'call':<36} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'bytes':>10}")
    worst = 0.0
    for label, path in calls:
        for _ in range(3):  # warm: the first answers fill caches the page's later ones find full
            get(path)
        times = []
        size = 0
        for _ in range(args.requests):
            started = time.perf_counter()
            size = len(get(path))
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(round(0.99 * len(times))) - 1)]
        worst = max(worst, p99)
        print(f"{label:<36} {statistics.median(times):8.2f} {p99:8.2f} {times[-1]:8.2f} {size:10d}")
    print(f"worst_p99_ms={worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

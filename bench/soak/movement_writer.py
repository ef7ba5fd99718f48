#!/usr/bin/env python3
"""Drops a small movements file into a csv connector's folder every second, for the soak test.

A fixed pool of people is cycled: in even rounds each person's movement is a hire that cites no
approval (CHAIN-001 and CHAIN-003 fire), in odd rounds the same movement id is re-sent as a
resignation (they resolve). The daemon does steady work and sends a steady stream of alerts,
while the data it holds stays the same size: growth in memory would be a leak, not data.
"""
import argparse
import datetime
import os
import pathlib
import time

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
UNIT = "91350100M000100Y43"
HEADER = ("movement_id,source,kind,person_id,name,unit_id,from_unit_id,effective_on,recorded_on,"
          "approval_id,leader_level,leader_rank\n")


def citizen_id(serial: int) -> str:
    """A valid 18-character citizen id (GB 11643 check character), born 1990-01-01."""
    body = f"1507021990{(serial // 1000) % 12 + 1:02d}{serial % 28 + 1:02d}{serial % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHECK[total % 11]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", required=True, help="the csv connector's drop folder")
    parser.add_argument("--seconds", type=float, required=True, help="how long to write")
    parser.add_argument("--pool", type=int, default=300, help="people cycled through")
    parser.add_argument("--rows", type=int, default=5, help="movements per file")
    parser.add_argument("--count-file", help="where to keep the number of files written")
    args = parser.parse_args()

    folder = pathlib.Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    base = datetime.date(2026, 1, 16)
    seq = 0
    while time.monotonic() - start < args.seconds:
        lines = [HEADER]
        for k in range(args.rows):
            i = seq * args.rows + k
            person = i % args.pool
            round_no = i // args.pool
            kind = "hire" if round_no % 2 == 0 else "resign"
            # recorded_on changes every round, so no file repeats the bytes of an earlier one.
            recorded = base + datetime.timedelta(days=round_no % 300)
            lines.append(f"SOAK-{person:05d},hr,{kind},{citizen_id(person)},soak{person},{UNIT},,"
                         f"2026-01-15,{recorded.isoformat()},,,\n")
        # Written under a temporary name and renamed into place: the connector's "rename" completion.
        tmp = folder / f".movements-{seq:06d}.tmp"
        tmp.write_text("".join(lines), encoding="utf-8")
        os.rename(tmp, folder / f"movements-{seq:06d}.csv")
        seq += 1
        if args.count_file:
            pathlib.Path(args.count_file).write_text(f"{seq}\n")
        next_at = start + seq
        time.sleep(max(0.0, next_at - time.monotonic()))


if __name__ == "__main__":
    main()

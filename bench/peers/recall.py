#!/usr/bin/python3
"""Scores an encounters CSV against a `trajcorr generate` truth CSV.

  recall.py TRUTH.csv ENCOUNTERS.csv [--quiet]

A planted meeting (kind 'meeting', expected 1) is found when the same pair has an encounter
whose start and end are each within one slot (600 s) of the truth. A decoy (expected 0) is
reported when the pair has any encounter overlapping its time span. Prints the counts;
exit 1 when a meeting is missed or a decoy reported. Standard library only."""
import csv, datetime as dt, sys

def ts(v):
    v = v.strip()
    try:
        return int(float(v))
    except ValueError:
        return int(dt.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp())

def main(argv):
    quiet = "--quiet" in argv
    args = [a for a in argv if a != "--quiet"]
    truth = list(csv.DictReader(l for l in open(args[0]) if not l.startswith("#")))
    enc = {}
    for r in csv.DictReader(l for l in open(args[1]) if not l.startswith("#")):
        enc.setdefault((int(r["mmsi_a"]), int(r["mmsi_b"])), []).append((ts(r["start"]), ts(r["end"])))
    found = missed = decoys_ok = decoys_bad = 0
    for t in truth:
        if t["kind"] not in ("meeting", "port") and not t["kind"].startswith("decoy"):
            continue  # a planted behaviour event (generate --events): event_recall.py
        pair = tuple(sorted((int(t["mmsi_a"]), int(t["mmsi_b"]))))
        s, e = ts(t["start"]), ts(t["end"])
        got = enc.get(pair, [])
        if t["expected"].strip() == "1":
            if any(abs(a - s) <= 600 and abs(b - e) <= 600 for a, b in got):
                found += 1
            else:
                missed += 1
                if not quiet:
                    print(f"missed {t['kind']} {pair} {t['start']}..{t['end']}: got {got}")
        elif t["expected"].strip() == "0":
            if any(a <= e and b >= s for a, b in got):
                decoys_bad += 1
                if not quiet:
                    print(f"reported decoy {t['kind']} {pair} {t['start']}..{t['end']}")
            else:
                decoys_ok += 1
    total = len(enc and [1 for v in enc.values() for _ in v])
    print(f"planted meetings found: {found} of {found + missed}; decoys reported: {decoys_bad} of "
          f"{decoys_ok + decoys_bad}; encounters in the list: {total}")
    return 1 if missed or decoys_bad else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

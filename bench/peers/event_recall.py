#!/usr/bin/python3
"""Scores `trajcorr events` lists against the planted events of a `trajcorr generate --events`
truth CSV.

  event_recall.py TRUTH.csv PREFIX [--quiet]

reads PREFIX.loitering.csv, PREFIX.gaps.csv and PREFIX.dark.csv. A planted event is found when
- loitering: a loitering row of the vessel with the truth's start and end (the run's first and
  last grid time, exactly);
- switch_off: a gap row of the vessel with the truth's start and end (the two fixes around the
  silence, exactly) and coverage >= 0.5 (others heard around it);
- outage: the same gap row with coverage < 0.5 (nobody heard: a hole in reception);
- dark: a dark row of the pair whose two gaps overlap exactly over the truth's [start, end).
No dark row may hold an outage gap (a vessel's gap of the receiver outage). Prints one line per
kind (planted, found) and the dark rows holding an outage gap; exit 1 when a planted event is
missed, a kind has none planted, or an outage gap is in a dark rendezvous. Standard library only."""
import csv, datetime as dt, sys

KINDS = ("loitering", "switch_off", "outage", "dark")

def ts(v):
    return int(dt.datetime.fromisoformat(v.strip().replace("Z", "+00:00")).timestamp())

def rows(path):
    try:
        return list(csv.DictReader(open(path)))
    except OSError as e:
        sys.exit(f"event_recall.py: {e}")  # exit 1 with the reason, never a silent miss

def main(argv):
    quiet = "--quiet" in argv
    truth_path, prefix = [a for a in argv if a != "--quiet"]
    truth = [r for r in rows(truth_path) if r["kind"] in KINDS]
    loiter = {(r["mmsi"], ts(r["start"]), ts(r["end"])) for r in rows(prefix + ".loitering.csv")}
    gaps = {(r["mmsi"], ts(r["start"]), ts(r["end"])): float(r["coverage"]) for r in rows(prefix + ".gaps.csv")}
    dark = rows(prefix + ".dark.csv")
    overlaps = {(r["mmsi_a"], r["mmsi_b"], max(ts(r["gap_a_start"]), ts(r["gap_b_start"])),
                 min(ts(r["gap_a_end"]), ts(r["gap_b_end"]))) for r in dark}
    planted = {k: 0 for k in KINDS}
    found = {k: 0 for k in KINDS}
    outage_gaps = set()
    for t in truth:
        k, a, s, e = t["kind"], t["mmsi_a"], ts(t["start"]), ts(t["end"])
        planted[k] += 1
        if k == "loitering":
            ok = (a, s, e) in loiter
        elif k == "dark":
            ok = (a, t["mmsi_b"], s, e) in overlaps
        else:
            cov = gaps.get((a, s, e))
            ok = cov is not None and (cov >= 0.5 if k == "switch_off" else cov < 0.5)
            if k == "outage":
                outage_gaps.add((a, s))
        found[k] += ok
        if not ok and not quiet:
            print(f"missed {k} {a} {t['mmsi_b']} {t['start']}..{t['end']}")
    bad = [r for r in dark if (r["mmsi_a"], ts(r["gap_a_start"])) in outage_gaps
           or (r["mmsi_b"], ts(r["gap_b_start"])) in outage_gaps]
    for k in KINDS:
        print(f"{k}: {found[k]} of {planted[k]} found")
    print(f"dark rendezvous reported: {len(dark)}, holding an outage gap: {len(bad)}")
    return 1 if any(found[k] < planted[k] or not planted[k] for k in KINDS) or bad else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

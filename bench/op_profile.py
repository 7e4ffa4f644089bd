#!/usr/bin/python3
"""Compares engine operator traces of the same training steps, operator by operator.

usage: op_profile.py BATCHES TRACE [TRACE ...]

Each TRACE is a Chrome-format trace of BATCHES training steps written by the PyTorch profiler:
mnistlab's through DJL (TrainingProfile with a trace file) or the replica's through
torch.autograd.profiler (pytorch_reference.py with a "trace" job). Prints each operator's self
time in milliseconds per batch (its own time without the operators it called), largest first,
one column per trace, and the total.
"""
import collections
import json
import sys


def self_times(path):
    events = json.load(open(path))
    if isinstance(events, dict):
        events = events.get("traceEvents", [])
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    totals = collections.Counter()
    for thread in by_thread.values():
        # Nesting by time: a span's self time is its duration less that of its direct children.
        thread.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        open_spans = []  # (end time, name) of the spans enclosing the current one, innermost last
        for e in thread:
            start, duration = float(e["ts"]), float(e["dur"])
            while open_spans and open_spans[-1][0] <= start:
                open_spans.pop()
            if open_spans:
                totals[open_spans[-1][1]] -= duration
            totals[e["name"]] += duration
            open_spans.append((start + duration, e["name"]))
    return totals


def main():
    batches = int(sys.argv[1])
    traces = sys.argv[2:]
    tables = [self_times(t) for t in traces]
    names = sorted(set().union(*tables), key=lambda n: -max(t[n] for t in tables))
    print("| operator | " + " | ".join(f"trace {i + 1} ms/batch" for i in range(len(traces))) + " |")
    print("|---|" + "---:|" * len(traces))
    for name in names:
        row = [t[name] / 1000 / batches for t in tables]
        if max(row) >= 0.05:
            print(f"| {name} | " + " | ".join(f"{v:.2f}" for v in row) + " |")
    print("| **total** | " + " | ".join(f"**{sum(t.values()) / 1000 / batches:.2f}**"
                                       for t in tables) + " |")
    for i, t in enumerate(traces):
        print(f"trace {i + 1}: {t}")


if __name__ == "__main__":
    main()

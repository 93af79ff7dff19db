#!/usr/bin/env python3
"""Turns `make bench` measurements into a Markdown report and results.json.

Input (--measurements): a JSON list of rows as printed by peers.py (or by
logferry's own bench), each with an extra "case" (small-direct,
small-assume-role, large-1gib, cold-start, ...). Rows whose "tool" starts with
"logferry" are the reference of their case: every other figure is shown with
its ratio to the logferry row of the same case (peer / logferry).

Throughput is recomputed from bytes and seconds for every row, so all rows use
the same unit: MB = 10^6 bytes. The cost section prices Lambda on arm64 in
us-east-1 from each run's wall seconds per object x memory size.

Writes --out (default bench/results.json):
  {"date", "machine": {"uname", "cpus", "mem" (bytes)}, "versions", "pricing",
   "cost", "rows"}
and prints the Markdown on stdout.

  python report.py --measurements m.json --out results.json --memory-mb 128 \
      --version fakecloud=0.51.0 --version logferry=$(git rev-parse --short HEAD)
"""
import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRICE_GB_SECOND = 0.0000133334  # arm64, first tier, us-east-1
PRICE_PER_MILLION_REQUESTS = 0.20
PRICE_SOURCE = "price as of 2026-11, AWS Lambda pricing page (arm64, us-east-1, first tier)"

# (field, header, lower is better)
TRANSFER = [("objects", "objects", None), ("bytes", "MB", None), ("seconds", "seconds", True),
            ("objects_per_second", "objects/s", False), ("mb_per_second", "MB/s", False),
            ("p50_ms", "p50 ms", True), ("p99_ms", "p99 ms", True),
            ("peak_rss_mib", "peak RSS MiB", True), ("first_copy_seconds", "first copy s", True)]
COLD = [("init_ms_median", "init ms (median)", True),
        ("first_event_ms_median", "first event ms (median)", True),
        ("peak_rss_mib", "peak RSS MiB", True), ("runs", "runs", None)]


def fail(message):
    print(f"report.py: {message}", file=sys.stderr)
    sys.exit(1)


def is_logferry(row):
    return str(row.get("tool", "")).startswith("logferry")


def is_cold(row):
    return "init_ms_median" in row


def normalise(row):
    """A copy with throughput recomputed from bytes and seconds (one unit for all rows)."""
    row = dict(row)
    seconds = row.get("seconds")
    if not is_cold(row) and isinstance(seconds, (int, float)) and seconds > 0:
        row["objects_per_second"] = round(row.get("objects", 0) / seconds, 3)
        row["mb_per_second"] = round(row.get("bytes", 0) / 1e6 / seconds, 3)
    return row


def number(value, field):
    if value is None:
        return "–"
    if field == "bytes":
        return f"{value / 1e6:,.1f}"
    if field in ("objects", "runs"):
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.3g}"


def cell(row, reference, field, ratio_matters):
    value = row.get(field)
    text = number(value, field)
    if ratio_matters is None or reference is None or row is reference or value is None:
        return text
    base = reference.get(field)
    if not base:
        return text
    return f"{text} ({value / base:.2f}×)"


def table(rows, fields, reference):
    header = ["tool"] + [h for _, h, _ in fields]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        name = f"**{row['tool']}**" if row is reference else row["tool"]
        lines.append("| " + " | ".join([name] + [cell(row, reference, f, m) for f, _, m in fields]) + " |")
    return lines


def with_ratios(rows):
    """Each row plus "vs_logferry": {field: peer / logferry} against its case's logferry row."""
    out = []
    for row in rows:
        reference = next((r for r in rows if r["case"] == row["case"] and is_logferry(r)), None)
        ratios = {}
        for field, _, matters in (COLD if is_cold(row) else TRANSFER):
            value, base = row.get(field), (reference or {}).get(field)
            if matters is not None and isinstance(value, (int, float)) and base:
                ratios[field] = round(value / base, 4)
        out.append(dict(row, vs_logferry=ratios if reference else None))
    return out


def cost_rows(rows, memory_mb, python_memory_mb, per_invocation):
    """Dollars per million log objects, for logferry and the python way."""
    out = []
    for row in rows:
        tool = row["tool"]
        if is_cold(row) or not (is_logferry(row) or tool.startswith("python")):
            continue
        if row.get("priced") is False:  # not a shipping run (compaction, queries)
            continue
        if not row.get("objects") or not row.get("seconds"):
            continue
        memory = memory_mb if is_logferry(row) else python_memory_mb
        seconds_per_object = row["seconds"] / row["objects"]
        gb_seconds = seconds_per_object * memory / 1024 * 1e6
        compute = gb_seconds * PRICE_GB_SECOND
        requests = 1e6 / per_invocation * PRICE_PER_MILLION_REQUESTS / 1e6
        rss = row.get("peak_rss_mib")
        out.append({
            "case": row["case"], "tool": tool, "memory_mb": memory,
            "ms_per_object": round(seconds_per_object * 1000, 3),
            "gb_seconds_per_million": round(gb_seconds, 1),
            "dollars_per_million": round(compute + requests, 4),
            "fits_in_memory": None if rss is None else rss <= memory,
        })
    return out


def cost_section(costs, per_invocation):
    lines = ["## Lambda cost per million log objects", "",
             f"{PRICE_SOURCE}: ${PRICE_GB_SECOND:.10f} per GB-second, "
             f"${PRICE_PER_MILLION_REQUESTS:.2f} per million requests; "
             f"{per_invocation} objects per invocation (SQS batch).",
             "Billed time per object = the run's wall seconds / objects, measured here on this "
             "machine, not on Lambda (Lambda's CPU share scales with memory size).", ""]
    if not costs:
        return lines + ["(no logferry or python-way transfer rows)", ""]
    lines += ["| case | tool | memory MB | ms/object | GB-s per million | $ per million | peak RSS fits |",
              "|---|---|---|---|---|---|---|"]
    for c in costs:
        fits = {None: "?", True: "yes", False: "**no**"}[c["fits_in_memory"]]
        lines.append(f"| {c['case']} | {c['tool']} | {c['memory_mb']} | {c['ms_per_object']:.2f} | "
                     f"{c['gb_seconds_per_million']:,.0f} | ${c['dollars_per_million']:,.2f} | {fits} |")
    return lines + [""]


def markdown(rows, costs, per_invocation):
    lines = ["# logferry vs the tools in use today", "",
             "Ratios are peer / logferry in the same case. seconds, latencies, memory: above 1× "
             "means logferry is lower; objects/s and MB/s: below 1× means logferry is faster. "
             "One noisy shared machine: compare ratios, not absolute numbers.", ""]
    cases = list(dict.fromkeys(r["case"] for r in rows))
    for case in cases:
        members = [r for r in rows if r["case"] == case]
        reference = next((r for r in members if is_logferry(r)), None)
        cold = any(is_cold(r) for r in members)
        lines.append(f"## {case}")
        lines.append("")
        if reference is None:
            lines += ["(no logferry row in this case: no ratios)", ""]
        lines += table(members, COLD if cold else TRANSFER, reference) + [""]
        for r in members:
            if cold and r.get("samples"):
                firsts = ", ".join(number(s.get("first_event_ms"), "ms") for s in r["samples"])
                lines.append(f"- {r['tool']}: first event ms per run: {firsts}")
        if cold:
            lines.append("")
    return "\n".join(lines + cost_section(costs, per_invocation))


def machine():
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"uname": " ".join(platform.uname()), "cpus": os.cpu_count(), "mem": mem}


def versions(pairs):
    from importlib import metadata

    found = {"python": platform.python_version()}
    for package in ("boto3", "botocore", "awscli"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            fail(f"--version {pair!r} is not NAME=VERSION")
        found[name] = value
    return found


def load(path):
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        fail(f"cannot read measurements {path}: {e}")
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not rows:
        fail(f"{path} must hold a non-empty JSON list of rows (or {{\"rows\": [...]}})")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not row.get("case") or not row.get("tool"):
            fail(f"{path}: row {i} needs \"case\" and \"tool\"")
    return [normalise(r) for r in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measurements", required=True, help="JSON list of rows, each with \"case\"")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--memory-mb", type=int, default=128, help="logferry's Lambda memory size")
    parser.add_argument("--python-memory-mb", type=int,
                        help="the Python way's memory size (default: --memory-mb)")
    parser.add_argument("--objects-per-invocation", type=int, default=10)
    parser.add_argument("--version", action="append", default=[], metavar="NAME=VERSION",
                        help="extra versions to record (fakecloud, logferry commit, ...)")
    args = parser.parse_args()
    if args.memory_mb < 128 or args.objects_per_invocation < 1:
        parser.error("--memory-mb is at least 128 and --objects-per-invocation at least 1")
    rows = load(args.measurements)
    costs = cost_rows(rows, args.memory_mb, args.python_memory_mb or args.memory_mb,
                      args.objects_per_invocation)
    print(markdown(rows, costs, args.objects_per_invocation))
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(args.version),
        "pricing": {"source": PRICE_SOURCE, "gb_second_usd": PRICE_GB_SECOND,
                    "million_requests_usd": PRICE_PER_MILLION_REQUESTS,
                    "memory_mb": args.memory_mb,
                    "python_memory_mb": args.python_memory_mb or args.memory_mb,
                    "objects_per_invocation": args.objects_per_invocation},
        "cost": costs,
        "rows": with_ratios(rows),
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

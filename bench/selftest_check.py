#!/usr/bin/env python3
"""The checking half of bench/selftest.sh: reads the JSON each peers.py
subcommand printed, checks its shape and what landed in the archive bucket,
runs report.py over those rows plus made-up logferry rows, and checks
results.json and the Markdown. Prints the measured numbers (never asserts a
timing) and ends with "bench selftest: N passed, N failed".
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import boto3
from botocore.config import Config

ROW = {"tool": str, "objects": int, "bytes": int, "seconds": float, "objects_per_second": float,
       "mb_per_second": float, "p50_ms": float, "p99_ms": float, "peak_rss_mib": float}
NULL_LATENCY = {"awscli-cp", "stream-cli"}
results = {"passed": 0, "failed": 0}


def check(ok, what):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {what}")


def is_number(value, kind):
    return isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float \
        else isinstance(value, kind) and not isinstance(value, bool)


def check_row(name, row, objects):
    check(set(row) == set(ROW), f"{name}: exactly the fields {sorted(ROW)}")
    for field, kind in ROW.items():
        value = row.get(field)
        if value is None and field in ("p50_ms", "p99_ms") and name in NULL_LATENCY:
            continue
        check(is_number(value, kind), f"{name}: {field} is {kind.__name__} ({value!r})")
    check(row.get("objects") == objects, f"{name}: {objects} objects ({row.get('objects')})")
    if name not in NULL_LATENCY:
        check(row["p50_ms"] <= row["p99_ms"], f"{name}: p50 <= p99")
    else:
        check(row.get("p50_ms") is None and row.get("p99_ms") is None, f"{name}: p50/p99 are null")


def count(s3, bucket, prefix):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sum(len(p.get("Contents", [])) for p in pages)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--dest-bucket", required=True)
    args = parser.parse_args()
    work = Path(args.work)
    world = json.loads((work / "world.json").read_text())
    out = {name: json.loads((work / f"{name}.json").read_text())
           for name in ("python-way", "awscli-cp", "stream-cli", "cold-start")}

    check_row("python-way", out["python-way"], 40)
    check_row("awscli-cp", out["awscli-cp"], world["objects"])
    check_row("stream-cli", out["stream-cli"], 1)
    check(out["stream-cli"]["bytes"] == 16 * 1024 * 1024, "stream-cli: 16 MiB moved")
    check(out["awscli-cp"]["bytes"] == world["bytes"], "awscli-cp: bytes = the source prefix's bytes")
    cold = out["cold-start"]
    check({"tool", "init_ms_median", "first_event_ms_median", "samples"} <= set(cold),
          "cold-start: tool, init_ms_median, first_event_ms_median, samples")
    check(len(cold.get("samples", [])) == 3, "cold-start: 3 samples")
    check(all(0 < s["init_ms"] <= s["first_event_ms"] for s in cold.get("samples", [])),
          "cold-start: 0 < init_ms <= first_event_ms in every run")
    check(cold.get("response") == {"batchItemFailures": []},
          f"cold-start: the handler shipped the whole batch ({cold.get('response')})")

    s3 = boto3.session.Session(profile_name="archive", region_name=world["region"]).client(
        "s3", endpoint_url=args.endpoint, config=Config(s3={"addressing_style": "path"}))
    for prefix, expected in (("python-way/", 40), ("awscli/", world["objects"]),
                             ("stream/", 1), ("cold/python/", 10)):
        found = count(s3, args.dest_bucket, prefix)
        check(found == expected, f"archive has {expected} objects under {prefix} ({found})")

    # Made-up logferry rows: a third of each peer's time, to exercise the ratios.
    def fake(row, case):
        fast = dict(row, tool="logferry (made-up row)", case=case,
                    seconds=row["seconds"] / 3, peak_rss_mib=20.0)
        fast.update(p50_ms=(row["p50_ms"] or 30) / 3, p99_ms=(row["p99_ms"] or 90) / 3)
        return fast

    rows = [fake(out["awscli-cp"], "small-direct"), dict(out["awscli-cp"], case="small-direct"),
            fake(out["python-way"], "small-assume-role"),
            dict(out["python-way"], case="small-assume-role"),
            fake(out["stream-cli"], "large-16mib"), dict(out["stream-cli"], case="large-16mib"),
            {"case": "cold-start", "tool": "logferry (made-up row)", "runs": 3, "init_ms_median": 12.0,
             "first_event_ms_median": 40.0, "peak_rss_mib": 15.0, "samples": []},
            dict(cold, case="cold-start")]
    measurements = work / "measurements.json"
    measurements.write_text(json.dumps(rows))
    results_path = work / "results.json"
    report = subprocess.run(
        [sys.executable, args.report, "--measurements", str(measurements), "--out", str(results_path),
         "--memory-mb", "128", "--version", "fakecloud=0.51.0"],
        capture_output=True, text=True)
    check(report.returncode == 0, f"report.py exits 0 ({report.stderr.strip()[:200]})")
    markdown = report.stdout
    print(markdown)
    check("| tool |" in markdown and "## small-assume-role" in markdown, "report: Markdown tables per case")
    check("price as of 2026-11, AWS Lambda pricing page" in markdown, "report: states the price source")
    check("(3.00×)" in markdown, "report: ratio 3.00× for a peer three times slower")
    saved = json.loads(results_path.read_text()) if results_path.exists() else {}
    check({"date", "machine", "versions", "rows"} <= set(saved), "results.json: date, machine, versions, rows")
    check({"uname", "cpus", "mem"} <= set(saved.get("machine", {})), "results.json: machine uname, cpus, mem")
    check({"python", "boto3", "botocore", "awscli", "fakecloud"} <= set(saved.get("versions", {})),
          "results.json: versions of python, boto3, botocore, awscli, fakecloud")
    peer = next((r for r in saved.get("rows", []) if r["tool"] == "python-way-assume-role"), {})
    check(abs(peer.get("vs_logferry", {}).get("seconds", 0) - 3) < 1e-6,
          "results.json: python-way's seconds ratio to logferry is 3")
    costs = {c["tool"]: c for c in saved.get("cost", [])}
    check({"logferry (made-up row)", "python-way-assume-role"} <= set(costs),
          "results.json: cost for logferry and the python way")

    print("\nmeasured on the emulator (noisy, not asserted):")
    for name in ("python-way", "awscli-cp", "stream-cli"):
        r = out[name]
        print(f"  {name:<11} {r['objects']:>4} objects {r['bytes'] / 1e6:7.2f} MB in {r['seconds']:6.2f} s "
              f"= {r['objects_per_second']:8.1f} obj/s {r['mb_per_second']:7.2f} MB/s, "
              f"p50 {r['p50_ms'] or '-'} ms, p99 {r['p99_ms'] or '-'} ms, peak RSS {r['peak_rss_mib']} MiB")
    print(f"  cold-start  python-handler init {cold['init_ms_median']} ms, first event "
          f"{cold['first_event_ms_median']} ms (medians of {len(cold['samples'])}), "
          f"peak RSS {cold.get('peak_rss_mib')} MiB")
    print(f"bench-selftest: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()

"""Asserts saved_queries.py's answers for the Terraform-rendered saved queries
over generated log lines. Run by selftest.sh (which renders the plan)."""
import argparse
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
for a in ("--plan", "--regex-java", "--saved-queries"):
    ap.add_argument(a, required=True)
args = ap.parse_args()

# What the Rust test builds from Glue GetTable / Athena GetNamedQuery, here from the plan.
sys.path.insert(0, os.path.dirname(os.path.abspath(args.saved_queries)))
from saved_queries import from_plan  # noqa: E402  (the module under test)

table, queries = from_plan(args.plan)
assert len(queries) == 5, [q["name"] for q in queries]

now = dt.datetime.now(dt.timezone.utc)
T, Y, OLD = (now - dt.timedelta(days=d) for d in (0, 1, 10))
OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
ALICE, BOB = "arn:aws:iam::111111111111:user/alice", "arn:aws:sts::111111111111:assumed-role/etl/bob"
DATA, LOGS = "acme-prod-data", "acme-prod-logs"


def line(day, hms, requester, op, key, status, err, sent, bucket=DATA, ip="192.0.2.10", version="-", size="-"):
    stamp = day.strftime("%d/%b/%Y:") + hms + " +0000"
    uri = "-" if status == "-" else f'"{op.split(".")[1]} /{bucket}/{key} HTTP/1.1"'
    return (f"{OWNER} {bucket} [{stamp}] {ip} {requester} 3E57427F3EX{hms.replace(':', '')} {op} {key} {uri} "
            f"{status} {err} {sent} {size} 20 10 \"-\" \"aws-cli/2.15.0\" {version} hostid/x= SigV4 "
            f"ECDHE-RSA-AES128-GCM-SHA256 AuthHeader {bucket}.s3.eu-west-1.amazonaws.com TLSv1.2 - - eu-west-1")


def ts(day, hms):
    return day.strftime("%Y-%m-%dT") + hms + ".000Z"


yesterday = [
    line(Y, "10:00:00", ALICE, "REST.GET.OBJECT", "obj1", 200, "-", 1000, size=1000),
    line(Y, "11:00:00", ALICE, "REST.PUT.OBJECT", "obj2", 200, "-", "-", size=4096),
    line(Y, "12:00:00", BOB, "REST.GET.OBJECT", "obj1", 403, "AccessDenied", 243, ip="203.0.113.9"),
]
today = [
    line(T, "01:00:00", BOB, "REST.GET.OBJECT", "obj1", 403, "AccessDenied", 243, ip="203.0.113.9"),
    line(T, "02:00:00", "-", "REST.GET.OBJECT", "obj3", 403, "AccessDenied", 300, bucket=LOGS, ip="198.51.100.7"),
    line(T, "03:00:00", ALICE, "REST.DELETE.OBJECT", "obj2", 204, "-", "-", version="3HL4kqtJvjVBH40Nrjfkd"),
    line(T, "04:00:00", ALICE, "REST.POST.MULTI_OBJECT_DELETE", "-", 200, "-", 512),
    line(T, "05:00:00", "AmazonS3", "S3.EXPIRE.OBJECT", "old/obj5", "-", "-", "-", ip="-"),
    line(T, "06:00:00", ALICE, "REST.GET.OBJECT", "obj9", 404, "NoSuchKey", 300, bucket=LOGS),
    line(T, "07:00:00", BOB, "REST.PUT.OBJECT", "obj4", 200, "-", "-", bucket=LOGS, size=2048),
    "this line is not an S3 server access log record",  # a row of NULLs, partition values set
]
part = {"account": "111111111111", "region": "eu-west-1", "source_bucket": DATA}
tmp = tempfile.mkdtemp()
objects = []
for i, (lines, day, account, ending) in enumerate([
        (yesterday, Y, "111111111111", "\r\n"), (today, T, "111111111111", "\n"),
        ([line(OLD, "09:00:00", ALICE, "REST.GET.OBJECT", "obj1", 200, "-", 999999)], OLD, "111111111111", "\n"),
        ([line(T, "09:00:00", ALICE, "REST.GET.OBJECT", "obj1", 200, "-", 777)], T, "222222222222", "\n")]):
    path = os.path.join(tmp, f"object{i}.log")
    with open(path, "w", newline="") as f:
        f.write(ending.join(lines) + ending)
    objects.append({"path": path, "partition": {**part, "account": account, "dt": day.strftime("%Y/%m/%d")}})

failures, passed = [], 0


def check(ok, what):
    global passed
    ok = bool(ok)
    passed += ok
    ok or failures.append(what)


def run(qs, objs=None):
    files = []
    for name, data in (("table", table), ("queries", qs), ("objects", objects if objs is None else objs)):
        files += [f"--{name}", os.path.join(tmp, name + ".json")]
        json.dump(data, open(files[-1], "w"))
    p = subprocess.run([sys.executable, args.saved_queries, *files, "--regex-java", args.regex_java],
                       capture_output=True, text=True)
    return p.returncode, json.loads(p.stdout) if p.stdout else None, p.stderr


def rows(result, name):
    r = result["queries"].get(f"s3_access_logs-{name.replace('_', '-')}", {"columns": [], "rows": []})
    return [dict(zip(r["columns"], row)) for row in r["rows"]]


code, out, err = run(queries)
check(code == 0 and err == "", f"saved queries run (exit {code}, stderr {err!r})")
if out:
    check(out["rows_loaded"] == 12, f"rows_loaded 12 (got {out['rows_loaded']})")
    check(out["objects_outside_projection"] == [objects[3]["path"]], "account outside projection is invisible")
    check("NOT Athena" in out["engine"], "engine says NOT Athena")
    tr = rows(out, "top_requesters")
    check([r["requests"] for r in tr[:2]] == [5, 3] and tr[0]["requester"] == ALICE, f"top_requesters order {tr}")
    want = {ALICE: (5, 1, 1812, [DATA, LOGS]), BOB: (3, 2, 486, [DATA, LOGS]), "-": (1, 1, 300, [LOGS]),
            "AmazonS3": (1, 0, 0, [DATA]), None: (1, 0, 0, [None])}
    got = {r["requester"]: (r["requests"], r["errors"], r["bytes_sent"], r["buckets"]) for r in tr}
    check(got == want, f"top_requesters {got}")
    ebc = {(r["error_code"], r["http_status"]): (r["requests"], r["requesters"], r["first_seen"])
           for r in rows(out, "errors_by_code")}
    check(ebc == {("AccessDenied", 403): (3, 2, ts(Y, "12:00:00")), ("NoSuchKey", 404): (1, 1, ts(T, "06:00:00"))},
          f"errors_by_code {ebc}")
    dl = rows(out, "deletes")
    check([(r["operation"], r["request_time"]) for r in dl] == [
        ("S3.EXPIRE.OBJECT", ts(T, "05:00:00")), ("REST.POST.MULTI_OBJECT_DELETE", ts(T, "04:00:00")),
        ("REST.DELETE.OBJECT", ts(T, "03:00:00"))], f"deletes {dl}")
    check(dl and dl[2]["version_id"] == "3HL4kqtJvjVBH40Nrjfkd" and dl[2]["http_status"] == 204
          and dl[0]["http_status"] is None and dl[0]["key"] == "old/obj5", f"deletes columns {dl}")
    ad = rows(out, "access_denied")
    check([(r["requester"], r["remote_ip"], r["bucket"], r["requests"], r["first_seen"], r["last_seen"]) for r in ad] == [
        (BOB, "203.0.113.9", DATA, 2, ts(Y, "12:00:00"), ts(T, "01:00:00")),
        ("-", "198.51.100.7", LOGS, 1, ts(T, "02:00:00"), ts(T, "02:00:00"))], f"access_denied {ad}")
    bb = [(r["request_day"], r["bucket"], r["requests"], r["bytes_sent"], r["gets"], r["puts"])
          for r in rows(out, "bytes_by_bucket_and_day")]
    check(bb == [(T.date().isoformat(), DATA, 4, 755, 1, 0), (T.date().isoformat(), LOGS, 3, 600, 2, 1),
                 (Y.date().isoformat(), DATA, 3, 1243, 2, 1), (None, None, 1, 0, 0, 0)],
          f"bytes_by_bucket_and_day {bb}")

# The same objects as a compactor writes them: gzip (the first two as one
# object of two members) beside a manifest whose name starts with "_" and
# whose text is a log line that would parse. Hidden and decompressed, they
# must answer exactly as the plain objects do.
compacted = []
for i, obj in enumerate(objects):
    data = open(obj["path"], "rb").read()
    gz = os.path.join(tmp, f"part-{i}.gz")
    with open(gz, "wb") as f:
        f.write(gzip.compress(data[: len(data) // 2], mtime=0) + gzip.compress(data[len(data) // 2:], mtime=0))
    manifest = os.path.join(tmp, f"_manifest-{i}.json")
    with open(manifest, "wb") as f:
        f.write(open(objects[0]["path"], "rb").read())
    compacted += [{"path": gz, "partition": obj["partition"]}, {"path": manifest, "partition": obj["partition"]}]
code2, out2, err2 = run(queries, compacted)
# Ties in ORDER BY (four requesters with one request each) come back in one
# order whatever the object layout or DuckDB's threads: same rows, same answer.
code3, out3, err3 = run(queries, objects[::-1])
check(code3 == 0 and out and out3 and out3["queries"] == out["queries"],
      f"objects in reverse order answer identically (exit {code3}, {err3!r})")
check(code2 == 0 and out and out2 and out2["queries"] == out["queries"] and out2["rows_loaded"] == out["rows_loaded"],
      f"gzip objects answer as the plain ones and _manifest files are hidden (exit {code2}, {err2!r})")

bad = [{"name": "bad-column", "database": "logferry_archive",
        "query": 'SELECT requester, no_such_column FROM "logferry_archive"."s3_access_logs"'},
       {"name": "bad-syntax", "database": "logferry_archive", "query": "SELECT FROM WHERE"},
       {"name": "bad-function", "database": "logferry_archive",
        "query": "SELECT format_datetime(from_unixtime(0), 'yyyy') FROM s3_access_logs"},
       {"name": "unqualified-ok", "database": "logferry_archive", "query": "SELECT count(*) AS n FROM s3_access_logs"}]

# Queries Athena (Trino) refuses that DuckDB runs (issue 20): each ran without
# error here before trino_types.py; each must now fail, on one stderr line
# naming the query and the rule.
refused = {
    "equals-text": ("SELECT count(*) AS n FROM s3_access_logs WHERE http_status = '403'",
                    "http_status = '403' compares integer with varchar"),
    "in-text": ("SELECT count(*) AS n FROM s3_access_logs WHERE http_status IN ('403', '404')",
                "write http_status IN (403, 404)"),
    "between-text": ("SELECT count(*) AS n FROM s3_access_logs WHERE http_status BETWEEN '400' AND '499'",
                     "compares integer with varchar"),
    "coalesce-text": ("SELECT coalesce(bytes_sent, '0') AS b FROM s3_access_logs", "mixes bigint with varchar"),
    "concat-integer": ("SELECT 'status ' || http_status AS s FROM s3_access_logs", "|| joins varchar"),
    "count-if-integer": ("SELECT count_if(http_status) AS n FROM s3_access_logs", "count_if needs a boolean"),
    "where-integer": ("SELECT count(*) AS n FROM s3_access_logs WHERE http_status", "WHERE needs a boolean"),
    "having-alias": ("SELECT requester, count(*) AS n FROM s3_access_logs GROUP BY requester HAVING n > 1",
                     "resolves HAVING against the table's columns"),
    "group-by-alias": ("SELECT http_status / 100 AS class, count(*) AS n FROM s3_access_logs GROUP BY class",
                       "resolves GROUP BY against the table's columns"),
    "where-alias": ("SELECT http_status AS status FROM s3_access_logs WHERE status = 403",
                    "resolves WHERE against the table's columns"),
    # A column named like a select alias is the column in Trino (here: not grouped); DuckDB took the alias.
    "having-shadowed-column": ("SELECT sum(bytes_sent) AS bytes_sent FROM s3_access_logs GROUP BY requester "
                               "HAVING bytes_sent > 0", "must appear in the GROUP BY"),
    "reserved-alias": ("SELECT requester AS current_user FROM s3_access_logs", "current_user is a reserved word"),
    "date-partition": ("SELECT date(dt) AS day FROM s3_access_logs", "formatted yyyy/MM/dd"),
    "date-literal": ("SELECT count(*) AS n FROM s3_access_logs WHERE date(parse_datetime(request_datetime, "
                     "'dd/MMM/yyyy:HH:mm:ss Z')) >= date('2026/12/02')", "'2026/12/02' is not an ISO date"),
    "decimal-division": ("SELECT sum(bytes_sent) / 1024.0 AS kib FROM s3_access_logs", "decimal division"),
    "division-by-zero": ("SELECT count(*) / 0 AS n FROM s3_access_logs", "Division by zero"),
    # A call inside a rewritten one (count_if) used to escape the emulated-function check.
    "nested-function": ("SELECT count_if(length(requester) > 3) AS n FROM s3_access_logs", "is not emulated"),
}

# What Trino accepts still runs: the same intents written Trino's way, and
# integer division truncating toward zero (Trino's, not DuckDB's / or a floor).
# bytes_sent over the visible objects: 1243 yesterday + 1355 today + 999999 ten days ago.
accepted = [{"name": "trino-ok", "database": "logferry_archive", "query":
             'SELECT requester AS "current_user", count(*) AS n, count_if(http_status = 403) AS denied '
             "FROM s3_access_logs WHERE http_status IN (403, 404) AND dt >= '2024/01/01' "
             "AND date(parse_datetime(request_datetime, 'dd/MMM/yyyy:HH:mm:ss Z')) >= date('2024-01-01') "
             "GROUP BY requester HAVING count(*) > 1"},
            {"name": "division", "database": "logferry_archive", "query":
             "SELECT sum(bytes_sent) / 1024 AS kib, (0 - sum(bytes_sent)) / 1024 AS neg_kib, count(*) / 5 AS fifths, "
             "-count(*) / 5 AS neg_fifths, sum(bytes_sent) / 1024e0 AS kib_double FROM s3_access_logs"}]
# One engine run for all of them (each run starts Java and DuckDB).
code, out, err = run(bad + [{"name": n, "database": "logferry_archive", "query": q} for n, (q, _) in refused.items()]
                     + accepted)
lines = err.splitlines()
check(code == 1 and len(lines) == 3 + len(refused), f"bad queries: exit 1, {3 + len(refused)} stderr lines "
      f"(got {code}, {lines})")
check(any(l.startswith("FAIL: bad-column:") and "no_such_column" in l for l in lines), f"unknown column fails: {lines}")
check(any(l.startswith("FAIL: bad-syntax:") for l in lines), f"syntax error fails: {lines}")
check(any(l.startswith("FAIL: bad-function:") for l in lines), f"unemulated function fails: {lines}")
check(out and out["queries"].get("unqualified-ok", {}).get("rows") == [[12]], f"unqualified table resolves: {out}")
for name, (query, why) in refused.items():
    mine = [l for l in lines if l.startswith(f"FAIL: {name}:")]
    check(len(mine) == 1 and why in mine[0] and not (out and name in out["queries"]),
          f"{name} refused ({why!r}): {query} -> {mine or (out or {}).get('queries', {}).get(name)}")
ok = (out or {}).get("queries", {})
check(not any(l.startswith(f"FAIL: {q['name']}:") for q in accepted for l in lines), f"Trino-valid queries run: {lines}")
check(ok.get("trino-ok") == {"columns": ["current_user", "n", "denied"], "rows": [[BOB, 2, 2]]}, f"trino-ok {ok.get('trino-ok')}")
check(ok.get("division", {}).get("rows") == [[979, -979, 2, -2, 1002597 / 1024]], f"integer division {ok.get('division')}")

for f in failures:
    print("  failed:", f)
print(("PASS" if not failures else "FAIL") + f": athena saved queries self-check: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)

"""Runs Athena saved (named) queries over local copies of shipped S3 access log
objects in an embedded engine, so tests can assert their answers.

    <venv python> tests/athena/saved_queries.py --table TABLE_JSON \
        --queries QUERIES_JSON --objects OBJECTS_JSON \
        (or --plan PLAN_JSON, from plan.sh, instead of --table and --queries) \
        --regex-java infra/checks/AthenaRegexTest.java [--now 2026-11-22T12:00:00Z]

This is DuckDB behind sqlglot, NOT Athena. What it does faithfully:
  * parses each query as Trino SQL and resolves every column against the Glue
    table's declared columns + partition keys (unknown column = failure);
  * type-checks each query before running it (trino_types.py; types by
    sqlglot from the Glue column types) and refuses what Trino refuses but
    DuckDB runs: comparison (=, <>, <, >, <=, >=, IN, BETWEEN, CASE x WHEN) or
    coalesce across types (integer with varchar, ...); || or LIKE on a
    non-varchar, arithmetic on a varchar; a non-boolean in count_if, WHERE,
    HAVING, AND, OR, NOT, CASE WHEN; a select alias named in WHERE, GROUP BY
    or HAVING (a name that is also a column is read as the column); an
    unquoted reserved word as a name; date() or CAST(.. AS date) of a non-ISO
    literal or of a date-projected partition key whose format is not
    yyyy-MM-dd. Division by a decimal literal, or of operands of unknown
    type, is refused as not emulated;
  * divides integer by integer as Trino does: an integer, truncated toward
    zero, and "Division by zero" fails the query;
  * turns log lines into rows with the same Java code that checks the regex
    (AthenaRegexTest.java --rows: Java regex, DOTALL, whole-line match, group N
    -> column N, non-matching line -> all-NULL row, bad number -> NULL);
  * shows only objects whose partition values partition projection would
    generate (enum values, dt format and range), like Athena;
  * pins the DuckDB session to UTC, as Athena's session time zone is UTC;
  * reads an object the way Athena's Hive text reader does: a name ending in
    .gz is gunzipped (compression is chosen by file extension), and a name
    starting with _ or . is skipped (Trino's Hive connector treats such files
    as hidden), so a compaction manifest never becomes rows;
  * breaks ORDER BY ties by every output column in turn: one of the orders
    Athena may return, and the same one on every run (break_ties).
Any function outside SHIM / SAME below fails the query instead of guessing.
Output: {"queries": {name: {"columns": [...], "rows": [[...]]}}, "rows_loaded": N,
"objects_outside_projection": [paths], "engine": "..."}; exit 1 with one
stderr line per failing query.
"""
import argparse
import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel
from sqlglot.optimizer.qualify import qualify

import trino_types

GLUE_TO_DUCKDB = {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT"}

# Joda-Time pattern letters (Trino parse_datetime) -> DuckDB strptime. Only the
# ones S3's '[06/Feb/2019:00:00:38 +0000]' needs; anything else is refused.
JODA = {"dd": "%d", "MMM": "%b", "MM": "%m", "yyyy": "%Y", "HH": "%H", "mm": "%M", "ss": "%S", "Z": "%z"}
# MySQL-style date_format specifiers that mean the same in DuckDB strftime.
# (Not e.g. %i: minutes in Trino, which strftime spells %M = month name in Trino.)
SAME_STRFTIME = {"%Y", "%m", "%d", "%H"}


def joda_to_strptime(pattern):
    out, i = [], 0
    while i < len(pattern):
        for token in sorted(JODA, key=len, reverse=True):
            if pattern.startswith(token, i):
                out.append(JODA[token])
                i += len(token)
                break
        else:
            if pattern[i].isalpha() or pattern[i] in "'%":
                raise ValueError(f"parse_datetime pattern {pattern!r}: {pattern[i]!r} not emulated")
            out.append(pattern[i])
            i += 1
    return "".join(out)


def literal_arg(node, name):
    if not (isinstance(node, exp.Literal) and node.is_string):
        raise ValueError(f"{name}: only a literal format string is emulated")
    return node.this


def shim_parse_datetime(node):
    # Trino: parse_datetime(string, joda) -> timestamp(3) with time zone; fails
    # the query on text it cannot parse. DuckDB strptime with %z -> TIMESTAMPTZ
    # (an instant; the +0000 offset itself is not kept), also fails on bad text.
    fmt = joda_to_strptime(literal_arg(node.args["format"], "parse_datetime"))
    return exp.Anonymous(this="strptime", expressions=[node.this, exp.Literal.string(fmt)])


def shim_date_format(node):
    # Trino: date_format(timestamp, MySQL format) -> varchar, formatted in the
    # value's zone (UTC for current_timestamp in Athena). sqlglot already
    # converted the format to strftime; allow only specifiers that mean the same.
    fmt = literal_arg(node.args["format"], "date_format")
    bad = set(re.findall(r"%.", fmt)) - SAME_STRFTIME
    if bad:
        raise ValueError(f"date_format specifiers {sorted(bad)} not emulated")
    return exp.Anonymous(this="strftime", expressions=[node.this, exp.Literal.string(fmt)])


# Trino function (sqlglot node) -> rewrite for DuckDB, or None where sqlglot's
# own translation was checked on sample values (see selftest.sh) and kept.
SHIM = {
    exp.ParseDatetime: shim_parse_datetime,  # parse_datetime(text, 'dd/MMM/yyyy:HH:mm:ss Z')
    exp.TimeToStr: shim_date_format,  # date_format(ts, '%Y/%m/%d')
    # date(ts): Trino takes the date in the value's own zone; sqlglot emits
    # CAST(ts AS DATE), which DuckDB takes in the session zone (UTC here). S3
    # logs always say +0000, so the two agree.
    exp.Date: None,
    # count_if(cond): Trino counts rows where cond is TRUE: 0, never NULL, when
    # cond is NULL/FALSE on every row. DuckDB COUNT_IF gives NULL then (checked),
    # so it becomes count(CASE WHEN cond THEN 1 END).
    exp.CountIf: lambda node: exp.Count(this=exp.Case(ifs=[exp.If(this=node.this, true=exp.Literal.number(1))])),
    # array_agg(DISTINCT x): both keep one NULL if x has NULLs; element order is
    # unspecified in both, so results are printed as sorted lists.
    exp.ArrayAgg: None,
    # current_timestamp: Trino timestamp(3) with time zone at query start, session
    # zone UTC in Athena; DuckDB TIMESTAMPTZ at transaction start. --now pins it.
    # `- interval 'N' day`: Trino subtracts N*24h, DuckDB N calendar days: equal in UTC.
    exp.CurrentTimestamp: None,
}
# Functions whose Trino and DuckDB semantics match for these column types
# (sum of bigint: Trino bigint, DuckDB HUGEINT: same values short of overflow).
SAME = {exp.Count, exp.Sum, exp.Min, exp.Max, exp.Coalesce}


def to_duckdb(tree, now, integer_divisions=()):
    def rewrite(node):
        # Trino: integer / integer is an integer, truncated toward zero, and
        # fails on a zero divisor. DuckDB's // on integers does exactly that
        # (checked: -7 // 2 = -3; 7 // 0 fails "Division by zero" with
        # error_on_division_by_zero, set in main); its / gives a double.
        if isinstance(node, exp.Div) and node.meta.get(trino_types.ID) in integer_divisions:
            return exp.IntDiv(this=node.this, expression=node.expression)
        # sqlglot models AND/OR/LIKE/= as Func too; only calls are checked here.
        if isinstance(node, exp.Func) and not isinstance(node, exp.Binary):
            if type(node) not in SHIM and type(node) not in SAME:
                raise ValueError(f"function {node.sql('trino')!r} is not emulated")
            if isinstance(node, exp.CurrentTimestamp) and now:
                return exp.cast(exp.Literal.string(now), "TIMESTAMPTZ")
            if SHIM.get(type(node)):
                return SHIM[type(node)](node)
        return node

    # Bottom up, so a call inside a rewritten node (count_if(date_format(..) = ..),
    # a division of count_if) is itself checked and rewritten.
    tree = tree.copy()
    for node in reversed(list(tree.dfs())):
        new = rewrite(node)
        if new is node:
            continue
        if node is tree:
            tree = new
        else:
            node.replace(new)
    return break_ties(tree).sql(dialect="duckdb")


def break_ties(tree):
    """Rows equal in every ORDER BY key come back in any order, in Trino as in
    DuckDB (whose threads make it differ run to run). Ordering such ties by
    each output column in turn picks one of the orders Athena may return, and
    always the same one, so two runs over the same rows, laid out in different
    objects, give identical answers."""
    order = tree.args.get("order") if isinstance(tree, exp.Select) else None
    if order is not None:
        for i in range(1, len(tree.selects) + 1):
            order.append("expressions", exp.Ordered(this=exp.Literal.number(i), nulls_first=False))
    return tree


def json_value(v):
    if isinstance(v, dt.datetime):
        v = v.astimezone(dt.timezone.utc) if v.tzinfo else v
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}" + ("Z" if v.tzinfo else "")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return sorted((json_value(x) for x in v), key=lambda x: (x is None, str(x)))
    return v


def split_lines(data):
    """Lines as Trino's TextLineReader sees them: \\n, \\r or \\r\\n ends a line,
    a leading UTF-8 BOM is skipped, nothing follows a final terminator."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = re.split(rb"\r\n|\r|\n", data)
    return lines[:-1] if lines and lines[-1] == b"" else lines


def read_object(path):
    """An object's bytes as the table sees them: nothing for a hidden name,
    the decompressed stream (every gzip member) for a .gz name."""
    name = os.path.basename(path)
    if name.startswith(("_", ".")):
        return b""
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if name.endswith(".gz") else data


def projected(partition, params, today):
    """Would Athena's partition projection generate this partition?"""
    for key, value in partition.items():
        kind = params.get(f"projection.{key}.type")
        if kind == "enum" and value not in params[f"projection.{key}.values"].split(","):
            return False
        if kind == "date":
            if params.get(f"projection.{key}.format") != "yyyy/MM/dd":
                raise SystemExit(f"projection.{key}.format other than yyyy/MM/dd is not emulated")
            start, end = params[f"projection.{key}.range"].split(",")
            if end != "NOW" or not re.fullmatch(r"\d{4}/\d{2}/\d{2}", start):
                raise SystemExit(f"projection.{key}.range {start},{end} is not emulated")
            if not re.fullmatch(r"\d{4}/\d{2}/\d{2}", value) or not start <= value <= today:
                return False
    return True


def load(con, table, objects, regex_java, today):
    columns = table["columns"] + table["partition_keys"]
    for c in columns:
        if c["type"] not in GLUE_TO_DUCKDB:
            raise SystemExit(f"column {c['name']}: type {c['type']} is not emulated")
    params = table.get("parameters", {})
    if params.get("projection.enabled") != "true":
        raise SystemExit("table without partition projection is not emulated")
    visible = [o for o in objects if projected(o["partition"], params, today)]
    skipped = [o["path"] for o in objects if o not in visible]
    lines, owners = [], []
    for obj in visible:
        for line in split_lines(read_object(obj["path"])):
            lines.append(line)
            owners.append(obj["partition"])
    with tempfile.TemporaryDirectory() as tmp:
        regex_file, columns_file, rows_file = (os.path.join(tmp, n) for n in ("regex", "columns.json", "rows.json"))
        with open(regex_file, "w") as f:
            f.write(table["input_regex"])
        with open(columns_file, "w") as f:  # AthenaRegexTest reads one object per line
            f.write("[\n" + ",\n".join(json.dumps({"name": c["name"], "type": c["type"]}) for c in table["columns"]) + "\n]\n")
        java = subprocess.run(["java", regex_java, "--rows", regex_file, columns_file],
                              input=b"".join(l + b"\n" for l in lines), capture_output=True)
        if java.returncode != 0:
            raise SystemExit(f"{regex_java} --rows failed: {java.stderr.decode().strip() or java.stdout.decode().strip()}")
        rows = java.stdout.decode().splitlines()
        if len(rows) != len(lines):
            raise SystemExit(f"{regex_java} --rows gave {len(rows)} rows for {len(lines)} lines")
        with open(rows_file, "w") as f:
            for row, partition in zip(rows, owners):
                f.write(json.dumps({**json.loads(row), **{k["name"]: partition.get(k["name"]) for k in table["partition_keys"]}}) + "\n")
        db, name = table["database"], table["name"]
        types = ", ".join(f"'{c['name']}': '{GLUE_TO_DUCKDB[c['type']]}'" for c in columns)
        con.execute(f'CREATE SCHEMA "{db}"')
        con.execute(f'CREATE TABLE "{db}"."{name}" AS SELECT * FROM read_json(?, format = \'newline_delimited\', '
                    f'columns = {{{types}}})', [rows_file])
        # read_json with no rows yields the columns all the same; check the schema is exact.
        got = con.execute(f'SELECT column_name FROM information_schema.columns WHERE table_schema = ? '
                          f'AND table_name = ? ORDER BY ordinal_position', [db, name]).fetchall()
        assert [g[0] for g in got] == [c["name"] for c in columns], got
    return len(lines), skipped


def from_plan(path):
    """The Glue table and the saved queries of a `terraform show -json` plan
    of s3_access_log_table (plan.sh), in --table and --queries form."""
    resources = [r["change"]["after"] for r in json.load(open(path))["resource_changes"]]
    glue = next(r for r in resources if "storage_descriptor" in r)
    sd = glue["storage_descriptor"][0]
    table = {"database": glue["database_name"], "name": glue["name"],
             "columns": [{"name": c["name"], "type": c["type"]} for c in sd["columns"]],
             "partition_keys": [{"name": c["name"], "type": c["type"]} for c in glue["partition_keys"]],
             "input_regex": sd["ser_de_info"][0]["parameters"]["input.regex"], "parameters": glue["parameters"]}
    queries = [{"name": r["name"], "database": r["database"], "query": r["query"]} for r in resources if "query" in r]
    return table, queries


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for a in ("--objects", "--regex-java"):
        ap.add_argument(a, required=True)
    for a in ("--table", "--queries", "--plan"):
        ap.add_argument(a)
    ap.add_argument("--now", help="pin current_timestamp (ISO 8601 with zone); default: the real clock")
    args = ap.parse_args()
    if args.plan:
        table, queries = from_plan(args.plan)
    elif args.table and args.queries:
        table, queries = (json.load(open(p)) for p in (args.table, args.queries))
    else:
        ap.error("give --table and --queries, or --plan")
    objects = json.load(open(args.objects))
    now = args.now
    today = (dt.datetime.fromisoformat(now.replace("Z", "+00:00")) if now else
             dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y/%m/%d")

    schema = {table["database"]: {table["name"]: {
        c["name"]: GLUE_TO_DUCKDB.get(c["type"], c["type"]) for c in table["columns"] + table["partition_keys"]}}}
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")  # Athena's session zone
    con.execute("SET default_null_order = 'nulls_last'")  # Trino: NULLS LAST for ASC and DESC
    con.execute("SET error_on_division_by_zero = true")  # Trino fails the query: "Division by zero"
    rows_loaded, skipped = load(con, table, objects, args.regex_java, today)

    results, failures = {}, []
    for q in queries:
        name = q["name"]
        try:
            tree = sqlglot.parse_one(q["query"], read="trino", error_level=ErrorLevel.RAISE)
        except sqlglot.errors.ParseError as e:
            failures.append(f"{name}: does not parse as Trino SQL: {str(e).splitlines()[0]}")
            continue
        try:
            qualified = qualify(trino_types.stamp(tree).copy(), schema=schema, db=q.get("database"),
                                dialect="trino", validate_qualify_columns=True, identify=False)
        except Exception as e:  # OptimizeError and friends
            failures.append(f"{name}: does not resolve against {table['database']}.{table['name']}: {str(e).splitlines()[0]}")
            continue
        try:
            integer_divisions = trino_types.check(tree, qualified, schema, table.get("parameters", {}))
        except trino_types.Refused as e:
            failures.append(f"{name}: {e}")
            continue
        try:
            sql = to_duckdb(tree, now, integer_divisions)
            # An unqualified table name resolves in the named query's database, as in Athena.
            con.execute("SET schema = ?", [q.get("database") or table["database"]])
            cur = con.execute(sql)
            columns = [d[0] for d in cur.description]
            rows = [[json_value(v) for v in r] for r in cur.fetchall()]
        except (ValueError, duckdb.Error) as e:
            failures.append(f"{name}: does not run: {str(e).splitlines()[0]}")
            continue
        results[name] = {"columns": columns, "rows": rows}

    json.dump({"queries": results, "rows_loaded": rows_loaded, "objects_outside_projection": skipped,
               "engine": f"duckdb {duckdb.__version__} via sqlglot {sqlglot.__version__}; NOT Athena"},
              sys.stdout, indent=1)
    sys.stdout.write("\n")
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The tools people use today to copy S3 logs from account A to account B,
measured the same way as logferry so `make bench` can print ratios.

Subcommands (each prints exactly one JSON object on stdout, diagnostics on stderr):

  python-way   the usual cross-account Python writer: per object a new boto3
               session, sts:AssumeRole, new S3 clients, GetObject (whole body
               in memory), PutObject with ACL bucket-owner-full-control; a
               thread pool of --concurrency workers. Per-object latency.
  awscli-cp    `aws s3 cp --recursive` (AWS CLI v1), server-side copy with one
               profile that reads A and writes B; max_concurrent_requests =
               --concurrency. No per-object latency (p50/p99 are null).
  stream-cli   the big object by hand: `aws s3 cp s3://A/k - | aws s3 cp - s3://B/k`;
               MB/s and the peak RSS of the two CLI processes (summed: they run
               side by side).
  cold-start   a local Lambda Runtime API (see runtime_api.py): ms from spawn to
               the first /next (init) and to the first response (first event).

Throughput: mb_per_second is decimal MB (10^6 bytes) per second; report.py
recomputes it from bytes and seconds anyway. peak_rss_mib comes from
getrusage/wait4 ru_maxrss (KiB on Linux). Timings on a shared machine are noisy.
"""
import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACL = "bucket-owner-full-control"


def fail(message):
    print(f"peers.py: {message}", file=sys.stderr)
    sys.exit(1)


def percentile(values, q):
    """Nearest-rank percentile of a non-empty list; None for an empty one."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n*q/100), at least 1
    return round(ordered[int(rank) - 1], 3)


def row(tool, objects, nbytes, seconds, latencies_ms, peak_rss_mib):
    return {
        "tool": tool,
        "objects": objects,
        "bytes": nbytes,
        "seconds": round(seconds, 4),
        "objects_per_second": round(objects / seconds, 3) if seconds > 0 else None,
        "mb_per_second": round(nbytes / 1e6 / seconds, 3) if seconds > 0 else None,
        "p50_ms": percentile(latencies_ms, 50),
        "p99_ms": percentile(latencies_ms, 99),
        "peak_rss_mib": round(peak_rss_mib, 1),
    }


def self_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- boto3 helpers (imported lazily: cold-start needs only the stdlib) ----

def s3_config(concurrency):
    from botocore.config import Config

    return Config(
        s3={"addressing_style": "path"},
        max_pool_connections=max(10, concurrency),
        retries={"mode": "standard", "max_attempts": 3},
    )


def session(args, profile):
    import boto3

    return boto3.session.Session(profile_name=profile, region_name=args.region)


def source_objects(args):
    """[(key, size)] from --keys-file (sizes from HeadObject) or a --prefix listing."""
    s3 = session(args, args.source_profile).client(
        "s3", endpoint_url=args.endpoint, config=s3_config(1))
    if args.keys_file:
        keys = [k for k in Path(args.keys_file).read_text().splitlines() if k.strip()]
        return [(k, s3.head_object(Bucket=args.source_bucket, Key=k)["ContentLength"]) for k in keys]
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=args.source_bucket, Prefix=args.prefix or ""):
        found += [(o["Key"], o["Size"]) for o in page.get("Contents", [])]
    return found


def dest_key(args, key):
    return f"{args.dest_prefix.strip('/')}/{key}" if args.dest_prefix.strip("/") else key


def count_dest(args, prefix):
    s3 = session(args, args.dest_profile or args.source_profile).client(
        "s3", endpoint_url=args.endpoint, config=s3_config(1))
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=args.dest_bucket, Prefix=prefix)
    return sum(len(p.get("Contents", [])) for p in pages)


# ---- python-way ----

def python_way_one(args, key):
    """One object the way a hand-written cross-account Lambda does it. Returns (bytes, ms)."""
    import boto3

    started = time.perf_counter()
    config = s3_config(1)
    own = boto3.session.Session(profile_name=args.source_profile, region_name=args.region)
    source = own.client("s3", endpoint_url=args.endpoint, config=config)
    if args.role_arn:
        creds = own.client("sts", endpoint_url=args.endpoint).assume_role(
            RoleArn=args.role_arn, RoleSessionName=f"log-copy-{uuid.uuid4().hex[:16]}",
            ExternalId=args.external_id)["Credentials"]
        writer = boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"], region_name=args.region)
    else:
        writer = boto3.session.Session(
            profile_name=args.dest_profile or args.source_profile, region_name=args.region)
    dest = writer.client("s3", endpoint_url=args.endpoint, config=config)
    body = source.get_object(Bucket=args.source_bucket, Key=key)["Body"].read()
    dest.put_object(Bucket=args.dest_bucket, Key=dest_key(args, key), Body=body, ACL=ACL)
    return len(body), (time.perf_counter() - started) * 1000


def python_way(args):
    if bool(args.role_arn) != bool(args.external_id):
        fail("--role-arn and --external-id go together (or neither, for direct mode)")
    keys = [k for k, _ in source_objects(args)]
    if not keys:
        fail(f"no source objects in s3://{args.source_bucket}/{args.prefix or ''}")

    started = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=args.concurrency)
    try:
        futures = [(key, pool.submit(python_way_one, args, key)) for key in keys]
        done = []
        for key, future in futures:
            try:
                done.append(future.result())
            except Exception as e:  # one line naming the object
                fail(f"python-way: s3://{args.source_bucket}/{key}: {type(e).__name__}: {e}")
    finally:  # on failure or SIGTERM, drop the queued objects; the running ones finish
        pool.shutdown(wait=True, cancel_futures=True)
    seconds = time.perf_counter() - started
    tool = args.tool or ("python-way-assume-role" if args.role_arn else "python-way-direct")
    return row(tool, len(done), sum(b for b, _ in done), seconds,
               [ms for _, ms in done], self_rss_mib())


# ---- AWS CLI peers ----

def aws_bin(args):
    aws = Path(args.aws) if args.aws else Path(sys.executable).with_name("aws")
    if not aws.exists():
        fail(f"AWS CLI not found at {aws}; run bench/setup.sh and use its venv's python, or pass --aws")
    return str(aws)


def cli_env(args, workdir, role_profile=None):
    """Environment for the CLI: a private AWS_CONFIG_FILE with the S3 transfer settings."""
    s3_block = (f"s3 =\n  max_concurrent_requests = {args.concurrency}\n"
                f"  addressing_style = path\n")
    profiles = {p for p in (args.source_profile, args.dest_profile) if p}
    text = "".join(f"[profile {p}]\nregion = {args.region}\n{s3_block}\n" for p in sorted(profiles))
    if role_profile:
        text += (f"[profile {role_profile}]\nrole_arn = {args.role_arn}\n"
                 f"external_id = {args.external_id}\nsource_profile = {args.source_profile}\n"
                 f"region = {args.region}\n{s3_block}\n")
    config = Path(workdir) / "config"
    config.write_text(text)
    env = dict(os.environ, AWS_CONFIG_FILE=str(config), AWS_ENDPOINT_URL=args.endpoint,
               AWS_DEFAULT_REGION=args.region, AWS_PAGER="")
    if "AWS_SHARED_CREDENTIALS_FILE" not in env:
        fail("AWS_SHARED_CREDENTIALS_FILE is not set; write the profiles to a credentials file and export it")
    return env


class Children:
    """Kills the CLI processes still running when the block is left early (error, SIGTERM)."""

    def __init__(self):
        self.procs = []

    def add(self, proc):
        self.procs.append(proc)
        return proc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            if proc.returncode is None:
                proc.kill()
                proc.wait()


def wait_rusage(proc):
    """Wait for a Popen child; returns (exit code, peak RSS MiB) from wait4."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024


def tail(path, lines=3):
    text = Path(path).read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) or "(no output)"


def awscli_cp(args):
    if args.keys_file:
        fail("awscli-cp copies a prefix: pass --prefix instead of --keys-file")
    prefix = args.prefix or ""
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    args.prefix = prefix
    objects = source_objects(args)
    if not objects:
        fail(f"no source objects in s3://{args.source_bucket}/{prefix}")
    dest_dir = dest_key(args, prefix)
    if dest_dir and not dest_dir.endswith("/"):
        dest_dir += "/"
    aws = aws_bin(args)
    with tempfile.TemporaryDirectory(prefix="bench-awscli-") as work:
        env = cli_env(args, work)
        log = Path(work) / "aws.log"
        cmd = [aws, "s3", "cp", f"s3://{args.source_bucket}/{prefix}",
               f"s3://{args.dest_bucket}/{dest_dir}", "--recursive", "--acl", ACL,
               "--endpoint-url", args.endpoint, "--profile", args.source_profile,
               "--only-show-errors", "--no-progress"]
        started = time.perf_counter()
        with open(log, "wb") as out, Children() as children:
            proc = children.add(subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT))
            code, rss = wait_rusage(proc)
        seconds = time.perf_counter() - started
        if code != 0:
            fail(f"awscli-cp: aws s3 cp exited {code}: {tail(log)}")
    copied = count_dest(args, dest_dir)
    if copied < len(objects):
        fail(f"awscli-cp: {copied} of {len(objects)} objects under s3://{args.dest_bucket}/{dest_dir}")
    return row(args.tool or "awscli-cp", len(objects), sum(s for _, s in objects), seconds, [], rss)


def stream_cli(args):
    if args.key:
        objects = [(args.key, None)]
    else:
        objects = source_objects(args)
    if len(objects) != 1:
        fail(f"stream-cli copies one object: pass --key, or a --keys-file/--prefix naming exactly one (found {len(objects)})")
    key = objects[0][0]
    s3 = session(args, args.source_profile).client("s3", endpoint_url=args.endpoint, config=s3_config(1))
    size = s3.head_object(Bucket=args.source_bucket, Key=key)["ContentLength"]
    if bool(args.role_arn) != bool(args.external_id):
        fail("--role-arn and --external-id go together (or neither, for direct mode)")
    aws = aws_bin(args)
    target = dest_key(args, key)
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as work:
        writer = "logferry-bench-writer" if args.role_arn else (args.dest_profile or args.source_profile)
        env = cli_env(args, work, role_profile=writer if args.role_arn else None)
        logs = [Path(work) / "download.log", Path(work) / "upload.log"]
        common = ["--endpoint-url", args.endpoint, "--only-show-errors"]
        started = time.perf_counter()
        with open(logs[0], "wb") as dlog, open(logs[1], "wb") as ulog, Children() as children:
            down = children.add(subprocess.Popen(
                [aws, "s3", "cp", f"s3://{args.source_bucket}/{key}", "-",
                 "--profile", args.source_profile, *common],
                env=env, stdout=subprocess.PIPE, stderr=dlog))
            up = children.add(subprocess.Popen(
                [aws, "s3", "cp", "-", f"s3://{args.dest_bucket}/{target}",
                 "--expected-size", str(size), "--acl", ACL, "--profile", writer, *common],
                env=env, stdin=down.stdout, stdout=ulog, stderr=subprocess.STDOUT))
            down.stdout.close()  # the upload side owns the pipe now
            down_code, down_rss = wait_rusage(down)
            up_code, up_rss = wait_rusage(up)
        seconds = time.perf_counter() - started
        if down_code or up_code:
            fail(f"stream-cli: download exited {down_code} ({tail(logs[0])}), "
                 f"upload exited {up_code} ({tail(logs[1])})")
    dest = session(args, args.dest_profile or args.source_profile).client(
        "s3", endpoint_url=args.endpoint, config=s3_config(1))
    written = dest.head_object(Bucket=args.dest_bucket, Key=target)["ContentLength"]
    if written != size:
        fail(f"stream-cli: s3://{args.dest_bucket}/{target} has {written} bytes, expected {size}")
    print(f"stream-cli: peak RSS download {down_rss:.1f} MiB, upload {up_rss:.1f} MiB", file=sys.stderr)
    return row(args.tool or "stream-cli", 1, size, seconds, [], down_rss + up_rss)


# ---- cold start ----

def cold_start(args):
    from runtime_api import measure_cold_start

    if args.python_handler:
        command = [sys.executable, str(HERE / "python_handler.py")]
    elif args.bootstrap:
        command = [str(Path(args.bootstrap).resolve())]
    else:
        fail("cold-start needs --bootstrap PATH or --python-handler")
    extra = {}
    for pair in args.env:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"--env {pair!r} is not K=V")
        extra[name] = value
    event = Path(args.event_file).read_bytes()
    try:
        json.loads(event)
    except ValueError as e:
        fail(f"--event-file {args.event_file} is not JSON: {e}")
    tool = args.tool or ("python-handler" if args.python_handler else Path(args.bootstrap).name)
    try:
        return measure_cold_start(tool, command, event, extra, runs=args.runs,
                                  region=args.region, function_name=args.function_name,
                                  timeout=args.timeout)
    except RuntimeError as e:
        fail(f"cold-start: {e}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def copy_flags(p):
        p.add_argument("--endpoint", required=True, help="S3/STS endpoint URL, e.g. http://127.0.0.1:4566")
        p.add_argument("--region", default="us-east-1")
        p.add_argument("--source-bucket", required=True)
        p.add_argument("--dest-bucket", required=True)
        p.add_argument("--dest-prefix", default="")
        which = p.add_mutually_exclusive_group()
        which.add_argument("--keys-file", help="one source key per line")
        which.add_argument("--prefix", help="copy every object under this prefix")
        p.add_argument("--concurrency", type=int, default=8)
        p.add_argument("--source-profile", required=True,
                       help="profile in $AWS_SHARED_CREDENTIALS_FILE for account A")
        p.add_argument("--dest-profile", help="profile for account B (direct mode; default: source)")
        p.add_argument("--role-arn", help="writer role in account B (assume-role mode)")
        p.add_argument("--external-id")
        p.add_argument("--aws", help="AWS CLI executable (default: `aws` beside this python)")
        p.add_argument("--tool", help="name in the output (default: the subcommand's)")

    copy_flags(sub.add_parser("python-way", help="boto3 per object: session, AssumeRole, Get, Put"))
    copy_flags(sub.add_parser("awscli-cp", help="aws s3 cp --recursive (server-side copy)"))
    stream = sub.add_parser("stream-cli", help="aws s3 cp A - | aws s3 cp - B")
    copy_flags(stream)
    stream.add_argument("--key", help="the one source key (else --keys-file/--prefix naming one)")

    cold = sub.add_parser("cold-start", help="spawn-to-init and spawn-to-first-response of a Lambda runtime")
    cold.add_argument("--bootstrap", help="executable speaking the Lambda Runtime API")
    cold.add_argument("--python-handler", action="store_true",
                      help="run bench/python_handler.py with this python instead")
    cold.add_argument("--event-file", required=True, help="the event JSON handed to /next")
    cold.add_argument("--runs", type=int, default=5)
    cold.add_argument("--env", action="append", default=[], metavar="K=V",
                      help="extra environment for the runtime (repeatable)")
    cold.add_argument("--region", default="us-east-1")
    cold.add_argument("--function-name", default="logferry-bench")
    cold.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per run")
    cold.add_argument("--tool")
    args = parser.parse_args(argv)
    if getattr(args, "concurrency", 1) < 1 or getattr(args, "runs", 1) < 1:
        parser.error("--concurrency and --runs must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    # SIGTERM unwinds like an error, so the finally blocks kill any child processes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(HERE))
    run = {"python-way": python_way, "awscli-cp": awscli_cp,
           "stream-cli": stream_cli, "cold-start": cold_start}[args.command]
    try:
        result = run(args)
    except Exception as e:  # boto3/botocore errors: one line, not a traceback
        fail(f"{args.command}: {type(e).__name__}: {e}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

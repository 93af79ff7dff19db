#!/usr/bin/env python3
"""Sets up a benchmark world on a running fakecloud (no measurement here):
admin users in account A (source) and B (archive), a shared credentials
file with profiles `source` and `archive`, a source bucket in A filled with
S3 server access log objects, an archive bucket in B, a writer role in B
whose trust policy names A's admin and requires an external id, a keys file
and an SQS event (S3 notifications) naming some of the objects.

  python world.py --endpoint http://127.0.0.1:4566 --dir /tmp/w --objects 300

Prints one JSON object describing the world (buckets, role, files, totals).
"""
import argparse
import json
import random
import sys
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
from botocore.config import Config

SOURCE_ACCOUNT, ARCHIVE_ACCOUNT = "111111111111", "222222222222"
EXTERNAL_ID = "logferry-bench-external-id"
OPERATIONS = [
    ("REST.GET.OBJECT", "GET", 200), ("REST.PUT.OBJECT", "PUT", 200),
    ("REST.HEAD.OBJECT", "HEAD", 200), ("REST.GET.BUCKET", "GET", 200),
    ("REST.GET.OBJECT", "GET", 404), ("REST.DELETE.OBJECT", "DELETE", 204),
    ("REST.GET.OBJECT", "GET", 403),
]
AGENTS = ['"aws-cli/1.46.3 Python/3.11.7 Linux/6.1 botocore/1.44.5"',
          '"aws-sdk-rust/1.3 os/linux lang/rust/1.83"', '"Boto3/1.44.5 md/Botocore#1.44.5"',
          '"S3Console/0.4"', '"curl/8.5.0"']


def create_admin(endpoint, account, name):
    request = urllib.request.Request(
        f"{endpoint}/_fakecloud/iam/create-admin", method="POST",
        data=json.dumps({"accountId": account, "userName": name}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def log_line(rng, bucket, when):
    """One S3 server access log record in S3's own field order."""
    operation, method, status = rng.choice(OPERATIONS)
    key = f"data/{rng.choice(['orders', 'events', 'images'])}/{rng.randrange(10**6):06d}.json"
    sent = rng.randrange(200, 5 * 1024 * 1024) if method == "GET" and status == 200 else None
    error = {404: "NoSuchKey", 403: "AccessDenied"}.get(status, "-")
    requester = rng.choice([f"arn:aws:iam::{SOURCE_ACCOUNT}:user/alice",
                            f"arn:aws:iam::{SOURCE_ACCOUNT}:role/etl", "-"])
    return " ".join([
        uuid.UUID(int=rng.getrandbits(128)).hex * 2, bucket,
        when.strftime("[%d/%b/%Y:%H:%M:%S +0000]"),
        f"192.0.2.{rng.randrange(1, 255)}", requester, f"{rng.getrandbits(64):016X}",
        operation, key, f'"{method} /{bucket}/{key} HTTP/1.1"', str(status), error,
        str(sent) if sent is not None else "-", str(rng.randrange(0, 4096)) if method == "PUT" else "-",
        str(rng.randrange(1, 300)), str(rng.randrange(1, 50)), '"-"', rng.choice(AGENTS), "-",
        f"{rng.getrandbits(256):064x}=", "SigV4", "ECDHE-RSA-AES128-GCM-SHA256", "AuthHeader",
        f"{bucket}.s3.us-east-1.amazonaws.com", "TLSv1.3", "-", "-",
    ])


def log_object(rng, bucket, when, size):
    lines, total = [], 0
    while total < size:
        line = log_line(rng, bucket, when) + "\n"
        lines.append(line)
        total += len(line)
        when += timedelta(milliseconds=rng.randrange(1, 2000))
    return "".join(lines).encode()[:size]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--dir", required=True, help="where the credentials, keys and event files go")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--objects", type=int, default=300, help="small log objects (1-64 KiB)")
    parser.add_argument("--big-mib", type=int, default=0, help="also one object of this many MiB")
    parser.add_argument("--event-objects", type=int, default=10)
    parser.add_argument("--prefix", default="access-logs/")
    args = parser.parse_args()

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    source = create_admin(args.endpoint, SOURCE_ACCOUNT, "admin-bench-source")
    archive = create_admin(args.endpoint, ARCHIVE_ACCOUNT, "admin-bench-archive")
    credentials = out / "credentials"
    credentials.write_text("".join(
        f"[{name}]\naws_access_key_id = {c['accessKeyId']}\naws_secret_access_key = {c['secretAccessKey']}\n\n"
        for name, c in (("source", source), ("archive", archive))))

    def client(service, creds):
        return boto3.client(service, endpoint_url=args.endpoint, region_name=args.region,
                            aws_access_key_id=creds["accessKeyId"],
                            aws_secret_access_key=creds["secretAccessKey"],
                            config=Config(s3={"addressing_style": "path"}, max_pool_connections=16))

    s3_source, s3_archive = client("s3", source), client("s3", archive)
    source_bucket, archive_bucket = "acme-prod-access-logs", "acme-log-archive"
    s3_source.create_bucket(Bucket=source_bucket)
    s3_archive.create_bucket(Bucket=archive_bucket)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": source["arn"]}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]}
    role_arn = client("iam", archive).create_role(
        RoleName="logferry-bench-writer", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]

    rng = random.Random(20261123)
    start = datetime(2026, 11, 22, tzinfo=timezone.utc)
    objects = []
    for i in range(args.objects):
        when = start + timedelta(minutes=5 * i)
        key = f"{args.prefix}{when:%Y-%m-%d-%H-%M-%S}-{rng.getrandbits(64):016X}"
        objects.append((key, log_object(rng, source_bucket, when, rng.randrange(1024, 64 * 1024 + 1))))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda o: s3_source.put_object(Bucket=source_bucket, Key=o[0], Body=o[1]), objects))
    keys_file = out / "keys.txt"
    keys_file.write_text("".join(f"{k}\n" for k, _ in objects))

    big_key = None
    if args.big_mib:
        big_key = f"big/{args.big_mib}mib.log"
        chunk = b"".join(body for _, body in objects[:64]) or b"x" * 1024
        upload = s3_source.create_multipart_upload(Bucket=source_bucket, Key=big_key)
        parts, remaining, number = [], args.big_mib * 1024 * 1024, 1
        while remaining:
            size = min(remaining, 16 * 1024 * 1024)
            body = (chunk * (size // len(chunk) + 1))[:size]
            etag = s3_source.upload_part(Bucket=source_bucket, Key=big_key, PartNumber=number,
                                         UploadId=upload["UploadId"], Body=body)["ETag"]
            parts.append({"PartNumber": number, "ETag": etag})
            remaining, number = remaining - size, number + 1
        s3_source.complete_multipart_upload(Bucket=source_bucket, Key=big_key,
                                            UploadId=upload["UploadId"],
                                            MultipartUpload={"Parts": parts})

    records = []
    for key, body in objects[:args.event_objects]:
        notification = {"Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": args.region,
            "eventTime": "2026-11-22T00:05:00.000Z", "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": source_bucket, "arn": f"arn:aws:s3:::{source_bucket}"},
                   "object": {"key": key, "size": len(body)}}}]}
        records.append({
            "messageId": str(uuid.UUID(int=rng.getrandbits(128))), "receiptHandle": "bench",
            "body": json.dumps(notification), "attributes": {}, "messageAttributes": {},
            "md5OfBody": "", "eventSource": "aws:sqs", "awsRegion": args.region,
            "eventSourceARN": f"arn:aws:sqs:{args.region}:{SOURCE_ACCOUNT}:logferry-bench"})
    event_file = out / "event.json"
    event_file.write_text(json.dumps({"Records": records}))

    json.dump({
        "endpoint": args.endpoint, "region": args.region, "credentials_file": str(credentials),
        "source_profile": "source", "archive_profile": "archive",
        "source_keys": {"access_key_id": source["accessKeyId"], "secret_access_key": source["secretAccessKey"]},
        "source_bucket": source_bucket, "archive_bucket": archive_bucket, "prefix": args.prefix,
        "role_arn": role_arn, "external_id": EXTERNAL_ID, "keys_file": str(keys_file),
        "event_file": str(event_file), "objects": len(objects),
        "bytes": sum(len(b) for _, b in objects), "big_key": big_key,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""logferry's job written the usual Python way, as a Lambda function, so its
cold start and first event can be measured against logferry's bootstrap by
`peers.py cold-start --python-handler`.

For one SQS batch (S3 -> SQS, S3 -> SNS -> SQS or EventBridge -> SQS bodies):
for every S3 object named, GetObject (whole body in memory) with the
function's own credentials, then PutObject with ACL bucket-owner-full-control
to $LOGFERRY_DEST_BUCKET under $LOGFERRY_DEST_PREFIX/<key>, with the
credentials of $LOGFERRY_ROLE_ARN (+ $LOGFERRY_EXTERNAL_ID) when set, else
its own. Answers {"batchItemFailures": [...]} naming the failed messages.
Objects run on $LOGFERRY_CONCURRENCY threads (default 8, as logferry).

It carries its own tiny Runtime API loop (stdlib urllib), so it runs as
`python3 bench/python_handler.py` with no Lambda runtime interface client.
$AWS_ENDPOINT_URL (a local emulator) switches S3 to path-style addressing.
"""
import json
import os
import sys
import threading
import time
import traceback
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

RUNTIME = f"http://{os.environ.get('AWS_LAMBDA_RUNTIME_API', '127.0.0.1:9001')}/2018-06-01/runtime"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def post(path, payload, headers=None):
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        RUNTIME + path, data=data, method="POST",
        headers={"Content-Type": "application/json", **(headers or {})})
    with OPENER.open(request) as response:
        response.read()


def error_payload(e):
    return {"errorMessage": str(e), "errorType": type(e).__name__,
            "stackTrace": traceback.format_exception(e)[-5:]}


try:  # init: imports and clients, as a Python Lambda does at module level
    import boto3
    from botocore.config import Config

    DEST_BUCKET = os.environ["LOGFERRY_DEST_BUCKET"]
    DEST_PREFIX = os.environ.get("LOGFERRY_DEST_PREFIX", "logferry").strip("/")
    ROLE_ARN = os.environ.get("LOGFERRY_ROLE_ARN")
    EXTERNAL_ID = os.environ.get("LOGFERRY_EXTERNAL_ID")
    CONCURRENCY = int(os.environ.get("LOGFERRY_CONCURRENCY", "8"))
    CONFIG = Config(
        s3={"addressing_style": "path" if os.environ.get("AWS_ENDPOINT_URL") else "auto"},
        max_pool_connections=max(10, CONCURRENCY),
        retries={"mode": "standard", "max_attempts": 3})
    SOURCE = boto3.client("s3", config=CONFIG)
    STS = boto3.client("sts") if ROLE_ARN else None
except Exception as init_error:  # noqa: BLE001 - reported to the Runtime API
    post("/init/error", error_payload(init_error),
         {"Lambda-Runtime-Function-Error-Type": "Runtime.InitError"})
    sys.exit(1)

_writer = {"client": None, "expires": 0.0}
_writer_lock = threading.Lock()


def writer():
    """The S3 client that writes to account B: assumed role, renewed 5 min before expiry."""
    if not ROLE_ARN:
        return SOURCE
    with _writer_lock:
        if _writer["client"] is None or time.time() > _writer["expires"] - 300:
            creds = STS.assume_role(RoleArn=ROLE_ARN, RoleSessionName="python-log-copy",
                                    ExternalId=EXTERNAL_ID)["Credentials"]
            _writer["client"] = boto3.client(
                "s3", config=CONFIG, aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"])
            _writer["expires"] = creds["Expiration"].timestamp()
        return _writer["client"]


def objects_in(body):
    """(bucket, key) pairs named by one SQS message body."""
    message = json.loads(body)
    if message.get("Type") == "Notification" and "Message" in message:  # via SNS
        message = json.loads(message["Message"])
    if "detail" in message and "bucket" in message["detail"]:  # EventBridge: keys not encoded
        return [(message["detail"]["bucket"]["name"], message["detail"]["object"]["key"])]
    pairs = []
    for record in message.get("Records", []):  # S3 notification (s3:TestEvent has none)
        if not record.get("eventName", "").startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        pairs.append((s3["bucket"]["name"], urllib.parse.unquote_plus(s3["object"]["key"])))
    return pairs


def copy(bucket, key):
    body = SOURCE.get_object(Bucket=bucket, Key=key)["Body"].read()
    target = f"{DEST_PREFIX}/{key}" if DEST_PREFIX else key
    writer().put_object(Bucket=DEST_BUCKET, Key=target, Body=body,
                        ACL="bucket-owner-full-control")


def handler(event, _context=None):
    work = []  # (message id, bucket, key)
    failed = set()
    for record in event.get("Records", []):
        message_id = record.get("messageId", "")
        try:
            work += [(message_id, b, k) for b, k in objects_in(record.get("body", ""))]
        except (ValueError, KeyError, TypeError) as e:
            print(f"malformed message {message_id}: {e}", file=sys.stderr)
            failed.add(message_id)
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        futures = [(mid, b, k, pool.submit(copy, b, k)) for mid, b, k in work]
        for message_id, bucket, key, future in futures:
            try:
                future.result()
            except Exception as e:  # noqa: BLE001 - the message comes back via SQS
                print(f"s3://{bucket}/{key}: {type(e).__name__}: {e}", file=sys.stderr)
                failed.add(message_id)
    return {"batchItemFailures": [{"itemIdentifier": m} for m in sorted(failed) if m]}


def main():
    while True:
        with OPENER.open(RUNTIME + "/invocation/next") as response:
            request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(response.read())
        try:
            result = handler(event)
        except Exception as e:  # noqa: BLE001 - reported to the Runtime API
            post(f"/invocation/{request_id}/error", error_payload(e),
                 {"Lambda-Runtime-Function-Error-Type": "Runtime.UnhandledError"})
            continue
        post(f"/invocation/{request_id}/response", result)


if __name__ == "__main__":
    main()

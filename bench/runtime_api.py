"""A minimal local AWS Lambda Runtime API, to measure a runtime's cold start.

Each run spawns a fresh process with the Lambda environment variables and
AWS_LAMBDA_RUNTIME_API pointing here, and measures from spawn to
  - init_ms:        its first GET /2018-06-01/runtime/invocation/next
  - first_event_ms: its first POST .../invocation/{id}/response
then kills it. Served routes: /invocation/next (one event, then the call is
held as Lambda would freeze the sandbox), /invocation/{id}/response,
/invocation/{id}/error and /init/error. Used by `peers.py cold-start`.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = "/2018-06-01/runtime"
RESULT = re.compile(rf"^{BASE}/invocation/([^/]+)/(response|error)$")
ACCOUNT = "111111111111"


class Run:
    """What one spawned process did, as seen by the server."""

    def __init__(self, event):
        self.event = event
        self.request_id = str(uuid.uuid4())
        self.lock = threading.Lock()
        self.next_calls = 0
        self.t_next = None
        self.t_result = None
        self.response = None
        self.error = None
        self.finished = threading.Event()  # a response or an error arrived
        self.release = threading.Event()  # lets held /next calls go at the end


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def reply(self, status, body=b"", headers=()):
        # One request per connection: a runtime never reuses a connection
        # this server may already have closed (hyper's IncompleteMessage).
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        run = self.server.run
        if self.path != f"{BASE}/invocation/next":
            return self.reply(404, b'{"errorMessage":"unknown route"}')
        now = time.perf_counter()
        with run.lock:
            run.next_calls += 1
            first = run.next_calls == 1
            if first:
                run.t_next = now
        if not first:
            # Lambda freezes the sandbox here; hold the call until the run ends.
            run.release.wait(self.server.timeout_s)
            self.close_connection = True
            return
        deadline = int((time.time() + 60) * 1000)
        arn = f"arn:aws:lambda:{self.server.region}:{ACCOUNT}:function:{self.server.function_name}"
        trace = f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"
        self.reply(200, run.event, [
            ("Lambda-Runtime-Aws-Request-Id", run.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn", arn),
            ("Lambda-Runtime-Trace-Id", trace),
        ])

    def do_POST(self):
        run = self.server.run
        now = time.perf_counter()
        body = self.body()
        match = RESULT.match(self.path)
        if self.path == f"{BASE}/init/error":
            run.error = f"init error: {body.decode(errors='replace')[:500]}"
        elif match and match.group(1) != run.request_id:
            return self.reply(400, b'{"errorMessage":"unknown request id"}')
        elif match and match.group(2) == "error":
            run.error = f"invocation error: {body.decode(errors='replace')[:500]}"
        elif match:
            run.t_result = now
            run.response = body
        else:
            return self.reply(404, b'{"errorMessage":"unknown route"}')
        self.reply(202, b'{"status":"OK"}')
        run.finished.set()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A killed runtime resets its held /next connection: expected, not news.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def lambda_env(api, region, function_name, extra):
    """What Lambda sets for a custom runtime, plus the caller's --env pairs.
    Only PATH comes from the parent: a sandbox starts with a clean environment."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "AWS_LAMBDA_RUNTIME_API": api,
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "bench/[$LATEST]0",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }
    env.update(extra)
    return env


def reap(pid, block):
    """wait4 without losing the rusage: (exit code or None, rusage or None)."""
    done, status, usage = os.wait4(pid, 0 if block else os.WNOHANG)
    if done == 0:
        return None, None
    return os.waitstatus_to_exitcode(status), usage


def one_run(server, command, event, env, timeout):
    run = Run(event)
    server.run = run
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        # Its own process group, so a wrapper script's children die with it.
        child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
        exited, usage = None, None  # exited: it quit by itself before answering
        try:
            deadline = started + timeout
            while not run.finished.wait(0.02) and time.perf_counter() < deadline:
                exited, usage = reap(child.pid, block=False)
                if usage is not None:
                    break
        finally:
            run.release.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if usage is None:
                _, usage = reap(child.pid, block=True)
            child.returncode = exited if exited is not None else -signal.SIGKILL
        log.seek(0)
        output = log.read().decode(errors="replace").strip().splitlines()
    where = " | ".join(output[-3:]) or "(no output)"
    if run.error:
        raise RuntimeError(f"{command[-1]}: {run.error}; last output: {where}")
    if run.t_result is None:
        why = f"exited {exited}" if exited is not None else f"no response within {timeout:.0f} s"
        raise RuntimeError(f"{command[-1]}: {why}; last output: {where}")
    sample = {
        "init_ms": round((run.t_next - started) * 1000, 2),
        "first_event_ms": round((run.t_result - started) * 1000, 2),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }
    return sample, run.response


def measure_cold_start(tool, command, event, extra_env, runs=5, region="us-east-1",
                       function_name="logferry-bench", timeout=60.0):
    """Runs `command` `runs` times against a fresh Runtime API state; returns the JSON row."""
    server = Server(("127.0.0.1", 0), Api)
    server.timeout_s = timeout
    server.region = region
    server.function_name = function_name
    server.run = Run(event)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api = f"127.0.0.1:{server.server_address[1]}"
    env = lambda_env(api, region, function_name, extra_env)
    samples, response = [], None
    try:
        for _ in range(runs):
            sample, body = one_run(server, command, event, env, timeout)
            samples.append(sample)
            response = response if response is not None else body
    finally:
        server.shutdown()
        server.server_close()
    try:
        parsed = json.loads(response) if response else None
    except ValueError:
        parsed = response.decode(errors="replace")[:500]

    def median(name):
        return round(statistics.median(s[name] for s in samples), 2)

    return {
        "tool": tool,
        "runs": runs,
        "init_ms_median": median("init_ms"),
        "first_event_ms_median": median("first_event_ms"),
        "peak_rss_mib": median("peak_rss_mib"),
        "samples": samples,
        "response": parsed,
    }

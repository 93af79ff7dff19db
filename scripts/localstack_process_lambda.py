"""LocalStack runs Lambda functions in Docker containers. This module lets
it run a `provided.*` function's `bootstrap` as a plain process of this
machine instead, so that Lambda works where there is no Docker engine.

It is a LocalStack runtime executor (the same interface as its Docker
executor, `localstack.services.lambda_.invocation.runtime_executor`), loaded
by scripts/localstack.sh when LocalStack starts. Each execution environment
is one `bootstrap` process (in LocalStack's process group, so that
scripts/localstack.sh stops it with LocalStack), started with the environment LocalStack computed
for the function (its role's credentials, its variables, AWS_ENDPOINT_URL
pointing at LocalStack) and AWS_LAMBDA_RUNTIME_API pointing at a Runtime API
served here, on a loopback port of its own:

    GET  /2018-06-01/runtime/invocation/next
    POST /2018-06-01/runtime/invocation/<request id>/response
    POST /2018-06-01/runtime/invocation/<request id>/error
    POST /2018-06-01/runtime/init/error

The binary must be built for this machine: the function's declared
architecture is not emulated. Only zip packages of `provided.*` runtimes run;
any other runtime fails at creation with a line saying so.
"""

import json
import logging
import os
import queue
import subprocess
import threading
import time
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from localstack.services.lambda_.invocation import runtime_executor
from localstack.services.lambda_.invocation.lambda_models import InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

LOG = logging.getLogger(__name__)
API = "/2018-06-01/runtime"
# How long a process may take to ask for its first invocation.
STARTUP_SECONDS = 30
# Lambda's longest timeout, and a margin, for one invocation.
LONGEST_INVOCATION_SECONDS = 905


def install():
    """Make this executor the one LocalStack's Lambda service uses. Call it
    before the Lambda provider is imported (it imports the factory by name)."""
    runtime_executor.get_runtime_executor = lambda: ProcessRuntimeExecutor


class ProcessRuntimeExecutor(RuntimeExecutor):
    def __init__(self, id, function_version):
        super().__init__(id=id, function_version=function_version)
        self.process = None
        self.server = None
        self.invocations = queue.Queue()
        self.pending = {}
        self.ready = threading.Event()
        self.init_error = None
        self.log_path = None
        self.log_offset = 0
        self.stopping = threading.Event()

    @classmethod
    def prepare_version(cls, function_version):
        config = function_version.config
        if not (config.runtime or "").startswith("provided") or not config.code:
            raise LambdaRuntimeException(
                f"runtime {config.runtime or 'image'}: this LocalStack runs only zip packages "
                "of provided.* runtimes, as processes (scripts/localstack_process_lambda.py)"
            )
        config.code.prepare_for_execution()
        bootstrap = config.code.get_unzipped_code_location() / "bootstrap"
        if not os.access(bootstrap, os.X_OK):
            raise LambdaRuntimeException(f"the package has no executable bootstrap ({bootstrap})")

    @classmethod
    def cleanup_version(cls, function_version):
        pass

    def start(self, env_vars):
        code = self.function_version.config.code.get_unzipped_code_location()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        env = {k: str(v) for k, v in env_vars.items() if v is not None}
        env["AWS_LAMBDA_RUNTIME_API"] = f"127.0.0.1:{self.server.server_port}"
        env["LAMBDA_TASK_ROOT"] = str(code)
        env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
        self.log_path = code.parent / f"process-{self.id}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(code / "bootstrap")],
                cwd=code,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.ready.wait(0.05):
            if self.init_error is not None or self.process.poll() is not None:
                self.stop()
                raise LambdaRuntimeException(
                    f"bootstrap exited before asking for an invocation: {self.init_error or self.get_logs()[-500:]}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise LambdaRuntimeException(f"bootstrap did not ask for an invocation within {STARTUP_SECONDS}s")

    def stop(self):
        self.stopping.set()
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.server:
            self.server.shutdown()
            self.server.server_close()
        for future in self.pending.values():
            future.cancel()

    def get_address(self):
        return "127.0.0.1"

    def get_endpoint_from_executor(self):
        return "127.0.0.1"

    def get_runtime_endpoint(self):
        port = self.server.server_port if self.server else 0
        return f"http://127.0.0.1:{port}{API}"

    def invoke(self, payload):
        future = Future()
        self.pending[payload["invoke-id"]] = future
        self.invocations.put(payload)
        try:
            return future.result(timeout=LONGEST_INVOCATION_SECONDS)
        finally:
            self.pending.pop(payload["invoke-id"], None)

    def get_logs(self):
        return self._read_log(0).decode("utf-8", "replace")

    def _read_log(self, offset):
        try:
            with open(self.log_path, "rb") as log:
                log.seek(offset)
                return log.read()
        except (OSError, TypeError):
            return b""

    def next_invocation(self):
        """The next invocation for the process, or None once stopping."""
        self.ready.set()
        while not self.stopping.is_set():
            try:
                return self.invocations.get(timeout=0.5)
            except queue.Empty:
                continue
        return None

    def finish(self, request_id, body, is_error):
        future = self.pending.get(request_id)
        if future is None:
            return False
        # What the process wrote since the last invocation: LocalStack puts
        # it in the function's log group, as Lambda does.
        logs = self._read_log(self.log_offset)
        self.log_offset += len(logs)
        result = InvocationResult(request_id, body, is_error=is_error, logs=logs.decode("utf-8", "replace"))
        future.set_result(result)
        return True


def _handler(executor):
    timeout_ms = int(executor.function_version.config.timeout) * 1000

    class RuntimeApi(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            LOG.debug("runtime api %s: " + format, executor.id, *args)

        def answer(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path != f"{API}/invocation/next":
                return self.answer(404, b'{"errorMessage":"not a Runtime API path"}')
            invocation = executor.next_invocation()
            if invocation is None:
                return self.answer(410, b'{"errorMessage":"the execution environment is stopping"}')
            deadline = int(time.time() * 1000) + timeout_ms
            self.answer(
                200,
                invocation["payload"].encode(),
                [
                    ("Lambda-Runtime-Aws-Request-Id", invocation["invoke-id"]),
                    ("Lambda-Runtime-Deadline-Ms", str(deadline)),
                    ("Lambda-Runtime-Invoked-Function-Arn", invocation["invoked-function-arn"]),
                    ("Lambda-Runtime-Trace-Id", invocation.get("trace-id") or ""),
                    ("Content-Type", "application/json"),
                ],
            )

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = self.path[len(API) :].strip("/").split("/")
            if parts == ["init", "error"]:
                executor.init_error = body.decode("utf-8", "replace")
                return self.answer(202, b'{"status":"OK"}')
            if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                if executor.finish(parts[1], body, is_error=parts[2] == "error"):
                    return self.answer(202, b'{"status":"OK"}')
                return self.answer(400, json.dumps({"errorMessage": f"no invocation {parts[1]}"}).encode())
            self.answer(404, b'{"errorMessage":"not a Runtime API path"}')

    return RuntimeApi

#!/usr/bin/env python3
"""Fault checks for `gym serve` (issue 9): the agent against misbehaving fakes it starts itself on 127.0.0.1.

Usage: faults.py PATH/TO/gym

Prints one line per check (`ok - ...` or `FAIL - ...`, with the figures measured) and a final
`N passed, M failed` line; exits 1 when a check failed. Standard library only; Linux (reads /proc/PID/fd).
"""
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time

GYM = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ".build/debug/swift-gym"
RESULTS = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_head(conn):
    """Reads one request head and its Content-Length body; returns the head text or None at end of stream."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head.decode("latin-1")


def wait_closed(conn, seconds=60):
    """Blocks until the peer closes or resets; True if it did within `seconds`."""
    conn.settimeout(seconds)
    try:
        while conn.recv(65536):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


class FakeModel:
    """A raw TCP model server: `behaviour(conn)` runs for each request on its own thread."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.requests = 0
        self.closed = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            while read_head(conn) is not None:
                with self.lock:
                    self.requests += 1
                if not self.behaviour(self, conn):
                    break
        except OSError:
            pass
        finally:
            conn.close()

    def count_close(self):
        with self.lock:
            self.closed += 1


def huge(model, conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000000\r\n\r\n{\"id\":")
    wait_closed(conn)
    return False


def cut(model, conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"id\":\"resp_1\",\"output\":[")
    return False  # closes mid-body


def hang(model, conn):
    if wait_closed(conn):
        model.count_close()
    return False


class FakeResources:
    """Answers `{}` to every POST with `Connection: close`; counts /verify."""

    def __init__(self):
        self.verifies = 0
        self.model = FakeModel(self._answer)
        self.port = self.model.port

    def _answer(self, model, conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        return False


class Agent:
    """`gym serve` in a child process with the given resource limits."""

    def __init__(self, model_port, resources_port, limits=()):
        self.port = free_port()
        config = f"""policy_model:
  responses_api_models:
    fake_model: {{entrypoint: app.py, host: 127.0.0.1, port: {model_port}}}
fake_resources:
  resources_servers:
    fake: {{entrypoint: app.py, domain: other, host: 127.0.0.1, port: {resources_port}}}
fault_agent:
  responses_api_agents:
    simple_agent:
      entrypoint: app.py
      host: 127.0.0.1
      port: {self.port}
      resources_server: {{type: resources_servers, name: fake_resources}}
      model_server: {{type: responses_api_models, name: policy_model}}
"""
        env = dict(os.environ, NEMO_GYM_CONFIG_DICT=config, NEMO_GYM_CONFIG_PATH="fault_agent")

        def preexec():
            for which, value in limits:
                resource.setrlimit(which, (value, value))

        self.stderr_path = f"/tmp/nemogym-fault-{self.port}.err"
        self.stderr = open(self.stderr_path, "w+")
        self.proc = subprocess.Popen([GYM, "serve"], env=env, stdout=subprocess.PIPE, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL, preexec_fn=preexec)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError(f"gym serve did not start: {line!r} {self.errors()}")

    def alive(self):
        return self.proc.poll() is None

    def errors(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()[-2000:]

    def settled_descriptors(self):
        """The descriptor count once the agent is warm (one GET / served) and the count holds for 0.1 s."""
        self.liveness()
        counts = [self.descriptors()]
        end = time.monotonic() + 10
        while time.monotonic() < end and not (len(counts) >= 5 and len(set(counts[-5:])) == 1):
            time.sleep(0.02)
            counts.append(self.descriptors())
        return counts[-1]

    def descriptors(self):
        try:
            return len(os.listdir(f"/proc/{self.proc.pid}/fd"))
        except OSError:
            return -1

    def request(self, method, path, body=None, timeout=30):
        """One request on a fresh connection; returns (status, body text) or (None, error)."""
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
            payload = json.dumps(body).encode() if body is not None else b""
            s.sendall(f"{method} {path} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode() + payload)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            s.close()
            head, _, text = data.partition(b"\r\n\r\n")
            return int(head.split(b" ")[1]), text.decode(errors="replace")
        except (OSError, IndexError, ValueError) as e:
            return None, str(e)

    def liveness(self, timeout=30):
        return self.request("GET", "/", timeout=timeout)[0] == 200

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        os.unlink(self.stderr_path)


def check(name):
    def register(fn):
        def run():
            try:
                ok, figures = fn()
            except Exception as e:  # a crashed check is a failed check
                ok, figures = False, f"{type(e).__name__}: {e}"
            RESULTS.append(ok)
            print(f"{'ok' if ok else 'FAIL'} - {name} ({figures})", flush=True)
        return run
    return register


def poll(condition, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


RUN_BODY = {"responses_create_params": {"input": "hello"}}


@check("huge Content-Length from the model: 500, agent alive")
def huge_content_length():
    model, resources = FakeModel(huge), FakeResources()
    agent = Agent(model.port, resources.port)
    try:
        status, text = agent.request("POST", "/run", RUN_BODY)
        alive = agent.liveness()
        ok = status == 500 and "100000000000" in text and "limit" in text and alive and agent.alive()
        return ok, f"/run -> {status} {text[:160]}; GET / answers: {alive}"
    finally:
        agent.stop()


@check("12 request heads declaring 512 MiB under RLIMIT_AS = 4 GiB: agent alive")
def heads_under_address_limit():
    model, resources = FakeModel(hang), FakeResources()
    agent = Agent(model.port, resources.port, limits=[(resource.RLIMIT_AS, 4 << 30)])
    sockets, continued = [], 0
    try:
        for _ in range(12):
            s = socket.create_connection(("127.0.0.1", agent.port), timeout=10)
            s.sendall(b"POST /run HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                      b"Content-Length: 536870912\r\n\r\n")
            try:
                if s.recv(100).startswith(b"HTTP/1.1 100"):
                    continued += 1
                s.sendall(b"{")
            except OSError:
                pass
            sockets.append(s)
        alive = agent.liveness()
        for s in sockets:
            s.close()
        ok = alive and agent.alive() and continued == 12
        return ok, f"100 Continue on {continued}/12; GET / answers: {alive}; descriptors {agent.descriptors()}"
    finally:
        agent.stop()


@check("model body cut mid-way: 500 within seconds, model asked once")
def body_cut_short():
    model, resources = FakeModel(cut), FakeResources()
    agent = Agent(model.port, resources.port)
    try:
        start = time.monotonic()
        status, text = agent.request("POST", "/run", RUN_BODY, timeout=30)
        elapsed = time.monotonic() - start
        ok = status == 500 and elapsed < 10 and model.requests == 1 and "was lost" in text
        return ok, f"/run -> {status} in {elapsed:.2f} s; model asked {model.requests} time(s); {text[:200]}"
    finally:
        agent.stop()


@check("50 callers that disconnect while the model hangs: descriptors back to baseline")
def abandoned_callers():
    model, resources = FakeModel(hang), FakeResources()
    agent = Agent(model.port, resources.port)
    callers = []
    try:
        baseline = agent.settled_descriptors()
        payload = json.dumps(RUN_BODY).encode()
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", agent.port), timeout=10)
            s.sendall(f"POST /run HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload)
            callers.append(s)
        asked = poll(lambda: model.requests == 50, 30)
        peak = agent.descriptors()
        start = time.monotonic()
        for s in callers:
            s.close()
        back = poll(lambda: agent.descriptors() <= baseline, 10)
        elapsed = time.monotonic() - start
        after = agent.descriptors()
        closed = poll(lambda: model.closed == 50, 10)
        ok = asked and back and closed and agent.liveness() and resources.verifies == 0
        return ok, (f"descriptors {baseline} -> {peak} with 50 in flight -> {after} {elapsed:.2f} s after "
                    f"they left; model asked {model.requests}, saw {model.closed} closes")
    finally:
        agent.stop()


@check("400 connections under RLIMIT_NOFILE = 256: the agent queues them and lives")
def descriptor_limit():
    model, resources = FakeModel(hang), FakeResources()
    agent = Agent(model.port, resources.port, limits=[(resource.RLIMIT_NOFILE, 256)])
    sockets = []
    try:
        for _ in range(400):
            s = socket.create_connection(("127.0.0.1", agent.port), timeout=10)
            s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            sockets.append(s)
        answered = 0
        deadline = time.monotonic() + 3
        for s in sockets:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                if s.recv(100).startswith(b"HTTP/1.1 200"):
                    answered += 1
            except OSError:
                pass
        peak = agent.descriptors()
        alive_during = agent.alive()
        for s in sockets:
            s.close()
        alive = agent.liveness(timeout=30)
        ok = alive_during and alive and agent.alive() and 0 < answered < 400 and peak < 256
        return ok, f"{answered}/400 answered while all were open, descriptors {peak}/256; GET / after they closed: {alive}"
    finally:
        agent.stop()


def main():
    if not os.path.exists(GYM):
        print(f"{GYM} not found; build it first (swift build)")
        return 1
    for run in (huge_content_length, heads_under_address_limit, body_cut_short, abandoned_callers, descriptor_limit):
        run()
    passed = sum(RESULTS)
    failed = len(RESULTS) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run `renewd run` as a real subprocess with a test NOTIFY_SOCKET, for process-level tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Daemon:
    config: Path
    port: int
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[str] | None = None
    sock: socket.socket | None = None
    messages: list[str] = field(default_factory=list)

    def start(self) -> Daemon:
        path = self.config.parent / f"notify-{os.getpid()}-{id(self)}.sock"
        path.unlink(missing_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        env = {
            **os.environ,
            "NOTIFY_SOCKET": str(path),
            "WATCHDOG_USEC": "2000000",
            "WATCHDOG_PID": "",
            **self.env,
        }
        env.pop("WATCHDOG_PID")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "renewd", "run", "-c", str(self.config)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return self

    def read_notify(self, until: str, timeout: float = 30.0) -> bool:
        """Collect sd_notify datagrams until one contains `until`."""
        assert self.sock is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(until in m for m in self.messages):
                return True
            try:
                self.messages.append(self.sock.recv(65536).decode("utf-8"))
            except TimeoutError:
                if self.proc is not None and self.proc.poll() is not None:
                    return any(until in m for m in self.messages)
        return any(until in m for m in self.messages)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def health(self) -> tuple[int, dict[str, object]]:
        status, body = self.get("/healthz")
        return status, json.loads(body)

    def wait_health(self, status: int, timeout: float = 20.0) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        last: tuple[int, dict[str, object]] = (0, {})
        while time.monotonic() < deadline:
            last = self.health()
            if last[0] == status:
                return last[1]
            time.sleep(0.2)
        raise AssertionError(f"health stayed {last}")

    def signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 20.0) -> tuple[int, str]:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        if self.sock is not None:
            self.sock.close()
        return self.proc.returncode, out

    def kill(self) -> str:
        assert self.proc is not None
        self.proc.kill()
        out, _ = self.proc.communicate()
        if self.sock is not None:
            self.sock.close()
        return out

"""Run `renewd run` as a real subprocess with a test NOTIFY_SOCKET, for process-level tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


@dataclass
class Daemon:
    config: Path
    port: int
    env: dict[str, str] = field(default_factory=dict)
    command: str = "run"  # or "serve": the same daemon with delivery switched off
    flags: tuple[str, ...] = ()  # more options, e.g. ("-v",)
    proc: subprocess.Popen[str] | None = None
    sock: socket.socket | None = None
    messages: list[str] = field(default_factory=list)
    log_path: Path | None = None
    _log: IO[str] | None = None
    _closed: threading.Event = field(default_factory=threading.Event)
    _terminated: bool = False

    def start(self) -> Daemon:
        path = self.config.parent / f"notify-{os.getpid()}-{id(self)}.sock"
        path.unlink(missing_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self._closed.clear()
        threading.Thread(target=self._drain, daemon=True).start()
        env = {
            **os.environ,
            "NOTIFY_SOCKET": str(path),
            "WATCHDOG_USEC": "2000000",
            "WATCHDOG_PID": "",
            **self.env,
        }
        env.pop("WATCHDOG_PID")
        # A file, not a pipe: an unread pipe fills up and blocks the daemon's logging.
        self.log_path = self.config.parent / f"daemon-{id(self)}.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "renewd", self.command, *self.flags, "-c", str(self.config)],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return self

    def output(self) -> str:
        assert self._log is not None
        assert self.log_path is not None
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8")

    def _drain(self) -> None:
        """Read every datagram as systemd would, so the daemon's queue never fills up."""
        assert self.sock is not None
        while not self._closed.is_set():
            try:
                self.messages.append(self.sock.recv(65536).decode("utf-8"))
            except TimeoutError:
                continue
            except OSError:
                return

    def read_notify(self, until: str, timeout: float = 30.0) -> bool:
        """Wait until an sd_notify datagram contains `until`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(until in m for m in list(self.messages)):
                return True
            if self.proc is not None and self.proc.poll() is not None:
                time.sleep(0.3)  # let the reader pick up the last datagrams
                return any(until in m for m in list(self.messages))
            time.sleep(0.05)
        return False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def health(self) -> tuple[int, dict[str, Any]]:
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

    def wait_planned(self, timeout: float = 60.0) -> dict[str, Any]:
        """Until /healthz is past `starting` (READY comes before everyone is planned)."""
        deadline = time.monotonic() + timeout
        last: tuple[int, dict[str, Any]] = (0, {})
        while time.monotonic() < deadline:
            last = self.health()
            if last[1].get("status") not in (None, "starting"):
                return last[1]
            time.sleep(0.1)
        raise AssertionError(f"health stayed {last}")

    def wait_health_status(
        self,
        status: str,
        also: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 20.0,
    ) -> dict[str, Any]:
        """Wait until /healthz says `status` (ok, degraded, unhealthy) and `also` holds."""
        deadline = time.monotonic() + timeout
        last: tuple[int, dict[str, Any]] = (0, {})
        while time.monotonic() < deadline:
            last = self.health()
            if last[1].get("status") == status and (also is None or also(last[1])):
                return last[1]
            time.sleep(0.2)
        raise AssertionError(f"health stayed {last}")

    def signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        self._terminated = self._terminated or sig == signal.SIGTERM
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 20.0) -> tuple[int, str]:
        assert self.proc is not None
        if self.proc.poll() is None and not self._terminated:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._closed.set()
        if self.sock is not None:
            self.sock.close()
        return self.proc.returncode, self.output()

    def kill(self) -> str:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self._closed.set()
        if self.sock is not None:
            self.sock.close()
        return self.output()

"""Benchmark: what hostile spreadsheets cost (issue 18, 1-2), and what the unit's MemoryMax=2G
must hold.

1. `renewd check` on the shared-strings bomb (3.7 MB, shared strings inflating to 1.45 GiB):
   wall time, renewd's peak RSS and its spreadsheet reader's (the child process).
2. A daemon that meets the bomb on a roster reload: its peak RSS before and after.
3. A daemon over a 100,000-person XLSX roster: its peak RSS after start-up and the first pass,
   and the reader child's peak on that file.

    .venv/bin/python bench/roster_hostile.py [--people N] [--bomb-mb MB] [--src DIR]

`--src DIR` runs renewd from another source tree (e.g. a checkout of main's `src`), for the
figures before; a reader there runs in-process, so its "reader" column is empty.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import openpyxl

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from rosterkit import shared_strings_bomb

# renewd's own peak (VmHWM) and its waited children's (the reader) as it exits.
MEASURED = (
    "import atexit, resource, sys\n"
    "def hwm():\n"
    "    kb = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
    "    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "    sys.stderr.write(f'\\nVMHWM_KB {kb} {child}\\n')\n"
    "atexit.register(hwm)\n"
    "from renewd.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def environment(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    return env


def measured_check(config: Path, env: dict[str, str]) -> str:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", MEASURED, "check", "-c", str(config)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    own, child = (int(n) // 1024 for n in proc.stderr.rpartition("VMHWM_KB ")[2].split()[:2])
    said = proc.stderr.rpartition("\nVMHWM_KB")[0].strip().splitlines()[-1:]
    return (
        f"exit {proc.returncode} in {seconds:.1f} s; renewd peak {own} MiB, reader peak"
        f" {child} MiB\n      {said[0][:160] if said else proc.stdout.strip()[:160]}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) // 1024


def people(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60) as response:
        line = next(x for x in response.read().splitlines() if x.startswith(b"renewd_people "))
    return float(line.split()[1])


def daemon(
    root: Path, files: list[str], env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    listed = ", ".join(f'"{f}"' for f in files)
    (root / "config.toml").write_text(
        f'[roster]\nfiles = [{listed}]\nsettle_seconds = 0.5\n[state]\ndir = "state"\n'
        f'[server]\nlisten = "127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    notify = root / "notify.sock"
    notify.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    sock.settimeout(600)
    log = (root / "daemon.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "renewd", "run", "-c", str(root / "config.toml")],
        env={**env, "NOTIFY_SOCKET": str(notify)},
        stdout=log,
        stderr=log,
    )
    try:
        while b"READY=1" not in sock.recv(65536):
            pass
    finally:
        sock.close()
    return proc, port


def health(port: int) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as response:
            body: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read())
    return body


def wait_people(port: int, count: float, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if people(port) == count:
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--bomb-mb", type=int, default=1450)
    parser.add_argument("--src", help="run renewd from this source tree (the figures before)")
    args = parser.parse_args()
    env = environment(args.src)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bomb = shared_strings_bomb(root / "bomb.xlsx", args.bomb_mb)
        size = bomb.stat().st_size / 1e6
        (root / "check.toml").write_text(
            '[roster]\nfiles = ["bomb.xlsx"]\n[state]\ndir = "state"\n', encoding="utf-8"
        )
        print(f"1. renewd check, shared-strings bomb ({size:.1f} MB → {args.bomb_mb} MiB):")
        print("   " + measured_check(root / "check.toml", env))

        header = "工号,姓名,部门,居住证到期日\n"
        (root / "people.csv").write_text(header + "E1,张三,研发部,2027-03-15\n", "utf-8")
        good = openpyxl.Workbook()
        sheet = good.active
        assert sheet is not None
        sheet.append(["工号", "姓名", "居住证到期日"])
        sheet.append(["T1", "李四", "2027-04-20"])
        good.save(root / "team.xlsx")
        proc, port = daemon(root, ["people.csv", "team.xlsx"], env)
        try:
            wait_people(port, 2, proc)
            before = peak(proc.pid)
            os.replace(bomb, root / "team.xlsx")
            with (root / "people.csv").open("a", encoding="utf-8") as f:
                f.write("E2,王五,研发部,2027-05-20\n")
            started = time.perf_counter()
            reloaded = wait_people(port, 3, proc)  # E2 added; T1 kept (or the bomb's one read)
            seconds = time.perf_counter() - started
            alive = proc.poll() is None
            after = peak(proc.pid) if alive else 0
            stale = health(port)["counts"]["stale_files"] if alive else "-"
            print("2. a daemon meets the bomb on reload (beside a file that changes too):")
            print(
                f"   peak RSS {before} MiB before, {after} MiB after; reloaded in {seconds:.1f} s:"
                f" {reloaded}; {'alive' if alive else f'DIED ({proc.returncode})'};"
                f" files refused (stale): {stale}"
            )
        finally:
            proc.terminate()
            proc.wait(timeout=120)

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["工号", "姓名", "部门", "居住证到期日", "邮箱"])
        for i in range(args.people):
            expires = f"2027-{1 + i % 12:02}-{1 + i % 28:02}"
            sheet.append([f"E{i:06d}", f"员工{i}", f"部门{i % 40}", expires, f"e{i}@example.com"])
        big = root / "big"
        big.mkdir()
        book.save(big / "people.xlsx")
        hour_ago = time.time() - 3600
        os.utime(big / "people.xlsx", (hour_ago, hour_ago))
        (big / "check.toml").write_text(
            '[roster]\nfiles = ["people.xlsx"]\n[state]\ndir = "state"\n', encoding="utf-8"
        )
        print(f"3. an XLSX roster of {args.people:,} people:")
        print("   check: " + measured_check(big / "check.toml", env))
        started = time.perf_counter()
        proc, port = daemon(big, ["people.xlsx"], env)
        try:
            ready = time.perf_counter() - started
            time.sleep(10)  # the start-up pass
            print(f"   daemon: READY in {ready:.1f} s; peak RSS {peak(proc.pid)} MiB (+10 s)")
        finally:
            proc.terminate()
            proc.wait(timeout=120)


if __name__ == "__main__":
    main()

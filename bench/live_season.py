"""Live a season as its readers do and keep every inbox: daily `notify --due` passes from
2026-12-08 to 2027-02-26 to a real SMTP server on 127.0.0.1, progress recorded between them as
HR and employees record it (late, out of order, by different hands), then each reader's mail
written in order to OUTDIR/<reader>.txt, to be read as the employee, HR and the HR lead read it.

    .venv/bin/python bench/live_season.py OUTDIR ["workdays_only = true"]

The optional argument is added to `[notify]`. Compare two trees' seasons with `diff -r`.
Uses the test suite's SMTP sink and season driver (tests/netkit.py, tests/seasonkit.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
os.environ.setdefault("RENEWD_NOW", "2026-12-08T09:00:00+08:00")

from netkit import smtp_server
from seasonkit import config, season

ROWS = [
    "1001,张伟,研发部,2027-01-20,,是,zhang@example.com",
    "1002,王芳,研发部,2027-02-10,employer,是,wang@example.com",
    "1003,李娜,研发部,2026-12-01,,是,li@example.com",
    "1004,赵磊,研发部,2027-02-20,,否,zhao@example.com",
    "1005,陈静,研发部,2027-01-08,,是,chen@example.com",
    "1006,孙强,研发部,2027-02-25,,是,",  # no email: HR forwards his steps
]
DONE = {
    # 张伟: endorsed by SMS on 12-24, which he records on 12-29; HR applies 12-30, hands in
    # 01-04 but records it 01-06; approved 01-12; the notice collected 01-15.
    "2026-12-29": [["1001", "permit", "--on", "2026-12-24"]],
    "2026-12-30": [["1001", "applied", "--on", "2026-12-30"]],
    "2027-01-06": [["1001", "submitted", "--on", "2027-01-04"]],
    "2027-01-12": [["1001", "approved", "--on", "2027-01-12"]],
    "2027-01-15": [["1001", "collected", "--on", "2027-01-15"]],
    # 王芳 (changed employer: the full review): HR hands in before anyone recorded the permit
    # (implied); the approval comes late and is recorded later still.
    "2026-12-21": [["1002", "submitted", "--on", "2026-12-18"]],
    "2027-01-25": [["1002", "approved", "--on", "2027-01-22"]],
    # 李娜: expired before the season; endorsed late.
    "2026-12-16": [["1003", "permit", "--on", "2026-12-15"]],
    # 陈静: the permit and the application on time, then nobody hands it in.
    "2026-12-10": [["1005", "permit", "--on", "2026-12-09"]],
    "2026-12-14": [["1005", "applied", "--on", "2026-12-14"]],
    # 赵磊 (no points): endorsed in February.
    "2027-02-03": [["1004", "permit", "--on", "2027-02-02"]],
}


def main() -> None:
    out = Path(sys.argv[1])
    notify = sys.argv[2] if len(sys.argv) > 2 else ""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, smtp_server() as (sink, port):
        path = config(Path(tmp), port, ROWS, notify)
        inbox = season(sink, path, "2026-12-08", "2027-02-26", DONE)
    for reader, mails in inbox.items():
        with (out / f"{reader.split('@')[0]}.txt").open("w", encoding="utf-8") as f:
            for mail in mails:
                f.write(f"=== {mail.day} {mail.day:%a} | {mail.subject}\n{mail.body}\n")
        print(f"{reader:24} {len(mails):3} messages", file=sys.stderr)


if __name__ == "__main__":
    main()

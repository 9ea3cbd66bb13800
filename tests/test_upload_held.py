"""A console upload with bad rows, swapped in: each bad row's person is held back on what the
daemon serves him by, even when the state has not kept that yet (a roster read since the last
delivery pass), so the daemon's own read of the new file agrees with the check HR confirmed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import load_keeping, settings
from renewd.daemon.uploads import ServedFirst, keep_lent
from renewd.roster_read import read_roster
from renewd.store.database import Database
from renewd.store.records import RosterRecords

HEADER = "工号,姓名,部门,居住证到期日,邮箱"


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_held_person_keeps_what_he_is_served_by_not_an_older_record(tmp_path: Path) -> None:
    roster = tmp_path / "people.csv"
    db = Database.in_dir(tmp_path / "state")
    try:
        # Kept by a delivery pass: 李四 expiring 2027-09-30.
        write(roster, "E001,张三,研发部,2027-06-30,a@example.com", "E002,李四,研发部,2027-09-30,")
        load_keeping([roster], db)
        # Then the file gave him 2027-10-15, read and served, not kept yet (no pass since).
        write(roster, "E001,张三,研发部,2027-06-30,a@example.com", "E002,李四,研发部,2027-10-15,")
        served = read_roster(settings(roster={"files": [roster]}), RosterRecords(db)).people
        upload = write(
            tmp_path / "upload.csv",
            "E001,张三,研发部,2027-06-30,a@example.com",
            "E002,李四,研发部,2027-02-30,",  # a bad row: he is held back
            "E003,王五,研发部,下个月,",  # a bad row of a new id: left out
        )
        files = {"roster": {"files": [upload]}}
        lender = ServedFirst(RosterRecords(db), served)
        checked = read_roster(settings(**files), lender)
        assert checked.kept == ("E002",)
        assert checked.left_out == 1
        expiry = {p.id: p.permit_expires for p in checked.people}
        assert expiry == {"E001": dt.date(2027, 6, 30), "E002": dt.date(2027, 10, 15)}
        assert [p.id for p in lender.lent] == ["E002"]
        # The daemon reads the swapped file over the state's records only: without them kept,
        # he would go back to his older record.
        stale = read_roster(settings(**files), RosterRecords(db)).people
        assert {p.id: p.permit_expires for p in stale}["E002"] == dt.date(2027, 9, 30)
        keep_lent(RosterRecords(db), roster, lender.lent)
        after = read_roster(settings(**files), RosterRecords(db))
        assert {p.id: p.permit_expires for p in after.people} == expiry
        assert after.kept == ("E002",)
    finally:
        db.close()

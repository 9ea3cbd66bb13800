"""Reading the State Council notice and holiday-cn JSON: the 2026 notice gives exactly
chinese-calendar's 2026, real-world variations are read, and every bad input is refused with
the line or entry and the reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import chinese_calendar
import pytest

from renewd.core.errors import EX_DATAERR
from renewd.core.notices import NoticeError, NoticeFormat, parse_notice
from renewd.core.policy import CalendarOptions
from renewd.core.workdays import Layer, WorkdayCalendar

FIXTURES = Path(__file__).parent / "fixtures" / "notices"
TEXT_2026 = (FIXTURES / "2026.txt").read_text(encoding="utf-8")
JSON_2026 = (FIXTURES / "2026.json").read_text(encoding="utf-8")
D = dt.date.fromisoformat


def _year(year: int) -> list[dt.date]:
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


@pytest.mark.parametrize("text", [TEXT_2026, JSON_2026], ids=["notice-text", "holiday-cn"])
def test_2026_import_is_chinese_calendar_day_by_day(text: str) -> None:
    notice = parse_notice(text)
    assert notice.year == 2026
    calendar = WorkdayCalendar.from_options(
        CalendarOptions(notices={2026: notice.table()})
    )  # the notice layer only: the package is never asked about 2026
    assert calendar.describe(2026).layer is Layer.NOTICE
    for day in _year(2026):
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        assert not calendar.is_provisional(day)
    library_off = {d for d in chinese_calendar.constants.holidays if d.year == 2026}
    library_on = {d for d in chinese_calendar.constants.workdays if d.year == 2026}
    assert notice.off == library_off
    assert notice.on == library_on


def test_text_reads_title_entries_and_notes() -> None:
    notice = parse_notice(TEXT_2026, name="2026.txt")
    assert notice.format is NoticeFormat.TEXT
    assert "2026年部分节假日安排" in notice.source
    spring = next(h for h in notice.holidays if h.name == "春节")
    assert (spring.start, spring.end) == (D("2026-02-15"), D("2026-02-23"))
    national = [m.date for m in notice.makeup if m.name == "国庆节"]
    assert national == [D("2026-09-20"), D("2026-10-10")]


HALF_WIDTH_2025 = """\
国务院办公厅关于2025年部分节假日安排的通知
经国务院批准,现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦:1月1日(周三)放假1天,不调休。
二、春节:1月28日(农历除夕、周二)至2月4日(农历正月初七、周二)放假调休,共8天。1月26日(星期日)、2月8日(星期六)上班。
三、清明节:4月4日(周五)至6日(周日)放假,共3天。
四、劳动节:5月1日(周四)至5日(周一)放假调休,共5天。4月27日(周日)上班。
五、端午节:5月31日(周六)至6月2日(周一)放假,共3天。
六、国庆节、中秋节:10月1日(周三)至8日(周三)放假调休,共8天。9月28日(周日)、10月11日(周六)上班。
节假日期间,各地区、各部门要妥善安排好值班和安全、保卫等工作。
"""


def test_half_width_combined_entry_and_one_day_match_2025() -> None:
    notice = parse_notice(HALF_WIDTH_2025)
    assert notice.off == {d for d in chinese_calendar.constants.holidays if d.year == 2025}
    assert notice.on == {d for d in chinese_calendar.constants.workdays if d.year == 2025}
    assert any(h.name == "国庆节、中秋节" for h in notice.holidays)


NOTICE_2015 = """\
国务院办公厅关于2015年部分节假日安排的通知
一、元旦：1月1日至3日放假调休，共3天。1月4日（星期日）上班。
二、春节：2月18日至24日放假调休，共7天。2月15日（星期日）、2月28日（星期六）上班。
三、清明节：4月5日放假，4月6日（星期一）补休。
四、劳动节：5月1日放假，与周末连休。
五、端午节：6月20日放假，6月22日（星期一）补休。
六、中秋节：9月27日放假。
七、国庆节：10月1日至7日放假调休，共7天。10月10日（星期六）上班。
"""

NOTICE_2024 = """\
国务院办公厅关于2024年部分节假日安排的通知
一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
"""


@pytest.mark.parametrize(
    ("year", "text"), [(2015, NOTICE_2015), (2024, NOTICE_2024)], ids=["2015", "2024"]
)
def test_older_wordings_give_the_published_working_days(year: int, text: str) -> None:
    """补休 (compensation days, 2015), 与周末连休, 星期 notes, and 2024's advice sentence."""
    calendar = WorkdayCalendar.from_options(
        CalendarOptions(notices={year: parse_notice(text).table()})
    )
    # 3-4 and 6 September 2015 (the victory anniversary) came by a notice of their own.
    separate = {D("2015-09-03"), D("2015-09-04"), D("2015-09-06")}
    for day in _year(year):
        if day not in separate:
            assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day


def test_one_day_without_make_up_and_a_wrapped_paragraph() -> None:
    text = TEXT_2026.replace(
        "五、端午节：6月19日（周五）至21日（周日）放假，共3天。",
        "五、端午节：6月19日（周五）放假1天，\n不调休。",
    )
    notice = parse_notice(text)
    dragon = next(h for h in notice.holidays if h.name == "端午节")
    assert (dragon.start, dragon.end) == (D("2026-06-19"), D("2026-06-19"))


def test_make_up_day_in_the_december_before() -> None:
    text = TEXT_2026.replace(
        "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。",
        "一、元旦：2025年12月31日（周三）至2026年1月3日（周六）放假调休，共4天。"
        "12月28日（周日）、1月4日（周日）上班。",
    )
    notice = parse_notice(text)
    assert D("2025-12-31") in notice.off
    assert D("2025-12-28") in notice.on
    calendar = WorkdayCalendar.from_options(CalendarOptions(notices={2026: notice.table()}))
    assert not calendar.is_workday(D("2025-12-31"))  # the notice reaches into 2025
    assert calendar.is_workday(D("2025-12-28"))


def _refused(text: str, **kw: object) -> NoticeError:
    with pytest.raises(NoticeError) as caught:
        parse_notice(text, **kw)  # type: ignore[arg-type]
    assert caught.value.exit_code == EX_DATAERR
    assert caught.value.problems
    return caught.value


def test_truncated_notice_is_refused_naming_the_entry() -> None:
    cut = TEXT_2026[: TEXT_2026.index("七、国庆节：10月1日（周四）至7日（周") + 20]
    error = _refused(cut, name="2026.txt")
    text = str(error)
    assert "nothing was stored" in text
    assert "七、国庆节" in text  # the entry
    assert "cut short" in text
    assert any(p.row == 12 for p in error.problems)  # its line


def test_notice_missing_a_holiday_is_refused() -> None:
    lines = [ln for ln in TEXT_2026.splitlines() if "端午节：" not in ln]
    text = "\n".join(lines).replace("六、中秋节", "五、中秋节").replace("七、国庆节", "六、国庆节")
    error = _refused(text)
    assert any(p.field == "端午节" and "missing" in p.message for p in error.problems)


def test_make_up_day_on_a_weekday_is_refused() -> None:
    text = TEXT_2026.replace("5月9日（周六）上班", "5月8日（周五）上班")
    error = _refused(text)
    assert any("2026-05-08 is a Friday, not a weekend" in p.message for p in error.problems)


def test_weekday_note_that_disagrees_is_refused() -> None:
    error = _refused(TEXT_2026.replace("5月9日（周六）上班", "5月10日（周六）上班"))
    assert any("not the weekday the note names" in p.message for p in error.problems)


def test_day_count_that_disagrees_is_refused() -> None:
    error = _refused(TEXT_2026.replace("放假调休，共9天", "放假调休，共8天"))
    assert any("says 8 days" in p.message for p in error.problems)


def test_text_without_title_needs_year() -> None:
    body = TEXT_2026.split("\n", 1)[1].replace("2026年", "")
    _refused(body)
    assert parse_notice(body, year=2026).off == parse_notice(TEXT_2026).off


def test_text_for_another_year_than_asked_is_refused() -> None:
    assert "not 2027" in str(_refused(TEXT_2026, year=2027))


def test_empty_holiday_cn_file_means_not_published() -> None:
    empty = json.dumps({"year": 2027, "papers": [], "days": []})
    error = _refused(empty, name="2027.json")
    assert "not published" in str(error)


def test_holiday_cn_file_for_the_wrong_year_is_refused() -> None:
    assert "not 2027" in str(_refused(JSON_2026, year=2027))
    doc = json.loads(JSON_2026)
    doc["year"] = 2027  # says 2027, holds 2026's days
    error = _refused(json.dumps(doc))
    assert any("outside 2027" in p.message for p in error.problems)


def test_holiday_cn_bad_day_names_its_index() -> None:
    doc = json.loads(JSON_2026)
    doc["days"][3]["date"] = "2026-02-30"
    error = _refused(json.dumps(doc), name="x.json")
    assert any(p.row == "days[3]" and p.field == "date" for p in error.problems)

"""Reading the State Council notice and holiday-cn JSON: the 2026 notice gives exactly
chinese-calendar's 2026, real-world variations are read, and every bad input is refused with
the line or entry and the reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewd.core.errors import EX_DATAERR
from renewd.core.model import Lang
from renewd.core.notices import NoticeError, NoticeFormat, NoticeYearMissing, parse_notice
from renewd.core.policy import CalendarOptions
from renewd.core.problemwords import describe
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


# -- the notice as the government's page shows it ---------------------------------------------

PAGES = {
    year: (FIXTURES / f"{year}-page.txt").read_text(encoding="utf-8") for year in (2023, 2024, 2026)
}
TITLE_2026 = "国务院办公厅关于2026年部分节假日安排的通知"


def _title_only(page: str) -> str:
    """The page with the year named by its title alone (the opening sentence loses it)."""
    return page.replace("现将2026年元旦", "现将元旦")


@pytest.mark.parametrize("year", sorted(PAGES))
def test_page_copy_reads_its_year_and_gives_the_published_working_days(year: int) -> None:
    """Two-line title, the page's dates of issue (the year before), 星期/周 notes, 与周末连休,
    不调休, a merged holiday, a cross-year 元旦 and an advice date: no --year needed."""
    notice = parse_notice(PAGES[year], name=f"{year}-page.txt")
    assert notice.year == year
    assert f"关于{year}年部分节假日安排的通知" in notice.source  # the title, joined again
    calendar = WorkdayCalendar.from_options(CalendarOptions(notices={year: notice.table()}))
    for day in _year(year):
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day


def test_cross_year_range_and_merged_holiday_take_the_right_years() -> None:
    notice = parse_notice(PAGES[2023])
    new_year = next(h for h in notice.holidays if h.name == "元旦")
    assert (new_year.start, new_year.end) == (D("2022-12-31"), D("2023-01-02"))
    merged = next(h for h in notice.holidays if h.name == "中秋节、国庆节")
    assert (merged.start, merged.end) == (D("2023-09-29"), D("2023-10-06"))


def test_advice_date_is_neither_a_rest_day_nor_a_working_day() -> None:
    """「鼓励……安排职工在除夕（2月9日）休息」: 2024-02-09 stays an ordinary Friday."""
    notice = parse_notice(PAGES[2024])
    assert D("2024-02-09") not in notice.off | notice.on
    advice = PAGES[2024].replace("鼓励各单位", "各单位可").replace("休息。", "放假，建议错峰出行。")
    assert D("2024-02-09") not in parse_notice(advice).off


def test_title_over_two_lines_names_the_year() -> None:
    assert parse_notice(_title_only(PAGES[2026])).year == 2026


@settings(max_examples=60, deadline=None)
@given(
    breaks=st.lists(
        st.tuples(
            st.integers(1, len(TITLE_2026) - 1),
            st.sampled_from(["\n", "\n\n", " ", "\u3000", "\r\n"]),
        ),
        max_size=4,
    )
)
def test_any_wrapping_of_the_title_still_names_the_year(breaks: list[tuple[int, str]]) -> None:
    title = TITLE_2026
    for at, space in sorted(breaks, reverse=True):
        title = title[:at] + space + title[at:]
    page = _title_only(PAGES[2026]).replace("国务院办公厅关于2026年\n部分节假日安排的通知", title)
    assert title in page
    assert parse_notice(page).year == 2026


def test_year_from_a_dated_entry_when_title_and_opening_are_gone() -> None:
    body = "\n".join(PAGES[2023].splitlines()[2:]).replace("现将2023年", "现将")
    body = body.replace("12月31日（星期六）至1月2日", "2022年12月31日（星期六）至2023年1月2日")
    assert parse_notice(body).year == 2023


def test_dates_of_issue_alone_do_not_name_the_year() -> None:
    page = _title_only(PAGES[2026]).replace("关于2026年", "关于")
    with pytest.raises(NoticeYearMissing) as caught:
        parse_notice(page, name="page.txt")
    assert "--year" in str(caught.value)
    assert parse_notice(page, year=2026).off == parse_notice(PAGES[2026]).off


def test_two_years_named_are_refused_naming_both_lines() -> None:
    error = _refused(PAGES[2026].replace("现将2026年", "现将2027年"))
    assert {(p.row, p.field) for p in error.problems} == {(6, "title"), (13, "opening")}
    assert "names more than one year (2026, 2027)" in str(error)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_page_copy_with_a_wrong_weekday_is_refused_naming_the_line() -> None:
    page = PAGES[2026].replace(
        "2月15日（农历腊月二十八、星期日）", "2月15日（农历腊月二十八、星期六）"
    )
    error = _refused(page, name="2026-page.txt")
    (problem,) = error.problems
    assert problem.row == _line_of(page, "二、春节") == 17
    assert problem.field == "二、春节"
    assert "2026-02-15 is a Sunday" in problem.message
    assert "row 17" in str(error)


def test_page_copy_with_a_wrong_day_count_is_refused_naming_the_line() -> None:
    page = PAGES[2026].replace("放假调休，共7天", "放假调休，共8天")
    (problem,) = _refused(page).problems
    assert problem.row == _line_of(page, "七、国庆节")
    assert "says 8 days but 2026-10-01 to 2026-10-07 is 7" in problem.message


# -- plausible rest periods (issue 18, item 15): a mistyped date is refused, naming the line ---


def test_a_37_day_spring_festival_is_refused_naming_the_line() -> None:
    page = PAGES[2026].replace(
        "2月15日（农历腊月二十八、星期日）至23日（农历正月初七、星期一）放假调休，共9天。"
        "2月14日（星期六）、2月28日（星期六）上班。",
        "2月15日（农历腊月二十八、星期日）至3月23日放假调休，共37天。2月14日（星期六）上班。",
    )
    assert page != PAGES[2026]
    error = _refused(page, name="2026-page.txt")
    problem, total = error.problems
    assert problem.row == _line_of(page, "二、春节") == 17
    assert problem.field == "春节"
    assert problem.message.startswith("37 rest days from 2026-02-15 to 2026-03-23")
    assert "at most 10" in problem.message
    assert "row 17" in str(error)
    assert total.message.startswith("61 rest days in all")  # 28 more than the real 33
    said = describe(problem, Lang.ZH)  # as the console's calendar page says it
    assert "2026-02-15至2026-03-23共37天，比春节历年的假期都长（最多10天）" in said


def test_a_three_week_national_day_in_holiday_cn_json_is_refused() -> None:
    doc = json.loads(JSON_2026)
    doc["days"] = [d for d in doc["days"] if d["date"] != "2026-10-10"]  # its make-up day
    doc["days"] += [
        {"name": "国庆节", "date": f"2026-10-{day:02d}", "isOffDay": True} for day in range(8, 15)
    ]
    error = _refused(json.dumps(doc), name="2026.json")
    (problem,) = error.problems
    assert problem.field == "国庆节"
    assert problem.message.startswith("14 rest days from 2026-10-01 to 2026-10-14")


def test_a_year_with_more_rest_days_than_any_had_is_refused() -> None:
    ranges = {  # each holiday within its own bound, 43 days in all
        "元旦": ("01-01", 4), "春节": ("02-10", 10), "清明节": ("04-03", 4),
        "劳动节": ("05-01", 7), "端午节": ("06-01", 4), "中秋节": ("09-01", 4),
        "国庆节": ("10-01", 10),
    }  # fmt: skip
    days = [
        {"name": name, "date": str(D(f"2026-{start}") + dt.timedelta(days=n)), "isOffDay": True}
        for name, (start, length) in ranges.items()
        for n in range(length)
    ]
    doc = {"year": 2026, "papers": ["synthetic"], "days": days}
    error = _refused(json.dumps(doc))
    (problem,) = error.problems
    assert problem.message.startswith("43 rest days in all: more than any year has had")


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_every_real_notice_is_plausible(year: int) -> None:
    assert parse_notice(PAGES[year]).year == year

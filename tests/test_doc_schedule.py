"""Which documents' reminders are due, and to whom (issue 22, item 5): `core.doc_schedule` with
the points' rules, routed by the pack's owners (`core.routing`), written by `core.doc_letters`."""

from __future__ import annotations

import datetime as dt

from renewd.core.doc_letters import letter_for
from renewd.core.doc_schedule import due_document_reminders
from renewd.core.documents import DocumentPlan, plan_documents
from renewd.core.model import Lang, Person
from renewd.core.policy import Policy
from renewd.core.reminders import (
    DocAlert,
    DocKind,
    DocumentAlert,
    DocumentReminder,
    parse_kind,
)
from renewd.core.routing import AddressField, ChannelRoute, Routes, Scope, route
from renewd.core.schedule import LeadRules
from renewd.core.wording import Role
from renewd.core.workdays import WorkdayCalendar
from renewd.pack_settings import shipped_packs

D = dt.date.fromisoformat
CALENDAR = WorkdayCalendar()
PACKS = shipped_packs()
WORK, RESIDENCE = "foreign-work-permit", "foreign-residence-permit"
JOHN = (
    Person("2001", "John Smith", D("2027-04-20"), group="研发部", email="j@x", document=WORK),
    Person("2001", "John Smith", D("2027-04-25"), group="研发部", email="j@x", document=RESIDENCE),
)
RULES = LeadRules()


def plans(
    day: dt.date, done: dict[tuple[str, str], dict[str, dt.date]] | None = None
) -> list[DocumentPlan]:
    return plan_documents(PACKS, JOHN, CALENDAR, day, done or {})


def due(day: str, done: dict[tuple[str, str], dict[str, dt.date]] | None = None) -> list[str]:
    """The work permit's reminders due on `day` (nothing issued before): kind:lead."""
    out = due_document_reminders(plans(D(day), done), D(day), RULES, set(), known={"2001"})
    return [f"{r.kind}:{r.key.lead}" for r in out if str(r.kind).startswith(WORK + "/")]


def test_a_document_key_names_its_pack_and_parses_back() -> None:
    kind = DocKind.of(WORK, "extension_filing")
    assert kind == "foreign-work-permit/extension_filing"
    assert parse_kind(kind.value) == kind
    assert (kind.pack, kind.step, kind.alert) == (WORK, "extension_filing", False)
    assert DocKind.of(WORK, "!infeasible").alert
    assert parse_kind("permit_renewal") == "permit_renewal"  # the points' kinds as before


def test_an_act_is_reminded_on_its_lead_days_and_overdue_repeats_stop_at_its_cut_off() -> None:
    # The filing is due 2027-02-23; its cut-off is 2027-03-21.
    assert due("2027-02-16") == [f"{WORK}/extension_filing:7"]
    assert due("2027-02-25") == [f"{WORK}/extension_filing:-2"]
    # The last weekly repeat before the cut-off is 2027-03-15's (20 days); the cut-off is Sunday
    # 2027-03-21, so Friday 2027-03-19 is the last working day to file, said that day.
    assert due("2027-03-18") == [f"{WORK}/extension_filing:-20"]
    assert due("2027-03-19") == [f"{WORK}/extension_filing:-24"]
    # Past it: no repeat; the plan is infeasible, and said so anew (a new application is
    # needed), under a key of its own beside a late-plan alert of before.
    assert due("2027-03-20") == [f"{WORK}/extension_filing:-24", f"{WORK}/!infeasible:1"]
    assert due("2027-04-12") == [f"{WORK}/extension_filing:-24", f"{WORK}/!infeasible:1"]


def test_a_wait_and_what_follows_it_wait_for_the_step_they_need() -> None:
    # Nobody recorded the filing: no "decision expected", no "sign for it".
    nothing = due("2027-03-16")
    assert not any("permit_processing" in k or "holder_signature" in k for k in nothing)
    filed = {(("2001", WORK)): {"extension_filing": D("2027-02-22")}}
    # The decision's day: told to both; the signature once the decision's day has come.
    assert f"{WORK}/permit_processing:0" in due("2027-03-22", filed)
    assert f"{WORK}/holder_signature:3" in due("2027-03-22", filed)
    assert not any("holder_signature" in k for k in due("2027-03-19", filed))


def test_a_first_contact_tells_the_holder_where_each_document_stands() -> None:
    day = D("2027-01-04")
    out = due_document_reminders(plans(day), day, RULES, set(), known=set())
    status = [r for r in out if isinstance(r, DocumentAlert)]
    assert {r.alert for r in status} == {DocAlert.FIRST_CONTACT}
    assert len(status) == 2
    issued = {r.key for r in out}
    again = due_document_reminders(plans(day), day, RULES, issued, known=set())
    assert again == []


def test_each_step_goes_to_its_owner_and_the_holder_without_hr_is_asked_to_ask() -> None:
    day = D("2027-02-16")
    found = due_document_reminders(plans(day), day, RULES, set(), known={"2001"})
    filing = next(r for r in found if isinstance(r, DocumentReminder))
    mail = ChannelRoute("mail", Scope.PERSONAL, AddressField.EMAIL, False)
    hr = ChannelRoute("hr", Scope.GROUP, None, True)
    with_hr = route([filing], Routes((mail, hr), {"研发部": ("hr",)}))
    assert with_hr.personal == ()  # the employer's: HR's digest only
    assert [i.role for s in with_hr.group[0].sections for i in s.items] == [Role.ACT]
    alone = route([filing], Routes((mail,)))
    (envelope,) = alone.personal
    assert [i.role for i in envelope.items] == [Role.ASK_HR]
    letter = letter_for(envelope, day, Lang.EN, Policy())
    text = "\n".join(line.text for s in letter.sections for line in s.lines)
    assert "Ask your employer's HR to do this by 2027-02-23" in text
    assert "Give HR for “File the work-permit extension”" in [s.heading for s in letter.sections]

"""Who hears which step on which channel (docs/design.md §7): owners, scopes by type, fallbacks for
a family, one envelope per (channel, address), and the routes `check` must refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import PERMIT_DUE, person, settings
from renewd.core.model import MilestoneKind, Person, Progress
from renewd.core.plan import Planner
from renewd.core.policy import Owner, Owners
from renewd.core.routing import (
    AddressField,
    Hearers,
    Routes,
    Scope,
    escalation_channels,
    moved_hearers,
    notice_channels,
    notice_is_groups,
    rerouted,
    route,
    route_problems,
)
from renewd.core.schedule import LeadRules, due_reminders
from renewd.core.wording import Role

K = MilestoneKind
DAY = PERMIT_DUE + dt.timedelta(days=2)
RENEWED = Progress(permit_renewed_on=PERMIT_DUE - dt.timedelta(days=12))


def routes_for(**conf: object) -> Routes:
    return settings(**conf).routes()


def due(planner: Planner, people: list[Person], day: dt.date = DAY) -> list[object]:
    return list(due_reminders(planner.plan_all(people, day), day, LeadRules(), set()))


MAIL = {"name": "mail", "type": "email", "host": "smtp", "sender": "hr@example.com"}
HR_MAIL = {**MAIL, "name": "hr-mail", "to": ["hr@example.com"]}
TG = {"name": "tg", "type": "telegram", "bot_token": "1:x", "chat_id": "-100"}
ROBOT = {"name": "robot", "type": "wecom", "robot_key": "k"}


@pytest.mark.parametrize(
    ("channel", "scope", "field"),
    [
        (MAIL, Scope.PERSONAL, AddressField.EMAIL),
        (HR_MAIL, Scope.GROUP, None),  # HR's mailbox never emails employees
        (TG, Scope.BOTH, AddressField.TELEGRAM),
        (ROBOT, Scope.GROUP, None),
        ({"name": "c", "type": "console"}, Scope.BOTH, AddressField.ID),
        ({**TG, "scope": "personal"}, Scope.PERSONAL, AddressField.TELEGRAM),
    ],
)
def test_scope_defaults_by_type(channel: dict[str, object], scope: Scope, field: object) -> None:
    [c] = routes_for(channels=[channel]).channels
    assert (c.scope, c.field) == (scope, field)


def test_employer_steps_go_to_hr_holder_steps_to_the_person(planner: Planner) -> None:
    routes = routes_for(
        channels=[MAIL, HR_MAIL, TG], groups={"研发部": {"channels": ["hr-mail", "tg"]}}
    )
    p = person(progress=RENEWED, telegram="42")
    result = route(due(planner, [p]), routes)  # type: ignore[arg-type]
    hr = {d.channel: [i.reminder.kind for s in d.sections for i in s.items] for d in result.group}
    assert set(hr) == {"hr-mail", "tg"}
    assert all(k in (K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION, K.POINTS_APPROVAL)
               for kinds in hr.values() for k in kinds)  # fmt: skip
    for envelope in result.personal:
        assert envelope.address in ("e001@example.com", "42")  # never HR's mailbox or chat
        assert all(i.reminder.kind not in (K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION)
                   for i in envelope.items)  # fmt: skip


def test_a_family_hears_employer_steps_worded_ask_your_hr(planner: Planner) -> None:
    routes = routes_for(channels=[MAIL, HR_MAIL], groups={"研发部": {"channels": ["hr-mail"]}})
    p = person(group="", progress=RENEWED)
    result = route(due(planner, [p]), routes)  # type: ignore[arg-type]
    assert not result.group
    [envelope] = result.personal
    roles = {i.reminder.kind: i.role for i in envelope.items}
    assert roles[K.POINTS_APPLICATION] is Role.ASK_HR


def test_owners_are_settings(planner: Planner) -> None:
    owners = Owners(points_application=Owner.HOLDER)
    routes = routes_for(channels=[MAIL, HR_MAIL], groups={"研发部": {"channels": ["hr-mail"]}})
    routes = Routes(routes.channels, routes.groups, routes.escalate_to, owners)
    result = route(due(planner, [person(progress=RENEWED)]), routes)  # type: ignore[arg-type]
    [envelope] = result.personal
    assert K.POINTS_APPLICATION in {i.reminder.kind for i in envelope.items}


def test_two_personal_channels_reaching_one_address_reach_it_once(planner: Planner) -> None:
    second = {**MAIL, "name": "mail2"}
    routes = routes_for(channels=[MAIL, second])
    result = route(due(planner, [person(group="")]), routes)  # type: ignore[arg-type]
    assert [(e.channel, e.address) for e in result.personal] == [("mail", "e001@example.com")]


def test_an_unreachable_employee_is_listed_for_hr(planner: Planner) -> None:
    routes = routes_for(channels=[MAIL, HR_MAIL], groups={"研发部": {"channels": ["hr-mail"]}})
    result = route(due(planner, [person(email="")]), routes)  # type: ignore[arg-type]
    [digest] = result.group
    assert [i.reminder.kind for i in digest.sections[0].unreachable] == [K.PERMIT_RENEWAL]
    assert not result.unheard


@pytest.mark.parametrize(
    ("conf", "where", "what"),
    [
        ({"channels": [MAIL], "groups": {"g": {"channels": ["mail"]}}}, "groups.g.channels",
         'scope = "personal"'),
        ({"channels": [{**TG, "chat_id": None}], "notify": {"escalate_to": ["tg"]}},
         "notify.escalate_to", "no recipients"),
    ],
)  # fmt: skip
def test_undeliverable_routes_are_problems(conf: dict[str, object], where: str, what: str) -> None:
    [(found, text)] = route_problems(routes_for(**conf))
    assert found == where
    assert what in text


def test_a_group_scope_without_recipients_and_a_personal_robot_are_refused() -> None:
    conf = settings(
        channels=[{**TG, "chat_id": None, "scope": "group"}, {**ROBOT, "scope": "both"}]
    )
    fields = {p.field for p in conf.route_problems()}
    assert fields == {"channels.tg.scope", "channels.robot.scope"}


# -- the other news: dates moved, roster notices, the escalation asks (one place: core.routing) --


def test_a_moved_step_is_heard_by_its_owners() -> None:
    routes = routes_for(channels=[MAIL, HR_MAIL, TG], groups={"研发部": {"channels": ["hr-mail"]}})
    p = person(telegram="42")
    holder = moved_hearers(p, K.PERMIT_RENEWAL, routes)
    assert holder == Hearers((("mail", "e001@example.com"), ("tg", "42")), ())
    employer = moved_hearers(p, K.EMPLOYER_SUBMISSION, routes)
    assert employer == Hearers((), ("hr-mail",))
    family = moved_hearers(person(group=""), K.EMPLOYER_SUBMISSION, routes)
    assert family == Hearers((("mail", "e001@example.com"),), ())  # no HR: he hears it


def test_roster_notices_go_to_the_group_else_to_the_escalation() -> None:
    routes = routes_for(
        channels=[MAIL, HR_MAIL, ROBOT],
        groups={"研发部": {"channels": ["hr-mail"]}},
        notify={"escalate_to": ["robot", "mail"]},  # mail has no fixed recipients: never
    )
    assert notice_channels("研发部", routes) == ("hr-mail",)
    assert notice_is_groups("研发部", routes)
    assert notice_channels("", routes) == ("robot",)
    assert notice_channels("市场部", routes) == ("robot",)
    assert not notice_is_groups("市场部", routes)
    assert escalation_channels(routes) == ("robot",)


def test_a_row_whose_channel_is_gone_is_rerouted_as_route_would_send_it_now() -> None:
    routes = routes_for(
        channels=[MAIL, HR_MAIL, ROBOT],
        groups={"研发部": {"channels": ["hr-mail"]}},
        notify={"escalate_to": ["robot", "mail"]},  # mail has no fixed recipients: never
    )
    zhang = person("E001", email="zhang@example.com")
    assert rerouted(zhang, None, False, routes) == (("mail", "zhang@example.com"),)
    assert rerouted(person("E002", email=""), None, False, routes) == ()
    assert rerouted(None, "研发部", False, routes) == (("hr-mail", ""),)
    assert rerouted(None, "研发部", True, routes) == (("hr-mail", ""),)  # its own HR first
    assert rerouted(None, "市场部", True, routes) == (("robot", ""),)
    assert rerouted(None, "市场部", False, routes) == ()  # a digest nobody else takes: dead

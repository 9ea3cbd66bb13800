"""The English wording catalogue: every sentence renewd says, by key, as in `words_zh.py`."""

from __future__ import annotations

from renewd.core.words_en_accounts import ACCOUNTS_EN
from renewd.core.words_en_cli import CLI_EN
from renewd.core.words_en_console import CONSOLE_EN
from renewd.core.words_en_docfeeds import DOCFEEDS_EN
from renewd.core.words_en_docnotes import DOCNOTES_EN
from renewd.core.words_en_feeds import FEEDS_EN
from renewd.core.words_en_init import INIT_EN
from renewd.core.words_en_packs import PACKS_EN
from renewd.core.words_en_phone import PHONE_EN
from renewd.core.words_en_steps import STEPS_EN
from renewd.core.words_en_web import WEB_EN

EN: dict[str, str] = {
    "by.date": "by {due}",
    "by.now": "now",
    "ask.generic": "Ask your employer's HR to do this by {due}.",
    "ask.overdue": "The due date has passed: ask your employer's HR to do this now.",
    "due.by": "by {date}",
    "due.on": "on {date}",
    "left.days": "{n} days left",
    "left.days.one": "1 day left",
    "left.today": "due today",
    "left.over": "overdue by {n} days",
    "left.over.one": "overdue by 1 day",
    "left.headsup.future": "in {n} days",
    "left.headsup.future.one": "in 1 day",
    "left.headsup.today": "today",
    "left.headsup.past": "since {date}",
    "left.past.expiry": "expired on {date}",
    "opens.from": "possible from {date}",
    "lead.before": "{n} days before",
    "lead.before.one": "1 day before",
    "lead.on": "on the due date",
    "lead.after": "{n} days after the due date",
    "lead.after.one": "1 day after the due date",
    "lead.first": "first contact",
    "lead.late": "late (due on {days}, not sent then)",
    "lead.alert": "attention",
    "days.range": "{a} to {b}",
    "weekday": " ({w})",
    "note.risk": "A gap in social insurance or a job change puts the renewal at risk: check now.",
    "note.infeasible.now": "At the current pace the points may lapse for about {gap} days: act now"
    " and tell HR.",
    "note.infeasible.hr": "At the current pace the points may lapse for about {gap} days: your"
    " permit is renewed and the points renewal is your employer's: remind HR to finish it.",
    "note.infeasible.window": "At the current pace the points may lapse for about {gap} days:"
    " endorse the permit on the day the window opens, {opens}.",
    "note.lapsed": "The residence permit expired on {expired}: it is suspended and the points"
    " cannot be used. Endorse it late by {grace} (that day included) to keep the years of"
    " residence continuous.",
    "note.lapsed.restart": "The residence permit expired on {expired} and the late-endorsement"
    " limit, {grace}, has passed: the years of residence start again. Endorse it as soon as you"
    " can; your employer then renews the points.",
    "note.expiry_estimated": "No new permit expiry is recorded: the expiry {expires} is the"
    " last one plus a year, and the dates above follow from it. Tell HR the new permit's expiry"
    " (or record it on the console) and they will follow it.",
    "note.hr.expiry_estimated": "{people}: no new permit expiry is recorded, so the expiry is the"
    " last one plus a year, an estimate, and the dates above follow from it. Put the new permit's"
    " expiry in the roster's permit_expires column (or record it in the console) and the dates"
    " follow.",
    "critical.section": "Critical dates",
    "critical.head": "{label}: {date}",
    "critical.left": "in {n} days",
    "critical.left.one": "in 1 day",
    "critical.today": "today",
    "critical.means": "As things stand the points may be in their gap then (about {gap} days)"
    " and may not be usable.",
    "critical.do.permit.open.holder": "To keep the gap short, endorse the permit on {opens},"
    " the day the window opens, and have HR submit the points application right after.",
    "critical.do.permit.open.hr": "To keep the gap short, remind the employee to endorse the"
    " permit on {opens}, the day the window opens, and submit the points application right after.",
    "critical.do.permit.holder": "To keep the gap short, endorse the permit now and have HR"
    " submit the points application right after.",
    "critical.do.permit.hr": "To keep the gap short, remind the employee to endorse the permit"
    " now, then submit the points application right after.",
    "critical.do.points.holder": "To keep the gap short, check with HR that the points"
    " application is submitted soon.",
    "critical.do.points.hr": "To keep the gap short, complete and submit the points application"
    " now.",
    "critical.do.wait": "The points application is submitted and awaits approval; the gap ends"
    " with the approval.",
    "critical.do.check": "If the gap cannot be avoided, ask the school or office in advance"
    " whether the points notice or the application receipt in hand will do on that day.",
    "note.critical.default": "a critical date",
    "note.provisional": "Some dates rest on an estimate of the {years} holidays: they may move"
    " when the State Council publishes the notice.",
    "note.late": "The reminders due on {days} could not go out then; this message carries them.",
    "title.reminder": "[Renewal] {name}: {steps}",
    "title.status": "[Renewal status] {name}: permit expires {expires}",
    "title.digest": "[Renewal digest] {heading} {date}: {items} items, {people} people",
    "title.digest.part": " ({n}/{total})",
    "title.attention": "[Attention] {date}: {items} items, {people} people",
    "title.test": "[renewd] test message",
    "hello": "Hello {name},",
    "status.intro": "Where your permit and points renewal stands:",
    "status.intro.permit": "Where your permit renewal stands:",
    "status.expires": "Permit expires: {date}",
    "sign.off": "— {name}",
    "status.done": "Done: {step} ({date})",
    "status.implied": "Done: {step} ({by} is recorded)",
    "status.next": "Next: {step}, {when}",
    "status.next.hr": "Next, done by your employer's HR: {step}, {when}",
    "status.next.ask": "Next (ask your employer's HR): {step}, {when}",
    "status.nothing": "Every step of this cycle is done.",
    "section.todo": "For you to do",
    "section.info": "For your information",
    "section.give": "For the {step}, give HR",
    "section.bring": "For the {step}, bring",
    "section.group": "{group}",
    "section.forward.end": "(end of the message for {name})",
    "section.forward": "Please forward to {name} ({id})",
    "section.attention": "Attention (overdue, infeasible or critical dates)",
    "section.attention.short": "Attention (overdue, infeasible or critical dates)",
    "item.person": "{name} ({id})",
    "alert.critical.risk": "critical date {head}: the points may be invalid then",
    "alert.infeasible": "plan infeasible: the points lapse about {gap} days (permit expires"
    " {expires})",
    "footer.hr.forward": "Employees were told of their own steps directly; for those no"
    " personal channel reaches, their full message is under 'Please forward to', ready to copy.",
    "alert.critical": "the points may be invalid on {label} ({date})",
    "alert.infeasible.advice": "What HR can do: endorse the permit on {opens}, the day the window"
    " opens, and submit the points renewal right after; even so the points lapse about {gap} days"
    " ({expires} to {back})",
    "alert.critical.item": "{label} ({date})",
    "alert.infeasible.advice.now": "What HR can do: endorse the permit now and submit the points"
    " renewal right after; even so the points lapse about {gap} days ({expires} to {back})",
    "alert.infeasible.advice.employer": "What HR can do: the permit is endorsed; apply for and"
    " submit the points renewal now; even so the points lapse about {gap} days ({expires} to"
    " {back})",
    "alert.infeasible.advice.submit": "What HR can do: the application is made; review it and"
    " hand in the materials now; even so the points lapse about {gap} days ({expires} to"
    " {back})",
    "alert.infeasible.advice.waiting": "The points renewal is submitted and awaits approval: the"
    " points lapse about {gap} days ({expires} to {back}); ask the service counter how it"
    " stands, and record the approval when it comes",
    "alert.infeasible.critical": "Critical dates in that gap: {dates}",
    "alert.still_open": "{steps}",
    "alert.still_open.step": "{step} ({n} days overdue)",
    "alert.still_open.step.one": "{step} (1 day overdue)",
    "section.summary": "Weekly summary: still open",
    "footer.hr": "Employees were told of their own steps directly; this digest lists what the"
    " employer must do or know.",
    "test.body": "A test message from renewd (channel {channel}). It works.",
    "owner.holder": "the permit holder",
    "owner.employer": "the employer's HR officer",
    "owner.both": "holder and employer (to know)",
    "feed.who": "Who: {who}",
    "feed.done": "Done: {date}",
    "feed.implied": "Done (implied by {step})",
    "feed.gap": "Points gap of about {gap} days: the points cannot be used until approval.",
    "feed.provisional": "Provisional: may move when the holiday notice for {years} is published.",
    "feed.materials": "Materials:",
    "feed.infeasible": "⚠ Not feasible at the current pace: the points would lapse for {gap}"
    " days (approval expected {approval}). Contact HR now.",
    "feed.critical": "⚠ {date} {label}: the points may not be valid then.",
    "feed.infeasible.short": "⚠ Not feasible: points lapse for {gap} days",
    "feed.critical.short": "⚠ {date} {label}",
    "feed.on": "On: {date}",
    "feed.by": "By: {date}",
    "feed.tag.points": "[Points] ",
    "feed.tag.permit": "[Permit] ",
    "feed.provisional.tag": " (provisional)",
    "feed.critical.desc": "Valid residence-permit points are needed on this day.",
    "feed.critical.risk": "⚠ At the current pace the points may not be valid then (gap {gap}"
    " days). Contact HR now.",
    "feed.critical.head": "[Critical] ",
    "feed.title.all": "Everyone: permit and points renewals",
    "feed.title.group": "{group}: permit and points renewals",
    "feed.title.person": "{name}: permit and points renewal",
    "weekdays": "Mon Tue Wed Thu Fri Sat Sun",
    "p.and": " and ",
    "p.groups": "、",
    "p.materials": "、",
    "p.colon": ": ",
    "p.comma": ", ",
    "p.list": ", ",
    "p.semi": "; ",
    "p.paren": " ({text})",
    "p.also": "Also: ",
    "p.more": " and {more} more",
    "all": "all",
    "problem.hidden": "(number hidden)",
    "problem.source": "{file}, row {row}",
    "problem.row": "row {row}",
    "problem.entry": "{row}",
    "problem.field": "field '{field}'",
    "problem.join": ", ",
    "problem.line": "{where}: {message}",
    "problem.value": " (value: '{value}')",
    "problem.no_such_date": "no such date ({date})",
    "problem.not_a_date": "not a date; write it as 2027-02-10, 2027/2/10, 2027年2月10日"
    " or 20270210",
    "problem.duplicate_id": "duplicate id '{id}', first seen in {where}",
    "problem.missing_column": "missing required column ({names})",
    "problem.empty": "missing required value",
    "problem.no_people": "no people in file (a header alone is not a roster)",
    "problem.yes_no": "expected 是/否 (yes/no)",
    "problem.email": "expected one email address such as name@example.com (not a list)",
    "problem.unreadable": "cannot read file: {reason}",
    "status.upcoming": "upcoming",
    "status.open": "open",
    "status.due": "due soon",
    "status.overdue": "overdue",
    "status.done_": "done",
    # refusals of a progress record (renewd done, the console, a link)
    "refuse.future": "{day} is in the future (today is {today}): record a step once it is done",
    "refuse.before": "{step} on {day} would be before {before}, recorded on {earlier}: a step"
    " cannot be done before the one it waits for",
    "refuse.window": "{step} on {day}: the permit expiring {expires} can be endorsed from"
    " {opens} ({n} days before); check the date, or the roster's expiry",
    "refuse.expiry": "new permit expiry {new} is not after the one in force ({old}): a renewal"
    " extends the permit",
    "moved.heading": "Dates moved (holiday calendar)",
    "moved.title": "[Dates moved] {n} renewal dates moved",
    "moved.title.one": "[Dates moved] {n} renewal date moved",
    "moved.opening": "The holiday calendar changed ({cause}); these dates moved:",
    "moved.closing": "Please go by the new dates.",
    "moved.who": "{name} ({id}) ",
    "moved.line": "{step}: {old} → {new}",
    "moved.provisional": " (still provisional)",
    "roster.no_group": "no group",
    "roster.heading": "Roster problems: {who}, {n} to correct",
    "roster.intro": "These rows could not be read: each person keeps his last good record (a new"
    " person is left out until fixed). Please correct the roster.",
    "roster.title": "[Roster problems] {who}: {n} to correct",
    "estimate.title": "[Attention] holiday notice not imported",
    "estimate.heading": "Holiday notice not imported (import it the day it appears)",
    "estimate.line": "The dates of {n} people rest on an estimated holiday calendar for"
    " {years} (provisional). The day the State Council notice appears, paste it on the"
    " console's Calendar page ({console}calendar), or have an admin run"
    " `{command}`; whatever moves is then told once.",
    "links.heading": "Done? Confirm in one click",
    "links.line": "{step}: {url}",
    "links.feed": "Done it? Confirm here: {url}",
    "footer.console": "See and record in the console: {url}",
    "feed.alarm": "Reminder",
    "subscribe.done": "Every step is done.",
    "subscribe.next": "Next",
    "subscribe.provisional": "provisional",
    "subscribe.loopback": "Note: base_url is a loopback address that no phone can reach; ask the "
    "administrator to set [server] base_url to a reachable address.",
    "subscribe.intro": "Subscribe to this calendar to see every step of the permit and points "
    "renewal.",
    "subscribe.webcal": "Subscribe in your calendar app",
    "subscribe.iphone": "iPhone",
    "subscribe.android": "Android, in-app",
    "subscribe.copy": "or add this link as a subscribed calendar:",
    "subscribe.share": "Do not share this link: anyone who has it can read the calendar.",
    "daemon.status": "{n} 人 / people; 下次发送 next send {next}",
    "daemon.status.feeds": "{n} 人 / people; feeds only",
    "daemon.status.roster": "; 名单错误 roster errors: {n}",
    "notice.makeup": "make-up",
    "notice.understood": "  {name}: {span}, {count} day(s)",
    "notice.understood_total": "  {off} rest days, {makeup} make-up working days",
    "done.cycle.new": "This year's renewal is complete; the new permit is valid until"
    " {expires}. You will hear from us when the next renewal begins.",
    "done.cycle.ask": "This year's renewal is complete. Please tell HR the new permit expiry"
    " date (or record it in the console) so the next renewal can be planned.",
    "done.cycle.hr": "this year's renewal is complete, but the new permit expiry is not"
    " recorded: please ask the employee and record it",
    "title.cycle_done": "[Renewal complete] {name}: this year's renewal is done",
    "note.infeasible.waiting": "At the current pace the points may lapse for about {gap} days:"
    " the points renewal was submitted and the approval is awaited.",
    **STEPS_EN,
    **CONSOLE_EN,
    **CLI_EN,
    **PACKS_EN,
    **DOCNOTES_EN,
    **INIT_EN,
    **WEB_EN,
    **PHONE_EN,
    **ACCOUNTS_EN,
    **FEEDS_EN,
    **DOCFEEDS_EN,
}

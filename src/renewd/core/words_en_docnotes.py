"""The English catalogue's words for the reminders of documents other than the points (issue 22):
the status a person hears first, the infeasible plan (a hard cut-off passed) told to the holder,
HR and the escalation, and the weekly summary's line. Each step's own words are its pack's
(`renewd.core.words_en_packs`, or the pack file). Merged into `renewd.core.words_en`."""

DOCNOTES_EN: dict[str, str] = {
    "docs.title.status": "[Renewal status] {name}: {documents}",
    "docs.status.intro": "renewd reminds you of each step of this renewal. Where it stands:",
    "docs.status.expires": "{document} expires: {date}",
    "docs.section": "{document} · {heading}",
    "docs.bring": "Bring for “{step}”",
    "docs.give": "Give HR for “{step}”",
    "docs.cutoff": "Last day to file: {date}; after it the office refuses it and a new application"
    " is needed",
    "docs.step.ask": "Ask your employer's HR to do this by {due}: {step}.",
    "docs.infeasible.cut_off": "{document}: the extension can no longer be filed: the last day"
    " was {cutoff} and the system refuses later filings. A new application is needed; HR starts"
    " it now (the permit expires {expires}).",
    "docs.infeasible.gap": "{document}: even if every step is done at the soonest, the renewal"
    " completes about {gap} days after the expiry ({expires}). Act on the next step now and"
    " talk to HR.",
    "docs.alert.cut_off": "{document}: filing cut-off {cutoff} passed with the extension not"
    " filed: a new application is needed (expires {expires})",
    "docs.alert.gap": "{document}: plan infeasible: renewed about {gap} days after the expiry"
    " ({expires})",
    "docs.still_open": "{document} · {steps}",
    "docs.note.provisional": "Dates marked (provisional) rest on an estimated holiday calendar"
    " and may move when the year's notice is imported.",
}

"""Words of the documents' calendar events and console timelines (issue 22: feeds and the
console for every pack), in English, as in `words_zh_docfeeds.py`."""

from __future__ import annotations

DOCFEEDS_EN: dict[str, str] = {
    "docfeed.tag": "[{document}] ",
    "docfeed.cutoff": "Hard cut-off: {date} (later filings are refused: a new application)",
    "docfeed.cutoff.title": "{step}: hard cut-off",
    "docfeed.cutoff.desc": "The last day for {step}: later, the office refuses it and a new"
    " application is needed.",
    "docfeed.cut_off": "⚠ The hard cut-off for {step} has passed: a new application is needed.",
    "docfeed.cut_off.short": "⚠ Past the hard cut-off: a new application is needed",
    "docfeed.infeasible": "⚠ Not feasible at the current pace: the document would lapse for"
    " {gap} days (done about {projected}).",
    "docfeed.infeasible.short": "⚠ Not feasible: the document lapses for {gap} days",
    "docfeed.title.person": "{name} · document renewals",
    "console.doc_owner": "Who",
    "console.doc_cutoff": "Hard cut-off",
    "console.doc_expires": "Expires",
    "console.doc_overdue": "a step is overdue",
    "docview.cutoff": "hard cut-off {date}",
}

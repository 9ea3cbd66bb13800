"""The English catalogue's words for counts of people (`count.*`, `renewd.core.headcount`) and the
escalation channel's weekly section of roster problems left unfixed (`summary.roster.*`).
Merged into `renewd.core.words_en`."""

COUNTS_EN: dict[str, str] = {
    "count.people": "{n} people",
    "count.people.one": "1 person",
    "count.people.documents": "{n} people, {documents} other documents (besides the points)",
    "count.people.documents.one": "1 person, {documents} other documents (besides the points)",
    "count.people.documents_only": "{n} people ({only} of them only for other documents),"
    " {documents} other documents (besides the points)",
    "cli.check.ok": "ok: {count} in {files} roster file(s)",
    "cli.roster.stored": "roster version {version} stored by {by}: {count} from {names};"
    " every instance plans from it within seconds",
    "summary.roster.heading": "{n} roster rows still not corrected",
    "summary.roster.heading.one": "1 roster row still not corrected",
    "summary.roster.since": "The oldest has waited since {since} ({days} days). Until a row is"
    " corrected, a person already on the roster keeps his last good record and a new person gets"
    " no reminder at all.",
    "summary.roster.todo": "To do: correct each row named below (file, row, column) in the roster"
    " and upload it on the console's roster page: {url}",
    "summary.roster.more": "… and {n} more (the console's roster page lists them all)",
}

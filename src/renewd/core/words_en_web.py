"""The console's words for what it refuses or keeps from happening twice (issue 18), in English:
part of the English catalogue (`words_en.EN`)."""

from __future__ import annotations

WEB_EN: dict[str, str] = {
    "console.link_recorded": (
        "This step was recorded as done on {day} ({by}); nothing more to confirm. If the date"
        " is wrong, ask HR to correct it in the console."
    ),
    "console.link_expiry_done": "Thank you! The new permit expiry is recorded.",
    "console.link_expiry_ask": "If you know the new permit's expiry, you can add it here (once):",
    "console.actor.roster": "the roster",
    "console.change.changed": "date changed",
    "console.change_date": "Change date",
    "console.upload_quota": (
        "{count} uploaded rosters are waiting to be confirmed. Confirm one or upload again;"
        " an upload not confirmed is deleted after an hour."
    ),
    "problem.dot_id": (
        "the id cannot be “{id}”: a web address reads it as a folder, so the person's page"
        " could not be opened; use the employee number"
    ),
}

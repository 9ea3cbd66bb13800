"""The pure core: the renewal plan, the working-day calendar, reminders and wording, ICS.

Nothing here reads a file, the clock or the environment; nothing here imports outside this
package but the standard library and the calendar data packages (tests/test_architecture.py).
"""

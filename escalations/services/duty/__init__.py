"""Duty: schedules and their checks, follow-the-sun routing and shift-end
hand-over, automatic assignment. The rules of who is on duty are pure
(``escalations.duty``); these services load schedules and act on them."""

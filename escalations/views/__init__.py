"""Escalation pages, by use case: the ticket page's escalation forms (``ticket``),
the lists (``lists``), one escalation and the decision on it (``detail``), and the
steps of working it (``steps``). Views parse forms and call services; no rules
live here: which steps a page offers comes from ``escalations.pipeline``.

An escalation or ticket the user may not see is a 404 (the selectors say so); a
step the user may not take is a 403 before any input is looked at; input the
form or the service refuses re-renders the page with the errors, as a 400.
"""

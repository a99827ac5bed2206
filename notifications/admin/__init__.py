"""Admin of the notification layer, one module per part: the inbox, preferences
and message templates; the outbox and its attempt log; communication plans;
webhook endpoints. Importing them registers them. Saves and actions call the
services."""

from notifications.admin import inbox, outbox, plans, webhooks  # noqa: F401

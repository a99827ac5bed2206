from notifications.models.inbox import Channel, EventKind, Notification, Preference
from notifications.models.outbox import Delivery, DeliveryAttempt
from notifications.models.plans import Audience, CommunicationPlan, StatusUpdate, UpdateCadence
from notifications.models.templates import MessageTemplate
from notifications.models.webhooks import WebhookEndpoint

__all__ = [
    "Audience",
    "Channel",
    "CommunicationPlan",
    "Delivery",
    "DeliveryAttempt",
    "EventKind",
    "MessageTemplate",
    "Notification",
    "Preference",
    "StatusUpdate",
    "UpdateCadence",
    "WebhookEndpoint",
]

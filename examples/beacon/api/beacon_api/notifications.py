"""Validation and queueing of notification requests."""

from dataclasses import dataclass, field

CHANNELS = ("email", "sms", "push")
MAX_BODY = 1000


class InvalidNotification(ValueError):
    """A request the API refuses, with a message for the client."""


@dataclass(frozen=True)
class Notification:
    recipient: str
    channel: str
    body: str
    priority: int = 0


@dataclass
class Queue:
    items: list = field(default_factory=list)

    def push(self, notification):
        self.items.append(notification)
        return len(self.items)


def parse(payload):
    """Turn a JSON-like payload into a Notification, or raise InvalidNotification."""
    if not isinstance(payload, dict):
        raise InvalidNotification("payload must be an object")
    recipient = str(payload.get("recipient", "")).strip()
    if not recipient:
        raise InvalidNotification("recipient is required")
    channel = payload.get("channel", "email")
    if channel not in CHANNELS:
        raise InvalidNotification(f"unknown channel {channel!r}")
    body = str(payload.get("body", ""))
    if len(body) > MAX_BODY:
        raise InvalidNotification("body is too long")
    priority = payload.get("priority", 0)
    if not isinstance(priority, int) or not 0 <= priority <= 9:
        raise InvalidNotification("priority must be an integer from 0 to 9")
    if channel == "sms" and len(body) > 160:
        body = body[:157] + "..."
    return Notification(recipient, channel, body, priority)


def submit(queue, payload):
    """Validate and queue a request; returns (status, response) like an HTTP handler."""
    try:
        notification = parse(payload)
    except InvalidNotification as error:
        return 400, {"error": str(error)}
    position = queue.push(notification)
    return 202, {"queued": position}

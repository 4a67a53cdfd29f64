"""Daily digests: the feature that shipped without tests (the coverage-regression incident)."""

from collections import defaultdict


def group_by_recipient(notifications):
    groups = defaultdict(list)
    for notification in notifications:
        groups[notification.recipient].append(notification)
    return groups


def render_digest(recipient, notifications):
    if not notifications:
        return None
    lines = [f"Digest for {recipient}: {len(notifications)} notifications"]
    for notification in sorted(notifications, key=lambda n: -n.priority):
        lines.append(f"- [{notification.channel}] {notification.body[:60]}")
    return "\n".join(lines)


def build_digests(notifications, limit=50):
    digests = {}
    for recipient, items in group_by_recipient(notifications).items():
        digest = render_digest(recipient, items[:limit])
        if digest:
            digests[recipient] = digest
    return digests

"""Delivery with retries and exponential back-off."""


class TransientError(Exception):
    """A failure worth retrying (timeouts, 5xx)."""


class PermanentError(Exception):
    """A failure retrying cannot fix (bad address, 4xx)."""


def backoff(attempt, base=0.5, cap=30.0):
    """Seconds to wait before retry number `attempt` (1-based)."""
    return min(cap, base * 2 ** (attempt - 1))


def deliver(send, notification, max_attempts=4, sleep=lambda seconds: None):
    """Send a notification; retry transient errors up to max_attempts.

    Returns ("delivered", attempts) or ("failed", attempts, reason).
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            send(notification)
            return ("delivered", attempt)
        except PermanentError as error:
            return ("failed", attempt, f"permanent: {error}")
        except TransientError as error:
            if attempt >= max_attempts:
                return ("failed", attempt, f"gave up: {error}")
            sleep(backoff(attempt))


def drain(queue, send, **options):
    """Deliver everything in the queue, oldest first; returns the results."""
    results = []
    while queue:
        results.append(deliver(send, queue.pop(0), **options))
    return results

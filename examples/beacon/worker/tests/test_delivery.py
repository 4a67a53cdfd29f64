from beacon_worker.delivery import PermanentError, TransientError, backoff, deliver, drain


def flaky(failures):
    calls = []

    def send(notification):
        calls.append(notification)
        if len(calls) <= failures:
            raise TransientError("timeout")

    return send, calls


def test_delivers_first_time():
    send, calls = flaky(0)
    assert deliver(send, "n") == ("delivered", 1)
    assert calls == ["n"]


def test_retry_branch_recovers_from_transient_errors():
    send, _ = flaky(2)
    waits = []
    assert deliver(send, "n", sleep=waits.append) == ("delivered", 3)
    assert waits == [0.5, 1.0]


def test_gives_up_after_max_attempts():
    send, calls = flaky(10)
    assert deliver(send, "n", max_attempts=3) == ("failed", 3, "gave up: timeout")
    assert len(calls) == 3


def test_permanent_errors_are_not_retried():
    def send(notification):
        raise PermanentError("no such mailbox")

    assert deliver(send, "n") == ("failed", 1, "permanent: no such mailbox")


def test_backoff_is_capped():
    assert backoff(1) == 0.5
    assert backoff(20) == 30.0


def test_drain_delivers_in_order():
    delivered = []
    assert drain(["a", "b"], delivered.append) == [("delivered", 1), ("delivered", 1)]
    assert delivered == ["a", "b"]

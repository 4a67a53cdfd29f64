from beacon_api.notifications import InvalidNotification, Queue, parse, submit

import pytest


def test_parse_defaults_to_email():
    notification = parse({"recipient": "ops@example.org", "body": "disk full"})
    assert notification.channel == "email"
    assert notification.priority == 0


@pytest.mark.parametrize(
    "payload, message",
    [
        ([], "payload must be an object"),
        ({"recipient": " "}, "recipient is required"),
        ({"recipient": "a", "channel": "fax"}, "unknown channel 'fax'"),
        ({"recipient": "a", "body": "x" * 1001}, "body is too long"),
        ({"recipient": "a", "priority": 12}, "priority must be an integer from 0 to 9"),
    ],
)
def test_parse_rejects_bad_requests(payload, message):
    with pytest.raises(InvalidNotification, match=message):
        parse(payload)


def test_submit_queues_valid_requests():
    queue = Queue()
    assert submit(queue, {"recipient": "a", "channel": "push"}) == (202, {"queued": 1})
    assert submit(queue, {"recipient": ""}) == (400, {"error": "recipient is required"})
    assert len(queue.items) == 1

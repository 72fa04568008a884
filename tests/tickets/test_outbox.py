import threading
from datetime import datetime, timedelta, timezone

import pytest

from bot.tickets import (
    UnitOfWork,
    change_status,
    claim_notifications,
    file_ticket,
    mark_notification_failed,
    mark_notification_sent,
)
from bot.tickets.outbox import retry_delay

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def two_conversations(uow, make_request, upload_documents) -> tuple[str, str]:
    """Two tickets; conversation 1 gets two notifications, conversation 2 one."""
    numbers = []
    for conversation in ("conv-1", "conv-2"):
        upload_documents(conversation)
        numbers.append(file_ticket(uow, make_request(conversation), f"key-{conversation}").number)
    change_status(uow, numbers[0], "in_lavorazione", "op", now=T0)
    change_status(uow, numbers[1], "in_lavorazione", "op", now=T0)
    change_status(uow, numbers[0], "accolta", "op", now=T0)
    return numbers[0], numbers[1]


def test_only_the_oldest_message_of_a_conversation_is_claimed(uow, two_conversations):
    claimed = claim_notifications(uow, "w1", now=T0)
    assert [(m.conversation_id, m.payload["to_status"]) for m in claimed] == [
        ("conv-1", "in_lavorazione"),
        ("conv-2", "in_lavorazione"),
    ]
    assert claim_notifications(uow, "w2", now=T0) == []  # leased, and conv-1's next must wait

    assert mark_notification_sent(uow, claimed[0].id, "w1", now=T0)
    [following] = claim_notifications(uow, "w2", now=T0)
    assert (following.conversation_id, following.payload["to_status"]) == ("conv-1", "accolta")


def test_a_failed_message_is_retried_after_a_backoff_and_keeps_its_place(uow, two_conversations):
    first, _ = claim_notifications(uow, "w1", now=T0)
    assert mark_notification_failed(uow, first.id, "w1", "telegram 502", now=T0)

    claimed_now = claim_notifications(uow, "w1", now=T0 + timedelta(seconds=1))
    assert [m.conversation_id for m in claimed_now] == []  # conv-2 still leased, conv-1 waits
    retried = claim_notifications(uow, "w1", now=T0 + retry_delay(1) + timedelta(minutes=5))
    assert (first.id, 2) in [(m.id, m.attempts) for m in retried]


def test_an_expired_lease_lets_another_worker_take_over(uow, two_conversations):
    first, _ = claim_notifications(uow, "w1", now=T0, lease=timedelta(seconds=30))
    taken_over = claim_notifications(uow, "w2", now=T0 + timedelta(minutes=1))
    assert first.id in [m.id for m in taken_over]
    assert not mark_notification_sent(uow, first.id, "w1")  # w1 lost its lease
    assert mark_notification_sent(uow, first.id, "w2")


def test_a_message_is_abandoned_after_max_attempts_and_the_next_one_goes(uow, two_conversations):
    moment = T0
    for _ in range(3):
        [message] = [
            m for m in claim_notifications(uow, "w", now=moment) if m.conversation_id == "conv-1"
        ]
        mark_notification_failed(uow, message.id, "w", "boom", max_attempts=3, now=moment)
        moment += timedelta(hours=2)
    [following] = [
        m for m in claim_notifications(uow, "w", now=moment) if m.conversation_id == "conv-1"
    ]
    assert following.payload["to_status"] == "accolta"


def test_backoff_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(50) == timedelta(hours=1)


def test_concurrent_workers_never_claim_the_same_message(uow, make_request, upload_documents):
    numbers = []
    for index in range(6):
        upload_documents(f"conv-{index}")
        numbers.append(file_ticket(uow, make_request(f"conv-{index}"), f"k-{index}").number)
    for number in numbers:
        change_status(uow, number, "in_lavorazione", "op", now=T0)

    claims: list[int] = []
    barrier = threading.Barrier(4)

    def work(worker: str) -> None:
        barrier.wait()
        for message in claim_notifications(UnitOfWork(uow._session_factory), worker, now=T0):
            claims.append(message.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims) == sorted(set(claims)) and len(claims) == 6

"""Events: polled with events(), or delivered to a callback."""

from __future__ import annotations

import threading

import pytest

import anidb


def test_polled_events_describe_the_hash(client, make_file):
    path = make_file(100_000)
    client.hash(path, ("ed2k", "md5"))
    events = list(client.events())
    assert events, "no events queued"
    assert all(isinstance(e, anidb.Event) for e in events)
    starts = [e for e in events if e.type == anidb.EventType.FILE_START]
    completes = [e for e in events if e.type == anidb.EventType.FILE_COMPLETE]
    assert starts and completes
    assert isinstance(completes[0], anidb.FileEvent)
    assert completes[0].file_path == str(path)
    assert completes[0].file_size == 100_000
    assert all(e.timestamp > 1_600_000_000_000 for e in events)
    # The queue is now empty.
    assert list(client.events()) == []


def test_cache_hit_on_second_hash(client, make_file):
    path = make_file(5000)
    client.hash(path, "ed2k")
    first = list(client.events())
    client.hash(path, "ed2k")
    second = list(client.events())
    assert any(e.type == anidb.EventType.CACHE_MISS for e in first)
    hits = [e for e in second if e.type == anidb.EventType.CACHE_HIT]
    assert hits and isinstance(hits[0], anidb.CacheEvent)
    assert hits[0].algorithm == anidb.HashAlgorithm.ED2K


def test_small_poll_batches_return_everything(client, make_file):
    path = make_file(5000)
    client.hash(path, ("ed2k", "md5", "sha1"))
    events = list(client.events(batch=1))
    assert len(events) >= 2


def test_event_callback_runs_and_disconnects(client, make_file):
    received: list[anidb.Event] = []
    lock = threading.Lock()

    def on_event(event: anidb.Event) -> None:
        with lock:
            received.append(event)

    client.on_event(on_event)
    client.hash(make_file(20_000), "crc32")
    client.on_event(None)
    assert any(e.type == anidb.EventType.FILE_COMPLETE for e in received)
    count = len(received)
    client.hash(make_file(20_000, seed=9), "crc32")
    assert len(received) == count  # disconnected: events queue again
    assert list(client.events())


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_exception_in_event_callback_does_not_crash(client, make_file):
    def on_event(event: anidb.Event) -> None:
        raise RuntimeError("callback failed")

    client.on_event(on_event)
    result = client.hash(make_file(1000), "crc32")
    client.on_event(None)
    assert result.size == 1000

"""Checking Python arguments and copying C results into Python objects."""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable
from typing import Union

from . import _native
from ._native import AnimeInfoStruct, EventStruct, FileResult, c_enum
from .errors import InvalidUTF8
from .datatypes import (
    AlgorithmLike,
    AnimeInfo,
    CacheEvent,
    Event,
    EventsDropped,
    EventType,
    FileEvent,
    HashAlgorithm,
    HashEvent,
    HashResult,
    MemoryEvent,
    NetworkEvent,
    NetworkWaitEvent,
    Source,
)

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def encode_path(path: object) -> bytes:
    """The path as the NUL-terminated bytes the C library takes.

    str is encoded as UTF-8. A str holding surrogate escapes (a file name
    that is not UTF-8, as os.listdir returns it) is turned back into its
    original bytes, which the library then refuses with InvalidUTF8. bytes
    pass through unchanged.
    """
    if path is None:
        raise TypeError("path must be str, bytes or os.PathLike, not None")
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"path must be str, bytes or os.PathLike, not {type(path).__name__}")
    value = os.fspath(path)
    if isinstance(value, str):
        try:
            encoded = value.encode("utf-8")
        except UnicodeEncodeError:
            try:
                encoded = os.fsencode(value)
            except UnicodeEncodeError as exc:
                raise InvalidUTF8(9, f"path {value!r} cannot be encoded as UTF-8", value) from exc
    elif isinstance(value, bytes):
        encoded = value
    else:  # a PathLike returning something else
        raise TypeError(f"os.fspath() returned {type(value).__name__}, not str or bytes")
    if not encoded:
        raise ValueError("path must not be empty")
    if b"\0" in encoded:
        raise ValueError(f"path {value!r} contains a NUL character")
    return encoded


def display_path(path: object) -> str:
    """The path as str for results and messages (bytes decoded like os.fsdecode)."""
    return os.fsdecode(os.fspath(path))  # type: ignore[arg-type]


def encode_text(value: object, what: str) -> bytes | None:
    """An optional text argument as UTF-8 bytes (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        encoded = value
    elif isinstance(value, str):
        try:
            encoded = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidUTF8(9, f"{what} cannot be encoded as UTF-8") from exc
    else:
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    if b"\0" in encoded:
        raise ValueError(f"{what} contains a NUL character")
    return encoded


def algorithm_array(algorithms: Iterable[AlgorithmLike] | AlgorithmLike) -> tuple[list[HashAlgorithm], ctypes.Array]:
    """Parses the algorithms and returns them with a C array of their values."""
    if algorithms is None:
        raise TypeError("algorithms must be a name or a sequence of names, not None")
    if isinstance(algorithms, (str, int, HashAlgorithm)):
        algorithms = [algorithms]  # type: ignore[list-item]
    parsed = [HashAlgorithm.parse(a) for a in algorithms]  # type: ignore[union-attr]
    if not parsed:
        raise ValueError("at least one hash algorithm is needed")
    if len(set(parsed)) != len(parsed):
        raise ValueError(f"duplicate hash algorithm in {[a.key for a in parsed]}")
    array = (c_enum * len(parsed))(*[int(a) for a in parsed])
    return parsed, array


def check_size(value: object, what: str) -> int:
    """A non-negative integer that fits in 64 bits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0 or value >= 1 << 64:
        raise ValueError(f"{what} must be between 0 and 2**64-1, got {value}")
    return value


def file_result(result: FileResult, path: object) -> HashResult:
    """Copies a COMPLETED anidb_file_result_t."""
    hashes: dict[str, str] = {}
    for i in range(result.hash_count):
        entry = result.hashes[i]
        try:
            name = HashAlgorithm(entry.algorithm).key
        except ValueError:
            name = str(entry.algorithm)
        hashes[name] = _native.string_at(entry.hash_value)
    return HashResult(
        path=display_path(path),
        size=int(result.file_size),
        hashes=hashes,
        elapsed=result.processing_time_ms / 1000.0,
    )


_INFO_STRINGS = (
    "title", "group_name", "title_english", "title_kanji", "episode_title",
    "episode_number_text", "anime_type", "year", "quality", "file_source",
    "resolution", "crc32", "ed2k", "group_short_name",
)


def anime_info(info: AnimeInfoStruct) -> AnimeInfo:
    """Copies an anidb_anime_info_t."""
    values: dict[str, object] = {}
    for name, _ in AnimeInfoStruct._fields_:
        raw = getattr(info, name)
        values[name] = _native.string_at(raw) if name in _INFO_STRINGS else raw
    values["source"] = _enum_or_int(Source, info.source)
    return AnimeInfo(**values)  # type: ignore[arg-type]


def _enum_or_int(enum_type, value: int):
    try:
        return enum_type(value)
    except ValueError:
        return value


def _optional_string(pointer: int | None) -> str | None:
    return _native.string_at(pointer) if pointer else None


def event(raw: EventStruct) -> Event:
    """Copies an anidb_event_t (its strings die with the next poll)."""
    kind = _enum_or_int(EventType, raw.type)
    base = {"type": kind, "timestamp": int(raw.timestamp), "context": _optional_string(raw.context)}
    data = raw.data
    if kind in (EventType.FILE_START, EventType.FILE_COMPLETE):
        return FileEvent(**base, file_path=_native.string_at(data.file.file_path),
                         file_size=int(data.file.file_size))
    if kind in (EventType.HASH_START, EventType.HASH_COMPLETE):
        return HashEvent(**base, algorithm=_enum_or_int(HashAlgorithm, data.hash.algorithm),
                         hash_value=_optional_string(data.hash.hash_value))
    if kind in (EventType.CACHE_HIT, EventType.CACHE_MISS):
        return CacheEvent(**base, file_path=_native.string_at(data.cache.file_path),
                          algorithm=_enum_or_int(HashAlgorithm, data.cache.algorithm))
    if kind in (EventType.NETWORK_START, EventType.NETWORK_COMPLETE):
        return NetworkEvent(**base, endpoint=_native.string_at(data.network.endpoint),
                            status_code=int(data.network.status_code))
    if kind == EventType.MEMORY_WARNING:
        return MemoryEvent(**base, current_usage=int(data.memory.current_usage),
                           max_usage=int(data.memory.max_usage))
    if kind == EventType.EVENTS_DROPPED:
        return EventsDropped(**base, count=int(data.dropped.count))
    if kind == EventType.NETWORK_WAIT:
        return NetworkWaitEvent(**base, endpoint=_native.string_at(data.wait.endpoint),
                                send_at=int(data.wait.send_at))
    return Event(**base)

"""Enumerations and the plain data the binding returns.

Every value here is a copy: nothing in these objects points into memory the
library owns, so they outlive the calls (and the client) that made them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union


class HashAlgorithm(enum.IntEnum):
    """``anidb_hash_algorithm_t``."""

    ED2K = 1
    CRC32 = 2
    MD5 = 3
    SHA1 = 4
    TTH = 5
    #: ED2K's other ("blue") variant: differs from ED2K only for a size that
    #: is an exact multiple of 9,728,000 bytes; asked together with ED2K it
    #: comes from the same read.
    ED2K_BLUE = 6

    @property
    def key(self) -> str:
        """The lowercase name used as the key of :attr:`HashResult.hashes`."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: "AlgorithmLike") -> "HashAlgorithm":
        """Accepts a HashAlgorithm, its number, or its name in any case
        ("ed2k_blue" also as the command line's "ed2k-blue")."""
        if isinstance(value, cls):
            return value
        if isinstance(value, bool):
            raise TypeError(f"not a hash algorithm: {value!r}")
        if isinstance(value, int):
            try:
                return cls(value)
            except ValueError:
                raise ValueError(f"unknown hash algorithm number {value}") from None
        if isinstance(value, str):
            try:
                return cls[value.strip().upper().replace("-", "_")]
            except KeyError:
                names = ", ".join(a.key for a in cls)
                raise ValueError(f"unknown hash algorithm {value!r} (known: {names})") from None
        raise TypeError(f"a hash algorithm is a name or HashAlgorithm, not {type(value).__name__}")


AlgorithmLike = Union[HashAlgorithm, str, int]


class Status(enum.IntEnum):
    """``anidb_status_t``."""

    PENDING = 0
    PROCESSING = 1
    COMPLETED = 2
    FAILED = 3
    CANCELLED = 4


class EventType(enum.IntEnum):
    """``anidb_event_type_t``."""

    FILE_START = 1
    FILE_COMPLETE = 2
    HASH_START = 3
    HASH_COMPLETE = 4
    CACHE_HIT = 5
    CACHE_MISS = 6
    NETWORK_START = 7
    NETWORK_COMPLETE = 8
    MEMORY_WARNING = 9
    EVENTS_DROPPED = 10
    NETWORK_WAIT = 11


class MemoryPressure(enum.IntEnum):
    """``anidb_memory_stats_t.memory_pressure``."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2
    CRITICAL = 3


class MyListState(enum.IntEnum):
    """``anidb_mylist_state_t``: where the file is kept."""

    UNKNOWN = 0
    HDD = 1
    CD = 2
    DELETED = 3
    REMOTE = 4


class MyListOutcome(enum.IntEnum):
    """``anidb_mylist_outcome_t``."""

    ADDED = 0
    ALREADY_PRESENT = 1
    UPDATED = 2


class Source(enum.IntEnum):
    """Where an answer came from."""

    ANIDB = 0
    CACHE = 1


@dataclass(frozen=True)
class HashResult:
    """One hashed file.

    ``hashes`` maps the lowercase algorithm name ("ed2k", "crc32", "md5",
    "sha1", "tth", "ed2k_blue") to its text, in the order requested; ``elapsed`` is in
    seconds.
    """

    path: str
    size: int
    hashes: dict[str, str]
    elapsed: float


@dataclass(frozen=True)
class AnimeInfo:
    """What AniDB (or the cache) knows of a file (``anidb_anime_info_t``)."""

    anime_id: int
    episode_id: int
    title: str
    episode_number: int
    confidence: float
    source: Source
    file_id: int
    group_id: int
    group_name: str
    title_english: str
    title_kanji: str
    episode_title: str
    episode_number_text: str
    anime_type: str
    year: str
    quality: str
    file_source: str
    resolution: str
    crc32: str
    mylist_id: int
    file_size: int
    ed2k: str
    group_short_name: str


@dataclass(frozen=True)
class MyListResult:
    """The outcome of :meth:`anidb.Client.mylist_add`."""

    mylist_id: int
    outcome: MyListOutcome
    source: Source


@dataclass(frozen=True)
class MemoryStats:
    """``anidb_memory_stats_t`` (see docs/memory-model.md)."""

    total_memory_used: int
    ffi_allocated: int
    ffi_peak: int
    pool_memory: int
    pool_hits: int
    pool_misses: int
    active_allocations: int
    memory_limit: int
    memory_pressure: MemoryPressure


class LeakCheck(tuple):
    """``(count, bytes)`` of library allocations handed out and not yet freed
    (``anidb_check_memory_leaks``), with the live figures per allocation type
    (``anidb_get_allocation_stats``) in ``by_type``: a dict from the type's
    name ("string", "hash_result", "file_result", "batch_result", "buffer",
    "event", "anime_info", "mylist_entry", "anime", "episode", "group",
    "title_search", "queue_list") to ``(count, bytes)``. A result counts in every
    type it is made of (a file result: its structure, its path string, its
    hash array). "buffer" is the library's read buffers lent to running calls:
    not something handed out, so not in ``count`` and ``bytes``.

    It compares and prints as the plain tuple: ``leak_check() == (0, 0)``.
    """

    by_type: dict[str, tuple[int, int]]

    def __new__(cls, count: int, size: int,
                by_type: dict[str, tuple[int, int]]) -> "LeakCheck":
        self = super().__new__(cls, (count, size))
        self.by_type = by_type
        return self

    @property
    def count(self) -> int:
        return int(self[0])

    @property
    def bytes(self) -> int:
        return int(self[1])

    def leaked_types(self) -> dict[str, tuple[int, int]]:
        """The types with live allocations, "buffer" left out."""
        return {name: figures for name, figures in self.by_type.items()
                if figures[0] and name != "buffer"}


@dataclass(frozen=True)
class Event:
    """An event from the client's queue. ``timestamp`` is in ms since the epoch."""

    type: EventType
    timestamp: int
    context: str | None


@dataclass(frozen=True)
class FileEvent(Event):
    """FILE_START / FILE_COMPLETE."""

    file_path: str = ""
    file_size: int = 0


@dataclass(frozen=True)
class HashEvent(Event):
    """HASH_START / HASH_COMPLETE (hash_value is None at the start)."""

    algorithm: HashAlgorithm | int = 0
    hash_value: str | None = None


@dataclass(frozen=True)
class CacheEvent(Event):
    """CACHE_HIT / CACHE_MISS."""

    file_path: str = ""
    algorithm: HashAlgorithm | int = 0


@dataclass(frozen=True)
class NetworkEvent(Event):
    """NETWORK_START / NETWORK_COMPLETE (status_code: AniDB's reply, 0 = none)."""

    endpoint: str = ""
    status_code: int = 0


@dataclass(frozen=True)
class NetworkWaitEvent(Event):
    """NETWORK_WAIT: a packet to AniDB waits (``context`` says for what).

    ``send_at`` is when it is planned to leave (ms since the Unix epoch), 0
    while another AniDB program of the machine holds the host-wide lock.
    """

    endpoint: str = ""
    send_at: int = 0


@dataclass(frozen=True)
class MemoryEvent(Event):
    """MEMORY_WARNING: the library-wide limit is nearly reached."""

    current_usage: int = 0
    max_usage: int = 0


@dataclass(frozen=True)
class EventsDropped(Event):
    """The queue overflowed and ``count`` events were lost."""

    count: int = 0


__all__ = [
    "AlgorithmLike",
    "AnimeInfo",
    "CacheEvent",
    "Event",
    "EventType",
    "EventsDropped",
    "FileEvent",
    "HashAlgorithm",
    "HashEvent",
    "HashResult",
    "MemoryEvent",
    "MemoryPressure",
    "MemoryStats",
    "MyListOutcome",
    "MyListResult",
    "MyListState",
    "NetworkEvent",
    "NetworkWaitEvent",
    "Source",
    "Status",
]


# ---- MyList both ways, metadata, titles, the work queue --------------------


class MyListChangeKind(enum.IntEnum):
    """``anidb_mylist_change_kind_t``: what a MyList change did."""

    NOTHING = 0  # already as asked: nothing was sent
    ADDED = 1
    EDITED = 2
    REMOVED = 3
    QUEUED = 4  # kept in the work queue, sent later (by any process)
    DONE_FROM_QUEUE = 5


class QueueReason(enum.IntEnum):
    """``anidb_queue_reason_t``: why queued work waits."""

    NONE = 0
    COOLDOWN = 1
    NO_ANSWER = 2
    SERVER_BUSY = 3
    NO_CREDENTIALS = 4
    UNKNOWN_FILE = 5
    INTERRUPTED = 6
    LOCAL_ERROR = 7
    SERVER_ERROR = 8
    CLIENT_REJECTED = 9


class QueueJobKind(enum.IntEnum):
    """``anidb_queue_job_kind_t``."""

    IDENTIFY = 1
    MYLIST_ADD = 2
    MYLIST_EDIT = 3
    MYLIST_REMOVE = 4
    WATCHED = 5


class TitlesOutcome(enum.IntEnum):
    """``anidb_titles_outcome_t``."""

    UPDATED = 0
    NOT_MODIFIED = 1
    UP_TO_DATE = 2
    TOO_SOON = 3


@dataclass(frozen=True)
class MyListChange:
    """What :meth:`anidb.Client.mylist_watched` / ``_remove`` / ``_edit`` did."""

    what: Union[MyListChangeKind, int]
    mylist_id: int
    commands: int  # AniDB commands sent; 0: answered from the local MyList state
    job_id: int  # QUEUED: the job (see Client.queue_list)
    reason: Union[QueueReason, int]
    next_try_at: int  # QUEUED: Unix time


@dataclass(frozen=True)
class MyListEntry:
    """A file's MyList entry as last known (``anidb_mylist_entry_t``)."""

    in_mylist: bool
    mylist_id: int
    file_id: int
    episode_id: int
    anime_id: int
    group_id: int
    state: Union[MyListState, int]
    viewdate: int  # Unix time; 0: not watched
    date_added: int
    source: str
    storage: str
    other: str
    filestate: int
    from_local_state: bool
    confirmed_at: int


@dataclass(frozen=True)
class RecordOrigin:
    """Where a metadata record came from and how long it is kept (Unix times)."""

    from_cache: bool
    fetched_at: int
    expires_at: int


@dataclass(frozen=True)
class Anime:
    """ANIME (``anidb_anime_t``)."""

    anime_id: int
    title_romaji: str
    title_kanji: str
    title_english: str
    title_other: str
    short_names: tuple
    synonyms: tuple
    type: str
    year: str
    episodes: int
    highest_episode: int
    special_count: int
    air_date: int
    end_date: int
    rating: int  # x100
    vote_count: int
    is_18_restricted: bool
    dateflags: int
    url: str
    picname: str
    origin: RecordOrigin


@dataclass(frozen=True)
class Episode:
    """EPISODE (``anidb_episode_t``)."""

    episode_id: int
    anime_id: int
    epno: str
    title_english: str
    title_romaji: str
    title_kanji: str
    length_minutes: int
    rating: int
    votes: int
    aired: int
    type: int
    origin: RecordOrigin


@dataclass(frozen=True)
class Group:
    """GROUP (``anidb_group_t``)."""

    group_id: int
    name: str
    short_name: str
    irc_channel: str
    irc_server: str
    url: str
    picname: str
    rating: int
    votes: int
    anime_count: int
    file_count: int
    founded: int
    disbanded: int
    last_release: int
    last_activity: int
    origin: RecordOrigin


@dataclass(frozen=True)
class TitleMatch:
    """One anime found by :meth:`anidb.Client.search_titles`."""

    anime_id: int
    main_title: str
    title: str  # the title that matched
    type: int  # 1 main, 2 synonym, 3 short, 4 official
    lang: str
    score: int


@dataclass(frozen=True)
class TitlesUpdate:
    """What :meth:`anidb.Client.update_titles` did."""

    outcome: Union[TitlesOutcome, int]
    next_request_at: int
    titles: int
    anime: int


@dataclass(frozen=True)
class QueueJob:
    """One job of the work queue (``anidb_queue_job_t``)."""

    id: int
    kind: Union[QueueJobKind, int]
    file_size: int
    ed2k: str
    failed: bool
    running: bool
    reason: Union[QueueReason, int]
    detail: str
    attempts: int
    created_at: int
    next_try_at: int


@dataclass(frozen=True)
class QueueRun:
    """What :meth:`anidb.Client.queue_run` did; stopped_by is the error code that
    ended the run early (0: none)."""

    completed: int
    rescheduled: int
    failed: int
    released: int
    stopped_by: int

"""Python binding of libanidb (ctypes, standard library only).

Hash files with the hashes AniDB records, identify them through AniDB's UDP
API and add them to MyList::

    import anidb

    with anidb.Client(cache_dir="/tmp/anidb-cache") as client:
        result = client.hash("episode.mkv", algorithms=("ed2k", "crc32"))
        print(result.size, result.hashes["ed2k"], result.hashes["crc32"])

The shared library is loaded from ``$ANIDB_LIBRARY``, else from next to this
package, else from where it was installed when the package was built, else
as libanidb.so.1 through the dynamic loader. ``anidb.__version__`` is the
loaded library's version. See docs/python.md.
"""

from __future__ import annotations

from .client import Client
from .errors import (
    AccessDenied,
    AniDBError,
    AniDBIOError,
    AniDBReplyError,
    Banned,
    Busy,
    CacheError,
    Cancelled,
    ClientRejected,
    FileNotFound,
    InvalidHandle,
    InvalidParameter,
    InvalidUTF8,
    LoginFailed,
    NetworkError,
    NoCredentials,
    NoSuchFile,
    OutOfMemory,
    OutOfService,
    PermissionDenied,
    ProcessingError,
    ProtocolError,
    ServerBusy,
    ServerError,
    Timeout,
    UnknownError,
    VersionMismatch,
)
from .library import (
    abi_version,
    cleanup,
    hash_bytes,
    hash_file,
    leak_check,
    memory_gc,
    memory_stats,
    set_memory_limit,
    version,
)
from .datatypes import (
    Anime,
    AnimeInfo,
    Episode,
    Group,
    MyListChange,
    MyListChangeKind,
    MyListEntry,
    QueueJob,
    QueueJobKind,
    QueueReason,
    QueueRun,
    RecordOrigin,
    TitleMatch,
    TitlesOutcome,
    TitlesUpdate,
    CacheEvent,
    Event,
    EventsDropped,
    EventType,
    FileEvent,
    HashAlgorithm,
    HashEvent,
    HashResult,
    LeakCheck,
    MemoryEvent,
    MemoryPressure,
    MemoryStats,
    MyListOutcome,
    MyListResult,
    MyListState,
    NetworkEvent,
    NetworkWaitEvent,
    Source,
    Status,
)

#: The version of the loaded libanidb (``anidb_get_version()``): the package is
#: built with the version of the library it loads, so the two agree.
__version__ = version()

__all__ = [
    "AccessDenied", "AniDBError", "AniDBIOError", "AniDBReplyError", "AnimeInfo", "Banned",
    "Busy", "CacheError", "CacheEvent", "Cancelled", "Client", "ClientRejected", "Event",
    "EventType", "EventsDropped", "FileEvent", "FileNotFound", "HashAlgorithm", "HashEvent",
    "HashResult", "InvalidHandle", "InvalidParameter", "InvalidUTF8", "LeakCheck", "LoginFailed",
    "MemoryEvent", "MemoryPressure", "MemoryStats", "MyListOutcome", "MyListResult",
    "MyListState", "NetworkError", "NetworkEvent", "NetworkWaitEvent", "NoCredentials",
    "NoSuchFile", "OutOfMemory", "OutOfService", "PermissionDenied", "ProcessingError", "ProtocolError", "ServerBusy",
    "ServerError", "Source", "Status", "Timeout", "UnknownError", "VersionMismatch",
    "Anime", "Episode", "Group", "MyListChange", "MyListChangeKind", "MyListEntry", "QueueJob",
    "QueueJobKind", "QueueReason", "QueueRun", "RecordOrigin", "TitleMatch", "TitlesOutcome",
    "TitlesUpdate",
    "abi_version", "cleanup", "hash_bytes", "hash_file", "leak_check", "memory_gc",
    "memory_stats", "set_memory_limit", "version", "__version__",
]

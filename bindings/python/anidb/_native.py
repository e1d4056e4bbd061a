"""Loading libanidb.so and describing its C ABI to ctypes.

Everything in this module mirrors include/anidb/anidb.h one to one; the
rest of the package turns it into Python. The library is looked for, in
order, at ``$ANIDB_LIBRARY``, next to this package (bundled), at the path
setup.py recorded when it built the package against an installed libanidb,
and as libanidb.so.1 through the dynamic loader.
"""

from __future__ import annotations

import ctypes
import os
import threading
from ctypes import (
    POINTER,
    Structure,
    Union,
    c_char,
    c_char_p,
    c_double,
    c_float,
    c_int,
    c_int64,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path

# The header's ANIDB_ABI_VERSION (the layouts below) and the SONAME's number,
# which stays while the ABI only grows (anidb.h, "Growing structures").
ABI_VERSION = 3
SOVERSION = 1

# C enums are ints on every platform the library supports.
c_enum = c_int


# --------------------------------------------------------------------------
# Structures (field order is fixed by the header)
# --------------------------------------------------------------------------


class Config(Structure):
    _fields_ = [
        ("cache_dir", c_char_p),
        ("max_concurrent_files", c_size_t),
        ("chunk_size", c_size_t),
        ("max_memory_usage", c_size_t),
        ("enable_debug_logging", c_int),
        ("username", c_char_p),
        ("password", c_char_p),
        ("client_name", c_char_p),
        ("client_version", c_char_p),
        # Since ABI 2.
        ("api_key", c_char_p),
        ("encrypt", c_int),
    ]


ProgressCallback = ctypes.CFUNCTYPE(None, c_float, c_uint64, c_uint64, c_void_p)
CompletionCallback = ctypes.CFUNCTYPE(None, c_enum, c_void_p)


class ProcessOptions(Structure):
    _fields_ = [
        ("algorithms", POINTER(c_enum)),
        ("algorithm_count", c_size_t),
        ("enable_progress", c_int),
        ("verify_existing", c_int),
        ("progress_callback", ProgressCallback),
        ("user_data", c_void_p),
    ]


class HashResultStruct(Structure):
    _fields_ = [
        ("algorithm", c_enum),
        # c_void_p rather than c_char_p so ctypes never copies or converts it
        # behind our back; read with ctypes.string_at.
        ("hash_value", c_void_p),
        ("hash_length", c_size_t),
    ]


class FileResult(Structure):
    _fields_ = [
        ("file_path", c_void_p),
        ("file_size", c_uint64),
        ("status", c_enum),
        ("hashes", POINTER(HashResultStruct)),
        ("hash_count", c_size_t),
        ("processing_time_ms", c_uint64),
        ("error_message", c_void_p),
    ]


class BatchOptions(Structure):
    _fields_ = [
        ("algorithms", POINTER(c_enum)),
        ("algorithm_count", c_size_t),
        ("max_concurrent", c_size_t),
        ("continue_on_error", c_int),
        ("skip_existing", c_int),
        ("progress_callback", ProgressCallback),
        ("completion_callback", CompletionCallback),
        ("user_data", c_void_p),
    ]


# anidb_file_result_callback_t (streaming batches): index, file_error, borrowed result.
FileResultCallback = ctypes.CFUNCTYPE(c_int, c_size_t, c_enum, POINTER(FileResult), c_void_p)
BATCH_INPUT_ORDER = 0
BATCH_COMPLETION_ORDER = 1


class BatchResult(Structure):
    _fields_ = [
        ("total_files", c_size_t),
        ("successful_files", c_size_t),
        ("failed_files", c_size_t),
        ("results", POINTER(FileResult)),
        ("total_time_ms", c_uint64),
    ]


class AnimeInfoStruct(Structure):
    _fields_ = [
        ("anime_id", c_uint64),
        ("episode_id", c_uint64),
        ("title", c_void_p),
        ("episode_number", c_uint32),
        ("confidence", c_double),
        ("source", c_int),
        ("file_id", c_uint64),
        ("group_id", c_uint64),
        ("group_name", c_void_p),
        ("title_english", c_void_p),
        ("title_kanji", c_void_p),
        ("episode_title", c_void_p),
        ("episode_number_text", c_void_p),
        ("anime_type", c_void_p),
        ("year", c_void_p),
        ("quality", c_void_p),
        ("file_source", c_void_p),
        ("resolution", c_void_p),
        ("crc32", c_void_p),
        ("mylist_id", c_uint64),
        ("file_size", c_uint64),
        ("ed2k", c_void_p),
        ("group_short_name", c_void_p),
    ]


class MemoryStatsStruct(Structure):
    _fields_ = [
        ("total_memory_used", c_uint64),
        ("ffi_allocated", c_uint64),
        ("ffi_peak", c_uint64),
        ("pool_memory", c_uint64),
        ("pool_hits", c_uint64),
        ("pool_misses", c_uint64),
        ("active_allocations", c_uint64),
        ("memory_limit", c_uint64),
        ("memory_pressure", c_uint32),
    ]


class AllocationStatsStruct(Structure):
    _fields_ = [
        ("live_count", c_uint64),
        ("live_bytes", c_uint64),
    ]


# anidb_allocation_type_t, in index order (new types are only appended).
ALLOCATION_TYPE_NAMES = ("string", "hash_result", "file_result", "batch_result", "buffer",
                         "event", "anime_info", "mylist_entry", "anime", "episode", "group",
                         "title_search", "queue_list")


class MyListOptions(Structure):
    _fields_ = [
        ("state", c_int),
        ("viewed", c_int),
        ("viewdate", c_int64),
        ("source", c_char_p),
        ("storage", c_char_p),
        ("other", c_char_p),
        ("edit", c_int),
    ]


class MyListResultStruct(Structure):
    _fields_ = [
        ("mylist_id", c_uint64),
        ("outcome", c_enum),
        ("source", c_int),
    ]


# ---- MyList both ways, metadata, titles, the work queue (issue 16) ------

class MyListChangeStruct(Structure):
    _fields_ = [
        ("what", c_enum),
        ("mylist_id", c_uint64),
        ("commands", c_uint32),
        ("job_id", c_int64),
        ("reason", c_enum),
        ("next_try_at", c_int64),
    ]


class MyListEntryStruct(Structure):
    _fields_ = [
        ("in_mylist", c_int),
        ("mylist_id", c_uint64),
        ("file_id", c_uint64),
        ("episode_id", c_uint64),
        ("anime_id", c_uint64),
        ("group_id", c_uint64),
        ("state", c_int),
        ("viewdate", c_int64),
        ("date_added", c_int64),
        ("source", c_void_p),
        ("storage", c_void_p),
        ("other", c_void_p),
        ("filestate", c_int),
        ("from_local_state", c_int),
        ("confirmed_at", c_int64),
    ]


class RecordOriginStruct(Structure):
    _fields_ = [("from_cache", c_int), ("fetched_at", c_int64), ("expires_at", c_int64)]


class AnimeStruct(Structure):
    _fields_ = [
        ("anime_id", c_uint64),
        ("title_romaji", c_void_p),
        ("title_kanji", c_void_p),
        ("title_english", c_void_p),
        ("title_other", c_void_p),
        ("short_names", c_void_p),
        ("synonyms", c_void_p),
        ("type", c_void_p),
        ("year", c_void_p),
        ("episodes", c_int64),
        ("highest_episode", c_int64),
        ("special_count", c_int64),
        ("air_date", c_int64),
        ("end_date", c_int64),
        ("rating", c_int64),
        ("vote_count", c_int64),
        ("is_18_restricted", c_int),
        ("dateflags", c_int64),
        ("url", c_void_p),
        ("picname", c_void_p),
        ("origin", RecordOriginStruct),
    ]


class EpisodeStruct(Structure):
    _fields_ = [
        ("episode_id", c_uint64),
        ("anime_id", c_uint64),
        ("epno", c_void_p),
        ("title_english", c_void_p),
        ("title_romaji", c_void_p),
        ("title_kanji", c_void_p),
        ("length_minutes", c_int64),
        ("rating", c_int64),
        ("votes", c_int64),
        ("aired", c_int64),
        ("type", c_int),
        ("origin", RecordOriginStruct),
    ]


class GroupStruct(Structure):
    _fields_ = [
        ("group_id", c_uint64),
        ("name", c_void_p),
        ("short_name", c_void_p),
        ("irc_channel", c_void_p),
        ("irc_server", c_void_p),
        ("url", c_void_p),
        ("picname", c_void_p),
        ("rating", c_int64),
        ("votes", c_int64),
        ("anime_count", c_int64),
        ("file_count", c_int64),
        ("founded", c_int64),
        ("disbanded", c_int64),
        ("last_release", c_int64),
        ("last_activity", c_int64),
        ("origin", RecordOriginStruct),
    ]


class TitleMatchStruct(Structure):
    _fields_ = [
        ("anime_id", c_uint64),
        ("main_title", c_void_p),
        ("title", c_void_p),
        ("type", c_int),
        ("lang", c_void_p),
        ("score", c_int),
    ]


class TitleSearchStruct(Structure):
    _fields_ = [
        ("matches", POINTER(TitleMatchStruct)),
        ("count", c_size_t),
        ("corrupt_rows", c_uint64),
    ]


class TitlesUpdateStruct(Structure):
    _fields_ = [
        ("outcome", c_enum),
        ("next_request_at", c_int64),
        ("titles", c_uint64),
        ("anime", c_uint64),
    ]


class QueueJobStruct(Structure):
    _fields_ = [
        ("id", c_int64),
        ("kind", c_enum),
        ("file_size", c_uint64),
        ("ed2k", c_void_p),
        ("failed", c_int),
        ("running", c_int),
        ("reason", c_enum),
        ("detail", c_void_p),
        ("attempts", c_int),
        ("created_at", c_int64),
        ("next_try_at", c_int64),
    ]


class QueueListStruct(Structure):
    _fields_ = [
        ("jobs", POINTER(QueueJobStruct)),
        ("count", c_size_t),
        ("unreadable", c_size_t),
    ]


class QueueRunStruct(Structure):
    _fields_ = [
        ("completed", c_size_t),
        ("rescheduled", c_size_t),
        ("failed", c_size_t),
        ("released", c_size_t),
        ("stopped_by", c_enum),
    ]


class _EventFile(Structure):
    _fields_ = [("file_path", c_void_p), ("file_size", c_uint64)]


class _EventHash(Structure):
    _fields_ = [("algorithm", c_enum), ("hash_value", c_void_p)]


class _EventCache(Structure):
    _fields_ = [("file_path", c_void_p), ("algorithm", c_enum)]


class _EventNetwork(Structure):
    _fields_ = [("endpoint", c_void_p), ("status_code", c_int)]


class _EventMemory(Structure):
    _fields_ = [("current_usage", c_uint64), ("max_usage", c_uint64)]


class _EventDropped(Structure):
    _fields_ = [("count", c_uint64)]


class _EventWait(Structure):
    _fields_ = [("endpoint", c_void_p), ("send_at", c_uint64)]


class EventData(Union):
    _fields_ = [
        ("file", _EventFile),
        ("hash", _EventHash),
        ("cache", _EventCache),
        ("network", _EventNetwork),
        ("memory", _EventMemory),
        ("dropped", _EventDropped),
        ("wait", _EventWait),
    ]


class EventStruct(Structure):
    _fields_ = [
        ("type", c_enum),
        ("timestamp", c_uint64),
        ("data", EventData),
        ("context", c_void_p),
    ]


EventCallback = ctypes.CFUNCTYPE(None, POINTER(EventStruct), c_void_p)


# --------------------------------------------------------------------------
# Function prototypes
# --------------------------------------------------------------------------

_R = c_enum  # anidb_result_t
_H = c_void_p  # every handle type

_PROTOTYPES: dict[str, tuple[object, list[object]]] = {
    "anidb_init": (_R, [c_uint32]),
    "anidb_cleanup": (None, []),
    "anidb_get_version": (c_char_p, []),
    "anidb_get_abi_version": (c_uint32, []),
    "anidb_error_string": (c_char_p, [_R]),
    "anidb_get_last_error": (_R, [POINTER(c_char), c_size_t]),
    "anidb_client_create": (_R, [POINTER(_H)]),
    "anidb_client_create_with_config": (_R, [POINTER(Config), POINTER(_H)]),
    "anidb_client_set_option": (_R, [_H, c_char_p, c_char_p]),
    "anidb_client_destroy": (_R, [_H]),
    "anidb_client_get_last_error": (_R, [_H, POINTER(c_char), c_size_t]),
    "anidb_client_get_last_error_string": (c_void_p, [_H]),
    "anidb_process_file": (_R, [_H, c_char_p, POINTER(ProcessOptions), POINTER(POINTER(FileResult))]),
    "anidb_calculate_hash": (_R, [c_char_p, c_enum, POINTER(c_char), c_size_t]),
    "anidb_calculate_hash_buffer": (_R, [c_void_p, c_size_t, c_enum, POINTER(c_char), c_size_t]),
    "anidb_hash_buffer_size": (c_size_t, [c_enum]),
    "anidb_hash_algorithm_name": (c_char_p, [c_enum]),
    "anidb_process_file_async": (_R, [_H, c_char_p, POINTER(ProcessOptions), POINTER(_H)]),
    "anidb_operation_get_status": (_R, [_H, POINTER(c_enum)]),
    "anidb_operation_get_result": (_R, [_H, POINTER(POINTER(FileResult))]),
    "anidb_operation_cancel": (_R, [_H]),
    "anidb_operation_destroy": (_R, [_H]),
    "anidb_process_batch": (_R, [_H, POINTER(c_char_p), c_size_t, POINTER(BatchOptions), POINTER(POINTER(BatchResult))]),
    "anidb_process_batch_async": (_R, [_H, POINTER(c_char_p), c_size_t, POINTER(BatchOptions), POINTER(_H)]),
    "anidb_process_batch_stream": (_R, [_H, POINTER(c_char_p), c_size_t, POINTER(BatchOptions), c_enum, FileResultCallback, c_void_p, POINTER(c_size_t)]),
    "anidb_process_batch_stream_async": (_R, [_H, POINTER(c_char_p), c_size_t, POINTER(BatchOptions), c_enum, FileResultCallback, c_void_p, POINTER(_H)]),
    "anidb_batch_get_progress": (_R, [_H, POINTER(c_size_t), POINTER(c_size_t)]),
    "anidb_batch_cancel": (_R, [_H]),
    "anidb_batch_get_result": (_R, [_H, POINTER(POINTER(BatchResult))]),
    "anidb_batch_destroy": (_R, [_H]),
    "anidb_cache_clear": (_R, [_H]),
    "anidb_cache_get_stats": (_R, [_H, POINTER(c_size_t), POINTER(c_uint64)]),
    "anidb_cache_check_file": (_R, [_H, c_char_p, c_enum, POINTER(c_int)]),
    "anidb_identify_file": (_R, [_H, c_char_p, c_uint64, POINTER(POINTER(AnimeInfoStruct))]),
    "anidb_identify_path": (_R, [_H, c_char_p, POINTER(POINTER(AnimeInfoStruct))]),
    "anidb_mylist_add": (_R, [_H, c_char_p, c_uint64, POINTER(MyListOptions), POINTER(MyListResultStruct)]),
    "anidb_mylist_show": (_R, [_H, c_char_p, c_uint64, c_int, POINTER(POINTER(MyListEntryStruct))]),
    "anidb_mylist_remove": (_R, [_H, c_char_p, c_uint64, POINTER(MyListChangeStruct)]),
    "anidb_mylist_edit": (_R, [_H, c_char_p, c_uint64, POINTER(MyListOptions), POINTER(MyListChangeStruct)]),
    "anidb_mylist_watched": (_R, [_H, c_char_p, c_uint64, c_int, c_int64, POINTER(MyListChangeStruct)]),
    "anidb_mylist_watched_path": (_R, [_H, c_char_p, c_int, c_int64, POINTER(MyListChangeStruct)]),
    "anidb_anime_get": (_R, [_H, c_uint64, c_char_p, POINTER(POINTER(AnimeStruct))]),
    "anidb_episode_get": (_R, [_H, c_uint64, c_uint64, c_char_p, c_char_p, POINTER(POINTER(EpisodeStruct))]),
    "anidb_group_get": (_R, [_H, c_uint64, c_char_p, POINTER(POINTER(GroupStruct))]),
    "anidb_titles_search": (_R, [_H, c_char_p, c_char_p, c_size_t, POINTER(POINTER(TitleSearchStruct))]),
    "anidb_titles_update": (_R, [_H, c_int, POINTER(TitlesUpdateStruct)]),
    "anidb_queue_list": (_R, [_H, POINTER(POINTER(QueueListStruct))]),
    "anidb_queue_run": (_R, [_H, c_int, POINTER(QueueRunStruct)]),
    "anidb_queue_clear": (_R, [_H, c_int, POINTER(c_size_t)]),
    "anidb_free_mylist_entry": (None, [POINTER(MyListEntryStruct)]),
    "anidb_free_anime": (None, [POINTER(AnimeStruct)]),
    "anidb_free_episode": (None, [POINTER(EpisodeStruct)]),
    "anidb_free_group": (None, [POINTER(GroupStruct)]),
    "anidb_free_title_search_result": (None, [POINTER(TitleSearchStruct)]),
    "anidb_free_queue_list": (None, [POINTER(QueueListStruct)]),
    "anidb_free_string": (None, [c_void_p]),
    "anidb_free_file_result": (None, [POINTER(FileResult)]),
    "anidb_free_batch_result": (None, [POINTER(BatchResult)]),
    "anidb_free_anime_info": (None, [POINTER(AnimeInfoStruct)]),
    "anidb_register_callback": (c_uint64, [_H, c_enum, c_void_p, c_void_p]),
    "anidb_unregister_callback": (_R, [_H, c_uint64]),
    "anidb_event_connect": (_R, [_H, EventCallback, c_void_p]),
    "anidb_event_disconnect": (_R, [_H]),
    "anidb_event_poll": (_R, [_H, POINTER(EventStruct), c_size_t, POINTER(c_size_t)]),
    "anidb_get_memory_stats": (_R, [POINTER(MemoryStatsStruct)]),
    "anidb_memory_gc": (_R, []),
    "anidb_check_memory_leaks": (_R, [POINTER(c_uint64), POINTER(c_uint64)]),
    "anidb_get_allocation_stats": (_R, [POINTER(AllocationStatsStruct), c_size_t,
                                        POINTER(c_size_t)]),
    "anidb_set_memory_limit": (_R, [c_uint64]),
}


SONAME = f"libanidb.so.{SOVERSION}"


def _candidates() -> list[str]:
    """Where to look for the shared library, most specific first."""
    found: list[str] = []
    explicit = os.environ.get("ANIDB_LIBRARY")
    if explicit:
        found.append(explicit)
    # Bundled by setup.py (or put there by hand).
    here = Path(__file__).resolve().parent
    for name in (SONAME, "libanidb.so"):
        if (here / name).exists():
            found.append(str(here / name))
    # The system library setup.py built the package against, by path.
    try:
        from ._library_path import LIBRARY  # written at build time
    except ImportError:  # the source tree, not an installed package
        LIBRARY = None
    if LIBRARY:
        found.append(LIBRARY)
    # The dynamic loader's search (ldconfig cache, LD_LIBRARY_PATH), by SONAME.
    found.append(SONAME)
    return found


def _load() -> ctypes.CDLL:
    errors: list[str] = []
    for candidate in _candidates():
        try:
            lib = ctypes.CDLL(candidate)
        except OSError as exc:
            # $ANIDB_LIBRARY names the library the user wants: never fall
            # back silently to another one.
            if candidate == os.environ.get("ANIDB_LIBRARY"):
                raise ImportError(f"cannot load $ANIDB_LIBRARY={candidate!r}: {exc}") from exc
            errors.append(f"{candidate}: {exc}")
            continue
        for name, (restype, argtypes) in _PROTOTYPES.items():
            try:
                function = getattr(lib, name)
            except AttributeError:
                # An older library without this function: calling it raises
                # AttributeError naming it; everything else still works.
                continue
            function.restype = restype
            function.argtypes = argtypes
        return lib
    raise ImportError(
        "libanidb.so not found; set ANIDB_LIBRARY to its path. Tried: " + "; ".join(errors)
    )


lib = _load()

_init_lock = threading.Lock()
_initialised = False


def ensure_initialised() -> None:
    """Calls anidb_init once per process (again after cleanup())."""
    global _initialised
    with _init_lock:
        if _initialised:
            return
        code = lib.anidb_init(ABI_VERSION)
        if code != 0:
            from .errors import raise_for_thread

            raise_for_thread(code)
        _initialised = True


def cleanup() -> None:
    """anidb_cleanup(): destroys every live client; init happens again on demand."""
    global _initialised
    with _init_lock:
        if _initialised:
            lib.anidb_cleanup()
            _initialised = False


def string_at(pointer: int | None) -> str:
    """A borrowed C string as str ('' for NULL). The library promises UTF-8."""
    if not pointer:
        return ""
    return ctypes.string_at(pointer).decode("utf-8", errors="replace")

"""anidb.Client: hashing, identification, MyList and events for one client handle."""

from __future__ import annotations

import ctypes
import os
import queue
import threading
import time
import datetime as _dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Optional, Union

from . import _collection, _convert
from ._native import (
    AnimeStruct,
    BATCH_COMPLETION_ORDER,
    BatchOptions,
    BatchResult,
    CompletionCallback,
    EpisodeStruct,
    GroupStruct,
    MyListChangeStruct,
    MyListEntryStruct,
    QueueListStruct,
    QueueRunStruct,
    TitleSearchStruct,
    TitlesUpdateStruct,
    Config,
    FileResultCallback,
    EventCallback,
    EventStruct,
    FileResult,
    AnimeInfoStruct,
    MyListOptions,
    MyListResultStruct,
    ProcessOptions,
    ProgressCallback,
    c_size_t,
    c_uint64,
    c_void_p,
    c_enum,
    c_int,
    ensure_initialised,
    lib,
)
from .errors import AniDBError, InvalidHandle, error_for, thread_last_error, raise_for_thread
from .datatypes import (
    Anime,
    Episode,
    Group,
    MyListChange,
    MyListEntry,
    QueueJob,
    QueueRun,
    TitleMatch,
    TitlesOutcome,
    TitlesUpdate,
    AlgorithmLike,
    AnimeInfo,
    Event,
    HashResult,
    MyListOutcome,
    MyListResult,
    MyListState,
    Source,
    Status,
)

ProgressFn = Callable[[float, int, int], object]
"""progress(percentage 0..100, bytes_done, total_bytes); its return value is ignored."""

Target = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]", tuple]

_DONE = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)
_BUSY = 14  # ANIDB_ERROR_BUSY: a batch still running
_POLL_MIN = 0.001  # seconds; short waits keep small files fast
_POLL_MAX = 0.02   # and Ctrl-C is seen within 20 ms


class _ProgressRelay:
    """Calls a Python progress function from the library's threads.

    ctypes takes the GIL around the call. An exception raised by the
    function is kept (never allowed to unwind into C); the waiting thread
    sees it, cancels the operation and re-raises it to the caller.
    """

    def __init__(self, function: Optional[ProgressFn]) -> None:
        if function is not None and not callable(function):
            raise TypeError(f"progress must be callable, not {type(function).__name__}")
        self.function = function
        self.error: Optional[BaseException] = None
        self.c_function = ProgressCallback(self._call) if function is not None else ProgressCallback()

    def _call(self, percentage: float, done: int, total: int, _user_data: object) -> None:
        if self.error is not None or self.function is None:
            return
        try:
            self.function(float(percentage), int(done), int(total))
        except BaseException as exc:  # noqa: BLE001 - must not reach C
            self.error = exc


class Client:
    """A libanidb client: configuration, hash cache, AniDB session and events.

    Use it as a context manager (or call :meth:`close`)::

        with anidb.Client(cache_dir="/tmp/anidb") as client:
            result = client.hash("episode.mkv")
            print(result.hashes["ed2k"])

    Every method may be called from any thread.
    """

    def __init__(
        self,
        cache_dir: Optional[Union[str, bytes, "os.PathLike[str]"]] = None,
        *,
        username: Optional[str] = None,
        password: Optional[str] = None,
        client_name: Optional[str] = None,
        client_version: Optional[Union[str, int]] = None,
        max_concurrent_files: int = 0,
        chunk_size: int = 0,
        max_memory_usage: int = 0,
        debug_logging: bool = False,
        options: Optional[Mapping[str, object]] = None,
    ) -> None:
        """Creates the client (``anidb_client_create_with_config``).

        Args:
            cache_dir: directory for anidb.db (None: $XDG_DATA_HOME/anidb).
            username, password: AniDB credentials (identify, MyList).
            client_name, client_version: the registered AniDB client.
            max_concurrent_files: default parallelism of hash_many (0 = cores).
            chunk_size: read buffer size hint (this version always reads 1 MiB
                blocks, smaller under memory pressure).
            max_memory_usage: reserved for a per-client cap (not enforced yet;
                the library-wide limit, set_memory_limit, always holds).
            debug_logging: log to stderr (never credentials).
            options: extra ``anidb_client_set_option`` keys, e.g.
                ``{"anidb.server": "127.0.0.1:9000"}``.
        """
        self._handle: Optional[int] = None
        self._event_callback = None
        if isinstance(client_version, int) and not isinstance(client_version, bool):
            client_version = str(client_version)
        # The encoded strings must live until the create call returns.
        keep = {
            "cache_dir": _convert.encode_path(cache_dir) if cache_dir is not None else None,
            "username": _convert.encode_text(username, "username"),
            "password": _convert.encode_text(password, "password"),
            "client_name": _convert.encode_text(client_name, "client_name"),
            "client_version": _convert.encode_text(client_version, "client_version"),
        }
        config = Config(
            max_concurrent_files=_convert.check_size(max_concurrent_files, "max_concurrent_files"),
            chunk_size=_convert.check_size(chunk_size, "chunk_size"),
            max_memory_usage=_convert.check_size(max_memory_usage, "max_memory_usage"),
            enable_debug_logging=1 if debug_logging else 0,
            **keep,
        )
        self._max_concurrent = max_concurrent_files or (os.cpu_count() or 1)
        ensure_initialised()
        handle = c_void_p()
        code = lib.anidb_client_create_with_config(ctypes.byref(config), ctypes.byref(handle))
        if code != 0:
            raise_for_thread(code)
        self._handle = handle.value
        try:
            for key, value in (options or {}).items():
                self.set_option(key, value)
        except BaseException:
            self.close()
            raise

    # -- lifetime ---------------------------------------------------------

    def close(self) -> None:
        """Cancels running work, logs out, and frees the client. Idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            lib.anidb_client_destroy(handle)
        self._event_callback = None

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def _h(self) -> int:
        if self._handle is None:
            raise InvalidHandle(1, "the client is closed")
        return self._handle

    # -- errors -----------------------------------------------------------

    def last_error(self) -> str:
        """The client's last error message ('' when none)."""
        buffer = ctypes.create_string_buffer(1024)
        if self._handle is None or lib.anidb_client_get_last_error(self._handle, buffer, len(buffer)) != 0:
            return ""
        return buffer.value.decode("utf-8", "replace")

    def _raise(self, code: int, path: object = None) -> None:
        message = self.last_error() or thread_last_error()
        raise error_for(code, message, _convert.display_path(path) if path is not None else None)

    def set_option(self, key: str, value: object) -> None:
        """``anidb_client_set_option``; value is converted with str()."""
        if not isinstance(key, str):
            raise TypeError(f"option key must be str, not {type(key).__name__}")
        if value is None:
            raise TypeError(f"option {key!r} needs a value, not None")
        text = ("1" if value else "0") if isinstance(value, bool) else str(value)
        code = lib.anidb_client_set_option(
            self._h(), _convert.encode_text(key, "option key"), _convert.encode_text(text, "option value"))
        if code != 0:
            self._raise(code)

    # -- hashing ----------------------------------------------------------

    def hash(
        self,
        path: _convert.PathLike,
        algorithms: Union[Iterable[AlgorithmLike], AlgorithmLike] = ("ed2k", "crc32"),
        progress: Optional[ProgressFn] = None,
        *,
        verify: bool = False,
    ) -> HashResult:
        """Hashes one file, through the client's cache.

        Args:
            path: str, bytes or path-like.
            algorithms: names ("ed2k", "crc32", "md5", "sha1", "tth",
                "ed2k_blue": ED2K's other variant, see HashAlgorithm) or
                HashAlgorithm values, 1 to 6 distinct.
            progress: called as ``progress(percentage, bytes_done, total)``
                from a library thread, serially, ending with 100. An
                exception it raises cancels the hash and is re-raised here.
            verify: re-read a cached file and compare with the cache.

        Raises:
            FileNotFound, PermissionDenied, AniDBIOError, InvalidUTF8, ...;
            Cancelled if cancelled; KeyboardInterrupt cancels the hash.
        """
        encoded = _convert.encode_path(path)
        _, algorithm_array = _convert.algorithm_array(algorithms)
        relay = _ProgressRelay(progress)
        operation = self._start(encoded, path, algorithm_array, relay, verify)
        outcome: Optional[HashResult] = None
        try:
            self._wait(operation, relay)
            try:
                outcome = self._collect(operation, path)
            except AniDBError:
                if relay.error is None:
                    raise
                # Cancelled because the progress function raised: that
                # exception, not Cancelled, is what the caller sees.
        except BaseException:
            lib.anidb_operation_cancel(operation)
            raise
        finally:
            # Waits for the operation: no progress call happens after this.
            lib.anidb_operation_destroy(operation)
        if relay.error is not None:
            raise relay.error
        assert outcome is not None
        return outcome

    def hash_many(
        self,
        paths: Iterable[_convert.PathLike],
        algorithms: Union[Iterable[AlgorithmLike], AlgorithmLike] = ("ed2k", "crc32"),
        *,
        jobs: Optional[int] = None,
        continue_on_error: bool = False,
    ) -> Iterator[Union[HashResult, AniDBError]]:
        """Hashes several files, ``jobs`` at a time, yielding each result as it finishes.

        With ``continue_on_error=False`` (the default) the first failure
        cancels the files still running and is raised; with True the
        failure is yielded as an :class:`AniDBError` (its ``path`` says which
        file) and the other files go on. Closing the generator early
        cancels what is still running.
        """
        if jobs is None:
            jobs = self._max_concurrent
        if isinstance(jobs, bool) or not isinstance(jobs, int):
            raise TypeError(f"jobs must be an int, not {type(jobs).__name__}")
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        if isinstance(paths, (str, bytes, os.PathLike)):
            raise TypeError("paths must be an iterable of paths, not a single path")
        _, algorithm_array = _convert.algorithm_array(algorithms)
        return self._hash_many(iter(paths), algorithm_array, jobs, continue_on_error)

    def _hash_many(self, pending: Iterator, algorithm_array, jobs: int,
                   continue_on_error: bool) -> Iterator[Union[HashResult, AniDBError]]:
        """One streaming batch of the library's engine (completion order).

        The engine's workers hand each result to ``on_result``, which puts
        it into a small queue; this generator takes them out. The queue is
        bounded, so a slow consumer holds the engine back instead of piling
        up results; closing the generator cancels the batch.
        """
        paths: list = []
        encoded: list[bytes] = []
        for path in pending:
            try:
                value = _convert.encode_path(path)
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError:
                    # The library would refuse the whole batch for it.
                    raise error_for(9, "the path is not valid UTF-8",
                                    _convert.display_path(path)) from None
            except AniDBError as exc:
                if not continue_on_error:
                    raise
                yield exc
                continue
            paths.append(path)
            encoded.append(value)
        if not encoded:
            return
        results: queue.Queue = queue.Queue(maxsize=max(64, 4 * jobs))
        closing = threading.Event()

        def on_result(index: int, code: int, raw, _user_data) -> int:
            try:
                item: object
                if code == 0:
                    item = _convert.file_result(raw.contents, paths[index])
                else:
                    message = ""
                    if raw and raw.contents.error_message:
                        message = ctypes.string_at(raw.contents.error_message).decode("utf-8", "replace")
                    item = error_for(code, message, _convert.display_path(paths[index]))
            except BaseException as exc:  # never unwind into C
                item = exc
            while not closing.is_set():
                try:
                    results.put(item, timeout=0.05)
                    return 0
                except queue.Full:
                    continue
            return 1

        callback = FileResultCallback(on_result)
        array = (ctypes.c_char_p * len(encoded))(*encoded)
        options = BatchOptions(
            algorithms=ctypes.cast(algorithm_array, ctypes.POINTER(c_enum)),
            algorithm_count=len(algorithm_array),
            max_concurrent=jobs,
            continue_on_error=1 if continue_on_error else 0,
            skip_existing=1,
            progress_callback=ProgressCallback(),
            completion_callback=CompletionCallback(),
            user_data=None,
        )
        batch = c_void_p()
        code = lib.anidb_process_batch_stream_async(
            self._h(), array, len(encoded), ctypes.byref(options), BATCH_COMPLETION_ORDER,
            callback, None, ctypes.byref(batch))
        if code != 0:
            self._raise(code)
        try:
            while True:
                try:
                    # Short waits: KeyboardInterrupt reaches the caller.
                    item = results.get(timeout=0.02)
                except queue.Empty:
                    # Every result is queued before the batch ends.
                    if not self._batch_running(batch) and results.empty():
                        return
                    continue
                if isinstance(item, AniDBError):
                    if not continue_on_error:
                        raise item
                elif isinstance(item, BaseException):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            closing.set()
            lib.anidb_batch_cancel(batch)
            lib.anidb_batch_destroy(batch)  # waits for the engine; callbacks end with it

    @staticmethod
    def _batch_running(batch: c_void_p) -> bool:
        summary = ctypes.POINTER(BatchResult)()
        code = lib.anidb_batch_get_result(batch, ctypes.byref(summary))
        if summary:
            lib.anidb_free_batch_result(summary)
        return code == _BUSY

    def _start(self, encoded: bytes, path: object, algorithm_array, relay: _ProgressRelay,
               verify: bool) -> int:
        options = ProcessOptions(
            algorithms=ctypes.cast(algorithm_array, ctypes.POINTER(c_enum)),
            algorithm_count=len(algorithm_array),
            enable_progress=0,
            verify_existing=1 if verify else 0,
            progress_callback=relay.c_function,
            user_data=None,
        )
        operation = c_void_p()
        code = lib.anidb_process_file_async(self._h(), encoded, ctypes.byref(options), ctypes.byref(operation))
        if code != 0:
            self._raise(code, path)
        return int(operation.value)  # type: ignore[arg-type]

    @staticmethod
    def _status(operation: int) -> int:
        status = c_enum()
        code = lib.anidb_operation_get_status(operation, ctypes.byref(status))
        if code != 0:
            raise error_for(code, thread_last_error())
        return status.value

    def _wait(self, operation: int, relay: _ProgressRelay) -> None:
        """Waits in short sleeps so KeyboardInterrupt reaches the caller."""
        delay = _POLL_MIN
        cancelled = False
        while self._status(operation) not in _DONE:
            if relay.error is not None and not cancelled:
                lib.anidb_operation_cancel(operation)
                cancelled = True
            time.sleep(delay)
            delay = min(delay * 2, _POLL_MAX)

    def _collect(self, operation: int, path: object) -> HashResult:
        result = ctypes.POINTER(FileResult)()
        code = lib.anidb_operation_get_result(operation, ctypes.byref(result))
        try:
            if code == 0 and result:
                return _convert.file_result(result.contents, path)
            message = ""
            if result and result.contents.error_message:
                message = ctypes.string_at(result.contents.error_message).decode("utf-8", "replace")
            raise error_for(code or 99, message or thread_last_error() or self.last_error(),
                            _convert.display_path(path))
        finally:
            if result:
                lib.anidb_free_file_result(result)

    # -- AniDB ------------------------------------------------------------

    def identify(self, target: Target) -> AnimeInfo:
        """What AniDB knows of a file: a path (hashed first), or ``(ed2k, size)``.

        Answers come from the cache when it has them; otherwise AniDB is
        asked (logging in first), which blocks as long as its flood rules
        require. Raises NoSuchFile when AniDB does not know the file.
        """
        info = ctypes.POINTER(AnimeInfoStruct)()
        if isinstance(target, tuple):
            ed2k, size = self._ed2k_and_size(target)
            code = lib.anidb_identify_file(self._h(), ed2k, size, ctypes.byref(info))
            where: object = None
        else:
            encoded = _convert.encode_path(target)
            code = lib.anidb_identify_path(self._h(), encoded, ctypes.byref(info))
            where = target
        try:
            if code != 0:
                self._raise(code, where)
            return _convert.anime_info(info.contents)
        finally:
            if info:
                lib.anidb_free_anime_info(info)

    @staticmethod
    def _ed2k_and_size(target: tuple) -> tuple[bytes, int]:
        if len(target) != 2:
            raise ValueError("expected (ed2k, size)")
        ed2k, size = target
        if not isinstance(ed2k, str):
            raise TypeError(f"ed2k must be str, not {type(ed2k).__name__}")
        encoded = _convert.encode_text(ed2k, "ed2k")
        return encoded, _convert.check_size(size, "size")  # type: ignore[return-value]

    def mylist_add(
        self,
        target: Target,
        *,
        state: Union[MyListState, int, None] = MyListState.HDD,
        viewed: Optional[bool] = None,
        viewdate: Union[int, _dt.datetime, None] = None,
        source: Optional[str] = None,
        storage: Optional[str] = None,
        other: Optional[str] = None,
        edit: bool = False,
    ) -> MyListResult:
        """Adds a file (a path, hashed through the cache, or ``(ed2k, size)``) to MyList.

        None leaves a field unsent. ``viewdate`` is a Unix time or datetime.
        ``edit=True`` changes the file's existing entry and never adds one.
        Shares the local MyList state with the other ``mylist_*`` calls (a
        repeat sends nothing), but is sent directly: never queued.
        Returns whether the entry was ADDED, ALREADY_PRESENT or UPDATED.
        """
        if isinstance(target, tuple):
            ed2k, size = self._ed2k_and_size(target)
        else:
            hashed = self.hash(target, ("ed2k",))
            ed2k, size = hashed.hashes["ed2k"].encode("ascii"), hashed.size
        if isinstance(viewdate, _dt.datetime):
            viewdate = int(viewdate.timestamp())
        if viewdate is not None and (isinstance(viewdate, bool) or not isinstance(viewdate, int)):
            raise TypeError(f"viewdate must be an int or datetime, not {type(viewdate).__name__}")
        if state is not None and (isinstance(state, bool) or not isinstance(state, int)):
            raise TypeError(f"state must be a MyListState, not {type(state).__name__}")
        keep = {
            "source": _convert.encode_text(source, "source"),
            "storage": _convert.encode_text(storage, "storage"),
            "other": _convert.encode_text(other, "other"),
        }
        options = MyListOptions(
            state=-1 if state is None else int(state),
            viewed=-1 if viewed is None else (1 if viewed else 0),
            viewdate=viewdate or 0,
            edit=1 if edit else 0,
            **keep,
        )
        result = MyListResultStruct()
        code = lib.anidb_mylist_add(self._h(), ed2k, size, ctypes.byref(options), ctypes.byref(result))
        if code != 0:
            self._raise(code, None if isinstance(target, tuple) else target)
        try:
            outcome: Union[MyListOutcome, int] = MyListOutcome(result.outcome)
        except ValueError:
            outcome = int(result.outcome)
        return MyListResult(mylist_id=int(result.mylist_id), outcome=outcome,  # type: ignore[arg-type]
                            source=Source(result.source) if result.source in (0, 1) else result.source)

    # -- MyList both ways, metadata, titles, the work queue ---------------

    def _file_key(self, target: Target) -> tuple[bytes, int]:
        """(ed2k, size) of a target: given, or by hashing the path (through the cache)."""
        if isinstance(target, tuple):
            return self._ed2k_and_size(target)
        hashed = self.hash(target, ("ed2k",))
        return hashed.hashes["ed2k"].encode("ascii"), hashed.size

    @staticmethod
    def _unix_time(value: Union[int, _dt.datetime, None], what: str) -> int:
        if value is None:
            return 0
        if isinstance(value, _dt.datetime):
            return int(value.timestamp())
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{what} must be an int or datetime, not {type(value).__name__}")
        return value

    def _change(self, code: int, raw: MyListChangeStruct, target: Target) -> MyListChange:
        if code != 0:
            self._raise(code, None if isinstance(target, tuple) else target)
        return _collection.change(raw)

    def mylist_show(self, target: Target, *, refresh: bool = False) -> MyListEntry:
        """The file's MyList entry (a path, hashed through the cache, or ``(ed2k, size)``).

        Answered from the local MyList state when AniDB said so in the last
        7 days (``from_local_state``); ``refresh=True`` always asks.
        """
        ed2k, size = self._file_key(target)
        out = ctypes.POINTER(MyListEntryStruct)()
        code = lib.anidb_mylist_show(self._h(), ed2k, size, 1 if refresh else 0, ctypes.byref(out))
        try:
            if code != 0:
                self._raise(code, None if isinstance(target, tuple) else target)
            return _collection.entry(out.contents)
        finally:
            if out:
                lib.anidb_free_mylist_entry(out)

    def mylist_remove(self, target: Target) -> MyListChange:
        """Removes the file from MyList; nothing is sent when it is known not to be there.

        Work AniDB cannot take now (ban, no answer, no credentials) comes back
        as ``MyListChangeKind.QUEUED`` and is sent later (:meth:`queue_run`).
        """
        ed2k, size = self._file_key(target)
        raw = MyListChangeStruct()
        return self._change(lib.anidb_mylist_remove(self._h(), ed2k, size, ctypes.byref(raw)), raw, target)

    def mylist_edit(
        self,
        target: Target,
        *,
        state: Union[MyListState, int, None] = None,
        viewed: Optional[bool] = None,
        viewdate: Union[int, _dt.datetime, None] = None,
        source: Optional[str] = None,
        storage: Optional[str] = None,
        other: Optional[str] = None,
    ) -> MyListChange:
        """Sets values on the file's existing entry (None: left as it is).

        Raises NoSuchFile when the file is not in MyList.
        """
        if state is not None and (isinstance(state, bool) or not isinstance(state, int)):
            raise TypeError(f"state must be a MyListState, not {type(state).__name__}")
        options = MyListOptions(
            state=-1 if state is None else int(state),
            viewed=-1 if viewed is None else (1 if viewed else 0),
            viewdate=self._unix_time(viewdate, "viewdate"),
            source=_convert.encode_text(source, "source"),
            storage=_convert.encode_text(storage, "storage"),
            other=_convert.encode_text(other, "other"),
            edit=1,
        )
        ed2k, size = self._file_key(target)
        raw = MyListChangeStruct()
        code = lib.anidb_mylist_edit(self._h(), ed2k, size, ctypes.byref(options), ctypes.byref(raw))
        return self._change(code, raw, target)

    def mylist_watched(
        self, target: Target, *, watched: bool = True, viewdate: Union[int, _dt.datetime, None] = None
    ) -> MyListChange:
        """Marks the file watched (or not): the call a player makes when an episode ends.

        Adds the file to MyList when it is not there; a repeat sends nothing
        (``commands == 0``). ``viewdate``: when it was watched (default: now).
        """
        if not isinstance(watched, bool):
            raise TypeError(f"watched must be a bool, not {type(watched).__name__}")
        date = self._unix_time(viewdate, "viewdate")
        raw = MyListChangeStruct()
        if isinstance(target, tuple):
            ed2k, size = self._ed2k_and_size(target)
            code = lib.anidb_mylist_watched(self._h(), ed2k, size, 1 if watched else 0, date,
                                            ctypes.byref(raw))
        else:
            code = lib.anidb_mylist_watched_path(self._h(), _convert.encode_path(target),
                                                 1 if watched else 0, date, ctypes.byref(raw))
        return self._change(code, raw, target)

    @staticmethod
    def _id_or_name(value: Union[int, str], what: str) -> tuple[int, Optional[bytes]]:
        if isinstance(value, bool):
            raise TypeError(f"{what} must be an int id or a str name")
        if isinstance(value, int):
            if value <= 0:
                raise ValueError(f"{what} id must be positive")
            return value, None
        if isinstance(value, str):
            return 0, _convert.encode_text(value, what)
        raise TypeError(f"{what} must be an int id or a str name, not {type(value).__name__}")

    def anime(self, anime: Union[int, str]) -> Anime:
        """ANIME by id or by a title (exact, case aside), through the cache."""
        aid, name = self._id_or_name(anime, "anime")
        out = ctypes.POINTER(AnimeStruct)()
        code = lib.anidb_anime_get(self._h(), aid, name, ctypes.byref(out))
        try:
            if code != 0:
                self._raise(code)
            return _collection.anime(out.contents)
        finally:
            if out:
                lib.anidb_free_anime(out)

    def episode(self, episode: Optional[int] = None, *, anime: Union[int, str, None] = None,
                epno: Optional[str] = None) -> Episode:
        """EPISODE by id, or by ``anime`` (id or title) and ``epno`` ("3", "S1" ...)."""
        eid = 0
        aid, name = 0, None
        if episode is not None:
            if isinstance(episode, bool) or not isinstance(episode, int) or episode <= 0:
                raise ValueError("episode must be a positive int id")
            eid = episode
        elif anime is not None:
            aid, name = self._id_or_name(anime, "anime")
        encoded_epno = _convert.encode_text(epno, "epno") if epno is not None else None
        out = ctypes.POINTER(EpisodeStruct)()
        code = lib.anidb_episode_get(self._h(), eid, aid, name, encoded_epno, ctypes.byref(out))
        try:
            if code != 0:
                self._raise(code)
            return _collection.episode(out.contents)
        finally:
            if out:
                lib.anidb_free_episode(out)

    def group(self, group: Union[int, str]) -> Group:
        """GROUP by id, name or short name, through the cache."""
        gid, name = self._id_or_name(group, "group")
        out = ctypes.POINTER(GroupStruct)()
        code = lib.anidb_group_get(self._h(), gid, name, ctypes.byref(out))
        try:
            if code != 0:
                self._raise(code)
            return _collection.group(out.contents)
        finally:
            if out:
                lib.anidb_free_group(out)

    def search_titles(self, text: str, *, lang: Optional[str] = None, limit: int = 0) -> list[TitleMatch]:
        """Anime whose titles match ``text`` (offline; case and accents ignored), best first."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError("limit must be a non-negative int (0: 20)")
        out = ctypes.POINTER(TitleSearchStruct)()
        code = lib.anidb_titles_search(self._h(), _convert.encode_text(text, "text"),
                                       _convert.encode_text(lang, "lang"), limit, ctypes.byref(out))
        try:
            if code != 0:
                self._raise(code)
            return _collection.title_matches(out.contents)
        finally:
            if out:
                lib.anidb_free_title_search_result(out)

    def update_titles(self, *, force: bool = False) -> TitlesUpdate:
        """Downloads the titles dump from the "titles.url" option, at most once a day."""
        raw = TitlesUpdateStruct()
        code = lib.anidb_titles_update(self._h(), 1 if force else 0, ctypes.byref(raw))
        if code != 0:
            self._raise(code)
        outcome: Union[TitlesOutcome, int]
        try:
            outcome = TitlesOutcome(raw.outcome)
        except ValueError:
            outcome = int(raw.outcome)
        return TitlesUpdate(outcome=outcome, next_request_at=int(raw.next_request_at),
                            titles=int(raw.titles), anime=int(raw.anime))

    def queue_list(self) -> list[QueueJob]:
        """Every job of the persistent AniDB work queue, in order."""
        out = ctypes.POINTER(QueueListStruct)()
        code = lib.anidb_queue_list(self._h(), ctypes.byref(out))
        try:
            if code != 0:
                self._raise(code)
            return _collection.queue_jobs(out.contents)
        finally:
            if out:
                lib.anidb_free_queue_list(out)

    def queue_run(self, *, include_not_due: bool = False) -> QueueRun:
        """Sends the due jobs in order, within AniDB's flood rules."""
        raw = QueueRunStruct()
        code = lib.anidb_queue_run(self._h(), 1 if include_not_due else 0, ctypes.byref(raw))
        if code != 0:
            self._raise(code)
        return QueueRun(completed=int(raw.completed), rescheduled=int(raw.rescheduled),
                        failed=int(raw.failed), released=int(raw.released),
                        stopped_by=int(raw.stopped_by))

    def queue_clear(self, *, failed_only: bool = False) -> int:
        """Drops every waiting job (or only the failed ones); returns how many."""
        dropped = c_size_t()
        code = lib.anidb_queue_clear(self._h(), 1 if failed_only else 0, ctypes.byref(dropped))
        if code != 0:
            self._raise(code)
        return int(dropped.value)

    # -- events -----------------------------------------------------------

    def events(self, batch: int = 64) -> Iterator[Event]:
        """Yields the queued events, oldest first, until the queue is empty.

        Each event is copied before the next poll, so the objects stay valid.
        """
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ValueError("batch must be a positive int")
        handle = self._h()
        buffer = (EventStruct * batch)()
        count = c_size_t()
        while True:
            code = lib.anidb_event_poll(handle, buffer, batch, ctypes.byref(count))
            if code != 0:
                self._raise(code)
            copied = [_convert.event(buffer[i]) for i in range(count.value)]
            if count.value < batch:
                # The library keeps the polled strings until the next poll;
                # they are copied, so an empty poll gives them back now.
                lib.anidb_event_poll(handle, None, 0, ctypes.byref(count))
                yield from copied
                return
            yield from copied

    def on_event(self, callback: Optional[Callable[[Event], object]]) -> None:
        """Delivers events to callback (on a library thread) as they happen.

        None disconnects it, after which events queue for :meth:`events`
        again. An exception in callback is reported by ctypes and ignored.
        """
        if callback is None:
            code = lib.anidb_event_disconnect(self._h())
            if code != 0:
                self._raise(code)
            self._event_callback = None
            return
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")

        def relay(raw, _user_data) -> None:
            callback(_convert.event(raw.contents))

        c_callback = EventCallback(relay)
        code = lib.anidb_event_connect(self._h(), c_callback, None)
        if code != 0:
            self._raise(code)
        self._event_callback = c_callback  # keep alive while connected

    # -- cache ------------------------------------------------------------

    def cache_stats(self) -> tuple[int, int]:
        """(cached file entries, database size in bytes)."""
        entries = c_size_t()
        size = c_uint64()
        code = lib.anidb_cache_get_stats(self._h(), ctypes.byref(entries), ctypes.byref(size))
        if code != 0:
            self._raise(code)
        return int(entries.value), int(size.value)

    def cache_clear(self) -> None:
        """Deletes every cached hash and AniDB answer."""
        code = lib.anidb_cache_clear(self._h())
        if code != 0:
            self._raise(code)

    def is_cached(self, path: _convert.PathLike, algorithm: AlgorithmLike = "ed2k") -> bool:
        """Whether the file as it is on disk now has a cached value for algorithm."""
        from .datatypes import HashAlgorithm

        encoded = _convert.encode_path(path)
        algo = HashAlgorithm.parse(algorithm)
        flag = c_int()
        code = lib.anidb_cache_check_file(self._h(), encoded, algo, ctypes.byref(flag))
        if code != 0:
            self._raise(code, path)
        return bool(flag.value)

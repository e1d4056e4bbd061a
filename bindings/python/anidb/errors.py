"""The library's result codes as Python exceptions.

Every failure the C library reports becomes an :class:`AniDBError` carrying
the code and the library's message. Subclasses let callers catch the ones
they can act on; several also derive from the matching built-in exception
(``FileNotFound`` is a ``FileNotFoundError``, ``InvalidParameter`` a
``ValueError`` ...) so ordinary Python handlers work too.
"""

from __future__ import annotations

import ctypes
from typing import NoReturn


class AniDBError(Exception):
    """Base of every error reported by libanidb.

    Attributes:
        code: the ``anidb_result_t`` value.
        message: the library's explanation.
        path: the file concerned, when there is one.
    """

    code: int = 99

    def __init__(self, code: int, message: str, path: str | bytes | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path

    def __str__(self) -> str:
        text = self.message or f"anidb error {self.code}"
        if self.path is not None and str(self.path) not in text:
            text = f"{text} ({self.path!s})"
        return text


class InvalidHandle(AniDBError, ValueError):
    """A client, operation or batch that was closed or never existed."""


class InvalidParameter(AniDBError, ValueError):
    """An argument the library refused (bad count, unknown enum, not a file ...)."""


class FileNotFound(AniDBError, FileNotFoundError):
    """The file does not exist."""


class ProcessingError(AniDBError):
    """A file failed inside a batch, or a verified hash did not match."""


class OutOfMemory(AniDBError, MemoryError):
    """The library-wide memory limit would be crossed."""


class AniDBIOError(AniDBError, OSError):
    """Reading the file failed, or it changed while it was hashed."""


class NetworkError(AniDBError, ConnectionError):
    """Socket or name-resolution failure talking to AniDB."""


class Timeout(NetworkError, TimeoutError):
    """AniDB did not answer within the retry budget."""


class Cancelled(AniDBError):
    """The operation was cancelled."""


class InvalidUTF8(AniDBError, ValueError):
    """A string (usually a path) is not valid UTF-8."""


class VersionMismatch(AniDBError):
    """The loaded library speaks another ABI version."""


class PermissionDenied(AniDBError, PermissionError):
    """The file cannot be read with the process's permissions."""


class CacheError(AniDBError):
    """The cache database is corrupt, unwritable or full."""


class Busy(AniDBError):
    """Still running, or a re-entrant call from a callback."""


class AniDBReplyError(AniDBError):
    """Base of the errors AniDB itself answered with."""


class LoginFailed(AniDBReplyError):
    """AniDB refused the user name or password (500)."""


class Banned(AniDBReplyError):
    """AniDB banned this client (555), or the ban cool-down still runs."""


class NoSuchFile(AniDBReplyError):
    """AniDB does not know the file (320)."""


class ServerBusy(AniDBReplyError):
    """AniDB rate-limited us or is busy (602/604), even after back-off."""


class OutOfService(AniDBReplyError):
    """AniDB is out of service (601)."""


class ClientRejected(AniDBReplyError):
    """The client name/version is outdated or banned (503/504)."""


class ServerError(AniDBReplyError):
    """AniDB reported an internal error (600 and other 6xx)."""


class AccessDenied(AniDBReplyError):
    """AniDB denied access (502)."""


class ProtocolError(AniDBReplyError):
    """An illegal request (505/598) or a reply that could not be parsed."""


class NoCredentials(AniDBError):
    """AniDB needs a login and no user name/password was configured."""


class UnknownError(AniDBError):
    """Anything the library did not classify."""


ERRORS_BY_CODE: dict[int, type[AniDBError]] = {
    1: InvalidHandle,
    2: InvalidParameter,
    3: FileNotFound,
    4: ProcessingError,
    5: OutOfMemory,
    6: AniDBIOError,
    7: NetworkError,
    8: Cancelled,
    9: InvalidUTF8,
    10: VersionMismatch,
    11: Timeout,
    12: PermissionDenied,
    13: CacheError,
    14: Busy,
    20: LoginFailed,
    21: Banned,
    22: NoSuchFile,
    23: ServerBusy,
    24: OutOfService,
    25: ClientRejected,
    26: ServerError,
    27: AccessDenied,
    28: ProtocolError,
    29: NoCredentials,
    99: UnknownError,
}


def error_for(code: int, message: str = "", path: str | bytes | None = None) -> AniDBError:
    """The exception for a result code; the library's description when no message."""
    if not message:
        from ._native import lib

        raw = lib.anidb_error_string(code)
        message = raw.decode("utf-8", "replace") if raw else f"anidb error {code}"
    cls = ERRORS_BY_CODE.get(code, UnknownError)
    return cls(code, message, path)


def thread_last_error() -> str:
    """The calling thread's last error message (for calls without a client)."""
    from ._native import lib

    buffer = ctypes.create_string_buffer(1024)
    if lib.anidb_get_last_error(buffer, len(buffer)) != 0:
        return ""
    return buffer.value.decode("utf-8", "replace")


def raise_for_thread(code: int, path: str | bytes | None = None) -> NoReturn:
    """Raises the exception for code with the thread's last error message."""
    raise error_for(code, thread_last_error(), path)

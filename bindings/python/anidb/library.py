"""Library-wide functions: version, memory, one-shot hashing."""

from __future__ import annotations

import ctypes

from . import _native
from ._convert import check_size, encode_path
from ._native import (
    ALLOCATION_TYPE_NAMES,
    AllocationStatsStruct,
    MemoryStatsStruct,
    c_size_t,
    c_uint64,
    ensure_initialised,
    lib,
)
from .errors import raise_for_thread
from .datatypes import AlgorithmLike, HashAlgorithm, LeakCheck, MemoryPressure, MemoryStats


def version() -> str:
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return lib.anidb_get_version().decode("ascii")


def abi_version() -> int:
    """The ABI version (ANIDB_ABI_VERSION) of the loaded library."""
    return int(lib.anidb_get_abi_version())


def memory_stats() -> MemoryStats:
    """A snapshot of the library's memory accounting (``anidb_get_memory_stats``)."""
    ensure_initialised()
    stats = MemoryStatsStruct()
    code = lib.anidb_get_memory_stats(ctypes.byref(stats))
    if code != 0:
        raise_for_thread(code)
    try:
        pressure: MemoryPressure | int = MemoryPressure(stats.memory_pressure)
    except ValueError:
        pressure = int(stats.memory_pressure)
    return MemoryStats(
        total_memory_used=int(stats.total_memory_used),
        ffi_allocated=int(stats.ffi_allocated),
        ffi_peak=int(stats.ffi_peak),
        pool_memory=int(stats.pool_memory),
        pool_hits=int(stats.pool_hits),
        pool_misses=int(stats.pool_misses),
        active_allocations=int(stats.active_allocations),
        memory_limit=int(stats.memory_limit),
        memory_pressure=pressure,  # type: ignore[arg-type]
    )


def leak_check() -> LeakCheck:
    """(count, bytes) of library allocations handed out and not yet freed,
    with the figures per allocation type in ``.by_type`` (see LeakCheck).

    The binding frees everything it receives, so this is (0, 0) whenever no
    call is in progress.
    """
    ensure_initialised()
    figures = (AllocationStatsStruct * len(ALLOCATION_TYPE_NAMES))()
    filled = c_size_t()
    code = lib.anidb_get_allocation_stats(figures, len(figures), ctypes.byref(filled))
    if code != 0:
        raise_for_thread(code)
    count = c_uint64()
    size = c_uint64()
    code = lib.anidb_check_memory_leaks(ctypes.byref(count), ctypes.byref(size))
    if code != 0:
        raise_for_thread(code)
    by_type = {ALLOCATION_TYPE_NAMES[i]: (int(figures[i].live_count), int(figures[i].live_bytes))
               for i in range(filled.value)}
    return LeakCheck(int(count.value), int(size.value), by_type)


def set_memory_limit(limit: int) -> None:
    """Sets the library-wide memory limit in bytes; 0 restores the 500 MiB default."""
    check_size(limit, "limit")
    ensure_initialised()
    lib.anidb_set_memory_limit(limit)


def memory_gc() -> None:
    """Frees every idle pooled buffer now."""
    ensure_initialised()
    lib.anidb_memory_gc()


def hash_bytes(data: bytes | bytearray | memoryview, algorithm: AlgorithmLike = "ed2k") -> str:
    """Hashes bytes in memory with one algorithm (``anidb_calculate_hash_buffer``)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes-like, not {type(data).__name__}")
    algo = HashAlgorithm.parse(algorithm)
    ensure_initialised()
    raw = bytes(data)
    out = ctypes.create_string_buffer(lib.anidb_hash_buffer_size(algo))
    code = lib.anidb_calculate_hash_buffer(raw if raw else None, len(raw), algo, out, len(out))
    if code != 0:
        raise_for_thread(code)
    return out.value.decode("ascii")


def hash_file(path: object, algorithm: AlgorithmLike = "ed2k") -> str:
    """Hashes one file with one algorithm without a client or cache.

    Blocks until done (use :meth:`anidb.Client.hash` for progress and
    Ctrl-C)."""
    encoded = encode_path(path)
    algo = HashAlgorithm.parse(algorithm)
    ensure_initialised()
    out = ctypes.create_string_buffer(lib.anidb_hash_buffer_size(algo))
    code = lib.anidb_calculate_hash(encoded, algo, out, len(out))
    if code != 0:
        raise_for_thread(code, path)  # type: ignore[arg-type]
    return out.value.decode("ascii")


def cleanup() -> None:
    """``anidb_cleanup()``: destroys every client and frees the library's state.

    Results already returned stay valid (they are Python copies). The next
    call into the library initialises it again."""
    _native.cleanup()

"""Command line: ``anidb-py`` or ``python3 -m anidb hash FILE... [-a ed2k,crc32]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import AniDBError, Client, HashAlgorithm, version


def _parse_algorithms(text: str) -> list[HashAlgorithm]:
    try:
        return [HashAlgorithm.parse(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _build_parser() -> argparse.ArgumentParser:
    # `anidb-py` when run through the entry point, `python3 -m anidb` otherwise.
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    prog = invoked if invoked and not invoked.endswith(".py") else "python3 -m anidb"
    parser = argparse.ArgumentParser(prog=prog, description="libanidb from Python")
    parser.add_argument("--version", action="version", version=f"libanidb {version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    hash_cmd = commands.add_parser("hash", help="hash files")
    hash_cmd.add_argument("files", nargs="+", metavar="FILE")
    hash_cmd.add_argument("-a", "--algorithms", type=_parse_algorithms,
                          default=[HashAlgorithm.ED2K, HashAlgorithm.CRC32],
                          help="comma-separated: ed2k,crc32,md5,sha1,tth,ed2k_blue (default ed2k,crc32)")
    hash_cmd.add_argument("-j", "--jobs", type=int, default=None, help="files hashed at once")
    hash_cmd.add_argument("--cache-dir", default=None, help="cache directory (default: the library's)")
    hash_cmd.add_argument("--no-cache", action="store_true", help="do not use the hash cache")
    hash_cmd.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def _hash(args: argparse.Namespace) -> int:
    failures = 0
    options = {"cache.enabled": "0"} if args.no_cache else {}
    with Client(cache_dir=args.cache_dir, options=options) as client:
        for outcome in client.hash_many(args.files, args.algorithms, jobs=args.jobs,
                                        continue_on_error=True):
            if isinstance(outcome, AniDBError):
                failures += 1
                print(f"error: {outcome}", file=sys.stderr)
                continue
            if args.json:
                print(json.dumps({"path": outcome.path, "size": outcome.size,
                                  "hashes": outcome.hashes, "elapsed": outcome.elapsed}))
            else:
                print(outcome.path)
                width = max(4, *(len(name) for name in outcome.hashes))
                print(f"  {'size':<{width}} {outcome.size}")
                for name, value in outcome.hashes.items():
                    print(f"  {name:<{width}} {value}")
    return 1 if failures else 0


# What a shell reports for a program ended by SIGPIPE (128 + 13).
_SIGPIPE_STATUS = 141


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "hash":
            return _hash(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as `anidb` does.
        # Python would flush stdout again at exit and fail once more, so it
        # is pointed at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return _SIGPIPE_STATUS
    except AniDBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())

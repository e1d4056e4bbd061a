#!/usr/bin/env bash
# run_with_fake_anidb.sh FAKE_ANIDB PROGRAM [ARG...]
# Starts the fake AniDB server (tests/support/fake_anidb) on a free loopback
# port with a one-file catalog and the account example/secret, runs PROGRAM
# with every @SERVER@ argument replaced by 127.0.0.1:PORT and the account in
# $ANIDB_USERNAME/$ANIDB_PASSWORD, stops the server and exits with
# PROGRAM's status. Exits 77 (skipped) when FAKE_ANIDB is empty.
set -euo pipefail
fake=${1:-}
shift
if [ -z "$fake" ]; then
  echo "fake-anidb is not built: skipped" >&2
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/anidb-fake-XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The catalog's format is described in tests/support/fake_anidb/catalog.h.
cat > "$work/catalog.txt" <<'CATALOG'
file fid=424242 aid=3131 eid=55501 gid=777 size=734003200 ed2k=0f1e2d3c4b5a69788796a5b4c3d2e1f0 crc32=9a8b7c6d state=1 quality=high source=DVD resolution=848x480 file_type=mkv
anime aid=3131 romaji_name="Aozora Kikou" english_name="Blue Sky Voyage" episodes=12 year=2019 type="TV Series"
episode eid=55501 aid=3131 epno=03 english="The Captain's Map" length=24
group gid=777 name="Northwind Subs" short_name=NWS
CATALOG

"$fake" --port 0 --port-file "$work/port" --catalog "$work/catalog.txt" \
  --users example:secret --flood-interval-ms 50 &
pid=$!
for _ in $(seq 300); do
  [ -s "$work/port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "fake-anidb exited" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/port" ] || { echo "fake-anidb did not start" >&2; exit 1; }
port=$(cat "$work/port")

args=()
for a in "$@"; do
  if [ "$a" = "@SERVER@" ]; then args+=("127.0.0.1:$port"); else args+=("$a"); fi
done
# A host-wide AniDB state (rate limit, cool-downs) of this run's own, so
# parallel test runs do not share one budget.
export ANIDB_USERNAME=example ANIDB_PASSWORD=secret ANIDB_CACHE_DIR="$work/cache"
export ANIDB_HOST_STATE_DIR="$work/host"
set +e
"${args[@]}"
status=$?
set -e
exit "$status"

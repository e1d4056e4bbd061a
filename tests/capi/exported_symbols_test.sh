#!/usr/bin/env bash
# libanidb.so exports exactly the functions anidb.h declares: no more (no
# C++ internals leak) and no fewer (no declared function is missing).
set -euo pipefail
lib=$1
header=$2
declared=$(grep -oE 'ANIDB_API [^;]*\b(anidb_[a-z0-9_]+)\(' "$header" | grep -oE 'anidb_[a-z0-9_]+\($' | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u)
if [ "$declared" != "$exported" ]; then
  echo "declared but not exported:"; comm -23 <(echo "$declared") <(echo "$exported")
  echo "exported but not declared:"; comm -13 <(echo "$declared") <(echo "$exported")
  echo "0 passed, 1 failed"
  exit 1
fi
soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
if [ "$soname" != "libanidb.so.1" ]; then echo "unexpected SONAME $soname"; exit 1; fi
echo "$(echo "$declared" | wc -l) functions declared and exported; SONAME $soname"
echo "1 passed, 0 failed"

#!/bin/sh
# seed_example.inc must be the seed document's "Complete Memory Management"
# example byte for byte. Usage: seed_example_text.sh <ffi-memory-model.md> <seed_example.inc>
# Exit 77 (skipped) when the document is not on this machine.
set -eu
doc=$1
copy=$2
[ -r "$doc" ] || { echo "no seed document at $doc"; exit 77; }
extracted=$(mktemp)
trap 'rm -f "$extracted"' EXIT
awk '/^## Example: Complete Memory Management/{f=1;next} f&&/^```c$/{g=1;next} g&&/^```$/{exit} g{print}' "$doc" > "$extracted"
[ -s "$extracted" ] || { echo "the example was not found in $doc"; exit 1; }
cmp "$extracted" "$copy" && echo "seed_example.inc is the seed's example"

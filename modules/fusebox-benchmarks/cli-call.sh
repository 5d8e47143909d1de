#!/usr/bin/env bash
# Wall time of `./fusebox call` against a running node (start one with ./fusebox run first):
#   bash modules/fusebox-benchmarks/cli-call.sh [calls] [breaker] [operation]
# Prints each call's wall time and the min, median and max. The first call after a build also
# writes the class-data archive the later ones use, so it is reported apart.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
calls="${1:-10}" breaker="${2:-catalog}" operation="${3:-{\"path\":\"/items\"\}}"
times=()
for i in $(seq 1 "$calls"); do
  start=$(date +%s%N)
  "$root/fusebox" call "$breaker" "$operation" >/dev/null 2>&1 || { echo "call $i failed; is a node running?" >&2; exit 1; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "call $i: $ms ms"
  [ "$i" -gt 1 ] && times+=("$ms")
done
if [ ${#times[@]} -gt 0 ]; then
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  n=${#sorted[@]}
  echo "after the first: min ${sorted[0]} ms, median ${sorted[$((n / 2))]} ms, max ${sorted[$((n - 1))]} ms over $n calls"
fi

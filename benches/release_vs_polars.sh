#!/usr/bin/env bash
# `safecount release` of one quarter against an independent plain-polars
# computation of the same tables (benches/release_polars.py), both as whole
# processes, side by side in one run, each round on a fresh copy of the store
# (a release spends budget, so it is never re-served from the ledger).
#
#   SAFECOUNT_BENCH_KEEP=1 cargo bench --bench release   # prints "store kept in DIR"
#   benches/release_vs_polars.sh DIR [ROUNDS]
#
# First it checks that the comparator computes the same cells: a release at
# rho = 1e13 (noise far below rounding) is compared cell by cell. Then ROUNDS
# (default 3) timed pairs, alternating which goes first. Needs Python polars
# and GNU time; SAFECOUNT=path/to/safecount picks the binary.
set -euo pipefail
store=${1:?usage: benches/release_vs_polars.sh STORE [ROUNDS]}
rounds=${2:-3}
quarter=${QUARTER:-2025Q3}
here=$(cd "$(dirname "$0")" && pwd)
bin=${SAFECOUNT:-${CARGO_TARGET_DIR:-$here/../target}/release/safecount}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c 'import polars; print("python polars", polars.__version__)'
nproc | sed 's/^/cores: /'

cp -a "$store" "$work/check"
mkdir -p "$work/check/releases/$quarter" "$work/new"
ls "$work/check/releases/$quarter" > "$work/before"
"$bin" budget set --period "$quarter" --rho 1e15 --agency-rho 1e15 --store "$work/check" \
  --note "comparator check on synthetic records" > /dev/null
"$bin" release --period "$quarter" --rho 1e13 --store "$work/check" > /dev/null
# Only this release's files (a kept bench store holds the bench's own).
for f in "$work/check/releases/$quarter"/*.parquet; do
  grep -qxF "$(basename "$f")" "$work/before" || cp "$f" "$work/new/"
done
python3 "$here/release_polars.py" "$work/check" "$quarter" "$work/check-out" --check "$work/new"
rm -rf "$work/check" "$work/check-out" "$work/new"

timed() { # label command... -> "label seconds peak_kB"
  local label=$1; shift
  /usr/bin/time -f "$label %e %M" -o "$work/time" "$@" > /dev/null
  cat "$work/time"
}
for round in $(seq "$rounds"); do
  cp -a "$store" "$work/r$round"
  sync
  release() { timed safecount "$bin" release --period "$quarter" --rho 1 --store "$work/r$round"; }
  polars() { timed polars python3 "$here/release_polars.py" "$work/r$round" "$quarter" "$work/out$round"; }
  if (( round % 2 )); then a=$(release); b=$(polars); else b=$(polars); a=$(release); fi
  read -r _ ts ms <<< "$a"; read -r _ tp mp <<< "$b"
  awk -v r="$round" -v ts="$ts" -v ms="$ms" -v tp="$tp" -v mp="$mp" 'BEGIN {
    printf "round %d: safecount release %.2f s (%.2f GB), plain polars %.2f s (%.2f GB), ratio %.2f\n",
      r, ts, ms / 1048576, tp, mp / 1048576, ts / tp }'
  rm -rf "$work/r$round" "$work/out$round"
done

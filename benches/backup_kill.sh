#!/usr/bin/env bash
# Crash benchmark for `safecount store backup`: build the demo store, then
# kill -9 a backup at a random moment, many times; after each kill the live
# store must verify (`budget --verify`), and no backup folder may appear
# half-made. (Backups during uploads: tests/it/backup.rs.)
# Ends with one whole backup restored and verified. Not a test: run by hand,
# figures in BENCHMARKS.md.
#   benches/backup_kill.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/safecount-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/safecount"
work="$(mktemp -d)"
store="$work/store"
trap 'rm -rf "$work"' EXIT
"$bin" demo --store "$store" >/dev/null 2>&1
killed=0 finished=0 bad=0
for i in $(seq 1 "$kills"); do
  rm -rf "$work/backup" "$work/backup.partial"
  "$bin" store backup "$work/backup" --store "$store" >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
  wait "$pid" 2>/dev/null || true
  if [ -e "$work/backup" ] && [ ! -f "$work/backup/backup.json" ]; then
    echo "kill $i: a backup folder without its manifest"; bad=$((bad + 1))
  fi
  "$bin" budget --verify --store "$store" >/dev/null 2>&1 || { echo "kill $i: the live store does not verify"; bad=$((bad + 1)); }
done
rm -rf "$work/backup" "$work/backup.partial"
/usr/bin/time -f "whole backup: %e s, %M KiB" "$bin" store backup "$work/backup" --store "$store" >/dev/null
/usr/bin/time -f "restore + verify: %e s, %M KiB" "$bin" store restore "$work/backup" --store "$work/restored" >/dev/null
echo "kills: $killed killed mid-backup, $finished finished first; problems: $bad"
[ "$bad" -eq 0 ]

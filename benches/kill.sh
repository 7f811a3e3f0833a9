#!/usr/bin/env bash
# Crash benchmark: kill -9 `safecount submit` many times, at random moments,
# at the moment its staging files appear, and at the failpoint between the
# ledger row and the rename; then check that the store is whole. Not a test:
# run by hand, figures in BENCHMARKS.md.
#   benches/kill.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-50}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/safecount-target}"
cargo build --release --quiet --features testing   # its failpoints
bin="$CARGO_TARGET_DIR/release/safecount"
work="$(mktemp -d)"
store="$work/store"
trap 'rm -rf "$work"' EXIT

agencies=(maison-esperance lakeshore-legal-clinic coastal-workers-centre prairie-haven)
exts=(csv csv parquet xlsx)
quarters=(2024Q1 2024Q2 2024Q3 2024Q4 2025Q1 2025Q2 2025Q3 2025Q4)

submit() { # agency ext quarter; `exec`, so that a background call's $! is safecount itself
  exec "$bin" submit "sample-data/extracts/$1/$1-$3.$2" --profile "sample-data/profiles/$1.toml" \
    --quarter "$3" --store "$store" >/dev/null 2>&1
}
left=0   # staging files found right after the kills, before any other command
count_left() { left=$((left + $(ls -A "$store/tmp" 2>/dev/null | wc -l))); }

"$bin" budget --store "$store" >/dev/null   # create the store
random_kills=0 staged_kills=0 failpoint_kills=0 finished=0
for i in $(seq 1 "$kills"); do
  a=$((i % 4)); q=${quarters[$(((i / 4) % 8))]}
  agency=${agencies[$a]} ext=${exts[$a]}
  case $((i % 3)) in
    0) # a random moment in the first 400 ms
      (submit "$agency" "$ext" "$q") & pid=$!
      sleep "0.$(printf '%03d' $((RANDOM % 120)))"
      if kill -9 "$pid" 2>/dev/null; then random_kills=$((random_kills + 1)); else finished=$((finished + 1)); fi
      wait "$pid" 2>/dev/null || true ;;
    1) # the moment a staging file appears
      (submit "$agency" "$ext" "$q") & pid=$!
      for _ in $(seq 1 2000); do
        if [ -n "$(ls -A "$store/tmp" 2>/dev/null)" ]; then break; fi
        sleep 0.001
      done
      if kill -9 "$pid" 2>/dev/null; then staged_kills=$((staged_kills + 1)); else finished=$((finished + 1)); fi
      wait "$pid" 2>/dev/null || true ;;
    2) # between the ledger row and the rename (the process aborts)
      (SAFECOUNT_FAILPOINT=submit-after-record submit "$agency" "$ext" "$q") 2>/dev/null || true
      failpoint_kills=$((failpoint_kills + 1)) ;;
  esac
  count_left
done
left_before=$left
verify="$("$bin" budget --verify --store "$store" 2>&1)" && ok=yes || ok=no
left_after=$(ls -A "$store/tmp" | wc -l)
orphans=$(grep -c "no submission names this file" <<<"$verify" || true)
rows=$(python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('select count(*) from submissions').fetchone()[0])" "$store/ledger.sqlite")
missing=$(python3 - "$store" <<'PY'
import os, sqlite3, sys
root = sys.argv[1]
rows = sqlite3.connect(os.path.join(root, "ledger.sqlite")).execute(
    "select canonical_path, raw_path from submissions").fetchall()
print(sum(1 for c, r in rows for p in (c, r) if p and not os.path.exists(os.path.join(root, p))))
PY
)
echo "kills: $random_kills at random moments, $staged_kills as staging files appeared, $failpoint_kills at the failpoint ($finished finished before the kill)"
echo "tmp/ files found right after the kills (each removed or adopted by the next command): $left_before; after the last command: $left_after"
echo "budget --verify clean: $ok; orphan files: $orphans; submissions recorded: $rows; recorded files missing: $missing"
[ "$ok" = yes ] && [ "$left_after" = 0 ] && [ "$orphans" = 0 ] && [ "$missing" = 0 ]

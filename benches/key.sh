#!/usr/bin/env bash
# Benchmark: `safecount key` over a 1,000,000-row identity export and extract
# (make_identity.py, make_extract.py), beside an independent Python
# implementation of the same key (key_baseline.py), which also checks every
# key. Wall time and peak memory by GNU time. Not a test: run by hand.
#   benches/key.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="${TMPDIR:-/tmp}/safecount-bench"
mkdir -p "$work"
extract="$work/extract-$rows.csv"
identity="$work/identity-$rows.csv"
[ -f "$extract" ] || python3 benches/make_extract.py "$extract" "$rows"
[ -f "$identity" ] || python3 benches/make_identity.py "$identity" "$rows"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/safecount-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/safecount"
cat > "$work/key-profile.toml" <<'TOML'
[agency]
slug = "bench-agency"
name = "Bench agency"
[cases]
person_key = "person_key"
[linkage]
names = ["Given name", "Family name"]
date_of_birth = "Date of birth"
join = "person_key"
TOML
rm -f "$work/secret.txt"
"$bin" key --new-secret "$work/secret.txt" > /dev/null
for run in 1 2 3; do
  /usr/bin/time -f "run $run: safecount key %e s wall, %M KiB peak RSS" "$bin" key "$extract" \
    --profile "$work/key-profile.toml" --identity "$identity" --secret "$work/secret.txt" \
    --out "$work/keyed-$rows.csv" --json > "$work/key-summary.json"
  /usr/bin/time -f "run $run: python hmac baseline (keys + check) %e s wall, %M KiB peak RSS" \
    python3 benches/key_baseline.py "$work/secret.txt" "$identity" "$work/keyed-$rows.csv" bench-agency
done
cat "$work/key-summary.json"

#!/usr/bin/env bash
# Benchmark: validate + normalise a 1,000,000-row, 36-column canonical CSV
# extract, with wall time and peak memory (GNU time). Not a test: run by hand.
#   benches/intake.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="${TMPDIR:-/tmp}/safecount-bench"
mkdir -p "$work"
extract="$work/extract-$rows.csv"
[ -f "$extract" ] || python3 benches/make_extract.py "$extract" "$rows"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/safecount-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/safecount"
ls -l "$extract"
# The comparator: bare polars reading the same CSV (Python polars, if a venv
# with it is given as PYTHON, e.g. the one benches/release_opendp.py uses).
py="${PYTHON:-/tmp/venv-opendp/bin/python}"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: safecount validate %e s wall, %M KiB peak RSS" "$bin" validate "$extract" --profile canonical --json > "$work/report.json" || true
  if [ -x "$py" ]; then
    /usr/bin/time -f "run $run: polars read_csv %e s wall, %M KiB peak RSS" "$py" -c "import polars as pl; pl.read_csv('$extract', infer_schema_length=10000)" || true
  fi
done
python3 -c "import json;r=json.load(open('$work/report.json'));print('valid:',r['valid'],'rows:',r['rows_read'],'records:',r['records'])"

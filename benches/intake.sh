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
# A second polars, installed apart (`pip install --target DIR polars==1.36.0`),
# runs in the same loop when POLARS_OTHER=DIR is given: the issue compares
# against the faster of two versions.
py="${PYTHON:-/tmp/venv-opendp/bin/python}"
[ -x "$py" ] || py="$(command -v python3)"
read_csv="import polars as pl; pl.read_csv('$extract', infer_schema_length=10000)"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: safecount validate %e s wall, %M KiB peak RSS" "$bin" validate "$extract" --profile canonical --json > "$work/report.json" || true
  if "$py" -c "import polars" 2>/dev/null; then
    v=$("$py" -c "import polars; print(polars.__version__)")
    /usr/bin/time -f "run $run: polars $v read_csv %e s wall, %M KiB peak RSS" "$py" -c "$read_csv" || true
  fi
  if [ -n "${POLARS_OTHER:-}" ]; then
    v=$(PYTHONPATH="$POLARS_OTHER" "$py" -c "import polars; print(polars.__version__)")
    PYTHONPATH="$POLARS_OTHER" /usr/bin/time -f "run $run: polars $v read_csv %e s wall, %M KiB peak RSS" "$py" -c "$read_csv" || true
  fi
done
python3 -c "import json;r=json.load(open('$work/report.json'));print('valid:',r['valid'],'rows:',r['rows_read'],'records:',r['records'])"

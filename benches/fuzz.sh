#!/usr/bin/env bash
# Fuzzing: the CSV share reader and the profile mapper, each for ten minutes
# (or SECONDS_EACH). Not a test: run by hand, results in BENCHMARKS.md. A
# failure prints the input that broke it; make it a regression test.
#   benches/fuzz.sh [SECONDS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/safecount-target}"
export SAFECOUNT_FUZZ_SECS="${1:-600}"
cargo test --release --lib fuzz_shares_read_as_one_reader -- --nocapture 2>&1 | grep -E "fuzz_|panicked|test result"
cargo test --release --test it fuzz_the_mapper -- --nocapture 2>&1 | grep -E "fuzz_|panicked|test result"

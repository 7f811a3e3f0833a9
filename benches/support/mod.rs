//! What the benchmarks share: synthetic case records and agency returns,
//! stored as submissions are.

use safecount::sample::synthetic::{canonical_cases, canonical_returns};
use safecount::schema::ExtractKind;
use safecount::store::Store;

/// Store one synthetic quarterly return for each of `agencies` agencies
/// (`agency-000`, ...), one submission each.
pub fn store_returns(store: &Store, period: &str, agencies: usize) {
    let returns = canonical_returns(agencies, period, 7).unwrap();
    for i in 0..returns.height() {
        let mut row = returns.slice(i as i64, 1);
        store
            .import_canonical(
                &mut row,
                &format!("agency-{i:03}"),
                ExtractKind::Returns,
                period,
            )
            .unwrap();
    }
}

/// Records per synthetic agency: an upload is at most 1 GiB, about 3.5M
/// rows of a wide extract, so no real agency sends more in one file.
pub const PER_AGENCY: usize = 1_000_000;

/// Store `n` synthetic case records as agencies of at most [`PER_AGENCY`]
/// records (`synthetic-0000`, ...), one submission each, generated one
/// agency at a time; returns how many agencies.
pub fn store_cases(store: &Store, period: &str, n: usize) -> usize {
    let (mut stored, mut agency) = (0, 0);
    while stored < n {
        let rows = PER_AGENCY.min(n - stored);
        let mut cases = canonical_cases(rows, 50, period, 7 + agency as u64).unwrap();
        store
            .import_canonical(
                &mut cases,
                &format!("synthetic-{agency:04}"),
                ExtractKind::Cases,
                period,
            )
            .unwrap();
        stored += rows;
        agency += 1;
    }
    agency
}

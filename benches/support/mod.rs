//! What the benchmarks share: synthetic agency returns stored as submissions are.

use safecount::sample::synthetic::canonical_returns;
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

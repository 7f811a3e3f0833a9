//! The ledger's hash chain: how an event is hashed to the one before it,
//! and the check of the whole chain (`budget --verify`).

use super::{Event, GENESIS, LedgerError, events};
use rusqlite::Connection;

/// The hash chaining an event to the one before: SHA-256 of its fields,
/// one per line, each amount written as the 16 hex digits of its IEEE-754
/// bits (`f64::to_bits`) and a missing one as `-`. These bytes depend on no
/// formatting the language may change.
pub(super) fn chain_hash(e: &Event) -> String {
    let bits = |x: f64| format!("{:016x}", x.to_bits());
    let maybe = |x: Option<f64>| x.map_or_else(|| "-".to_string(), bits);
    let text = format!(
        "v2\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        e.seq,
        e.at,
        e.event,
        e.period,
        e.release_id.as_deref().unwrap_or(""),
        bits(e.rho),
        maybe(e.epsilon),
        maybe(e.delta),
        e.detail,
        e.prev_hash
    );
    crate::digest::sha256_hex(text.as_bytes())
}

/// The first rule, which wrote amounts with `{:?}` (Rust's `Debug`, whose
/// output the language does not promise to keep). Ledgers written before
/// the change verify under it up to their first event hashed by
/// [`chain_hash`]; from that event on, which marks the change in the chain
/// itself, only the new rule is accepted.
pub(super) fn chain_hash_v1(e: &Event) -> String {
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{:?}\n{:?}\n{:?}\n{}\n{}",
        e.seq,
        e.at,
        e.event,
        e.period,
        e.release_id.as_deref().unwrap_or(""),
        e.rho,
        e.epsilon,
        e.delta,
        e.detail,
        e.prev_hash
    );
    crate::digest::sha256_hex(text.as_bytes())
}

/// Check the hash chain and the append-only triggers; returns the number of events.
pub fn verify(conn: &Connection) -> Result<usize, LedgerError> {
    let triggers: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('budget_ledger_no_update', 'budget_ledger_no_delete')",
        [],
        |r| r.get(0),
    )?;
    if triggers != 2 {
        return Err(LedgerError::TriggersMissing);
    }
    let events = events(conn)?;
    let mut prev = GENESIS.to_string();
    // Events of a ledger written before the canonical rule, until the first
    // event written under it.
    let mut before_the_change = true;
    for (i, e) in events.iter().enumerate() {
        let canonical = chain_hash(e) == e.hash;
        before_the_change &= !canonical;
        let hashed = canonical || (before_the_change && chain_hash_v1(e) == e.hash);
        if e.seq != i as i64 + 1 || e.prev_hash != prev || !hashed {
            return Err(LedgerError::Tampered { seq: e.seq });
        }
        prev = e.hash.clone();
    }
    Ok(events.len())
}

//! The privacy-budget ledger: an append-only, hash-chained log in SQLite of
//! budgets set per period of data, debits made before any noise is drawn, and
//! completions when a release is written.
//!
//! Accounting is zero-concentrated DP (rho). A period's budget is the latest
//! `budget` event for it; its spend is the sum of its `debit` events. Pure-DP
//! releases are debited at rho = epsilon^2 / 2, since epsilon-DP implies
//! (epsilon^2/2)-zCDP (Bun & Steinke 2016, "Concentrated Differential Privacy:
//! Simplifications, Extensions, and Lower Bounds", Prop. 1.4). zCDP losses
//! compose by addition (ibid., Lemma 1.7), so a person present in several
//! periods has lost the sum of those periods' spend.
//!
//! Every debit runs in one `BEGIN IMMEDIATE` transaction (SQLite's writer
//! lock): read budget and spend, refuse or append. Concurrent runs therefore
//! serialise and can never overspend. Triggers refuse UPDATE and DELETE, and
//! each event carries the SHA-256 of the previous one, so `verify` detects an
//! edit made behind SQLite's back.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Relative slack when comparing sums of floating-point rho.
const TOLERANCE: f64 = 1e-12;

pub fn create_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        r#"
CREATE TABLE IF NOT EXISTS budget_ledger (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    event      TEXT NOT NULL CHECK (event IN ('budget', 'debit', 'complete')),
    period     TEXT NOT NULL,
    release_id TEXT,
    rho        REAL NOT NULL,
    epsilon    REAL,
    delta      REAL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS budget_ledger_no_update BEFORE UPDATE ON budget_ledger
BEGIN SELECT RAISE(ABORT, 'the budget ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS budget_ledger_no_delete BEFORE DELETE ON budget_ledger
BEGIN SELECT RAISE(ABORT, 'the budget ledger is append-only'); END;
"#,
    )
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "no budget is set for {period}: the collaborative sets one with `safecount budget set --period {period} --rho R`"
    )]
    NoBudget { period: String },
    #[error(
        "refused: this release needs rho = {requested:.6} of {period}'s budget, but {spent:.6} of {budget:.6} is spent and only {remaining:.6} remains"
    )]
    Overspend {
        period: String,
        budget: f64,
        spent: f64,
        requested: f64,
        remaining: f64,
    },
    #[error("a budget must be a positive, finite rho (got {0})")]
    BadAmount(f64),
    #[error("the ledger was altered: event {seq} does not match its hash chain")]
    Tampered { seq: i64 },
    #[error("the ledger's append-only triggers are missing")]
    TriggersMissing,
    #[error("ledger database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// One event as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    pub seq: i64,
    pub at: String,
    pub event: String,
    pub period: String,
    pub release_id: Option<String>,
    pub rho: f64,
    pub epsilon: Option<f64>,
    pub delta: Option<f64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn chain_hash(e: &Event) -> String {
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
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn append(tx: &rusqlite::Transaction<'_>, mut e: Event) -> Result<Event, LedgerError> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM budget_ledger ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    e.seq = last.as_ref().map(|l| l.0 + 1).unwrap_or(1);
    e.prev_hash = last.map(|l| l.1).unwrap_or_else(|| GENESIS.into());
    e.at = crate::store::now();
    e.hash = chain_hash(&e);
    tx.execute(
        "INSERT INTO budget_ledger (seq, at, event, period, release_id, rho, epsilon, delta, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![e.seq, e.at, e.event, e.period, e.release_id, e.rho, e.epsilon, e.delta, e.detail, e.prev_hash, e.hash],
    )?;
    Ok(e)
}

fn new_event(
    event: &str,
    period: &str,
    release_id: Option<&str>,
    rho: f64,
    epsilon: Option<f64>,
    delta: Option<f64>,
    detail: String,
) -> Event {
    Event {
        seq: 0,
        at: String::new(),
        event: event.into(),
        period: period.into(),
        release_id: release_id.map(String::from),
        rho,
        epsilon,
        delta,
        detail,
        prev_hash: String::new(),
        hash: String::new(),
    }
}

/// Budget and spend of one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeriodBudget {
    pub period: String,
    pub budget_rho: f64,
    pub spent_rho: f64,
    pub remaining_rho: f64,
    pub releases: u64,
}

fn budget_of(conn: &Connection, period: &str) -> Result<Option<f64>, LedgerError> {
    Ok(conn
        .query_row(
            "SELECT rho FROM budget_ledger WHERE event = 'budget' AND period = ?1 ORDER BY seq DESC LIMIT 1",
            params![period],
            |r| r.get(0),
        )
        .optional()?)
}

fn spent_of(conn: &Connection, period: &str) -> Result<f64, LedgerError> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(rho), 0.0) FROM budget_ledger WHERE event = 'debit' AND period = ?1",
        params![period],
        |r| r.get(0),
    )?)
}

/// Set (or change) the budget of a period.
pub fn set_budget(
    conn: &mut Connection,
    period: &str,
    rho: f64,
    note: &str,
) -> Result<Event, LedgerError> {
    if !(rho.is_finite() && rho > 0.0) {
        return Err(LedgerError::BadAmount(rho));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let e = append(
        &tx,
        new_event(
            "budget",
            period,
            None,
            rho,
            None,
            None,
            serde_json::json!({ "note": note }).to_string(),
        ),
    )?;
    tx.commit()?;
    Ok(e)
}

/// How a debit request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Debit {
    /// Newly debited: compute and write the release, then `complete` it.
    Debited,
    /// Debited earlier and never completed (a crash): compute and write it now; nothing more is spent.
    Pending,
    /// Debited and completed earlier: re-serve the stored file (path, sha256); nothing is spent.
    Complete { path: String, sha256: String },
}

/// Debit `rho` for `release_id` from `period`'s budget, in one transaction, before any noise is drawn.
pub fn debit(
    conn: &mut Connection,
    period: &str,
    release_id: &str,
    rho: f64,
    epsilon: Option<f64>,
    delta: Option<f64>,
    detail: &serde_json::Value,
) -> Result<Debit, LedgerError> {
    if !(rho.is_finite() && rho > 0.0) {
        return Err(LedgerError::BadAmount(rho));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let done: Option<(String, String)> = tx
        .query_row(
            "SELECT detail, release_id FROM budget_ledger WHERE event = 'complete' AND release_id = ?1 ORDER BY seq DESC LIMIT 1",
            params![release_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((detail, _)) = done {
        let v: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        return Ok(Debit::Complete {
            path: v["path"].as_str().unwrap_or_default().to_string(),
            sha256: v["sha256"].as_str().unwrap_or_default().to_string(),
        });
    }
    let debited: bool = tx
        .query_row(
            "SELECT 1 FROM budget_ledger WHERE event = 'debit' AND release_id = ?1",
            params![release_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if debited {
        return Ok(Debit::Pending);
    }
    let budget = budget_of(&tx, period)?.ok_or_else(|| LedgerError::NoBudget {
        period: period.into(),
    })?;
    let spent = spent_of(&tx, period)?;
    if spent + rho > budget * (1.0 + TOLERANCE) {
        return Err(LedgerError::Overspend {
            period: period.into(),
            budget,
            spent,
            requested: rho,
            remaining: (budget - spent).max(0.0),
        });
    }
    append(
        &tx,
        new_event(
            "debit",
            period,
            Some(release_id),
            rho,
            epsilon,
            delta,
            detail.to_string(),
        ),
    )?;
    tx.commit()?;
    Ok(Debit::Debited)
}

/// Record that a debited release was written.
pub fn complete(
    conn: &mut Connection,
    period: &str,
    release_id: &str,
    path: &str,
    sha256: &str,
) -> Result<Event, LedgerError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let e = append(
        &tx,
        new_event(
            "complete",
            period,
            Some(release_id),
            0.0,
            None,
            None,
            serde_json::json!({ "path": path, "sha256": sha256 }).to_string(),
        ),
    )?;
    tx.commit()?;
    Ok(e)
}

/// Budget, spend and releases of every period with a budget or a debit.
pub fn status(conn: &Connection) -> Result<Vec<PeriodBudget>, LedgerError> {
    let mut stmt = conn.prepare("SELECT DISTINCT period FROM budget_ledger ORDER BY period")?;
    let periods: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for period in periods {
        let budget = budget_of(conn, &period)?.unwrap_or(0.0);
        let spent = spent_of(conn, &period)?;
        let releases: i64 = conn.query_row(
            "SELECT COUNT(*) FROM budget_ledger WHERE event = 'debit' AND period = ?1",
            params![period],
            |r| r.get(0),
        )?;
        out.push(PeriodBudget {
            period,
            budget_rho: budget,
            spent_rho: spent,
            remaining_rho: (budget - spent).max(0.0),
            releases: releases as u64,
        });
    }
    Ok(out)
}

/// Every event, in order.
pub fn events(conn: &Connection) -> Result<Vec<Event>, LedgerError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, event, period, release_id, rho, epsilon, delta, detail, prev_hash, hash FROM budget_ledger ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Event {
            seq: r.get(0)?,
            at: r.get(1)?,
            event: r.get(2)?,
            period: r.get(3)?,
            release_id: r.get(4)?,
            rho: r.get(5)?,
            epsilon: r.get(6)?,
            delta: r.get(7)?,
            detail: r.get(8)?,
            prev_hash: r.get(9)?,
            hash: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
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
    for (i, e) in events.iter().enumerate() {
        if e.seq != i as i64 + 1 || e.prev_hash != prev || chain_hash(e) != e.hash {
            return Err(LedgerError::Tampered { seq: e.seq });
        }
        prev = e.hash.clone();
    }
    Ok(events.len())
}

/// The (epsilon, delta)-DP guarantee implied by rho-zCDP: epsilon = rho + 2 sqrt(rho ln(1/delta))
/// (Bun & Steinke 2016, Prop. 1.3). For reporting only; budgets are kept in rho.
pub fn zcdp_to_epsilon(rho: f64, delta: f64) -> f64 {
    rho + 2.0 * (rho * (1.0 / delta).ln()).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        create_schema(&c).unwrap();
        c
    }

    #[test]
    fn debits_are_refused_past_the_budget_and_reruns_spend_nothing() {
        let mut c = conn();
        assert!(matches!(
            debit(
                &mut c,
                "2025Q1",
                "r1",
                0.1,
                None,
                None,
                &serde_json::json!({})
            ),
            Err(LedgerError::NoBudget { .. })
        ));
        set_budget(&mut c, "2025Q1", 0.25, "").unwrap();
        assert_eq!(
            debit(
                &mut c,
                "2025Q1",
                "r1",
                0.1,
                None,
                None,
                &serde_json::json!({})
            )
            .unwrap(),
            Debit::Debited
        );
        assert_eq!(
            debit(
                &mut c,
                "2025Q1",
                "r1",
                0.1,
                None,
                None,
                &serde_json::json!({})
            )
            .unwrap(),
            Debit::Pending
        );
        complete(&mut c, "2025Q1", "r1", "releases/x.parquet", "abc").unwrap();
        assert!(matches!(
            debit(
                &mut c,
                "2025Q1",
                "r1",
                0.1,
                None,
                None,
                &serde_json::json!({})
            )
            .unwrap(),
            Debit::Complete { .. }
        ));
        assert_eq!(
            debit(
                &mut c,
                "2025Q1",
                "r2",
                0.15,
                None,
                None,
                &serde_json::json!({})
            )
            .unwrap(),
            Debit::Debited
        );
        let err = debit(
            &mut c,
            "2025Q1",
            "r3",
            0.01,
            None,
            None,
            &serde_json::json!({}),
        )
        .unwrap_err();
        assert!(matches!(err, LedgerError::Overspend { .. }), "{err}");
        assert!(err.to_string().contains("0.250000"), "{err}");
        let s = status(&c).unwrap();
        assert_eq!(s[0].releases, 2);
        assert!((s[0].spent_rho - 0.25).abs() < 1e-12);
        assert_eq!(verify(&c).unwrap(), 4);
    }

    #[test]
    fn the_ledger_is_append_only_and_tampering_is_detected() {
        let mut c = conn();
        set_budget(&mut c, "2025Q1", 1.0, "").unwrap();
        debit(
            &mut c,
            "2025Q1",
            "r1",
            0.5,
            None,
            None,
            &serde_json::json!({}),
        )
        .unwrap();
        assert!(c.execute("UPDATE budget_ledger SET rho = 0.0", []).is_err());
        assert!(c.execute("DELETE FROM budget_ledger", []).is_err());
        c.execute_batch("DROP TRIGGER budget_ledger_no_update")
            .unwrap();
        c.execute(
            "UPDATE budget_ledger SET rho = 0.01 WHERE event = 'debit'",
            [],
        )
        .unwrap();
        assert!(matches!(verify(&c), Err(LedgerError::TriggersMissing)));
        c.execute_batch(
            "CREATE TRIGGER budget_ledger_no_update BEFORE UPDATE ON budget_ledger BEGIN SELECT RAISE(ABORT, 'x'); END;",
        )
        .unwrap();
        assert!(matches!(verify(&c), Err(LedgerError::Tampered { seq: 2 })));
    }

    #[test]
    fn zcdp_converts_to_approximate_dp() {
        let eps = zcdp_to_epsilon(0.5, 1e-6);
        assert!((eps - (0.5 + 2.0 * (0.5f64 * 1e6f64.ln()).sqrt())).abs() < 1e-12);
    }
}

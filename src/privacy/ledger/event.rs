//! The ledger's events: their kinds, how one is made, and how it is
//! appended to the chain (numbered, timed and hashed to the one before).

use super::{GENESIS, LedgerError, chain::chain_hash};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{OptionalExtension, params};

/// What an event records (the table's `event` column, which a CHECK
/// constraint limits to these three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A budget set (or changed) for a ledger key.
    Budget,
    /// rho debited for a release, before any noise is drawn.
    Debit,
    /// A debited release written, with its path and SHA-256.
    Complete,
}

impl EventKind {
    /// The word stored in the ledger and hashed into the chain.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Budget => "budget",
            EventKind::Debit => "debit",
            EventKind::Complete => "complete",
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for EventKind {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for EventKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "budget" => Ok(EventKind::Budget),
            "debit" => Ok(EventKind::Debit),
            "complete" => Ok(EventKind::Complete),
            other => Err(FromSqlError::Other(
                format!("unknown ledger event kind {other:?}").into(),
            )),
        }
    }
}

/// One event as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    pub seq: i64,
    pub at: String,
    pub event: EventKind,
    pub period: String,
    pub release_id: Option<String>,
    pub rho: f64,
    pub epsilon: Option<f64>,
    pub delta: Option<f64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

pub(super) fn append(tx: &rusqlite::Transaction<'_>, mut e: Event) -> Result<Event, LedgerError> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM budget_ledger ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    e.seq = last.as_ref().map(|l| l.0 + 1).unwrap_or(1);
    e.prev_hash = last.map(|l| l.1).unwrap_or_else(|| GENESIS.into());
    e.at = crate::clock::now();
    e.hash = chain_hash(&e);
    tx.execute(
        "INSERT INTO budget_ledger (seq, at, event, period, release_id, rho, epsilon, delta, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![e.seq, e.at, e.event, e.period, e.release_id, e.rho, e.epsilon, e.delta, e.detail, e.prev_hash, e.hash],
    )?;
    Ok(e)
}

pub(super) fn new_event(
    event: EventKind,
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
        event,
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

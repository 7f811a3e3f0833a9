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
//! Budgets have scopes, kept apart by the ledger key of their events:
//! - a quarter (`2025Q3`): person-level releases of that quarter's case records;
//! - `agency:2025Q3`: agency-unit releases of that quarter's returns, which
//!   describe agencies, not people, and say nothing about a person;
//! - `lifetime`: a cap on the person-level loss of someone present in every
//!   quarter (the sum of the quarters' spend), checked at every person debit.
//!
//! Every debit runs in one `BEGIN IMMEDIATE` transaction (SQLite's writer
//! lock): read budget and spend, refuse or append. Concurrent runs therefore
//! serialise and can never overspend. Which process may draw the noise of a
//! debited release is decided by the release's claim lock (`release::claim`),
//! not here; each claim is recorded in `release_claims` (nonce, process). Triggers refuse UPDATE and DELETE, and
//! each event carries the SHA-256 of the previous one, so `verify` detects an
//! edit made behind SQLite's back.

mod chain;
mod event;

#[cfg(test)]
use chain::chain_hash;
#[cfg(test)]
use chain::chain_hash_v1;
pub use chain::verify;
pub use event::{Event, EventKind};
use event::{append, new_event};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Relative slack when comparing sums of floating-point rho.
const TOLERANCE: f64 = 1e-12;

/// Ledger key of the lifetime cap on a person's loss over every quarter.
pub const LIFETIME: &str = "lifetime";
/// Prefix of the ledger keys of agency-unit budgets (`agency:2025Q3`).
const AGENCY_PREFIX: &str = "agency:";

/// Whose privacy a budget protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// A person (agency + person key) in the case records of one quarter.
    Person,
    /// An agency, in its quarterly returns of one quarter.
    Agency,
}

/// The ledger key of a quarter's budget in a scope.
pub fn ledger_key(scope: Scope, period: &str) -> String {
    match scope {
        Scope::Person => period.to_string(),
        Scope::Agency => format!("{AGENCY_PREFIX}{period}"),
    }
}

/// The scope and quarter of a ledger key (None for the lifetime cap).
pub fn parse_key(key: &str) -> Option<(Scope, &str)> {
    if key == LIFETIME {
        None
    } else if let Some(p) = key.strip_prefix(AGENCY_PREFIX) {
        Some((Scope::Agency, p))
    } else {
        Some((Scope::Person, key))
    }
}

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
CREATE TABLE IF NOT EXISTS release_claims (
    seq        INTEGER PRIMARY KEY,
    release_id TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    outcome    TEXT NOT NULL
);
"#,
    )
}

impl crate::exit::ExitCode for LedgerError {
    fn exit_code(&self) -> i32 {
        match self {
            LedgerError::NoBudget { .. }
            | LedgerError::Overspend { .. }
            | LedgerError::Lifetime { .. } => crate::exit::BUDGET,
            LedgerError::BadAmount(_) => crate::exit::USAGE,
            LedgerError::Tampered { .. } | LedgerError::TriggersMissing => crate::exit::DATA,
            LedgerError::Sql(_) => crate::exit::IO,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("no budget is set for {quarter} (the agencies' budget: {agency})")]
    NoBudget {
        /// The quarter, and whether it is the agencies' budget (for the message).
        quarter: String,
        agency: bool,
    },
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
    #[error(
        "refused: this release needs rho = {requested:.6}, and a person present in every quarter has already lost {spent:.6} of the lifetime cap of {cap:.6} (only {remaining:.6} remains); raise the cap with `safecount budget set --lifetime-rho X` only if the collaborative agrees"
    )]
    Lifetime {
        cap: f64,
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

impl LedgerError {
    /// The error as a catalogue message (the catalogue writes the figures
    /// to six decimals, as the ledger keeps them, in the reader's format).
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            LedgerError::NoBudget {
                quarter, agency, ..
            } => Message::new(if *agency {
                "ledger-no-budget-agency"
            } else {
                "ledger-no-budget"
            })
            .with("period", quarter.as_str()),
            LedgerError::Overspend {
                period,
                budget,
                spent,
                requested,
                remaining,
            } => Message::new("ledger-overspend")
                .with("period", period.as_str())
                .with("budget", *budget)
                .with("spent", *spent)
                .with("requested", *requested)
                .with("remaining", *remaining),
            LedgerError::Lifetime {
                cap,
                spent,
                requested,
                remaining,
            } => Message::new("ledger-lifetime")
                .with("cap", *cap)
                .with("spent", *spent)
                .with("requested", *requested)
                .with("remaining", *remaining),
            LedgerError::BadAmount(v) => {
                Message::new("ledger-bad-amount").with("rho", v.to_string())
            }
            LedgerError::Tampered { seq } => Message::new("ledger-tampered").with("seq", *seq),
            LedgerError::TriggersMissing => Message::new("ledger-triggers"),
            LedgerError::Sql(e) => Message::new("ledger-sql").with("detail", e.to_string()),
        }
    }
}

/// Budget and spend of one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeriodBudget {
    pub period: String,
    pub scope: Scope,
    pub budget_rho: f64,
    pub spent_rho: f64,
    pub remaining_rho: f64,
    pub releases: u64,
    /// Sum of the deltas of the releases' thresholds (open key sets); 0 when none.
    pub threshold_delta: f64,
}

/// The budget under ledger key `period` (the latest `budget` event), if one is set.
pub fn budget_of(conn: &Connection, period: &str) -> Result<Option<f64>, LedgerError> {
    Ok(conn
        .query_row(
            "SELECT rho FROM budget_ledger WHERE event = 'budget' AND period = ?1 ORDER BY seq DESC LIMIT 1",
            params![period],
            |r| r.get(0),
        )
        .optional()?)
}

/// rho debited so far under ledger key `period`.
pub fn spent(conn: &Connection, period: &str) -> Result<f64, LedgerError> {
    spent_of(conn, period)
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
            EventKind::Budget,
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

/// Set (or change) the lifetime cap: the most rho a person present in every
/// quarter may lose over all of them.
pub fn set_lifetime(conn: &mut Connection, rho: f64, note: &str) -> Result<Event, LedgerError> {
    set_budget(conn, LIFETIME, rho, note)
}

/// The lifetime cap, if one is set.
pub fn lifetime_cap(conn: &Connection) -> Result<Option<f64>, LedgerError> {
    budget_of(conn, LIFETIME)
}

/// A pooled release's `pool_unit` when it counts each person once over its
/// quarters (one record per person over the span: `release::span`).
pub const POOL_UNIT_PERSON: &str = "person";

/// How many times one debit row of a person-level release counts in a
/// person's lifetime loss (SQL over a row's `detail`), see [`lifetime_spent`].
const LIFETIME_WEIGHT: &str = "CASE WHEN json_extract(detail, '$.pool_unit') = 'person' \
    THEN 1.0 / COALESCE(json_extract(detail, '$.pooled_quarters'), 1) \
    ELSE COALESCE(json_extract(detail, '$.pooled_quarters'), 1) END";

/// How much of a person's lifetime loss a release of rho over `quarters`
/// costs: rho when it counts each person once over them, n² rho when it
/// counts person-quarters (see [`lifetime_spent`]).
pub fn lifetime_cost(rho: f64, quarters: usize, person_unit: bool) -> f64 {
    let n = quarters as f64;
    if person_unit { rho } else { rho * n * n }
}

/// rho lost by a person present in every quarter: the sum, over every
/// person-level release, of its loss (zCDP losses add: Bun & Steinke 2016,
/// Lemma 2.3).
///
/// A quarterly release costs its rho. A release pooled over n quarters with
/// one record per person over them (`pool_unit` = `person`) is one
/// measurement in which each person is one unit: it costs rho once, though
/// it is debited rho from each of its n quarters, so each of its n debit rows
/// counts 1/n here. An older release pooled over person-quarters made a
/// person present in all n quarters n units of it, whose loss is n² rho
/// (group privacy: ibid., Prop. 1.9): each of its n rows counts n times.
pub fn lifetime_spent(conn: &Connection) -> Result<f64, LedgerError> {
    Ok(conn.query_row(
        &format!("SELECT COALESCE(SUM(rho * {LIFETIME_WEIGHT}), 0.0) FROM budget_ledger WHERE event = 'debit' AND period <> ?1 AND period NOT LIKE 'agency:%'"),
        params![LIFETIME],
        |r| r.get(0),
    )?)
}

/// The worst case of [`lifetime_spent`] for a person counted apart at every
/// agency a release read (see [`Statement::unmatched_person_rho`]): each
/// person-level debit times k², k its `agencies` (1 where not recorded).
pub fn unmatched_worst_case(conn: &Connection) -> Result<f64, LedgerError> {
    Ok(conn.query_row(
        &format!("SELECT COALESCE(SUM(rho * {LIFETIME_WEIGHT} * COALESCE(json_extract(detail, '$.agencies'), 1) * COALESCE(json_extract(detail, '$.agencies'), 1)), 0.0) FROM budget_ledger WHERE event = 'debit' AND period <> ?1 AND period NOT LIKE 'agency:%'"),
        params![LIFETIME],
        |r| r.get(0),
    )?)
}

/// How a debit request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Debit {
    /// Newly debited: compute and write the release, then `complete` it.
    /// `head` is the hash of the debit event (the ledger's head at the debit).
    Debited { head: String },
    /// Debited earlier and never completed (a crash): finish the staged draw if
    /// one was written, else draw now; nothing more is spent.
    Pending { head: String },
    /// Debited and completed earlier: re-serve the stored file (path, sha256); nothing is spent.
    Complete { path: String, sha256: String },
}

/// Debit `rho` for `release_id` from the budget under ledger key `period`
/// (see [`ledger_key`]), in one transaction, before any noise is drawn. A
/// person-level debit is also checked against the lifetime cap.
pub fn debit(
    conn: &mut Connection,
    period: &str,
    release_id: &str,
    rho: f64,
    epsilon: Option<f64>,
    delta: Option<f64>,
    detail: &serde_json::Value,
) -> Result<Debit, LedgerError> {
    debit_each(conn, &[period], release_id, rho, epsilon, delta, detail)
}

/// Debit `rho` for one release from the budget of each of several ledger
/// keys (a release pooled over quarters: one measurement over the
/// person-quarters of those quarters is charged to every quarter it reads),
/// all or none, in one transaction. A release is debited once: asking again
/// finds its debit rows (pending) or its completion, as for [`debit`].
pub fn debit_each(
    conn: &mut Connection,
    periods: &[&str],
    release_id: &str,
    rho: f64,
    epsilon: Option<f64>,
    delta: Option<f64>,
    detail: &serde_json::Value,
) -> Result<Debit, LedgerError> {
    // A release under disclosure-control rules (agencies' returns, exact
    // aggregates) is recorded with no rho and needs no budget.
    let rules = detail["protection"] == "disclosure_control";
    if !(rho.is_finite() && (rho > 0.0 || (rules && rho == 0.0))) {
        return Err(LedgerError::BadAmount(rho));
    }
    let mut detail = detail.clone();
    if periods.len() > 1 {
        detail["pooled_quarters"] = serde_json::json!(periods.len());
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
    if let Some(head) = debit_hash(&tx, release_id)? {
        return Ok(Debit::Pending { head });
    }
    // Only a rules release with no rho skips the budget: any rho is checked.
    for &period in periods.iter().filter(|_| !(rules && rho == 0.0)) {
        let budget = budget_of(&tx, period)?.ok_or_else(|| match parse_key(period) {
            Some((Scope::Agency, q)) => LedgerError::NoBudget {
                quarter: q.to_string(),
                agency: true,
            },
            _ => LedgerError::NoBudget {
                quarter: period.to_string(),
                agency: false,
            },
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
        if matches!(parse_key(period), Some((Scope::Person, _))) {
            if let Some(cap) = lifetime_cap(&tx)? {
                let lost = lifetime_spent(&tx)?;
                let requested =
                    lifetime_cost(rho, periods.len(), detail["pool_unit"] == POOL_UNIT_PERSON);
                if lost + requested > cap * (1.0 + TOLERANCE) {
                    return Err(LedgerError::Lifetime {
                        cap,
                        spent: lost,
                        requested,
                        remaining: (cap - lost).max(0.0),
                    });
                }
            }
        }
    }
    let mut head = String::new();
    for &period in periods {
        head = append(
            &tx,
            new_event(
                EventKind::Debit,
                period,
                Some(release_id),
                rho,
                epsilon,
                delta,
                detail.to_string(),
            ),
        )?
        .hash;
    }
    tx.commit()?;
    Ok(Debit::Debited { head })
}

/// Whether the release `release_id` was debited and completed: asking for
/// it again re-serves its file and spends nothing.
pub fn is_complete(conn: &Connection, release_id: &str) -> Result<bool, LedgerError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM budget_ledger WHERE event = 'complete' AND release_id = ?1 LIMIT 1",
            params![release_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Record that a process (its `nonce` and pid) claimed a debited release, and how it ended
/// (`drawn`, `finished_staged`, `redrawn`, `served`).
pub fn record_claim(
    conn: &Connection,
    release_id: &str,
    nonce: &str,
    outcome: &str,
) -> Result<(), LedgerError> {
    conn.execute(
        "INSERT INTO release_claims (release_id, nonce, pid, at, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![release_id, nonce, std::process::id(), crate::clock::now(), outcome],
    )?;
    Ok(())
}

/// The hash of the newest event: what a release file records as the ledger's head.
pub fn head(conn: &Connection) -> Result<String, LedgerError> {
    Ok(conn
        .query_row(
            "SELECT hash FROM budget_ledger ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.into()))
}

/// The sequence number of the event with this hash: the order of events,
/// which a release file records instead of a time (published files carry no
/// time finer than a day).
pub fn seq_of(conn: &Connection, hash: &str) -> Result<Option<i64>, LedgerError> {
    Ok(conn
        .query_row(
            "SELECT seq FROM budget_ledger WHERE hash = ?1",
            params![hash],
            |r| r.get(0),
        )
        .optional()?)
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
            EventKind::Complete,
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
    let keys: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for key in keys {
        let Some((scope, period)) = parse_key(&key) else {
            continue;
        };
        let budget = budget_of(conn, &key)?.unwrap_or(0.0);
        let spent = spent_of(conn, &key)?;
        let (releases, threshold_delta): (i64, f64) = conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(delta), 0.0) FROM budget_ledger WHERE event = 'debit' AND period = ?1",
            params![key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        out.push(PeriodBudget {
            period: period.to_string(),
            scope,
            budget_rho: budget,
            spent_rho: spent,
            remaining_rho: (budget - spent).max(0.0),
            releases: releases as u64,
            threshold_delta,
        });
    }
    out.sort_by(|a, b| (a.scope as u8, &a.period).cmp(&(b.scope as u8, &b.period)));
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

/// delta at which cumulative zCDP loss is also stated as (epsilon, delta)-DP.
pub const CONVERSION_DELTA: f64 = 1e-6;

/// The (epsilon, delta)-DP guarantee implied by rho-zCDP, by OpenDP's own
/// conversion (`make_zCDP_to_approxDP`: the optimal conversion of Canonne,
/// Kamath & Steinke 2020, Prop. 7 / Asoodeh et al. 2021, tighter than Bun &
/// Steinke 2016's epsilon = rho + 2 sqrt(rho ln(1/delta))). For reporting
/// only; budgets are kept in rho. 0 for rho = 0.
///
/// The conversion searches with exact arithmetic (about 5 ms), and a run's
/// statements ask it again for every quarter after each release, so its
/// answers are kept for the process, by the exact bits of (rho, delta): the
/// same inputs, the same answer.
pub fn zcdp_to_epsilon(rho: f64, delta: f64) -> f64 {
    use opendp::combinators::ConcentratedMeasure;
    use opendp::measures::ZeroConcentratedDivergence;
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<(u64, u64), f64>>> = OnceLock::new();
    if rho <= 0.0 {
        return 0.0;
    }
    let key = (rho.to_bits(), delta.to_bits());
    let known = KNOWN.get_or_init(Default::default);
    if let Some(eps) = known.lock().ok().and_then(|k| k.get(&key).copied()) {
        return eps;
    }
    let eps = <ZeroConcentratedDivergence as ConcentratedMeasure>::convert(rho)
        .and_then(|profile| profile.epsilon(delta))
        .unwrap_or_else(|_| rho + 2.0 * (rho * (1.0 / delta).ln()).sqrt());
    if let Ok(mut k) = known.lock() {
        // Bounded: a long-running server converts a few values per release.
        if k.len() >= 4096 {
            k.clear();
        }
        k.insert(key, eps);
    }
    eps
}

/// What the ledger says in total: the public statement of what was spent,
/// written beside the releases (`releases/ledger.json`) and read by reports.
/// Every debit counts: releases on superseded inputs, custom tables, agency
/// subsets and re-runs at other levels alike.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    /// Budgets and spend per quarter and scope.
    pub periods: Vec<StatementPeriod>,
    /// rho lost by a person present in every quarter (sum of the person-level spend).
    pub person_rho: f64,
    /// The same as (epsilon, delta)-DP: delta = the conversion's delta plus every threshold's delta.
    pub person_epsilon: f64,
    pub person_delta: f64,
    /// The lifetime cap on `person_rho`, if set.
    pub lifetime_cap: Option<f64>,
    /// rho lost, at worst, by a person whom linkage cannot match (or, in
    /// agency mode, any person) served by every agency a release read: k
    /// agencies make such a person k units of the release, loss k²·rho
    /// (group privacy under zCDP, Bun & Steinke 2016, Prop. 1.9).
    #[serde(default)]
    pub unmatched_person_rho: f64,
    /// The same as (epsilon, delta)-DP.
    #[serde(default)]
    pub unmatched_person_epsilon: f64,
    /// Hash of the ledger's newest event when the statement was made.
    pub head: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatementPeriod {
    pub period: String,
    pub scope: Scope,
    pub budget_rho: f64,
    pub spent_rho: f64,
    pub threshold_delta: f64,
    pub releases: u64,
}

/// The ledger's totals as a [`Statement`].
pub fn statement(conn: &Connection) -> Result<Statement, LedgerError> {
    let periods = status(conn)?;
    let person_rho = lifetime_spent(conn)?;
    let unmatched = unmatched_worst_case(conn)?;
    let thresholds: f64 = periods
        .iter()
        .filter(|p| p.scope == Scope::Person)
        .map(|p| p.threshold_delta)
        .sum();
    Ok(Statement {
        periods: periods
            .into_iter()
            .map(|p| StatementPeriod {
                period: p.period,
                scope: p.scope,
                budget_rho: p.budget_rho,
                spent_rho: p.spent_rho,
                threshold_delta: p.threshold_delta,
                releases: p.releases,
            })
            .collect(),
        person_rho,
        person_epsilon: zcdp_to_epsilon(person_rho, CONVERSION_DELTA),
        person_delta: if person_rho > 0.0 {
            CONVERSION_DELTA + thresholds
        } else {
            thresholds
        },
        lifetime_cap: lifetime_cap(conn)?,
        unmatched_person_rho: unmatched,
        unmatched_person_epsilon: zcdp_to_epsilon(unmatched, CONVERSION_DELTA),
        head: head(conn)?,
        at: crate::clock::today().to_string(),
    })
}

/// The completed releases: (release id, ledger key, path, sha256).
pub fn completed(conn: &Connection) -> Result<Vec<(String, String, String, String)>, LedgerError> {
    let mut stmt = conn.prepare(
        "SELECT release_id, period, detail FROM budget_ledger WHERE event = 'complete' ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, key, detail) = row?;
        let v: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        out.push((
            id,
            key,
            v["path"].as_str().unwrap_or_default().to_string(),
            v["sha256"].as_str().unwrap_or_default().to_string(),
        ));
    }
    Ok(out)
}

/// Every completed release, oldest first: (release id, table, file path
/// under the store, SHA-256), the table as its debit named it.
pub fn released_tables(
    conn: &Connection,
) -> Result<Vec<(String, String, String, String)>, LedgerError> {
    let mut stmt = conn.prepare(
        "SELECT c.release_id, c.detail,
                (SELECT d.detail FROM budget_ledger d
                 WHERE d.event = 'debit' AND d.release_id = c.release_id ORDER BY d.seq LIMIT 1)
         FROM budget_ledger c WHERE c.event = 'complete' ORDER BY c.seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, complete, debit) = row?;
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap_or_default();
        let (complete, debit) = (parse(&complete), parse(debit.as_deref().unwrap_or("{}")));
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        out.push((
            id,
            text(&debit["table"]),
            text(&complete["path"]),
            text(&complete["sha256"]),
        ));
    }
    Ok(out)
}

/// Debits never completed: (release id, ledger key, hash of the debit event).
pub fn pending(conn: &Connection) -> Result<Vec<(String, String, String)>, LedgerError> {
    let mut stmt = conn.prepare(
        "SELECT d.release_id, d.period, d.hash FROM budget_ledger d WHERE d.event = 'debit'
         AND NOT EXISTS (SELECT 1 FROM budget_ledger c WHERE c.event = 'complete' AND c.release_id = d.release_id)
         ORDER BY d.seq",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The hash of a release's debit event, if it was debited.
pub fn debit_hash(conn: &Connection, release_id: &str) -> Result<Option<String>, LedgerError> {
    // A pooled release has one debit per quarter it reads, written in one
    // transaction; its head is the last of them.
    Ok(conn
        .query_row(
            "SELECT hash FROM budget_ledger WHERE event = 'debit' AND release_id = ?1 ORDER BY seq DESC LIMIT 1",
            params![release_id],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests;

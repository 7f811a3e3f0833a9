//! `safecount budget [--json] [--verify]` and `safecount budget set ...`: the
//! privacy-budget ledger — per quarter of data for people, per quarter for
//! agencies (returns), and the lifetime cap on a person's loss.

use super::{EXIT_DATA, EXIT_IO, EXIT_OK, EXIT_USAGE};
use crate::privacy::ledger::{self, Scope};
use crate::release::claim;
use crate::store::Store;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Check the ledger's hash chain and triggers, and every release file against it.
    #[arg(long)]
    pub verify: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Set (or change) budgets: a quarter's, per person (--rho) and per agency
    /// (--agency-rho), and the lifetime cap on a person's loss over every quarter.
    Set {
        /// The period (quarter) of data, YYYYQn; needed with --rho or --agency-rho.
        #[arg(long)]
        period: Option<crate::schema::Quarter>,
        /// The quarter's budget for releases about people (case records), in rho (zCDP); e.g. 0.5.
        #[arg(long)]
        rho: Option<f64>,
        /// The quarter's budget for agency-unit releases (returns: funding, beds, turnaways), in rho.
        #[arg(long)]
        agency_rho: Option<f64>,
        /// The most rho a person present in every quarter may lose over all of them.
        #[arg(long)]
        lifetime_rho: Option<f64>,
        /// Why (kept in the ledger).
        #[arg(long, default_value = "")]
        note: String,
    },
}

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let store = match Store::open(&Store::resolve_dir(args.store.as_deref())) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount budget: {e}");
            return Ok(EXIT_IO);
        }
    };
    let mut conn = store.connect()?;
    if let Some(Action::Set {
        period,
        rho,
        agency_rho,
        lifetime_rho,
        note,
    }) = &args.action
    {
        let set = set_budgets(
            &store,
            &mut conn,
            period.map(|p| p.to_string()),
            (*rho, *agency_rho, *lifetime_rho),
            note,
            out,
        )?;
        if set != EXIT_OK {
            return Ok(set);
        }
    }
    if args.verify {
        return verify(&store, &conn, out);
    }
    show(&ledger::statement(&conn)?, args.json, out)
}

/// `budget --verify`: the hash chain and triggers, then every release file
/// against the ledger; leftovers from a crash are listed but are not failures.
fn verify(store: &Store, conn: &rusqlite::Connection, out: &mut dyn Write) -> anyhow::Result<i32> {
    let n = match ledger::verify(conn) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("safecount budget --verify: {e}");
            return Ok(EXIT_DATA);
        }
    };
    writeln!(
        out,
        "Ledger verified: {n} events, hash chain intact, append-only triggers in place."
    )?;
    let check = claim::verify_files(store, conn)?;
    for l in &check.leftovers {
        writeln!(out, "left over: {l}")?;
    }
    if !check.problems.is_empty() {
        for p in &check.problems {
            eprintln!("safecount budget --verify: {p}");
        }
        return Ok(EXIT_DATA);
    }
    writeln!(
        out,
        "Release files verified: {} files, each matching its ledger row and the ledger head at its debit.",
        check.release_files
    )?;
    Ok(EXIT_OK)
}

/// The statement: per scope a table of quarters, then what a person present
/// in every quarter has lost.
fn show(st: &ledger::Statement, json: bool, out: &mut dyn Write) -> anyhow::Result<i32> {
    if json {
        let v = serde_json::json!({
            "accounting": "zCDP (rho)",
            "periods": st.periods,
            "cumulative_rho_for_a_person_in_every_period": st.person_rho,
            "cumulative_epsilon_at_delta": {"epsilon": st.person_epsilon, "delta": st.person_delta},
            "lifetime_cap_rho": st.lifetime_cap,
            "ledger_head": st.head,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(EXIT_OK);
    }
    if st.periods.is_empty() {
        writeln!(
            out,
            "No budget is set yet. The collaborative sets one per quarter of data:\n  safecount budget set --period 2025Q3 --rho 0.5"
        )?;
        return Ok(EXIT_OK);
    }
    for (scope, heading) in [
        (
            Scope::Person,
            "Privacy budget per quarter of case records, per person (zero-concentrated DP, rho)",
        ),
        (
            Scope::Agency,
            "Budget per quarter of returns, per agency (rho; says nothing about people)",
        ),
    ] {
        let rows: Vec<_> = st.periods.iter().filter(|p| p.scope == scope).collect();
        if rows.is_empty() {
            continue;
        }
        if scope == Scope::Agency
            && rows
                .iter()
                .all(|p| p.budget_rho == 0.0 && p.spent_rho == 0.0)
        {
            // Only releases under disclosure-control rules: nothing to budget.
            let releases: u64 = rows.iter().map(|p| p.releases).sum();
            writeln!(
                out,
                "Agencies' returns: {releases} releases over {} quarters, exact aggregates under disclosure-control rules (no privacy budget; see each release's provenance).\n",
                rows.len()
            )?;
            continue;
        }
        writeln!(out, "{heading}\n")?;
        writeln!(
            out,
            "{:<8} {:>10} {:>10} {:>10} {:>9}",
            "period", "budget", "spent", "remaining", "releases"
        )?;
        for p in rows {
            writeln!(
                out,
                "{:<8} {:>10.4} {:>10.4} {:>10.4} {:>9}",
                p.period,
                p.budget_rho,
                p.spent_rho,
                (p.budget_rho - p.spent_rho).max(0.0),
                p.releases
            )?;
        }
        writeln!(out)?;
    }
    let thresholds = (st.person_delta - ledger::CONVERSION_DELTA).max(0.0);
    writeln!(
        out,
        "A person present in every quarter above has lost rho = {:.4} in all (every debit counts, and a release pooled over n quarters n² times; zCDP losses add up),\nwhich is (epsilon = {:.3}, delta = {:.2e})-differential privacy (OpenDP's zCDP conversion{}).\nA person served by k agencies that each give them their own person key counts as k people: their loss is k² times this.",
        st.person_rho,
        st.person_epsilon,
        st.person_delta,
        if thresholds > 0.0 {
            format!("; delta includes {thresholds:.1e} from thresholds")
        } else {
            String::new()
        },
    )?;
    match st.lifetime_cap {
        Some(cap) => writeln!(
            out,
            "Lifetime cap: rho = {cap:.4} ({:.4} remains).",
            (cap - st.person_rho).max(0.0)
        )?,
        None => writeln!(
            out,
            "No lifetime cap is set (safecount budget set --lifetime-rho X bounds the loss over all quarters)."
        )?,
    }
    Ok(EXIT_OK)
}

/// `budget set`: the budgets given, each said back; `EXIT_USAGE` when the flags do not name one.
fn set_budgets(
    store: &Store,
    conn: &mut rusqlite::Connection,
    period: Option<String>,
    (rho, agency_rho, lifetime_rho): (Option<f64>, Option<f64>, Option<f64>),
    note: &str,
    out: &mut dyn Write,
) -> anyhow::Result<i32> {
    if rho.is_none() && agency_rho.is_none() && lifetime_rho.is_none() {
        eprintln!(
            "safecount budget set: give --rho, --agency-rho (with --period) or --lifetime-rho"
        );
        return Ok(EXIT_USAGE);
    }
    if (rho.is_some() || agency_rho.is_some()) && period.is_none() {
        eprintln!(
            "safecount budget set: --period must name a quarter, written YYYYQn (e.g. 2025Q3)"
        );
        return Ok(EXIT_USAGE);
    }
    let mut sets: Vec<(String, f64, String)> = Vec::new();
    if let (Some(p), Some(r)) = (&period, rho) {
        sets.push((
            p.clone(),
            r,
            format!("Budget for {p} set to rho = {r} per person."),
        ));
    }
    if let (Some(p), Some(r)) = (&period, agency_rho) {
        sets.push((
            ledger::ledger_key(Scope::Agency, p),
            r,
            format!("Agency budget for {p} set to rho = {r} per agency."),
        ));
    }
    if let Some(r) = lifetime_rho {
        sets.push((
            ledger::LIFETIME.into(),
            r,
            format!(
                "Lifetime cap set: a person present in every quarter may lose at most rho = {r}."
            ),
        ));
    }
    for (key, r, said) in sets {
        match ledger::set_budget(conn, &key, r, note) {
            Ok(_) => writeln!(out, "{said}")?,
            Err(e) => {
                eprintln!("safecount budget: {e}");
                return Ok(EXIT_USAGE);
            }
        }
    }
    claim::publish_statement(store, conn)?;
    Ok(EXIT_OK)
}

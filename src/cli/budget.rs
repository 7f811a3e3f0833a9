//! `safecount budget [--json] [--verify]` and `safecount budget set ...`: the
//! privacy-budget ledger — per quarter of data for people, per quarter for
//! agencies (returns), and the lifetime cap on a person's loss — in the
//! chosen language (`--lang`, `SAFECOUNT_LANG`, the locale).

use super::{EXIT_DATA, EXIT_IO, EXIT_OK, EXIT_USAGE, language};
use crate::i18n::{Args as Vars, Lang};
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

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = language(chosen, None);
    let store = match Store::open(&Store::resolve_dir(args.store.as_deref())) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount budget: {}", e.message().render(lang));
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
            (lang, out),
        )?;
        if set != EXIT_OK {
            return Ok(set);
        }
    }
    if args.verify {
        return verify(&store, &conn, lang, out);
    }
    show(&ledger::statement(&conn)?, args.json, lang, out)
}

/// `budget --verify`: the hash chain and triggers, then every release file
/// against the ledger; leftovers from a crash are listed but are not failures.
pub(super) fn verify(
    store: &Store,
    conn: &rusqlite::Connection,
    lang: Lang,
    out: &mut dyn Write,
) -> anyhow::Result<i32> {
    let n = match ledger::verify(conn) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("safecount budget --verify: {}", e.message().render(lang));
            return Ok(EXIT_DATA);
        }
    };
    let events = Vars::new().with("events", n);
    writeln!(out, "{}", lang.msg("budget-verified-ledger", &events))?;
    let check = claim::verify_files(store, conn)?;
    for l in &check.leftovers {
        let what = Vars::new().with("file", l.clone());
        writeln!(out, "{}", lang.msg("budget-left-over", &what))?;
    }
    if !check.problems.is_empty() {
        for p in &check.problems {
            eprintln!("safecount budget --verify: {}", p.render(lang));
        }
        return Ok(EXIT_DATA);
    }
    let files = Vars::new().with("files", check.release_files);
    writeln!(out, "{}", lang.msg("budget-verified-files", &files))?;
    Ok(EXIT_OK)
}

/// The statement: per scope a table of quarters, then what a person present
/// in every quarter has lost.
fn show(
    st: &ledger::Statement,
    json: bool,
    lang: Lang,
    out: &mut dyn Write,
) -> anyhow::Result<i32> {
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
        writeln!(out, "{}", lang.t("budget-none"))?;
        writeln!(out, "  safecount budget set --period 2025Q3 --rho 0.5")?;
        return Ok(EXIT_OK);
    }
    for (scope, heading) in [
        (Scope::Person, "budget-heading-person"),
        (Scope::Agency, "budget-heading-agency"),
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
            let args = Vars::new()
                .with("releases", releases)
                .with("quarters", rows.len());
            writeln!(out, "{}\n", lang.msg("budget-returns-rules", &args))?;
            continue;
        }
        writeln!(out, "{}\n", lang.t(heading))?;
        writeln!(
            out,
            "{:<8} {:>10} {:>10} {:>10} {:>12}",
            lang.t("budget-col-period"),
            lang.t("budget-col-budget"),
            lang.t("budget-col-spent"),
            lang.t("budget-col-remaining"),
            lang.t("budget-col-releases")
        )?;
        for p in rows {
            writeln!(
                out,
                "{:<8} {:>10} {:>10} {:>10} {:>12}",
                p.period,
                lang.dec(p.budget_rho, 4),
                lang.dec(p.spent_rho, 4),
                lang.dec((p.budget_rho - p.spent_rho).max(0.0), 4),
                p.releases
            )?;
        }
        writeln!(out)?;
    }
    let thresholds = (st.person_delta - ledger::CONVERSION_DELTA).max(0.0);
    let lost = Vars::new().with("rho", lang.dec(st.person_rho, 4));
    writeln!(out, "{}", lang.msg("budget-lost", &lost))?;
    let thresholds = if thresholds > 0.0 {
        scientific(lang, thresholds, 1)
    } else {
        "none".to_string()
    };
    let dp = Vars::new()
        .with("epsilon", lang.dec(st.person_epsilon, 3))
        .with("delta", scientific(lang, st.person_delta, 2))
        .with("thresholds", thresholds);
    writeln!(out, "{}", lang.msg("budget-dp", &dp))?;
    writeln!(out, "{}", lang.t("budget-agencies-k"))?;
    match st.lifetime_cap {
        Some(cap) => {
            let args = Vars::new()
                .with("cap", lang.dec(cap, 4))
                .with("remains", lang.dec((cap - st.person_rho).max(0.0), 4));
            writeln!(out, "{}", lang.msg("budget-cap", &args))?
        }
        None => writeln!(out, "{}", lang.t("budget-no-cap"))?,
    }
    Ok(EXIT_OK)
}

/// A small number in scientific notation, `1.00e-6` / `1,00e-6`.
fn scientific(lang: Lang, v: f64, places: usize) -> String {
    let s = format!("{v:.places$e}");
    match lang {
        Lang::En => s,
        Lang::Fr => s.replace('.', ","),
    }
}

/// `budget set`: the budgets given, each said back; `EXIT_USAGE` when the flags do not name one.
fn set_budgets(
    store: &Store,
    conn: &mut rusqlite::Connection,
    period: Option<String>,
    (rho, agency_rho, lifetime_rho): (Option<f64>, Option<f64>, Option<f64>),
    note: &str,
    (lang, out): (Lang, &mut dyn Write),
) -> anyhow::Result<i32> {
    if rho.is_none() && agency_rho.is_none() && lifetime_rho.is_none() {
        eprintln!("safecount budget set: {}", lang.t("budget-error-flags"));
        return Ok(EXIT_USAGE);
    }
    if (rho.is_some() || agency_rho.is_some()) && period.is_none() {
        eprintln!("safecount budget set: {}", lang.t("budget-error-period"));
        return Ok(EXIT_USAGE);
    }
    let said = |id: &str, p: Option<&String>, r: f64| {
        let rho = match lang {
            Lang::En => r.to_string(),
            Lang::Fr => r.to_string().replace('.', ","),
        };
        let mut args = Vars::new().with("rho", rho);
        if let Some(p) = p {
            args = args.with("period", p.as_str());
        }
        lang.msg(id, &args)
    };
    let mut sets: Vec<(String, f64, String)> = Vec::new();
    if let (Some(p), Some(r)) = (&period, rho) {
        sets.push((p.clone(), r, said("budget-set-person", Some(p), r)));
    }
    if let (Some(p), Some(r)) = (&period, agency_rho) {
        let key = ledger::ledger_key(Scope::Agency, p);
        sets.push((key, r, said("budget-set-agency", Some(p), r)));
    }
    if let Some(r) = lifetime_rho {
        let text = said("budget-set-lifetime", None, r);
        sets.push((ledger::LIFETIME.into(), r, text));
    }
    for (key, r, said) in sets {
        // Raising a budget already spent from, or the lifetime cap, lets more
        // be learnt about the same people: a governance decision, recorded
        // with whose it is.
        let before = ledger::budget_of(conn, &key)?;
        let lost = match key == ledger::LIFETIME {
            true => ledger::lifetime_spent(conn)?,
            false => ledger::spent(conn, &key)?,
        };
        if let Some(old) = before.filter(|old| r > *old && lost > 0.0) {
            let vars = Vars::new()
                .with("key", key.as_str())
                .with("old", lang.dec(old, 4))
                .with("new", lang.dec(r, 4))
                .with("spent", lang.dec(lost, 4));
            if note.trim().is_empty() {
                eprintln!(
                    "safecount budget set: {}",
                    lang.msg("budget-raise-needs-note", &vars)
                );
                return Ok(EXIT_USAGE);
            }
            writeln!(out, "{}", lang.msg("budget-raised", &vars))?;
        }
        match ledger::set_budget(conn, &key, r, note) {
            Ok(_) => writeln!(out, "{said}")?,
            Err(e) => {
                eprintln!("safecount budget: {}", e.message().render(lang));
                return Ok(EXIT_USAGE);
            }
        }
    }
    claim::publish_statement(store, conn)?;
    Ok(EXIT_OK)
}

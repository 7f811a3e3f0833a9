//! `safecount release --period Q --table T --rho R [--pure] [--dry-run]`: release
//! one standard table of one period (pipelines will drive the same code).

use super::{EXIT_CONFIG, EXIT_OK, EXIT_USAGE, ExitCode};
use crate::classify::DefinitionSet;
use crate::i18n::{Args as Vars, Lang};
use crate::privacy::Accounting;
use crate::release::{self, ReleaseError, ReleaseRequest, STANDARD};
use crate::store::Store;
use std::io::Write;
use std::path::PathBuf;

/// Exit code when a release would exceed the budget.

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The quarter to release, YYYYQn.
    #[arg(long)]
    pub period: crate::schema::Quarter,
    /// A standard table (definitions, services, housing_outcome, ...), or `all`.
    #[arg(long, default_value = "all")]
    pub table: String,
    /// Budget to spend in rho (zCDP) per person, shared equally by the case-record tables released.
    #[arg(long)]
    pub rho: f64,
    /// Budget to spend per agency, shared equally by the returns tables released
    /// (funding, funding_term, beds, turnaways); default: --rho.
    #[arg(long)]
    pub agency_rho: Option<f64>,
    /// Pure DP with the discrete Laplace instead of zCDP with the discrete Gaussian.
    #[arg(long)]
    pub pure: bool,
    /// Interval level of the published half-widths.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Print the cost and the expected accuracy; spend nothing, read no data.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Directory of definition files (default ./definitions or the built-in copy).
    #[arg(long)]
    pub definitions: Option<PathBuf>,
}

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = super::language(chosen, None);
    let defs = match DefinitionSet::load_default(args.definitions.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("safecount release: {}", e.message().render(lang));
            return Ok(EXIT_CONFIG);
        }
    };
    let tables: Vec<String> = if args.table == "all" {
        // A table about Indigenous people is released only by a pipeline that
        // names the governing partners' approval ([governance]).
        STANDARD
            .iter()
            .filter(|s| !release::tables::about_indigenous_people(s, None))
            .map(|s| s.to_string())
            .collect()
    } else {
        vec![args.table.clone()]
    };
    if !(args.rho.is_finite() && args.rho > 0.0) {
        let flag = Vars::new().with("flag", "--rho");
        eprintln!(
            "safecount release: {}",
            lang.msg("release-cli-positive", &flag)
        );
        return Ok(EXIT_USAGE);
    }
    let accounting = if args.pure {
        Accounting::Pure
    } else {
        Accounting::Zcdp
    };
    let agency_rho = args.agency_rho.unwrap_or(args.rho);
    if !(agency_rho.is_finite() && agency_rho > 0.0) {
        let flag = Vars::new().with("flag", "--agency-rho");
        eprintln!(
            "safecount release: {}",
            lang.msg("release-cli-positive", &flag)
        );
        return Ok(EXIT_USAGE);
    }
    let returns = |t: &str| crate::release::tables::RETURNS_TABLES.contains(&t);
    let (n_returns, n_cases) =
        tables.iter().fold(
            (0, 0),
            |(r, c), t| {
                if returns(t) { (r + 1, c) } else { (r, c + 1) }
            },
        );
    let share = |t: &str| {
        if returns(t) {
            agency_rho / n_returns as f64
        } else {
            args.rho / n_cases as f64
        }
    };
    let period = args.period.to_string();
    let store = if args.dry_run {
        None
    } else {
        Some(Store::open(&Store::resolve_dir(args.store.as_deref()))?)
    };
    let requests: Vec<ReleaseRequest> = tables
        .iter()
        .map(|table| ReleaseRequest {
            layout: Default::default(),
            protection: Default::default(),
            pool: None,
            governance: None,
            part_rho: None,
            table: table.clone(),
            period: period.clone(),
            rho: share(table),
            accounting,
            level: args.level,
            agencies: None,
            custom: None,
        })
        .collect();
    // The tables read the same records: prepared once for all of them.
    let mut batch = release::Batch::new(&defs, &requests);
    // `--table all` on a quarter that holds one kind of record only (case
    // records and no returns, say) releases what it can and names the rest.
    let mut skipped: Vec<(String, &'static str)> = Vec::new();
    let mut released = 0;
    for req in requests {
        let table = req.table.clone();
        if args.dry_run {
            if let Some(code) = print_preview(&defs, &req, args.level, lang, out)? {
                return Ok(code);
            }
            continue;
        }
        let store = store.as_ref().expect("store opened");
        match release::release_in(store, &defs, &req, &mut batch) {
            Ok(r) => {
                let cells = lang.msg("run-cells", &Vars::new().with("cells", r.cells.height()));
                let spent = lang.msg(
                    "release-cli-spent",
                    &Vars::new().with("rho", lang.dec(r.spent_rho, 4)),
                );
                let reserved = if r.reserved {
                    format!(" {}", lang.t("release-cli-reserved"))
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "{table:<20} {} {cells:>15}  {spent}{reserved}  {}",
                    r.id,
                    r.path.display()
                )?;
                released += 1;
            }
            Err(ReleaseError::NoInputs { kind, .. }) if args.table == "all" => {
                skipped.push((table, kind));
            }
            Err(e) => {
                eprintln!("safecount release: {}", e.message().render(lang));
                return Ok(e.exit_code());
            }
        }
    }
    say_skipped(&skipped, &period, lang, out)?;
    if released == 0 && !skipped.is_empty() {
        // Nothing at all was stored for the quarter.
        let (_, kind) = skipped[0];
        let e = ReleaseError::NoInputs { kind, period };
        eprintln!("safecount release: {}", e.message().render(lang));
        return Ok(e.exit_code());
    }
    Ok(EXIT_OK)
}

/// A table's dry run: its parts, cells, mechanism, scale, widest interval and rho.
/// Some(exit code) when the table cannot be previewed.
fn print_preview(
    defs: &DefinitionSet,
    req: &ReleaseRequest,
    level: f64,
    lang: Lang,
    out: &mut dyn Write,
) -> anyhow::Result<Option<i32>> {
    let table = &req.table;
    match release::preview(defs, req) {
        Ok(p) => {
            let c = &p.parts[0].1;
            let parts = lang.msg(
                "release-cli-parts",
                &Vars::new().with("parts", p.parts.len()),
            );
            let cells = lang.msg("run-cells", &Vars::new().with("cells", p.cells));
            let scale = lang.msg(
                "release-cli-scale",
                &Vars::new().with("scale", lang.dec(c.scale, 2)),
            );
            writeln!(
                out,
                "{table:<20} {parts:>11} {cells:>15}  {:<17} {scale:>16}  ±{:>8} ({})  rho {}",
                c.mechanism,
                lang.dec(c.half_width, 1),
                lang.pct(level),
                lang.dec(p.rho, 4)
            )?;
        }
        Err(e @ ReleaseError::UnknownTable(_)) => {
            eprintln!("safecount release: {}", e.message().render(lang));
            return Ok(Some(EXIT_USAGE));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(None)
}

/// The tables `--table all` skipped for want of a kind of record, by kind.
fn say_skipped(
    skipped: &[(String, &'static str)],
    period: &str,
    lang: Lang,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    for kind in ["cases", "returns"] {
        let tables: Vec<String> = skipped
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(t, _)| t.clone())
            .collect();
        if tables.is_empty() {
            continue;
        }
        let vars = Vars::new()
            .with("count", tables.len())
            .with("kind", kind)
            .with("period", period)
            .with("tables", tables.join(", "));
        writeln!(out, "{}", lang.msg("release-cli-skipped", &vars))?;
    }
    Ok(())
}

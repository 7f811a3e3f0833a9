//! `safecount agency add|revoke|list`: who may upload. A new token is printed
//! once; the store keeps only its hash.

use super::{EXIT_OK, EXIT_USAGE, language};
use crate::i18n::{Args as Vars, Lang};
use crate::store::{AgencyError, Store};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
    /// The store directory (default: $SAFECOUNT_STORE, else ./safecount-data).
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Register an agency and print its upload token (shown once).
    Add { slug: String },
    /// Revoke an agency's token; it stops working at once.
    Revoke { slug: String },
    /// List agencies and whether their token is active.
    List,
}

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = language(chosen, None);
    let store = Store::open(&Store::resolve_dir(args.store.as_deref()))?;
    let result = match &args.action {
        Action::Add { slug } => store.add_agency(slug).map(|token| {
            let agency = Vars::new().with("agency", slug.as_str());
            let _ = writeln!(
                out,
                "{}\n\n  {token}\n\n{}",
                lang.msg("agency-token", &agency),
                lang.msg("agency-token-care", &agency)
            );
        }),
        Action::Revoke { slug } => store.revoke_agency(slug).map(|()| {
            let agency = Vars::new().with("agency", slug.as_str());
            let _ = writeln!(out, "{}", lang.msg("agency-revoked", &agency));
        }),
        Action::List => store.agencies().map(|list| {
            for a in list {
                let state = Vars::new()
                    .with(
                        "state",
                        if a.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        },
                    )
                    .with("since", a.revoked_at.as_deref().unwrap_or(&a.created_at));
                let _ = writeln!(out, "{:<30} {}", a.slug, lang.msg("agency-state", &state));
            }
        }),
    };
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(e @ (AgencyError::BadSlug(_) | AgencyError::Exists(_) | AgencyError::Unknown(_))) => {
            eprintln!("safecount agency: {}", e.message().render(lang));
            Ok(EXIT_USAGE)
        }
        Err(e) => Err(e.into()),
    }
}

//! `safecount agency add|revoke|list`: who may upload. A new token is printed
//! once; the store keeps only its hash.

use super::{EXIT_OK, EXIT_USAGE};
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

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let store = Store::open(&Store::resolve_dir(args.store.as_deref()))?;
    let result = match &args.action {
        Action::Add { slug } => store.add_agency(slug).map(|token| {
            let _ = writeln!(
                out,
                "Upload token for {slug} (shown once; only its hash is kept):\n\n  {token}\n\nGive it to the agency over a trusted channel. If it is lost or leaked: safecount agency revoke {slug}, then add again."
            );
        }),
        Action::Revoke { slug } => store.revoke_agency(slug).map(|()| {
            let _ = writeln!(out, "Revoked: {slug}'s token no longer works.");
        }),
        Action::List => store.agencies().map(|list| {
            for a in list {
                let _ = writeln!(
                    out,
                    "{:<30} {} since {}",
                    a.slug,
                    if a.revoked_at.is_some() { "revoked" } else { "active " },
                    a.revoked_at.as_deref().unwrap_or(&a.created_at)
                );
            }
        }),
    };
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(e @ (AgencyError::BadSlug(_) | AgencyError::Exists(_) | AgencyError::Unknown(_))) => {
            eprintln!("safecount agency: {e}");
            Ok(EXIT_USAGE)
        }
        Err(e) => Err(e.into()),
    }
}

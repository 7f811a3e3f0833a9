//! `safecount store migrate`: rewrite a store's older canonical files in
//! today's format (see `store::format`).

use super::EXIT_OK;
use crate::schema::fields::CANONICAL_FORMAT;
use crate::store::Store;
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
    /// Rewrite canonical files written by older versions in today's format.
    /// Atomic: the old files stay until every new one is written and checked.
    Migrate,
}

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let store = Store::open(&Store::resolve_dir(args.store.as_deref()))?;
    match args.action {
        Action::Migrate => {
            let done = store.migrate()?;
            if done.files == 0 {
                writeln!(
                    out,
                    "Nothing to migrate: all {} canonical files are in format {CANONICAL_FORMAT}.",
                    done.current
                )?;
            } else {
                writeln!(
                    out,
                    "Migrated {} canonical files ({} records) to format {CANONICAL_FORMAT}, each read back and checked; the old files are removed. {} were already current.",
                    done.files, done.records, done.current
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}

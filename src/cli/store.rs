//! `safecount store migrate`: rewrite a store's older canonical files in
//! today's format (see `store::format`).

use super::{EXIT_OK, language};
use crate::i18n::{Args as Vars, Lang};
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

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = language(chosen, None);
    let store = Store::open(&Store::resolve_dir(args.store.as_deref()))?;
    match args.action {
        Action::Migrate => {
            let done = store.migrate()?;
            let args = Vars::new()
                .with("files", done.files)
                .with("records", done.records)
                .with("current", done.current)
                .with("format", CANONICAL_FORMAT.to_string());
            let id = if done.files == 0 {
                "store-nothing-to-migrate"
            } else {
                "store-migrated"
            };
            writeln!(out, "{}", lang.msg(id, &args))?;
        }
    }
    Ok(EXIT_OK)
}

//! `safecount store migrate`: rewrite a store's older canonical files in
//! today's format (see `store::format`); `store backup DEST` and `store
//! restore SRC`: copy a store consistently while it runs, and bring a copy
//! back as a new store, verified (see `store::backup`).

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
    /// Copy the store into DEST (a new or empty folder) while it runs: one
    /// snapshot of the ledger and the files it names, with their SHA-256.
    Backup { dest: PathBuf },
    /// Make a new store (--store, which must not exist or be empty) from the
    /// backup in SRC, check every file, then verify its ledger and releases.
    Restore { src: PathBuf },
}

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = language(chosen, None);
    let root = Store::resolve_dir(args.store.as_deref());
    if let Action::Restore { src } = &args.action {
        let (store, manifest) = match Store::restore(src, &root) {
            Ok(r) => r,
            Err(e) => {
                crate::log::console(&format!(
                    "safecount store restore: {}",
                    e.message().render(lang)
                ));
                return Ok(super::EXIT_IO);
            }
        };
        let vars = Vars::new()
            .with("store", root.display().to_string())
            .with("files", manifest.files.len())
            .with("day", manifest.taken_on.as_str());
        writeln!(out, "{}", lang.msg("store-restored", &vars))?;
        let conn = store.connect()?;
        return super::budget::verify(&store, &conn, lang, out);
    }
    let store = Store::open(&root)?;
    match args.action {
        Action::Restore { .. } => unreachable!("restored above"),
        Action::Backup { dest } => {
            let manifest = match store.backup(&dest) {
                Ok(m) => m,
                Err(e) => {
                    crate::log::console(&format!(
                        "safecount store backup: {}",
                        e.message().render(lang)
                    ));
                    return Ok(super::EXIT_IO);
                }
            };
            let vars = Vars::new()
                .with("dest", dest.display().to_string())
                .with("files", manifest.files.len())
                .with("submissions", manifest.submissions)
                .with("releases", manifest.releases);
            writeln!(out, "{}", lang.msg("store-backed-up", &vars))?;
        }
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

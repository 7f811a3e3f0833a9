//! `safecount key`, run at the agency and offline: `--new-secret FILE`
//! writes a collaborative linkage secret; `key EXTRACT --profile P
//! --identity FILE --secret FILE --out FILE` writes the extract with
//! collaborative person keys and without identity columns. Speaks the
//! agency's language; never prints an identity value or the secret.

use super::validate::{language_of, load_profile};
use super::{EXIT_OK, EXIT_USAGE, language};
use crate::i18n::{Lang, Message};
use crate::ingest::keying::{KeyJob, key_extract};
use crate::linkage::Secret;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The extract to key (as the profile's [cases] reads it).
    #[arg(required_unless_present = "new_secret")]
    pub extract: Option<PathBuf>,
    /// The agency profile, with a [linkage] section.
    #[arg(long, short, required_unless_present = "new_secret")]
    pub profile: Option<String>,
    /// The agency's identity export (CSV or XLSX: names, date of birth, and the join column).
    #[arg(long, required_unless_present = "new_secret")]
    pub identity: Option<PathBuf>,
    /// The file holding the collaborative's linkage secret (never the secret itself).
    #[arg(long, required_unless_present = "new_secret")]
    pub secret: Option<PathBuf>,
    /// Where to write the keyed extract.
    #[arg(long, short, required_unless_present = "new_secret")]
    pub out: Option<PathBuf>,
    /// Write a new secret (256 random bits) to this file, print its epoch fingerprint, and stop.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["extract", "profile", "identity", "secret", "out"])]
    pub new_secret: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    if let Some(path) = &args.new_secret {
        let lang = language(chosen, None);
        let secret = Secret::generate();
        if let Err(e) = secret.write_new(path) {
            eprintln!("safecount key: {}", e.message().render(lang));
            return Ok(crate::exit::IO);
        }
        let message = Message::new("key-new-secret")
            .with("file", path.display().to_string())
            .with("epoch", secret.fingerprint());
        writeln!(out, "{}", message.render(lang))?;
        return Ok(EXIT_OK);
    }
    let (Some(extract), Some(profile), Some(identity), Some(secret), Some(out_path)) = (
        &args.extract,
        &args.profile,
        &args.identity,
        &args.secret,
        &args.out,
    ) else {
        return Ok(EXIT_USAGE); // clap requires them all
    };
    let profile = match load_profile(profile) {
        Ok(p) => p,
        Err((code, message)) => {
            eprintln!("safecount key: {}", message.render(language(chosen, None)));
            return Ok(code);
        }
    };
    let lang = language_of(chosen, &profile);
    let secret = match Secret::read(secret) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount key: {}", e.message().render(lang));
            return Ok(crate::exit::NO_INPUT);
        }
    };
    let job = KeyJob {
        extract,
        identity,
        profile: &profile,
        secret: &secret,
        out: out_path,
        today: crate::clock::today(),
    };
    let summary = match key_extract(&job) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount key: {}", e.message().render(lang));
            return Ok(e.exit_code());
        }
    };
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
        return Ok(EXIT_OK);
    }
    let removed = if summary.removed_columns.is_empty() {
        Message::new("key-removed-none")
    } else {
        Message::new("key-removed").with("columns", lang.list(&summary.removed_columns))
    };
    let text = Message::new("key-summary")
        .with("file", out_path.display().to_string())
        .with("rows", summary.rows)
        .with("column", summary.person_key_column.as_str())
        .with("epoch", summary.epoch.as_str())
        .with("linked", summary.linked_rows)
        .with("scoped", summary.agency_scoped_rows)
        .with("no_birth_date", summary.without_birth_date)
        .with("unreadable_birth_date", summary.unreadable_birth_date)
        .with("no_name", summary.without_name)
        .with("removed", removed);
    writeln!(out, "{}", text.render(lang))?;
    Ok(EXIT_OK)
}

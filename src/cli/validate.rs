//! `safecount validate FILE --profile P [--json]`: check an extract and print
//! the report in the chosen language (`--lang`, the profile's `language`, the
//! locale). Never prints a cell value of a rejected identifier.

use super::{EXIT_CONFIG, EXIT_DATA, EXIT_NO_INPUT, EXIT_OK, ExitCode, language};
use crate::i18n::{Lang, Message};
use crate::ingest::read::ReadOptions;
use crate::ingest::{IngestOptions, Profile, check_file};
use crate::schema::ExtractKind;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The extract: .csv, .xlsx or .parquet, as the profile says.
    pub file: PathBuf,
    /// The agency profile (TOML), or `canonical` for the canonical layout.
    #[arg(long, short)]
    pub profile: String,
    /// Which kind of extract the file is.
    #[arg(long, value_enum, default_value = "cases")]
    pub kind: ExtractKind,
    /// The quarter the file reports (YYYYQn); rows for another quarter are errors.
    #[arg(long)]
    pub quarter: Option<crate::schema::Quarter>,
    /// XLSX sheet to read (default: the profile's, else the first sheet).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print the report as one JSON document.
    #[arg(long)]
    pub json: bool,
    /// The collaborative's collaborative.toml: with linkage = "collaborative", case
    /// extracts must carry collaborative keys of its current epoch (`safecount key`).
    #[arg(long, env = "SAFECOUNT_COLLABORATIVE")]
    pub collaborative: Option<PathBuf>,
}

/// The linkage epoch case extracts must carry: the collaborative's current
/// one when it links people across agencies (None: any keys).
pub fn linkage_epoch(collaborative: Option<&Path>) -> Result<Option<String>, (i32, Message)> {
    let Some(path) = collaborative else {
        return Ok(None);
    };
    let c = crate::release::coverage::Collaborative::load(path).map_err(|e| {
        (
            EXIT_CONFIG,
            Message::new("cli-error-collaborative").with("detail", e.message()),
        )
    })?;
    Ok(c.linked().map(|l| l.epoch))
}

/// Load a profile given as a path, or the built-in `canonical` one.
pub fn load_profile(spec: &str) -> Result<Profile, (i32, Message)> {
    if let Some(slug) = spec.strip_prefix("canonical") {
        let slug = slug.strip_prefix(':').unwrap_or("canonical");
        return Ok(Profile::canonical(slug, None));
    }
    let path = Path::new(spec);
    if !path.is_file() {
        return Err((
            EXIT_NO_INPUT,
            Message::new("cli-error-profile-missing").with("profile", spec),
        ));
    }
    Profile::load(path).map_err(|e| {
        let detail = e.message();
        (
            EXIT_CONFIG,
            Message::new("cli-error-profile-invalid").with("detail", detail),
        )
    })
}

/// The language of one command: the reader's choice, else the profile's.
pub fn language_of(chosen: Option<Lang>, profile: &Profile) -> Lang {
    language(chosen, profile.agency.language)
}

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let profile = match load_profile(&args.profile) {
        Ok(p) => p,
        Err((code, message)) => {
            let lang = language(chosen, None);
            eprintln!("safecount validate: {}", message.render(lang));
            return Ok(code);
        }
    };
    let lang = language_of(chosen, &profile);
    let linkage_epoch = match linkage_epoch(args.collaborative.as_deref()) {
        Ok(e) => e,
        Err((code, message)) => {
            eprintln!("safecount validate: {}", message.render(lang));
            return Ok(code);
        }
    };
    let options = IngestOptions {
        kind: args.kind,
        quarter: args.quarter,
        read: ReadOptions {
            sheet: args.sheet.clone(),
            ..Default::default()
        },
        linkage_epoch,
    };
    let checker = crate::ingest::isolated::this_program();
    let outcome = match check_file(checker.as_deref(), &args.file, &profile, &options, false) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("safecount validate: {}", e.message().render(lang));
            return Ok(e.exit_code());
        }
    };
    // The canonical records are not needed to print a report: hand their memory
    // back with the process instead of freeing a large frame cell by cell.
    std::mem::forget(outcome.records);
    let report = &outcome.report;
    if args.json {
        writeln!(out, "{}", report.to_json_in(lang))?;
    } else {
        write!(out, "{}", report.to_text_in(lang))?;
    }
    Ok(if report.valid { EXIT_OK } else { EXIT_DATA })
}

//! `safecount submit FILE --profile P --quarter Q [--store DIR]`: validate,
//! then store atomically and print a receipt. A rejected file leaves nothing.

use super::validate::load_profile;
use super::{EXIT_DATA, EXIT_IO, EXIT_NO_INPUT, EXIT_OK, EXIT_USAGE};
use crate::schema::ExtractKind;
use crate::store::{Receipt, Store, SubmitOutcome};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    pub file: PathBuf,
    #[arg(long, short)]
    pub profile: String,
    /// The quarter the extract reports, YYYYQn.
    #[arg(long)]
    pub quarter: String,
    #[arg(long, value_enum, default_value = "cases")]
    pub kind: ExtractKind,
    /// The store directory (default: $SAFECOUNT_STORE, else ./safecount-data).
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Print the receipt (or the rejection report) as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn print_receipt(
    out: &mut dyn Write,
    r: &Receipt,
    already: bool,
    file: &str,
) -> std::io::Result<()> {
    let kind = match r.kind {
        ExtractKind::Cases => "case records",
        ExtractKind::Returns => "quarterly return",
    };
    if already {
        writeln!(
            out,
            "Already stored: these exact bytes were received before. The receipt is unchanged."
        )?;
    } else {
        writeln!(out, "Stored. Keep this receipt:")?;
    }
    writeln!(out, "  submission  {}", r.submission_id)?;
    writeln!(out, "  agency      {}", r.agency)?;
    writeln!(out, "  quarter     {} ({kind})", r.quarter)?;
    writeln!(out, "  received    {}", r.received_at)?;
    writeln!(out, "  sha256      {}", r.sha256)?;
    writeln!(
        out,
        "              check it: sha256sum {file}   (Windows: Get-FileHash {file})"
    )?;
    writeln!(
        out,
        "  rows        {} accepted -> {} records",
        r.rows_accepted, r.records
    )?;
    if let Some(prev) = &r.supersedes {
        writeln!(out, "  supersedes  {prev} (kept, marked superseded)")?;
    }
    if !r.raw_kept {
        writeln!(
            out,
            "  raw copy    not kept: the file held exact ages, dates or postal codes that were generalised"
        )?;
    }
    Ok(())
}

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let profile = match load_profile(&args.profile) {
        Ok(p) => p,
        Err((code, message)) => {
            eprintln!("safecount submit: {message}");
            return Ok(code);
        }
    };
    let store = match Store::open(&Store::resolve_dir(args.store.as_deref())) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount submit: {e}");
            return Ok(EXIT_IO);
        }
    };
    let file = args.file.display().to_string();
    match store.submit(&args.file, &profile, args.kind, &args.quarter) {
        Ok(SubmitOutcome::Stored(r)) | Ok(SubmitOutcome::AlreadyStored(r)) if args.json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
            Ok(EXIT_OK)
        }
        Ok(SubmitOutcome::Stored(r)) => {
            print_receipt(out, &r, false, &file)?;
            Ok(EXIT_OK)
        }
        Ok(SubmitOutcome::AlreadyStored(r)) => {
            print_receipt(out, &r, true, &file)?;
            Ok(EXIT_OK)
        }
        Ok(SubmitOutcome::Rejected(report)) => {
            if args.json {
                writeln!(out, "{}", report.to_json())?;
            } else {
                write!(out, "{}", report.to_text())?;
                writeln!(out, "\nNothing was stored.")?;
            }
            Ok(EXIT_DATA)
        }
        Err(e) => {
            eprintln!("safecount submit: {e}");
            Ok(match e {
                crate::store::SubmitError::MissingInput(_) => EXIT_NO_INPUT,
                crate::store::SubmitError::Ingest(_) => EXIT_USAGE,
                crate::store::SubmitError::TooLarge(_) => EXIT_DATA,
                crate::store::SubmitError::Store(_) => EXIT_IO,
            })
        }
    }
}

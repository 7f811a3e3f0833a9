//! `safecount submit FILE --profile P --quarter Q [--store DIR]`: validate,
//! then store atomically and print a receipt. A rejected file leaves nothing.

use super::validate::load_profile;
use super::{EXIT_DATA, EXIT_IO, EXIT_OK, ExitCode};
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
    pub quarter: crate::schema::Quarter,
    #[arg(long, value_enum, default_value = "cases")]
    pub kind: ExtractKind,
    /// The store directory (default: $SAFECOUNT_STORE, else ./safecount-data).
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Print the receipt (or the rejection report) as JSON.
    #[arg(long)]
    pub json: bool,
    /// Upload to a safecount server instead of a local store, e.g. https://intake.example.org
    #[arg(long, env = "SAFECOUNT_SERVER")]
    pub server: Option<String>,
    /// The agency's upload token (for --server); better given as SAFECOUNT_TOKEN.
    #[arg(long, env = "SAFECOUNT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
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
    if let Some(server) = args.server.clone() {
        return remote::submit(&args, &server, out);
    }
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
    match store.submit(&args.file, &profile, args.kind, args.quarter) {
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
            Ok(e.exit_code())
        }
    }
}

/// `submit --server`: the same upload over the API (PUT with the file as the body).
mod remote {
    use super::{Args, print_receipt};
    use crate::cli::{EXIT_DATA, EXIT_IO, EXIT_NO_INPUT, EXIT_OK, EXIT_USAGE};
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};

    fn sha256_of(path: &std::path::Path) -> std::io::Result<String> {
        let mut f = std::fs::File::open(path)?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(hex::encode(h.finalize()))
    }

    pub fn submit(args: &Args, server: &str, out: &mut dyn Write) -> anyhow::Result<i32> {
        let Some(token) = args.token.clone().filter(|t| !t.trim().is_empty()) else {
            eprintln!(
                "safecount submit --server: give the agency's upload token with --token or SAFECOUNT_TOKEN"
            );
            return Ok(EXIT_USAGE);
        };
        let Some(slug) = token.trim().split('.').nth(1).map(str::to_string) else {
            eprintln!(
                "safecount submit --server: that does not look like a safecount upload token (sc1.<agency>.<secret>)"
            );
            return Ok(EXIT_USAGE);
        };
        let sha = match sha256_of(&args.file) {
            Ok(s) => s,
            Err(_) => {
                eprintln!(
                    "safecount submit: the file {} does not exist or cannot be opened",
                    args.file.display()
                );
                return Ok(EXIT_NO_INPUT);
            }
        };
        // The profile's id on the server: the file name without .toml.
        let profile = std::path::Path::new(&args.profile)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let name = args
            .file
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let quarter = args.quarter.to_string();
        let url = format!(
            "{}/api/v1/agencies/{slug}/submissions/{quarter}/{}",
            server.trim_end_matches('/'),
            args.kind.as_str()
        );
        // Retrying the same file for the same quarter is safe: the key is derived from it.
        let key = format!("cli-{}-{quarter}-{}", &sha[..32], args.kind.as_str());
        let path = args.file.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let answer = runtime.block_on(async move {
            let file = tokio::fs::File::open(&path).await?;
            let len = file.metadata().await?.len();
            let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
            let response = reqwest::Client::new()
                .put(url)
                .query(&[("profile", profile.as_str()), ("filename", name.as_str())])
                .bearer_auth(token.trim())
                .header("idempotency-key", key)
                .header(reqwest::header::CONTENT_LENGTH, len)
                .body(body)
                .send()
                .await?;
            let status = response.status();
            let replayed = response.headers().contains_key("idempotent-replayed");
            let text = response.text().await?;
            anyhow::Ok((status, replayed, text))
        });
        let (status, replayed, text) = match answer {
            Ok(a) => a,
            Err(e) => {
                eprintln!("safecount submit: could not reach {server}: {e}");
                return Ok(EXIT_IO);
            }
        };
        let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status.is_success() {
            let receipt: crate::store::Receipt = serde_json::from_value(body.clone())?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&body)?)?;
            } else {
                let already = replayed || body["already_stored"].as_bool().unwrap_or(false);
                print_receipt(out, &receipt, already, &args.file.display().to_string())?;
            }
            if receipt.sha256 != sha {
                eprintln!(
                    "safecount submit: WARNING: the server's SHA-256 differs from this file's ({sha}); the file changed or was damaged in transit. Submit it again."
                );
                return Ok(EXIT_IO);
            }
            if !args.json {
                writeln!(out, "  verified    the server's SHA-256 matches this file")?;
            }
            return Ok(EXIT_OK);
        }
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&body)?)?;
        } else {
            eprintln!(
                "safecount submit: {} ({}): {}",
                body["title"].as_str().unwrap_or("refused"),
                status.as_u16(),
                body["detail"].as_str().unwrap_or(&text)
            );
            // The server's validation report, read into the same type and
            // printed by the same renderer as a local submit's.
            let report = body
                .get("report")
                .and_then(|r| serde_json::from_value::<crate::ingest::Report>(r.clone()).ok());
            if let Some(report) = report {
                write!(out, "{}", report.to_text())?;
                writeln!(out, "\nNothing was stored.")?;
            }
        }
        Ok(match status.as_u16() {
            422 | 413 => EXIT_DATA,
            401 | 403 | 400 => EXIT_USAGE,
            _ => EXIT_IO,
        })
    }
}

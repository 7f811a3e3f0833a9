//! `safecount submit FILE --profile P --quarter Q [--store DIR]`: validate,
//! then store atomically and print a receipt, in the chosen language. A
//! rejected file leaves nothing.

use super::validate::{language_of, load_profile};
use super::{EXIT_DATA, EXIT_IO, EXIT_OK, ExitCode, language};
use crate::i18n::{Args as Vars, Lang};
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
    /// With --store: the collaborative's collaborative.toml; with linkage =
    /// "collaborative", case extracts must carry keys of its current epoch.
    #[arg(long, env = "SAFECOUNT_COLLABORATIVE")]
    pub collaborative: Option<PathBuf>,
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

/// One labelled line of a receipt, the labels aligned in either language.
pub fn receipt_line(
    out: &mut dyn Write,
    lang: Lang,
    label: &str,
    value: &str,
) -> std::io::Result<()> {
    writeln!(out, "  {:<12}{value}", lang.t(label))
}

pub fn print_receipt(
    out: &mut dyn Write,
    lang: Lang,
    r: &Receipt,
    already: bool,
    file: &str,
) -> std::io::Result<()> {
    let heading = if already {
        "cli-receipt-already"
    } else {
        "cli-receipt-stored"
    };
    writeln!(out, "{}", lang.t(heading))?;
    let quarter = Vars::new()
        .with("quarter", r.quarter.to_string())
        .with("kind", r.kind.as_str());
    let rows = Vars::new()
        .with("rows", r.rows_accepted)
        .with("records", r.records);
    let check = lang.msg("cli-receipt-check", &Vars::new().with("file", file));
    let line =
        |out: &mut dyn Write, label: &str, value: &str| receipt_line(out, lang, label, value);
    line(out, "cli-receipt-submission", &r.submission_id)?;
    line(out, "cli-receipt-agency", &r.agency)?;
    line(
        out,
        "cli-receipt-quarter",
        &lang.msg("cli-receipt-quarter-value", &quarter),
    )?;
    line(out, "cli-receipt-received", &lang.timestamp(&r.received_at))?;
    line(out, "cli-receipt-sha256", &r.sha256)?;
    writeln!(out, "  {:<12}{check}", "")?;
    line(
        out,
        "cli-receipt-rows",
        &lang.msg("cli-receipt-rows-value", &rows),
    )?;
    if let Some(prev) = &r.supersedes {
        let args = Vars::new().with("previous", prev.as_str());
        let value = lang.msg("cli-receipt-supersedes-value", &args);
        line(out, "cli-receipt-supersedes", &value)?;
    }
    if !r.raw_kept {
        line(out, "cli-receipt-raw", lang.t("cli-receipt-raw-value"))?;
    }
    if let Some(epoch) = &r.linkage_epoch {
        let args = Vars::new().with("epoch", epoch.as_str());
        let value = lang.msg("cli-receipt-linkage-value", &args);
        line(out, "cli-receipt-linkage", &value)?;
    }
    Ok(())
}

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    if let Some(server) = args.server.clone() {
        return remote::submit(&args, chosen, &server, out);
    }
    let profile = match load_profile(&args.profile) {
        Ok(p) => p,
        Err((code, message)) => {
            let lang = language(chosen, None);
            eprintln!("safecount submit: {}", message.render(lang));
            return Ok(code);
        }
    };
    let lang = language_of(chosen, &profile);
    let epoch = match super::validate::linkage_epoch(args.collaborative.as_deref()) {
        Ok(e) => e,
        Err((code, message)) => {
            eprintln!("safecount submit: {}", message.render(lang));
            return Ok(code);
        }
    };
    let store = match Store::open(&Store::resolve_dir(args.store.as_deref())) {
        Ok(s) => s
            .with_linkage_epoch(epoch)
            .with_checker(crate::ingest::isolated::this_program()),
        Err(e) => {
            let detail = Vars::new().with("detail", e.to_string());
            eprintln!("safecount submit: {}", lang.msg("error-store", &detail));
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
            print_receipt(out, lang, &r, false, &file)?;
            Ok(EXIT_OK)
        }
        Ok(SubmitOutcome::AlreadyStored(r)) => {
            print_receipt(out, lang, &r, true, &file)?;
            Ok(EXIT_OK)
        }
        Ok(SubmitOutcome::Rejected(report)) => {
            if args.json {
                writeln!(out, "{}", report.to_json_in(lang))?;
            } else {
                write!(out, "{}", report.to_text_in(lang))?;
                writeln!(out, "\n{}", lang.t("cli-nothing-stored"))?;
            }
            Ok(EXIT_DATA)
        }
        Err(e) => {
            eprintln!("safecount submit: {}", e.message().render(lang));
            Ok(e.exit_code())
        }
    }
}

/// `submit --server`: the same upload over the API (PUT with the file as the body).
mod remote {
    use super::{Args, Lang, Vars, print_receipt, receipt_line};
    use crate::cli::{EXIT_DATA, EXIT_IO, EXIT_NO_INPUT, EXIT_OK, EXIT_USAGE, language};
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

    /// Upload through the API. The server answers in the reader's explicit
    /// choice (`?lang=`), else in the agency profile's language, else in the
    /// locale's (`Accept-Language`); the report is shown in that language.
    pub fn submit(
        args: &Args,
        chosen: Option<Lang>,
        server: &str,
        out: &mut dyn Write,
    ) -> anyhow::Result<i32> {
        let local = language(chosen, None);
        let Some(token) = args.token.clone().filter(|t| !t.trim().is_empty()) else {
            eprintln!(
                "safecount submit --server: {}",
                local.t("cli-error-no-token")
            );
            return Ok(EXIT_USAGE);
        };
        let Some(slug) = token.trim().split('.').nth(1).map(str::to_string) else {
            eprintln!(
                "safecount submit --server: {}",
                local.t("cli-error-bad-token")
            );
            return Ok(EXIT_USAGE);
        };
        let sha = match sha256_of(&args.file) {
            Ok(s) => s,
            Err(_) => {
                let file = Vars::new().with("file", args.file.display().to_string());
                eprintln!(
                    "safecount submit: {}",
                    local.msg("error-file-missing", &file)
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
        let mut query = vec![("profile", profile.clone()), ("filename", name.clone())];
        if let Some(lang) = chosen {
            query.push(("lang", lang.code().to_string()));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let answer = runtime.block_on(async move {
            let file = tokio::fs::File::open(&path).await?;
            let len = file.metadata().await?.len();
            let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
            let response = reqwest::Client::new()
                .put(url)
                .query(&query)
                .header(reqwest::header::ACCEPT_LANGUAGE, local.code())
                .bearer_auth(token.trim())
                .header("idempotency-key", key)
                .header(reqwest::header::CONTENT_LENGTH, len)
                .body(body)
                .send()
                .await?;
            let status = response.status();
            let replayed = response.headers().contains_key("idempotent-replayed");
            let answered_in = response
                .headers()
                .get(reqwest::header::CONTENT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::parse);
            let text = response.text().await?;
            anyhow::Ok((status, replayed, text, answered_in))
        });
        let (status, replayed, text, answered_in) = match answer {
            Ok(a) => a,
            Err(e) => {
                let args = Vars::new()
                    .with("server", server)
                    .with("detail", e.to_string());
                eprintln!(
                    "safecount submit: {}",
                    local.msg("cli-error-unreachable", &args)
                );
                return Ok(EXIT_IO);
            }
        };
        let lang = answered_in.unwrap_or(local);
        let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status.is_success() {
            let receipt: crate::store::Receipt = serde_json::from_value(body.clone())?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&body)?)?;
            } else {
                let already = replayed || body["already_stored"].as_bool().unwrap_or(false);
                let file = args.file.display().to_string();
                print_receipt(out, lang, &receipt, already, &file)?;
            }
            if receipt.sha256 != sha {
                let args = Vars::new().with("sha", sha.as_str());
                eprintln!(
                    "safecount submit: {}",
                    lang.msg("cli-error-sha-differs", &args)
                );
                return Ok(EXIT_IO);
            }
            if !args.json {
                let verified = lang.t("cli-receipt-verified-value");
                receipt_line(out, lang, "cli-receipt-verified", verified)?;
            }
            return Ok(EXIT_OK);
        }
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&body)?)?;
        } else {
            let refused = Vars::new()
                .with("title", body["title"].as_str().unwrap_or_default())
                .with("status", status.as_u16().to_string())
                .with("detail", body["detail"].as_str().unwrap_or(&text));
            eprintln!(
                "safecount submit: {}",
                lang.msg("cli-error-refused", &refused)
            );
            // The server's validation report, read into the same type and
            // printed by the same renderer as a local submit's.
            let report = body
                .get("report")
                .and_then(|r| serde_json::from_value::<crate::ingest::Report>(r.clone()).ok());
            if let Some(report) = report {
                write!(out, "{}", report.to_text_in(lang))?;
                writeln!(out, "\n{}", lang.t("cli-nothing-stored"))?;
            }
        }
        Ok(match status.as_u16() {
            422 | 413 => EXIT_DATA,
            401 | 403 | 400 => EXIT_USAGE,
            _ => EXIT_IO,
        })
    }
}

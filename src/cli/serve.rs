//! `safecount serve`: the intake server for agencies' uploads.

use super::{EXIT_CONFIG, EXIT_IO, EXIT_OK};
use crate::i18n::Lang;
use crate::server::{ServeConfig, ServerError, serve};
use crate::store::Store;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The store directory (default: $SAFECOUNT_STORE, else ./safecount-data).
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Directory of agency profiles (*.toml); a profile's id is its file name without .toml.
    #[arg(long, env = "SAFECOUNT_PROFILES", default_value = "profiles")]
    pub profiles: PathBuf,
    /// Address to listen on. Loopback by default; anything else should sit behind a TLS reverse proxy.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Largest upload accepted, in megabytes.
    #[arg(long, default_value_t = 200)]
    pub max_upload_mb: u64,
    /// Requests per minute allowed per agency.
    #[arg(long, default_value_t = 120)]
    pub rate_per_minute: u32,
    /// Files validated at once; further uploads wait up to 10 s, then are asked to retry (503).
    #[arg(long, default_value_t = 2)]
    pub max_concurrent_checks: usize,
    /// The collaborative's collaborative.toml: with linkage = "collaborative", case
    /// uploads must carry collaborative keys of its current epoch.
    #[arg(long, env = "SAFECOUNT_COLLABORATIVE")]
    pub collaborative: Option<PathBuf>,
    /// How the server logs: one plain line, or one JSON object, per event.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: crate::log::Format,
    /// The least important events logged.
    #[arg(long, value_enum, env = "SAFECOUNT_LOG_LEVEL", default_value = "info")]
    pub log_level: crate::log::Level,
}

pub fn run(args: Args, chosen: Option<Lang>, _out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = super::language(chosen, None);
    crate::log::init(args.log_format, args.log_level);
    let mut config = ServeConfig::new(Store::resolve_dir(args.store.as_deref()), args.profiles);
    config.console_lang = lang;
    config.checker = crate::ingest::isolated::this_program();
    config.addr = args.addr;
    config.max_upload_bytes = args.max_upload_mb * 1024 * 1024;
    config.per_agency_per_minute = args.rate_per_minute;
    config.max_concurrent_checks = args.max_concurrent_checks;
    config.linkage_epoch = match super::validate::linkage_epoch(args.collaborative.as_deref()) {
        Ok(e) => e,
        Err((code, message)) => {
            tracing::error!("safecount serve: {}", message.render(lang));
            return Ok(code);
        }
    };
    match serve(&config) {
        Ok(()) => Ok(EXIT_OK),
        Err(e @ (ServerError::Profiles { .. } | ServerError::Profile { .. })) => {
            tracing::error!(
                "safecount serve: {}\n{}",
                e.message().render(lang),
                lang.t("serve-profiles")
            );
            Ok(EXIT_CONFIG)
        }
        Err(e) => {
            tracing::error!("safecount serve: {}", e.message().render(lang));
            Ok(EXIT_IO)
        }
    }
}

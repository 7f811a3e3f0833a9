//! `safecount sample-data --out DIR --seed N`: write the synthetic sample.

use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write profiles/, extracts/, returns/, bad/ and manifest.toml.
    #[arg(long, default_value = "sample-data")]
    pub out: PathBuf,
    /// Seed of the generator; the same seed gives the same people.
    #[arg(long, default_value_t = 2013)]
    pub seed: u64,
}

pub fn run(args: Args, lang: crate::i18n::Lang, out: &mut dyn Write) -> anyhow::Result<i32> {
    let manifest = crate::sample::generate(&args.out, args.seed)?;
    let vars = crate::i18n::Args::new()
        .with("files", manifest.extracts.len())
        .with("dir", args.out.display().to_string())
        .with("seed", args.seed.to_string());
    writeln!(out, "{}", lang.msg("sample-data-wrote", &vars))?;
    writeln!(out, "{}", lang.msg("sample-data-fictional", &vars))?;
    Ok(super::EXIT_OK)
}

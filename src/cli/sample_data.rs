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

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let manifest = crate::sample::generate(&args.out, args.seed)?;
    writeln!(
        out,
        "Wrote {} files of synthetic sample data to {} (seed {}).",
        manifest.extracts.len(),
        args.out.display(),
        args.seed
    )?;
    writeln!(
        out,
        "Every person in them is fictional. See {}/manifest.toml.",
        args.out.display()
    )?;
    Ok(super::EXIT_OK)
}

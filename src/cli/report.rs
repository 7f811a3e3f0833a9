//! `safecount report RELEASE_DIR --out DIR [--lang en|fr]`: redraw a report
//! from stored releases. Reads release files only: never records, never the
//! budget.

use super::{EXIT_NO_INPUT, EXIT_OK, EXIT_USAGE};
use crate::i18n::Args as Vars;
use crate::report::{self, DataError, ReportError, data::ReleaseSet, i18n::Lang};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A directory of release files, e.g. safecount-data/releases (searched recursively).
    pub releases: PathBuf,
    /// Where to write report.<lang>.html and charts/.
    #[arg(long)]
    pub out: PathBuf,
    /// Language: en or fr; repeat for both (default: both).
    #[arg(long = "lang")]
    pub langs: Vec<String>,
}

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let says = super::language(chosen, None);
    let mut langs = Vec::new();
    for l in &args.langs {
        match Lang::parse(l) {
            Some(lang) => langs.push(lang),
            None => {
                let given = Vars::new().with("given", l.as_str());
                eprintln!("safecount report: {}", says.msg("report-bad-lang", &given));
                return Ok(EXIT_USAGE);
            }
        }
    }
    if langs.is_empty() {
        langs = Lang::ALL.to_vec();
    }
    let set = match ReleaseSet::load(&args.releases) {
        Ok(s) => s,
        Err(e @ (DataError::Empty(_) | DataError::Io { .. })) => {
            eprintln!("safecount report: {}", e.message().render(says));
            return Ok(EXIT_NO_INPUT);
        }
        Err(e) => return Err(ReportError::from(e).into()),
    };
    for lang in langs {
        let w = report::write(&set, &args.out, lang)?;
        let args = Vars::new()
            .with("file", w.html.display().to_string())
            .with("charts", w.charts)
            .with("releases", set.releases.len());
        writeln!(out, "{}", says.msg("report-written", &args))?;
    }
    Ok(EXIT_OK)
}

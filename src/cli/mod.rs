//! The `safecount` command line: argument parsing and exit codes. One file
//! per subcommand; each returns an exit code, and an error a subcommand passes
//! up with `?` is mapped here to the code the error itself names
//! ([`crate::exit`], which holds the one table of codes).

mod agency;
mod budget;
mod definitions;
mod demo;
mod help;
mod key;
mod pipeline;
mod release;
mod report;
mod run;
mod sample_data;
mod schema;
mod serve;
mod store;
mod submit;
mod validate;

use crate::i18n::Lang;
use clap::{Parser, Subcommand};
use std::ffi::OsString;

pub use crate::exit::ExitCode;
pub const EXIT_OK: i32 = crate::exit::OK;
pub const EXIT_USAGE: i32 = crate::exit::USAGE;
pub const EXIT_DATA: i32 = crate::exit::DATA;
pub const EXIT_NO_INPUT: i32 = crate::exit::NO_INPUT;
pub const EXIT_SOFTWARE: i32 = crate::exit::SOFTWARE;
pub const EXIT_IO: i32 = crate::exit::IO;
pub const EXIT_BUDGET: i32 = crate::exit::BUDGET;
pub const EXIT_CONFIG: i32 = crate::exit::CONFIG;

/// What an error passed up with `?` means: the library error's own words
/// (`message()`) and exit code ([`ExitCode`]); else its text as a
/// technical detail in a translated frame, and an I/O error's code or an
/// internal error's.
fn explain(e: &anyhow::Error) -> (crate::i18n::Message, i32) {
    macro_rules! try_as {
        ($($t:ty),*) => {
            $(if let Some(x) = e.downcast_ref::<$t>() {
                return (x.message(), x.exit_code());
            })*
        };
    }
    try_as!(
        crate::pipeline::PipelineError,
        crate::release::ReleaseError,
        crate::privacy::ledger::LedgerError,
        crate::store::SubmitError,
        crate::store::StoreError,
        crate::classify::DefinitionError,
        crate::store::AgencyError,
        crate::server::ServerError,
        crate::report::ReportError,
        crate::report::DataError
    );
    let code = if e.downcast_ref::<std::io::Error>().is_some() {
        EXIT_IO
    } else {
        EXIT_SOFTWARE
    };
    let detail = crate::i18n::Message::new("error-other").with("detail", format!("{e:#}"));
    (detail, code)
}

#[derive(Parser, Debug)]
// Its description, the help of every argument and the table of exit codes
// come from the catalogues (`i18n/*/help.ftl`, see `help.rs`).
#[command(name = "safecount", version)]
pub(crate) struct Cli {
    /// Language of messages and reports to agency staff: en or fr (else the
    /// agency profile's `language`, else LC_ALL / LC_MESSAGES / LANG, else en).
    #[arg(long, global = true, env = "SAFECOUNT_LANG", value_parser = lang_parser())]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

/// `--lang`: one of the languages' codes (clap lists them in its error).
fn lang_parser() -> impl clap::builder::TypedValueParser<Value = Lang> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Lang::ALL.map(Lang::code))
        .map(|code: String| Lang::parse(&code).unwrap_or_default())
}

/// The language named by `--lang` on the command line (or
/// `SAFECOUNT_LANG`), read before parsing so that `--help` and usage errors
/// speak it too.
fn lang_in_arguments(args: &[OsString]) -> Option<Lang> {
    let mut words = args.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        if let Some(value) = word.strip_prefix("--lang=") {
            return Lang::parse(value);
        }
        if word == "--lang" {
            return words.next().and_then(Lang::parse);
        }
    }
    std::env::var("SAFECOUNT_LANG")
        .ok()
        .and_then(|v| Lang::parse(&v))
}

/// The language to speak: the reader's explicit choice (`--lang`,
/// `SAFECOUNT_LANG`), else the agency profile's, else the locale, else English.
pub(crate) fn language(chosen: Option<Lang>, profile: Option<Lang>) -> Lang {
    chosen
        .or(profile)
        .or_else(crate::i18n::from_environment)
        .unwrap_or_default()
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The newcomer's first command: a fresh store from the sample, every extract submitted, the demo pipeline run, the report written.
    Demo(demo::Args),
    /// At the agency, offline: add collaborative person keys to an extract (or --new-secret).
    Key(key::Args),
    /// Validate an extract, then store it atomically and print a receipt.
    Submit(submit::Args),
    /// Serve the upload pages and API for agencies (loopback by default).
    Serve(serve::Args),
    /// Agencies allowed to upload: add (prints a token once), revoke, list.
    Agency(agency::Args),
    /// The privacy-budget ledger: spent and remaining per period; set budgets; verify.
    Budget(budget::Args),
    /// The store itself: `safecount store migrate` rewrites files of older versions in today's format.
    Store(store::Args),
    /// Pipeline reference: `safecount pipeline schema` prints the JSON Schema of pipeline files.
    Pipeline(pipeline::Args),
    /// Run a pipeline (pipelines/*.toml), or preview its cost and accuracy with --dry-run.
    Run(run::Args),
    /// Redraw a report (HTML, SVG, PNG; en and fr) from stored releases; spends nothing.
    Report(report::Args),
    /// Release standard tables of one period through OpenDP (debited before noise is drawn).
    Release(release::Args),
    /// Check an extract against its agency profile; exit 0 clean, 65 invalid.
    Validate(validate::Args),
    /// List the definitions of trafficking, or explain one in plain words.
    Definitions(definitions::Args),
    /// Print the canonical schema (Frictionless Table Schema, or a table).
    Schema(schema::Args),
    /// Generate the synthetic sample agencies, extracts and profiles.
    SampleData(sample_data::Args),
}

/// A progress bar on stderr for a long stage; indicatif hides it when stderr is not a terminal.
pub(crate) fn progress_bar(len: u64, lang: Lang) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {} [{{bar:30}}] {{pos}}/{{len}} {{msg}} ({{elapsed}})",
        lang.t("progress-releasing")
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Run the command line; returns the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // A check of one extract, started by this very binary (see `ingest::isolated`).
    if args
        .get(1)
        .is_some_and(|a| a == crate::ingest::isolated::CHILD_ARGUMENT)
    {
        return crate::ingest::isolated::child_main();
    }
    let says = language(lang_in_arguments(&args), None);
    let parsed = help::localised(Cli::command(), says)
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            eprintln!("{}", help::usage_error(&e, says));
            return EXIT_USAGE;
        }
        Err(e) => {
            let _ = e.print();
            return EXIT_OK;
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Command::Demo(args) => demo::run(args, cli.lang, &mut out),
        Command::Definitions(args) => definitions::run(args, language(cli.lang, None), &mut out),
        Command::Key(args) => key::run(args, cli.lang, &mut out),
        Command::Submit(args) => submit::run(args, cli.lang, &mut out),
        Command::Budget(args) => budget::run(args, cli.lang, &mut out),
        Command::Serve(args) => serve::run(args, cli.lang, &mut out),
        Command::Agency(args) => agency::run(args, cli.lang, &mut out),
        Command::Release(args) => release::run(args, cli.lang, &mut out),
        Command::Report(args) => report::run(args, cli.lang, &mut out),
        Command::Run(args) => run::run(args, cli.lang, &mut out),
        Command::Pipeline(args) => pipeline::run(args, language(cli.lang, None), &mut out),
        Command::Store(args) => store::run(args, cli.lang, &mut out),
        Command::Validate(args) => validate::run(args, cli.lang, &mut out),
        Command::Schema(args) => schema::run(args, language(cli.lang, None), &mut out),
        Command::SampleData(args) => sample_data::run(args, language(cli.lang, None), &mut out),
    };
    match result {
        Ok(code) => code,
        // The reader went away (e.g. `| head`): not an error worth reporting.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            EXIT_OK
        }
        Err(e) => {
            let (message, code) = explain(&e);
            eprintln!("safecount: {}", message.render(says));
            code
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

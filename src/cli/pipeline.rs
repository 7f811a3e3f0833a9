//! `safecount pipeline schema`: the JSON Schema of pipeline files, for
//! editors, its descriptions in the chosen language.

use std::io::Write;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Print the JSON Schema of pipeline files.
    Schema,
}

pub fn run(args: Args, lang: crate::i18n::Lang, out: &mut dyn Write) -> anyhow::Result<i32> {
    match args.action {
        Action::Schema => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&crate::pipeline::json_schema(lang))?
        )?,
    }
    Ok(super::EXIT_OK)
}

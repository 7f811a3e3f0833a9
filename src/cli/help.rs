//! The command line's own words in the chosen language: every command's
//! `about`, every argument's help, clap's headings, and its usage errors.
//!
//! The words live in `i18n/<lang>/help.ftl`, one id per command and per
//! argument, named by where it sits: `help-validate` is the `validate`
//! command's one-line description, `help-validate-long` its longer one,
//! `help-validate-arg-profile` the help of its `--profile`. The derive's doc
//! comments stay as notes for developers; what a user reads comes from the
//! catalogue (a test checks every command and argument has its ids).
//!
//! clap writes its usage errors in English; [`usage_error`] puts the common
//! ones into words from `help.ftl` (the argument's name, the value given on
//! the command line, the values allowed), and falls back to a translated
//! frame around clap's own text for the rare kinds.

use crate::i18n::{Args, Lang};
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The id of a command's description: `help-` and its path below the root
/// (`help-safecount` for the root itself).
fn command_id(path: &[&str]) -> String {
    if path.is_empty() {
        "help-safecount".to_string()
    } else {
        format!("help-{}", path.join("-"))
    }
}

/// The id of an argument's help.
fn arg_id(path: &[&str], arg: &str) -> String {
    format!("{}-arg-{}", command_id(path), arg.replace('_', "-"))
}

/// The ids of an argument's help and, when it has one, of its long help.
/// clap's own `--help` and `--version` have `help-builtin-*` ids (`--help`
/// says more when its command has long help); a global argument has the
/// id of the command that declares it wherever clap repeats it below.
fn ids_of_arg(path: &[&str], arg: &clap::Arg, globals: &Globals) -> (String, Option<String>) {
    let name = arg.get_id().as_str();
    match name {
        "help" if arg.get_long_help().is_some() => (
            "help-builtin-help-summary".to_string(),
            Some("help-builtin-help-summary-long".to_string()),
        ),
        "help" | "version" => (format!("help-builtin-{name}"), None),
        _ => (
            globals
                .get(name)
                .cloned()
                .unwrap_or_else(|| arg_id(path, name)),
            None,
        ),
    }
}

/// The help ids of the global arguments declared above a command.
type Globals = std::collections::HashMap<String, String>;

/// `globals` with the global arguments `cmd` itself declares.
fn with_globals_of(cmd: &clap::Command, path: &[&str], globals: &Globals) -> Globals {
    let mut out = globals.clone();
    for a in cmd.get_arguments().filter(|a| a.is_global_set()) {
        let name = a.get_id().to_string();
        out.entry(name.clone())
            .or_insert_with(|| arg_id(path, &name));
    }
    out
}

/// The command tree with every word from the catalogue of `lang`.
pub fn localised(cmd: clap::Command, lang: Lang) -> clap::Command {
    let mut cmd = cmd;
    cmd.build();
    localise(cmd, &[], lang, &Globals::new()).after_help(lang.t("help-exit-codes"))
}

fn localise(cmd: clap::Command, path: &[&str], lang: Lang, globals: &Globals) -> clap::Command {
    let globals = with_globals_of(&cmd, path, globals);
    let id = command_id(path);
    let mut cmd = cmd
        .about(lang.t(&id))
        .subcommand_help_heading(lang.t("help-heading-commands"))
        .help_template(template(lang));
    if let Some(long) = lang.try_t(&format!("{id}-long")) {
        cmd = cmd.long_about(long);
    }
    let args: Vec<(String, String, Option<String>)> = cmd
        .get_arguments()
        .map(|a| {
            let (help, long) = ids_of_arg(path, a, &globals);
            (a.get_id().to_string(), help, long)
        })
        .collect();
    for (name, help, long) in args {
        cmd = cmd.mut_arg(name.as_str(), |a| {
            let heading = if a.is_positional() {
                "help-heading-arguments"
            } else {
                "help-heading-options"
            };
            let facts = facts_of(&a, lang);
            let names: Vec<&'static str> = value_names(&a)
                .iter()
                .map(|n| value_name(lang, n.as_str()))
                .collect();
            let a = a
                .help(format!("{}{facts}", lang.t(&help)))
                .help_heading(lang.t(heading))
                .hide_default_value(true)
                .hide_possible_values(true)
                .hide_env(true);
            let a = if names.is_empty() {
                a
            } else {
                a.value_names(names)
            };
            match long {
                Some(long) => a.long_help(format!("{}{facts}", lang.t(&long))),
                None => a,
            }
        });
    }
    cmd = cmd.subcommand_value_name(lang.t("help-value-command"));
    cmd = with_usage(cmd, lang);
    for name in subcommand_names(&cmd) {
        let sub_path = [path, &[name.as_str()]].concat();
        cmd = cmd.mut_subcommand(name.as_str(), |c| {
            if name == "help" {
                localise_help_command(c, path, lang)
            } else {
                localise(c, &sub_path, lang, &globals)
            }
        });
    }
    cmd
}

/// A placeholder of the usage line (`FILE`, `QUARTER`) in `lang`: the
/// catalogue's `help-value-file`, ...
fn value_name(lang: Lang, name: &str) -> &'static str {
    lang.t(&value_id(name))
}

/// The placeholders of an argument that takes values (a flag has none).
fn value_names(arg: &clap::Arg) -> &[clap::builder::Str] {
    if arg.get_action().takes_values() {
        arg.get_value_names().unwrap_or_default()
    } else {
        &[]
    }
}

fn value_id(name: &str) -> String {
    format!("help-value-{}", name.to_ascii_lowercase().replace('_', "-"))
}

/// The command with its usage line in `lang`: clap's own, with its
/// `[OPTIONS]` in the catalogue's words.
fn with_usage(mut cmd: clap::Command, lang: Lang) -> clap::Command {
    let usage = cmd.render_usage().to_string();
    // clap heads it with its English word; the template adds ours.
    let usage = usage
        .split_once(':')
        .map_or(usage.as_str(), |(_, rest)| rest.trim());
    let usage = usage.replace("[OPTIONS]", lang.t("help-value-options"));
    cmd.override_usage(usage)
}

/// What clap would append to an argument's help in English (its default,
/// its possible values, the environment variable it reads), in `lang`.
fn facts_of(arg: &clap::Arg, lang: Lang) -> String {
    let mut facts = Vec::new();
    let join = |values: Vec<String>| values.join(", ");
    if let Some(env) = arg.get_env() {
        let env = env.to_string_lossy().to_string();
        facts.push(lang.msg("help-fact-env", &Args::new().with("name", env.as_str())));
    }
    if arg.get_action().takes_values() {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().to_string())
            .collect();
        if !defaults.is_empty() {
            let values = join(defaults);
            facts.push(lang.msg(
                "help-fact-default",
                &Args::new().with("value", values.as_str()),
            ));
        }
        let possible: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !possible.is_empty() {
            let values = join(possible);
            facts.push(lang.msg(
                "help-fact-possible",
                &Args::new().with("values", values.as_str()),
            ));
        }
    }
    facts.iter().map(|f| format!(" [{f}]")).collect()
}

/// clap's `help` subcommand: its own words, and below it the tree of the
/// commands it gives help on, each described as the command itself is.
fn localise_help_command(cmd: clap::Command, path: &[&str], lang: Lang) -> clap::Command {
    let mut cmd = cmd
        .about(lang.t("help-builtin-help-command"))
        .help_template(template(lang));
    for name in subcommand_names(&cmd) {
        let sub_path = [path, &[name.as_str()]].concat();
        cmd = cmd.mut_subcommand(name.as_str(), |c| {
            let about = if name == "help" {
                "help-builtin-help-command".to_string()
            } else {
                command_id(&sub_path)
            };
            localise_help_command(c, &sub_path, lang).about(lang.t(&about))
        });
    }
    cmd
}

fn subcommand_names(cmd: &clap::Command) -> Vec<String> {
    cmd.get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// clap's default help template with the usage heading in `lang`.
fn template(lang: Lang) -> String {
    format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        lang.t("help-heading-usage")
    )
}

/// Every id the command tree needs, for the catalogue test.
#[cfg(test)]
fn needed_ids(cmd: clap::Command) -> Vec<String> {
    let mut cmd = cmd;
    cmd.build();
    let mut out: Vec<String> = [
        "help-heading-commands",
        "help-heading-arguments",
        "help-heading-options",
        "help-heading-usage",
        "help-exit-codes",
        "help-builtin-help-command",
        "help-value-command",
        "help-value-options",
    ]
    .map(String::from)
    .to_vec();
    needed(&cmd, &[], &Globals::new(), &mut out);
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
fn needed(cmd: &clap::Command, path: &[&str], globals: &Globals, out: &mut Vec<String>) {
    let globals = with_globals_of(cmd, path, globals);
    out.push(command_id(path));
    if path.is_empty() || cmd.get_long_about().is_some() {
        out.push(format!("{}-long", command_id(path)));
    }
    for a in cmd.get_arguments() {
        let (help, long) = ids_of_arg(path, a, &globals);
        out.push(help);
        out.extend(long);
        for name in value_names(a) {
            out.push(value_id(name.as_str()));
        }
    }
    for c in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
        needed(c, &[path, &[c.get_name()]].concat(), &globals, out);
    }
}

/// The text of one piece of an error's context.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

/// A usage error in words from the catalogue: what is wrong, a suggestion
/// when clap has one, and where to read more. Help and version requests are
/// clap's own output (already localised), passed through unchanged.
pub fn usage_error(e: &clap::Error, lang: Lang) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue)
        .or_else(|| context(e, ContextKind::InvalidSubcommand))
        .unwrap_or_default();
    let args = Args::new()
        .with("arg", arg.as_str())
        .with("value", value.as_str());
    let mut text = match e.kind() {
        ErrorKind::UnknownArgument => lang.msg("help-error-unknown-argument", &args),
        ErrorKind::InvalidSubcommand => lang.msg("help-error-unknown-command", &args),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            lang.msg("help-error-invalid-value", &args)
        }
        ErrorKind::MissingRequiredArgument => lang.msg("help-error-missing-argument", &args),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            lang.t("help-error-missing-command").to_string()
        }
        ErrorKind::ArgumentConflict => {
            let other = context(e, ContextKind::PriorArg).unwrap_or_default();
            lang.msg("help-error-conflict", &args.with("other", other.as_str()))
        }
        ErrorKind::TooManyValues => lang.msg("help-error-too-many", &args),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues | ErrorKind::NoEquals => {
            lang.msg("help-error-values", &args)
        }
        _ => lang.msg(
            "help-error-other",
            &Args::new().with("detail", e.kind().as_str().unwrap_or_default()),
        ),
    };
    if let Some(valid) = context(e, ContextKind::ValidValue) {
        text.push('\n');
        text.push_str(&lang.msg(
            "help-error-valid",
            &Args::new().with("values", valid.as_str()),
        ));
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        if let Some(suggested) = context(e, kind) {
            text.push('\n');
            text.push_str(&lang.msg(
                "help-error-suggestion",
                &Args::new().with("suggestion", suggested.as_str()),
            ));
        }
    }
    if let Some(usage) = context(e, ContextKind::Usage) {
        let usage = usage.trim();
        // clap heads the usage with its English word; ours replaces it.
        let usage = usage.split_once(':').map_or(usage, |(_, rest)| rest.trim());
        text.push_str("\n\n");
        text.push_str(lang.t("help-heading-usage"));
        text.push(' ');
        text.push_str(usage);
    }
    text.push_str("\n\n");
    text.push_str(lang.t("help-error-more"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_and_argument_has_its_words_in_both_languages() {
        let needed = needed_ids(crate::cli::Cli::command());
        for lang in Lang::ALL {
            let missing: Vec<&String> = needed
                .iter()
                .filter(|id| lang.try_t(id).is_none())
                .collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
            let source = include_str!("help.rs");
            let unused: Vec<String> = crate::i18n::message_ids(lang)
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| id.starts_with("help-") && !needed.contains(id))
                .filter(|id| !source.contains(&format!("\"{id}\"")))
                .collect();
            assert!(
                unused.is_empty(),
                "{lang:?}: ids no command uses: {unused:?}"
            );
            // Localising builds the whole tree without a panic.
            localised(crate::cli::Cli::command(), lang).debug_assert();
        }
    }

    #[test]
    fn help_and_usage_errors_speak_french() {
        let mut cmd = localised(crate::cli::Cli::command(), Lang::Fr);
        let help = cmd.render_long_help().to_string();
        assert!(
            help.contains("Utilisation\u{a0}:") && help.contains("Commandes\u{a0}:"),
            "{help}"
        );
        assert!(
            !help.contains("Usage:") && !help.contains("Print help"),
            "{help}"
        );
        let e = localised(crate::cli::Cli::command(), Lang::Fr)
            .try_get_matches_from(["safecount", "validate", "--nope"])
            .unwrap_err();
        let text = usage_error(&e, Lang::Fr);
        assert!(
            text.contains("--nope") && text.contains("Utilisation"),
            "{text}"
        );
        assert!(
            !text.contains("Usage") && !text.contains("unexpected"),
            "{text}"
        );
    }
}

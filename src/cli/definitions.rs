//! `safecount definitions [--explain NAME] [--dir DIR]`: the definitions of
//! trafficking safecount applies, with version and citation, and each rule in
//! plain words, in the chosen language (a definition file's `[fr]` words in
//! French; the frame from `i18n/*/definitions.ftl`).

use crate::classify::{Definition, DefinitionSet};
use crate::i18n::{Args as Vars, Lang};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Explain one definition (or policy set): its rule in plain words and the fields it reads.
    #[arg(long, value_name = "NAME")]
    pub explain: Option<String>,
    /// Directory of definition files (default: ./definitions if present, else the built-in copy).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn run(args: Args, lang: Lang, out: &mut dyn Write) -> anyhow::Result<i32> {
    let set = match DefinitionSet::load_default(args.dir.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount definitions: {}", e.message().render(lang));
            return Ok(super::EXIT_CONFIG);
        }
    };
    let Some(name) = args.explain else {
        list(&set, lang, out)?;
        return Ok(super::EXIT_OK);
    };
    if let Some(d) = set.definition(&name) {
        explain_definition(&set, d, lang, out)?;
    } else if let Some(s) = set.sets.get(&name) {
        let vars = Vars::new().with("name", s.name.as_str());
        writeln!(out, "{}", lang.msg("definitions-policy-set", &vars))?;
        writeln!(out, "{}\n", s.description_in(lang))?;
        writeln!(out, "{}", lang.t("definitions-the-rule"))?;
        writeln!(out, "{}\n", set.explain_rule(&s.rule, 1, lang))?;
    } else {
        let names: Vec<&str> = set
            .definitions
            .iter()
            .map(|d| d.name.as_str())
            .chain(set.sets.keys().map(String::as_str))
            .collect();
        let vars = Vars::new()
            .with("name", name.as_str())
            .with("known", names.join(", "));
        eprintln!(
            "safecount definitions: {}",
            lang.msg("definitions-unknown", &vars)
        );
        return Ok(super::EXIT_USAGE);
    }
    let fields: Vec<String> = set.fields_read(&name).into_iter().collect();
    let vars = Vars::new().with("fields", fields.join(", "));
    writeln!(out, "{}", lang.msg("definitions-fields-read", &vars))?;
    writeln!(out, "{}", lang.t("definitions-unknown-facts"))?;
    Ok(super::EXIT_OK)
}

/// Every definition with its version, title and citation.
fn list(set: &DefinitionSet, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    let vars = Vars::new()
        .with("version", set.version.as_str())
        .with("source", set.source.as_str());
    writeln!(out, "{}\n", lang.msg("definitions-version", &vars))?;
    for d in &set.definitions {
        let words = d.words(lang);
        writeln!(
            out,
            "{:<13} v{:<6} {}\n{:<21} {}",
            d.name, d.version, words.title, "", words.citation
        )?;
    }
    let sets = set.sets.keys().cloned().collect::<Vec<_>>().join(", ");
    writeln!(
        out,
        "\n{}",
        lang.msg("definitions-sets", &Vars::new().with("sets", sets))
    )?;
    writeln!(out, "{}", lang.t("definitions-explain-one"))
}

/// One definition: its words, its rule in plain words, its proxy mode.
fn explain_definition(
    set: &DefinitionSet,
    d: &Definition,
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let words = d.words(lang);
    let vars = Vars::new()
        .with("name", d.name.as_str())
        .with("title", words.title.as_str())
        .with("version", d.version.as_str());
    writeln!(out, "{}", lang.msg("definitions-heading", &vars))?;
    writeln!(out, "{}\n", words.citation)?;
    writeln!(
        out,
        "{}\n{}\n",
        lang.t("definitions-in-plain-words"),
        words.summary
    )?;
    let vars = Vars::new().with("name", d.name.as_str());
    writeln!(out, "{}", lang.msg("definitions-rule-heading", &vars))?;
    writeln!(out, "{}\n", set.explain_rule(&d.rule, 1, lang))?;
    if d.rule_text.contains("proxy(") || set.fields_read(&d.name).contains("safety_fear") {
        let mode = format!("{:?}", d.proxy).to_lowercase();
        let vars = Vars::new()
            .with("mode", mode)
            .with("file", d.file.display().to_string());
        writeln!(out, "{}", lang.msg("definitions-proxy-mode", &vars))?;
    }
    Ok(())
}

//! `safecount definitions [--explain NAME] [--dir DIR]`: the definitions of
//! trafficking safecount applies, with version and citation, and each rule in
//! plain words.

use crate::classify::DefinitionSet;
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

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let set = match DefinitionSet::load_default(args.dir.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount definitions: {e}");
            return Ok(super::EXIT_CONFIG);
        }
    };
    match args.explain {
        None => {
            writeln!(
                out,
                "Definitions version {} ({})\n",
                set.version, set.source
            )?;
            for d in &set.definitions {
                writeln!(
                    out,
                    "{:<13} v{:<6} {}\n{:<21} {}",
                    d.name, d.version, d.title, "", d.citation
                )?;
            }
            writeln!(
                out,
                "\nPolicy sets: {}",
                set.sets.keys().cloned().collect::<Vec<_>>().join(", ")
            )?;
            writeln!(
                out,
                "Explain one: safecount definitions --explain CC_279_01"
            )?;
        }
        Some(name) => {
            if let Some(d) = set.definition(&name) {
                writeln!(
                    out,
                    "{} — {} (version {})\n{}\n",
                    d.name, d.title, d.version, d.citation
                )?;
                writeln!(out, "In plain words:\n{}\n", d.summary)?;
                writeln!(
                    out,
                    "The rule: a case meets {} when\n{}\n",
                    d.name,
                    set.explain_rule(&d.rule, 1)
                )?;
                if d.rule_text.contains("proxy(")
                    || set.fields_read(&d.name).contains("safety_fear")
                {
                    writeln!(
                        out,
                        "Proxy mode: {:?} (see `proxy` in {}).",
                        d.proxy,
                        d.file.display()
                    )?;
                }
            } else if let Some(s) = set.sets.get(&name) {
                writeln!(
                    out,
                    "{} (policy set)\n{}\n\nThe rule:\n{}\n",
                    s.name,
                    s.description,
                    set.explain_rule(&s.rule, 1)
                )?;
            } else {
                let names: Vec<&str> = set
                    .definitions
                    .iter()
                    .map(|d| d.name.as_str())
                    .chain(set.sets.keys().map(String::as_str))
                    .collect();
                eprintln!(
                    "safecount definitions: no definition or policy set named {name}; known: {}",
                    names.join(", ")
                );
                return Ok(super::EXIT_USAGE);
            }
            let fields: Vec<String> = set.fields_read(&name).into_iter().collect();
            writeln!(out, "Fields it reads: {}", fields.join(", "))?;
            writeln!(
                out,
                "A fact that is unknown makes the result \"indeterminate\" unless the other facts settle it; it is never counted as \"does not meet\"."
            )?;
        }
    }
    Ok(super::EXIT_OK)
}

//! The catalogues: `i18n/<lang>/<file>.ftl` embedded at build time, parsed
//! once into one Fluent bundle per language. French sources get their
//! typography here, so translators type ordinary spaces: a space before
//! `:` or `%` and inside « » becomes a no-break space (U+00A0), before `;`,
//! `!` and `?` a narrow no-break space (U+202F), as the Office québécois de
//! la langue française recommends for careful typography.

use super::{Args, Lang};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentResource, FluentValue};
use std::collections::HashMap;
use std::sync::LazyLock;

/// One catalogue file in both languages.
pub struct Resource {
    pub name: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
}

macro_rules! resource {
    ($name:literal) => {
        Resource {
            name: $name,
            en: include_str!(concat!("../../i18n/en/", $name, ".ftl")),
            fr: include_str!(concat!("../../i18n/fr/", $name, ".ftl")),
        }
    };
}

/// Every catalogue file, as embedded in the binary.
pub const FILES: &[Resource] = &[
    resource!("common"),
    resource!("intake"),
    resource!("cli"),
    resource!("profile"),
    resource!("server"),
    resource!("report"),
    resource!("codes"),
    resource!("linkage"),
    resource!("pipeline"),
    resource!("help"),
    resource!("schema"),
    resource!("pipeline-schema"),
    resource!("definitions"),
    resource!("release"),
    resource!("openapi"),
];

/// The catalogue text of one file in one language, after French typography.
pub fn source_of(lang: Lang, file: &Resource) -> String {
    match lang {
        Lang::En => file.en.to_string(),
        Lang::Fr => french_typography(file.fr),
    }
}

pub(super) fn french_typography(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 64);
    for line in source.lines() {
        if line.starts_with('#') {
            out.push_str(line);
        } else {
            out.push_str(
                &line
                    .replace(" :", "\u{a0}:")
                    .replace(" %", "\u{a0}%")
                    .replace(" »", "\u{a0}»")
                    .replace("« ", "«\u{a0}")
                    .replace(" ;", "\u{202f};")
                    .replace(" !", "\u{202f}!")
                    .replace(" ?", "\u{202f}?"),
            );
        }
        out.push('\n');
    }
    out
}

/// The ids of one language's messages, each with the names of its variables.
pub fn message_ids(lang: Lang) -> Vec<(String, Vec<String>)> {
    let variable = regex::Regex::new(r"[{(,]\s*\$([A-Za-z][A-Za-z0-9_-]*)").expect("pattern");
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for file in FILES {
        for line in source_of(lang, file).lines() {
            let starts_message =
                line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && line.contains('=');
            if starts_message {
                let id = line.split('=').next().unwrap_or_default().trim();
                out.push((id.to_string(), Vec::new()));
            }
            if line.starts_with('#') {
                continue;
            }
            if let Some((_, vars)) = out.last_mut() {
                for c in variable.captures_iter(line) {
                    if !vars.contains(&c[1].to_string()) {
                        vars.push(c[1].to_string());
                    }
                }
                vars.sort();
            }
        }
    }
    out
}

struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// Messages without variables, written once.
    plain: HashMap<String, &'static str>,
}

fn number_en<M>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(super::number::fluent(Lang::En, n)),
        _ => None,
    }
}

fn number_fr<M>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(super::number::fluent(Lang::Fr, n)),
        _ => None,
    }
}

fn load(lang: Lang) -> Catalogue {
    let locale = match lang {
        Lang::En => "en-CA",
        Lang::Fr => "fr-CA",
    };
    let mut bundle = FluentBundle::new_concurrent(vec![locale.parse().expect("a locale")]);
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match lang {
        Lang::En => number_en,
        Lang::Fr => number_fr,
    }));
    bundle.add_builtins().expect("NUMBER is added once");
    for file in FILES {
        let resource = FluentResource::try_new(source_of(lang, file)).unwrap_or_else(|(_, e)| {
            panic!(
                "i18n/{}/{}.ftl does not parse: {e:?}",
                lang.code(),
                file.name
            )
        });
        bundle.add_resource(resource).unwrap_or_else(|e| {
            panic!(
                "i18n/{}/{}.ftl repeats an id: {e:?}",
                lang.code(),
                file.name
            )
        });
    }
    let mut plain = HashMap::new();
    for (id, vars) in message_ids(lang) {
        if !vars.is_empty() {
            continue;
        }
        if let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors);
            if errors.is_empty() {
                plain.insert(id, &*Box::leak(text.into_owned().into_boxed_str()));
            }
        }
    }
    Catalogue { bundle, plain }
}

static CATALOGUES: LazyLock<[Catalogue; 2]> = LazyLock::new(|| [load(Lang::En), load(Lang::Fr)]);

fn catalogue(lang: Lang) -> &'static Catalogue {
    &CATALOGUES[lang as usize]
}

pub(super) fn try_plain(lang: Lang, id: &str) -> Option<&'static str> {
    catalogue(lang).plain.get(id).copied()
}

pub(super) fn plain(lang: Lang, id: &str) -> &'static str {
    try_plain(lang, id).unwrap_or_else(|| panic!("message {id:?} is missing or needs variables"))
}

pub(super) fn format(lang: Lang, id: &str, args: &Args) -> String {
    let bundle = &catalogue(lang).bundle;
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        panic!(
            "message {id:?} is missing from the {} catalogue",
            lang.code()
        )
    };
    let mut errors = Vec::new();
    let fluent_args = args.to_fluent(lang);
    bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

//! Definition files: loading, checking against the schema, and explaining.
//!
//! A directory holds `policy-sets.toml` (named sets shared by the
//! definitions, and the version of the collection) and one `NAME.toml` per
//! definition (name, title, version, citation, plain-language summary, rule).
//! Everything is checked at load: unknown fields and codes, a `has_any` over a
//! field that is not a set, an unknown name, a reference cycle — each refused
//! with the file, the line and what to change. The shipped files are also
//! embedded in the binary, so `safecount definitions` works anywhere.

use super::rule::{self, Node};
use crate::i18n::{Lang, Message};
use crate::schema::{ExtractKind, FieldKind, codes};
use crate::text::closest;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The definition files shipped with safecount.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "policy-sets.toml",
        include_str!("../../definitions/policy-sets.toml"),
    ),
    (
        "CC_279_01.toml",
        include_str!("../../definitions/CC_279_01.toml"),
    ),
    (
        "CC_279_011.toml",
        include_str!("../../definitions/CC_279_011.toml"),
    ),
    (
        "IRPA_118.toml",
        include_str!("../../definitions/IRPA_118.toml"),
    ),
    (
        "PALERMO_3A.toml",
        include_str!("../../definitions/PALERMO_3A.toml"),
    ),
    (
        "IOM_ASSIST.toml",
        include_str!("../../definitions/IOM_ASSIST.toml"),
    ),
    (
        "NGO_BROAD.toml",
        include_str!("../../definitions/NGO_BROAD.toml"),
    ),
    (
        "AGENCY_LABEL.toml",
        include_str!("../../definitions/AGENCY_LABEL.toml"),
    ),
];

/// Order in which definitions are listed and released.
pub const STANDARD_ORDER: &[&str] = &[
    "CC_279_01",
    "CC_279_011",
    "IRPA_118",
    "PALERMO_3A",
    "IOM_ASSIST",
    "NGO_BROAD",
    "AGENCY_LABEL",
];

#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {}", path.display(), message.render(Lang::En))]
    Invalid {
        path: PathBuf,
        line: usize,
        message: Message,
    },
}

impl crate::exit::ExitCode for DefinitionError {
    fn exit_code(&self) -> i32 {
        crate::exit::CONFIG
    }
}

impl DefinitionError {
    /// The error in the catalogues' words: the file and line, then what is wrong.
    pub fn message(&self) -> Message {
        match self {
            DefinitionError::Read { path, source } => Message::new("definitions-unreadable")
                .with("file", path.display().to_string())
                .with("detail", source.to_string()),
            DefinitionError::Invalid {
                path,
                line,
                message,
            } => Message::at_line("definitions-at", path, *line, message),
        }
    }
}

/// How a definition uses `proxy(strict, stand_in)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProxyMode {
    /// Keep the strict result; flag the records where the stand-in would make it "meets".
    #[default]
    Flag,
    /// Let the stand-in decide when the strict test is unknown, and flag that it did.
    Decide,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefinitionFile {
    name: String,
    title: String,
    version: String,
    citation: String,
    summary: String,
    rule: String,
    #[serde(default)]
    proxy: ProxyMode,
    /// The words in French (`[fr]`: title, citation, summary).
    #[serde(default)]
    fr: Option<DefinitionWords>,
}

/// A definition's words in another language: the `[fr]` table of its file.
/// The rule is the same in every language; only what people read changes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefinitionWords {
    pub title: String,
    pub citation: String,
    pub summary: String,
}

/// A policy set's description in another language (`[sets.NAME.fr]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetWords {
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetEntry {
    description: String,
    rule: String,
    #[serde(default)]
    fr: Option<SetWords>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySetsFile {
    version: String,
    sets: BTreeMap<String, SetEntry>,
}

/// A checked definition.
#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    pub title: String,
    pub version: String,
    pub citation: String,
    pub summary: String,
    pub rule_text: String,
    pub rule: Node,
    pub proxy: ProxyMode,
    pub file: PathBuf,
    /// Its words in French, when its file has them.
    pub fr: Option<DefinitionWords>,
}

impl Definition {
    /// Title, citation and summary in `lang`: the file's own `[fr]` words in
    /// French when it has them, else the English ones.
    pub fn words(&self, lang: Lang) -> DefinitionWords {
        match (lang, &self.fr) {
            (Lang::Fr, Some(words)) => DefinitionWords {
                title: lang.typography(&words.title),
                citation: lang.typography(&words.citation),
                summary: lang.typography(&words.summary),
            },
            _ => DefinitionWords {
                title: self.title.clone(),
                citation: self.citation.clone(),
                summary: self.summary.clone(),
            },
        }
    }
}

/// A named policy set.
#[derive(Debug, Clone)]
pub struct PolicySet {
    pub name: String,
    pub description: String,
    pub rule: Node,
    /// Its description in French, when the file has one.
    pub fr: Option<SetWords>,
}

impl PolicySet {
    /// The description in `lang` (English when the file has no French).
    pub fn description_in(&self, lang: Lang) -> String {
        match (lang, &self.fr) {
            (Lang::Fr, Some(words)) => lang.typography(words.description.trim()),
            _ => self.description.trim().to_string(),
        }
    }
}

/// A checked collection of definitions.
#[derive(Debug, Clone)]
pub struct DefinitionSet {
    /// `<policy-sets version>+<first 12 hex of the SHA-256 of every file>`: any edit changes it.
    pub version: String,
    pub sets: BTreeMap<String, PolicySet>,
    pub definitions: Vec<Definition>,
    pub source: String,
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Line in `file_text` of byte `at` of a rule: the `rule` key found after
/// `anchor` (a table header, or the key itself), plus the lines inside the rule.
fn rule_line(file_text: &str, anchor: &str, rule_text: &str, at: usize) -> usize {
    let anchor_offset = file_text.find(anchor).unwrap_or(0);
    let key_offset = file_text[anchor_offset..]
        .find("rule")
        .map(|o| o + anchor_offset)
        .unwrap_or(anchor_offset);
    let key_line = line_at(file_text, key_offset);
    let multiline = file_text[key_offset..]
        .split('\n')
        .next()
        .is_some_and(|l| l.contains("\"\"\""));
    key_line + usize::from(multiline) + rule_text[..at.min(rule_text.len())].matches('\n').count()
}

impl DefinitionSet {
    /// Load from a directory of definition files.
    pub fn load_dir(dir: &Path) -> Result<DefinitionSet, DefinitionError> {
        let read = |path: PathBuf| {
            std::fs::read_to_string(&path)
                .map(|t| (path.clone(), t))
                .map_err(|source| DefinitionError::Read { path, source })
        };
        let sets = read(dir.join("policy-sets.toml"))?;
        let mut files = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|source| DefinitionError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "toml")
                    && p.file_name().is_some_and(|n| n != "policy-sets.toml")
            })
            .collect();
        names.sort();
        for path in names {
            files.push(read(path)?);
        }
        Self::from_texts(sets, files, dir.display().to_string())
    }

    /// The definitions shipped in the binary.
    pub fn embedded() -> DefinitionSet {
        let mut iter = EMBEDDED
            .iter()
            .map(|(n, t)| (PathBuf::from("definitions").join(n), t.to_string()));
        let sets = iter.next().expect("policy sets first");
        Self::from_texts(sets, iter.collect(), "built-in".into())
            .expect("shipped definitions are valid")
    }

    /// `dir` if given, else `./definitions` when present, else the built-in copy.
    pub fn load_default(dir: Option<&Path>) -> Result<DefinitionSet, DefinitionError> {
        match dir {
            Some(d) => Self::load_dir(d),
            None if Path::new("definitions/policy-sets.toml").is_file() => {
                Self::load_dir(Path::new("definitions"))
            }
            None => Ok(Self::embedded()),
        }
    }

    fn from_texts(
        sets: (PathBuf, String),
        files: Vec<(PathBuf, String)>,
        source: String,
    ) -> Result<DefinitionSet, DefinitionError> {
        let invalid = invalid_at;
        let toml_error = |path: &Path, text: &str, e: toml::de::Error| {
            let (line, detail) = crate::text::toml_error(text, &e);
            invalid(
                path,
                line,
                Message::new("definitions-toml").with("detail", detail),
            )
        };
        let mut hasher = Sha256::new();
        let (sets_path, sets_text) = sets;
        hasher.update(sets_text.as_bytes());
        let parsed: PolicySetsFile =
            toml::from_str(&sets_text).map_err(|e| toml_error(&sets_path, &sets_text, e))?;
        let mut out = DefinitionSet {
            version: String::new(),
            sets: BTreeMap::new(),
            definitions: Vec::new(),
            source,
        };
        let mut located: BTreeMap<String, Located> = BTreeMap::new();
        for (name, entry) in &parsed.sets {
            let node = rule::parse(&entry.rule).map_err(|e| {
                invalid(
                    &sets_path,
                    rule_line(&sets_text, &format!("[sets.{name}]"), &entry.rule, e.at),
                    Message::new("definitions-rule-of")
                        .with("name", name.as_str())
                        .with("message", e.message),
                )
            })?;
            out.sets.insert(
                name.clone(),
                PolicySet {
                    name: name.clone(),
                    description: entry.description.clone(),
                    rule: node,
                    fr: entry.fr.clone(),
                },
            );
            located.insert(
                name.clone(),
                (
                    sets_path.clone(),
                    sets_text.clone(),
                    format!("[sets.{name}]"),
                    entry.rule.clone(),
                ),
            );
        }
        for (path, text) in files {
            hasher.update(
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
                    .as_bytes(),
            );
            hasher.update(text.as_bytes());
            let file: DefinitionFile =
                toml::from_str(&text).map_err(|e| toml_error(&path, &text, e))?;
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if file.name != stem {
                return Err(invalid(
                    &path,
                    1,
                    Message::new("definitions-name-not-file")
                        .with("name", file.name.as_str())
                        .with("stem", stem.as_str()),
                ));
            }
            if out.sets.contains_key(&file.name)
                || out.definitions.iter().any(|d| d.name == file.name)
            {
                return Err(invalid(
                    &path,
                    1,
                    Message::new("definitions-name-used").with("name", file.name.as_str()),
                ));
            }
            let node = rule::parse(&file.rule).map_err(|e| {
                invalid(
                    &path,
                    rule_line(&text, "\nrule", &file.rule, e.at),
                    Message::new("definitions-rule").with("message", e.message),
                )
            })?;
            located.insert(
                file.name.clone(),
                (
                    path.clone(),
                    text.clone(),
                    "\nrule".into(),
                    file.rule.clone(),
                ),
            );
            out.definitions.push(Definition {
                name: file.name,
                title: file.title,
                version: file.version,
                citation: file.citation,
                summary: file.summary.trim().to_string(),
                rule_text: file.rule.trim().to_string(),
                rule: node,
                proxy: file.proxy,
                file: path,
                fr: file.fr.map(|w| DefinitionWords {
                    summary: w.summary.trim().to_string(),
                    ..w
                }),
            });
        }
        out.definitions.sort_by_key(|d| {
            STANDARD_ORDER
                .iter()
                .position(|n| *n == d.name)
                .unwrap_or(usize::MAX)
        });
        out.check_rules(&located)?;
        out.version = format!(
            "{}+{}",
            parsed.version,
            &hex::encode(hasher.finalize())[..12]
        );
        Ok(out)
    }

    /// Every rule checked against the schema and the names, then for reference cycles.
    fn check_rules(&self, located: &BTreeMap<String, Located>) -> Result<(), DefinitionError> {
        let known: BTreeSet<String> = self
            .sets
            .keys()
            .cloned()
            .chain(self.definitions.iter().map(|d| d.name.clone()))
            .collect();
        for (name, (path, text, key, rule_text)) in located {
            let node = self.rule_of(name).expect("located names exist");
            check_node(node, &known).map_err(|(at, message)| {
                invalid_at(
                    path,
                    rule_line(text, key, rule_text, at),
                    Message::new("definitions-rule-of")
                        .with("name", name.as_str())
                        .with("message", message),
                )
            })?;
        }
        for name in located.keys() {
            let mut stack = Vec::new();
            if let Some(cycle) = self.find_cycle(name, &mut stack) {
                let (path, text, key, _) = &located[name];
                return Err(invalid_at(
                    path,
                    line_at(text, text.find(key.as_str()).unwrap_or(0)),
                    Message::new("definitions-cycle").with("cycle", cycle.join(" -> ")),
                ));
            }
        }
        Ok(())
    }

    /// The rule of a set or definition.
    pub fn rule_of(&self, name: &str) -> Option<&Node> {
        self.sets.get(name).map(|s| &s.rule).or_else(|| {
            self.definitions
                .iter()
                .find(|d| d.name == name)
                .map(|d| &d.rule)
        })
    }

    pub fn definition(&self, name: &str) -> Option<&Definition> {
        self.definitions.iter().find(|d| d.name == name)
    }

    fn find_cycle(&self, name: &str, stack: &mut Vec<String>) -> Option<Vec<String>> {
        if let Some(pos) = stack.iter().position(|n| n == name) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push(name.to_string());
            return Some(cycle);
        }
        stack.push(name.to_string());
        let mut refs = Vec::new();
        if let Some(node) = self.rule_of(name) {
            node.walk(&mut |n| {
                if let Node::Ref { name, .. } = n {
                    refs.push(name.clone());
                }
            });
        }
        for r in refs {
            if let Some(c) = self.find_cycle(&r, stack) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }

    /// Canonical fields a rule reads, following references.
    pub fn fields_read(&self, name: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo = vec![name.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(n) = todo.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            if let Some(node) = self.rule_of(&n) {
                node.walk(&mut |node| match node {
                    Node::HasAny { field, .. }
                    | Node::In { field, .. }
                    | Node::IsUnknown { field, .. } => {
                        out.insert(field.clone());
                    }
                    Node::Ref { name, .. } => todo.push(name.clone()),
                    _ => {}
                });
            }
        }
        out
    }

    /// The rule in plain words.
    pub fn explain_rule(&self, node: &Node, depth: usize, lang: Lang) -> String {
        let pad = "  ".repeat(depth);
        let say = |id: &str, field: &str, codes: &[String]| {
            let args = crate::i18n::Args::new()
                .with("field", field)
                .with("codes", codes.join(", "));
            format!("{pad}{}", lang.msg(id, &args))
        };
        let nested = |id: &str, parts: &[&Node]| {
            let inner: Vec<String> = parts
                .iter()
                .map(|p| self.explain_rule(p, depth + 1, lang))
                .collect();
            format!("{pad}{}\n{}", lang.t(id), inner.join("\n"))
        };
        match node {
            Node::HasAny { field, codes, .. } => say("explain-has-any", field, codes),
            Node::In { field, codes, .. } if codes.len() == 1 => say("explain-is", field, codes),
            Node::In { field, codes, .. } => say("explain-in", field, codes),
            Node::IsUnknown { field, .. } => say("explain-is-unknown", field, &[]),
            Node::Ref { name, .. } => match self.sets.get(name) {
                Some(set) => {
                    let args = crate::i18n::Args::new()
                        .with("name", name.as_str())
                        .with("description", set.description_in(lang));
                    format!("{pad}{}", lang.msg("explain-set", &args))
                }
                None => say("explain-meets", name, &[]),
            },
            Node::And(..) | Node::Or(..) => {
                let (and, parts) = flatten(node);
                nested(
                    if and {
                        "explain-all-of"
                    } else {
                        "explain-any-of"
                    },
                    &parts,
                )
            }
            Node::Not(a) => nested("explain-not", &[a]),
            Node::Proxy(a, b) => format!(
                "{}\n{}",
                nested("explain-proxy-strict", &[a]),
                nested("explain-proxy-stand-in", &[b])
            ),
        }
    }
}

/// Whether a node is an `and` (else an `or`), and its operands, nested
/// operands of the same kind brought up to one list.
fn flatten(node: &Node) -> (bool, Vec<&Node>) {
    fn collect<'a>(n: &'a Node, and: bool, out: &mut Vec<&'a Node>) {
        match (n, and) {
            (Node::And(a, b), true) | (Node::Or(a, b), false) => {
                collect(a, and, out);
                collect(b, and, out);
            }
            _ => out.push(n),
        }
    }
    let and = matches!(node, Node::And(..));
    let mut parts = Vec::new();
    collect(node, and, &mut parts);
    (and, parts)
}

fn check_node(node: &Node, known: &BTreeSet<String>) -> Result<(), (usize, Message)> {
    let mut result = Ok(());
    node.walk(&mut |n| {
        if result.is_err() {
            return;
        }
        result = check_one(n, known);
    });
    result
}

fn check_codes(
    field: &str,
    list: &codes::CodeList,
    given: &[String],
    at: usize,
) -> Result<(), (usize, Message)> {
    for code in given {
        if !list.contains(code) {
            return Err((
                at,
                Message::new("definitions-not-a-code")
                    .with("code", code.as_str())
                    .with("field", field)
                    .with("hint", hint(closest(code, list.codes.iter().copied())))
                    .with("codes", list.codes.join(", ")),
            ));
        }
    }
    Ok(())
}

/// "Did you mean" and the closest name, or nothing.
fn hint(closest: Option<&str>) -> crate::i18n::Arg {
    Message::optional(
        closest.map(|name| Message::new("definitions-did-you-mean").with("name", name)),
    )
}

fn check_one(n: &Node, known: &BTreeSet<String>) -> Result<(), (usize, Message)> {
    let field_of = |field: &str, at: usize| {
        ExtractKind::Cases.field(field).ok_or_else(|| {
            let names = ExtractKind::Cases.fields().iter().map(|f| f.name);
            (
                at,
                Message::new("definitions-not-a-field")
                    .with("field", field)
                    .with("hint", hint(closest(field, names))),
            )
        })
    };
    let not_coded = |field: &str, at: usize| {
        Err((
            at,
            Message::new("definitions-not-coded").with("field", field),
        ))
    };
    match n {
        Node::HasAny {
            field,
            codes: given,
            at,
        } => match field_of(field, *at)?.kind {
            FieldKind::Set(list) => check_codes(field, list, given, *at),
            _ => Err((
                *at,
                Message::new("definitions-not-a-set").with("field", field.as_str()),
            )),
        },
        Node::In {
            field,
            codes: given,
            at,
        } => match field_of(field, *at)?.kind {
            FieldKind::Code(list) => check_codes(field, list, given, *at),
            FieldKind::Set(_) => Err((
                *at,
                Message::new("definitions-is-a-set").with("field", field.as_str()),
            )),
            _ => not_coded(field, *at),
        },
        Node::IsUnknown { field, at } => match field_of(field, *at)?.kind {
            FieldKind::Code(_) | FieldKind::Set(_) => Ok(()),
            _ => not_coded(field, *at),
        },
        Node::Ref { name, at } if !known.contains(name) => {
            let id = if ExtractKind::Cases.field(name).is_some() {
                "definitions-field-needs-a-test"
            } else {
                "definitions-unknown-name"
            };
            Err((
                *at,
                Message::new(id).with("name", name.as_str()).with(
                    "hint",
                    hint(closest(name, known.iter().map(String::as_str))),
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Where a set's or definition's rule is written: file, its text, the key
/// its rule follows, and the rule's text (for error lines).
type Located = (PathBuf, String, String, String);

fn invalid_at(path: &Path, line: usize, message: Message) -> DefinitionError {
    DefinitionError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(file: &str, text: &str) -> Result<DefinitionSet, DefinitionError> {
        let sets = (
            PathBuf::from("definitions/policy-sets.toml"),
            EMBEDDED[0].1.to_string(),
        );
        let mut files: Vec<(PathBuf, String)> = EMBEDDED[1..]
            .iter()
            .map(|(n, t)| (PathBuf::from("definitions").join(n), t.to_string()))
            .collect();
        files.push((
            PathBuf::from(format!("definitions/{file}")),
            text.to_string(),
        ));
        DefinitionSet::from_texts(sets, files, "test".into())
    }

    const HEAD: &str =
        "name = \"X\"\ntitle = \"t\"\nversion = \"1\"\ncitation = \"c\"\nsummary = \"s\"\n";

    #[test]
    fn shipped_definitions_load_with_a_content_version() {
        let set = DefinitionSet::embedded();
        assert_eq!(set.definitions.len(), 7);
        assert_eq!(set.definitions[0].name, "CC_279_01");
        assert!(set.version.starts_with("2026.2+"));
        assert!(set.fields_read("CC_279_011").contains("safety_fear"));
    }

    #[test]
    fn unknown_field_code_set_misuse_and_cycles_are_refused_with_lines() {
        let e = with(
            "X.toml",
            &format!("{HEAD}rule = \"act has_any [recruit]\"\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("X.toml:6") && e.contains("did you mean `acts`"),
            "{e}"
        );
        let e = with("X.toml", &format!("{HEAD}rule = \"\"\"\nacts has_any [recruit]\nand means has_any [dept_bondage]\n\"\"\"\n")).unwrap_err().to_string();
        assert!(e.contains("X.toml:8") && e.contains("debt_bondage"), "{e}");
        let e = with(
            "X.toml",
            &format!("{HEAD}rule = \"gender has_any [woman]\"\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not a set field"), "{e}");
        let e = with("X.toml", &format!("{HEAD}rule = \"X or ACT_P\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("cycle") && e.contains("X -> X"), "{e}");
        let e = with("X.toml", &format!("{HEAD}rule = \"ACT_Q\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `ACT_P`"), "{e}");
        let e = with("X.toml", &format!("{HEAD}rule = \"ACT_P\"\nfoo = 1\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("X.toml:7") && e.contains("unknown field"), "{e}");
    }

    #[test]
    fn every_shipped_definition_and_set_has_its_french_words() {
        let set = DefinitionSet::embedded();
        for d in &set.definitions {
            assert!(d.fr.is_some(), "{} has no [fr] table", d.name);
            assert_ne!(d.words(Lang::Fr).title, d.title, "{}", d.name);
        }
        for s in set.sets.values() {
            assert!(s.fr.is_some(), "{} has no fr.description", s.name);
        }
        let d = set.definition("IRPA_118").unwrap();
        let text = set.explain_rule(&d.rule, 0, Lang::Fr);
        assert!(text.starts_with("TOUS ces critères\u{a0}:"), "{text}");
        assert!(text.contains("cross_border vaut into_canada"), "{text}");
        assert!(
            d.words(Lang::Fr)
                .citation
                .contains("Loi sur l'immigration et la protection des réfugiés")
        );
    }

    #[test]
    fn explanations_are_words() {
        let set = DefinitionSet::embedded();
        let d = set.definition("IRPA_118").unwrap();
        let text = set.explain_rule(&d.rule, 0, Lang::En);
        assert!(text.contains("cross_border is into_canada"), "{text}");
        assert!(text.starts_with("ALL of:"), "{text}");
    }
}

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
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetEntry {
    description: String,
    rule: String,
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
}

/// A named policy set.
#[derive(Debug, Clone)]
pub struct PolicySet {
    pub name: String,
    pub description: String,
    pub rule: Node,
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
            let (line, message) = crate::text::toml_error(text, &e);
            invalid(path, line, message)
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
                    format!("rule of {name}: {e}"),
                )
            })?;
            out.sets.insert(
                name.clone(),
                PolicySet {
                    name: name.clone(),
                    description: entry.description.clone(),
                    rule: node,
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
                    format!(
                        "name \"{}\" must match the file name ({stem}.toml)",
                        file.name
                    ),
                ));
            }
            if out.sets.contains_key(&file.name)
                || out.definitions.iter().any(|d| d.name == file.name)
            {
                return Err(invalid(
                    &path,
                    1,
                    format!("the name {} is already used", file.name),
                ));
            }
            let node = rule::parse(&file.rule).map_err(|e| {
                invalid(
                    &path,
                    rule_line(&text, "\nrule", &file.rule, e.at),
                    format!("rule: {e}"),
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
                    format!("rule of {name}: {message}"),
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
                    format!(
                        "reference cycle: {}; a rule may not depend on itself",
                        cycle.join(" -> ")
                    ),
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
    pub fn explain_rule(&self, node: &Node, depth: usize) -> String {
        let pad = "  ".repeat(depth);
        let field_words = |f: &str| f.replace('_', " ");
        match node {
            Node::HasAny { field, codes, .. } => format!(
                "{pad}{} include any of: {}",
                field_words(field),
                codes.join(", ")
            ),
            Node::In { field, codes, .. } if codes.len() == 1 => {
                format!("{pad}{} is {}", field_words(field), codes[0])
            }
            Node::In { field, codes, .. } => format!(
                "{pad}{} is one of: {}",
                field_words(field),
                codes.join(", ")
            ),
            Node::IsUnknown { field, .. } => format!("{pad}{} is unknown", field_words(field)),
            Node::Ref { name, .. } => match self.sets.get(name) {
                Some(set) => format!("{pad}{name}: {}", set.description),
                None => format!("{pad}the case meets {name}"),
            },
            Node::And(..) | Node::Or(..) => {
                let (word, parts) = flatten(node);
                let inner: Vec<String> = parts
                    .iter()
                    .map(|p| self.explain_rule(p, depth + 1))
                    .collect();
                format!("{pad}{word}:\n{}", inner.join("\n"))
            }
            Node::Not(a) => format!("{pad}NOT:\n{}", self.explain_rule(a, depth + 1)),
            Node::Proxy(a, b) => format!(
                "{pad}this test:\n{}\n{pad}or, where it is unknown, this stand-in (recorded as \"by proxy\"):\n{}",
                self.explain_rule(a, depth + 1),
                self.explain_rule(b, depth + 1)
            ),
        }
    }
}

fn flatten(node: &Node) -> (&'static str, Vec<&Node>) {
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
    (if and { "ALL of" } else { "ANY of" }, parts)
}

fn check_node(node: &Node, known: &BTreeSet<String>) -> Result<(), (usize, String)> {
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
) -> Result<(), (usize, String)> {
    for code in given {
        if !list.contains(code) {
            let hint = closest(code, list.codes.iter().copied())
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err((
                at,
                format!(
                    "`{code}` is not a code of {field}{hint}; its codes are: {}",
                    list.codes.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn check_one(n: &Node, known: &BTreeSet<String>) -> Result<(), (usize, String)> {
    let field_of = |field: &str, at: usize| {
        ExtractKind::Cases.field(field).ok_or_else(|| {
            let hint = closest(field, ExtractKind::Cases.fields().iter().map(|f| f.name))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            (
                at,
                format!("`{field}` is not a canonical field{hint}; see `safecount schema`"),
            )
        })
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
                format!("`{field}` is not a set field: use `{field} in [...]` or `{field} = code`"),
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
                format!("`{field}` is a set field: use `{field} has_any [...]`"),
            )),
            _ => Err((
                *at,
                format!("`{field}` cannot be used in a definition (not a coded field)"),
            )),
        },
        Node::IsUnknown { field, at } => match field_of(field, *at)?.kind {
            FieldKind::Code(_) | FieldKind::Set(_) => Ok(()),
            _ => Err((
                *at,
                format!("`{field}` cannot be used in a definition (not a coded field)"),
            )),
        },
        Node::Ref { name, at } if !known.contains(name) => {
            let hint = closest(name, known.iter().map(String::as_str))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let field_hint = if ExtractKind::Cases.field(name).is_some() {
                " — a field needs a test, e.g. `has_any [...]` or `= code`"
            } else {
                ""
            };
            Err((
                *at,
                format!("`{name}` is neither a policy set nor a definition{hint}{field_hint}"),
            ))
        }
        _ => Ok(()),
    }
}

/// Where a set's or definition's rule is written: file, its text, the key
/// its rule follows, and the rule's text (for error lines).
type Located = (PathBuf, String, String, String);

fn invalid_at(path: &Path, line: usize, message: String) -> DefinitionError {
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
    fn explanations_are_words() {
        let set = DefinitionSet::embedded();
        let d = set.definition("IRPA_118").unwrap();
        let text = set.explain_rule(&d.rule, 0);
        assert!(text.contains("cross border is into_canada"), "{text}");
        assert!(text.starts_with("ALL of:"), "{text}");
    }
}

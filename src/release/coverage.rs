//! The collaborative's declared coverage: its member agencies and the
//! provinces they serve, read from a public `collaborative.toml`.
//!
//! The provincial keys of every release are the covered provinces plus one
//! `elsewhere` key (any other province, or none recorded). The coverage is
//! declared, not read from the records, so the key set is public and the same
//! whatever the data hold: a release never shows which provinces happen to
//! have records (a data-dependent key set is a disclosure; NIST SP 800-226,
//! "unprotected group keys"). Mapping a record's province to its key is
//! row-wise, a 1-stable step before OpenDP.

use crate::i18n::Message;
use crate::schema::codes;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The provincial key of records outside the coverage.
pub const ELSEWHERE: &str = "elsewhere";

/// The province key of national rows (margins and consistent totals).
pub const NATIONAL: &str = "CA";

/// Kinds of member agency, for the table of people served by several agencies.
pub const AGENCY_KINDS: &[&str] = &[
    "shelter",
    "legal",
    "settlement",
    "migrant_workers",
    "outreach",
    "health",
    "other",
];

/// How people are told apart across agencies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkageMode {
    /// Each agency's pseudonyms are its own: a person served by k agencies is k people.
    #[default]
    Agency,
    /// Agencies key people with `safecount key` and a shared secret: one person, one key.
    Collaborative,
}

/// A release's linkage, in collaborative mode: the epoch whose keys are
/// merged across agencies, and each member's kind. Public; part of the request.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Linked {
    pub epoch: String,
    /// Member agency -> kind (one of [`AGENCY_KINDS`]).
    pub kinds: std::collections::BTreeMap<String, String>,
}

/// A `collaborative.toml`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Collaborative {
    /// The collaborative's name, as the report shows it.
    pub name: String,
    /// `agency` (default) or `collaborative`.
    #[serde(default)]
    pub linkage: LinkageMode,
    /// The current linkage epoch (the fingerprint `safecount key --new-secret` prints).
    pub epoch: Option<String>,
    #[serde(rename = "member", default)]
    pub members: Vec<Member>,
    #[serde(skip)]
    pub path: PathBuf,
    /// The file's text, for the line of a problem found after parsing.
    #[serde(skip)]
    text: String,
}

/// One member agency and where it serves.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The agency's slug (as in its profile's `[agency] slug`).
    pub agency: String,
    /// Provinces it serves (codes such as CA-ON).
    pub provinces: Vec<String>,
    /// What kind of agency it is (one of [`AGENCY_KINDS`]; default `other`).
    pub kind: Option<String>,
}

/// Why a coverage file is refused.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}:{line}: {}", message.render(crate::i18n::Lang::En))]
pub struct CoverageError {
    pub path: PathBuf,
    pub line: usize,
    pub message: Message,
}

impl CoverageError {
    /// The error as a catalogue message, with its file and line.
    pub fn message(&self) -> Message {
        Message::new("pipeline-at")
            .with("file", self.path.display().to_string())
            .with("line", self.line.to_string())
            .with("message", self.message.clone())
    }
}

impl Collaborative {
    /// Read and check a coverage file: every province is a known code, every member named once.
    pub fn load(path: &Path) -> Result<Collaborative, CoverageError> {
        let text = std::fs::read_to_string(path).map_err(|e| CoverageError {
            path: path.into(),
            line: 1,
            message: Message::new("coverage-unreadable").with("detail", e.to_string()),
        })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Collaborative, CoverageError> {
        let err = |line: usize, message: Message| CoverageError {
            path: path.into(),
            line,
            message,
        };
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1)
        };
        let mut c: Collaborative = toml::from_str(text).map_err(|e| {
            let (line, message) = crate::text::toml_error(text, &e);
            err(line, Message::new("pipeline-toml").with("detail", message))
        })?;
        c.path = path.into();
        c.text = text.to_string();
        if c.members.is_empty() {
            return Err(err(1, Message::new("coverage-no-member")));
        }
        match (c.linkage, &c.epoch) {
            (LinkageMode::Collaborative, None) => {
                return Err(err(
                    line_of("linkage"),
                    Message::new("coverage-needs-epoch"),
                ));
            }
            (_, Some(e)) if !crate::linkage::is_epoch(e) => {
                return Err(err(line_of("epoch"), Message::new("coverage-bad-epoch")));
            }
            _ => {}
        }
        let mut seen: Vec<&str> = Vec::new();
        for m in &c.members {
            if let Some(kind) = m.kind.as_deref().filter(|k| !AGENCY_KINDS.contains(k)) {
                return Err(err(
                    line_of(&format!("\"{kind}\"")),
                    Message::new("coverage-kind")
                        .with("kind", kind)
                        .with("kinds", AGENCY_KINDS.join(", ")),
                ));
            }
            if seen.contains(&m.agency.as_str()) {
                return Err(err(
                    line_of(&format!("\"{}\"", m.agency)),
                    Message::new("coverage-twice").with("agency", m.agency.as_str()),
                ));
            }
            seen.push(&m.agency);
            if m.provinces.is_empty() {
                return Err(err(
                    line_of(&format!("\"{}\"", m.agency)),
                    Message::new("coverage-no-province").with("agency", m.agency.as_str()),
                ));
            }
            for p in &m.provinces {
                if !codes::PROVINCE.codes.contains(&p.as_str()) {
                    let message =
                        match crate::text::closest(p, codes::PROVINCE.codes.iter().copied()) {
                            Some(c) => Message::new("coverage-province-hint").with("hint", c),
                            None => Message::new("coverage-province"),
                        };
                    return Err(err(
                        line_of(&format!("\"{p}\"")),
                        message
                            .with("province", p.as_str())
                            .with("codes", codes::PROVINCE.codes.join(", ")),
                    ));
                }
            }
        }
        Ok(c)
    }

    /// Refuse a member that is not one of `known` agencies (those with a
    /// submission or a token in the store).
    pub fn check_members(&self, known: &[String]) -> Result<(), CoverageError> {
        for m in &self.members {
            if !known.contains(&m.agency) {
                let line = self
                    .text
                    .lines()
                    .position(|l| l.contains(&format!("\"{}\"", m.agency)))
                    .map_or(1, |i| i + 1);
                let message =
                    match crate::text::closest(&m.agency, known.iter().map(String::as_str)) {
                        Some(c) => Message::new("coverage-unknown-member-hint").with("hint", c),
                        None => Message::new("coverage-unknown-member"),
                    };
                return Err(CoverageError {
                    path: self.path.clone(),
                    line,
                    message: message.with("agency", m.agency.as_str()),
                });
            }
        }
        Ok(())
    }

    /// The linkage its releases use: Some in collaborative mode.
    pub fn linked(&self) -> Option<Linked> {
        let epoch = self
            .epoch
            .clone()
            .filter(|_| self.linkage == LinkageMode::Collaborative)?;
        Some(Linked {
            epoch,
            kinds: self
                .members
                .iter()
                .map(|m| {
                    (
                        m.agency.clone(),
                        m.kind.clone().unwrap_or_else(|| "other".into()),
                    )
                })
                .collect(),
        })
    }

    /// The covered provinces, in code-list order.
    pub fn provinces(&self) -> Vec<String> {
        codes::PROVINCE
            .codes
            .iter()
            .filter(|p| {
                self.members
                    .iter()
                    .any(|m| m.provinces.iter().any(|q| q == *p))
            })
            .map(|p| p.to_string())
            .collect()
    }

    /// The member agencies serving `province`.
    pub fn agencies_in(&self, province: &str) -> Vec<&str> {
        self.members
            .iter()
            .filter(|m| m.provinces.iter().any(|p| p == province))
            .map(|m| m.agency.as_str())
            .collect()
    }
}

/// The province keys of a release: the covered provinces and `elsewhere`.
pub fn province_keys(covered: &[String]) -> Vec<String> {
    covered
        .iter()
        .cloned()
        .chain(std::iter::once(ELSEWHERE.to_string()))
        .collect()
}

/// A record's province key: its province if covered, else `elsewhere`
/// (another province, or none recorded). Row-wise.
pub fn province_key(covered: &[String]) -> Expr {
    let list = Series::new(
        "covered".into(),
        covered.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let province = col("province").cast(DataType::String);
    when(province.clone().is_in(lit(list).implode(), false))
        .then(province)
        .otherwise(lit(ELSEWHERE))
        .alias("province")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name = \"C\"\n[[member]]\nagency = \"a\"\nprovinces = [\"CA-ON\"]\n[[member]]\nagency = \"b\"\nprovinces = [\"CA-BC\", \"CA-ON\"]\n";

    #[test]
    fn coverage_is_the_union_of_members_provinces_in_code_order() {
        let c = Collaborative::parse(GOOD, Path::new("c.toml")).unwrap();
        assert_eq!(c.provinces(), ["CA-BC", "CA-ON"]);
        assert_eq!(c.agencies_in("CA-ON"), ["a", "b"]);
        assert_eq!(
            province_keys(&c.provinces()),
            ["CA-BC", "CA-ON", "elsewhere"]
        );
    }

    #[test]
    fn unknown_provinces_and_agencies_are_refused_with_the_line() {
        let bad = GOOD.replace("\"CA-BC\"", "\"CA-BX\"");
        let e = Collaborative::parse(&bad, Path::new("c.toml")).unwrap_err();
        assert_eq!(e.line, 7);
        assert!(
            e.to_string().contains("CA-BX") && e.to_string().contains("CA-BC"),
            "{e}"
        );
        let c = Collaborative::parse(GOOD, Path::new("c.toml")).unwrap();
        let e = c.check_members(&["a".into()]).unwrap_err();
        assert!(e.to_string().contains("\"b\" is not an agency"), "{e}");
        let bad = GOOD.replace("provinces", "province");
        assert!(Collaborative::parse(&bad, Path::new("c.toml")).is_err());
    }

    #[test]
    fn records_outside_the_coverage_are_elsewhere() {
        let df =
            df!("province" => [Some("CA-ON"), Some("CA-YT"), None, Some("not_collected")]).unwrap();
        let out = df
            .lazy()
            .select([province_key(&["CA-ON".to_string()])])
            .collect()
            .unwrap();
        let got: Vec<Option<&str>> = out
            .column("province")
            .unwrap()
            .str()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(
            got,
            [
                Some("CA-ON"),
                Some("elsewhere"),
                Some("elsewhere"),
                Some("elsewhere")
            ]
        );
    }
}

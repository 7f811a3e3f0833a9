//! Agency profiles: how one agency's extract maps onto the canonical schema.
//!
//! A profile is a TOML file, one per agency. It names the file format, which
//! column holds the person key, and for every canonical field where its value
//! comes from: a column with a value map, a constant, a delimited multi-value
//! cell, one 0/1 column per code, or (for services) a wide or a long layout.
//! Quasi-identifiers the agency sends in finer form (exact age, birth year,
//! dates, postal codes) are declared under `generalise` and coarsened at
//! intake. Loading checks every name and code against the schema and reports
//! the file, line and what to change.

use crate::i18n::{Lang, Message};
use crate::schema::{ExtractKind, FieldDef, FieldKind, codes};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Why a profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profile {path}: {source}")]
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

impl ProfileError {
    /// The error as a catalogue message: the file and line, then what to change.
    pub fn message(&self) -> Message {
        match self {
            ProfileError::Read { path, source } => Message::new("profile-unreadable")
                .with("profile", path.display().to_string())
                .with("detail", source.to_string()),
            ProfileError::Invalid {
                path,
                line,
                message,
            } => Message::at_line("profile-at", path, *line, message),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    #[default]
    Csv,
    Xlsx,
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum Encoding {
    /// UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "utf-8", alias = "utf8")]
    Utf8,
    #[serde(rename = "windows-1252", alias = "cp1252", alias = "latin1")]
    Windows1252,
}

/// The agency a profile belongs to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyInfo {
    /// Lower-case slug, the agency's name in the store (`agency=<slug>`).
    pub slug: String,
    pub name: String,
    /// Default province when the extract has no province column.
    pub province: Option<String>,
    /// The agency's own definition of a trafficking case (documentation; the
    /// `agency_label` field records its yes/no).
    pub definition: Option<String>,
    /// The language of the agency's validation reports, receipts and pages
    /// after sign-in: "en" or "fr" (a reader's explicit choice still wins).
    #[serde(default)]
    pub language: Option<crate::i18n::Lang>,
}

/// Where one canonical field's value comes from.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    /// The column holding the value.
    pub column: Option<String>,
    /// A constant for every row (e.g. `data_source = "ngo"`).
    pub value: Option<String>,
    /// Agency spelling -> canonical code (or a missing-data code).
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// Set fields: the separator inside one cell ("threats; debt bondage").
    pub separator: Option<String>,
    /// Set fields: one 0/1 column per code, column -> canonical code.
    #[serde(default)]
    pub flags: BTreeMap<String, String>,
    /// Services, wide layout: column -> service category; the cell holds the status.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Services, long layout (one row per service): the category column ...
    pub category_column: Option<String>,
    /// ... and the status column.
    pub status_column: Option<String>,
    /// Services: agency spelling -> category.
    #[serde(default)]
    pub category_values: BTreeMap<String, String>,
    /// Services: agency spelling -> status.
    #[serde(default)]
    pub status_values: BTreeMap<String, String>,
    /// Money fields: "cents" (default) or "dollars".
    pub unit: Option<String>,
    /// Override the section's `fold` for this field.
    pub fold: Option<bool>,
    /// Code an empty cell stands for (default `not_collected`).
    pub empty: Option<String>,
    /// The column may be absent from a file: the field is then not collected
    /// (default false: a missing column is an error naming the file's columns).
    #[serde(default)]
    pub optional: bool,
}

/// Quasi-identifiers sent in finer form than the canonical schema keeps.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Generalise {
    /// Exact age in years -> `age_band`.
    pub age: Option<String>,
    /// Age at recruitment in years -> `minor_at_recruitment`.
    pub age_at_recruitment: Option<String>,
    /// Year of birth -> `age_band` (age reached in the reporting quarter's year).
    pub birth_year: Option<String>,
    /// A date column -> `quarter`.
    pub quarter_from_date: Option<String>,
    /// Full postal code -> `fsa` -> `province`.
    pub postal_code: Option<String>,
}

/// How one kind of extract (cases or returns) is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractProfile {
    #[serde(default)]
    pub format: FileFormat,
    #[serde(default)]
    pub encoding: Encoding,
    /// "auto", ",", ";", "\t" or "|".
    pub delimiter: Option<String>,
    /// XLSX sheet name (default: the first sheet).
    pub sheet: Option<String>,
    /// Case- and accent-insensitive value matching (default true).
    #[serde(default = "default_true")]
    pub fold: bool,
    /// Column holding the person key (case records only).
    pub person_key: Option<String>,
    /// chrono format of dates in `generalise.quarter_from_date` (default `%Y-%m-%d`).
    pub date_format: Option<String>,
    /// Cell spellings that mean "yes" in 0/1 flag columns (default 1, yes, oui, x, true).
    pub truthy: Option<Vec<String>>,
    /// Cell spellings that mean "no" in 0/1 flag columns (default 0, no, non, false).
    pub falsy: Option<Vec<String>>,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldMapping>,
    #[serde(default)]
    pub generalise: Generalise,
    /// Quarterly returns only: whether the agency's returns may be published
    /// in aggregate (default) or never (left out of every returns table
    /// under disclosure-control rules).
    pub publish: Option<ReturnsPublish>,
}

/// Whether an agency's quarterly returns may enter published aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReturnsPublish {
    /// In aggregates that pass the disclosure-control rules (the default).
    Aggregate,
    /// Never: stored, but left out of every published returns table.
    Never,
}

impl ReturnsPublish {
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnsPublish::Aggregate => "aggregate",
            ReturnsPublish::Never => "never",
        }
    }
}

fn default_true() -> bool {
    true
}

/// Where the agency's identity export holds what `safecount key` needs: the
/// name (one or more columns, e.g. given and family name, or one full name)
/// and the date of birth, and which column pairs its rows with the
/// extract's. Nothing here leaves the agency: the keyed extract keeps none
/// of these columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkageProfile {
    /// Columns holding the person's name, in any order (parts are sorted).
    pub names: Vec<String>,
    /// Column holding the date of birth.
    pub date_of_birth: String,
    /// chrono format of the date of birth (default: ISO, then day/month/year).
    pub date_format: Option<String>,
    /// Column found in both files that pairs identity rows with extract rows
    /// (e.g. the agency's file number). Without it, rows pair by position and
    /// both files must have the same number of rows.
    pub join: Option<String>,
    /// XLSX identity export: the sheet (default: the first).
    pub sheet: Option<String>,
    /// CSV identity export: its encoding (default: auto).
    #[serde(default)]
    pub encoding: Encoding,
}

/// A whole agency profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub agency: AgencyInfo,
    pub cases: Option<ExtractProfile>,
    pub returns: Option<ExtractProfile>,
    /// How `safecount key` reads the agency's identity export (collaborative linkage).
    pub linkage: Option<LinkageProfile>,
    #[serde(skip)]
    pub path: PathBuf,
    #[serde(skip)]
    text: String,
}

pub use crate::text::{closest, fold};

/// The path the built-in canonical profile gives in messages.
const CANONICAL_PATH: &str = "<canonical>";

impl Profile {
    /// Read and check a profile file.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Profile::parse(&text, path)
    }

    /// Parse and check profile text; `path` is used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Profile, ProfileError> {
        let mut profile: Profile = toml::from_str(text).map_err(|e| {
            let (line, detail) = crate::text::toml_error(text, &e);
            let id = if detail.contains("duplicate key") {
                "profile-duplicate-key"
            } else {
                "profile-toml"
            };
            ProfileError::Invalid {
                path: path.to_path_buf(),
                line,
                message: Message::new(id).with("detail", detail),
            }
        })?;
        profile.path = path.to_path_buf();
        profile.text = text.to_string();
        profile.check()?;
        Ok(profile)
    }

    /// The built-in profile of the canonical layout (see `safecount schema`).
    pub fn canonical(slug: &str, province: Option<&str>) -> Profile {
        let text = format!(
            "[agency]\nslug = \"{slug}\"\nname = \"{slug}\"\n{}\n[cases]\nperson_key = \"person_key\"\n[returns]\n",
            province
                .map(|p| format!("province = \"{p}\""))
                .unwrap_or_default()
        );
        let mut profile: Profile = toml::from_str(&text).expect("canonical profile parses");
        profile.path = PathBuf::from(CANONICAL_PATH);
        for (kind, section) in [
            (ExtractKind::Cases, &mut profile.cases),
            (ExtractKind::Returns, &mut profile.returns),
        ] {
            let section = section.as_mut().expect("both sections present");
            for def in kind.fields() {
                let mapping = match def.kind {
                    FieldKind::Agency | FieldKind::PersonKey => continue,
                    FieldKind::Set(_) => FieldMapping {
                        column: Some(def.name.to_string()),
                        separator: Some(";".into()),
                        ..Default::default()
                    },
                    FieldKind::Services => FieldMapping {
                        columns: codes::SERVICE_CATEGORY
                            .codes
                            .iter()
                            .map(|c| {
                                (
                                    crate::schema::table_schema::canonical_service_column(c),
                                    c.to_string(),
                                )
                            })
                            .collect(),
                        ..Default::default()
                    },
                    _ => FieldMapping {
                        column: Some(def.name.to_string()),
                        ..Default::default()
                    },
                };
                // A canonical export written before a field existed lacks its column.
                let optional = crate::schema::fields::ADDED_IN_FORMAT_3.contains(&def.name);
                let mapping = FieldMapping {
                    optional,
                    ..mapping
                };
                section.fields.insert(def.name.to_string(), mapping);
            }
        }
        profile
    }

    /// The TOML text the profile was parsed from (empty for the built-in one).
    pub fn source_text(&self) -> &str {
        &self.text
    }

    /// Whether this is the built-in profile of the canonical layout.
    pub fn is_builtin_canonical(&self) -> bool {
        self.path.as_os_str() == CANONICAL_PATH
    }

    pub fn section(&self, kind: ExtractKind) -> Option<&ExtractProfile> {
        match kind {
            ExtractKind::Cases => self.cases.as_ref(),
            ExtractKind::Returns => self.returns.as_ref(),
        }
    }

    /// Line of the first occurrence of `needle` in the profile text (1 if absent).
    pub fn line_of(&self, needle: &str) -> usize {
        self.text
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or(1)
    }

    fn invalid(&self, needle: &str, message: Message) -> ProfileError {
        ProfileError::Invalid {
            path: self.path.clone(),
            line: self.line_of(needle),
            message,
        }
    }

    fn check(&self) -> Result<(), ProfileError> {
        let slug = &self.agency.slug;
        let slug_ok = !slug.is_empty()
            && slug.len() <= 64
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-');
        if !slug_ok {
            return Err(self.invalid("slug", Message::new("profile-slug")));
        }
        if let Some(p) = &self.agency.province {
            if !codes::PROVINCE.contains(p) {
                return Err(self.invalid(
                    "province",
                    Message::new("profile-province")
                        .with("codes", codes::PROVINCE.codes.join(", ")),
                ));
            }
        }
        if self.cases.is_none() && self.returns.is_none() {
            return Err(self.invalid("[agency]", Message::new("profile-no-section")));
        }
        for kind in [ExtractKind::Cases, ExtractKind::Returns] {
            if let Some(section) = self.section(kind) {
                self.check_section(kind, section)?;
            }
        }
        if let Some(linkage) = &self.linkage {
            if linkage.names.iter().all(|n| n.trim().is_empty()) {
                return Err(self.invalid("[linkage]", Message::new("profile-linkage-names")));
            }
            if self.cases.is_none() {
                return Err(self.invalid("[linkage]", Message::new("profile-linkage-cases")));
            }
        }
        Ok(())
    }

    fn check_section(
        &self,
        kind: ExtractKind,
        section: &ExtractProfile,
    ) -> Result<(), ProfileError> {
        let k = kind.as_str();
        if section.publish.is_some() && kind == ExtractKind::Cases {
            return Err(self.invalid("publish", Message::new("profile-publish-cases")));
        }
        if let Some(d) = &section.delimiter {
            if !matches!(d.as_str(), "auto" | "," | ";" | "\t" | "|") {
                return Err(self.invalid(
                    "delimiter",
                    Message::new("profile-delimiter").with("section", k),
                ));
            }
        }
        if kind == ExtractKind::Cases && section.person_key.is_none() {
            return Err(self.invalid("[cases]", Message::new("profile-person-key-needed")));
        }
        if kind == ExtractKind::Returns && section.person_key.is_some() {
            return Err(self.invalid("person_key", Message::new("profile-person-key-returns")));
        }
        // Which field reads which column: a column may feed one field only.
        let mut column_owner: HashMap<String, String> = HashMap::new();
        let mut claim = |column: &str, owner: String| -> Result<(), ProfileError> {
            if let Some(previous) = column_owner.insert(column.to_string(), owner.clone()) {
                return Err(self.invalid(
                    &format!("\"{column}\""),
                    Message::new("profile-column-twice")
                        .with("column", column)
                        .with("first", previous)
                        .with("second", owner),
                ));
            }
            Ok(())
        };
        if let Some(pk) = &section.person_key {
            claim(pk, "person_key".into())?;
        }
        let g = &section.generalise;
        for (name, col) in [
            ("generalise.age", &g.age),
            ("generalise.age_at_recruitment", &g.age_at_recruitment),
            ("generalise.birth_year", &g.birth_year),
            ("generalise.quarter_from_date", &g.quarter_from_date),
            ("generalise.postal_code", &g.postal_code),
        ] {
            if let Some(col) = col {
                claim(col, name.into())?;
            }
        }
        if kind == ExtractKind::Returns
            && (g.age.is_some()
                || g.age_at_recruitment.is_some()
                || g.birth_year.is_some()
                || g.postal_code.is_some())
        {
            return Err(self.invalid(
                "[returns.generalise]",
                Message::new("profile-returns-generalise"),
            ));
        }
        let conflicts = [
            (
                "age_band",
                g.age.is_some() || g.birth_year.is_some(),
                "generalise.age / generalise.birth_year",
            ),
            (
                "minor_at_recruitment",
                g.age_at_recruitment.is_some(),
                "generalise.age_at_recruitment",
            ),
            (
                "quarter",
                g.quarter_from_date.is_some(),
                "generalise.quarter_from_date",
            ),
            ("fsa", g.postal_code.is_some(), "generalise.postal_code"),
        ];
        for (field, generalised, by) in conflicts {
            if generalised && section.fields.contains_key(field) {
                return Err(self.invalid(
                    &format!("fields.{field}"),
                    Message::new("profile-mapped-and-derived")
                        .with("section", k)
                        .with("field", field)
                        .with("by", by),
                ));
            }
        }
        if g.age.is_some() && g.birth_year.is_some() {
            return Err(self.invalid("birth_year", Message::new("profile-age-and-birth-year")));
        }

        for (name, mapping) in &section.fields {
            let Some(def) = kind.field(name) else {
                let closest =
                    closest(name, kind.fields().iter().map(|f| f.name)).unwrap_or("no-suggestion");
                return Err(self.invalid(
                    &format!("fields.{name}"),
                    Message::new("profile-unknown-field")
                        .with("section", k)
                        .with("field", name.as_str())
                        .with("closest", closest),
                ));
            };
            self.check_mapping(kind, def, mapping)?;
            for col in mapping
                .column
                .iter()
                .chain(mapping.category_column.iter())
                .chain(mapping.status_column.iter())
            {
                claim(col, name.clone())?;
            }
            for col in mapping.flags.keys().chain(mapping.columns.keys()) {
                claim(col, name.clone())?;
            }
        }
        Ok(())
    }

    fn check_mapping(
        &self,
        kind: ExtractKind,
        def: &FieldDef,
        m: &FieldMapping,
    ) -> Result<(), ProfileError> {
        let here = format!("{}.fields.{}", kind.as_str(), def.name);
        let err = |id: &'static str| {
            let message = Message::new(id).with("place", here.as_str());
            self.invalid(&format!("fields.{}", def.name), message)
        };
        let sources = [
            m.column.is_some(),
            m.value.is_some(),
            !m.flags.is_empty(),
            !m.columns.is_empty(),
            m.category_column.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if sources != 1 {
            return Err(err("profile-one-source"));
        }
        let check_code =
            |list: &codes::CodeList, code: &str, allow_none: bool| -> Result<(), ProfileError> {
                if list.contains(code)
                    || codes::MISSING.contains(code)
                    || (allow_none && code == "none")
                {
                    return Ok(());
                }
                let closest = closest(code, list.codes.iter().copied()).unwrap_or("no-suggestion");
                Err(self.invalid(
                    &format!("\"{code}\""),
                    Message::new("profile-unknown-code")
                        .with("place", here.as_str())
                        .with("code", code)
                        .with("list", list.name)
                        .with("closest", closest)
                        .with("codes", list.codes.join(", ")),
                ))
            };
        match def.kind {
            FieldKind::Agency => {
                return Err(err("profile-agency-mapped"));
            }
            FieldKind::PersonKey => {
                return Err(err("profile-person-key-field"));
            }
            FieldKind::Code(list) => {
                for target in m.values.values() {
                    check_code(list, target, false)?;
                }
                if let Some(v) = &m.value {
                    check_code(list, v, false)?;
                }
                if let Some(v) = &m.empty {
                    check_code(list, v, false)?;
                }
            }
            FieldKind::Set(list) => {
                for target in m.values.values().chain(m.flags.values()) {
                    check_code(list, target, true)?;
                }
                if m.column.is_some() && m.separator.is_none() {
                    return Err(err("profile-set-separator"));
                }
                if m.value.is_some() {
                    return Err(err("profile-set-constant"));
                }
            }
            FieldKind::Services => {
                for target in m.columns.values().chain(m.category_values.values()) {
                    check_code(&codes::SERVICE_CATEGORY, target, false)?;
                }
                for target in m.status_values.values() {
                    check_code(&codes::SERVICE_STATUS, target, true)?;
                }
                if m.category_column.is_some() != m.status_column.is_some() {
                    return Err(err("profile-services-long"));
                }
                if m.column.is_some() || m.value.is_some() {
                    return Err(err("profile-services-source"));
                }
            }
            FieldKind::Cents => {
                if let Some(u) = &m.unit {
                    if u != "cents" && u != "dollars" {
                        return Err(err("profile-unit"));
                    }
                }
            }
            FieldKind::Quarter
            | FieldKind::Count { .. }
            | FieldKind::Decimal { .. }
            | FieldKind::Fsa => {}
        }
        if m.unit.is_some() && !matches!(def.kind, FieldKind::Cents) {
            return Err(err("profile-unit-money"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Profile, ProfileError> {
        Profile::parse(text, Path::new("test.toml"))
    }

    const HEAD: &str = "[agency]\nslug = \"a\"\nname = \"A\"\n[cases]\nperson_key = \"id\"\n";

    #[test]
    fn folding_ignores_case_accents_and_spacing() {
        assert_eq!(fold("  Femme  "), "femme");
        assert_eq!(fold("Séquestrée"), "sequestree");
        assert_eq!(fold("Travail   FORCÉ"), "travail force");
    }

    #[test]
    fn unknown_field_is_refused_with_line_and_suggestion() {
        let err = parse(&format!("{HEAD}[cases.fields.gendr]\ncolumn = \"Sexe\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("test.toml:6:"), "{err}");
        assert!(err.contains("did you mean `gender`"), "{err}");
    }

    #[test]
    fn unknown_target_code_is_refused() {
        let err = parse(&format!(
            "{HEAD}[cases.fields.gender]\ncolumn = \"Sexe\"\nvalues = {{ F = \"womn\" }}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("did you mean \"woman\""), "{err}");
        assert!(err.starts_with("test.toml:8:"), "{err}");
    }

    #[test]
    fn a_spelling_mapped_to_a_misspelt_new_code_is_refused_with_the_closest() {
        let err = parse(&format!(
            "{HEAD}[cases.fields.trp_status]\ncolumn = \"TRP\"\nvalues = {{ \"Barred (DFN)\" = \"bared_dfn\" }}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("did you mean \"barred_dfn\""), "{err}");
        assert!(err.starts_with("test.toml:8:"), "{err}");
        let err = parse(&format!(
            "{HEAD}[cases.fields.gender]\ncolumn = \"G\"\nvalues = {{ \"Two-Spirit\" = \"twospirit\" }}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("did you mean \"two_spirit\""), "{err}");
    }

    #[test]
    fn a_column_mapped_to_two_fields_is_refused() {
        let err = parse(&format!(
            "{HEAD}[cases.fields.gender]\ncolumn = \"X\"\n[cases.fields.province]\ncolumn = \"X\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("mapped twice"), "{err}");
    }

    #[test]
    fn a_field_mapped_twice_is_refused() {
        let err = parse(&format!(
            "{HEAD}[cases.fields.gender]\ncolumn = \"X\"\n[cases.fields.gender]\ncolumn = \"Y\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("mapped once") || err.contains("duplicate"),
            "{err}"
        );
    }

    #[test]
    fn misspelt_option_gets_a_suggestion() {
        let err = parse(&format!(
            "{HEAD}[cases.fields.means]\ncolumn = \"M\"\nseperator = \";\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("separator"), "{err}");
    }

    #[test]
    fn canonical_profile_maps_every_field() {
        let p = Profile::canonical("x", Some("CA-ON"));
        let cases = p.cases.as_ref().unwrap();
        assert!(cases.fields.contains_key("means"));
        assert!(cases.fields.contains_key("services"));
        assert!(!cases.fields.contains_key("agency"));
        p.check().unwrap();
    }
}

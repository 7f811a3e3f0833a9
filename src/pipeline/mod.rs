//! Pipelines: a quarterly release declared in TOML — which periods, which
//! standard tables with what share of each period's budget, which
//! definitions, what interval level — previewed (cost and accuracy, nothing
//! spent, no data read) or run.

use crate::classify::DefinitionSet;
use crate::privacy::Accounting;
use crate::privacy::ledger::{self, Scope};
use crate::release::{self, CustomTable, Preview, ReleaseError, ReleaseRequest, STANDARD};
use crate::report::{self, Written, i18n::Lang};
use crate::schema::ExtractKind;
use crate::store::Store;
use crate::text::closest;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A pipeline file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    /// The coverage read from `inputs.collaborative`, if any.
    #[serde(skip)]
    pub coverage: Option<crate::release::coverage::Collaborative>,
    /// Short name of the pipeline.
    pub name: String,
    /// What it is for, in plain words.
    #[serde(default)]
    pub description: String,
    pub inputs: Inputs,
    #[serde(default)]
    pub definitions: DefinitionsSpec,
    pub privacy: PrivacySpec,
    /// The tables to release, each with a weight: a table gets weight / (sum of weights) of each period's spend.
    pub tables: Vec<TableSpec>,
    /// The disclosure-control rules of returns tables.
    #[serde(default)]
    pub returns: ReturnsSpec,
    /// Processed copies of the releases (optional post-processing; costs no budget).
    pub outputs: Option<OutputsSpec>,
    /// The report drawn from this pipeline's releases (optional).
    pub report: Option<ReportSpec>,
}

/// The quarters a pooled table measures at once.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Pool {
    /// "year": each calendar year of the pipeline's quarters.
    Named(String),
    /// These quarters.
    Quarters(Vec<String>),
}

/// Disclosure-control rules for tables of agencies' returns (see
/// [`release::establishment`]).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnsSpec {
    /// Fewest agencies reporting a positive amount for a cell to be published.
    #[serde(default = "default_min_agencies")]
    pub min_agencies: usize,
    /// p of the p% dominance rule.
    #[serde(default = "default_p_percent")]
    pub p_percent: f64,
}

impl Default for ReturnsSpec {
    fn default() -> Self {
        ReturnsSpec {
            min_agencies: default_min_agencies(),
            p_percent: default_p_percent(),
        }
    }
}

impl ReturnsSpec {
    pub fn rules(&self) -> release::establishment::Rules {
        release::establishment::Rules {
            min_agencies: self.min_agencies,
            p_percent: self.p_percent,
        }
    }
}

fn default_min_agencies() -> usize {
    3
}

fn default_p_percent() -> f64 {
    10.0
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Directory to write the report into (report.<lang>.html and charts/).
    pub out: PathBuf,
    /// Languages to write: "en", "fr" (default both).
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
}

fn default_languages() -> Vec<String> {
    vec!["en".into(), "fr".into()]
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// Periods (quarters) of data to release, YYYYQn. All current submissions of each period are used.
    pub periods: Vec<String>,
    /// Only these agencies' submissions (agency slugs); default: every agency.
    pub agencies: Option<Vec<String>>,
    /// The collaborative's declared coverage (`collaborative.toml`: members and
    /// the provinces they serve), relative to the pipeline file. Provincial keys
    /// are its provinces plus `elsewhere`. Default: every province.
    pub collaborative: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DefinitionsSpec {
    /// Directory of definition files (default: ./definitions, else the built-in copy).
    pub dir: Option<PathBuf>,
    /// If given, the run stops unless the definitions' version starts with this.
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySpec {
    /// "zcdp" (discrete Gaussian, default) or "pure" (discrete Laplace).
    #[serde(default = "default_accounting")]
    pub accounting: String,
    /// rho (zCDP) to spend on each period: tables with their own `rho` take it,
    /// the rest is shared by the other tables by weight. May be left out when every table has `rho`.
    pub rho_per_period: Option<f64>,
    /// rho spent on each period's agency-unit tables (the returns: funding,
    /// beds, turnaways), from the agencies' own budget (`agency:<period>` in
    /// the ledger), shared by weight like `rho_per_period`. Default: `rho_per_period`.
    pub agency_rho_per_period: Option<f64>,
    /// Level of the published intervals.
    #[serde(default = "default_level")]
    pub interval_level: f64,
    /// Share of each person-level table's rho spent on measuring its national
    /// margin directly; provinces and nation are then made consistent by
    /// weighted least squares. 0 turns margins off.
    #[serde(default = "default_national_share")]
    pub national_share: f64,
}

fn default_national_share() -> f64 {
    DEFAULT_NATIONAL_SHARE
}

/// The default share of a person-level table's rho spent on its national margin.
pub const DEFAULT_NATIONAL_SHARE: f64 = 0.3;

impl PrivacySpec {
    /// The rho per period shared in a scope, if given.
    fn total(&self, scope: Scope) -> Option<f64> {
        match scope {
            Scope::Person => self.rho_per_period,
            Scope::Agency => self.agency_rho_per_period.or(self.rho_per_period),
        }
    }
}

fn default_accounting() -> String {
    "zcdp".into()
}

fn default_level() -> f64 {
    0.95
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// A standard table: definitions, services, housing_outcome, shelter_type, shelter_nights,
    /// trp_status, exploitation, immigration_status, age_gender, citizenship, funding, beds, turnaways.
    pub table: String,
    /// Share of each period's spend, relative to the other tables (default 1).
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Exactly this much rho per period for this table (instead of a weight).
    pub rho: Option<f64>,
    /// The accuracy the table needs instead of a share: every cell's interval
    /// half-width at most this (people, or the summed unit), at the pipeline's
    /// interval level. The least rho that gives it is solved for when the
    /// pipeline is loaded (and then acts as the table's `rho`).
    pub half_width: Option<f64>,
    /// Share of this table's rho spent on its national margin (default: `privacy.national_share`).
    pub national_share: Option<f64>,
    /// One measurement over several quarters' person-quarters instead of one
    /// per quarter: "year" (each calendar year of the inputs) or a list of
    /// quarters. Debited from every quarter it reads.
    pub pool: Option<Pool>,
    /// For a returns table: "rules" (default: exact aggregates under
    /// disclosure-control rules, no budget) or "dp" (agency-unit differential
    /// privacy on the agencies' budget).
    pub protection: Option<String>,
    /// A table of your own: its dimensions (coded fields, or definition names for membership).
    pub dimensions: Option<Vec<String>>,
    /// For a table of your own: "cases" (default; the person is the unit) or "returns" (the agency is).
    pub source: Option<String>,
    /// For a table of your own: "count" (default) or "sum".
    pub measure: Option<String>,
    /// For measure = "sum": the whole-number field summed.
    pub value: Option<String>,
    /// For measure = "sum": each unit's value is clipped to [lower, upper].
    pub lower: Option<i64>,
    pub upper: Option<i64>,
}

impl TableSpec {
    /// Whose budget the table draws on: agencies' for returns tables, persons' otherwise.
    pub fn scope(&self) -> Scope {
        let returns = match &self.dimensions {
            Some(_) => self.source.as_deref() == Some("returns"),
            None => release::tables::RETURNS_TABLES.contains(&self.table.as_str()),
        };
        if returns {
            Scope::Agency
        } else {
            Scope::Person
        }
    }

    /// The pools of a pooled table over the pipeline's quarters: (label, quarters).
    pub fn pools(&self, periods: &[String]) -> Option<Vec<(String, Vec<String>)>> {
        match self.pool.as_ref()? {
            Pool::Named(_) => {
                let mut years: Vec<(String, Vec<String>)> = Vec::new();
                for p in periods {
                    let year = p[..4].to_string();
                    match years.iter_mut().find(|(y, _)| *y == year) {
                        Some((_, q)) => q.push(p.clone()),
                        None => years.push((year, vec![p.clone()])),
                    }
                }
                Some(years)
            }
            Pool::Quarters(q) => {
                let q: Vec<String> = q.iter().map(|p| p.to_uppercase()).collect();
                Some(vec![(q.join("+"), q)])
            }
        }
    }

    /// Whether the table spends privacy budget: every person-level table, and a
    /// returns table only under `protection = "dp"` (disclosure-control rules spend none).
    pub fn draws_budget(&self) -> bool {
        self.scope() == Scope::Person || self.protection.as_deref() == Some("dp")
    }

    /// The custom table this entry defines, if it has dimensions.
    pub fn custom(&self) -> Option<CustomTable> {
        let dims = self.dimensions.clone()?;
        Some(CustomTable {
            name: self.table.clone(),
            source: if self.source.as_deref() == Some("returns") {
                ExtractKind::Returns
            } else {
                ExtractKind::Cases
            },
            dimensions: dims,
            sum: (self.measure.as_deref() == Some("sum")).then(|| {
                (
                    self.value.clone().unwrap_or_default(),
                    self.lower.unwrap_or(0),
                    self.upper.unwrap_or(0),
                )
            }),
        })
    }
}

/// Processed copies of the releases: the raw noisy values kept beside the processed ones.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputsSpec {
    /// Directory for the copies: <dir>/<period>/<table>.parquet and .csv.
    pub dir: PathBuf,
    /// value_processed = max(value, 0): no negative counts or sums.
    #[serde(default)]
    pub non_negative: bool,
    /// Add national rows (province "CA") equal to the sum of the provincial rows.
    #[serde(default)]
    pub national_totals: bool,
}

fn default_weight() -> f64 {
    1.0
}

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
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
    #[error(transparent)]
    Release(#[from] ReleaseError),
    #[error(transparent)]
    Definitions(#[from] crate::classify::DefinitionError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    #[error(transparent)]
    Report(#[from] report::ReportError),
    #[error("writing the processed outputs failed: {0}")]
    Output(String),
}

impl crate::exit::ExitCode for PipelineError {
    fn exit_code(&self) -> i32 {
        use crate::exit::*;
        match self {
            PipelineError::Read { .. } => NO_INPUT,
            PipelineError::Invalid { .. } | PipelineError::Definitions(_) => CONFIG,
            PipelineError::Release(r) => r.exit_code(),
            PipelineError::Ledger(l) => l.exit_code(),
            PipelineError::Store(_) | PipelineError::Report(_) | PipelineError::Output(_) => IO,
        }
    }
}

/// JSON Schema (draft 2020-12) of pipeline files, for editors that complete TOML
/// from a schema. Kept beside the structs above; a test checks the shipped
/// pipelines use only keys it declares.
pub fn json_schema() -> serde_json::Value {
    let tables: Vec<&str> = STANDARD.to_vec();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "safecount pipeline",
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "inputs", "privacy", "tables"],
        "properties": {
            "name": {"type": "string", "description": "Short name of the pipeline."},
            "description": {"type": "string", "description": "What it is for, in plain words."},
            "inputs": {
                "type": "object", "additionalProperties": false, "required": ["periods"],
                "properties": {"periods": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"},
                    "description": "Quarters of data to release; all current submissions of each are used."},
                    "agencies": {"type": "array", "items": {"type": "string"}, "description": "Only these agencies' submissions (default: every agency)."},
                    "collaborative": {"type": "string", "description": "The collaborative's coverage file (collaborative.toml: members and the provinces they serve), relative to the pipeline; provincial keys are its provinces plus `elsewhere`."}}
            },
            "definitions": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "dir": {"type": "string", "description": "Directory of definition files (default ./definitions, else the built-in copy)."},
                    "version": {"type": "string", "description": "Refuse to run unless the definitions' version starts with this."}
                }
            },
            "privacy": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "accounting": {"enum": ["zcdp", "pure"], "default": "zcdp"},
                    "rho_per_period": {"type": "number", "exclusiveMinimum": 0, "description": "rho spent on each quarter: tables with their own rho take it, the rest is shared by weight. Needed unless every table has rho."},
                    "agency_rho_per_period": {"type": "number", "exclusiveMinimum": 0, "description": "rho spent on each quarter's agency-unit tables (returns: funding, beds, turnaways), from the agencies' own budget; default: rho_per_period."},
                    "interval_level": {"type": "number", "minimum": 0.5, "exclusiveMaximum": 1, "default": 0.95},
                    "national_share": {"type": "number", "minimum": 0, "exclusiveMaximum": 0.9, "default": 0.3, "description": "Share of each person-level table's rho spent on its national margin, measured directly; provinces and nation are made consistent by weighted least squares. 0: no margin."}
                }
            },
            "tables": {
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object", "additionalProperties": false, "required": ["table"],
                    "properties": {
                        "table": {"type": "string", "description": "A standard table, or a name of your own for a table with `dimensions`.", "examples": tables},
                        "weight": {"type": "number", "exclusiveMinimum": 0, "default": 1, "description": "Share of the period's rho, relative to the other tables without their own rho."},
                        "rho": {"type": "number", "exclusiveMinimum": 0, "description": "Exactly this rho per period for this table."},
                        "national_share": {"type": "number", "minimum": 0, "exclusiveMaximum": 0.9, "description": "Share of this table's rho spent on its national margin (default privacy.national_share)."},
                        "pool": {"oneOf": [{"const": "year"}, {"type": "array", "minItems": 2, "items": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"}}], "description": "One measurement over several quarters (\"year\": each calendar year of the inputs, or a list of quarters), debited from every quarter it reads."},
                        "protection": {"enum": ["rules", "dp"], "default": "rules", "description": "Returns tables: exact aggregates under disclosure-control rules (no budget), or agency-unit differential privacy on the agencies' budget."},
                        "half_width": {"type": "number", "exclusiveMinimum": 0, "description": "The accuracy needed instead of a share: every cell's interval half-width at most this; the least rho giving it is solved for."},
                        "dimensions": {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "A table of your own: coded fields (e.g. province, gender, housing_outcome) or definition names (their membership)."},
                        "source": {"enum": ["cases", "returns"], "default": "cases"},
                        "measure": {"enum": ["count", "sum"], "default": "count"},
                        "value": {"type": "string", "description": "measure = sum: the whole-number field summed (e.g. shelter_nights, turnaways)."},
                        "lower": {"type": "integer", "minimum": 0, "default": 0},
                        "upper": {"type": "integer", "minimum": 1, "description": "measure = sum: each unit's value is clipped to [lower, upper]."}
                    }
                }
            },
            "returns": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "min_agencies": {"type": "integer", "minimum": 2, "default": 3, "description": "Fewest agencies reporting a positive amount for a returns cell to be published."},
                    "p_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "default": 10, "description": "p of the p% dominance rule: a cell is withheld when the total minus the two largest contributions is below p% of the largest."}
                }
            },
            "outputs": {
                "type": "object", "additionalProperties": false, "required": ["dir"],
                "properties": {
                    "dir": {"type": "string", "description": "Directory for processed copies: <dir>/<period>/<table>.parquet and .csv."},
                    "non_negative": {"type": "boolean", "default": false, "description": "value_processed = max(value, 0); the raw noisy value is kept."},
                    "national_totals": {"type": "boolean", "default": false, "description": "Add national rows (province CA) equal to the sum of the provincial rows."}
                }
            },
            "report": {
                "type": "object", "additionalProperties": false, "required": ["out"],
                "properties": {
                    "out": {"type": "string", "description": "Directory for report.<lang>.html and charts/."},
                    "languages": {"type": "array", "items": {"enum": ["en", "fr"]}, "default": ["en", "fr"]}
                }
            }
        }
    })
}

impl PipelineSpec {
    /// Read and check a pipeline file.
    pub fn load(path: &Path) -> Result<PipelineSpec, PipelineError> {
        let text = std::fs::read_to_string(path).map_err(|source| PipelineError::Read {
            path: path.into(),
            source,
        })?;
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map(|i| i + 1)
                .unwrap_or(1)
        };
        let invalid = |line: usize, message: String| PipelineError::Invalid {
            path: path.into(),
            line,
            message,
        };
        let mut spec: PipelineSpec = toml::from_str(&text).map_err(|e| {
            let (line, message) = crate::text::toml_error(&text, &e);
            invalid(line, message)
        })?;
        for p in &spec.inputs.periods {
            if crate::schema::parse_quarter(p).is_none() {
                return Err(invalid(
                    line_of(p),
                    format!("\"{p}\" is not a quarter: write it as YYYYQn, e.g. 2025Q3"),
                ));
            }
        }
        if spec.inputs.periods.is_empty() {
            return Err(invalid(
                line_of("periods"),
                "inputs.periods lists no quarter".into(),
            ));
        }
        for share in std::iter::once(spec.privacy.national_share)
            .chain(spec.tables.iter().filter_map(|t| t.national_share))
        {
            if !(0.0..0.9).contains(&share) {
                return Err(invalid(
                    line_of(&format!("national_share = {share}")),
                    format!(
                        "national_share must be at least 0 and below 0.9 (got {share}); the default is {DEFAULT_NATIONAL_SHARE}"
                    ),
                ));
            }
        }
        for t in &spec.tables {
            match &t.pool {
                None => {}
                Some(Pool::Named(n)) if n == "year" => {}
                Some(Pool::Named(other)) => {
                    return Err(invalid(
                        line_of("pool"),
                        format!(
                            "pool = \"{other}\" is not known: write pool = \"year\" (each calendar year of the inputs) or a list of quarters, e.g. pool = [\"2025Q1\", \"2025Q2\"]"
                        ),
                    ));
                }
                Some(Pool::Quarters(q)) => {
                    let inputs: Vec<String> = spec
                        .inputs
                        .periods
                        .iter()
                        .map(|p| p.to_uppercase())
                        .collect();
                    if q.len() < 2 {
                        return Err(invalid(
                            line_of("pool"),
                            "a pool lists at least two quarters".into(),
                        ));
                    }
                    if let Some(bad) = q.iter().find(|p| !inputs.contains(&p.to_uppercase())) {
                        return Err(invalid(
                            line_of("pool"),
                            format!(
                                "the pool's quarter \"{bad}\" is not one of inputs.periods ({}): a pool reads only the pipeline's quarters",
                                inputs.join(", ")
                            ),
                        ));
                    }
                }
            }
            if t.pool.is_some() && t.scope() == Scope::Agency {
                return Err(invalid(
                    line_of("pool"),
                    format!(
                        "the table {}: only person-level tables can be pooled over quarters",
                        t.table
                    ),
                ));
            }
        }
        for t in &spec.tables {
            match t.protection.as_deref() {
                None => {}
                Some("rules" | "dp") if t.scope() == Scope::Agency => {}
                Some("rules" | "dp") => {
                    return Err(invalid(
                        line_of("protection"),
                        format!(
                            "the table {}: protection applies to tables of agencies' returns only; person-level tables are always differentially private",
                            t.table
                        ),
                    ));
                }
                Some(other) => {
                    return Err(invalid(
                        line_of("protection"),
                        format!(
                            "protection = \"{other}\" is not known: write \"rules\" (exact aggregates under disclosure-control rules, the default) or \"dp\" (agency-unit differential privacy)"
                        ),
                    ));
                }
            }
        }
        if spec.returns.min_agencies < 2
            || !(spec.returns.p_percent > 0.0 && spec.returns.p_percent <= 100.0)
        {
            return Err(invalid(
                line_of("[returns]"),
                "returns.min_agencies must be at least 2 and returns.p_percent above 0 and at most 100 (defaults 3 and 10)".into(),
            ));
        }
        if let Some(c) = &spec.inputs.collaborative {
            let at = path.parent().unwrap_or(Path::new(".")).join(c);
            let collaborative =
                crate::release::coverage::Collaborative::load(&at).map_err(|e| {
                    PipelineError::Invalid {
                        path: e.path,
                        line: e.line,
                        message: e.message,
                    }
                })?;
            spec.coverage = Some(collaborative);
        }
        if !matches!(spec.privacy.accounting.as_str(), "zcdp" | "pure") {
            return Err(invalid(
                line_of("accounting"),
                "privacy.accounting must be \"zcdp\" or \"pure\"".into(),
            ));
        }
        if let Some(rho) = spec.privacy.rho_per_period {
            if !(rho.is_finite() && rho > 0.0) {
                return Err(invalid(
                    line_of("rho_per_period"),
                    "privacy.rho_per_period must be a positive number".into(),
                ));
            }
        }
        if !(0.5..1.0).contains(&spec.privacy.interval_level) {
            return Err(invalid(
                line_of("interval_level"),
                "privacy.interval_level must be between 0.5 and 1 (e.g. 0.95)".into(),
            ));
        }
        if spec.tables.is_empty() {
            return Err(invalid(
                line_of("[[tables]]"),
                "the pipeline releases no table: add [[tables]] entries".into(),
            ));
        }
        if let Some(r) = &spec.report {
            for l in &r.languages {
                if Lang::parse(l).is_none() {
                    return Err(invalid(
                        line_of("languages"),
                        format!(
                            "report.languages: \"{l}\" is not a report language; use \"en\" or \"fr\""
                        ),
                    ));
                }
            }
        }
        // A table may appear twice: once quarterly and once pooled.
        let mut names: Vec<(&str, bool)> = Vec::new();
        for t in &spec.tables {
            let line = line_of(&format!("\"{}\"", t.table));
            if names.contains(&(t.table.as_str(), t.pool.is_some())) {
                return Err(invalid(
                    line,
                    format!("the table \"{}\" is listed twice", t.table),
                ));
            }
            names.push((&t.table, t.pool.is_some()));
            if t.dimensions.is_none() {
                if !STANDARD.contains(&t.table.as_str()) {
                    let hint = closest(&t.table, STANDARD.iter().copied())
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                    return Err(invalid(
                        line,
                        format!(
                            "\"{}\" is not a standard table{hint}; tables: {}. To define a table of your own, give it `dimensions`.",
                            t.table,
                            STANDARD.join(", ")
                        ),
                    ));
                }
                if t.source.is_some()
                    || t.measure.is_some()
                    || t.value.is_some()
                    || t.lower.is_some()
                    || t.upper.is_some()
                {
                    return Err(invalid(
                        line,
                        format!(
                            "{} is a standard table: source, measure, value, lower and upper belong to tables of your own (with `dimensions`)",
                            t.table
                        ),
                    ));
                }
            } else {
                if STANDARD.contains(&t.table.as_str()) {
                    return Err(invalid(
                        line,
                        format!(
                            "\"{}\" is the name of a standard table: give your own table another name",
                            t.table
                        ),
                    ));
                }
                if !matches!(t.source.as_deref(), None | Some("cases") | Some("returns")) {
                    return Err(invalid(
                        line_of("source"),
                        "source must be \"cases\" or \"returns\"".into(),
                    ));
                }
                match t.measure.as_deref() {
                    None | Some("count") => {
                        if t.value.is_some() {
                            return Err(invalid(
                                line_of("value"),
                                format!("{}: `value` needs measure = \"sum\"", t.table),
                            ));
                        }
                    }
                    Some("sum") => {
                        if t.value.is_none() || t.upper.is_none() {
                            return Err(invalid(
                                line_of("measure"),
                                format!(
                                    "{}: a sum needs `value` (the field summed) and `upper` (and optionally `lower`, default 0), the bounds each unit's value is clipped to",
                                    t.table
                                ),
                            ));
                        }
                    }
                    Some(other) => {
                        return Err(invalid(
                            line_of("measure"),
                            format!("measure \"{other}\" is unknown: use \"count\" or \"sum\""),
                        ));
                    }
                }
            }
            if !(t.weight.is_finite() && t.weight > 0.0) {
                return Err(invalid(
                    line_of(&t.table),
                    format!("the weight of {} must be positive", t.table),
                ));
            }
            if let Some(rho) = t.rho {
                if !(rho.is_finite() && rho > 0.0) {
                    return Err(invalid(
                        line,
                        format!("the rho of {} must be positive", t.table),
                    ));
                }
            }
        }
        // Accuracy-first tables: solve for the rho that gives the half-width asked for.
        if spec.tables.iter().any(|t| t.half_width.is_some()) {
            let defs = spec.definitions()?;
            for i in 0..spec.tables.len() {
                let Some(target) = spec.tables[i].half_width else {
                    continue;
                };
                let name = spec.tables[i].table.clone();
                let line = line_of("half_width");
                if !(target.is_finite() && target > 0.0) {
                    return Err(invalid(
                        line,
                        format!("the half_width of {name} must be a positive number"),
                    ));
                }
                if spec.tables[i].rho.is_some() {
                    return Err(invalid(
                        line,
                        format!(
                            "{name} has both rho and half_width: give one (the rho is solved from the half-width)"
                        ),
                    ));
                }
                match spec.rho_for_half_width(&spec.tables[i], target, &defs)? {
                    Some(rho) => spec.tables[i].rho = Some(rho),
                    None => {
                        return Err(invalid(
                            line,
                            format!(
                                "no reasonable budget gives {name} a half-width of ±{target}: it would need rho > {MAX_RHO_FOR_TARGET} for one quarter. Ask for a wider half-width, or pool quarters"
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(rho) = spec.privacy.agency_rho_per_period {
            if !(rho.is_finite() && rho > 0.0) {
                return Err(invalid(
                    line_of("agency_rho_per_period"),
                    "privacy.agency_rho_per_period must be a positive number".into(),
                ));
            }
        }
        for scope in [Scope::Person, Scope::Agency] {
            let key = match scope {
                Scope::Person => "rho_per_period",
                Scope::Agency => "agency_rho_per_period",
            };
            let tables: Vec<&TableSpec> =
                spec.tables.iter().filter(|t| t.scope() == scope).collect();
            let explicit: f64 = tables.iter().filter_map(|t| t.rho).sum();
            let weighted = tables.iter().filter(|t| t.rho.is_none()).count();
            match spec.privacy.total(scope) {
                None if weighted > 0 => {
                    return Err(invalid(
                        line_of("[privacy]"),
                        format!(
                            "privacy.{key} is needed to share the budget among the tables without their own rho"
                        ),
                    ));
                }
                Some(total) if explicit > total + 1e-12 || (weighted > 0 && explicit >= total) => {
                    let solved = tables.iter().any(|t| t.half_width.is_some());
                    return Err(invalid(
                        line_of(key),
                        format!(
                            "the tables' own rho{} add up to {explicit:.6}, leaving nothing of {key} = {total} for the others{}",
                            if solved {
                                " (with those solved from half_width)"
                            } else {
                                ""
                            },
                            if solved {
                                ": raise the budget or ask for wider half-widths"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
                _ => {}
            }
        }
        // Custom tables: check dimensions and summed fields against the schema and definitions.
        if spec.tables.iter().any(|t| t.dimensions.is_some()) {
            let defs = spec.definitions()?;
            for t in &spec.tables {
                if let Some(c) = t.custom() {
                    if let Err(e) = release::tables::custom(&c, &defs, spec.accounting()) {
                        return Err(invalid(
                            line_of(&format!("\"{}\"", t.table)),
                            format!("the table {}: {e}", t.table),
                        ));
                    }
                }
            }
        }
        Ok(spec)
    }

    fn accounting(&self) -> Accounting {
        if self.privacy.accounting == "pure" {
            Accounting::Pure
        } else {
            Accounting::Zcdp
        }
    }

    /// The least rho (to within 2%) at which every cell of `t` has an interval
    /// half-width of at most `target` at the pipeline's level; None when even
    /// [`MAX_RHO_FOR_TARGET`] does not give it. Calibration only: reads no data.
    fn rho_for_half_width(
        &self,
        t: &TableSpec,
        target: f64,
        defs: &DefinitionSet,
    ) -> Result<Option<f64>, PipelineError> {
        let widest = |rho: f64| -> Result<f64, PipelineError> {
            let req = ReleaseRequest {
                table: t.table.clone(),
                period: self.inputs.periods[0].to_uppercase(),
                rho,
                accounting: self.accounting(),
                level: self.privacy.interval_level,
                agencies: None,
                custom: t.custom(),
                layout: self.layout(t),
                protection: self.protection(t),
                pool: None,
            };
            let preview = release::preview(defs, &req)?;
            Ok(preview
                .parts
                .iter()
                .map(|(_, c)| c.half_width)
                .fold(0.0, f64::max))
        };
        // The noise scale, hence the half-width, goes as 1/sqrt(rho) under
        // both accountings (pure: epsilon = sqrt(2 rho)): one probe gives the
        // answer up to the integer rounding of discrete intervals, which the
        // steps below settle.
        let probe = widest(1.0)?;
        let mut rho = if probe > 0.0 {
            (probe / target).powi(2).max(1e-9)
        } else {
            1.0
        };
        let mut steps = 0;
        while widest(rho)? > target {
            rho *= 1.02;
            steps += 1;
            if rho > MAX_RHO_FOR_TARGET || steps > 400 {
                return Ok(None);
            }
        }
        while steps < 400 && widest(rho / 1.02)? <= target {
            rho /= 1.02;
            steps += 1;
        }
        Ok((rho <= MAX_RHO_FOR_TARGET).then_some(rho))
    }

    /// The rho a table takes of its scope's budget in each period.
    fn table_rho(&self, t: &TableSpec) -> f64 {
        if !t.draws_budget() {
            return 0.0;
        }
        if let Some(rho) = t.rho {
            return rho;
        }
        let scope = t.scope();
        let peers = self
            .tables
            .iter()
            .filter(|p| p.scope() == scope && p.draws_budget());
        let explicit: f64 = peers.clone().filter_map(|p| p.rho).sum();
        let weights: f64 = peers.filter(|p| p.rho.is_none()).map(|p| p.weight).sum();
        let shared = self.privacy.total(scope).unwrap_or(explicit) - explicit;
        shared * t.weight / weights
    }

    /// The key layout of a table's releases: the declared coverage, the national margin's share.
    pub fn layout(&self, t: &TableSpec) -> release::Layout {
        let share = t.national_share.unwrap_or(self.privacy.national_share);
        release::Layout {
            coverage: self.coverage.as_ref().map(|c| c.provinces()),
            national_share: (share > 0.0).then_some(share),
        }
    }

    /// How a table is protected: returns tables by disclosure-control rules
    /// unless the table asks for `protection = "dp"`.
    pub fn protection(&self, t: &TableSpec) -> release::Protection {
        match t.protection.as_deref() {
            Some("dp") => release::Protection::Dp,
            _ => release::Protection::Rules(self.returns.rules()),
        }
    }

    /// Refuse a coverage that names an agency the store does not know.
    pub fn check_coverage(&self, store: &Store) -> Result<(), PipelineError> {
        let Some(c) = &self.coverage else {
            return Ok(());
        };
        let known = store.known_agencies()?;
        c.check_members(&known).map_err(|e| PipelineError::Invalid {
            path: e.path,
            line: e.line,
            message: e.message,
        })
    }

    /// Every (period, table) request the pipeline makes.
    pub fn requests(&self) -> Vec<ReleaseRequest> {
        self.planned_requests()
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    /// Every request with the table entry it comes from: one per quarter for
    /// a quarterly table, one per pool for a pooled one (after the quarterly
    /// requests of the pool's last quarter).
    pub fn planned_requests(&self) -> Vec<(&TableSpec, ReleaseRequest)> {
        let periods: Vec<String> = self
            .inputs
            .periods
            .iter()
            .map(|p| p.to_uppercase())
            .collect();
        let request = |t: &TableSpec, period: String, pool: Option<Vec<String>>| ReleaseRequest {
            table: t.table.clone(),
            period,
            rho: self.table_rho(t),
            accounting: self.accounting(),
            level: self.privacy.interval_level,
            agencies: self.inputs.agencies.clone(),
            custom: t.custom(),
            layout: self.layout(t),
            protection: self.protection(t),
            pool,
        };
        let mut out = Vec::new();
        for period in &periods {
            for t in &self.tables {
                match t.pools(&periods) {
                    None => out.push((t, request(t, period.clone(), None))),
                    Some(pools) => {
                        for (label, quarters) in pools {
                            if quarters.last() == Some(period) {
                                out.push((t, request(t, label, Some(quarters))));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// rho the pipeline spends on each period in a scope (0 when it has no table there).
    pub fn rho_per_period(&self, scope: Scope) -> f64 {
        let mut tables = self
            .tables
            .iter()
            .filter(|t| t.scope() == scope && t.draws_budget())
            .peekable();
        if tables.peek().is_none() {
            return 0.0;
        }
        // Tables sharing by weight take the whole of the scope's total.
        match self.privacy.total(scope) {
            Some(total)
                if self
                    .tables
                    .iter()
                    .any(|t| t.scope() == scope && t.draws_budget() && t.rho.is_none()) =>
            {
                total
            }
            _ => tables.filter_map(|t| t.rho).sum(),
        }
    }

    pub fn definitions(&self) -> Result<DefinitionSet, PipelineError> {
        let defs = DefinitionSet::load_default(self.definitions.dir.as_deref())?;
        if let Some(v) = &self.definitions.version {
            if !defs.version.starts_with(v.as_str()) {
                return Err(PipelineError::Invalid {
                    path: PathBuf::from("definitions"),
                    line: 1,
                    message: format!(
                        "the pipeline asks for definitions version {v}, but the definitions are {}",
                        defs.version
                    ),
                });
            }
        }
        Ok(defs)
    }
}

/// The most rho one table may need per quarter to meet a `half_width`:
/// beyond it (epsilon over 20 for that table alone) a target is refused.
pub const MAX_RHO_FOR_TARGET: f64 = 10.0;

/// One line of a dry run.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRelease {
    /// The quarter, or a pool's label.
    pub period: String,
    /// The quarters it reads and is debited from.
    pub quarters: Vec<String>,
    /// The expected half-width of its national figure (first part; people
    /// served, a definition's count), at the interval level. None for exact
    /// figures under disclosure control.
    pub national_half_width: Option<f64>,
    /// Whose budget it draws on.
    pub scope: Scope,
    /// The half-width the table asked for, if it gave one.
    pub target_half_width: Option<f64>,
    /// The widest interval half-width of any of its cells.
    pub widest_half_width: f64,
    pub preview: Preview,
}

/// Cost and accuracy of every release, against what each period has left: spends nothing, reads no data.
pub fn dry_run(
    spec: &PipelineSpec,
    store: Option<&Store>,
) -> Result<(Vec<PlannedRelease>, Vec<ledger::PeriodBudget>), PipelineError> {
    let defs = spec.definitions()?;
    let mut planned = Vec::new();
    for (t, req) in spec.planned_requests() {
        let preview = release::preview(&defs, &req)?;
        planned.push(PlannedRelease {
            period: req.period.clone(),
            quarters: req.quarters(),
            national_half_width: preview.national_half_width(req.level),
            scope: t.scope(),
            target_half_width: t.half_width,
            widest_half_width: preview
                .parts
                .iter()
                .map(|(_, c)| c.half_width)
                .fold(0.0, f64::max),
            preview,
        });
    }
    if let Some(s) = store {
        spec.check_coverage(s)?;
    }
    let budgets = match store {
        Some(s) => ledger::status(&s.connect()?)?,
        None => Vec::new(),
    };
    Ok((planned, budgets))
}

/// Run every release of the pipeline.
pub fn run(spec: &PipelineSpec, store: &Store) -> Result<Vec<release::Released>, PipelineError> {
    run_with_progress(spec, store, |_, _, _| {})
}

/// Run every release of the pipeline, calling `progress(request, done, total)` before each.
pub fn run_with_progress(
    spec: &PipelineSpec,
    store: &Store,
    mut progress: impl FnMut(&ReleaseRequest, usize, usize),
) -> Result<Vec<release::Released>, PipelineError> {
    let defs = spec.definitions()?;
    spec.check_coverage(store)?;
    let requests = spec.requests();
    let mut out = Vec::new();
    for (i, req) in requests.iter().enumerate() {
        progress(req, i, requests.len());
        out.push(release::release(store, &defs, req)?);
    }
    Ok(out)
}

/// Write the pipeline's report (if it declares one) from exactly the releases of this run.
/// Reads released tables only; spends nothing.
pub fn write_report(
    spec: &PipelineSpec,
    released: &[release::Released],
    out_override: Option<&Path>,
) -> Result<Vec<Written>, PipelineError> {
    let Some(r) = &spec.report else {
        return Ok(Vec::new());
    };
    let set =
        report::data::ReleaseSet::from_released(released).map_err(report::ReportError::from)?;
    let out = out_override.unwrap_or(&r.out);
    let mut written = Vec::new();
    for l in &r.languages {
        let lang = Lang::parse(l).unwrap_or(Lang::En);
        written.push(report::write(&set, out, lang)?);
    }
    Ok(written)
}

/// Write the processed copies the pipeline asks for (`[outputs]`): every
/// release's cells with the raw noisy `value` kept, `value_processed` beside
/// it (clamped at zero if `non_negative`), and, if `national_totals`, national
/// rows (province "CA", `derived` = true) equal to the sum of the provincial
/// rows, with interval half-widths combined in quadrature. This is
/// post-processing of released values: it costs no budget (Dwork & Roth 2014,
/// Prop. 2.1) and reads no records.
pub fn write_outputs(
    spec: &PipelineSpec,
    released: &[release::Released],
    dir_override: Option<&Path>,
) -> Result<Vec<PathBuf>, PipelineError> {
    let Some(o) = &spec.outputs else {
        return Ok(Vec::new());
    };
    let root = dir_override.unwrap_or(&o.dir);
    let mut written = Vec::new();
    for r in released {
        let mut df = processed(&r.cells, o.non_negative, o.national_totals)
            .map_err(|e| PipelineError::Output(format!("{}: {e}", r.table)))?;
        let dir = root.join(&r.period);
        std::fs::create_dir_all(&dir).map_err(|source| PipelineError::Read {
            path: dir.clone(),
            source,
        })?;
        for ext in ["parquet", "csv"] {
            let path = dir.join(format!("{}.{ext}", r.table));
            let file = std::fs::File::create(&path).map_err(|source| PipelineError::Read {
                path: path.clone(),
                source,
            })?;
            let result = if ext == "parquet" {
                polars::prelude::ParquetWriter::new(file)
                    .finish(&mut df)
                    .map(|_| ())
            } else {
                use polars::prelude::SerWriter;
                polars::prelude::CsvWriter::new(file).finish(&mut df)
            };
            result.map_err(|e| PipelineError::Output(format!("{}: {e}", path.display())))?;
            written.push(path);
        }
    }
    Ok(written)
}

fn processed(
    cells: &polars::prelude::DataFrame,
    non_negative: bool,
    national_totals: bool,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let value = col("value").cast(DataType::Int64);
    let processed = if non_negative {
        when(value.clone().lt(lit(0i64)))
            .then(lit(0i64))
            .otherwise(value.clone())
    } else {
        value.clone()
    };
    let base = cells.clone().lazy().with_columns([
        value.alias("value"),
        processed.alias("value_processed"),
        lit(false).alias("derived"),
    ]);
    let names: Vec<String> = base
        .clone()
        .collect_schema()?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    // A table with national rows of its own (a measured margin, or a returns
    // table's aggregate) keeps them: no sum of the provinces is added.
    let has_national = cells
        .column("province")
        .ok()
        .and_then(|c| c.cast(&DataType::String).ok())
        .is_some_and(|c| {
            c.str().is_ok_and(|s| {
                s.into_iter()
                    .any(|v| v == Some(crate::release::tables::NATIONAL))
            })
        });
    if !(national_totals && names.iter().any(|n| n == "province")) || has_national {
        return base.collect();
    }
    let summed = [
        "province",
        "value",
        "value_processed",
        "ci_half_width",
        "noise_scale",
        "mechanism",
        "derived",
    ];
    let keys: Vec<Expr> = names
        .iter()
        .filter(|n| !summed.contains(&n.as_str()))
        .map(|n| col(n.as_str()))
        .collect();
    let mut national = base
        .clone()
        .group_by_stable(keys)
        .agg([
            col("value").sum(),
            col("value_processed").sum(),
            (col("ci_half_width") * col("ci_half_width"))
                .sum()
                .alias("ci_half_width"),
        ])
        .with_columns([
            lit("CA").alias("province"),
            lit(NULL).cast(DataType::Float64).alias("noise_scale"),
            lit("sum of the provincial rows").alias("mechanism"),
            lit(true).alias("derived"),
        ])
        .collect()?;
    // Half-widths of a sum of independent cells combine in quadrature.
    let combined = national
        .column("ci_half_width")?
        .cast(&DataType::Float64)?
        .f64()?
        .apply_values(f64::sqrt)
        .into_series();
    national.with_column(combined)?;
    let national = national.lazy();
    let schema = base.clone().collect_schema()?;
    let aligned: Vec<Expr> = schema
        .iter()
        .map(|(n, dt)| col(n.clone()).cast(dt.clone()))
        .collect();
    concat([base, national.select(aligned)], UnionArgs::default())?.collect()
}

//! Pipelines: a quarterly release declared in TOML — which periods, which
//! standard tables with what share of each period's budget, which
//! definitions, what interval level — previewed (cost and accuracy, nothing
//! spent, no data read) or run.

use crate::classify::DefinitionSet;
use crate::privacy::{Accounting, ledger};
use crate::release::{self, Preview, ReleaseError, ReleaseRequest, STANDARD};
use crate::store::Store;
use crate::text::closest;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A pipeline file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
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
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// Periods (quarters) of data to release, YYYYQn. All current submissions of each period are used.
    pub periods: Vec<String>,
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
    /// rho (zCDP) to spend on each period, shared by the tables by weight.
    pub rho_per_period: f64,
    /// Level of the published intervals.
    #[serde(default = "default_level")]
    pub interval_level: f64,
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
                    "description": "Quarters of data to release; all current submissions of each are used."}}
            },
            "definitions": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "dir": {"type": "string", "description": "Directory of definition files (default ./definitions, else the built-in copy)."},
                    "version": {"type": "string", "description": "Refuse to run unless the definitions' version starts with this."}
                }
            },
            "privacy": {
                "type": "object", "additionalProperties": false, "required": ["rho_per_period"],
                "properties": {
                    "accounting": {"enum": ["zcdp", "pure"], "default": "zcdp"},
                    "rho_per_period": {"type": "number", "exclusiveMinimum": 0, "description": "rho spent on each quarter, shared by the tables by weight."},
                    "interval_level": {"type": "number", "minimum": 0.5, "exclusiveMaximum": 1, "default": 0.95}
                }
            },
            "tables": {
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object", "additionalProperties": false, "required": ["table"],
                    "properties": {
                        "table": {"enum": tables},
                        "weight": {"type": "number", "exclusiveMinimum": 0, "default": 1}
                    }
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
        let spec: PipelineSpec = toml::from_str(&text).map_err(|e| {
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
        if !matches!(spec.privacy.accounting.as_str(), "zcdp" | "pure") {
            return Err(invalid(
                line_of("accounting"),
                "privacy.accounting must be \"zcdp\" or \"pure\"".into(),
            ));
        }
        if !(spec.privacy.rho_per_period.is_finite() && spec.privacy.rho_per_period > 0.0) {
            return Err(invalid(
                line_of("rho_per_period"),
                "privacy.rho_per_period must be a positive number".into(),
            ));
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
        for t in &spec.tables {
            if !STANDARD.contains(&t.table.as_str()) {
                let hint = closest(&t.table, STANDARD.iter().copied())
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                return Err(invalid(
                    line_of(&format!("\"{}\"", t.table)),
                    format!(
                        "\"{}\" is not a standard table{hint}; tables: {}",
                        t.table,
                        STANDARD.join(", ")
                    ),
                ));
            }
            if !(t.weight.is_finite() && t.weight > 0.0) {
                return Err(invalid(
                    line_of(&t.table),
                    format!("the weight of {} must be positive", t.table),
                ));
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

    /// Every (period, table) request the pipeline makes.
    pub fn requests(&self) -> Vec<ReleaseRequest> {
        let total: f64 = self.tables.iter().map(|t| t.weight).sum();
        let mut out = Vec::new();
        for period in &self.inputs.periods {
            for t in &self.tables {
                out.push(ReleaseRequest {
                    table: t.table.clone(),
                    period: period.to_uppercase(),
                    rho: self.privacy.rho_per_period * t.weight / total,
                    accounting: self.accounting(),
                    level: self.privacy.interval_level,
                });
            }
        }
        out
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

/// One line of a dry run.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRelease {
    pub period: String,
    pub preview: Preview,
}

/// Cost and accuracy of every release, against what each period has left: spends nothing, reads no data.
pub fn dry_run(
    spec: &PipelineSpec,
    store: Option<&Store>,
) -> Result<(Vec<PlannedRelease>, Vec<ledger::PeriodBudget>), PipelineError> {
    let defs = spec.definitions()?;
    let mut planned = Vec::new();
    for req in spec.requests() {
        planned.push(PlannedRelease {
            period: req.period.clone(),
            preview: release::preview(&defs, &req)?,
        });
    }
    let budgets = match store {
        Some(s) => ledger::status(&s.connect()?)?,
        None => Vec::new(),
    };
    Ok((planned, budgets))
}

/// Run every release of the pipeline.
pub fn run(spec: &PipelineSpec, store: &Store) -> Result<Vec<release::Released>, PipelineError> {
    let defs = spec.definitions()?;
    let mut out = Vec::new();
    for req in spec.requests() {
        out.push(release::release(store, &defs, &req)?);
    }
    Ok(out)
}

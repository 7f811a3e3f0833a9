//! The shape of a pipeline file (serde, unknown keys refused) and the errors of loading and running one.

use super::*;

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
    /// Data-governance approvals some tables need before they are released.
    #[serde(default)]
    pub governance: GovernanceSpec,
    /// Tables held back because an approval they need is missing, each told
    /// with the file and line: the other tables are still released, and the
    /// run then exits with the configuration code.
    #[serde(skip)]
    pub withheld: Vec<crate::i18n::Message>,
}

/// Approvals a pipeline names, which some tables require.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GovernanceSpec {
    /// The approval under which tables about Indigenous people are released,
    /// e.g. "approved by the partners' data-governance committee on 2026-03-01".
    /// Tables with `indigenous_identity` as a dimension are refused without it
    /// (First Nations OCAP®; the Inuit and Métis data-governance principles).
    pub indigenous_data: Option<String>,
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
    pub periods: Vec<crate::schema::Quarter>,
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
    pub accounting: Accounting,
    /// rho (zCDP) to spend on each period: tables with their own `rho` take it,
    /// the rest is shared by the other tables by weight. May be left out when every table has `rho`.
    pub rho_per_period: Option<f64>,
    /// rho spent on each period's agency-unit tables (the returns: funding,
    /// beds, turnaways), from the agencies' own budget (`agency:<period>` in
    /// the ledger), shared by weight like `rho_per_period`. Default: `rho_per_period`.
    pub agency_rho_per_period: Option<f64>,
    /// The most rho a person present in every quarter may lose over all of
    /// them (the ledger's lifetime cap): the dry run shows the loss before and
    /// after the run against it, and `demo` sets it.
    pub lifetime_rho: Option<f64>,
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
    pub(super) fn total(&self, scope: Scope) -> Option<f64> {
        match scope {
            Scope::Person => self.rho_per_period,
            Scope::Agency => self.agency_rho_per_period.or(self.rho_per_period),
        }
    }
}

fn default_accounting() -> Accounting {
    Accounting::Zcdp
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
    /// Each part's national figure within ±max(relative × figure, at_least),
    /// each part given the rho that needs (see `pipeline::target`).
    pub target: Option<super::target::Target>,
    /// Share of this table's rho spent on its national margin (default: `privacy.national_share`).
    pub national_share: Option<f64>,
    /// One measurement over several quarters, each person counted once over them, instead of one
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
    /// For a table of your own: "keep" (default) the missing-data codes as
    /// keys of every coded dimension, or "drop" them (records with one are
    /// counted in no cell).
    pub missing: Option<String>,
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
            drop_missing: self.missing.as_deref() == Some("drop"),
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
    #[error("{path}:{line}: {}", message.render(crate::i18n::Lang::En))]
    Invalid {
        path: PathBuf,
        line: usize,
        message: crate::i18n::Message,
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

impl PipelineError {
    /// The error as a catalogue message: a problem in the pipeline file with
    /// its file and line; others (from a release, the ledger, the store) with
    /// their own words as the detail.
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            PipelineError::Read { path, source } => Message::new("pipeline-unreadable")
                .with("file", path.display().to_string())
                .with("detail", source.to_string()),
            PipelineError::Invalid {
                path,
                line,
                message,
            } => Message::at_line("pipeline-at", path, *line, message),
            PipelineError::Release(e) => e.message(),
            PipelineError::Ledger(e) => e.message(),
            PipelineError::Definitions(e) => e.message(),
            PipelineError::Store(e) => e.message(),
            PipelineError::Report(e) => e.message(),
            PipelineError::Output(detail) => {
                Message::new("pipeline-output-failed").with("detail", detail.as_str())
            }
        }
    }
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

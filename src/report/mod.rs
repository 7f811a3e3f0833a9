//! Trend reports for funders, drawn only from released (noisy) tables —
//! never from records, and never spending budget. A report is one
//! self-contained HTML file per language (charts inlined as SVG, CSS
//! inline, no network at view time) plus each chart as SVG and PNG.
//!
//! Every number shown is a released cell or a stated combination of
//! released cells (sums, shares, ratios; see [`data`]), and every chart of
//! noisy values shows its intervals. Findings call a change only when its
//! interval excludes zero; otherwise they say the comparison is inconclusive.
//!
//! `sections` builds each section's charts from the releases, `findings`
//! the key findings (with the false-discovery-rate control), `render` the
//! HTML, the chart files and `report.json`.

pub mod charts;
pub mod data;
mod findings;
mod forum;
pub mod i18n;
mod render;
mod sections;
mod services;

pub use render::write;

use charts::{Chart, Kind, Series, Unit};
use data::{Estimate, ReleaseSet};
use i18n::Lang;
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use data::DataError;

/// The standard tables the report draws no chart or finding from: a
/// pipeline that spends on them pays for figures nobody reads, and its dry
/// run says so.
pub const NOT_DRAWN: &[&str] = &[
    "shelter_nights",
    "immigration_status",
    "age_gender",
    "citizenship",
];

/// Whether the report draws a chart or a finding from the standard table
/// `table` (the `from_tables` of its figures).
pub fn draws(table: &str) -> bool {
    let standard =
        crate::release::STANDARD.contains(&table) || crate::release::LINKED_TABLES.contains(&table);
    standard && !NOT_DRAWN.contains(&table)
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("drawing the chart {chart} failed: {message}")]
    Chart { chart: String, message: String },
    #[error("the report template failed: {0}")]
    Template(#[from] minijinja::Error),
}

impl crate::exit::ExitCode for ReportError {
    fn exit_code(&self) -> i32 {
        match self {
            ReportError::Data(e) => e.exit_code(),
            _ => crate::exit::IO,
        }
    }
}

impl ReportError {
    /// The error in the catalogues' words (a library's own detail passed through).
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            ReportError::Data(e) => e.message(),
            ReportError::Write { path, source } => Message::new("report-cannot-write")
                .with("path", path.display().to_string())
                .with("detail", source.to_string()),
            ReportError::Chart { chart, message } => Message::new("report-chart-failed")
                .with("chart", chart.as_str())
                .with("detail", message.as_str()),
            ReportError::Template(e) => {
                Message::new("report-template-failed").with("detail", e.to_string())
            }
        }
    }
}

/// The report files written for one language.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub lang: Lang,
    pub html: PathBuf,
    pub charts: usize,
}

const HOUSING_UNMET: &[&str] = &["unmet_no_capacity", "unmet_ineligible"];
const SERVICE_GAP: &[&str] = &["waitlisted", "not_available"];
const SERVICE_MET: &[&str] = &["received", "referred_out"];
const SERVICE_NEEDED: &[&str] = &[
    "received",
    "referred_out",
    "waitlisted",
    "not_available",
    "declined",
    "client_doesnt_know",
    "client_refused",
    "not_collected",
];
/// A heat-map cell whose 95% half-width exceeds this share is shown as too uncertain.
pub const HEAT_MAX_HALF_WIDTH: f64 = 0.15;

#[derive(Debug, Serialize)]
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Debug, Serialize)]
struct Figure {
    id: String,
    title: String,
    alt: String,
    svg: String,
    png: String,
    svg_href: String,
    table: Table,
    derived: String,
    missing: Option<String>,
}

#[derive(Debug, Serialize)]
struct Section {
    id: String,
    heading: String,
    figures: Vec<Figure>,
}

/// Everything a report shows, computed from a release set.
/// The false discovery rate at which the report's findings call changes.
const FALSE_DISCOVERY_RATE: f64 = 0.05;

/// A first-to-last-quarter comparison of one series.
struct Comparison {
    what: String,
    unit: Unit,
    a: Estimate,
    b: Estimate,
    first: usize,
    last: usize,
    change: Estimate,
    /// Two-sided p-value of "no change".
    p: f64,
    /// An end point's interval is as wide as its value: not compared.
    too_uncertain: bool,
}

struct Builder<'a> {
    set: &'a ReleaseSet,
    lang: Lang,
    /// Interval level of the releases (their half-widths' level).
    level: f64,
    periods: Vec<String>,
    quarters: Vec<String>,
    /// Provinces where the participating agencies served people (from released counts).
    provinces: Vec<&'static str>,
    /// The province keys a national sum adds: the coverage and `elsewhere`, or `provinces`.
    national_keys: Vec<&'static str>,
    /// The definitions in the `definitions` table, in release order.
    definitions: Vec<String>,
}

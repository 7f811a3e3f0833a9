//! Budgets planned to accuracy targets: a table entry's `target` asks that
//! each of its parts' national figures (people served; each definition's
//! count of the people it counts) have an interval half-width of at most
//! `relative` × the figure, and never less than `at_least`; each part gets
//! the rho that needs, and no more.
//!
//! The figure a relative target is sized on is the part's national figure
//! of its first key in the previous quarter's release of the same table (of
//! this run, else stored), taken at [`HEADROOM`] of its value so that a fall
//! of up to a fifth still meets the target. Released figures are public:
//! reading them is post-processing of differentially private output, which
//! costs no privacy (Dwork & Roth 2014, Prop. 2.1), so the plan reads no
//! record and spends nothing; the release's provenance states the rho each
//! part got (`request.part_rho`). Without a previous figure (the first
//! quarter) each part is planned to `at_least`, the most the target can
//! cost, which is also what the quarter's budget is checked against.
//!
//! The noise of a part's national figure has a variance proportional to
//! 1/rho under both accountings (the Gaussian's scale is Δ/√(2ρ); a pure-DP
//! Laplace's is Δ/ε with ε = √(2ρ)), so one calibration at rho = 1 per part
//! gives the rho of any half-width: ρ = (h₁ / h)².

use super::*;
use crate::report::data::{LoadedRelease, ReleaseSet};

/// The share of the previous figure a relative target is sized on.
pub const HEADROOM: f64 = 0.8;

/// The floor of a target when the table entry gives none: ten people.
pub const DEFAULT_AT_LEAST: f64 = 10.0;

/// Each part's half-width target: at most `relative` × its national figure,
/// at least `at_least`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The half-width as a share of the figure, e.g. 0.1 for ±10%.
    pub relative: Option<f64>,
    /// The least half-width asked for, in people (default 10): the target
    /// when there is no previous figure, or when the relative one is smaller.
    pub at_least: Option<f64>,
}

impl Target {
    /// The floor of the target.
    pub fn floor(&self) -> f64 {
        self.at_least.unwrap_or(DEFAULT_AT_LEAST)
    }

    /// The half-width asked for a part whose previous figure was `previous`.
    pub fn half_width(&self, previous: Option<f64>) -> f64 {
        match (self.relative, previous) {
            (Some(r), Some(v)) => (r * HEADROOM * v).max(self.floor()),
            _ => self.floor(),
        }
    }
}

/// The labels of a request's parts and, for each, the half-width of its
/// national figure at rho = 1 (`h₁`). Calibration only.
pub(super) fn unit_half_widths(
    defs: &DefinitionSet,
    req: &ReleaseRequest,
) -> Result<Vec<(String, f64)>, PipelineError> {
    let mut labels: Vec<String> = Vec::new();
    let table = release::tables::table_in(&req.table, defs, req.accounting, &req.layout);
    let names: Vec<String> = match (&req.custom, table) {
        (None, Some(t)) => t.parts.iter().map(|p| p.label.clone()).collect(),
        _ => release::preview(defs, req)?
            .parts
            .iter()
            .map(|(l, _)| l.clone())
            .collect(),
    };
    for n in names {
        if !labels.contains(&n) {
            labels.push(n);
        }
    }
    let unit = ReleaseRequest {
        rho: labels.len() as f64,
        part_rho: Some(labels.iter().map(|l| (l.clone(), 1.0)).collect()),
        ..req.clone()
    };
    let preview = release::preview(defs, &unit)?;
    Ok(labels
        .into_iter()
        .map(|l| {
            let h = preview
                .national_half_width_of(&l, req.level)
                .unwrap_or(f64::INFINITY);
            (l, h)
        })
        .collect())
}

/// The rho of each part that meets `target` given each part's previous
/// figure (None: plan to the floor).
pub(super) fn planned_part_rho(
    unit: &[(String, f64)],
    target: &Target,
    previous: &dyn Fn(&str) -> Option<f64>,
) -> Vec<(String, f64)> {
    unit.iter()
        .map(|(label, h1)| {
            let h = target.half_width(previous(label));
            (label.clone(), (h1 / h).powi(2))
        })
        .collect()
}

/// The first key of each dimension of a part other than the province (in
/// the public key order of the table's definition), by part label.
pub(super) fn first_keys(
    defs: &DefinitionSet,
    req: &ReleaseRequest,
) -> Vec<(String, Vec<(String, String)>)> {
    let Some(table) = release::tables::table_in(&req.table, defs, req.accounting, &req.layout)
    else {
        return Vec::new();
    };
    table
        .parts
        .iter()
        .filter(|p| !p.national)
        .map(|p| {
            let keys = p
                .spec
                .dims
                .iter()
                .filter(|(d, _)| d != "province")
                .filter_map(|(d, k)| Some((d.clone(), k.first()?.clone())))
                .collect();
            (p.label.clone(), keys)
        })
        .collect()
}

/// The national figure of a part's first keys (`keys`: dimension, key) in
/// a release: the measured national cell where there is one, else the sum
/// of the provinces.
pub(super) fn national_figure(
    release: &LoadedRelease,
    part: &str,
    keys: &[(String, String)],
) -> Option<f64> {
    let national = release::coverage::NATIONAL;
    let cells: Vec<&report::data::Cell> = release.cells.iter().filter(|c| c.part == part).collect();
    if cells.is_empty() {
        return None;
    }
    let of_first = |c: &&&report::data::Cell| keys.iter().all(|(d, v)| c.dims.get(d) == Some(v));
    let has_national = cells
        .iter()
        .any(|c| c.dims.get("province").map(String::as_str) == Some(national));
    let value: f64 = cells
        .iter()
        .filter(of_first)
        .filter(|c| {
            let at_nation = c.dims.get("province").map(String::as_str) == Some(national);
            at_nation == has_national
        })
        .map(|c| c.estimate.value)
        .sum();
    Some(value)
}

/// The quarter before `period` ("2025Q1" → "2024Q4"), if `period` is a quarter.
pub(super) fn previous_quarter(period: &str) -> Option<String> {
    let q: crate::schema::Quarter = period.parse().ok()?;
    let (year, n) = (q.year(), q.number());
    Some(match n {
        1 => format!("{}Q4", year - 1),
        n => format!("{year}Q{}", n - 1),
    })
}

/// Plan a target table's request: each part's rho from the previous
/// quarter's figures in `known` (this run's releases and the stored ones).
/// Returns whether a previous release was found (else every part is
/// planned to its floor: the most the target can cost).
pub(super) fn plan_request(
    defs: &DefinitionSet,
    req: &mut ReleaseRequest,
    target: &Target,
    known: &ReleaseSet,
) -> Result<bool, PipelineError> {
    let unit = unit_half_widths(defs, req)?;
    let before = previous_quarter(&req.period);
    let release = before.as_deref().and_then(|p| known.get(&req.table, p));
    let keys = first_keys(defs, req);
    let previous = |label: &str| {
        let (_, k) = keys.iter().find(|(l, _)| l == label)?;
        release.and_then(|r| national_figure(r, label, k))
    };
    let planned = planned_part_rho(&unit, target, &previous);
    req.rho = planned.iter().map(|(_, r)| r).sum();
    req.part_rho = Some(planned);
    Ok(release.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_target_is_sized_on_the_previous_figure_and_floored() {
        let t = Target {
            relative: Some(0.1),
            at_least: Some(10.0),
        };
        assert_eq!(t.half_width(None), 10.0);
        assert!((t.half_width(Some(800.0)) - 64.0).abs() < 1e-9);
        assert_eq!(t.half_width(Some(50.0)), 10.0);
        // rho goes as the square of h1 / h: a figure eight times as large costs 1/64.
        let unit = vec![("broad".to_string(), 5.0), ("narrow".to_string(), 5.0)];
        let planned = planned_part_rho(&unit, &t, &|l: &str| (l == "broad").then_some(1000.0));
        assert!(
            (planned[1].1 / planned[0].1 - 64.0).abs() < 1e-9,
            "{planned:?}"
        );
        assert_eq!(previous_quarter("2025Q1").as_deref(), Some("2024Q4"));
        assert_eq!(previous_quarter("2025Q3").as_deref(), Some("2025Q2"));
        assert_eq!(previous_quarter("2025"), None);
    }
}

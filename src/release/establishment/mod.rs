//! Quarterly returns as establishment data: exact aggregates under
//! disclosure-control rules, not noise.
//!
//! Funding, beds, turnaways and staff describe an agency, not a person.
//! Statistical agencies publish such tables exactly and protect each
//! contributor with cell rules (Hundepool et al., *Statistical Disclosure
//! Control*, Wiley 2012, §§ 4.2–4.3 — the Eurostat SDC handbook; τ-ARGUS and
//! R sdcTable implement the same; Statistics Canada and the U.S. Census
//! Bureau apply them to business surveys):
//!
//! - **threshold rule**: a cell is sensitive when fewer than `min_agencies`
//!   (default 3) agencies contribute to it (report a positive amount);
//! - **p% rule**: a cell is sensitive when the total minus the two largest
//!   contributions is less than p% of the largest (default p = 10): the
//!   second-largest contributor could then estimate the largest to within p%;
//! - **complementary suppression**: the tables are published with their
//!   margins (each part over the keys — the national figure — each key over
//!   the parts, and the grand total), beside each other and beside every
//!   earlier version of the quarter. Further cells are withheld until an
//!   intruder with a linear-programming solver, every published version and
//!   (for a member agency) its own return cannot bound any sensitive figure
//!   more tightly than the p% rule's protection level: see [`audit`].
//!
//! A withheld cell says only `suppressed`, never which rule withheld it:
//! knowing that a cell is "dominant" tells the second-largest contributor how
//! to bound the largest. The rules themselves (threshold, p) are public, in
//! each release's provenance.
//!
//! Cells no agency reported into are structurally empty and published as 0.
//! A cell every reporting agency reported as 0 is published as 0 only when at
//! least `min_agencies` agencies reported there (else it would reveal one
//! agency's zero). Suppressed cells carry no value: never 0, never a point.

pub mod audit;
pub mod quarter;

pub use audit::{Cell, Quarter, Shortfall};
pub(crate) use quarter::protected_cells;

use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The rules and their parameters (recorded in each release's provenance).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rules {
    /// Fewest contributing agencies for a cell to be published.
    pub min_agencies: usize,
    /// p of the p% dominance rule, in percent.
    pub p_percent: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_agencies: 3,
            p_percent: 10.0,
        }
    }
}

/// Why a cell is withheld or published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Published,
    /// No agency reported into the cell: 0 by structure.
    Empty,
    /// Primary: fewer than `min_agencies` agencies.
    FewAgencies,
    /// Primary: the p% rule (one agency dominant).
    Dominant,
    /// Secondary: withheld so that a primary cell cannot be recovered.
    Complementary,
}

impl Status {
    pub fn suppressed(self) -> bool {
        matches!(
            self,
            Status::FewAgencies | Status::Dominant | Status::Complementary
        )
    }

    /// The code a released cell's `disclosure_status` holds: `published`,
    /// `empty` or `suppressed`, never which rule withheld it (see the module
    /// docs); its words are in the catalogues (`code-suppressed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Empty => "empty",
            Status::FewAgencies | Status::Dominant | Status::Complementary => SUPPRESSED,
        }
    }
}

/// One cell of a protected table: its row (part), column (key), each
/// agency's contribution, and the agencies that reported into it at all.
#[derive(Debug, Clone, Default)]
pub struct Contributions {
    pub by_agency: BTreeMap<u32, i64>,
    pub reporting: BTreeSet<u32>,
}

impl Contributions {
    /// A cell where each agency reported its value.
    pub fn of(values: &[(u32, i64)]) -> Contributions {
        Contributions {
            by_agency: values.iter().copied().collect(),
            reporting: values.iter().map(|(a, _)| *a).collect(),
        }
    }

    pub fn total(&self) -> i64 {
        self.by_agency.values().sum()
    }

    fn merge(&mut self, other: &Contributions) {
        for (a, v) in &other.by_agency {
            *self.by_agency.entry(*a).or_default() += v;
        }
        self.reporting.extend(other.reporting.iter().copied());
    }

    /// The primary status of the cell under `rules`.
    pub fn primary(&self, rules: Rules) -> Status {
        if self.reporting.is_empty() {
            return Status::Empty;
        }
        let mut positive: Vec<i64> = self
            .by_agency
            .values()
            .copied()
            .filter(|v| *v > 0)
            .collect();
        if positive.is_empty() {
            return if self.reporting.len() >= rules.min_agencies {
                Status::Published
            } else {
                Status::FewAgencies
            };
        }
        if positive.len() < rules.min_agencies {
            return Status::FewAgencies;
        }
        positive.sort_unstable_by(|a, b| b.cmp(a));
        let total: i64 = positive.iter().sum();
        let rest = total - positive[0] - positive[1];
        if (rest as f64) < rules.p_percent / 100.0 * positive[0] as f64 {
            return Status::Dominant;
        }
        Status::Published
    }
}

/// A table with its margins: `rows` × `cols` interior cells, a margin column
/// (each row over the keys) and, with more than one row, a margin row (each
/// key over the rows) and the grand total.
#[derive(Debug, Clone)]
pub struct Grid {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// Interior cells, `cells[r][c]`.
    pub cells: Vec<Vec<Contributions>>,
}

/// A cell of the grid with its margins: `None` is the margin (the total).
pub type Position = (Option<usize>, Option<usize>);

impl Grid {
    pub fn has_margin_row(&self) -> bool {
        self.rows.len() > 1
    }

    /// Every position: interior, the margin column, and (if any) the margin row and grand total.
    pub fn positions(&self) -> Vec<Position> {
        let mut out = Vec::new();
        let rows: Vec<Option<usize>> = (0..self.rows.len())
            .map(Some)
            .chain(self.has_margin_row().then_some(None))
            .collect();
        for r in rows {
            for c in (0..self.cols.len()).map(Some).chain(std::iter::once(None)) {
                out.push((r, c));
            }
        }
        out
    }

    /// A position's contributions (margins merged from the interior).
    pub fn contributions(&self, (r, c): Position) -> Contributions {
        let rows: Vec<usize> = r.map_or_else(|| (0..self.rows.len()).collect(), |r| vec![r]);
        let cols: Vec<usize> = c.map_or_else(|| (0..self.cols.len()).collect(), |c| vec![c]);
        let mut out = Contributions::default();
        for &r in &rows {
            for &c in &cols {
                out.merge(&self.cells[r][c]);
            }
        }
        out
    }
}

/// Build a grid from a returns table's prepared records, one frame per part
/// (unit, dims…, value): the rows are the parts, the columns the public keys
/// of the part's dimensions (joined with "|" when there are several).
pub fn grid(parts: &[(String, DataFrame)], keys: &[Vec<String>]) -> PolarsResult<Grid> {
    let cols = keys
        .to_vec()
        .into_iter()
        .map(|k| k.join("|"))
        .collect::<Vec<_>>();
    let mut cells = vec![vec![Contributions::default(); cols.len()]; parts.len()];
    for (r, (_, df)) in parts.iter().enumerate() {
        let names = df.get_column_names_owned();
        let units = df.column(names[0].as_str())?.cast(&DataType::UInt32)?;
        let units = units.u32()?;
        let dims: Vec<Column> = names[1..]
            .iter()
            .filter(|n| n.as_str() != crate::privacy::measure::VALUE)
            .map(|n| df.column(n.as_str())?.cast(&DataType::String))
            .collect::<PolarsResult<_>>()?;
        let values = match df.column(crate::privacy::measure::VALUE) {
            Ok(v) => Some(v.cast(&DataType::Int64)?),
            Err(_) => None,
        };
        for i in 0..df.height() {
            let key = key_at(&dims, i);
            let Some(c) = cols.iter().position(|k| *k == key.join("|")) else {
                continue;
            };
            let Some(unit) = units.get(i) else { continue };
            let v = match &values {
                Some(v) => v.i64()?.get(i).unwrap_or(0),
                None => 1,
            };
            let cell = &mut cells[r][c];
            *cell.by_agency.entry(unit).or_default() += v;
            cell.reporting.insert(unit);
        }
    }
    Ok(Grid {
        rows: parts.iter().map(|(l, _)| l.clone()).collect(),
        cols,
        cells,
    })
}

/// The status of every withheld cell.
pub const SUPPRESSED: &str = "suppressed";

/// Row `i`'s key: its value in each dimension column (as text; "" if none).
pub(crate) fn key_at(dims: &[Column], i: usize) -> Vec<String> {
    dims.iter()
        .map(|d| {
            d.str()
                .ok()
                .and_then(|s| s.get(i))
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The column holding each returns cell's disclosure-control status.
pub const DISCLOSURE_STATUS: &str = "disclosure_status";

/// The key of a margin in a dimension other than the province.
pub const ALL: &str = "all";

/// The part label of the margin row (each key over the parts).
pub const TOTAL: &str = "total";

/// A returns table's public key layout: the keys of its columns (one per
/// dimension, joined with "|" in the grid) and the key its margin column
/// carries (the national province key, or `all`).
pub struct Keys {
    pub cols: Vec<Vec<String>>,
    pub margin: Vec<String>,
}

impl Keys {
    pub fn of(table: &super::TableDef) -> Keys {
        let dims = &table.parts[0].spec.dims;
        let mut cols: Vec<Vec<String>> = vec![vec![]];
        for (_, k) in dims {
            cols = cols
                .iter()
                .flat_map(|row| {
                    k.iter()
                        .map(move |v| [row.clone(), vec![v.clone()]].concat())
                })
                .collect();
        }
        let margin = dims
            .iter()
            .map(|(d, _)| {
                if d == "province" {
                    super::coverage::NATIONAL.to_string()
                } else {
                    ALL.to_string()
                }
            })
            .collect();
        Keys { cols, margin }
    }

    /// The grid position a released row names (its part and dimension
    /// values), the inverse of [`cells`]; None if it names no cell.
    pub fn position(&self, grid: &Grid, part: &str, dims: &[String]) -> Option<Position> {
        let r = match grid.rows.iter().position(|l| l == part) {
            Some(r) => Some(r),
            None if part == TOTAL && grid.has_margin_row() => None,
            None => return None,
        };
        let c = match self.cols.iter().position(|k| k == dims) {
            Some(c) => Some(c),
            None if dims == self.margin.as_slice() => None,
            None => return None,
        };
        Some((r, c))
    }
}

/// A returns table's released cells: every interior cell and margin with its
/// exact total, or no value when suppressed, and its status. Columns as a DP
/// release's (`mechanism` = disclosure_control, no noise scale, a zero
/// half-width for published cells), plus `disclosure_status`.
pub fn cells(
    table: &super::TableDef,
    grid: &Grid,
    protected: &BTreeMap<Position, (i64, Status)>,
    req: &super::ReleaseRequest,
) -> PolarsResult<DataFrame> {
    let dims = &table.parts[0].spec.dims;
    let keys = Keys::of(table);
    let mut part = Vec::new();
    let mut dim_values: Vec<Vec<String>> = vec![Vec::new(); dims.len()];
    let mut value: Vec<Option<i64>> = Vec::new();
    let mut width: Vec<Option<f64>> = Vec::new();
    let mut status = Vec::new();
    for ((r, c), (total, st)) in protected {
        part.push(r.map_or(TOTAL.to_string(), |r| grid.rows[r].clone()));
        let key = c.map_or(&keys.margin, |c| &keys.cols[c]);
        for (d, v) in dim_values.iter_mut().zip(key) {
            d.push(v.clone());
        }
        value.push((!st.suppressed()).then_some(*total));
        width.push((!st.suppressed()).then_some(0.0));
        status.push(st.as_str());
    }
    let n = part.len();
    let statistic = match table.parts[0].spec.statistic {
        crate::privacy::Statistic::Count => "count",
        crate::privacy::Statistic::Sum { .. } => "sum",
    };
    let mut columns = vec![
        Column::new("table".into(), vec![req.table.as_str(); n]),
        Column::new("period".into(), vec![req.period.as_str(); n]),
        Column::new("part".into(), part),
    ];
    for ((d, _), v) in dims.iter().zip(dim_values) {
        columns.push(Column::new(d.as_str().into(), v));
    }
    columns.extend([
        Column::new("statistic".into(), vec![statistic; n]),
        Column::new("value".into(), value),
        Column::new("mechanism".into(), vec![super::DISCLOSURE_CONTROL; n]),
        Column::new("noise_scale".into(), vec![None::<f64>; n]),
        Column::new("ci_half_width".into(), width),
        Column::new("ci_level".into(), vec![req.level; n]),
        Column::new(DISCLOSURE_STATUS.into(), status),
    ]);
    DataFrame::new(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(values: &[(u32, i64)]) -> Contributions {
        Contributions::of(values)
    }

    #[test]
    fn the_threshold_and_p_percent_rules() {
        let rules = Rules::default();
        assert_eq!(cell(&[(1, 5), (2, 5)]).primary(rules), Status::FewAgencies);
        assert_eq!(
            cell(&[(1, 5), (2, 5), (3, 5)]).primary(rules),
            Status::Published
        );
        // 100, 5, 4: the rest (4) is below 10% of the largest (10): dominant.
        assert_eq!(
            cell(&[(1, 100), (2, 5), (3, 4)]).primary(rules),
            Status::Dominant
        );
        // 100, 11, 5: the rest (5) is below 10: dominant; 100, 11, 11: published.
        assert_eq!(
            cell(&[(1, 100), (2, 5), (3, 11)]).primary(rules),
            Status::Dominant
        );
        assert_eq!(
            cell(&[(1, 100), (2, 11), (3, 11)]).primary(rules),
            Status::Published
        );
        assert_eq!(Contributions::default().primary(rules), Status::Empty);
        // Zeros: published only when enough agencies reported them.
        assert_eq!(cell(&[(1, 0), (2, 0)]).primary(rules), Status::FewAgencies);
        assert_eq!(
            cell(&[(1, 0), (2, 0), (3, 0)]).primary(rules),
            Status::Published
        );
        // Two positive contributors among five reporting: sensitive.
        assert_eq!(
            cell(&[(1, 7), (2, 9), (3, 0), (4, 0), (5, 0)]).primary(rules),
            Status::FewAgencies
        );
    }
}

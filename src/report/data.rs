//! The released tables a report is drawn from: reading release files (and
//! nothing else), looking cells up, and combining noisy estimates with
//! honest intervals.
//!
//! Combining is post-processing of released values, so it costs no privacy
//! (post-processing immunity: Dwork & Roth 2014, Prop. 2.1). Intervals of
//! combinations are approximations stated in the report's methods: a sum of
//! independently noised cells has a half-width of sqrt(sum h_i^2) (exact
//! for Gaussian noise; for Laplace noise it is wider than the normal
//! approximation of the sum, so conservative), and a ratio uses the delta
//! method.

use crate::release::provenance_text;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a safecount release: {reason}")]
    NotRelease { path: PathBuf, reason: String },
    #[error(
        "no safecount release files (*.parquet with safecount provenance) were found under {0}: run a pipeline first (`safecount run PIPELINE`), then point `report` at the store's releases directory"
    )]
    Empty(PathBuf),
}

impl crate::exit::ExitCode for DataError {
    fn exit_code(&self) -> i32 {
        match self {
            DataError::Empty(_) | DataError::Io { .. } => crate::exit::NO_INPUT,
            DataError::NotRelease { .. } => crate::exit::DATA,
        }
    }
}

impl DataError {
    /// The error in the catalogues' words (a file format's own detail passed through).
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            DataError::Io { path, source } => Message::new("report-unreadable")
                .with("path", path.display().to_string())
                .with("detail", source.to_string()),
            DataError::NotRelease { path, reason } => Message::new("report-not-a-release")
                .with("path", path.display().to_string())
                .with("detail", reason.as_str()),
            DataError::Empty(dir) => {
                Message::new("report-no-releases").with("dir", dir.display().to_string())
            }
        }
    }
}

/// A noisy estimate and the half-width of its interval (at the release's level).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Estimate {
    pub value: f64,
    pub half_width: f64,
}

impl Estimate {
    /// A cell withheld by disclosure control (fewer than 3 agencies, or one
    /// dominant, or protecting such a cell): no value. It is not a number, so
    /// any sum or ratio that needs it is withheld too.
    pub const SUPPRESSED: Estimate = Estimate {
        value: f64::NAN,
        half_width: f64::NAN,
    };

    pub fn is_suppressed(self) -> bool {
        self.value.is_nan()
    }

    pub fn lo(self) -> f64 {
        self.value - self.half_width
    }
    pub fn hi(self) -> f64 {
        self.value + self.half_width
    }

    /// Sum of independently noised estimates.
    pub fn sum(items: impl IntoIterator<Item = Estimate>) -> Option<Estimate> {
        let mut any = false;
        let (mut v, mut h2) = (0.0, 0.0);
        for e in items {
            any = true;
            v += e.value;
            h2 += e.half_width * e.half_width;
        }
        any.then(|| Estimate {
            value: v,
            half_width: h2.sqrt(),
        })
    }

    /// The difference later − earlier of two independent estimates.
    pub fn change(earlier: Estimate, later: Estimate) -> Estimate {
        Estimate {
            value: later.value - earlier.value,
            half_width: earlier.half_width.hypot(later.half_width),
        }
    }

    /// Whether the interval excludes zero: a change the noise cannot explain.
    pub fn excludes_zero(self) -> bool {
        self.lo() > 0.0 || self.hi() < 0.0
    }

    /// Whether a ratio with this denominator is shown: the value is at least
    /// three times its half-width. Below that the delta method's linear
    /// approximation breaks down (the ratio's distribution is skewed and its
    /// interval misleads), and near zero the ratio is not estimable at all.
    pub fn is_safe_denominator(self) -> bool {
        self.value > 0.0 && self.value >= 3.0 * self.half_width
    }

    /// part / (part + rest), for independent `part` and `rest` (delta method).
    /// None unless the denominator [`is_safe_denominator`](Self::is_safe_denominator).
    /// A share of a withheld figure is withheld (it reads "suppressed", never "no data").
    pub fn share(part: Estimate, rest: Estimate) -> Option<Estimate> {
        if part.is_suppressed() || rest.is_suppressed() {
            return Some(Estimate::SUPPRESSED);
        }
        let total = Estimate::sum([part, rest])?;
        if !total.is_safe_denominator() {
            return None;
        }
        let t2 = total.value * total.value;
        let h = ((rest.value * part.half_width).powi(2) + (part.value * rest.half_width).powi(2))
            .sqrt()
            / t2;
        Some(Estimate {
            value: (part.value / total.value).clamp(0.0, 1.0),
            half_width: h,
        })
    }

    /// a / b for independent estimates (delta method); None unless b [`is_safe_denominator`](Self::is_safe_denominator).
    /// A ratio of a withheld figure is withheld.
    pub fn ratio(a: Estimate, b: Estimate) -> Option<Estimate> {
        if a.is_suppressed() || b.is_suppressed() {
            return Some(Estimate::SUPPRESSED);
        }
        if !b.is_safe_denominator() {
            return None;
        }
        let r = a.value / b.value;
        let rel = (a.half_width / b.value).hypot(r * b.half_width / b.value);
        Some(Estimate {
            value: r,
            half_width: rel,
        })
    }

    pub fn scale(self, k: f64) -> Estimate {
        Estimate {
            value: self.value * k,
            half_width: self.half_width * k.abs(),
        }
    }
}

/// Two-sided p-value of "the true change is zero" for a change whose
/// half-width is given at `level`, under the normal approximation of the
/// noise (the discrete Gaussian's; conservative for sums of several cells).
pub fn two_sided_p(change: Estimate, level: f64) -> f64 {
    use statrs::function::erf::{erf_inv, erfc};
    let z_level = std::f64::consts::SQRT_2 * erf_inv(level);
    if change.half_width <= 0.0 {
        return if change.value == 0.0 { 1.0 } else { 0.0 };
    }
    let sd = change.half_width / z_level;
    erfc((change.value / sd).abs() / std::f64::consts::SQRT_2)
}

/// The Benjamini–Hochberg step-up procedure (Benjamini & Hochberg 1995,
/// "Controlling the false discovery rate", JRSS B 57(1)): with the m p-values
/// sorted, reject the k smallest, where k is the largest rank with
/// p_(k) <= k q / m. Returns, per p-value in the given order, whether it is rejected.
pub fn benjamini_hochberg(p: &[f64], q: f64) -> Vec<bool> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let k = (1..=m)
        .rev()
        .find(|&k| p[order[k - 1]] <= k as f64 * q / m as f64)
        .unwrap_or(0);
    let mut rejected = vec![false; m];
    for &i in &order[..k] {
        rejected[i] = true;
    }
    rejected
}

/// One released cell.
#[derive(Debug, Clone)]
pub struct Cell {
    pub part: String,
    pub dims: BTreeMap<String, String>,
    pub estimate: Estimate,
}

/// One release file, read whole.
#[derive(Debug, Clone)]
pub struct LoadedRelease {
    pub table: String,
    pub period: String,
    pub file: PathBuf,
    pub provenance: serde_json::Value,
    pub cells: Vec<Cell>,
    pub level: f64,
    /// One measurement over several quarters (its period is the pool's label, e.g. "2025").
    pub pooled: bool,
}

/// Every release under a directory; when a table and period were released
/// more than once, the newest.
#[derive(Debug, Clone, Default)]
pub struct ReleaseSet {
    pub releases: Vec<LoadedRelease>,
    /// The budget ledger's public statement found beside the releases
    /// (`ledger.json`): every debit, not only these releases'.
    pub statement: Option<crate::privacy::ledger::Statement>,
}

/// The ledger statement in `dir`, if there is a readable one.
fn statement_in(dir: &Path) -> Option<crate::privacy::ledger::Statement> {
    let text = std::fs::read_to_string(dir.join(crate::release::claim::STATEMENT_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

fn parquet_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DataError> {
    let io = |source| DataError::Io {
        path: dir.into(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            parquet_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "parquet") {
            out.push(path);
        }
    }
    Ok(())
}

fn read_one(path: &Path) -> Result<Option<LoadedRelease>, DataError> {
    let not = |reason: String| DataError::NotRelease {
        path: path.into(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|source| DataError::Io {
        path: path.into(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    let provenance = provenance_text(&mut reader).map_err(|e| not(e.to_string()))?;
    let Some(provenance) = provenance else {
        return Ok(None);
    };
    let provenance: serde_json::Value =
        serde_json::from_str(&provenance).map_err(|e| not(e.to_string()))?;
    let df = reader.finish().map_err(|e| not(e.to_string()))?;
    LoadedRelease::from_frame(path, provenance, &df).map(Some)
}

impl LoadedRelease {
    /// A release from its cells and provenance (as read from its file, or just written).
    pub fn from_frame(
        path: &Path,
        provenance: serde_json::Value,
        df: &DataFrame,
    ) -> Result<LoadedRelease, DataError> {
        let not = |reason: String| DataError::NotRelease {
            path: path.into(),
            reason,
        };
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (Some(start), Some(end)) = (
            names.iter().position(|n| n == "part"),
            names.iter().position(|n| n == "statistic"),
        ) else {
            return Err(not("no part/statistic columns".into()));
        };
        let dims = &names[start + 1..end];
        let text = |name: &str| -> Result<Vec<Option<String>>, DataError> {
            let c = df
                .column(name)
                .and_then(|c| c.cast(&DataType::String))
                .map_err(|e| not(e.to_string()))?;
            let ca = c.str().map_err(|e| not(e.to_string()))?;
            Ok(ca.into_iter().map(|v| v.map(str::to_string)).collect())
        };
        let number = |name: &str| -> Result<Vec<Option<f64>>, DataError> {
            let c = df
                .column(name)
                .and_then(|c| c.cast(&DataType::Float64))
                .map_err(|e| not(e.to_string()))?;
            Ok(c.f64()
                .map_err(|e| not(e.to_string()))?
                .into_iter()
                .collect())
        };
        let parts = text("part")?;
        // Consistent estimates (provinces that add up to a measured national
        // margin) where the release has them; the raw noisy cells otherwise.
        let consistent = names.iter().any(|n| n == "consistent_value")
            && names.iter().any(|n| n == "consistent_half_width");
        let (values, widths) = if consistent {
            (
                number("consistent_value")?,
                number("consistent_half_width")?,
            )
        } else {
            (number("value")?, number("ci_half_width")?)
        };
        let level = number("ci_level")?
            .first()
            .copied()
            .flatten()
            .unwrap_or(0.95);
        let dim_values: Vec<Vec<Option<String>>> =
            dims.iter().map(|d| text(d)).collect::<Result<_, _>>()?;
        // Cells withheld by disclosure control (agencies' returns) carry a status.
        let disclosure = crate::release::establishment::DISCLOSURE_STATUS;
        let statuses = if names.iter().any(|n| n == disclosure) {
            text(disclosure)?
        } else {
            vec![None; df.height()]
        };
        let mut cells = Vec::with_capacity(df.height());
        for i in 0..df.height() {
            let withheld = statuses[i]
                .as_deref()
                .is_some_and(|s| s != "published" && s != "empty");
            let estimate = match (values[i], widths[i]) {
                _ if withheld => Estimate::SUPPRESSED,
                (Some(value), Some(half_width)) => Estimate { value, half_width },
                _ => continue,
            };
            cells.push(Cell {
                part: parts[i].clone().unwrap_or_default(),
                dims: dims
                    .iter()
                    .zip(&dim_values)
                    .map(|(d, v)| (d.clone(), v[i].clone().unwrap_or_default()))
                    .collect(),
                estimate,
            });
        }
        let field = |k: &str| provenance[k].as_str().unwrap_or_default().to_string();
        Ok(LoadedRelease {
            table: field("table"),
            period: field("period"),
            file: path.into(),
            pooled: provenance["pooled_quarters"].is_array(),
            provenance,
            cells,
            level,
        })
    }
}

impl ReleaseSet {
    /// Read every release file under `dir` (recursively). Reads released tables only.
    pub fn load(dir: &Path) -> Result<ReleaseSet, DataError> {
        let mut files = Vec::new();
        parquet_files(dir, &mut files)?;
        let mut newest: BTreeMap<(String, String), LoadedRelease> = BTreeMap::new();
        for f in files {
            if let Some(r) = read_one(&f)? {
                let key = (r.table.clone(), r.period.clone());
                // Newest by day, then by the ledger's order of events
                // (release files carry no time finer than a day).
                let created = |r: &LoadedRelease| {
                    (
                        r.provenance["created_at"]
                            .as_str()
                            .unwrap_or_default()
                            .get(..10)
                            .unwrap_or_default()
                            .to_string(),
                        r.provenance["ledger_seq"].as_i64().unwrap_or(0),
                    )
                };
                match newest.get(&key) {
                    Some(old) if created(old) >= created(&r) => {}
                    _ => {
                        newest.insert(key, r);
                    }
                }
            }
        }
        if newest.is_empty() {
            return Err(DataError::Empty(dir.into()));
        }
        Ok(ReleaseSet {
            releases: newest.into_values().collect(),
            statement: statement_in(dir),
        })
    }

    /// Exactly these releases, as a run returned them (for a pipeline's own report).
    pub fn from_released(released: &[crate::release::Released]) -> Result<ReleaseSet, DataError> {
        let releases = released
            .iter()
            .map(|r| LoadedRelease::from_frame(&r.path, r.provenance.clone(), &r.cells))
            .collect::<Result<Vec<_>, _>>()?;
        // Release files live at releases/<period>/<id>.parquet; the statement at releases/.
        let statement = released
            .first()
            .and_then(|r| r.path.parent()?.parent())
            .and_then(statement_in);
        Ok(ReleaseSet {
            releases,
            statement,
        })
    }

    /// Quarters with at least one release, in order (pooled releases aside).
    pub fn periods(&self) -> Vec<String> {
        let mut p: Vec<String> = self
            .releases
            .iter()
            .filter(|r| !r.pooled)
            .map(|r| r.period.clone())
            .collect();
        p.sort();
        p.dedup();
        p
    }

    /// The labels of a table's pooled releases (e.g. "2024", "2025"), in order.
    pub fn pools(&self, table: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .releases
            .iter()
            .filter(|r| r.pooled && r.table == table)
            .map(|r| r.period.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The label of the latest pooled release of a table (e.g. "2025"), if any.
    pub fn latest_pool(&self, table: &str) -> Option<String> {
        self.pools(table).pop()
    }

    pub fn get(&self, table: &str, period: &str) -> Option<&LoadedRelease> {
        self.releases
            .iter()
            .find(|r| r.table == table && r.period == period)
    }

    pub fn has_table(&self, table: &str) -> bool {
        self.releases.iter().any(|r| r.table == table)
    }

    /// Sum of the cells of `table` in `period` whose part is `part` (None: any) and
    /// whose dimensions take one of the given values. None when the table was not released.
    pub fn total(
        &self,
        table: &str,
        period: &str,
        part: Option<&str>,
        filters: &[(&str, &[&str])],
    ) -> Option<Estimate> {
        let release = self.get(table, period)?;
        // National rows are margins of the provincial ones: summed only when asked for.
        let national = crate::release::coverage::NATIONAL;
        let asks_national = filters
            .iter()
            .any(|(d, allowed)| *d == "province" && allowed.contains(&national));
        // So are the margins of a returns table: its "total" part and "all" keys.
        let (total, all) = (
            crate::release::establishment::TOTAL,
            crate::release::establishment::ALL,
        );
        let matching = release.cells.iter().filter(|c| {
            (asks_national || c.dims.get("province").is_none_or(|p| p != national))
                && part.map_or(c.part != total, |p| c.part == p)
                && c.dims.iter().all(|(d, v)| {
                    v != all
                        || filters
                            .iter()
                            .any(|(f, allowed)| f == d && allowed.contains(&all))
                })
                && filters.iter().all(|(dim, allowed)| {
                    c.dims
                        .get(*dim)
                        .is_some_and(|v| allowed.contains(&v.as_str()))
                })
        });
        Some(
            Estimate::sum(matching.map(|c| c.estimate)).unwrap_or(Estimate {
                value: 0.0,
                half_width: 0.0,
            }),
        )
    }

    /// Whether a table's releases carry national rows (a measured margin, or an aggregate).
    pub fn has_national(&self, table: &str, period: &str) -> bool {
        self.get(table, period).is_some_and(|r| {
            r.cells.iter().any(|c| {
                c.dims.get("province").map(String::as_str)
                    == Some(crate::release::coverage::NATIONAL)
            })
        })
    }

    /// The declared coverage the releases were made under (their provinces), if any.
    pub fn coverage(&self) -> Option<Vec<String>> {
        self.releases.iter().find_map(|r| {
            let c = r.provenance["request"]["layout"]["coverage"].as_array()?;
            Some(
                c.iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect(),
            )
        })
    }

    /// The distinct parts of a table, in release order.
    pub fn parts(&self, table: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.releases.iter().filter(|r| r.table == table) {
            for c in &r.cells {
                if !out.contains(&c.part) {
                    out.push(c.part.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(value: f64, half_width: f64) -> Estimate {
        Estimate { value, half_width }
    }

    #[test]
    fn sums_add_values_and_combine_widths_in_quadrature() {
        let s = Estimate::sum([e(10.0, 3.0), e(5.0, 4.0)]).unwrap();
        assert_eq!(s.value, 15.0);
        assert!((s.half_width - 5.0).abs() < 1e-12);
        assert!(Estimate::sum([]).is_none());
    }

    #[test]
    fn a_change_is_reported_only_when_the_interval_excludes_zero() {
        assert!(Estimate::change(e(100.0, 5.0), e(120.0, 5.0)).excludes_zero());
        assert!(!Estimate::change(e(100.0, 10.0), e(110.0, 10.0)).excludes_zero());
    }

    #[test]
    fn benjamini_hochberg_rejects_the_known_set() {
        // m = 8, q = 0.05: thresholds k * 0.00625. Only the two smallest pass,
        // though five are below 0.05 on their own.
        let p = [0.041, 0.001, 0.205, 0.039, 0.008, 0.042, 0.061, 0.074];
        assert_eq!(
            benjamini_hochberg(&p, 0.05),
            [false, true, false, false, true, false, false, false]
        );
        // Step-up: a p-value above its own threshold is rejected when a larger rank passes.
        let p = [0.01, 0.04, 0.03, 0.005];
        assert_eq!(benjamini_hochberg(&p, 0.05), [true; 4]);
        assert!(benjamini_hochberg(&[], 0.05).is_empty());
    }

    #[test]
    fn p_values_match_the_interval_level() {
        // A change whose 95% interval just reaches zero has p = 0.05.
        let p = two_sided_p(e(10.0, 10.0), 0.95);
        assert!((p - 0.05).abs() < 1e-6, "{p}");
        assert!(two_sided_p(e(30.0, 10.0), 0.95) < 1e-6);
        assert!((two_sided_p(e(0.0, 10.0), 0.95) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn shares_and_ratios_refuse_denominators_that_may_be_zero() {
        assert!(Estimate::share(e(1.0, 5.0), e(1.0, 5.0)).is_none());
        let s = Estimate::share(e(25.0, 2.0), e(75.0, 2.0)).unwrap();
        assert!((s.value - 0.25).abs() < 1e-12);
        assert!(s.half_width > 0.0 && s.half_width < 0.05);
        assert!(Estimate::ratio(e(10.0, 1.0), e(3.0, 4.0)).is_none());
        // A denominator must be at least three times its half-width.
        assert!(Estimate::ratio(e(10.0, 1.0), e(20.0, 7.0)).is_none());
        assert!(Estimate::ratio(e(10.0, 1.0), e(21.0, 7.0)).is_some());
        let r = Estimate::ratio(e(100.0, 10.0), e(50.0, 0.0)).unwrap();
        assert_eq!(r.value, 2.0);
        assert!((r.half_width - 0.2).abs() < 1e-12);
        // A withheld figure's share or ratio is withheld, not absent.
        let withheld = Estimate::SUPPRESSED;
        assert!(Estimate::share(withheld, e(75.0, 2.0)).is_some_and(Estimate::is_suppressed));
        assert!(Estimate::share(e(25.0, 2.0), withheld).is_some_and(Estimate::is_suppressed));
        assert!(Estimate::ratio(withheld, e(50.0, 1.0)).is_some_and(Estimate::is_suppressed));
    }
}

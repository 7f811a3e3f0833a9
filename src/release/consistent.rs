//! Consistent estimates: provinces that add up to the national figure.
//!
//! A person-level table with a national margin measures every cell twice
//! over: each province `p_i` (noise variance `v_i`) and the nation `n`
//! (variance `v_n`), independently. Their weighted least-squares combination
//! (inverse-variance weights, under the constraint that the provinces sum to
//! the nation) is
//!
//! ```text
//! x_i = p_i + c_i (n - S),   c_i = v_i / (V + v_n),   S = sum p_i,   V = sum v_i
//! T   = sum x_i = S + (V / (V + v_n)) (n - S)
//! Var(x_i) = v_i (1 - c_i),  Var(T) = V v_n / (V + v_n)
//! ```
//!
//! the best linear unbiased estimator given the noise variances, which are
//! public (they follow from the stored noise scales). This is the hierarchical
//! consistency step of the U.S. Census Bureau's TopDown algorithm (Abowd et
//! al. 2022, "The 2020 Census Disclosure Avoidance System TopDown
//! Algorithm", HDSR, §5) reduced to one level, without its non-negativity
//! constraint: non-negative values are a display step, kept apart so the
//! estimates stay unbiased. It reads only released values, so it is
//! post-processing and costs no privacy (Dwork & Roth 2014, Prop. 2.1).
//!
//! The raw noisy cells stay in `value`; the consistent estimates are the
//! `consistent_value` column, with `consistent_sd` and a normal-approximation
//! `consistent_half_width` at the release's level. A cell without a margin
//! keeps its own value and exact interval.

use super::ReleaseError;
use super::coverage::NATIONAL;
use polars::prelude::*;
use std::collections::BTreeMap;

/// Variance of one noisy cell from its mechanism and scale: the discrete
/// Laplace's exactly, 2 e^{-1/b} / (1 - e^{-1/b})^2; the discrete Gaussian's
/// bounded by sigma^2 (Canonne, Kamath & Steinke 2020, Prop. 19), which is
/// what is used (slightly conservative).
pub fn noise_variance(mechanism: &str, scale: f64) -> f64 {
    match mechanism {
        "discrete_laplace" => {
            let q = (-1.0 / scale).exp();
            2.0 * q / (1.0 - q).powi(2)
        }
        _ => scale * scale,
    }
}

/// The z-value of a two-sided interval at `level`.
pub fn z_of(level: f64) -> f64 {
    std::f64::consts::SQRT_2 * statrs::function::erf::erf_inv(level)
}

/// A release's cells grouped by part and every dimension but the province,
/// each group's national row apart from its provinces.
struct Margins {
    /// (national row, province rows) of each group with exactly one national row.
    groups: Vec<(usize, Vec<usize>)>,
}

/// The cells' margins, or None for a table without parts and statistics.
fn margins(cells: &DataFrame) -> Result<Option<Margins>, ReleaseError> {
    let n = cells.height();
    let names: Vec<String> = cells
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (Some(start), Some(end)) = (
        names.iter().position(|c| c == "part"),
        names.iter().position(|c| c == "statistic"),
    ) else {
        return Ok(None);
    };
    let text = |name: &str| text_of(cells, name);
    let parts = text("part")?;
    let province = if names.iter().any(|c| c == "province") {
        text("province")?
    } else {
        vec![None; n]
    };
    let others: Vec<Vec<Option<String>>> = names[start + 1..end]
        .iter()
        .filter(|d| d.as_str() != "province")
        .map(|d| text(d))
        .collect::<Result<_, _>>()?;
    let mut groups: BTreeMap<Vec<Option<String>>, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let mut key = vec![parts[i].clone()];
        key.extend(others.iter().map(|o| o[i].clone()));
        groups.entry(key).or_default().push(i);
    }
    let is_national = |i: &usize| province[*i].as_deref() == Some(NATIONAL);
    let groups = groups
        .into_values()
        .filter_map(|members| {
            let national: Vec<usize> = members.iter().copied().filter(is_national).collect();
            let [nat] = national[..] else { return None };
            let provinces = members.into_iter().filter(|i| !is_national(i)).collect();
            Some((nat, provinces))
        })
        .collect();
    Ok(Some(Margins { groups }))
}

fn text_of(cells: &DataFrame, name: &str) -> Result<Vec<Option<String>>, ReleaseError> {
    let c = cells.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?
        .into_iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// Add `consistent_value`, `consistent_sd` and `consistent_half_width` to a
/// release's cells (see the module docs).
pub fn with_consistent(mut cells: DataFrame, level: f64) -> Result<DataFrame, ReleaseError> {
    let n = cells.height();
    let Some(margins) = margins(&cells)? else {
        return Ok(cells);
    };
    let text = |name: &str| text_of(&cells, name);
    let number = |name: &str| -> Result<Vec<Option<f64>>, ReleaseError> {
        let c = cells.column(name)?.cast(&DataType::Float64)?;
        Ok(c.f64()?.into_iter().collect())
    };
    let values = number("value")?;
    let scales = number("noise_scale")?;
    let widths = number("ci_half_width")?;
    let mechanisms = text("mechanism")?;
    let variance: Vec<Option<f64>> = (0..n)
        .map(|i| Some(noise_variance(mechanisms[i].as_deref()?, scales[i]?)))
        .collect();

    let z = z_of(level);
    let mut out_value: Vec<Option<f64>> = values.clone();
    let mut out_sd: Vec<Option<f64>> = variance.iter().map(|v| v.map(f64::sqrt)).collect();
    let mut out_width: Vec<Option<f64>> = widths.clone();
    for (nat, provinces) in &margins.groups {
        let nat = *nat;
        let (Some(nv), Some(vn)) = (values[nat], variance[nat]) else {
            continue;
        };
        let Some(p): Option<Vec<(f64, f64)>> = provinces
            .iter()
            .map(|&i| Some((values[i]?, variance[i]?)))
            .collect()
        else {
            continue;
        };
        if p.is_empty() {
            continue;
        }
        let s: f64 = p.iter().map(|(v, _)| v).sum();
        let big_v: f64 = p.iter().map(|(_, v)| v).sum();
        for (&i, (pi, vi)) in provinces.iter().zip(&p) {
            let c = vi / (big_v + vn);
            let sd = (vi * (1.0 - c)).sqrt();
            out_value[i] = Some(pi + c * (nv - s));
            out_sd[i] = Some(sd);
            out_width[i] = Some(z * sd);
        }
        let sd = (big_v * vn / (big_v + vn)).sqrt();
        out_value[nat] = Some(s + big_v / (big_v + vn) * (nv - s));
        out_sd[nat] = Some(sd);
        out_width[nat] = Some(z * sd);
    }
    cells.with_column(Column::new("consistent_value".into(), out_value))?;
    cells.with_column(Column::new("consistent_sd".into(), out_sd))?;
    cells.with_column(Column::new("consistent_half_width".into(), out_width))?;
    Ok(cells)
}

/// Whole, non-negative figures that still add up: in each group with a
/// national margin, the national `consistent_value` rounded (0 if below),
/// and the provinces' consistent values projected onto the non-negative
/// vectors with that sum (Euclidean projection onto the scaled simplex:
/// Held, Wolfe & Crowder 1974; Duchi et al. 2008, "Efficient Projections
/// onto the l1-Ball", Fig. 1), then rounded by largest remainder so the
/// whole numbers keep the sum. None for a cell outside such a group.
/// Post-processing of released values: no privacy cost (Dwork & Roth 2014,
/// Prop. 2.1).
pub fn non_negative_margins(cells: &DataFrame) -> Result<Vec<Option<i64>>, ReleaseError> {
    let mut out = vec![None; cells.height()];
    let Some(margins) = margins(cells)? else {
        return Ok(out);
    };
    if cells.column("consistent_value").is_err() {
        return Ok(out);
    }
    let c = cells.column("consistent_value")?.cast(&DataType::Float64)?;
    let values: Vec<Option<f64>> = c.f64()?.into_iter().collect();
    for (nat, provinces) in &margins.groups {
        let Some(total) = values[*nat] else { continue };
        let Some(own): Option<Vec<f64>> = provinces.iter().map(|&i| values[i]).collect() else {
            continue;
        };
        let total = total.round().max(0.0);
        let whole = largest_remainder(&simplex_projection(&own, total), total as i64);
        out[*nat] = Some(total as i64);
        for (&i, w) in provinces.iter().zip(whole) {
            out[i] = Some(w);
        }
    }
    Ok(out)
}

/// The nearest point to `v` (Euclidean) with non-negative entries summing to `total`.
fn simplex_projection(v: &[f64], total: f64) -> Vec<f64> {
    if total <= 0.0 {
        return vec![0.0; v.len()];
    }
    let mut sorted = v.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let (mut sum, mut theta) = (0.0, 0.0);
    for (k, u) in sorted.iter().enumerate() {
        sum += u;
        let t = (sum - total) / (k + 1) as f64;
        if u - t > 0.0 {
            theta = t;
        }
    }
    v.iter().map(|x| (x - theta).max(0.0)).collect()
}

/// Whole numbers near `x` (which sums to `total`) that sum to `total`: each
/// rounded down, and the units left over given to the largest remainders.
fn largest_remainder(x: &[f64], total: i64) -> Vec<i64> {
    let mut whole: Vec<i64> = x.iter().map(|v| v.floor() as i64).collect();
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| (x[b] - x[b].floor()).total_cmp(&(x[a] - x[a].floor())));
    let short = total - whole.iter().sum::<i64>();
    for &i in order.iter().cycle().take(short.max(0) as usize) {
        whole[i] += 1;
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[(&str, i64)], scales: &[f64]) -> DataFrame {
        let n = values.len();
        df!(
            "table" => vec!["t"; n],
            "period" => vec!["2025Q1"; n],
            "part" => vec![""; n],
            "province" => values.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            "statistic" => vec!["count"; n],
            "value" => values.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            "mechanism" => vec!["discrete_gaussian"; n],
            "noise_scale" => scales.to_vec(),
            "ci_half_width" => vec![1.0; n],
            "ci_level" => vec![0.95; n],
        )
        .unwrap()
    }

    fn floats(df: &DataFrame, name: &str) -> Vec<f64> {
        df.column(name)
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    /// The clamped figures add up: a province estimated below zero is 0,
    /// and the others give up the difference (none goes below 0).
    #[test]
    fn non_negative_margins_keep_the_national_sum() {
        let raw = cells(
            &[
                ("CA-ON", 221),
                ("CA-BC", 185),
                ("elsewhere", -25),
                ("CA", 370),
            ],
            &[20.0, 20.0, 20.0, 16.0],
        );
        let out = with_consistent(raw, 0.95).unwrap();
        let whole = non_negative_margins(&out).unwrap();
        let whole: Vec<i64> = whole.into_iter().map(Option::unwrap).collect();
        assert!(whole.iter().all(|v| *v >= 0), "{whole:?}");
        assert_eq!(whole[2], 0, "{whole:?}");
        assert_eq!(whole[0] + whole[1] + whole[2], whole[3], "{whole:?}");
        assert_eq!(
            simplex_projection(&[3.0, 1.0, -1.0], 3.0),
            vec![2.5, 0.5, 0.0]
        );
        assert_eq!(simplex_projection(&[24.0, 7.0, -8.0], 0.0), vec![0.0; 3]);
        assert_eq!(largest_remainder(&[1.4, 1.6, 0.0], 3), vec![1, 2, 0]);
    }

    #[test]
    fn provinces_sum_to_the_national_estimate() {
        let df = cells(
            &[("CA-ON", 40), ("CA-BC", 25), ("elsewhere", -3), ("CA", 70)],
            &[4.0, 4.0, 4.0, 2.0],
        );
        let out = with_consistent(df, 0.95).unwrap();
        let v = floats(&out, "consistent_value");
        assert!((v[0] + v[1] + v[2] - v[3]).abs() < 1e-9, "{v:?}");
        // S = 62, V = 48, v_n = 4: T = 62 + 48/52 * 8.
        assert!((v[3] - (62.0 + 48.0 / 52.0 * 8.0)).abs() < 1e-9);
        let sd = floats(&out, "consistent_sd");
        // The national estimate is more precise than either measurement.
        assert!(sd[3] < 2.0 && sd[3] > 0.0);
        assert!(sd[0] < 4.0);
    }

    #[test]
    fn a_table_without_a_margin_keeps_its_values() {
        let df = cells(&[("CA-ON", 40), ("CA-BC", 25)], &[4.0, 4.0]);
        let out = with_consistent(df, 0.95).unwrap();
        let v = floats(&out, "consistent_value");
        assert_eq!(v, [40.0, 25.0]);
    }
}

//! Disclosure control of agencies' returns (issue 31), attacked as an
//! outside analyst or a member agency would: a linear programme over every
//! published cell, margin and version, non-negativity and the attacker's own
//! return, solved with `minilp` — a solver and a formulation written apart
//! from the protection code (which uses `microlp` over blocks of
//! submissions). The primary rules and the protection levels are written
//! again here from Hundepool et al. (2012), § 4.2, not taken from the library.

use crate::support::{repo, safecount, submit_command, write};
use minilp::{ComparisonOp, OptimizationDirection, Problem};
use safecount::release::establishment::{Cell, Contributions, Grid, Quarter, Rules, Status};
use std::collections::{BTreeMap, BTreeSet};

const P: f64 = 10.0;
const MIN_AGENCIES: usize = 3;

/// Primary sensitivity under the threshold and p% rules (a zero cell is
/// sensitive when too few agencies report it, but needs no interval).
fn sensitive(contributions: &BTreeMap<u32, i64>) -> bool {
    if contributions.is_empty() {
        return false;
    }
    let mut positive: Vec<i64> = contributions.values().copied().filter(|v| *v > 0).collect();
    if positive.is_empty() {
        return contributions.len() < MIN_AGENCIES;
    }
    if positive.len() < MIN_AGENCIES {
        return true;
    }
    positive.sort_unstable_by(|a, b| b.cmp(a));
    let total: i64 = positive.iter().sum();
    ((total - positive[0] - positive[1]) as f64) < P / 100.0 * positive[0] as f64
}

/// How uncertain `intruder` (None: an outsider) must stay about the largest
/// other contribution: p% of it, less what the others leave unknown to it.
fn needed(contributions: &BTreeMap<u32, i64>, intruder: Option<u32>) -> f64 {
    let others: Vec<i64> = contributions
        .iter()
        .filter(|(a, _)| Some(**a) != intruder)
        .map(|(_, v)| v.abs())
        .collect();
    let Some(&largest) = others.iter().max() else {
        return 0.0;
    };
    let unknown_rest: i64 = others.iter().sum::<i64>() - largest;
    (P / 100.0 * largest as f64 - unknown_rest as f64).max(0.0)
}

/// What an intruder knows: unknowns with lower bounds, and equalities.
struct Knowledge {
    unknowns: usize,
    equalities: Vec<(Vec<(usize, f64)>, f64)>,
}

impl Knowledge {
    /// (min, max) of a linear expression of the unknowns.
    ///
    /// Every unknown is capped far above any published figure (a thousand
    /// times the largest), so that the programme is bounded; a bound at the
    /// cap stands for "unbounded".
    fn bounds(&self, lower: &[f64], expression: &[(usize, f64)]) -> (f64, f64) {
        let largest = self
            .equalities
            .iter()
            .map(|(_, rhs)| rhs.abs())
            .chain(lower.iter().copied())
            .fold(1.0, f64::max);
        let cap = 1000.0 * largest;
        let solve = |direction| {
            let mut p = Problem::new(direction);
            let mut objective = vec![0.0; self.unknowns];
            for (v, k) in expression {
                objective[*v] += k;
            }
            let vars: Vec<_> = (0..self.unknowns)
                .map(|v| p.add_var(objective[v], (lower[v], cap)))
                .collect();
            for (terms, rhs) in &self.equalities {
                let e: Vec<_> = terms.iter().map(|(v, k)| (vars[*v], *k)).collect();
                p.add_constraint(&e[..], ComparisonOp::Eq, *rhs);
            }
            match p.solve() {
                Ok(s) if s.objective().is_finite() => s.objective(),
                Ok(_) => panic!("the attacker's LP gave no finite optimum"),
                Err(e) => panic!("the attacker's LP failed: {e}"),
            }
        };
        let at_cap = 0.5 * cap;
        let lo = solve(OptimizationDirection::Minimize);
        let hi = solve(OptimizationDirection::Maximize);
        (
            if lo <= -at_cap { f64::NEG_INFINITY } else { lo },
            if hi >= at_cap { f64::INFINITY } else { hi },
        )
    }
}

/// Whether the interval reaches the level on both sides of the value.
fn protected(value: f64, (lo, hi): (f64, f64), level: f64) -> bool {
    let slack = 1e-6 * (1.0 + value.abs());
    hi >= value + level - slack && lo <= value - level + slack
}

/// A deterministic generator (SplitMix64): the tables are the same every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A table of interior cells, each agency → its contribution.
type Table = Vec<Vec<BTreeMap<u32, i64>>>;

/// A random returns table: parts × provinces; each agency reports in one
/// province (some in two), into every part there; 2–15 agencies per
/// province with some empty, some alone, some dominant.
fn random_table(dice: &mut Dice) -> Table {
    let rows = 1 + dice.below(4) as usize;
    let cols = 2 + dice.below(5) as usize;
    let mut table: Table = vec![vec![BTreeMap::new(); cols]; rows];
    let mut agency = 0u32;
    for c in 0..cols {
        let n = match dice.below(10) {
            0 => 0,
            1 => 1,
            2 => 2,
            _ => 2 + dice.below(14) as u32,
        };
        for _ in 0..n {
            let dominant = dice.chance(15);
            let also = dice.chance(10).then(|| dice.below(cols as u64) as usize);
            for row in table.iter_mut() {
                for col in std::iter::once(c).chain(also) {
                    let v = if dice.chance(15) {
                        0
                    } else {
                        let base = 1 + dice.below(200) as i64;
                        if dominant { base * 40 } else { base }
                    };
                    *row[col].entry(agency).or_default() += v;
                }
            }
            agency += 1;
        }
    }
    table
}

fn grid(table: &Table) -> Grid {
    Grid {
        rows: (0..table.len()).map(|r| format!("r{r}")).collect(),
        cols: (0..table[0].len()).map(|c| format!("c{c}")).collect(),
        cells: table
            .iter()
            .map(|row| {
                row.iter()
                    .map(|m| {
                        Contributions::of(&m.iter().map(|(a, v)| (*a, *v)).collect::<Vec<_>>())
                    })
                    .collect()
            })
            .collect(),
    }
}

/// Interior cells of a position of a table of `rows` × `cols` (None: margin).
fn interior(
    rows: usize,
    cols: usize,
    (r, c): (Option<usize>, Option<usize>),
) -> Vec<(usize, usize)> {
    let rs: Vec<usize> = r.map_or((0..rows).collect(), |r| vec![r]);
    let cs: Vec<usize> = c.map_or((0..cols).collect(), |c| vec![c]);
    rs.iter()
        .flat_map(|r| cs.iter().map(move |c| (*r, *c)))
        .collect()
}

fn positions(rows: usize, cols: usize) -> Vec<(Option<usize>, Option<usize>)> {
    let rs: Vec<Option<usize>> = (0..rows)
        .map(Some)
        .chain((rows > 1).then_some(None))
        .collect();
    let cs: Vec<Option<usize>> = (0..cols).map(Some).chain(std::iter::once(None)).collect();
    rs.iter()
        .flat_map(|r| cs.iter().map(move |c| (*r, *c)))
        .collect()
}

fn merged(table: &Table, cells: &[(usize, usize)]) -> BTreeMap<u32, i64> {
    let mut out = BTreeMap::new();
    for (r, c) in cells {
        for (a, v) in &table[*r][*c] {
            *out.entry(*a).or_default() += v;
        }
    }
    out
}

/// Attack one protected table as every intruder; the shortfalls found.
fn attack_table(
    table: &Table,
    published: &dyn Fn((Option<usize>, Option<usize>)) -> bool,
) -> Vec<String> {
    let (rows, cols) = (table.len(), table[0].len());
    let var = |(r, c): (usize, usize)| r * cols + c;
    let mut knowledge = Knowledge {
        unknowns: rows * cols,
        equalities: Vec::new(),
    };
    for p in positions(rows, cols) {
        if published(p) {
            let cells = interior(rows, cols, p);
            let value: i64 = merged(table, &cells).values().sum();
            knowledge
                .equalities
                .push((cells.iter().map(|c| (var(*c), 1.0)).collect(), value as f64));
        }
    }
    let agencies: BTreeSet<u32> = table
        .iter()
        .flatten()
        .flat_map(|m| m.keys().copied())
        .collect();
    let mut out = Vec::new();
    for p in positions(rows, cols) {
        let cells = interior(rows, cols, p);
        let contributions = merged(table, &cells);
        if !sensitive(&contributions) {
            continue;
        }
        let value: i64 = contributions.values().sum();
        let expression: Vec<(usize, f64)> = cells.iter().map(|c| (var(*c), 1.0)).collect();
        for intruder in std::iter::once(None).chain(agencies.iter().map(|a| Some(*a))) {
            let level = needed(&contributions, intruder);
            if level <= 0.0 {
                continue;
            }
            let mut lower = vec![0.0; rows * cols];
            if let Some(a) = intruder {
                for r in 0..rows {
                    for c in 0..cols {
                        lower[var((r, c))] = *table[r][c].get(&a).unwrap_or(&0) as f64;
                    }
                }
            }
            let b = knowledge.bounds(&lower, &expression);
            if !protected(value as f64, b, level) {
                out.push(format!(
                    "cell {p:?} = {value}: intruder {intruder:?} bounds it to {:.1}..{:.1}, needs ±{level:.1}",
                    b.0, b.1
                ));
            }
        }
    }
    out
}

#[test]
fn a_thousand_random_tables_resist_every_intruders_linear_programme() {
    let rules = Rules::default();
    let mut dice = Dice(0x5AFE_C0DE);
    let (mut withheld, mut total, mut sensitive_cells, mut complementary) = (0i64, 0i64, 0, 0);
    let mut lone_province = 0;
    let started = std::time::Instant::now();
    for n in 0..1000 {
        let table = random_table(&mut dice);
        let g = grid(&table);
        lone_province += usize::from((0..g.cols.len()).any(|c| {
            merged(
                &table,
                &interior(g.rows.len(), g.cols.len(), (None, Some(c))),
            )
            .len()
                == 1
        }));
        let quarter = Quarter::single(vec![g], vec![]);
        let statuses = quarter.protect(rules);
        let published = |p| !statuses[&(0, p)].1.suppressed();
        let shortfalls = attack_table(&table, &published);
        assert!(
            shortfalls.is_empty(),
            "table {n} {table:?}: {shortfalls:#?}"
        );
        for ((_, (r, c)), (value, status)) in &statuses {
            if r.is_some() && c.is_some() {
                total += value;
                if status.suppressed() {
                    withheld += value;
                }
            }
            sensitive_cells +=
                usize::from(matches!(status, Status::FewAgencies | Status::Dominant));
            complementary += usize::from(*status == Status::Complementary);
        }
    }
    // The generator reaches the cases that matter.
    assert!(sensitive_cells > 1000 && complementary > 300 && lone_province > 100);
    let share = withheld as f64 / total as f64;
    eprintln!(
        "1000 random tables: {sensitive_cells} primary and {complementary} complementary suppressions, {:.1}% of the interior value withheld, {:.1} s",
        100.0 * share,
        started.elapsed().as_secs_f64()
    );
    // Information loss: the protection withholds what it must, not everything.
    assert!(share < 0.6, "{:.1}% withheld", 100.0 * share);
}

/// A late return and a corrected one, published as later versions of a
/// quarter: the differences between versions must not disclose.
#[test]
fn later_versions_of_a_quarter_do_not_disclose_by_difference() {
    let rules = Rules::default();
    let mut dice = Dice(0xD1FF);
    for n in 0..150 {
        let table = random_table(&mut dice);
        let (rows, cols) = (table.len(), table[0].len());
        let agencies: Vec<u32> = table
            .iter()
            .flatten()
            .flat_map(|m| m.keys().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if agencies.len() < 4 {
            continue;
        }
        // The agency that is late or corrects its return, and its figures.
        let who = agencies[dice.below(agencies.len() as u64) as usize];
        let only = |t: &Table, keep: &dyn Fn(u32) -> bool| -> Table {
            t.iter()
                .map(|row| {
                    row.iter()
                        .map(|m| {
                            m.iter()
                                .filter(|(a, _)| keep(**a))
                                .map(|(a, v)| (*a, *v))
                                .collect()
                        })
                        .collect()
                })
                .collect()
        };
        let others = only(&table, &|a| a != who);
        let mine = only(&table, &|a| a == who);
        let corrected: Table = mine
            .iter()
            .map(|row| {
                row.iter()
                    .map(|m| m.iter().map(|(a, v)| (*a, (v * 3) / 4 + 7)).collect())
                    .collect()
            })
            .collect();
        let late = n % 2 == 0;
        // Version 1: without the late return, or with the original one.
        let blocks = if late {
            vec![vec![grid(&others)], vec![grid(&mine)]]
        } else {
            vec![
                vec![grid(&others)],
                vec![grid(&mine)],
                vec![grid(&corrected)],
            ]
        };
        let first_blocks: Vec<usize> = if late { vec![0] } else { vec![0, 1] };
        let second_blocks: Vec<usize> = if late { vec![0, 1] } else { vec![0, 2] };
        let first = Quarter {
            blocks: blocks.clone(),
            identities: vec![],
            earlier: vec![],
            current: first_blocks.clone(),
        };
        let p1 = first.protect(rules);
        let published1: BTreeMap<Cell, i64> = p1
            .iter()
            .filter(|(_, (_, s))| !s.suppressed())
            .map(|(c, (v, _))| (*c, *v))
            .collect();
        let second = Quarter {
            blocks: blocks.clone(),
            identities: vec![],
            earlier: vec![safecount::release::establishment::audit::Published {
                blocks: first_blocks.clone(),
                cells: published1.clone(),
            }],
            current: second_blocks.clone(),
        };
        let p2 = second.protect(rules);

        // The attack: one unknown per submission and interior cell.
        let tables: Vec<&Table> = if late {
            vec![&others, &mine]
        } else {
            vec![&others, &mine, &corrected]
        };
        let var = |s: usize, (r, c): (usize, usize)| s * rows * cols + r * cols + c;
        let mut k = Knowledge {
            unknowns: tables.len() * rows * cols,
            equalities: Vec::new(),
        };
        for (version, subs) in [(&p1, &first_blocks), (&p2, &second_blocks)] {
            for ((_, p), (value, status)) in version.iter() {
                if !status.suppressed() {
                    let terms = subs
                        .iter()
                        .flat_map(|s| {
                            interior(rows, cols, *p)
                                .into_iter()
                                .map(move |i| (var(*s, i), 1.0))
                        })
                        .collect();
                    k.equalities.push((terms, *value as f64));
                }
            }
        }
        let lower_of = |intruder: Option<u32>| -> Vec<f64> {
            let mut lower = vec![0.0; k.unknowns];
            if let Some(a) = intruder {
                for (s, t) in tables.iter().enumerate() {
                    for r in 0..rows {
                        for c in 0..cols {
                            lower[var(s, (r, c))] = *t[r][c].get(&a).unwrap_or(&0) as f64;
                        }
                    }
                }
            }
            lower
        };
        // What differencing isolates: the late return, the original and the
        // corrected return, and the change, at every cell where it is not 0.
        let intruders: Vec<Option<u32>> = std::iter::once(None)
            .chain(agencies.iter().filter(|a| **a != who).map(|a| Some(*a)))
            .collect();
        for p in positions(rows, cols) {
            let cells = interior(rows, cols, p);
            let mut targets: Vec<(Vec<(usize, f64)>, f64, &str)> = Vec::new();
            let sum = |t: &Table| merged(t, &cells).values().sum::<i64>() as f64;
            let at = |s: usize, sign: f64| cells.iter().map(move |i| (var(s, *i), sign));
            targets.push((at(1, 1.0).collect(), sum(&mine), "the agency's own return"));
            if !late {
                targets.push((
                    at(2, 1.0).collect(),
                    sum(&corrected),
                    "the corrected return",
                ));
                targets.push((
                    at(2, 1.0).chain(at(1, -1.0)).collect(),
                    sum(&corrected) - sum(&mine),
                    "the change",
                ));
            }
            for (expression, value, what) in targets {
                if value == 0.0 {
                    continue;
                }
                let level = P / 100.0 * value.abs();
                for &intruder in &intruders {
                    let b = k.bounds(&lower_of(intruder), &expression);
                    assert!(
                        protected(value, b, level),
                        "quarter {n} ({}): {what} at {p:?} = {value}, intruder {intruder:?} bounds it to {:.1}..{:.1}",
                        if late { "late return" } else { "correction" },
                        b.0,
                        b.1
                    );
                }
            }
        }
    }
}

/// Every returns release of a store, by quarter: (submissions read, table,
/// cells (part, key) → published value), read from the files alone.
fn published_returns(
    store: &std::path::Path,
) -> BTreeMap<String, Vec<(Vec<String>, String, BTreeMap<(String, String), i64>)>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for f in crate::support::files_under(&store.join("releases")) {
        if f.extension().is_none_or(|e| e != "parquet") {
            continue;
        }
        use polars::prelude::*;
        let mut reader = ParquetReader::new(std::fs::File::open(&f).unwrap());
        let provenance: serde_json::Value = serde_json::from_str(
            &safecount::release::provenance_text(&mut reader)
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        if provenance["protection"]["method"] != "disclosure_control" {
            continue;
        }
        let df = reader.finish().unwrap();
        let table = provenance["table"].as_str().unwrap().to_string();
        let key_column = if table == "funding_term" {
            "funding_term"
        } else {
            "province"
        };
        let mut inputs: Vec<String> = provenance["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["submission_id"].as_str().unwrap().to_string())
            .collect();
        inputs.sort();
        let parts = df.column("part").unwrap().str().unwrap().clone();
        let keys = df.column(key_column).unwrap().str().unwrap().clone();
        let values = df.column("value").unwrap().i64().unwrap().clone();
        let statuses = df
            .column("disclosure_status")
            .unwrap()
            .str()
            .unwrap()
            .clone();
        let mut cells = BTreeMap::new();
        for i in 0..df.height() {
            // One status for every withheld cell: never which rule fired.
            assert!(
                matches!(statuses.get(i), Some("published" | "empty" | "suppressed")),
                "{:?}",
                statuses.get(i)
            );
            if let Some(v) = values.get(i) {
                cells.insert(
                    (
                        parts.get(i).unwrap().to_string(),
                        keys.get(i).unwrap().to_string(),
                    ),
                    v,
                );
            }
        }
        out.entry(provenance["period"].as_str().unwrap().to_string())
            .or_default()
            .push((inputs, table, cells));
    }
    out
}

const SOURCES: [&str; 6] = [
    "federal",
    "provincial",
    "municipal",
    "foundation",
    "private",
    "other",
];
/// The terms, and the missing-data codes the table keeps as keys of their own.
const TERMS: [&str; 6] = [
    "one_time",
    "annual",
    "multi_year",
    "client_doesnt_know",
    "client_refused",
    "not_collected",
];

/// One submission's figures per (table, part, key), computed from its
/// canonical records with plain polars (not through the release code).
fn submission_figures(
    store: &safecount::store::Store,
    id: &str,
    provinces: &[String],
) -> (String, BTreeMap<(String, String, String), i64>) {
    use polars::prelude::*;
    let (receipt, lf) = store.canonical_submission(id).unwrap().unwrap();
    let df = lf.collect().unwrap();
    let mut out = BTreeMap::new();
    for i in 0..df.height() {
        let text = |c: &str| {
            df.column(c)
                .unwrap()
                .cast(&DataType::String)
                .unwrap()
                .str()
                .unwrap()
                .get(i)
                .map(String::from)
        };
        let number = |c: &str| {
            df.column(c)
                .unwrap()
                .cast(&DataType::Int64)
                .unwrap()
                .i64()
                .unwrap()
                .get(i)
                .unwrap_or(0)
        };
        let province = text("province")
            .filter(|p| provinces.contains(p))
            .unwrap_or_else(|| "elsewhere".into());
        let mut all = 0;
        for s in SOURCES {
            let v = number(&format!("funding_{s}_cents")).div_euclid(10_000);
            all += v;
            *out.entry(("funding".into(), s.into(), province.clone()))
                .or_default() += v;
        }
        if let Some(term) = text("funding_term") {
            *out.entry(("funding_term".into(), String::new(), term))
                .or_default() += all;
        }
        let beds: i64 = [
            "vaw_shelter",
            "general_shelter",
            "youth_shelter",
            "trafficking_safe_house",
            "transitional_housing",
            "hotel_voucher",
            "host_home",
        ]
        .iter()
        .map(|t| number(&format!("beds_{t}")))
        .sum();
        *out.entry(("beds".into(), String::new(), province.clone()))
            .or_default() += beds;
        *out.entry(("turnaways".into(), String::new(), province.clone()))
            .or_default() += number("turnaways");
    }
    (receipt.agency, out)
}

/// The interior cells a published (table, part, key) sums.
fn interior_of(
    table: &str,
    part: &str,
    key: &str,
    provinces: &[String],
) -> Vec<(String, String, String)> {
    let parts: Vec<String> = match (table, part) {
        ("funding", "total") => SOURCES.iter().map(|s| s.to_string()).collect(),
        _ => vec![part.to_string()],
    };
    let keys: Vec<String> = match (table, key) {
        ("funding_term", "all") => TERMS.iter().map(|t| t.to_string()).collect(),
        (_, "CA") => provinces.to_vec(),
        _ => vec![key.to_string()],
    };
    parts
        .iter()
        .flat_map(|p| {
            keys.iter()
                .map(move |k| (table.to_string(), p.clone(), k.clone()))
        })
        .collect()
}

/// Attack every version of a quarter published in `store`: each version's
/// primary-sensitive cells, every return that is not in every version and
/// every change of one agency's return, at an outsider and at every agency.
fn attack_quarter(
    store_dir: &std::path::Path,
    period: &str,
    provinces: &[String],
) -> (usize, Vec<String>) {
    let all = published_returns(store_dir);
    let versions: Vec<(Vec<String>, BTreeMap<(String, String, String), i64>)> = {
        let mut v: Vec<(Vec<String>, BTreeMap<_, _>)> = Vec::new();
        for (inputs, table, cells) in &all[period] {
            let entry = match v.iter().position(|(i, _)| i == inputs) {
                Some(p) => &mut v[p].1,
                None => {
                    v.push((inputs.clone(), BTreeMap::new()));
                    &mut v.last_mut().unwrap().1
                }
            };
            for ((part, key), value) in cells {
                entry.insert((table.clone(), part.clone(), key.clone()), *value);
            }
        }
        v
    };
    let store = safecount::store::Store::open(store_dir).unwrap();
    let submissions: Vec<String> = versions
        .iter()
        .flat_map(|(i, _)| i.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let figures: Vec<(String, BTreeMap<(String, String, String), i64>)> = submissions
        .iter()
        .map(|s| submission_figures(&store, s, provinces))
        .collect();
    // Unknowns: one per submission and interior cell.
    let mut interiors: Vec<(String, String, String)> = Vec::new();
    for s in SOURCES {
        for p in provinces {
            interiors.push(("funding".into(), s.into(), p.clone()));
        }
    }
    for t in TERMS {
        interiors.push(("funding_term".into(), String::new(), t.into()));
    }
    for table in ["beds", "turnaways"] {
        for p in provinces {
            interiors.push((table.into(), String::new(), p.clone()));
        }
    }
    let index = |s: usize, cell: &(String, String, String)| {
        s * interiors.len()
            + interiors
                .iter()
                .position(|c| c == cell)
                .unwrap_or_else(|| panic!("{cell:?} is not an interior cell of {interiors:?}"))
    };
    let mut k = Knowledge {
        unknowns: submissions.len() * interiors.len(),
        equalities: Vec::new(),
    };
    for (inputs, cells) in &versions {
        for ((table, part, key), value) in cells {
            let terms = inputs
                .iter()
                .flat_map(|id| {
                    let s = submissions.iter().position(|x| x == id).unwrap();
                    interior_of(table, part, key, provinces)
                        .into_iter()
                        .map(move |c| (s, c))
                })
                .map(|(s, c)| (index(s, &c), 1.0))
                .collect();
            k.equalities.push((terms, *value as f64));
        }
    }
    // Each return's funding is its funding by term (when it names a term).
    for (s, (_, f)) in figures.iter().enumerate() {
        let funding: i64 = f
            .iter()
            .filter(|(c, _)| c.0 == "funding")
            .map(|(_, v)| v)
            .sum();
        let by_term: i64 = f
            .iter()
            .filter(|(c, _)| c.0 == "funding_term")
            .map(|(_, v)| v)
            .sum();
        if funding == by_term {
            let mut terms: Vec<(usize, f64)> = interiors
                .iter()
                .filter(|c| c.0 == "funding")
                .map(|c| (index(s, c), 1.0))
                .collect();
            terms.extend(
                interiors
                    .iter()
                    .filter(|c| c.0 == "funding_term")
                    .map(|c| (index(s, c), -1.0)),
            );
            k.equalities.push((terms, 0.0));
        }
    }
    let agencies: BTreeSet<String> = figures.iter().map(|(a, _)| a.clone()).collect();
    let lower_of = |intruder: Option<&String>| -> Vec<f64> {
        let mut lower = vec![0.0; k.unknowns];
        for (s, (agency, f)) in figures.iter().enumerate() {
            if Some(agency) == intruder {
                for (c, v) in f {
                    if let Some(i) = interiors.iter().position(|x| x == c) {
                        lower[s * interiors.len() + i] = *v as f64;
                    }
                }
            }
        }
        lower
    };
    let lowers: Vec<(Option<String>, Vec<f64>)> = std::iter::once(None)
        .chain(agencies.iter().cloned().map(Some))
        .map(|a| {
            let l = lower_of(a.as_ref());
            (a, l)
        })
        .collect();
    let value_of = |s: usize, cells: &[(String, String, String)]| -> i64 {
        cells
            .iter()
            .map(|c| figures[s].1.get(c).copied().unwrap_or(0))
            .sum()
    };
    let mut checked = 0;
    let mut out = Vec::new();
    let mut check = |what: String,
                     expression: Vec<(usize, f64)>,
                     contributions: BTreeMap<u32, i64>,
                     names: &[String]| {
        let value: i64 = contributions.values().sum();
        for (intruder, lower) in &lowers {
            let id = intruder.as_ref().map(|a| {
                names
                    .iter()
                    .position(|n| n == a)
                    .expect("an agency of the quarter") as u32
            });
            let level = needed(&contributions, id);
            if level <= 0.0 {
                continue;
            }
            checked += 1;
            let b = k.bounds(lower, &expression);
            if !protected(value as f64, b, level) {
                out.push(format!(
                    "{what} = {value}: {intruder:?} bounds it to {:.1}..{:.1}, needs ±{level:.1}",
                    b.0, b.1
                ));
            }
        }
    };
    let names: Vec<String> = figures.iter().map(|(a, _)| a.clone()).collect();
    let every_cell: Vec<(String, String, String)> = {
        let mut v = Vec::new();
        for t in ["funding", "funding_term", "beds", "turnaways"] {
            let parts: Vec<String> = if t == "funding" {
                SOURCES
                    .iter()
                    .map(|s| s.to_string())
                    .chain(["total".into()])
                    .collect()
            } else {
                vec![String::new()]
            };
            let keys: Vec<String> = if t == "funding_term" {
                TERMS
                    .iter()
                    .map(|s| s.to_string())
                    .chain(["all".into()])
                    .collect()
            } else {
                provinces.iter().cloned().chain(["CA".into()]).collect()
            };
            for p in &parts {
                for key in &keys {
                    v.push((t.to_string(), p.clone(), key.clone()));
                }
            }
        }
        v
    };
    // Each version's sensitive cells.
    for (inputs, _) in &versions {
        let subs: Vec<usize> = inputs
            .iter()
            .map(|id| submissions.iter().position(|x| x == id).unwrap())
            .collect();
        for (table, part, key) in &every_cell {
            let cells = interior_of(table, part, key, provinces);
            let mut contributions = BTreeMap::new();
            for &s in &subs {
                if cells.iter().any(|c| figures[s].1.contains_key(c)) {
                    *contributions.entry(s as u32).or_insert(0) += value_of(s, &cells);
                }
            }
            if sensitive(&contributions) {
                // Contributions keyed by submission: map them to agency positions.
                let by_agency: BTreeMap<u32, i64> = contributions
                    .iter()
                    .map(|(s, v)| {
                        (
                            names
                                .iter()
                                .position(|n| *n == figures[*s as usize].0)
                                .unwrap() as u32,
                            *v,
                        )
                    })
                    .collect();
                let expression = subs
                    .iter()
                    .flat_map(|s| cells.iter().map(move |c| (index(*s, c), 1.0)))
                    .collect();
                check(
                    format!("version of {} returns: {table} {part} {key}", subs.len()),
                    expression,
                    by_agency,
                    &names,
                );
            }
        }
    }
    // Returns not in every version, and changes of one agency's return.
    let everywhere = |id: &String| versions.iter().all(|(i, _)| i.contains(id));
    for (s, id) in submissions.iter().enumerate() {
        if everywhere(id) {
            continue;
        }
        let a = names.iter().position(|n| *n == figures[s].0).unwrap() as u32;
        for (table, part, key) in &every_cell {
            let cells = interior_of(table, part, key, provinces);
            let v = value_of(s, &cells);
            if v > 0 {
                let expression = cells.iter().map(|c| (index(s, c), 1.0)).collect();
                check(
                    format!("{}'s return alone: {table} {part} {key}", figures[s].0),
                    expression,
                    BTreeMap::from([(a, v)]),
                    &names,
                );
            }
        }
        for (s2, _) in submissions
            .iter()
            .enumerate()
            .filter(|(s2, _)| *s2 > s && figures[*s2].0 == figures[s].0)
        {
            for (table, part, key) in &every_cell {
                let cells = interior_of(table, part, key, provinces);
                let d = value_of(s2, &cells) - value_of(s, &cells);
                if d != 0 {
                    let mut expression: Vec<(usize, f64)> =
                        cells.iter().map(|c| (index(s2, c), 1.0)).collect();
                    expression.extend(cells.iter().map(|c| (index(s, c), -1.0)));
                    check(
                        format!("{}'s change: {table} {part} {key}", figures[s].0),
                        expression,
                        BTreeMap::from([(a, d)]),
                        &names,
                    );
                }
            }
        }
    }
    (checked, out)
}

#[test]
fn the_demos_returns_resist_the_attack_in_every_quarter() {
    let (store, _, _) = crate::report::demo();
    let all = published_returns(store);
    let mut total_checked = 0;
    for period in all.keys() {
        let provinces = all_province_keys(store, period);
        let (checked, shortfalls) = attack_quarter(store, period, &provinces);
        assert!(shortfalls.is_empty(), "{period}: {shortfalls:#?}");
        total_checked += checked;
    }
    assert_eq!(all.len(), 8);
    assert!(total_checked > 100, "{total_checked} intervals checked");
}

/// The province keys of a quarter's returns releases, from every row of the files.
pub(crate) fn all_province_keys(store: &std::path::Path, period: &str) -> Vec<String> {
    use polars::prelude::*;
    let mut keys = BTreeSet::new();
    for f in crate::support::files_under(&store.join("releases").join(period)) {
        if f.extension().is_none_or(|e| e != "parquet") {
            continue;
        }
        let df = ParquetReader::new(std::fs::File::open(&f).unwrap())
            .finish()
            .unwrap();
        if df.column("disclosure_status").is_err() || df.column("province").is_err() {
            continue;
        }
        let p = df.column("province").unwrap().str().unwrap().clone();
        keys.extend(
            p.into_iter()
                .flatten()
                .filter(|k| *k != "CA")
                .map(String::from),
        );
    }
    keys.into_iter().collect()
}

/// The returns pipeline of 2025Q4 (all four tables), optionally over a subset.
fn returns_pipeline(dir: &std::path::Path, agencies: Option<&[&str]>) -> std::path::PathBuf {
    let inputs = match agencies {
        Some(a) => format!(
            "agencies = [{}]\n",
            a.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    write(
        dir,
        if agencies.is_some() {
            "subset.toml"
        } else {
            "returns.toml"
        },
        format!(
            "name = \"returns\"\n[inputs]\nperiods = [\"2025Q4\"]\n{inputs}[privacy]\nrho_per_period = 0.1\n\
             [[tables]]\ntable = \"funding\"\n[[tables]]\ntable = \"funding_term\"\n\
             [[tables]]\ntable = \"beds\"\n[[tables]]\ntable = \"turnaways\"\n"
        ),
    )
}

#[test]
fn three_versions_of_a_quarter_published_together_recover_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let returns = [
        ("bow-river-shelter", "csv"),
        ("coastal-workers-centre", "parquet"),
        ("danforth-refuge", "csv"),
        ("fraser-valley-settlement", "parquet"),
        ("hamilton-bridge", "csv"),
        ("island-safe-harbour", "xlsx"),
        ("lakeshore-legal-clinic", "csv"),
        ("maison-esperance", "csv"),
        ("north-star-outreach", "csv"),
        ("ottawa-valley-outreach", "xlsx"),
        ("refuge-saint-laurent", "csv"),
    ];
    for (slug, ext) in returns {
        crate::support::submit_sample(&store, slug, ext, "returns");
    }
    let run = |pipeline: &std::path::Path| {
        safecount(
            &repo(),
            &[
                "run",
                pipeline.to_str().unwrap(),
                "--store",
                store.to_str().unwrap(),
            ],
        )
    };
    let pipeline = returns_pipeline(dir.path(), None);
    let first = run(&pipeline);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    // A late return: Prairie Haven, alone in Manitoba.
    crate::support::submit_sample(&store, "prairie-haven", "xlsx", "returns");
    let second = run(&pipeline);
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
    // A correction: Danforth Refuge's federal funding was overstated.
    let original = std::fs::read_to_string(
        repo().join("sample-data/returns/danforth-refuge/danforth-refuge-returns-2025Q4.csv"),
    )
    .unwrap();
    let mut lines: Vec<String> = original.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let federal = header
        .iter()
        .position(|h| h.to_lowercase().contains("federal"))
        .expect("a federal funding column");
    let mut row: Vec<String> = lines[1].split(',').map(String::from).collect();
    let amount: f64 = row[federal].trim().parse().expect("a number");
    row[federal] = format!("{}", (amount * 0.9).round());
    lines[1] = row.join(",");
    let corrected = write(
        dir.path(),
        "danforth-refuge-returns-2025Q4.csv",
        lines.join("\n") + "\n",
    );
    // The same submit command as the sample's, with the corrected file.
    let args: Vec<String> = submit_command(&store, "danforth-refuge", "csv", "returns")
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .map(|a| {
            if a.ends_with("danforth-refuge-returns-2025Q4.csv") {
                corrected.to_str().unwrap().to_string()
            } else {
                a
            }
        })
        .collect();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_safecount"))
        .args(&args)
        .current_dir(repo())
        .env("LANG", "C.UTF-8")
        .env_remove("SAFECOUNT_LANG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let third = run(&pipeline);
    assert_eq!(third.code, 0, "{}{}", third.stdout, third.stderr);
    // A pipeline over a subset of agencies is refused for these tables, before anything is written.
    let before = crate::support::files_under(&store.join("releases")).len();
    let subset = run(&returns_pipeline(
        dir.path(),
        Some(&[
            "danforth-refuge",
            "hamilton-bridge",
            "lakeshore-legal-clinic",
        ]),
    ));
    assert_ne!(subset.code, 0, "{}", subset.stdout);
    assert!(
        subset.stderr.contains("never for a subset of agencies"),
        "{}",
        subset.stderr
    );
    assert_eq!(
        crate::support::files_under(&store.join("releases")).len(),
        before
    );

    let versions = published_returns(&store);
    let inputs: BTreeSet<&Vec<String>> = versions["2025Q4"].iter().map(|(i, _, _)| i).collect();
    assert_eq!(inputs.len(), 3, "three versions of 2025Q4");
    let provinces = all_province_keys(&store, "2025Q4");
    let (checked, shortfalls) = attack_quarter(&store, "2025Q4", &provinces);
    assert!(shortfalls.is_empty(), "{shortfalls:#?}");
    assert!(checked > 50, "{checked} intervals checked");
}

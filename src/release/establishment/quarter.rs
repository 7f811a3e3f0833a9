//! A quarter's returns as the intruder has them: the returns tables of the
//! version to publish, beside every version of the quarter published before
//! (read from the release files as published, never recomputed), with the
//! submissions grouped into blocks (see [`super::audit`]).
//!
//! The returns tables of a quarter are protected together, whichever one a
//! release asks for: `funding` and `funding_term` are two views of the same
//! money, and an intruder holds every published table. Each release computes
//! the pattern of the whole quarter and publishes its own table's part; the
//! pattern is a function of the inputs, the rules and what was published
//! before, and cells already published are fixed relations of the audit, so
//! the tables of one version agree.

use super::audit::{Published, Quarter};
use super::{Grid, Keys, Rules, cells, grid};
use crate::release::{
    DISCLOSURE_CONTROL, ReleaseError, ReleaseRequest, TableDef, read_release_if, tables,
};
use crate::schema::ExtractKind;
use crate::store::{Receipt, Store};
use polars::prelude::*;
use std::collections::BTreeMap;

/// A published version of the quarter: its submissions, and per returns
/// table its released cells (if that table was released).
struct Version {
    submissions: Vec<String>,
    files: Vec<(usize, DataFrame)>,
}

/// The versions of `period`'s returns published so far, from the release
/// files under rules (grouped by the submissions they read).
fn published_versions(store: &Store, period: &str) -> Result<Vec<Version>, ReleaseError> {
    let dir = store.release_dir(period);
    let mut paths: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    let mut versions: Vec<Version> = Vec::new();
    let position = |provenance: &serde_json::Value| {
        tables::RETURNS_TABLES
            .iter()
            .position(|n| provenance["table"] == *n)
    };
    for path in paths {
        // Only this quarter's returns tables under rules are decoded.
        let wanted = |provenance: &serde_json::Value| {
            position(provenance).is_some()
                && provenance["protection"]["method"] == DISCLOSURE_CONTROL
                && provenance["period"] == period
                && provenance["pooled_quarters"].is_null()
        };
        let Some((df, provenance)) = read_release_if(&path, wanted)? else {
            continue;
        };
        let t = position(&provenance).expect("a returns table");
        let mut submissions: Vec<String> = provenance["inputs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["submission_id"].as_str().map(String::from))
            .collect();
        submissions.sort();
        match versions.iter_mut().find(|v| v.submissions == submissions) {
            Some(v) => v.files.push((t, df)),
            None => versions.push(Version {
                submissions,
                files: vec![(t, df)],
            }),
        }
    }
    Ok(versions)
}

/// One table's grid over some submissions: each submission is one agency's
/// return, its agency numbered by `agency_ids`.
fn table_grid(
    table: &TableDef,
    keys: &Keys,
    submissions: &[&(Receipt, LazyFrame)],
    agency_ids: &BTreeMap<String, u32>,
) -> Result<Grid, ReleaseError> {
    let unit = crate::privacy::measure::UNIT;
    let mut parts = Vec::new();
    for part in &table.parts {
        let frames: Vec<LazyFrame> = submissions
            .iter()
            .map(|(r, lf)| {
                let columns: Vec<Expr> = std::iter::once(lit(agency_ids[&r.agency]).alias(unit))
                    .chain(part.prepare[1..].iter().cloned())
                    .collect();
                lf.clone().select(columns)
            })
            .collect();
        let df = concat(frames, UnionArgs::default())?.collect()?;
        parts.push((part.label.clone(), df));
    }
    Ok(grid(&parts, &keys.cols)?)
}

/// Each block's grid of each returns table. A quarter's four returns
/// tables each load the quarter in turn, and the grids depend only on the
/// blocks' submissions (a stored submission never changes), the agencies'
/// numbering and the tables' preparation: the last result is kept for the
/// process and given again for the same inputs, so they are built once.
fn block_grids(
    together: &[TableDef],
    keys: &[Keys],
    members: &[Vec<&(Receipt, LazyFrame)>],
    agency_ids: &BTreeMap<String, u32>,
) -> Result<Vec<Vec<Grid>>, ReleaseError> {
    type Cached = Option<(String, Vec<Vec<Grid>>)>;
    static LAST: std::sync::Mutex<Cached> = std::sync::Mutex::new(None);
    let ids: Vec<Vec<(&str, &str)>> = members
        .iter()
        .map(|m| {
            m.iter()
                .map(|(r, _)| (r.submission_id.as_str(), r.sha256.as_str()))
                .collect()
        })
        .collect();
    let preparation: Vec<String> = together
        .iter()
        .flat_map(|t| {
            t.parts
                .iter()
                .map(|p| format!("{}|{:?}", p.label, p.prepare))
        })
        .collect();
    let key = crate::digest::sha256_hex(
        format!(
            "{ids:?}|{agency_ids:?}|{preparation:?}|{:?}",
            keys.iter().map(|k| &k.cols).collect::<Vec<_>>()
        )
        .as_bytes(),
    );
    let cached = LAST.lock().ok().and_then(|last| match last.as_ref() {
        Some((k, grids)) if *k == key => Some(grids.clone()),
        _ => None,
    });
    if let Some(grids) = cached {
        return Ok(grids);
    }
    let grids: Vec<Vec<Grid>> = members
        .iter()
        .map(|m| {
            together
                .iter()
                .zip(keys)
                .map(|(t, k)| table_grid(t, k, m, agency_ids))
                .collect::<Result<_, _>>()
        })
        .collect::<Result<_, ReleaseError>>()?;
    if let Ok(mut last) = LAST.lock() {
        *last = Some((key, grids.clone()));
    }
    Ok(grids)
}

/// The cells a version published, as positions of the quarter's tables.
fn published_cells(
    version: &Version,
    defs: &[TableDef],
    labels: &[Grid],
) -> Result<BTreeMap<super::Cell, i64>, ReleaseError> {
    let mut out = BTreeMap::new();
    for (t, df) in &version.files {
        let keys = Keys::of(&defs[*t]);
        let dims: Vec<Column> = defs[*t].parts[0]
            .spec
            .dims
            .iter()
            .map(|(d, _)| df.column(d.as_str())?.cast(&DataType::String))
            .collect::<PolarsResult<_>>()?;
        let part = df.column("part")?.str()?.clone();
        let value = df.column("value")?.cast(&DataType::Int64)?;
        let value = value.i64()?;
        for i in 0..df.height() {
            let Some(v) = value.get(i) else { continue };
            let key = super::key_at(&dims, i);
            if let Some(p) = keys.position(&labels[*t], part.get(i).unwrap_or(""), &key) {
                out.insert((*t, p), v);
            }
        }
    }
    Ok(out)
}

/// The protected cells of the returns table `req.table` for `req.period`:
/// the quarter's returns tables protected together against every version
/// published before (see the module docs and [`super::audit`]).
pub(crate) fn protected_cells(
    store: &Store,
    defs: &crate::classify::DefinitionSet,
    req: &ReleaseRequest,
    rules: Rules,
) -> Result<DataFrame, ReleaseError> {
    let this = tables::RETURNS_TABLES
        .iter()
        .position(|n| *n == req.table)
        .ok_or_else(|| ReleaseError::UnknownTable(req.table.clone()))?;
    let (quarter, together) = load(store, defs, &req.period, req.accounting, &req.layout)?;
    let protected = pattern(&quarter, &req.period, rules);
    let mine: BTreeMap<super::Position, (i64, super::Status)> = protected
        .into_iter()
        .filter(|((t, _), _)| *t == this)
        .map(|((_, p), v)| (p, v))
        .collect();
    Ok(cells(
        &together[this],
        &quarter.blocks[0][this],
        &mine,
        req,
    )?)
}

/// The pattern of the version to publish, computed once per process for all
/// its tables. It is computed against the *other* published versions; the
/// tables of this version already published must then show exactly the
/// pattern's cells (so that what is published is a part of one audited
/// pattern). Where they do not (another version was published in between),
/// the pattern is computed again with them as fixed relations, which is
/// safe whatever they show.
fn pattern(
    quarter: &Quarter,
    period: &str,
    rules: Rules,
) -> BTreeMap<super::Cell, (i64, super::Status)> {
    static LAST: std::sync::Mutex<Option<(String, BTreeMap<super::Cell, (i64, super::Status)>)>> =
        std::sync::Mutex::new(None);
    let same: Vec<&Published> = quarter
        .earlier
        .iter()
        .filter(|v| v.blocks == quarter.current)
        .collect();
    let others = Quarter {
        earlier: quarter
            .earlier
            .iter()
            .filter(|v| v.blocks != quarter.current)
            .cloned()
            .collect(),
        ..quarter.clone()
    };
    let key = crate::digest::sha256_hex(
        format!(
            "{period}|{:?}|{:?}|{:?}|{:?}|{rules:?}",
            others.current,
            others
                .earlier
                .iter()
                .map(|v| (&v.blocks, &v.cells))
                .collect::<Vec<_>>(),
            others.identities,
            others.blocks,
        )
        .as_bytes(),
    );
    let cached = LAST.lock().ok().and_then(|last| {
        last.as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, p)| p.clone())
    });
    let how = if cached.is_some() {
        "re-used"
    } else {
        "computed"
    };
    let pattern = cached.unwrap_or_else(|| others.protect(rules));
    if let Ok(mut last) = LAST.lock() {
        *last = Some((key, pattern.clone()));
    }
    let agrees = same.iter().all(|v| {
        let tables: std::collections::BTreeSet<usize> = v.cells.keys().map(|(t, _)| *t).collect();
        pattern
            .iter()
            .filter(|((t, _), _)| tables.contains(t))
            .all(|(c, (value, status))| match v.cells.get(c) {
                Some(x) => !status.suppressed() && x == value,
                None => status.suppressed(),
            })
    });
    if std::env::var_os("SAFECOUNT_TRACE").is_some() {
        let how = if agrees { how } else { "recomputed" };
        eprintln!("returns pattern {period}: {how}");
    }
    if agrees {
        pattern
    } else {
        quarter.protect(rules)
    }
}

/// A quarter's returns as the intruder has them, with the returns tables
/// (in [`tables::RETURNS_TABLES`] order): the version to publish is every
/// current return of `period` but those never published.
pub fn load(
    store: &Store,
    defs: &crate::classify::DefinitionSet,
    period: &str,
    accounting: crate::privacy::Accounting,
    layout: &tables::Layout,
) -> Result<(Quarter, Vec<TableDef>), ReleaseError> {
    let together: Vec<TableDef> = tables::RETURNS_TABLES
        .iter()
        .map(|n| {
            tables::table_in(n, defs, accounting, layout)
                .ok_or_else(|| ReleaseError::UnknownTable(n.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let keys: Vec<Keys> = together.iter().map(Keys::of).collect();
    let withheld = store.returns_withheld(period)?;
    let mut submissions: Vec<(Receipt, LazyFrame)> = store
        .canonical_submissions(ExtractKind::Returns, period, None)?
        .into_iter()
        .filter(|(r, _)| !withheld.contains(&r.agency))
        .collect();
    let current: Vec<String> = submissions
        .iter()
        .map(|(r, _)| r.submission_id.clone())
        .collect();
    let versions = published_versions(store, period)?;
    for id in versions.iter().flat_map(|v| &v.submissions) {
        if !submissions.iter().any(|(r, _)| r.submission_id == *id) {
            if let Some(s) = store.canonical_submission(id)? {
                submissions.push(s);
            }
        }
    }
    let agency_ids: BTreeMap<String, u32> = {
        let mut slugs: Vec<&str> = submissions.iter().map(|(r, _)| r.agency.as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        slugs
            .into_iter()
            .zip(0u32..)
            .map(|(s, i)| (s.to_string(), i))
            .collect()
    };

    // Blocks: submissions that appear in exactly the same versions.
    let signature = |id: &str| -> Vec<bool> {
        versions
            .iter()
            .map(|v| v.submissions.iter().any(|s| s == id))
            .chain(std::iter::once(current.iter().any(|s| s == id)))
            .collect()
    };
    let mut signatures: Vec<Vec<bool>> = Vec::new();
    let mut members: Vec<Vec<&(Receipt, LazyFrame)>> = Vec::new();
    for s in &submissions {
        let sig = signature(&s.0.submission_id);
        match signatures.iter().position(|x| *x == sig) {
            Some(b) => members[b].push(s),
            None => {
                signatures.push(sig);
                members.push(vec![s]);
            }
        }
    }
    if members.is_empty() {
        return Err(ReleaseError::NoInputs {
            kind: ExtractKind::Returns.as_str(),
            period: period.to_string(),
        });
    }
    let blocks = block_grids(&together, &keys, &members, &agency_ids)?;
    let blocks_of = |version: usize| -> Vec<usize> {
        (0..signatures.len())
            .filter(|b| signatures[*b][version])
            .collect()
    };
    let earlier: Vec<Published> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Ok(Published {
                blocks: blocks_of(i),
                cells: published_cells(v, &together, &blocks[0])?,
            })
        })
        .collect::<Result<_, ReleaseError>>()?;
    let current_blocks = blocks_of(versions.len());

    // `funding` all equals `funding_term` all in a block when every return in
    // it names its funding term (a return without one is in no term's cell).
    let funding = tables::RETURNS_TABLES.iter().position(|n| *n == "funding");
    let term = tables::RETURNS_TABLES
        .iter()
        .position(|n| *n == "funding_term");
    let identities = match (funding, term) {
        (Some(f), Some(t)) => {
            let all = |g: &Grid| {
                g.contributions((if g.has_margin_row() { None } else { Some(0) }, None))
                    .total()
            };
            let holds = blocks.iter().all(|b| all(&b[f]) == all(&b[t]));
            if holds { vec![(f, t)] } else { Vec::new() }
        }
        _ => Vec::new(),
    };
    let quarter = Quarter {
        blocks,
        identities,
        earlier,
        current: current_blocks,
    };
    Ok((quarter, together))
}

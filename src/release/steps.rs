//! The steps of a release that carry no claim or ledger logic: the request
//! as it enters the id, the published inputs, the draw, the provenance's
//! protection and unit, the staged write and completion.

use super::*;
use crate::i18n::Message;

/// The request as it enters the release id: what was asked, not how the
/// intervals are printed (the level changes only half-widths, which follow
/// from the stored noise scale). Keys added later appear only when used, so
/// earlier requests keep their ids.
pub(super) fn request_of(
    req: &ReleaseRequest,
    table: &TableDef,
    defs: &DefinitionSet,
    rules: Option<establishment::Rules>,
) -> serde_json::Value {
    let mut request = serde_json::json!({
        "table": req.table,
        "period": req.period,
        "rho": req.rho,
        "accounting": req.accounting,
        "definitions_version": if table.classified { Some(defs.version.clone()) } else { None },
        "table_version": 3,
    });
    if let Some(a) = &req.agencies {
        request["agencies"] = serde_json::json!(a);
    }
    if let Some(c) = &req.custom {
        request["custom"] = serde_json::json!(c);
    }
    if let Some(p) = &req.pool {
        request["pool"] = serde_json::json!(p);
        // One record per person over the pool (see `span`), not person-quarters.
        request["pool_unit"] = serde_json::json!(ledger::POOL_UNIT_PERSON);
    }
    if req.layout != Layout::default() {
        request["layout"] = serde_json::json!(req.layout);
    }
    if let Some(r) = rules {
        request["disclosure_control"] = serde_json::json!(r);
    }
    if let Some(g) = &req.governance {
        request["governance"] = serde_json::json!(g);
    }
    if let Some(p) = &req.part_rho {
        request["part_rho"] = serde_json::json!(p);
    }
    request
}

/// What the ledger records with a release's debit. For a person-level
/// release, the number of agencies it reads: a person whom linkage cannot
/// match (or, in agency mode, any person) served by all k of them is k units,
/// loss k²·rho; the ledger's statement sums that worst case.
pub(super) fn debit_detail(
    req: &ReleaseRequest,
    table: &TableDef,
    rules: Option<establishment::Rules>,
    request_hash: &str,
    inputs_hash: &str,
    nonce: &str,
    agencies: usize,
) -> serde_json::Value {
    let mut detail = serde_json::json!({"table": req.table, "request_hash": request_hash, "inputs_hash": inputs_hash, "nonce": nonce, "pid": std::process::id()});
    if rules.is_some() {
        detail["protection"] = serde_json::json!(DISCLOSURE_CONTROL);
    }
    if table.source == crate::schema::ExtractKind::Cases {
        detail["agencies"] = serde_json::json!(agencies);
        if req.pool.is_some() {
            detail["pool_unit"] = serde_json::json!(ledger::POOL_UNIT_PERSON);
        }
    }
    detail
}

/// The inputs as a release publishes them. Their plain SHA-256s stay in the
/// ledger; what is published (the list, its digest, and the id derived from
/// it) is keyed by the store's secret. Returns (digest, list).
pub(super) fn published_inputs(
    store: &Store,
    inputs: &[crate::store::Receipt],
) -> Result<(String, Vec<serde_json::Value>), ReleaseError> {
    let private_inputs: Vec<serde_json::Value> = inputs
        .iter()
        .map(|r| serde_json::json!({"submission_id": r.submission_id, "agency": r.agency, "sha256": r.sha256}))
        .collect();
    let inputs_hash = store.keyed_digest(
        serde_json::Value::Array(private_inputs)
            .to_string()
            .as_bytes(),
    )?;
    let input_list: Vec<serde_json::Value> = inputs
        .iter()
        .map(|r| {
            Ok(serde_json::json!({
                "submission_id": r.submission_id,
                "agency": r.agency,
                "digest": store.keyed_digest(r.sha256.as_bytes())?,
            }))
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((inputs_hash, input_list))
}

/// The definitions a table's provenance names (none if it classifies nothing).
pub(super) fn definitions_of(table: &TableDef, defs: &DefinitionSet) -> Vec<serde_json::Value> {
    if !table.classified {
        return Vec::new();
    }
    defs.definitions
        .iter()
        .map(|d| serde_json::json!({"name": d.name, "title": d.title, "version": d.version}))
        .collect()
}

/// A table's cells, once per part: OpenDP's noisy measurements (the debit
/// is already recorded), or under disclosure-control rules the exact cells
/// with their status, protected with the quarter's other returns tables;
/// then the consistent estimates beside them.
pub(super) fn draw(
    store: &Store,
    defs: &DefinitionSet,
    table: &TableDef,
    built: &[(Built, Calibration)],
    prepared: &Prepared,
    req: &ReleaseRequest,
    rules: Option<establishment::Rules>,
) -> Result<DataFrame, ReleaseError> {
    let protected = match rules {
        Some(r) => Some(establishment::protected_cells(store, defs, req, r)?),
        None => None,
    };
    // Every part's cells in one column order (a margin's with the national province key).
    let dims: Vec<String> = table.parts[0]
        .spec
        .dims
        .iter()
        .map(|(d, _)| d.clone())
        .collect();
    let mut order: Vec<String> = ["table", "period", "part"].map(String::from).to_vec();
    order.extend(dims);
    order.extend(
        [
            "statistic",
            "value",
            "mechanism",
            "noise_scale",
            "ci_half_width",
            "ci_level",
        ]
        .map(String::from),
    );
    if protected.is_some() {
        // Which cells are withheld (never why), beside the values.
        order.push(establishment::DISCLOSURE_STATUS.into());
    }
    // Draw the noise: once per part (none under disclosure-control rules,
    // whose cells come protected with the quarter's other returns tables).
    let mut frames = Vec::new();
    if let Some(cells) = protected {
        frames.push(
            cells
                .lazy()
                .select(order.iter().map(|c| col(c.as_str())).collect::<Vec<_>>()),
        );
    }
    for (i, (part, (measurement, cal))) in table.parts.iter().zip(built).enumerate() {
        let started = std::time::Instant::now();
        let noisy = measurement.release(prepared.part(i))?;
        trace(req, &format!("part {:?}", part.label), started);
        let statistic = match part.spec.statistic {
            Statistic::Count => "count",
            Statistic::Sum { .. } => "sum",
        };
        let mut noisy = noisy.lazy();
        if part.national {
            noisy = noisy.with_column(lit(tables::NATIONAL).alias("province"));
        }
        frames.push(
            noisy
                .with_columns([
                    lit(req.table.clone()).alias("table"),
                    lit(req.period.clone()).alias("period"),
                    lit(part.label.clone()).alias("part"),
                    lit(statistic).alias("statistic"),
                    lit(cal.mechanism).alias("mechanism"),
                    lit(cal.scale).alias("noise_scale"),
                    lit(cal.half_width).alias("ci_half_width"),
                    lit(req.level).alias("ci_level"),
                ])
                .select(order.iter().map(|c| col(c.as_str())).collect::<Vec<_>>()),
        );
    }
    let cells = concat(frames, UnionArgs::default())?.collect()?;
    Ok(consistent::with_consistent(cells, req.level)?)
}

/// How a release is protected, for its provenance.
pub(super) fn protection_of(rules: Option<establishment::Rules>) -> serde_json::Value {
    match rules {
        Some(r) => serde_json::json!({"method": DISCLOSURE_CONTROL, "rules": r,
            "description": in_record(Message::new("provenance-disclosure-control")
                .with("agencies", r.min_agencies as u64)
                .with("p", r.p_percent)),
            "references": ["Hundepool et al. (2012), Statistical Disclosure Control, Wiley, ch. 4 (Eurostat SDC handbook)", "tau-ARGUS and R sdcTable"]}),
        None => serde_json::json!({"method": "differential_privacy"}),
    }
}

/// How people were told apart across agencies, for a release's provenance
/// (and the report's statement of it).
/// With it, the worst case of a person counted apart at each of the `agencies`
/// the release read (unmatched by linkage, or in agency mode): k units, so
/// k²·rho (group privacy under zCDP, Bun & Steinke 2016, Prop. 1.9).
pub(super) fn linkage_of(
    table: &TableDef,
    req: &ReleaseRequest,
    agencies: usize,
    rho: f64,
) -> serde_json::Value {
    if table.source != crate::schema::ExtractKind::Cases {
        return serde_json::Value::Null;
    }
    let k = agencies as f64;
    let worst_case = serde_json::json!({
        "agencies": agencies,
        "rho": k * k * rho,
        "description": in_record(Message::new("provenance-unmatched-worst-case").with("agencies", agencies as u64)),
    });
    match &req.layout.linkage {
        Some(l) => serde_json::json!({
            "mode": "collaborative",
            "epoch": l.epoch,
            "description": in_record(Message::new("provenance-linkage-collaborative")),
            "unmatched_worst_case": worst_case,
        }),
        None => serde_json::json!({
            "mode": "agency",
            "description": in_record(Message::new("provenance-linkage-agency")),
            "unmatched_worst_case": worst_case,
        }),
    }
}

/// Who a release protects, for its provenance.
pub(super) fn privacy_unit_of(table: &TableDef, req: &ReleaseRequest) -> String {
    use crate::schema::ExtractKind::{Cases, Returns};
    let linked = table.source == Cases && req.layout.linkage.is_some();
    let id = match (table.source, linked, req.pool.is_some()) {
        (Cases, true, false) => "provenance-unit-linked",
        (Cases, true, true) => "provenance-unit-linked-pooled",
        (Cases, false, false) => "provenance-unit-person",
        (Cases, false, true) => "provenance-unit-person-pooled",
        (Returns, _, _) => "provenance-unit-agency",
    };
    in_record(Message::new(id))
}

/// A statement of a release's provenance, in the record's language: the
/// provenance is an audit record in English (the report states the same
/// facts in both languages from its own catalogue entries).
pub(super) fn in_record(message: Message) -> String {
    message.render(crate::i18n::Lang::En)
}

/// The domain's public bound on rows (OpenDP's overflow checks on sums
/// assume it). Checked before the debit; a refusal says only that the
/// period holds over a billion records.
pub(super) fn check_rows(prepared: &Prepared) -> Result<(), ReleaseError> {
    let max = crate::privacy::measure::MAX_ROWS_PER_CELL;
    if prepared.frame.height() as u64 > u64::from(max) {
        return Err(ReleaseError::TooManyRows {
            rows: prepared.frame.height(),
            max,
        });
    }
    Ok(())
}

/// What a table's measurements cost together: (rho, epsilon under pure DP,
/// delta of thresholds). The parts compose (see [`calibrate`]); a table under
/// disclosure control has no measurement and costs exactly 0 (an empty float
/// sum would be -0.0).
pub(super) fn cost(
    built: &[(Built, Calibration)],
    accounting: Accounting,
) -> (f64, Option<f64>, Option<f64>) {
    let rho = built.iter().map(|(_, c)| c.rho).fold(0.0, |a, b| a + b);
    let epsilon = match accounting {
        Accounting::Pure => Some(built.iter().map(|(_, c)| c.loss).sum()),
        Accounting::Zcdp => None,
    };
    let delta = built
        .iter()
        .filter_map(|(_, c)| c.delta)
        .reduce(|a, b| a + b);
    (rho, epsilon, delta)
}

/// The cells with half-widths at `level`, from each cell's stored noise scale.
pub(super) fn at_level(mut cells: DataFrame, level: f64) -> Result<DataFrame, ReleaseError> {
    let mechanisms = cells.column("mechanism")?.str()?.clone();
    let scales = cells.column("noise_scale")?.f64()?.clone();
    let widths: Vec<Option<f64>> = mechanisms
        .into_iter()
        .zip(scales.into_iter())
        .zip(cells.column("value")?.is_not_null().into_iter())
        .map(|((m, s), has_value)| match (m, s) {
            (Some(DISCLOSURE_CONTROL), _) => Ok(has_value.unwrap_or(false).then_some(0.0)),
            (Some(m), Some(s)) => crate::privacy::measure::half_width(m, s, level).map(Some),
            _ => Ok(None),
        })
        .collect::<Result<_, _>>()?;
    cells.with_column(Column::new("ci_half_width".into(), widths))?;
    cells.with_column(Column::new("ci_level".into(), vec![level; cells.height()]))?;
    for c in ["consistent_value", "consistent_sd", "consistent_half_width"] {
        if cells.column(c).is_ok() {
            cells.drop_in_place(c)?;
        }
    }
    consistent::with_consistent(cells, level)
}

/// The disclosure-control rules a request protects its table with: Some only
/// for a table of agencies' returns whose request asks for rules.
pub(super) fn rules_of(req: &ReleaseRequest, table: &TableDef) -> Option<establishment::Rules> {
    match (table.source, req.protection) {
        (crate::schema::ExtractKind::Returns, Protection::Rules(r)) => Some(r),
        _ => None,
    }
}

//! Running a pipeline, or previewing it, and writing its report and processed copies.

use super::*;

/// One line of a dry run.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRelease {
    /// The quarter, or a pool's label.
    pub period: String,
    /// The quarters it reads and is debited from.
    pub quarters: Vec<String>,
    /// The expected half-width of its national figure (first part; people
    /// served, a definition's count), at the interval level. None for exact
    /// figures under disclosure control.
    pub national_half_width: Option<f64>,
    /// Whose budget it draws on.
    pub scope: Scope,
    /// The half-width the table asked for, if it gave one.
    pub target_half_width: Option<f64>,
    /// The per-part target the table is planned to, if it gave one.
    pub target: Option<super::target::Target>,
    /// The widest interval half-width of any of its cells.
    pub widest_half_width: f64,
    /// Whether the pipeline's report draws the table (false without a report).
    pub in_report: bool,
    /// Whether the store already holds this exact release: the run would
    /// re-serve it and spend nothing.
    pub reserved: bool,
    /// Planned to its target's floors, with no previous quarter published
    /// yet: its rho is the most it can cost (the run plans it on the
    /// figures released before it, and usually spends less).
    pub at_floor: bool,
    pub preview: Preview,
}

/// Cost and accuracy of every release, against what each period has left: spends nothing, reads no data.
pub fn dry_run(
    spec: &PipelineSpec,
    store: Option<&Store>,
) -> Result<(Vec<PlannedRelease>, Vec<ledger::PeriodBudget>), PipelineError> {
    let defs = spec.definitions()?;
    let known = known_releases(store);
    let mut planned = Vec::new();
    for (t, mut req) in spec.planned_requests() {
        let at_floor = match &t.target {
            Some(target) => !super::target::plan_request(&defs, &mut req, target, &known)?,
            None => false,
        };
        let preview = release::preview(&defs, &req)?;
        planned.push(PlannedRelease {
            period: req.period.clone(),
            quarters: req.quarters(),
            national_half_width: preview.national_half_width(req.level),
            scope: t.scope(),
            target_half_width: t.half_width,
            target: t.target.clone(),
            widest_half_width: preview
                .parts
                .iter()
                .map(|(_, c)| c.half_width)
                .fold(0.0, f64::max),
            at_floor,
            reserved: match store {
                Some(s) => release::would_reserve(s, &defs, &req)?,
                None => false,
            },
            in_report: spec.report.is_some() && t.custom().is_none() && report::draws(&t.table),
            preview,
        });
    }
    if let Some(s) = store {
        spec.check_coverage(s)?;
    }
    let budgets = match store {
        Some(s) => ledger::status(&s.connect()?)?,
        None => Vec::new(),
    };
    Ok((planned, budgets))
}

/// Run every release of the pipeline.
pub fn run(spec: &PipelineSpec, store: &Store) -> Result<Vec<release::Released>, PipelineError> {
    run_with_progress(spec, store, |_, _, _| {})
}

/// Run every release of the pipeline, calling `progress(request, done, total)` before each.
pub fn run_with_progress(
    spec: &PipelineSpec,
    store: &Store,
    mut progress: impl FnMut(&ReleaseRequest, usize, usize),
) -> Result<Vec<release::Released>, PipelineError> {
    let defs = spec.definitions()?;
    spec.check_coverage(store)?;
    let requests = spec.planned_requests();
    let plain: Vec<ReleaseRequest> = requests.iter().map(|(_, r)| r.clone()).collect();
    // Releases that read the same records run together, prepared once.
    let mut batch = release::Batch::new(&defs, &plain);
    let mut known = known_releases(Some(store));
    let mut out: Vec<Option<release::Released>> = (0..requests.len()).map(|_| None).collect();
    for (done, i) in release::Batch::order(&defs, &plain).into_iter().enumerate() {
        let (t, req) = &requests[i];
        let mut req = req.clone();
        if let Some(target) = &t.target {
            super::target::plan_request(&defs, &mut req, target, &known)?;
        }
        progress(&req, done, requests.len());
        let released = release::release_in(store, &defs, &req, &mut batch)?;
        if let Ok(r) = report::data::LoadedRelease::from_frame(
            &released.path,
            released.provenance.clone(),
            &released.cells,
        ) {
            known.releases.push(r);
        }
        out[i] = Some(released);
    }
    Ok(out.into_iter().flatten().collect())
}

/// The releases a store already holds (none when it has none, or cannot be
/// read): the previous figures a target is planned on.
fn known_releases(store: Option<&Store>) -> report::data::ReleaseSet {
    store
        .map(|s| s.root().join("releases"))
        .filter(|d| d.is_dir())
        .and_then(|d| report::data::ReleaseSet::load(&d).ok())
        .unwrap_or_default()
}

/// Write the pipeline's report (if it declares one) from exactly the releases of this run.
/// Reads released tables only; spends nothing.
pub fn write_report(
    spec: &PipelineSpec,
    released: &[release::Released],
    out_override: Option<&Path>,
) -> Result<Vec<Written>, PipelineError> {
    let Some(r) = &spec.report else {
        return Ok(Vec::new());
    };
    let set =
        report::data::ReleaseSet::from_released(released).map_err(report::ReportError::from)?;
    let out = out_override.unwrap_or(&r.out);
    let mut written = Vec::new();
    for l in &r.languages {
        let lang = Lang::parse(l).unwrap_or(Lang::En);
        written.push(report::write(&set, out, lang)?);
    }
    Ok(written)
}

/// Write the processed copies the pipeline asks for (`[outputs]`): every
/// release's cells with the raw noisy `value` kept, `value_processed` beside
/// it (if `non_negative`: clamped at zero, and where the table measured a
/// national margin, whole non-negative consistent estimates whose provinces
/// add up to the nation), and, if `national_totals`, national
/// rows (province "CA", `derived` = true) equal to the sum of the provincial
/// rows, with interval half-widths combined in quadrature. This is
/// post-processing of released values: it costs no budget (Dwork & Roth 2014,
/// Prop. 2.1) and reads no records.
pub fn write_outputs(
    spec: &PipelineSpec,
    released: &[release::Released],
    dir_override: Option<&Path>,
) -> Result<Vec<PathBuf>, PipelineError> {
    let Some(o) = &spec.outputs else {
        return Ok(Vec::new());
    };
    let root = dir_override.unwrap_or(&o.dir);
    let mut written = Vec::new();
    for r in released {
        let mut df = processed(&r.cells, o.non_negative, o.national_totals)
            .map_err(|e| PipelineError::Output(format!("{}: {e}", r.table)))?;
        let dir = root.join(&r.period);
        std::fs::create_dir_all(&dir).map_err(|source| PipelineError::Read {
            path: dir.clone(),
            source,
        })?;
        for ext in ["parquet", "csv"] {
            let path = dir.join(format!("{}.{ext}", r.table));
            let file = std::fs::File::create(&path).map_err(|source| PipelineError::Read {
                path: path.clone(),
                source,
            })?;
            // Buffered: the writers make many small writes (a syscall each otherwise).
            let mut out = std::io::BufWriter::new(file);
            let result = if ext == "parquet" {
                polars::prelude::ParquetWriter::new(&mut out)
                    .finish(&mut df)
                    .map(|_| ())
            } else {
                use polars::prelude::SerWriter;
                polars::prelude::CsvWriter::new(&mut out).finish(&mut df)
            };
            let result = result
                .map_err(|e| e.to_string())
                .and_then(|()| std::io::Write::flush(&mut out).map_err(|e| e.to_string()));
            result.map_err(|e| PipelineError::Output(format!("{}: {e}", path.display())))?;
            written.push(path);
        }
    }
    Ok(written)
}

fn processed(
    cells: &polars::prelude::DataFrame,
    non_negative: bool,
    national_totals: bool,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let value = col("value").cast(DataType::Int64);
    let processed = if non_negative {
        when(value.clone().lt(lit(0i64)))
            .then(lit(0i64))
            .otherwise(value.clone())
    } else {
        value.clone()
    };
    // Where a table measured its national margin, the processed figures are
    // its consistent estimates made whole and non-negative so that the
    // provinces still add up to the nation (clamping each raw value alone
    // would not); elsewhere the raw value, clamped.
    let mut with_margins = cells.clone();
    let margins = match non_negative {
        true => release::consistent::non_negative_margins(&cells)
            .map_err(|e| PolarsError::ComputeError(e.to_string().into()))?,
        false => vec![None; cells.height()],
    };
    with_margins.with_column(Column::new("margin_processed".into(), margins))?;
    let base = with_margins
        .lazy()
        .with_columns([
            value.alias("value"),
            coalesce(&[col("margin_processed"), processed]).alias("value_processed"),
            lit(false).alias("derived"),
        ])
        .drop(by_name(["margin_processed"], true));
    let names: Vec<String> = base
        .clone()
        .collect_schema()?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    // A table with national rows of its own (a measured margin, or a returns
    // table's aggregate) keeps them: no sum of the provinces is added.
    let has_national = cells
        .column("province")
        .ok()
        .and_then(|c| c.cast(&DataType::String).ok())
        .is_some_and(|c| {
            c.str().is_ok_and(|s| {
                s.into_iter()
                    .any(|v| v == Some(crate::release::tables::NATIONAL))
            })
        });
    if !(national_totals && names.iter().any(|n| n == "province")) || has_national {
        return base.collect();
    }
    let summed = [
        "province",
        "value",
        "value_processed",
        "ci_half_width",
        "noise_scale",
        "mechanism",
        "derived",
        "consistent_value",
        "consistent_sd",
        "consistent_half_width",
    ];
    let has = |name: &str| names.iter().any(|n| n == name);
    // Sums of independent cells: values add, variances add.
    let mut sums = vec![
        col("value").sum(),
        col("value_processed").sum(),
        (col("ci_half_width") * col("ci_half_width"))
            .sum()
            .sqrt()
            .alias("ci_half_width"),
    ];
    if has("consistent_value") {
        sums.extend([
            col("consistent_value").sum(),
            (col("consistent_sd") * col("consistent_sd"))
                .sum()
                .sqrt()
                .alias("consistent_sd"),
            (col("consistent_half_width") * col("consistent_half_width"))
                .sum()
                .sqrt()
                .alias("consistent_half_width"),
        ]);
    }
    let keys: Vec<Expr> = names
        .iter()
        .filter(|n| !summed.contains(&n.as_str()))
        .map(|n| col(n.as_str()))
        .collect();
    let national = base
        .clone()
        .group_by_stable(keys)
        .agg(sums)
        .with_columns([
            lit("CA").alias("province"),
            lit(NULL).cast(DataType::Float64).alias("noise_scale"),
            lit("sum_of_provinces").alias("mechanism"),
            lit(true).alias("derived"),
        ])
        .collect()?;
    let national = national.lazy();
    let schema = base.clone().collect_schema()?;
    let aligned: Vec<Expr> = schema
        .iter()
        .map(|(n, dt)| col(n.clone()).cast(dt.clone()))
        .collect();
    concat([base, national.select(aligned)], UnionArgs::default())?.collect()
}

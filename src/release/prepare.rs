//! Preparing a table's records for OpenDP: read batch by batch, merged
//! across agencies under collaborative linkage (a large quarter bucket by
//! bucket of people), classified where needed,
//! units numbered, each part's columns kept as the `Enum`s OpenDP receives.
//! Every step is row-wise or a per-person merge (see `linked`), so the
//! prepared frame has one row per unit. Also the noise-free views tests and
//! benchmarks compare releases with.

use super::*;

/// Records read per batch while preparing a table (a batch is one or more
/// whole agencies): bounds the memory the text columns take, however many
/// records the period holds.
const BATCH_RECORDS: u64 = 1_000_000;

/// A part's columns in the prepared frame, with the names the part gives them.
type PartColumns = Vec<(PlSmallStr, PlSmallStr)>;

/// A table's records as its parts need them: the unit id (ascending), and for
/// each part its dimensions — already the `Enum`s OpenDP receives — and
/// value. No text is kept, and a column several parts share (the province)
/// is kept once, so a part costs a byte or two per record.
pub(super) struct Prepared {
    pub(super) frame: DataFrame,
    pub(super) parts: Vec<PartColumns>,
    pub(super) inputs: Vec<crate::store::Receipt>,
}

/// The output names of a part's prepared columns after the unit.
pub(super) fn part_outputs(part: &tables::Part) -> Vec<PlSmallStr> {
    part.prepare[1..]
        .iter()
        .map(|e| {
            e.clone()
                .meta()
                .output_name()
                .expect("prepared columns are named")
        })
        .collect()
}

impl Prepared {
    /// The frame part `i`'s measurement receives: unit, dimensions, (value).
    pub(super) fn part(&self, i: usize) -> LazyFrame {
        let columns: Vec<Expr> = std::iter::once(col(UNIT))
            .chain(
                self.parts[i]
                    .iter()
                    .map(|(column, name)| col(column.clone()).alias(name.clone())),
            )
            .collect();
        self.frame.clone().lazy().select(columns)
    }
}

/// Read a table's records batch by batch (only the columns its parts use,
/// classified if it needs the definitions), number the units, and keep each
/// part's prepared columns. Every preparation is row-wise, so this is a
/// 1-stable step before OpenDP. (Releases prepare through
/// [`super::Batch`]; this is the tests' view of one table alone.)
#[cfg(any(test, feature = "testing"))]
fn prepared(
    store: &Store,
    defs: &DefinitionSet,
    table: &TableDef,
    periods: &[String],
    agencies: Option<&[String]>,
    withhold_never: bool,
    linkage: Option<&coverage::Linked>,
) -> Result<Prepared, ReleaseError> {
    let shared = prepared_together(
        store,
        defs,
        &[table],
        periods,
        agencies,
        withhold_never,
        linkage,
    )?;
    Ok(shared
        .for_table(table)
        .expect("every column of the table was prepared"))
}

/// The records several tables of the same source read over the same
/// quarters and agencies, prepared once for all of them: every column any
/// of their parts uses (each distinct expression once), after the unit.
///
/// Privacy argument. Preparation is a deterministic function of the
/// records — row-wise steps, the per-person merges of [`linked`] and
/// [`span`], unit numbering — and never looks at a table's measurement.
/// The frame a part receives from the shared preparation is therefore
/// exactly the frame it would receive prepared alone (the same rows, units
/// and values; checked by the test `shared_preparation_gives_each_table_its_own_frame`),
/// so each measurement's stability and OpenDP calibration are unchanged,
/// and sharing adds no measurement: the privacy loss is still the sum of
/// the measurements' losses, each debited before its noise is drawn
/// (composition, Bun & Steinke 2016, Lemma 2.3).
pub(super) fn prepared_together(
    store: &Store,
    defs: &DefinitionSet,
    tables: &[&TableDef],
    periods: &[String],
    agencies: Option<&[String]>,
    withhold_never: bool,
    linkage: Option<&coverage::Linked>,
) -> Result<Shared, ReleaseError> {
    let source = tables[0].source;
    debug_assert!(tables.iter().all(|t| t.source == source));
    let classified = tables.iter().any(|t| t.classified);
    // In collaborative mode a quarter's case records are merged across
    // agencies first: one person, one record (see `linked`).
    let linked = linkage.filter(|_| source == crate::schema::ExtractKind::Cases);
    let mut sources = sources_of(store, tables, periods, agencies, withhold_never, linked)?;
    // A pool of quarters is one record per person over the span (see `span`).
    if periods.len() > 1 && source == crate::schema::ExtractKind::Cases {
        let label = periods.join("+");
        let mut receipts = Vec::new();
        let mut frames = Vec::new();
        for s in sources {
            receipts.extend(s.receipts);
            let frame = s.frame.lazy(linked)?;
            frames.push(match (linked, classified) {
                (None, false) => frame.select(span_columns(tables)),
                _ => frame,
            });
        }
        let merged = span::merged_span(frames, &label, linked.is_some())?;
        sources = vec![Source {
            period: label,
            receipts,
            records: merged.height() as u64,
            frame: Records::Lazy(merged.lazy()),
        }];
    }
    let read = |lf: LazyFrame| {
        if classified { classify(lf, defs) } else { lf }
    };
    let available = read(sources[0].frame.schema_frame(linked)?).collect_schema()?;
    let unit_columns = match linked {
        Some(_) => &[linked::SCOPE, "person_key"][..],
        None => tables::unit_columns(source),
    };
    let needed = needed_columns(tables, &available, unit_columns);
    let kept = kept_columns(tables);
    let selection: Vec<Expr> = std::iter::once(col(UNIT))
        .chain(
            kept.iter()
                .map(|(e, column)| e.clone().alias(column.clone())),
        )
        .collect();

    let mut batches: Vec<Vec<Records>> = vec![Vec::new()];
    let mut in_batch = 0u64;
    let mut inputs = Vec::new();
    let mut batch_period = sources[0].period.clone();
    for source in sources {
        if in_batch >= BATCH_RECORDS || source.period != batch_period {
            batches.push(Vec::new());
            in_batch = 0;
            batch_period = source.period;
        }
        in_batch += source.records;
        batches
            .last_mut()
            .expect("one batch at least")
            .push(source.frame);
        inputs.extend(source.receipts);
    }
    let mut frames = Vec::new();
    let mut next = 0u32;
    for batch in batches {
        // Read (and, for a bucket of a linked quarter, merged) only now: one
        // batch's records in memory at a time.
        let batch = batch
            .into_iter()
            .map(|r| Ok(read(r.lazy(linked)?).select(needed.clone())))
            .collect::<Result<Vec<_>, ReleaseError>>()?;
        let records = concat(batch, UnionArgs::default())?.collect()?;
        let (records, after) = crate::privacy::measure::with_unit_numbers(
            records,
            unit_columns[0],
            unit_columns.get(1).copied(),
            next,
        )?;
        next = after;
        frames.push(records.lazy().select(selection.clone()).collect()?);
    }
    let mut frame = one_chunk_per_column(frames)?;
    crate::privacy::measure::flag_units_sorted(&mut frame)?;
    Ok(Shared {
        frame,
        kept,
        inputs,
    })
}

/// One period's records (or one bucket of them) as a preparation reads them.
struct Source {
    period: String,
    receipts: Vec<crate::store::Receipt>,
    records: u64,
    frame: Records,
}

/// A source's records: ready to read lazily, or one bucket of a large
/// linked quarter, merged only when its batch is read.
enum Records {
    Lazy(LazyFrame),
    Bucket {
        submissions: std::rc::Rc<Vec<(crate::store::Receipt, LazyFrame)>>,
        columns: Option<Vec<PlSmallStr>>,
        bucket: (u64, u64),
    },
}

impl Records {
    /// The records, a bucket merged now (see `linked::merged_bucket`).
    fn lazy(self, linked: Option<&coverage::Linked>) -> Result<LazyFrame, ReleaseError> {
        match (self, linked) {
            (Records::Lazy(lf), _) => Ok(lf),
            (
                Records::Bucket {
                    submissions,
                    columns,
                    bucket,
                },
                Some(l),
            ) => Ok(linked::merged_bucket(&submissions, l, columns.as_deref(), bucket)?.lazy()),
            (Records::Bucket { .. }, None) => unreachable!("buckets are made under linkage only"),
        }
    }

    /// A frame with the records' columns (for their schema): a bucket
    /// merged with no records.
    fn schema_frame(&self, linked: Option<&coverage::Linked>) -> Result<LazyFrame, ReleaseError> {
        match self {
            Records::Lazy(lf) => Ok(lf.clone()),
            Records::Bucket {
                submissions,
                columns,
                ..
            } => {
                let none: Vec<_> = submissions
                    .iter()
                    .map(|(r, lf)| (r.clone(), lf.clone().limit(0)))
                    .collect();
                let l = linked.expect("buckets are made under linkage only");
                Ok(linked::merged_quarter(&none, l, columns.as_deref())?.lazy())
            }
        }
    }
}

/// Every period's records as sources: each agency's submissions, or under
/// linkage each quarter merged across agencies — a large quarter (more than
/// `linked::AT_ONCE_RECORDS`, not pooled) as buckets of people merged one at
/// a time, so that memory is bounded as agency batches bound it. Bucketing
/// partitions the records by person key, so every person's records are
/// merged together and the union of the buckets' merges is the quarter's
/// merge: the same records, hence the same measurements.
fn sources_of(
    store: &Store,
    tables: &[&TableDef],
    periods: &[String],
    agencies: Option<&[String]>,
    withhold_never: bool,
    linked: Option<&coverage::Linked>,
) -> Result<Vec<Source>, ReleaseError> {
    let source = tables[0].source;
    let classified = tables.iter().any(|t| t.classified);
    let mut sources: Vec<Source> = Vec::new();
    for period in periods {
        let mut of_period = store.canonical_submissions(source, period, agencies)?;
        if withhold_never {
            // Agencies whose profile says their returns are never published.
            let never = store.returns_withheld(period)?;
            of_period.retain(|(r, _)| !never.contains(&r.agency));
        }
        if of_period.is_empty() {
            return Err(ReleaseError::NoInputs {
                kind: source.as_str(),
                period: period.clone(),
            });
        }
        let Some(l) = linked else {
            sources.extend(of_period.into_iter().map(|(r, lf)| Source {
                period: period.clone(),
                records: r.records,
                receipts: vec![r],
                frame: Records::Lazy(lf),
            }));
            continue;
        };
        // Tables that need no definitions read a few columns: only those
        // are read and merged. (The definitions read many.)
        let columns = (!classified).then(|| table_columns(tables));
        let records: u64 = of_period.iter().map(|(r, _)| r.records).sum();
        let receipts: Vec<_> = of_period.iter().map(|(r, _)| r.clone()).collect();
        if records > linked::AT_ONCE_RECORDS && periods.len() == 1 {
            let buckets = records.div_ceil(linked::BUCKET_RECORDS);
            let submissions = std::rc::Rc::new(of_period);
            for index in 0..buckets {
                sources.push(Source {
                    period: period.clone(),
                    // The inputs are listed once.
                    receipts: if index == 0 {
                        receipts.clone()
                    } else {
                        Vec::new()
                    },
                    records: linked::BUCKET_RECORDS,
                    frame: Records::Bucket {
                        submissions: submissions.clone(),
                        columns: columns.clone(),
                        bucket: (index, buckets),
                    },
                });
            }
            continue;
        }
        let merged = linked::merged_quarter(&of_period, l, columns.as_deref())?;
        sources.push(Source {
            period: period.clone(),
            receipts,
            records: merged.height() as u64,
            frame: Records::Lazy(merged.lazy()),
        });
    }
    Ok(sources)
}

/// Records prepared for one or more tables: the frame (unit, then every
/// distinct prepared column), the expression each column holds, and the
/// submissions read.
pub(super) struct Shared {
    frame: DataFrame,
    kept: Vec<(Expr, PlSmallStr)>,
    pub(super) inputs: Vec<crate::store::Receipt>,
}

impl Shared {
    /// What `table` receives: the shared frame (its columns are shared, not
    /// copied) with the table's parts' columns; None when some column of the
    /// table was not prepared here.
    pub(super) fn for_table(&self, table: &TableDef) -> Option<Prepared> {
        Some(Prepared {
            frame: self.frame.clone(),
            parts: self.columns_of(table)?,
            inputs: self.inputs.clone(),
        })
    }

    /// Whether every column `table` uses was prepared here.
    pub(super) fn serves(&self, table: &TableDef) -> bool {
        self.columns_of(table).is_some()
    }

    /// Each part's columns of the frame, with the names the part gives them.
    fn columns_of(&self, table: &TableDef) -> Option<Vec<PartColumns>> {
        table
            .parts
            .iter()
            .map(|part| {
                encoded_columns(part)
                    .into_iter()
                    .map(|(e, name)| {
                        let (_, column) = self.kept.iter().find(|(k, _)| *k == e)?;
                        Some((column.clone(), name))
                    })
                    .collect::<Option<PartColumns>>()
            })
            .collect()
    }
}

/// The canonical columns the tables' parts read (before any classification).
fn table_columns(tables: &[&TableDef]) -> Vec<PlSmallStr> {
    let canonical = crate::schema::canonical_schema(tables[0].source);
    let mut out: Vec<PlSmallStr> = Vec::new();
    for part in tables.iter().flat_map(|t| &t.parts) {
        for e in &part.prepare[1..] {
            for name in e.clone().meta().root_names() {
                if canonical.contains(&name) && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// What a span merge reads of an agency's records for tables that need
/// no definitions: who the person is, and the tables' own columns.
fn span_columns(tables: &[&TableDef]) -> Vec<Expr> {
    let mut names: Vec<PlSmallStr> = ["agency", "person_key", "quarter"]
        .map(PlSmallStr::from)
        .to_vec();
    for n in table_columns(tables) {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.into_iter().map(col).collect()
}

/// The columns of the records the tables' parts read, after `first`.
fn needed_columns(tables: &[&TableDef], available: &Schema, first: &[&str]) -> Vec<Expr> {
    let mut needed: Vec<PlSmallStr> = first.iter().map(|c| PlSmallStr::from(*c)).collect();
    for part in tables.iter().flat_map(|t| &t.parts) {
        for e in &part.prepare[1..] {
            for name in e.clone().meta().root_names() {
                if available.contains(&name) && !needed.contains(&name) {
                    needed.push(name);
                }
            }
        }
    }
    needed.into_iter().map(col).collect()
}

/// A part's prepared columns after the unit, encoded as OpenDP receives
/// them, with the names the part gives them.
fn encoded_columns(part: &tables::Part) -> Vec<(Expr, PlSmallStr)> {
    let enums = part.spec.enum_dims();
    part.prepare[1..]
        .iter()
        .zip(part_outputs(part))
        .map(|(e, name)| {
            let e = match enums.iter().find(|(d, _)| d.as_str() == name.as_str()) {
                Some((_, dtype)) => e.clone().cast(dtype.clone()),
                None => e.clone(),
            };
            (e, name)
        })
        .collect()
}

/// How many distinct prepared columns the tables' parts have.
pub(super) fn kept_column_count(tables: &[&TableDef]) -> usize {
    kept_columns(tables).len()
}

/// Every distinct prepared column of the tables' parts, each named `i/name`.
fn kept_columns(tables: &[&TableDef]) -> Vec<(Expr, PlSmallStr)> {
    let mut kept: Vec<(Expr, PlSmallStr)> = Vec::new();
    for part in tables.iter().flat_map(|t| &t.parts) {
        for (e, name) in encoded_columns(part) {
            if !kept.iter().any(|(k, _)| *k == e) {
                let column = PlSmallStr::from(format!("{}/{name}", kept.len()));
                kept.push((e, column));
            }
        }
    }
    kept
}

/// Stack frames of the same schema into one with a single chunk per column
/// (what polars' sorted group-by takes), one column at a time, so that the
/// copy costs at most one column's memory on top of the frames.
fn one_chunk_per_column(mut frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let names = frames[0].get_column_names_owned();
    let mut columns = Vec::with_capacity(names.len());
    for name in names {
        let mut pieces = frames.iter_mut().map(|f| f.drop_in_place(&name));
        let mut whole = pieces
            .next()
            .expect("one frame at least")?
            .take_materialized_series();
        for piece in pieces {
            whole.append_owned(piece?.take_materialized_series())?;
        }
        columns.push(whole.rechunk().into_column());
    }
    DataFrame::new(columns)
}

/// A table's records with the columns its parts use, read and classified at
/// once, without a unit: what plain polars would group (benchmark comparator).
#[cfg(any(test, feature = "testing"))]
fn plain_records(
    store: &Store,
    defs: &DefinitionSet,
    table: &TableDef,
    period: &str,
) -> Result<LazyFrame, ReleaseError> {
    let (records, _) = store.canonical_records(table.source, period, None)?;
    let mut records = if table.classified {
        classify(records, defs)
    } else {
        records
    };
    let available = records.collect_schema()?;
    let needed = needed_columns(&[table], &available, &[]);
    Ok(records.select(needed).collect()?.lazy())
}

/// A standard table under a key layout and its records of one period, prepared (tests and benchmarks).
#[cfg(any(test, feature = "testing"))]
fn one_period(
    store: &Store,
    defs: &DefinitionSet,
    table_name: &str,
    period: &str,
    layout: &Layout,
) -> Result<(TableDef, Prepared), ReleaseError> {
    over_quarters(store, defs, table_name, &[period.to_string()], layout)
}

/// A standard table and its records of some quarters (one record per
/// person over them when several), prepared (tests and benchmarks).
#[cfg(any(test, feature = "testing"))]
fn over_quarters(
    store: &Store,
    defs: &DefinitionSet,
    table_name: &str,
    quarters: &[String],
    layout: &Layout,
) -> Result<(TableDef, Prepared), ReleaseError> {
    let table = tables::table_in(table_name, defs, Accounting::Zcdp, layout)
        .ok_or_else(|| ReleaseError::UnknownTable(table_name.into()))?;
    let prepared = prepared(
        store,
        defs,
        &table,
        quarters,
        None,
        false,
        layout.linkage.as_ref(),
    )?;
    Ok((table, prepared))
}

/// [`exact_cells_in`] over a pool of quarters: the exact cells a pooled
/// release estimates, each person once over them. National margins carry
/// the province key [`tables::NATIONAL`], as released. For tests and
/// benchmarks only: never released.
#[cfg(any(test, feature = "testing"))]
pub fn exact_cells_over(
    store: &Store,
    defs: &DefinitionSet,
    table_name: &str,
    quarters: &[String],
    layout: &Layout,
) -> Result<DataFrame, ReleaseError> {
    let (table, prepared) = over_quarters(store, defs, table_name, quarters, layout)?;
    let mut frames = Vec::new();
    for (i, part) in table.parts.iter().enumerate() {
        let mut df = part.spec.exact(prepared.part(i))?.lazy();
        if part.national {
            let names = df.collect_schema()?;
            if names.contains("margin") {
                df = df.drop(by_name(["margin"], true));
            }
            df = df.with_column(lit(tables::NATIONAL).alias("province"));
        }
        frames.push(df.with_column(lit(part.label.clone()).alias("part")));
    }
    Ok(concat(
        frames,
        UnionArgs {
            diagonal: true,
            ..Default::default()
        },
    )?
    .collect()?)
}

/// The exact (noise-free) cells a release with this key layout (coverage,
/// linkage) estimates, through the release's own preparation and
/// truncation. For tests only: never released.
#[cfg(any(test, feature = "testing"))]
pub fn exact_cells_in(
    store: &Store,
    defs: &DefinitionSet,
    table_name: &str,
    period: &str,
    layout: &Layout,
) -> Result<DataFrame, ReleaseError> {
    let (table, prepared) = one_period(store, defs, table_name, period, layout)?;
    let mut frames = Vec::new();
    for (i, part) in table.parts.iter().enumerate() {
        let df = part.spec.exact(prepared.part(i))?;
        frames.push(df.lazy().with_column(lit(part.label.clone()).alias("part")));
    }
    Ok(concat(frames, UnionArgs::default())?.collect()?)
}

/// The exact (noise-free) cells a release estimates. For tests and benchmarks only: never released.
/// With `truncate = false`, the plain polars group-bys a release is compared with.
#[cfg(any(test, feature = "testing"))]
pub fn exact_cells(
    store: &Store,
    defs: &DefinitionSet,
    table_name: &str,
    period: &str,
    truncate: bool,
) -> Result<DataFrame, ReleaseError> {
    if truncate {
        return exact_cells_in(store, defs, table_name, period, &Layout::default());
    }
    let table = tables::table(table_name, defs, Accounting::Zcdp)
        .ok_or_else(|| ReleaseError::UnknownTable(table_name.into()))?;
    let mut frames = Vec::new();
    // Plain polars needs no privacy unit: every part's first column is the unit, left out.
    let records = plain_records(store, defs, &table, period)?;
    for part in &table.parts {
        let df = part
            .spec
            .plain(records.clone().select(&part.prepare[1..]))?;
        frames.push(df.lazy().with_column(lit(part.label.clone()).alias("part")));
    }
    Ok(concat(frames, UnionArgs::default())?.collect()?)
}

/// Every part of a standard table as OpenDP would receive it (the prepared
/// frame: unit, dimensions, value) with its measurement spec. For the
/// cross-language benchmark only (`benches/release.rs` exports them for
/// `benches/release_opendp.py`); never released.
#[doc(hidden)]
#[cfg(any(test, feature = "testing"))]
pub fn prepared_parts(
    store: &Store,
    defs: &DefinitionSet,
    table_name: &str,
    period: &str,
) -> Result<Vec<(String, DataFrame, crate::privacy::MeasurementSpec)>, ReleaseError> {
    prepared_parts_in(store, defs, table_name, period, &Layout::default())
}

/// [`prepared_parts`] under a key layout (coverage, linkage): what OpenDP
/// would receive from a release with that layout. For tests and benchmarks only.
#[doc(hidden)]
#[cfg(any(test, feature = "testing"))]
pub fn prepared_parts_in(
    store: &Store,
    defs: &DefinitionSet,
    table_name: &str,
    period: &str,
    layout: &Layout,
) -> Result<Vec<(String, DataFrame, crate::privacy::MeasurementSpec)>, ReleaseError> {
    let (table, prepared) = one_period(store, defs, table_name, period, layout)?;
    table
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // As text, which the Python comparator reads.
            let text: Vec<Expr> = p
                .spec
                .enum_dims()
                .iter()
                .map(|(d, _)| col(d.as_str()).cast(DataType::String))
                .collect();
            let df = prepared.part(i).with_columns(text).collect()?;
            Ok((p.label.clone(), df, p.spec.clone()))
        })
        .collect()
}

/// Each part's frame as OpenDP receives it (unit, dimensions, value), for
/// every one of `tables` (standard tables of one source) prepared together
/// over `quarters`: (table, part, frame). With one table, its frames
/// prepared alone. For tests only: never released.
#[doc(hidden)]
#[cfg(any(test, feature = "testing"))]
pub fn part_frames(
    store: &Store,
    defs: &DefinitionSet,
    table_names: &[&str],
    quarters: &[String],
    layout: &Layout,
) -> Result<Vec<(String, String, DataFrame)>, ReleaseError> {
    let tables = table_names
        .iter()
        .map(|name| {
            tables::table_in(name, defs, Accounting::Zcdp, layout)
                .ok_or_else(|| ReleaseError::UnknownTable(name.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let refs: Vec<&TableDef> = tables.iter().collect();
    let shared = prepared_together(
        store,
        defs,
        &refs,
        quarters,
        None,
        false,
        layout.linkage.as_ref(),
    )?;
    let mut out = Vec::new();
    for (name, table) in table_names.iter().zip(&tables) {
        let prepared = shared.for_table(table).expect("prepared together");
        for (i, part) in table.parts.iter().enumerate() {
            out.push((
                name.to_string(),
                part.label.clone(),
                prepared.part(i).collect()?,
            ));
        }
    }
    Ok(out)
}

/// A linked quarter's records merged at once and merged in `buckets`
/// buckets one at a time (their union), each sorted by every column, for
/// the test that bucketing changes nothing. For tests only: never released.
#[doc(hidden)]
#[cfg(any(test, feature = "testing"))]
pub fn linked_merge_whole_and_in_buckets(
    store: &Store,
    quarter: &str,
    layout: &Layout,
    buckets: u64,
) -> Result<(DataFrame, DataFrame), ReleaseError> {
    let linked = layout.linkage.as_ref().expect("a linked layout");
    let submissions =
        store.canonical_submissions(crate::schema::ExtractKind::Cases, quarter, None)?;
    let whole = linked::merged_quarter(&submissions, linked, None)?;
    let mut parts = Vec::new();
    for index in 0..buckets {
        parts.push(linked::merged_bucket(&submissions, linked, None, (index, buckets))?.lazy());
    }
    let union = concat(parts, UnionArgs::default())?.collect()?;
    let sorted = |df: DataFrame| -> Result<DataFrame, ReleaseError> {
        let by: Vec<PlSmallStr> = df.get_column_names_owned();
        Ok(df.sort(by, SortMultipleOptions::default().with_nulls_last(true))?)
    };
    Ok((sorted(whole)?, sorted(union)?))
}

//! Running a pass: rows read (in shares, by forks merged back in file order), derived values, unknown-code tallies, and the canonical frame finished.

use super::*;

impl<'p> Pass<'p> {
    /// Read every row. A large CSV extract is read in shares by `threads`
    /// workers, every share by a fork of this pass that also builds its
    /// columns; the forks are merged back in file order, so the result is
    /// that of one pass through the file.
    pub(super) fn run(
        &mut self,
        source: &mut dyn RowSource,
        threads: usize,
        report: &mut Report,
    ) -> Result<(), ReadError> {
        // Returns are small, and a second row for a quarter is refused as it is met.
        // A few shares per thread, so that a thread that finishes early takes another.
        let shares = match self.kind {
            ExtractKind::Cases if threads > 1 => source.shares(threads * 4),
            _ => None,
        };
        let Some(shares) = shares else {
            return self.read_rows(source, report);
        };
        // Each worker takes the next share still to read, reads it with a fork
        // of this pass and builds its columns, so fast and slow cores even out
        // and the columns of early shares are built while later ones are read.
        let count = shares.len();
        let queue = std::sync::Mutex::new(shares.into_iter().enumerate());
        let this = &*self;
        let mut read: Vec<_> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.min(count))
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let next = queue.lock().map(|mut q| q.next());
                            let Ok(Some((i, mut share))) = next else {
                                break;
                            };
                            let (pass, share_report, result) = this.read_share_alone(&mut share);
                            done.push((i, pass, share_report, result, share));
                        }
                        done
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("intake worker"))
                .collect()
        });
        read.sort_by_key(|(i, ..)| *i);
        // Keep a share only if it began where the share before it ended; a
        // split inside a quoted cell means reading that share again from there.
        let mut next_start = Some(0);
        for (_, mut pass, mut share_report, mut result, share) in read {
            let Some(start) = next_start else { break };
            if start != share.start() {
                let mut again = share.restart_at(start);
                (pass, share_report, result) = self.read_share_alone(&mut again);
                next_start = again.reached();
            } else {
                next_start = share.reached();
            }
            self.absorb(pass, share_report, report);
            result?;
        }
        if report.rows_read == 0 {
            return Err(ReadError::NoRows);
        }
        Ok(())
    }

    pub(super) fn read_rows(
        &mut self,
        source: &mut dyn RowSource,
        report: &mut Report,
    ) -> Result<(), ReadError> {
        let mut record = csv::StringRecord::new();
        while let Some(row) = source.next_row(&mut record)? {
            self.process(row, &Cells::Record(&record), report);
        }
        Ok(())
    }

    /// Build the columns of the rows read so far, and start new builders.
    pub(super) fn build_read_rows(&mut self) {
        if self.rows_accepted == self.rows_built {
            return;
        }
        let defs: Vec<&FieldDef> = self.plans.iter().map(|p| p.def).collect();
        let builders = self
            .plans
            .iter_mut()
            .map(|p| {
                let empty = p.builder.empty_like();
                std::mem::replace(&mut p.builder, empty)
            })
            .collect();
        self.built.push(build_frame(&defs, builders));
        self.rows_built = self.rows_accepted;
    }

    /// Read one share with a fork of this pass, free the file's pages it
    /// read, and build its columns.
    pub(super) fn read_share_alone(
        &self,
        share: &mut Share,
    ) -> (Pass<'p>, Report, Result<(), ReadError>) {
        let mut pass = self.fork();
        let mut report = Report::new(String::new(), String::new(), String::new(), self.kind);
        let result = pass.read_share(share, &mut report);
        share.release();
        pass.build_read_rows();
        (pass, report, result)
    }

    pub(super) fn read_share(
        &mut self,
        share: &mut Share,
        report: &mut Report,
    ) -> Result<(), ReadError> {
        let mut record = csv::StringRecord::new();
        while let Some((row, cells)) = share.next_cells(&mut record)? {
            self.process(row, &cells, report);
        }
        Ok(())
    }

    /// One row: identifier scan, shape check, then the fields.
    pub(super) fn process(&mut self, row: u64, record: &Cells, report: &mut Report) {
        report.rows_read += 1;
        for (i, scan) in self.scans.iter_mut() {
            if let Some(cell) = record.get(*i) {
                scan.observe(row, cell);
            }
        }
        for (i, _, count, rows) in self.header_findings.iter_mut() {
            if record.get(*i).is_some_and(|c| !c.trim().is_empty()) {
                *count += 1;
                if rows.len() < guard::ROWS_SHOWN {
                    rows.push(row);
                }
            }
        }
        if record.len() != self.width {
            let (code, what) = if record.len() > self.width {
                (ErrorCode::ExtraCell, "more")
            } else {
                (ErrorCode::MissingCell, "fewer")
            };
            report.error(
                Some(row),
                None,
                None,
                code,
                format!(
                    "this row has {} cells, {what} than the {} columns of the header; a value probably contains the delimiter without quotes, or a cell was lost. Fix the row in the source system and export again",
                    record.len(),
                    self.width
                ),
            );
            return;
        }
        self.row(row, record, report);
    }

    /// A copy of this pass with the same plan and nothing accumulated.
    pub(super) fn fork(&self) -> Pass<'p> {
        Pass {
            profile: self.profile,
            kind: self.kind,
            truthy: self.truthy.clone(),
            falsy: self.falsy.clone(),
            quarter_option: self.quarter_option.clone(),
            labels: self.labels.clone(),
            width: self.width,
            person_key: self.person_key,
            plans: self
                .plans
                .iter()
                .map(|p| FieldPlan {
                    def: p.def,
                    source: p.source.clone(),
                    builder: p.builder.empty_like(),
                })
                .collect(),
            gz: self.gz.clone(),
            scans: self
                .scans
                .iter()
                .map(|(i, _)| (*i, ColumnScan::default()))
                .collect(),
            header_findings: self
                .header_findings
                .iter()
                .map(|(i, k, _, _)| (*i, *k, 0, Vec::new()))
                .collect(),
            unknown: HashMap::new(),
            built: Vec::new(),
            keys_seen: PlHashSet::default(),
            key_hashes: Vec::new(),
            key_hasher: self.key_hasher.clone(),
            rows_accepted: 0,
            rows_built: 0,
            birth_year_without_quarter: false,
        }
    }

    /// Merge a fork's rows and findings into this pass, and its report into `report`.
    pub(super) fn absorb(
        &mut self,
        mut other: Pass<'p>,
        other_report: Report,
        report: &mut Report,
    ) {
        other.build_read_rows();
        self.build_read_rows();
        self.built.append(&mut other.built);
        self.rows_built += other.rows_built;
        for ((_, mine), (_, theirs)) in self.scans.iter_mut().zip(other.scans) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.header_findings.iter_mut().zip(other.header_findings) {
            mine.2 += theirs.2;
            mine.3.extend(theirs.3);
            mine.3.sort_unstable();
            mine.3.truncate(guard::ROWS_SHOWN);
        }
        for (key, tally) in other.unknown {
            let mine = self.unknown.entry(key).or_insert(UnknownTally {
                count: 0,
                rows: Vec::new(),
            });
            mine.count += tally.count;
            mine.rows.extend(tally.rows);
            mine.rows.sort_unstable();
            mine.rows.truncate(5);
        }
        self.keys_seen.extend(other.keys_seen);
        self.key_hashes.extend(other.key_hashes);
        self.rows_accepted += other.rows_accepted;
        self.birth_year_without_quarter |= other.birth_year_without_quarter;
        report.absorb(other_report);
    }

    pub(super) fn cell<'r>(
        &self,
        record: &Cells<'r>,
        col: usize,
        row: u64,
        field: &str,
        report: &mut Report,
    ) -> &'r str {
        let raw = trimmed(record.get(col).unwrap_or(""));
        if looks_like_formula(raw) {
            report.error(
                Some(row),
                Some(&self.labels[col]),
                Some(field),
                ErrorCode::FormulaCell,
                "this cell starts like a spreadsheet formula (=, +, - or @); safecount never evaluates formulas. Export values only (in Excel: copy, then paste as values)".into(),
            );
            return "";
        }
        raw
    }

    pub(super) fn tally_unknown(&mut self, field: usize, col: usize, value: &str, row: u64) {
        let tally = self
            .unknown
            .entry((field, col, value.to_string()))
            .or_insert(UnknownTally {
                count: 0,
                rows: Vec::new(),
            });
        tally.count += 1;
        if tally.rows.len() < 5 {
            tally.rows.push(row);
        }
    }

    pub(super) fn derive(&mut self, row: u64, record: &Cells, report: &mut Report) -> Derived {
        let mut d = Derived::default();
        // Quarter: a quarter column (read with the fields), a date, or the submission's quarter.
        if let Some(col) = self.gz.date {
            let raw = self.cell(record, col, row, "quarter", report);
            if raw.is_empty() {
                report.error(
                    Some(row),
                    Some(&self.labels[col]),
                    Some("quarter"),
                    ErrorCode::ConstraintError,
                    "the date is empty; every row needs the date that places it in a quarter"
                        .into(),
                );
            } else {
                match parse_date(raw, &self.gz.date_format) {
                    Ok(date) => d.quarter = Some(quarter_of(date)),
                    Err(DateProblem::NoSuchDay) => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("quarter"),
                        ErrorCode::ConstraintError,
                        "this day does not exist in the calendar (for example 30 February or 31 April): check the day and the month".into(),
                    ),
                    Err(DateProblem::Format) => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("quarter"),
                        ErrorCode::TypeError,
                        format!("the date is not in the profile's format {} (set `date_format` in the profile)", self.gz.date_format),
                    ),
                }
            }
        }
        let quarter_year = d
            .quarter
            .as_deref()
            .or(self.quarter_option.as_deref())
            .and_then(parse_quarter)
            .map(|(y, _)| y);
        let age = |pass: &Self, col: usize, field: &str, report: &mut Report| -> Option<u32> {
            let raw = pass.cell(record, col, row, field, report);
            if raw.is_empty() {
                return None;
            }
            match parse_int(raw) {
                Some(a) if (0..=120).contains(&a) => Some(a as u32),
                _ => {
                    report.error(
                        Some(row),
                        Some(&pass.labels[col]),
                        Some(field),
                        ErrorCode::TypeError,
                        "an age must be a whole number of years from 0 to 120".into(),
                    );
                    None
                }
            }
        };
        if let Some(col) = self.gz.age {
            d.age_band = Some(
                age(self, col, "age_band", report)
                    .map(codes::age_band_for)
                    .unwrap_or("not_collected"),
            );
        }
        if let Some(col) = self.gz.age_at_recruitment {
            d.minor = Some(match age(self, col, "minor_at_recruitment", report) {
                Some(a) if a < 18 => "yes",
                Some(_) => "no",
                None => "not_collected",
            });
        }
        if let Some(col) = self.gz.birth_year {
            let raw = self.cell(record, col, row, "age_band", report);
            d.age_band = Some("not_collected");
            if !raw.is_empty() {
                match (parse_int(raw), quarter_year) {
                    (Some(by), Some(year)) if (1900..=year as i64).contains(&by) => {
                        d.age_band = Some(codes::age_band_for((year as i64 - by) as u32));
                    }
                    (Some(_), None) => self.birth_year_without_quarter = true,
                    _ => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("age_band"),
                        ErrorCode::TypeError,
                        "a birth year must be a four-digit year not after the reporting quarter"
                            .into(),
                    ),
                }
            }
        }
        if let Some(col) = self.gz.postal {
            let raw = self.cell(record, col, row, "fsa", report);
            let compact: String = raw
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect::<String>()
                .to_uppercase();
            if !compact.is_empty() {
                let fsa = compact.get(..3).unwrap_or("");
                let ok = codes::is_fsa(fsa) && (compact.len() == 3 || compact.len() == 6);
                if ok {
                    d.fsa_province = codes::province_of_fsa(fsa);
                    d.fsa = Some(fsa.to_string());
                } else {
                    report.error(Some(row), Some(&self.labels[col]), Some("fsa"), ErrorCode::ConstraintError, "this is not a Canadian postal code (letter digit letter, digit letter digit)".into());
                }
            }
        }
        d
    }

    pub(super) fn finish(mut self, report: &mut Report) -> Option<DataFrame> {
        self.build_read_rows();
        let Pass {
            plans,
            built,
            scans,
            header_findings,
            unknown,
            labels,
            mut key_hashes,
            kind,
            birth_year_without_quarter,
            ..
        } = self;
        // Identifier findings: by column name first, then by values.
        let mut flagged: HashSet<(usize, IdentifierKind)> = HashSet::new();
        for (col, kind, count, rows) in header_findings {
            flagged.insert((col, kind));
            report.identifiers.push(IdentifierReport {
                column: labels[col].clone(),
                kind,
                description: kind.describe(),
                detected_by: "column name",
                rows,
                count,
                fix: kind.fix(),
            });
        }
        for (col, scan) in &scans {
            for Finding {
                kind, rows, count, ..
            } in scan.findings()
            {
                if flagged.insert((*col, kind)) {
                    report.identifiers.push(IdentifierReport {
                        column: labels[*col].clone(),
                        kind,
                        description: kind.describe(),
                        detected_by: "values",
                        rows,
                        count,
                        fix: kind.fix(),
                    });
                }
            }
        }
        // Unknown codes, each once; a spelling that looks like personal data is withheld and reported as such.
        let mut unknown: Vec<_> = unknown.into_iter().collect();
        unknown.sort_by(|a, b| (a.0.0, a.0.1, a.1.rows[0]).cmp(&(b.0.0, b.0.1, b.1.rows[0])));
        for ((fi, col, value), tally) in unknown {
            let plan = &plans[fi];
            let list = plan.def.code_list().unwrap_or(&codes::SERVICE_CATEGORY);
            let detected = guard::detect(&value);
            let table = format!(
                "{}.fields.{}.{}",
                kind.as_str(),
                plan.def.name,
                match &plan.source {
                    Source::ServicesLong { cat_col, .. } if *cat_col == col => "category_values",
                    Source::ServicesLong { .. } | Source::ServicesWide { .. } => "status_values",
                    _ => "values",
                }
            );
            let mapper = match &plan.source {
                Source::Code { mapper, .. } | Source::Set { mapper, .. } => Some(mapper),
                Source::ServicesWide { status, .. } => Some(status),
                Source::ServicesLong {
                    cat_col,
                    cat,
                    status,
                    ..
                } => Some(if *cat_col == col { cat } else { status }),
                _ => None,
            };
            if let Some((id_kind, _)) = detected {
                report.identifiers.push(IdentifierReport {
                    column: labels[col].clone(),
                    kind: id_kind,
                    description: id_kind.describe(),
                    detected_by: "values",
                    rows: tally.rows.clone(),
                    count: tally.count,
                    fix: id_kind.fix(),
                });
                continue;
            }
            report
                .error_counts
                .entry(ErrorCode::UnknownCode.as_str())
                .and_modify(|n| *n += tally.count)
                .or_insert(tally.count);
            if report.unknown_codes.len() >= MAX_UNKNOWN_LISTED {
                report.unknown_codes_not_listed += 1;
                continue;
            }
            let suggestion = mapper.and_then(|m| m.suggest(&value));
            let allowed: Vec<&'static str> = mapper
                .map(|m| m.list.codes.to_vec())
                .unwrap_or_else(|| list.codes.to_vec());
            // Shown only when it looks like a code; anything else might be a
            // name or a note typed into the wrong column, and is withheld.
            let shown = guard::looks_like_code(&value, suggestion.is_some()).then_some(value);
            report.unknown_codes.push(UnknownCode {
                field: plan.def.name.to_string(),
                column: labels[col].clone(),
                profile_line: shown.as_ref().map(|value| {
                    format!(
                        "\"{}\" = \"{}\"",
                        value.replace('"', "\\\""),
                        suggestion.unwrap_or("<one of the allowed codes>")
                    )
                }),
                value: shown,
                count: tally.count,
                rows: tally.rows,
                profile_table: table,
                allowed,
            });
        }
        if birth_year_without_quarter {
            report.error(None, None, Some("age_band"), ErrorCode::ConstraintError, "birth years can only be turned into age bands when the quarter is known: give --quarter".into());
        }
        if report.rows_read == 0 {
            return None;
        }
        let mut frames = built.into_iter();
        let mut df = match frames.next() {
            Some(frame) => frame.ok()?,
            None => {
                let defs: Vec<&FieldDef> = plans.iter().map(|p| p.def).collect();
                build_frame(&defs, plans.into_iter().map(|p| p.builder).collect()).ok()?
            }
        };
        for frame in frames {
            df.vstack_mut_owned(frame.ok()?).ok()?;
        }
        key_hashes.sort_unstable();
        let duplicates = key_hashes.windows(2).any(|w| w[0] == w[1]);
        let df = if duplicates && kind == ExtractKind::Cases {
            merge_people(df, report)
        } else {
            Some(df)
        };
        if let Some(df) = &df {
            report.records = df.height() as u64;
            if df
                .column("quarter")
                .is_ok_and(|q| q.null_count() == df.height())
            {
                report.warnings.push(
                    "the file has no quarter column or date: give --quarter when submitting".into(),
                );
            }
        }
        df
    }
}

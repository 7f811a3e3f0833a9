//! Reading every row through the plan: in one pass, or in shares read by one
//! [`Accumulator`] each and merged back in file order; each row's identifier
//! scan and shape check before its fields are converted.

use super::*;

impl<'p> Plan<'p> {
    /// Read every row into `rows`. A large CSV extract is read in shares by
    /// `threads` workers, every share into its own accumulator that also
    /// builds its columns; they are merged back in file order, so the result
    /// is that of one pass through the file.
    pub(super) fn run(
        &self,
        rows: &mut Accumulator,
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
            return self.read_rows(rows, source, report);
        };
        // Each worker takes the next share still to read, reads it and builds
        // its columns, so fast and slow cores even out and the columns of
        // early shares are built while later ones are read.
        let count = shares.len();
        let queue = std::sync::Mutex::new(shares.into_iter().enumerate());
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
                            let (acc, share_report, result) = self.read_share_alone(&mut share);
                            done.push((i, acc, share_report, result, share));
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
        for (_, mut acc, mut share_report, mut result, share) in read {
            let Some(start) = next_start else { break };
            if start != share.start() {
                let mut again = share.restart_at(start);
                (acc, share_report, result) = self.read_share_alone(&mut again);
                next_start = again.reached();
            } else {
                next_start = share.reached();
            }
            rows.absorb(self, acc, share_report, report);
            result?;
        }
        if report.rows_read == 0 {
            return Err(ReadError::NoRows);
        }
        Ok(())
    }

    fn read_rows(
        &self,
        rows: &mut Accumulator,
        source: &mut dyn RowSource,
        report: &mut Report,
    ) -> Result<(), ReadError> {
        let mut record = csv::StringRecord::new();
        while let Some(row) = source.next_row(&mut record)? {
            self.process(rows, row, &Cells::Record(&record), report);
        }
        Ok(())
    }

    /// Read one share into a new accumulator, free the file's pages it read,
    /// and build its columns.
    fn read_share_alone(&self, share: &mut Share) -> (Accumulator, Report, Result<(), ReadError>) {
        let mut rows = Accumulator::new(self);
        let mut report = Report::new(String::new(), String::new(), String::new(), self.kind);
        let mut record = csv::StringRecord::new();
        let result = loop {
            match share.next_cells(&mut record) {
                Ok(Some((row, cells))) => self.process(&mut rows, row, &cells, &mut report),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        share.release();
        rows.build_read_rows(self);
        (rows, report, result)
    }

    /// One row: identifier scan, shape check, then the fields.
    fn process(&self, rows: &mut Accumulator, row: u64, record: &Cells, report: &mut Report) {
        report.rows_read += 1;
        for (i, scan) in rows.scans.iter_mut() {
            if let Some(cell) = record.get(*i) {
                scan.observe(row, cell);
            }
        }
        for (i, _, count, found) in rows.header_findings.iter_mut() {
            if record.get(*i).is_some_and(|c| !c.trim().is_empty()) {
                *count += 1;
                if found.len() < guard::ROWS_SHOWN {
                    found.push(row);
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
                Message::new("intake-row-cells")
                    .with("cells", record.len())
                    .with("more", what)
                    .with("columns", self.width),
            );
            return;
        }
        self.row(rows, row, record, report);
    }

    /// The canonical frame of every row read, people's rows merged, and the
    /// findings reported.
    pub(super) fn finish(&self, mut rows: Accumulator, report: &mut Report) -> Option<DataFrame> {
        rows.build_read_rows(self);
        let Accumulator {
            builders,
            built,
            scans,
            header_findings,
            unknown,
            mut key_hashes,
            birth_year_without_quarter,
            ..
        } = rows;
        self.report_identifiers(header_findings, &scans, report);
        self.report_unknown_codes(unknown, report);
        if birth_year_without_quarter {
            report.error(
                None,
                None,
                Some("age_band"),
                ErrorCode::ConstraintError,
                Message::new("intake-birth-year-needs-quarter"),
            );
        }
        if report.rows_read == 0 {
            return None;
        }
        let mut frames = built.into_iter();
        let mut df = match frames.next() {
            Some(frame) => frame.ok()?,
            None => {
                let defs: Vec<&FieldDef> = self.fields.iter().map(|f| f.def).collect();
                build_frame(&defs, builders).ok()?
            }
        };
        for frame in frames {
            df.vstack_mut_owned(frame.ok()?).ok()?;
        }
        key_hashes.sort_unstable();
        let duplicates = key_hashes.windows(2).any(|w| w[0] == w[1]);
        let df = if duplicates && self.kind == ExtractKind::Cases {
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
                report
                    .warnings
                    .push(Message::new("intake-warning-no-quarter"));
            }
        }
        df
    }
}

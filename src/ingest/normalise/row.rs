//! One row through the plan: every field's cell converted by the converter of
//! its field's kind and pushed, or a problem reported. The row loop
//! dispatches on each field's [`Source`] and builder, never on its name; a
//! new field of an existing kind needs no code here.

use super::accumulator::UnknownCodes;
use super::*;

impl Plan<'_> {
    /// A cell, trimmed; a cell that looks like a spreadsheet formula is
    /// reported and read as empty.
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
                Message::new("intake-formula"),
            );
            return "";
        }
        raw
    }

    /// Convert one row of the right width into `rows`.
    pub(super) fn row(
        &self,
        rows: &mut Accumulator,
        row: u64,
        record: &Cells,
        report: &mut Report,
    ) {
        let mut derived = self.derive(row, record, report);
        rows.birth_year_without_quarter |= derived.birth_year_without_quarter;
        let mut row_quarter: Option<Cow<str>> = derived.quarter.take().map(Cow::Owned);
        let mut row_province: Option<&'static str> = None;
        let (mut row_settlement, mut fsa_settlement) = (None, None);
        let mut cx = RowReader {
            plan: self,
            record,
            row,
            report,
        };
        let Accumulator {
            builders,
            caches,
            unknown,
            ..
        } = rows;
        for (fi, ((field, builder), cache)) in self
            .fields
            .iter()
            .zip(builders.iter_mut())
            .zip(caches.iter_mut())
            .enumerate()
        {
            let name = field.def.name;
            let mut unknown = Unknowns {
                field: fi,
                tally: &mut *unknown,
            };
            match (&field.source, builder) {
                (Source::PersonKey, Builder::Keys(out)) => cx.person_key(name, out),
                (Source::Agency, Builder::Text(out)) => out.push(Some(&self.profile.agency.slug)),
                (Source::Quarter { col }, Builder::Text(out)) => {
                    row_quarter = cx.quarter(*col, name, row_quarter.take(), out)
                }
                (Source::Fsa { col }, Builder::Text(out)) => {
                    fsa_settlement = cx.fsa(*col, name, derived.fsa.as_deref(), out)
                }
                (source, Builder::Codes(out)) => {
                    let code = cx.code(name, source, &derived, &mut cache[0], &mut unknown, out);
                    if self.province == Some(fi) {
                        row_province = Some(code);
                    } else if self.settlement == Some(fi) {
                        row_settlement = Some(code);
                    }
                }
                (source, Builder::Bools(out)) => {
                    cx.set(name, source, &mut cache[0], &mut unknown, out)
                }
                (source, Builder::Services { needed, status }) => {
                    cx.services(name, source, cache, &mut unknown, needed, status)
                }
                (source, Builder::Ints(out)) => out.push(cx.integer(name, source)),
                (source, Builder::Floats(out)) => out.push(cx.decimal(name, source)),
                (_, Builder::Text(out)) => out.push(None),
                (_, Builder::Keys(out)) => out.push(None),
            }
        }
        self.settle_province(rows, &derived, row_province, row, report);
        self.settle_settlement(rows, fsa_settlement, row_settlement, row, report);
        self.check_key(rows, record, row_quarter.as_deref(), row, report);
        rows.rows_accepted += 1;
    }

    /// The FSA's first letter must agree with the province; a province the
    /// file does not know is settled by the postal code.
    fn settle_province(
        &self,
        rows: &mut Accumulator,
        derived: &Derived,
        row_province: Option<&'static str>,
        row: u64,
        report: &mut Report,
    ) {
        let (Some(fp), Some(p)) = (derived.fsa_province, row_province) else {
            return;
        };
        if !codes::PROVINCE.contains(p) {
            if let Some(Builder::Codes(out)) = self.province.map(|fi| &mut rows.builders[fi]) {
                out.set_last(fp);
            }
        } else if fp != p {
            report.error(
                Some(row),
                None,
                Some("province"),
                ErrorCode::ConstraintError,
                Message::new("intake-postal-province")
                    .with("postal", fp)
                    .with("province", p),
            );
        }
    }

    /// Urban or rural comes from the FSA: a settlement the file does not know
    /// is the FSA's, and one it gives must agree with it.
    fn settle_settlement(
        &self,
        rows: &mut Accumulator,
        from_fsa: Option<&'static str>,
        given: Option<&'static str>,
        row: u64,
        report: &mut Report,
    ) {
        let (Some(fsa), Some(given)) = (from_fsa, given) else {
            return;
        };
        if !codes::SETTLEMENT.contains(given) {
            if let Some(Builder::Codes(out)) = self.settlement.map(|fi| &mut rows.builders[fi]) {
                out.set_last(fsa);
            }
        } else if fsa != given {
            report.error(
                Some(row),
                None,
                Some("settlement"),
                ErrorCode::ConstraintError,
                Message::new("intake-fsa-settlement")
                    .with("fsa", fsa)
                    .with("settlement", given),
            );
        }
    }

    /// Several rows of one person are merged later; rows of one quarter of a return are not.
    fn check_key(
        &self,
        rows: &mut Accumulator,
        record: &Cells,
        quarter: Option<&str>,
        row: u64,
        report: &mut Report,
    ) {
        let key = match self.kind {
            ExtractKind::Cases => self.person_key.and_then(|c| record.get(c)).map(str::trim),
            ExtractKind::Returns => Some(""),
        };
        let Some(key) = key else { return };
        use std::hash::BuildHasher;
        let hash = self.key_hasher.hash_one((key, quarter));
        match self.kind {
            // Found by sorting once all rows are read: a set of a million
            // hashes would cost a cache miss per row.
            ExtractKind::Cases => rows.key_hashes.push(hash),
            ExtractKind::Returns => {
                if !rows.keys_seen.insert(hash) {
                    report.error(
                        Some(row),
                        None,
                        Some("quarter"),
                        ErrorCode::ConstraintError,
                        Message::new("intake-second-return-row"),
                    );
                }
            }
        }
    }
}

/// Where one field's unknown spellings are tallied.
struct Unknowns<'a> {
    field: usize,
    tally: &'a mut UnknownCodes,
}

impl Unknowns<'_> {
    fn note(&mut self, col: usize, value: &str, row: u64) {
        self.tally.tally(self.field, col, value, row);
    }
}

/// One row being converted: its cells, and where its problems go.
struct RowReader<'a, 'p, 'r> {
    plan: &'a Plan<'p>,
    record: &'a Cells<'r>,
    row: u64,
    report: &'a mut Report,
}

impl<'r> RowReader<'_, '_, 'r> {
    fn cell(&mut self, col: usize, field: &str) -> &'r str {
        self.plan
            .cell(self.record, col, self.row, field, self.report)
    }

    /// A problem with the cell in `col`.
    fn error(&mut self, col: usize, field: &str, code: ErrorCode, message: Message) {
        let label = self.plan.labels[col].as_str();
        self.report
            .error(Some(self.row), Some(label), Some(field), code, message);
    }

    fn person_key(&mut self, field: &str, out: &mut KeyColumn) {
        let Some(col) = self.plan.person_key else {
            return out.push(None);
        };
        let key = self.cell(col, field);
        if key.is_empty() {
            self.error(
                col,
                field,
                ErrorCode::ConstraintError,
                Message::new("intake-person-key-empty"),
            );
        } else if !is_pseudonym(key) {
            self.error(
                col,
                field,
                ErrorCode::ConstraintError,
                Message::new("intake-person-key-shape"),
            );
        } else if let Some(kind) = guard::person_key_reveals(key) {
            self.error(
                col,
                field,
                ErrorCode::IdentifyingLabel,
                Message::new("intake-person-key-personal").with("kind", kind),
            );
        }
        out.push(Some(key));
    }

    /// The row's quarter: its quarter column, else `fallback` (the quarter of
    /// its date), else the quarter being submitted, which it must agree with.
    fn quarter(
        &mut self,
        col: Option<usize>,
        field: &str,
        fallback: Option<Cow<'r, str>>,
        out: &mut InternColumn,
    ) -> Option<Cow<'r, str>> {
        let from_column = col.and_then(|col| {
            let raw = self.cell(col, field);
            match parse_quarter(raw) {
                // Already as safecount writes it (upper-case Q): kept as is.
                Some(_) if raw.as_bytes()[4] == b'Q' => Some(Cow::Borrowed(raw)),
                Some((y, q)) => Some(Cow::Owned(format_quarter(y, q))),
                None => {
                    self.error(
                        col,
                        field,
                        ErrorCode::TypeError,
                        Message::new("intake-quarter-format"),
                    );
                    None
                }
            }
        });
        let given = self.plan.quarter_option.as_deref();
        let q = from_column
            .or(fallback)
            .or_else(|| given.map(|g| Cow::Owned(g.to_string())));
        if let (Some(given), Some(q)) = (given, &q) {
            if given != q.as_ref() {
                self.report.quarter_mismatch(self.row, q.as_ref());
            }
        }
        out.push(q.as_deref());
        q
    }

    /// The FSA: its column (upper-cased and checked), else the one derived
    /// from a postal code. Returns its settlement (urban or rural).
    fn fsa(
        &mut self,
        col: Option<usize>,
        field: &str,
        derived: Option<&str>,
        out: &mut InternColumn,
    ) -> Option<&'static str> {
        let Some(col) = col else {
            out.push(derived);
            return derived.and_then(codes::settlement_of_fsa);
        };
        let raw = self.cell(col, field);
        let raw: Cow<str> = if raw
            .bytes()
            .any(|b| !b.is_ascii_uppercase() && !b.is_ascii_digit())
        {
            Cow::Owned(raw.to_uppercase())
        } else {
            Cow::Borrowed(raw)
        };
        if raw.is_empty() {
            out.push(None);
        } else if codes::is_fsa(&raw) {
            out.push(Some(&raw));
            return codes::settlement_of_fsa(&raw);
        } else {
            self.error(
                col,
                field,
                ErrorCode::ConstraintError,
                Message::new("intake-fsa-format"),
            );
            out.push(None);
        }
        None
    }

    /// A coded field: derived, constant, or mapped from its column (an
    /// unknown spelling is tallied and read as `not_collected`). Returns the code pushed.
    fn code(
        &mut self,
        field: &str,
        source: &Source,
        derived: &Derived,
        cache: &mut LookupCache,
        unknown: &mut Unknowns,
        out: &mut CodeColumn,
    ) -> &'static str {
        let code = match source {
            Source::Derived(Derivation::AgeBand) => derived.age_band,
            Source::Derived(Derivation::MinorAtRecruitment) => derived.minor,
            Source::Constant(c) => Some(*c),
            Source::Code { col, mapper, empty } => {
                let raw = self.cell(*col, field);
                if raw.is_empty() {
                    Some(*empty)
                } else {
                    match mapper.lookup(cache, raw) {
                        Some(Hit {
                            mapped: Mapped::Code(c),
                            slot,
                            ..
                        }) => {
                            out.push_hit(mapper.list, c, slot);
                            return c;
                        }
                        _ => {
                            unknown.note(*col, raw, self.row);
                            None
                        }
                    }
                }
            }
            _ => None,
        };
        let code = code.unwrap_or("not_collected");
        out.push(Some(code));
        code
    }

    /// A set field, from one cell of items or from one yes/no column per
    /// code: the codes present, one bit each; the set is unknown unless some
    /// item is known.
    fn set(
        &mut self,
        field: &str,
        source: &Source,
        cache: &mut LookupCache,
        unknown: &mut Unknowns,
        out: &mut MaskColumns,
    ) {
        let mut present = 0u32;
        let mut any_known = false;
        match source {
            Source::Set { col, sep, mapper } => {
                let raw = self.cell(*col, field);
                for item in split_items(raw, sep).map(trimmed).filter(|s| !s.is_empty()) {
                    match mapper.lookup(cache, item) {
                        Some(hit) if hit.is_missing() => {}
                        Some(hit) => {
                            any_known = true;
                            if let Some(i) = hit.index {
                                present |= 1 << i;
                            }
                        }
                        None => {
                            any_known = true;
                            unknown.note(*col, item, self.row);
                        }
                    }
                }
            }
            Source::Flags { cols } => {
                let plan = self.plan;
                for (col, code) in cols.iter() {
                    let raw = self.cell(*col, field);
                    if raw.is_empty() {
                        continue;
                    }
                    let f = fold(raw);
                    if plan.truthy.contains(&f) {
                        present |= 1 << *code;
                        any_known = true;
                    } else if plan.falsy.contains(&f) {
                        any_known = true;
                    } else {
                        self.error(
                            *col,
                            field,
                            ErrorCode::TypeError,
                            Message::new("intake-flag")
                                .with("truthy", plan.truthy.join(", "))
                                .with("falsy", plan.falsy.join(", ")),
                        );
                    }
                }
            }
            _ => {}
        }
        let known = if any_known { u32::MAX } else { 0 };
        out.push(present, known);
    }

    /// Services: which categories were needed (and whether that is known),
    /// and each one's status.
    fn services(
        &mut self,
        field: &str,
        source: &Source,
        caches: &mut [LookupCache; 2],
        unknown: &mut Unknowns,
        needed: &mut MaskColumns,
        status: &mut [CodeColumn],
    ) {
        // Needed: one bit per category, and whether it is known (all are, unless a cell says the need is unknown).
        let (mut need, mut known) = (0u32, 0u32);
        // Each category's status, with its slot when a mapper gave it.
        let mut stat: [Option<(&'static str, u8)>; 16] = [None; 16];
        let [cat_cache, status_cache] = caches;
        match source {
            Source::ServicesWide {
                cols,
                status: mapper,
            } => {
                known = u32::MAX;
                for (col, cat) in cols.iter() {
                    let raw = self.cell(*col, field);
                    if raw.is_empty() {
                        continue;
                    }
                    match mapper.lookup(status_cache, raw) {
                        Some(Hit {
                            mapped: Mapped::NoneOf,
                            ..
                        }) => {}
                        Some(hit) if hit.is_missing() => known &= !(1 << *cat),
                        Some(Hit {
                            mapped: Mapped::Code(c),
                            slot,
                            ..
                        }) => {
                            need |= 1 << *cat;
                            stat[*cat] = Some((c, slot));
                        }
                        None => unknown.note(*col, raw, self.row),
                    }
                }
            }
            Source::ServicesLong {
                cat_col,
                status_col,
                cat,
                status: mapper,
            } => {
                known = u32::MAX;
                let raw_cat = self.cell(*cat_col, field);
                let raw_status = self.cell(*status_col, field);
                if !raw_cat.is_empty() {
                    let c = match cat.map(cat_cache, raw_cat) {
                        Some(Mapped::Code(c)) => cat.list.index(c),
                        _ => {
                            unknown.note(*cat_col, raw_cat, self.row);
                            None
                        }
                    };
                    let s = match mapper.map(status_cache, raw_status) {
                        _ if raw_status.is_empty() => None,
                        Some(Mapped::Code(s)) => Some(s),
                        Some(Mapped::NoneOf) => None,
                        None => {
                            unknown.note(*status_col, raw_status, self.row);
                            None
                        }
                    };
                    if let Some(c) = c {
                        need |= 1 << c;
                        stat[c] = s
                            .filter(|s| !codes::MISSING.contains(s))
                            .map(|s| (s, CodeColumn::NULL));
                    }
                }
            }
            _ => {}
        }
        needed.push(need, known);
        for (i, out) in status.iter_mut().enumerate() {
            match stat[i] {
                Some((code, slot)) => out.push_hit(&codes::SERVICE_STATUS, code, slot),
                None => out.push(None),
            }
        }
    }

    /// A whole number, or an amount in dollars stored in cents.
    fn integer(&mut self, field: &str, source: &Source) -> Option<i64> {
        let Source::Integer { col, dollars, max } = source else {
            return None;
        };
        let col = *col;
        let raw = self.cell(col, field);
        if raw.is_empty() {
            return None;
        }
        let parsed = if *dollars {
            parse_dollars(raw)
        } else {
            parse_int(raw)
        };
        let (code, message) = match parsed {
            Some(v) if v < 0 => (ErrorCode::ConstraintError, Message::new("intake-negative")),
            Some(v) if max.is_some_and(|m| v > m) => (
                ErrorCode::ConstraintError,
                Message::new("intake-above-most").with("most", max.unwrap_or(0)),
            ),
            Some(v) => return Some(v),
            None if is_numeral(raw) => (
                ErrorCode::ConstraintError,
                Message::new("intake-absurd-number"),
            ),
            None if *dollars => (ErrorCode::TypeError, Message::new("intake-not-dollars")),
            None => (
                ErrorCode::TypeError,
                Message::new("intake-not-whole-number"),
            ),
        };
        self.error(col, field, code, message);
        None
    }

    /// A decimal number from 0 to the field's most (a comma is read as the decimal point).
    fn decimal(&mut self, field: &str, source: &Source) -> Option<f64> {
        let Source::Decimal { col, max } = source else {
            return None;
        };
        let raw = self.cell(*col, field);
        if raw.is_empty() {
            return None;
        }
        match raw.replace(',', ".").parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 && v <= *max => Some(v),
            _ => {
                self.error(
                    *col,
                    field,
                    ErrorCode::TypeError,
                    Message::new("intake-not-decimal").with("most", *max),
                );
                None
            }
        }
    }
}

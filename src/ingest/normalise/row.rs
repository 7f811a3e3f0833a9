//! One row through the plan: every field's cell converted and pushed, or a problem reported.

use super::*;

impl<'p> Pass<'p> {
    pub(super) fn row(&mut self, row: u64, record: &Cells, report: &mut Report) {
        let mut derived = self.derive(row, record, report);
        let mut row_quarter: Option<Cow<str>> = derived.quarter.take().map(Cow::Owned);
        let mut row_province: Option<&'static str> = None;
        let mut plans = std::mem::take(&mut self.plans);
        for (fi, plan) in plans.iter_mut().enumerate() {
            let name = plan.def.name;
            match (&mut plan.source, &mut plan.builder) {
                (_, Builder::Keys(out)) => {
                    let value = self
                        .person_key
                        .map(|col| self.cell(record, col, row, name, report));
                    match value {
                        Some("") => report.error(Some(row), self.person_key.map(|c| self.labels[c].as_str()), Some(name), ErrorCode::ConstraintError, "the person key is empty; every row needs the agency's pseudonym for the person".into()),
                        Some(k) if !is_pseudonym(k) => report.error(
                            Some(row),
                            self.person_key.map(|c| self.labels[c].as_str()),
                            Some(name),
                            ErrorCode::ConstraintError,
                            "the person key does not look like a pseudonym (12 to 128 letters, digits, - or _); send the keyed hash, never a name or file number".into(),
                        ),
                        _ => {}
                    }
                    out.push(value);
                }
                (_, Builder::Text(out)) if name == "agency" => {
                    out.push(Some(&self.profile.agency.slug))
                }
                (source, Builder::Text(out)) if name == "quarter" => {
                    let from_column = match source {
                        Source::Text { col } => {
                            let raw = self.cell(record, *col, row, name, report);
                            match parse_quarter(raw) {
                                // Already as safecount writes it (upper-case Q): kept as is.
                                Some(_) if raw.as_bytes()[4] == b'Q' => Some(Cow::Borrowed(raw)),
                                Some((y, q)) => Some(Cow::Owned(format_quarter(y, q))),
                                None => {
                                    report.error(
                                        Some(row),
                                        Some(&self.labels[*col]),
                                        Some(name),
                                        ErrorCode::TypeError,
                                        "a quarter must be written YYYYQn, e.g. 2025Q3".into(),
                                    );
                                    None
                                }
                            }
                        }
                        _ => None,
                    };
                    let q = from_column
                        .or(row_quarter.take())
                        .or_else(|| self.quarter_option.clone().map(Cow::Owned));
                    if let (Some(given), Some(q)) = (&self.quarter_option, &q) {
                        if given.as_str() != q.as_ref() {
                            report.error(Some(row), None, Some(name), ErrorCode::ConstraintError, format!("this row belongs to {q}, but the file is being submitted for {given}; submit one file per quarter"));
                        }
                    }
                    out.push(q.as_deref());
                    row_quarter = q;
                }
                (source, Builder::Text(out)) if name == "fsa" => {
                    let value = match source {
                        Source::Text { col } => {
                            let raw = self.cell(record, *col, row, name, report);
                            let raw: Cow<str> = if raw
                                .bytes()
                                .any(|b| !b.is_ascii_uppercase() && !b.is_ascii_digit())
                            {
                                Cow::Owned(raw.to_uppercase())
                            } else {
                                Cow::Borrowed(raw)
                            };
                            if raw.is_empty() {
                                None
                            } else if codes::is_fsa(&raw) {
                                Some(raw)
                            } else {
                                report.error(
                                    Some(row),
                                    Some(&self.labels[*col]),
                                    Some(name),
                                    ErrorCode::ConstraintError,
                                    "a forward sortation area is letter, digit, letter (e.g. R3C)"
                                        .into(),
                                );
                                None
                            }
                        }
                        _ => derived.fsa.clone().map(Cow::Owned),
                    };
                    out.push(value.as_deref());
                }
                (Source::Text { .. } | Source::Default, Builder::Text(out)) => out.push(None),
                (source, Builder::Codes(out)) => {
                    let derived_value = match name {
                        "age_band" => derived.age_band,
                        "minor_at_recruitment" => derived.minor,
                        _ => None,
                    };
                    // The code, and the mapper's hit for it when there is one.
                    let (code, hit) = if let Some(v) = derived_value {
                        (v, None)
                    } else {
                        match source {
                            Source::Constant(c) => (*c, None),
                            Source::Code { col, mapper, empty } => {
                                let raw = self.cell(record, *col, row, name, report);
                                if raw.is_empty() {
                                    (*empty, None)
                                } else {
                                    match mapper.lookup(raw) {
                                        Some(Hit {
                                            mapped: Mapped::Code(c),
                                            slot,
                                            ..
                                        }) => (c, Some((mapper.list, slot))),
                                        _ => {
                                            let col = *col;
                                            self.tally_unknown(fi, col, raw, row);
                                            ("not_collected", None)
                                        }
                                    }
                                }
                            }
                            _ => ("not_collected", None),
                        }
                    };
                    if name == "province" {
                        row_province = Some(code);
                    }
                    match hit {
                        Some((list, slot)) => out.push_hit(list, code, slot),
                        None => out.push(Some(code)),
                    }
                }
                (source, Builder::Bools(out)) => {
                    // The codes present, one bit each; the set is unknown unless some item is known.
                    let mut present = 0u32;
                    let mut any_known = false;
                    match source {
                        Source::Set { col, sep, mapper } => {
                            let raw = self.cell(record, *col, row, name, report);
                            for item in split_items(raw, sep).map(trimmed).filter(|s| !s.is_empty())
                            {
                                match mapper.lookup(item) {
                                    Some(hit) if hit.is_missing() => {}
                                    Some(hit) => {
                                        any_known = true;
                                        if let Some(i) = hit.index {
                                            present |= 1 << i;
                                        }
                                    }
                                    None => {
                                        any_known = true;
                                        let (col, item) = (*col, item.to_string());
                                        self.tally_unknown(fi, col, &item, row);
                                    }
                                }
                            }
                        }
                        Source::Flags { cols } => {
                            for (col, code) in cols.iter() {
                                let raw = self.cell(record, *col, row, name, report);
                                if raw.is_empty() {
                                    continue;
                                }
                                let f = fold(raw);
                                if self.truthy.contains(&f) {
                                    present |= 1 << *code;
                                    any_known = true;
                                } else if self.falsy.contains(&f) {
                                    any_known = true;
                                } else {
                                    report.error(Some(row), Some(&self.labels[*col]), Some(name), ErrorCode::TypeError, format!("a flag column holds yes/no: use one of {} or {} (or set `truthy` / `falsy` in the profile)", self.truthy.join(", "), self.falsy.join(", ")));
                                }
                            }
                        }
                        _ => {}
                    }
                    let known = if any_known { u32::MAX } else { 0 };
                    out.push(present, known);
                }
                (source, Builder::Services { needed, status }) => {
                    let n = status.len();
                    // Needed: one bit per category, and whether it is known (all are, unless a cell says the need is unknown).
                    let (mut need, mut known) = (0u32, 0u32);
                    // Each category's status, with its slot when a mapper gave it.
                    let mut stat: [Option<(&'static str, u8)>; 16] = [None; 16];
                    match source {
                        Source::ServicesWide {
                            cols,
                            status: mapper,
                        } => {
                            known = u32::MAX;
                            for (col, cat) in cols.iter() {
                                let raw = self.cell(record, *col, row, name, report);
                                if raw.is_empty() {
                                    continue;
                                }
                                match mapper.lookup(raw) {
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
                                    None => {
                                        let col = *col;
                                        self.tally_unknown(fi, col, raw, row);
                                    }
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
                            let raw_cat = self.cell(record, *cat_col, row, name, report);
                            let raw_status = self.cell(record, *status_col, row, name, report);
                            if !raw_cat.is_empty() {
                                let c = match cat.map(raw_cat) {
                                    Some(Mapped::Code(c)) => cat.list.index(c),
                                    _ => {
                                        let col = *cat_col;
                                        self.tally_unknown(fi, col, raw_cat, row);
                                        None
                                    }
                                };
                                let s = match mapper.map(raw_status) {
                                    _ if raw_status.is_empty() => None,
                                    Some(Mapped::Code(s)) => Some(s),
                                    Some(Mapped::NoneOf) => None,
                                    None => {
                                        let col = *status_col;
                                        self.tally_unknown(fi, col, raw_status, row);
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
                    for i in 0..n {
                        match stat[i] {
                            Some((code, slot)) => {
                                status[i].push_hit(&codes::SERVICE_STATUS, code, slot)
                            }
                            None => status[i].push(None),
                        }
                    }
                }
                (source, Builder::Ints(out)) => {
                    let value = match source {
                        Source::Integer { col, dollars, max } => {
                            let raw = self.cell(record, *col, row, name, report);
                            if raw.is_empty() {
                                None
                            } else {
                                let parsed = if *dollars {
                                    parse_dollars(raw)
                                } else {
                                    parse_int(raw)
                                };
                                match parsed {
                                    Some(v) if v < 0 => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            ErrorCode::ConstraintError,
                                            "this number cannot be negative".into(),
                                        );
                                        None
                                    }
                                    Some(v) if max.is_some_and(|m| v > m) => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            ErrorCode::ConstraintError,
                                            format!(
                                                "this number is larger than the most allowed ({})",
                                                max.unwrap_or(0)
                                            ),
                                        );
                                        None
                                    }
                                    Some(v) => Some(v),
                                    None if is_numeral(raw) => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            ErrorCode::ConstraintError,
                                            "this number is far too large to be right; check the cell (a pasted identifier or a number in the wrong column?)".into(),
                                        );
                                        None
                                    }
                                    None => {
                                        let unit = if *dollars {
                                            "an amount in dollars (e.g. 12500.00)"
                                        } else {
                                            "a whole number"
                                        };
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            ErrorCode::TypeError,
                                            format!("this cell must hold {unit}"),
                                        );
                                        None
                                    }
                                }
                            }
                        }
                        _ => None,
                    };
                    out.push(value);
                }
                (source, Builder::Floats(out)) => {
                    let value = match source {
                        Source::Decimal { col, max } => {
                            let raw = self.cell(record, *col, row, name, report);
                            if raw.is_empty() {
                                None
                            } else {
                                match raw.replace(',', ".").parse::<f64>() {
                                    Ok(v) if v.is_finite() && v >= 0.0 && v <= *max => Some(v),
                                    _ => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            ErrorCode::TypeError,
                                            format!("this cell must hold a number from 0 to {max}"),
                                        );
                                        None
                                    }
                                }
                            }
                        }
                        _ => None,
                    };
                    out.push(value);
                }
                (_, Builder::Text(out)) => out.push(None),
            }
        }
        self.plans = plans;
        // The FSA's first letter must agree with the province.
        if let (Some(fp), Some(p)) = (derived.fsa_province, row_province) {
            if codes::PROVINCE.contains(p) && fp != p {
                report.error(
                    Some(row),
                    None,
                    Some("province"),
                    ErrorCode::ConstraintError,
                    format!(
                        "the postal code is in {fp} but the province says {p}; correct one of them"
                    ),
                );
            }
        }
        if derived.fsa_province.is_some()
            && row_province.is_some_and(|p| !codes::PROVINCE.contains(p))
        {
            // Province unknown in the file: the postal code settles it.
            if let Some(plan) = self.plans.iter_mut().find(|p| p.def.name == "province") {
                if let (Builder::Codes(out), Some(p)) = (&mut plan.builder, derived.fsa_province) {
                    out.set_last(p);
                }
            }
        }
        // Several rows of one person are merged later; rows of one quarter of a return are not.
        let key = match self.kind {
            ExtractKind::Cases => self.person_key.and_then(|c| record.get(c)).map(str::trim),
            ExtractKind::Returns => Some(""),
        };
        if let Some(key) = key {
            use std::hash::BuildHasher;
            let hash = self.key_hasher.hash_one((key, row_quarter.as_deref()));
            match self.kind {
                // Found by sorting once all rows are read: a set of a million
                // hashes would cost a cache miss per row.
                ExtractKind::Cases => self.key_hashes.push(hash),
                ExtractKind::Returns => {
                    if !self.keys_seen.insert(hash) {
                        report.error(
                            Some(row),
                            None,
                            Some("quarter"),
                            ErrorCode::ConstraintError,
                            "a second row for the same quarter: a return has one row per quarter"
                                .into(),
                        );
                    }
                }
            }
        }
        self.rows_accepted += 1;
    }
}

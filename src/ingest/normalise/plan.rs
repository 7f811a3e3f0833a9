//! A pass's plan: the header checked and every canonical field's source resolved against it (mappers, generalisers, identifier scans).

use super::*;

impl<'p> Pass<'p> {
    pub(super) fn new(
        profile: &'p Profile,
        section: &'p ExtractProfile,
        kind: ExtractKind,
        options: &IngestOptions,
        headers: &[String],
        report: &mut Report,
    ) -> Self {
        let labels: Vec<String> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| label_of(i, h))
            .collect();
        // Duplicate and blank labels.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            if let Some(first) = seen.insert(fold(h), i) {
                report.error(
                    None,
                    Some(&labels[i]),
                    None,
                    ErrorCode::DuplicateLabel,
                    format!(
                        "columns {} and {} have the same name: rename one of them in the export",
                        first + 1,
                        i + 1
                    ),
                );
            }
        }
        let mut used = vec![false; headers.len()];
        let mut resolve = |name: &str, what: &str, report: &mut Report| -> Option<usize> {
            match col_index(headers, name) {
                Some(i) => {
                    used[i] = true;
                    Some(i)
                }
                None => {
                    let safe: Vec<&str> = headers
                        .iter()
                        .filter(|h| guard::detect(h).is_none())
                        .map(String::as_str)
                        .collect();
                    report.error(
                        None,
                        Some(&format!("\"{name}\"")),
                        None,
                        ErrorCode::MissingLabel,
                        format!(
                            "the profile reads {what} from a column \"{name}\", which this file does not have (line {} of the profile). The file's columns are: {}",
                            profile.line_of(&format!("\"{name}\"")),
                            safe.join(", ")
                        ),
                    );
                    None
                }
            }
        };
        let person_key = section
            .person_key
            .as_deref()
            .and_then(|pk| resolve(pk, "the person key", report));
        let g = &section.generalise;
        let gz = Generalisers {
            age: g
                .age
                .as_deref()
                .and_then(|c| resolve(c, "exact age", report)),
            age_at_recruitment: g
                .age_at_recruitment
                .as_deref()
                .and_then(|c| resolve(c, "age at recruitment", report)),
            birth_year: g
                .birth_year
                .as_deref()
                .and_then(|c| resolve(c, "birth year", report)),
            date: g
                .quarter_from_date
                .as_deref()
                .and_then(|c| resolve(c, "the date that gives the quarter", report)),
            date_format: section
                .date_format
                .clone()
                .unwrap_or_else(|| "%Y-%m-%d".into()),
            postal: g
                .postal_code
                .as_deref()
                .and_then(|c| resolve(c, "the postal code", report)),
        };
        for (what, col) in [
            ("exact age -> age band", gz.age),
            (
                "age at recruitment -> minor at recruitment",
                gz.age_at_recruitment,
            ),
            ("birth year -> age band", gz.birth_year),
            ("date -> quarter", gz.date),
            ("postal code -> FSA -> province", gz.postal),
        ] {
            if col.is_some() {
                report.generalised.push(what.to_string());
            }
        }
        let mut plans = Vec::new();
        for def in kind.fields() {
            let empty_mapping = FieldMapping::default();
            let mapping = section.fields.get(def.name).unwrap_or(&empty_mapping);
            let fold_values = mapping.fold.unwrap_or(section.fold);
            let mapped = section.fields.contains_key(def.name);
            let source = if !mapped {
                match (def.name, &profile.agency.province) {
                    ("province", Some(p)) => Source::Constant(
                        codes::PROVINCE
                            .codes
                            .iter()
                            .find(|c| *c == p)
                            .copied()
                            .unwrap_or("not_collected"),
                    ),
                    _ => Source::Default,
                }
            } else {
                Self::source_for(def, mapping, fold_values, &mut resolve, report)
            };
            let builder = match def.kind {
                FieldKind::Code(list) => Builder::Codes(CodeColumn::for_list(list)),
                FieldKind::PersonKey => Builder::Keys(KeyColumn::default()),
                FieldKind::Quarter | FieldKind::Agency | FieldKind::Fsa => {
                    Builder::Text(InternColumn::default())
                }
                FieldKind::Set(_) => Builder::Bools(MaskColumns::default()),
                FieldKind::Services => Builder::Services {
                    needed: MaskColumns::default(),
                    status: (0..codes::SERVICE_CATEGORY.codes.len())
                        .map(|_| CodeColumn::for_list(&codes::SERVICE_STATUS))
                        .collect(),
                },
                FieldKind::Count { .. } | FieldKind::Cents => Builder::Ints(Vec::new()),
                FieldKind::Decimal { .. } => Builder::Floats(Vec::new()),
            };
            plans.push(FieldPlan {
                def,
                source,
                builder,
            });
        }
        // The guard looks at every column that is not a checked code column.
        let mut scans = Vec::new();
        let mut header_findings = Vec::new();
        let generalised: Vec<usize> = [
            gz.age,
            gz.age_at_recruitment,
            gz.birth_year,
            gz.date,
            gz.postal,
        ]
        .into_iter()
        .flatten()
        .collect();
        for (i, h) in headers.iter().enumerate() {
            if generalised.contains(&i) {
                continue;
            }
            let is_key = person_key == Some(i);
            if !used[i] || is_key {
                scans.push((i, ColumnScan::default()));
            }
            if !used[i] {
                if let Some(k) = guard::header_kind(h) {
                    header_findings.push((i, k, 0, Vec::new()));
                }
                if !h.is_empty() {
                    report.ignored_columns.push(labels[i].clone());
                }
            }
        }
        let truthy = section.truthy.clone().unwrap_or_else(|| {
            ["1", "yes", "y", "oui", "o", "x", "true", "vrai"]
                .map(String::from)
                .to_vec()
        });
        let falsy = section.falsy.clone().unwrap_or_else(|| {
            ["0", "no", "n", "non", "false", "faux"]
                .map(String::from)
                .to_vec()
        });
        Pass {
            profile,
            kind,
            truthy: truthy.iter().map(|s| fold(s)).collect(),
            falsy: falsy.iter().map(|s| fold(s)).collect(),
            quarter_option: options.quarter.as_ref().map(|q| q.to_uppercase()),
            width: headers.len(),
            labels,
            person_key,
            plans,
            gz,
            scans,
            header_findings,
            unknown: HashMap::new(),
            built: Vec::new(),
            keys_seen: PlHashSet::default(),
            key_hashes: Vec::new(),
            key_hasher: PlRandomState::default(),
            rows_accepted: 0,
            rows_built: 0,
            birth_year_without_quarter: false,
        }
    }

    pub(super) fn source_for(
        def: &'static FieldDef,
        m: &FieldMapping,
        fold_values: bool,
        resolve: &mut impl FnMut(&str, &str, &mut Report) -> Option<usize>,
        report: &mut Report,
    ) -> Source {
        let what = format!("field {}", def.name);
        let constant = |list: &'static codes::CodeList, v: &str| {
            list.codes
                .iter()
                .chain(codes::MISSING.codes)
                .find(|c| **c == v)
                .copied()
                .unwrap_or("not_collected")
        };
        let unresolved = Source::Default;
        match def.kind {
            FieldKind::Code(list) => {
                if let Some(v) = &m.value {
                    return Source::Constant(constant(list, v));
                }
                let Some(col) = m.column.as_deref().and_then(|c| resolve(c, &what, report)) else {
                    return unresolved;
                };
                let empty = m
                    .empty
                    .as_deref()
                    .map(|e| constant(list, e))
                    .unwrap_or("not_collected");
                Source::Code {
                    col,
                    mapper: CodeMapper::new(list, &m.values, fold_values, false),
                    empty,
                }
            }
            FieldKind::Set(list) => {
                if !m.flags.is_empty() {
                    let cols = m
                        .flags
                        .iter()
                        .filter_map(|(c, code)| {
                            Some((resolve(c, &what, report)?, list.index(code)?))
                        })
                        .collect();
                    return Source::Flags { cols };
                }
                let Some(col) = m.column.as_deref().and_then(|c| resolve(c, &what, report)) else {
                    return unresolved;
                };
                Source::Set {
                    col,
                    sep: m.separator.clone().unwrap_or_else(|| ";".into()),
                    mapper: CodeMapper::new(list, &m.values, fold_values, true),
                }
            }
            FieldKind::Services => {
                let status =
                    CodeMapper::new(&codes::SERVICE_STATUS, &m.status_values, fold_values, true);
                if let (Some(c), Some(s)) = (&m.category_column, &m.status_column) {
                    let (Some(cat_col), Some(status_col)) =
                        (resolve(c, &what, report), resolve(s, &what, report))
                    else {
                        return unresolved;
                    };
                    return Source::ServicesLong {
                        cat_col,
                        status_col,
                        cat: CodeMapper::new(
                            &codes::SERVICE_CATEGORY,
                            &m.category_values,
                            fold_values,
                            false,
                        ),
                        status,
                    };
                }
                let cols = m
                    .columns
                    .iter()
                    .filter_map(|(c, cat)| {
                        Some((
                            resolve(c, &what, report)?,
                            codes::SERVICE_CATEGORY.index(cat)?,
                        ))
                    })
                    .collect();
                Source::ServicesWide { cols, status }
            }
            FieldKind::Count { max } => {
                match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                    Some(col) => Source::Integer {
                        col,
                        dollars: false,
                        max: Some(max),
                    },
                    None => unresolved,
                }
            }
            FieldKind::Cents => match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                Some(col) => Source::Integer {
                    col,
                    dollars: m.unit.as_deref() == Some("dollars"),
                    max: None,
                },
                None => unresolved,
            },
            FieldKind::Decimal { max } => {
                match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                    Some(col) => Source::Decimal { col, max },
                    None => unresolved,
                }
            }
            FieldKind::Quarter | FieldKind::Fsa | FieldKind::PersonKey | FieldKind::Agency => {
                match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                    Some(col) => Source::Text { col },
                    None => unresolved,
                }
            }
        }
    }
}

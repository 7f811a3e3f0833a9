//! The plan of an intake: the header checked and every canonical field's
//! source resolved against it once (mappers, generalisers, identifier scans).
//! A plan is immutable while rows are read, and shared by every reader.

use super::*;

/// What every reader of one extract shares.
pub(super) struct Plan<'p> {
    pub(super) profile: &'p Profile,
    pub(super) kind: ExtractKind,
    /// Folded spellings of yes and no in flag columns.
    pub(super) truthy: Vec<String>,
    pub(super) falsy: Vec<String>,
    /// The quarter being submitted, if the caller gave one.
    pub(super) quarter_option: Option<String>,
    /// Each column's label for messages ([`label_of`]).
    pub(super) labels: Vec<String>,
    /// How many cells a row must have.
    pub(super) width: usize,
    pub(super) person_key: Option<usize>,
    /// The canonical fields in schema order.
    pub(super) fields: Vec<FieldPlan>,
    /// The province field, which a postal code settles when the extract does not know it.
    pub(super) province: Option<usize>,
    /// The settlement field (urban or rural), which the FSA settles and must agree with.
    pub(super) settlement: Option<usize>,
    pub(super) generalisers: Generalisers,
    /// Columns the identifier guard scans by value: every column not read as a
    /// checked code, and the person key.
    pub(super) scanned: Vec<usize>,
    /// Unread columns whose name says they hold personal data.
    pub(super) flagged_headers: Vec<(usize, IdentifierKind)>,
    /// Hashes (person key, quarter) the same way in every reader.
    pub(super) key_hasher: PlRandomState,
}

/// Finds the columns the profile names, remembering which are read.
struct Resolver<'h> {
    profile: &'h Profile,
    headers: &'h [String],
    used: Vec<bool>,
}

impl Resolver<'_> {
    /// The column `name`, or an error in `report` naming the file's columns
    /// (those whose names do not look like personal data).
    fn resolve(&mut self, name: &str, what: &str, report: &mut Report) -> Option<usize> {
        if let Some(i) = col_index(self.headers, name) {
            self.used[i] = true;
            return Some(i);
        }
        let safe: Vec<&str> = self
            .headers
            .iter()
            .filter(|h| guard::may_show_label(h))
            .map(String::as_str)
            .collect();
        report.error(
            None,
            Some(&format!("\"{name}\"")),
            None,
            ErrorCode::MissingLabel,
            Message::new("intake-missing-column")
                .with("field", what)
                .with("column", name)
                .with("line", self.profile.line_of(&format!("\"{name}\"")))
                .with("columns", safe.join(", ")),
        );
        None
    }

    fn column(&mut self, name: Option<&str>, what: &str, report: &mut Report) -> Option<usize> {
        name.and_then(|c| self.resolve(c, what, report))
    }
}

impl<'p> Plan<'p> {
    pub(super) fn new(
        profile: &'p Profile,
        section: &'p ExtractProfile,
        kind: ExtractKind,
        options: &IngestOptions,
        headers: &[String],
        report: &mut Report,
    ) -> Self {
        let labels = check_labels(headers, report);
        let mut columns = Resolver {
            profile,
            headers,
            used: vec![false; headers.len()],
        };
        let person_key = columns.column(section.person_key.as_deref(), "person_key", report);
        let generalisers = Self::generalisers(section, &mut columns, report);
        let fields: Vec<FieldPlan> = kind
            .fields()
            .iter()
            .map(|def| FieldPlan {
                def,
                source: Self::source_of(def, profile, section, &generalisers, &mut columns, report),
            })
            .collect();
        // The guard looks at every column that is not a checked code column.
        let generalised: Vec<usize> = generalisers.columns().collect();
        let mut scanned = Vec::new();
        let mut flagged_headers = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if generalised.contains(&i) {
                continue;
            }
            if !columns.used[i] || person_key == Some(i) {
                scanned.push(i);
            }
            if !columns.used[i] {
                if let Some(k) = guard::header_kind(h) {
                    flagged_headers.push((i, k));
                }
                if !h.is_empty() {
                    report.ignored_columns.push(labels[i].clone());
                }
            }
        }
        let spellings = |given: &Option<Vec<String>>, defaults: &[&str]| -> Vec<String> {
            match given {
                Some(v) => v.iter().map(|s| fold(s)).collect(),
                None => defaults.iter().map(|s| fold(s)).collect(),
            }
        };
        Plan {
            profile,
            kind,
            truthy: spellings(
                &section.truthy,
                &["1", "yes", "y", "oui", "o", "x", "true", "vrai"],
            ),
            falsy: spellings(&section.falsy, &["0", "no", "n", "non", "false", "faux"]),
            quarter_option: options.quarter.map(|q| q.to_string()),
            width: headers.len(),
            labels,
            person_key,
            province: fields.iter().position(|f| f.def.name == "province"),
            settlement: fields.iter().position(|f| f.def.name == "settlement"),
            fields,
            generalisers,
            scanned,
            flagged_headers,
            key_hasher: PlRandomState::default(),
        }
    }

    /// The generalised columns, each listed in the report's "generalised" line.
    fn generalisers(
        section: &ExtractProfile,
        columns: &mut Resolver,
        report: &mut Report,
    ) -> Generalisers {
        let g = &section.generalise;
        let gz = Generalisers {
            age: columns.column(g.age.as_deref(), "generalise.age", report),
            age_at_recruitment: columns.column(
                g.age_at_recruitment.as_deref(),
                "generalise.age_at_recruitment",
                report,
            ),
            birth_year: columns.column(g.birth_year.as_deref(), "generalise.birth_year", report),
            date: columns.column(
                g.quarter_from_date.as_deref(),
                "generalise.quarter_from_date",
                report,
            ),
            date_format: section
                .date_format
                .clone()
                .unwrap_or_else(|| "%Y-%m-%d".into()),
            postal: columns.column(g.postal_code.as_deref(), "generalise.postal_code", report),
        };
        for (what, col) in [
            ("intake-generalised-age", gz.age),
            (
                "intake-generalised-age-at-recruitment",
                gz.age_at_recruitment,
            ),
            ("intake-generalised-birth-year", gz.birth_year),
            ("intake-generalised-date", gz.date),
            ("intake-generalised-postal-code", gz.postal),
        ] {
            if col.is_some() {
                report.generalised.push(Message::new(what));
            }
        }
        gz
    }

    /// Where `def`'s value comes from: a generaliser that computes it, the
    /// profile's mapping of it, or (not mapped) a constant or nothing.
    fn source_of(
        def: &'static FieldDef,
        profile: &Profile,
        section: &ExtractProfile,
        gz: &Generalisers,
        columns: &mut Resolver,
        report: &mut Report,
    ) -> Source {
        let source = match section.fields.get(def.name) {
            Some(mapping) => {
                let fold_values = mapping.fold.unwrap_or(section.fold);
                Self::mapped_source(def, mapping, fold_values, columns, report)
            }
            None => match def.kind {
                FieldKind::Code(list) if def.name == "province" => {
                    match profile.agency.province.as_deref() {
                        Some(p) => Source::Constant(
                            list.codes
                                .iter()
                                .find(|c| **c == p)
                                .copied()
                                .unwrap_or("not_collected"),
                        ),
                        None => Source::Default,
                    }
                }
                FieldKind::Quarter => Source::Quarter { col: None },
                FieldKind::Fsa => Source::Fsa { col: None },
                FieldKind::Agency => Source::Agency,
                FieldKind::PersonKey => Source::PersonKey,
                _ => Source::Default,
            },
        };
        // A generaliser's value takes the place of a mapped column.
        match def.name {
            "age_band" if gz.age.is_some() || gz.birth_year.is_some() => {
                Source::Derived(Derivation::AgeBand)
            }
            "minor_at_recruitment" if gz.age_at_recruitment.is_some() => {
                Source::Derived(Derivation::MinorAtRecruitment)
            }
            _ => source,
        }
    }

    /// The source of a field the profile maps.
    fn mapped_source(
        def: &'static FieldDef,
        m: &FieldMapping,
        fold_values: bool,
        columns: &mut Resolver,
        report: &mut Report,
    ) -> Source {
        let what = def.name.to_string();
        let constant = |list: &'static codes::CodeList, v: &str| {
            list.codes
                .iter()
                .chain(codes::MISSING.codes)
                .find(|c| **c == v)
                .copied()
                .unwrap_or("not_collected")
        };
        // An optional column that the file lacks: the field is not collected.
        let column = |columns: &mut Resolver, report: &mut Report| match m.column.as_deref() {
            Some(c) if m.optional && col_index(columns.headers, c).is_none() => None,
            named => columns.column(named, &what, report),
        };
        match def.kind {
            FieldKind::Code(list) => {
                if let Some(v) = &m.value {
                    return Source::Constant(constant(list, v));
                }
                let Some(col) = column(columns, report) else {
                    return Source::Default;
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
                            Some((columns.resolve(c, &what, report)?, list.index(code)?))
                        })
                        .collect();
                    return Source::Flags { cols };
                }
                match column(columns, report) {
                    Some(col) => Source::Set {
                        col,
                        sep: m.separator.clone().unwrap_or_else(|| ";".into()),
                        mapper: CodeMapper::new(list, &m.values, fold_values, true),
                    },
                    None => Source::Default,
                }
            }
            FieldKind::Services => Self::services_source(m, fold_values, columns, &what, report),
            FieldKind::Count { max } => match column(columns, report) {
                Some(col) => Source::Integer {
                    col,
                    dollars: false,
                    max: Some(max),
                },
                None => Source::Default,
            },
            FieldKind::Cents => match column(columns, report) {
                Some(col) => Source::Integer {
                    col,
                    dollars: m.unit.as_deref() == Some("dollars"),
                    max: None,
                },
                None => Source::Default,
            },
            FieldKind::Decimal { max } => match column(columns, report) {
                Some(col) => Source::Decimal { col, max },
                None => Source::Default,
            },
            FieldKind::Quarter => Source::Quarter {
                col: column(columns, report),
            },
            FieldKind::Fsa => Source::Fsa {
                col: column(columns, report),
            },
            // Read from the profile and the person-key column whatever the mapping says.
            FieldKind::PersonKey => {
                column(columns, report);
                Source::PersonKey
            }
            FieldKind::Agency => {
                column(columns, report);
                Source::Agency
            }
        }
    }

    /// Services, from one column per category (wide) or a category and a status column (long).
    fn services_source(
        m: &FieldMapping,
        fold_values: bool,
        columns: &mut Resolver,
        what: &str,
        report: &mut Report,
    ) -> Source {
        let status = CodeMapper::new(&codes::SERVICE_STATUS, &m.status_values, fold_values, true);
        if let (Some(c), Some(s)) = (&m.category_column, &m.status_column) {
            let (Some(cat_col), Some(status_col)) = (
                columns.resolve(c, what, report),
                columns.resolve(s, what, report),
            ) else {
                return Source::Default;
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
                    columns.resolve(c, what, report)?,
                    codes::SERVICE_CATEGORY.index(cat)?,
                ))
            })
            .collect();
        Source::ServicesWide { cols, status }
    }
}

/// Each column's label, with an error for every name used twice.
fn check_labels(headers: &[String], report: &mut Report) -> Vec<String> {
    let labels: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| label_of(i, h))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if guard::label_identifies(h) {
            report.error(
                None,
                Some(&labels[i]),
                None,
                ErrorCode::IdentifyingLabel,
                Message::new("intake-identifying-header").with("number", i + 1),
            );
        }
        if let Some(first) = seen.insert(fold(h), i) {
            report.error(
                None,
                Some(&labels[i]),
                None,
                ErrorCode::DuplicateLabel,
                Message::new("intake-duplicate-label")
                    .with("first", first + 1)
                    .with("second", i + 1),
            );
        }
    }
    labels
}

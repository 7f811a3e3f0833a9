//! Reading a pipeline file and checking it, with the file and line of each problem.

use super::*;

impl PipelineSpec {
    /// Read and check a pipeline file.
    pub fn load(path: &Path) -> Result<PipelineSpec, PipelineError> {
        let text = std::fs::read_to_string(path).map_err(|source| PipelineError::Read {
            path: path.into(),
            source,
        })?;
        let file = File { path, text: &text };
        let mut spec: PipelineSpec = toml::from_str(&text).map_err(|e| {
            let (line, message) = crate::text::toml_error(&text, &e);
            file.invalid(line, Message::new("pipeline-toml").with("detail", message))
        })?;
        file.check_settings(&mut spec)?;
        file.check_tables(&mut spec)?;
        file.solve_targets(&mut spec)?;
        file.check_budgets(&mut spec)?;
        file.check_custom_tables(&mut spec)?;
        Ok(spec)
    }
}

/// One step of a path into the pipeline file: a key of a table, or an entry of an array.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The pipeline file being checked: where each problem is, and how it is told.
struct File<'a> {
    path: &'a Path,
    text: &'a str,
}

impl File<'_> {
    /// The line of the value of `key` in the `index`-th `[[tables]]` entry,
    /// from the TOML parser's spans (else that entry's first line, else 1).
    fn table_line(&self, index: usize, key: &str) -> usize {
        self.line_at(&[Step::Key("tables"), Step::Index(index), Step::Key(key)])
    }

    /// The line of the value of `key` in the table `[section]` (else the
    /// section's first line, else 1).
    fn key_line(&self, section: &str, key: &str) -> usize {
        self.line_at(&[Step::Key(section), Step::Key(key)])
    }

    /// The line of the value at `path`, from the TOML parser's spans: as deep
    /// as the path leads (a key that is absent gives its table's line; the
    /// whole file, line 1).
    fn line_at(&self, path: &[Step]) -> usize {
        use toml::de::{DeTable, DeValue};
        let Ok(root) = DeTable::parse(self.text) else {
            return 1;
        };
        let mut span = None;
        let mut table: Option<&DeTable> = Some(root.get_ref());
        let mut array: Option<&toml::de::DeArray> = None;
        for step in path {
            let value = match (step, table, array) {
                (Step::Key(key), Some(t), _) => {
                    t.iter().find(|(k, _)| k.get_ref() == *key).map(|(_, v)| v)
                }
                (Step::Index(i), _, Some(a)) => a.get(*i),
                _ => None,
            };
            let Some(value) = value else { break };
            span = Some(value.span());
            (table, array) = match value.get_ref() {
                DeValue::Table(t) => (Some(t), None),
                DeValue::Array(a) => (None, Some(a)),
                _ => (None, None),
            };
        }
        let start = span.map_or(0, |s| s.start.min(self.text.len()));
        self.text[..start].matches('\n').count() + 1
    }

    fn invalid(&self, line: usize, message: Message) -> PipelineError {
        PipelineError::Invalid {
            path: self.path.into(),
            line,
            message,
        }
    }

    /// Each table's `protection` and `missing` settings.
    fn check_table_options(&self, spec: &PipelineSpec) -> Result<(), PipelineError> {
        for (i, t) in spec.tables.iter().enumerate() {
            match t.protection.as_deref() {
                None => {}
                Some("rules" | "dp") if t.scope() == Scope::Agency => {}
                Some("rules" | "dp") => {
                    return Err(self.invalid(
                        self.table_line(i, "protection"),
                        Message::new("pipeline-protection-person").with("table", t.table.as_str()),
                    ));
                }
                Some(other) => {
                    return Err(self.invalid(
                        self.table_line(i, "protection"),
                        Message::new("pipeline-protection-unknown").with("protection", other),
                    ));
                }
            }
            match t.missing.as_deref() {
                None | Some("keep") => {}
                Some("drop") if t.dimensions.is_some() => {}
                Some(other) => {
                    return Err(self.invalid(
                        self.table_line(i, "missing"),
                        Message::new("pipeline-missing-unknown").with("missing", other),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The inputs, national shares, pools, protections, returns rules, coverage, privacy and report settings.
    fn check_settings(&self, spec: &mut PipelineSpec) -> Result<(), PipelineError> {
        if spec.inputs.periods.is_empty() {
            return Err(self.invalid(
                self.key_line("inputs", "periods"),
                Message::new("pipeline-no-periods"),
            ));
        }
        // Where each share is written: the [privacy] default (None), or a table
        // entry; its line is looked up only for a share that is refused.
        let shares = std::iter::once((None, spec.privacy.national_share)).chain(
            spec.tables
                .iter()
                .enumerate()
                .filter_map(|(i, t)| Some((Some(i), t.national_share?))),
        );
        for (entry, share) in shares {
            if !(0.0..0.9).contains(&share) {
                let line = match entry {
                    None => self.key_line("privacy", "national_share"),
                    Some(i) => self.table_line(i, "national_share"),
                };
                return Err(self.invalid(
                    line,
                    Message::new("pipeline-national-share")
                        .with("share", share)
                        .with("default", DEFAULT_NATIONAL_SHARE),
                ));
            }
        }
        for (i, t) in spec.tables.iter().enumerate() {
            match &t.pool {
                None => {}
                Some(Pool::Named(n)) if n == "year" => {}
                Some(Pool::Named(other)) => {
                    return Err(self.invalid(
                        self.table_line(i, "pool"),
                        Message::new("pipeline-pool-unknown").with("pool", other.as_str()),
                    ));
                }
                Some(Pool::Quarters(q)) => {
                    let inputs: Vec<String> =
                        spec.inputs.periods.iter().map(|p| p.to_string()).collect();
                    if q.len() < 2 {
                        return Err(self.invalid(
                            self.table_line(i, "pool"),
                            Message::new("pipeline-pool-short"),
                        ));
                    }
                    let upper: Vec<String> = q.iter().map(|p| p.to_uppercase()).collect();
                    if let Some(twice) = upper
                        .iter()
                        .enumerate()
                        .find(|(k, p)| upper[..*k].contains(p))
                    {
                        return Err(self.invalid(
                            self.table_line(i, "pool"),
                            Message::new("pipeline-pool-repeat").with("quarter", twice.1.as_str()),
                        ));
                    }
                    if let Some(bad) = q.iter().find(|p| !inputs.contains(&p.to_uppercase())) {
                        return Err(self.invalid(
                            self.table_line(i, "pool"),
                            Message::new("pipeline-pool-quarter")
                                .with("quarter", bad.as_str())
                                .with("periods", inputs.join(", ")),
                        ));
                    }
                }
            }
            if t.pool.is_some() && t.scope() == Scope::Agency {
                return Err(self.invalid(
                    self.table_line(i, "pool"),
                    Message::new("pipeline-pool-returns").with("table", t.table.as_str()),
                ));
            }
        }
        self.check_table_options(spec)?;
        if spec.returns.min_agencies < 2
            || !(spec.returns.p_percent > 0.0 && spec.returns.p_percent <= 100.0)
        {
            return Err(self.invalid(
                self.line_at(&[Step::Key("returns")]),
                Message::new("pipeline-returns-rules"),
            ));
        }
        if let Some(c) = &spec.inputs.collaborative {
            let at = self.path.parent().unwrap_or(Path::new(".")).join(c);
            let collaborative =
                crate::release::coverage::Collaborative::load(&at).map_err(|e| {
                    PipelineError::Invalid {
                        path: e.path,
                        line: e.line,
                        message: e.message,
                    }
                })?;
            spec.coverage = Some(collaborative);
        }
        if let Some(rho) = spec.privacy.rho_per_period {
            if !(rho.is_finite() && rho > 0.0) {
                return Err(self.invalid(
                    self.key_line("privacy", "rho_per_period"),
                    Message::new("pipeline-rho-positive").with("key", "privacy.rho_per_period"),
                ));
            }
        }
        if !(0.5..1.0).contains(&spec.privacy.interval_level) {
            return Err(self.invalid(
                self.key_line("privacy", "interval_level"),
                Message::new("pipeline-interval-level"),
            ));
        }
        if spec.tables.is_empty() {
            return Err(self.invalid(
                self.line_at(&[Step::Key("tables")]),
                Message::new("pipeline-no-tables"),
            ));
        }
        if let Some(r) = &spec.report {
            for l in &r.languages {
                if Lang::parse(l).is_none() {
                    return Err(self.invalid(
                        self.key_line("report", "languages"),
                        Message::new("pipeline-report-language").with("language", l.as_str()),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every table entry: known or well-formed, listed once (per pooling), with a sensible weight and rho.
    fn check_tables(&self, spec: &mut PipelineSpec) -> Result<(), PipelineError> {
        // A table may appear twice: once quarterly and once pooled.
        let mut names: Vec<(&str, bool)> = Vec::new();
        for (i, t) in spec.tables.iter().enumerate() {
            let line = self.table_line(i, "table");
            if names.contains(&(t.table.as_str(), t.pool.is_some())) {
                return Err(self.invalid(
                    line,
                    Message::new("pipeline-table-twice").with("table", t.table.as_str()),
                ));
            }
            names.push((&t.table, t.pool.is_some()));
            let linked_table = crate::release::LINKED_TABLES.contains(&t.table.as_str());
            if linked_table && spec.coverage.as_ref().and_then(|c| c.linked()).is_none() {
                return Err(self.invalid(
                    line,
                    Message::new("pipeline-needs-linkage").with("table", t.table.as_str()),
                ));
            }
            if t.dimensions.is_none() {
                if !STANDARD.contains(&t.table.as_str()) && !linked_table {
                    let message = match closest(&t.table, STANDARD.iter().copied()) {
                        Some(c) => Message::new("pipeline-table-unknown-hint").with("hint", c),
                        None => Message::new("pipeline-table-unknown"),
                    };
                    return Err(self.invalid(
                        line,
                        message
                            .with("table", t.table.as_str())
                            .with("tables", STANDARD.join(", ")),
                    ));
                }
                if t.source.is_some()
                    || t.measure.is_some()
                    || t.value.is_some()
                    || t.lower.is_some()
                    || t.upper.is_some()
                {
                    return Err(self.invalid(
                        line,
                        Message::new("pipeline-standard-keys").with("table", t.table.as_str()),
                    ));
                }
            } else {
                if STANDARD.contains(&t.table.as_str()) || linked_table {
                    return Err(self.invalid(
                        line,
                        Message::new("pipeline-standard-name").with("table", t.table.as_str()),
                    ));
                }
                if !matches!(t.source.as_deref(), None | Some("cases") | Some("returns")) {
                    return Err(self.invalid(
                        self.table_line(i, "source"),
                        Message::new("pipeline-source"),
                    ));
                }
                match t.measure.as_deref() {
                    None | Some("count") => {
                        if t.value.is_some() {
                            return Err(self.invalid(
                                self.table_line(i, "value"),
                                Message::new("pipeline-value-needs-sum")
                                    .with("table", t.table.as_str()),
                            ));
                        }
                    }
                    Some("sum") => {
                        if t.value.is_none() || t.upper.is_none() {
                            return Err(self.invalid(
                                self.table_line(i, "measure"),
                                Message::new("pipeline-sum-bounds").with("table", t.table.as_str()),
                            ));
                        }
                    }
                    Some(other) => {
                        return Err(self.invalid(
                            self.table_line(i, "measure"),
                            Message::new("pipeline-measure").with("measure", other),
                        ));
                    }
                }
            }
            if !(t.weight.is_finite() && t.weight > 0.0) {
                return Err(self.invalid(
                    self.table_line(i, "weight"),
                    Message::new("pipeline-weight").with("table", t.table.as_str()),
                ));
            }
            if let Some(rho) = t.rho {
                if !(rho.is_finite() && rho > 0.0) {
                    return Err(self.invalid(
                        line,
                        Message::new("pipeline-table-rho").with("table", t.table.as_str()),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Accuracy-first tables: solve for the rho that gives the half-width asked for.
    fn solve_targets(&self, spec: &mut PipelineSpec) -> Result<(), PipelineError> {
        self.plan_part_targets(spec)?;
        // Accuracy-first tables: solve for the rho that gives the half-width asked for.
        if spec.tables.iter().any(|t| t.half_width.is_some()) {
            let defs = spec.definitions()?;
            for i in 0..spec.tables.len() {
                let Some(target) = spec.tables[i].half_width else {
                    continue;
                };
                let name = spec.tables[i].table.clone();
                let line = self.table_line(i, "half_width");
                if !(target.is_finite() && target > 0.0) {
                    return Err(self.invalid(
                        line,
                        Message::new("pipeline-half-width").with("table", name.as_str()),
                    ));
                }
                if spec.tables[i].rho.is_some() {
                    return Err(self.invalid(
                        line,
                        Message::new("pipeline-rho-and-half-width").with("table", name.as_str()),
                    ));
                }
                match spec.rho_for_half_width(&spec.tables[i], target, &defs)? {
                    Some(rho) => spec.tables[i].rho = Some(rho),
                    None => {
                        return Err(self.invalid(
                            line,
                            Message::new("pipeline-half-width-unreachable")
                                .with("table", name.as_str())
                                .with("target", target)
                                .with("max", MAX_RHO_FOR_TARGET),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Tables planned per part to a `target`: checked, and their rho set to
    /// the most the target can cost (every part at its floor), which the
    /// quarter's budget must allow; the run plans each quarter's parts to the
    /// previous quarter's figures (see `target`).
    fn plan_part_targets(&self, spec: &mut PipelineSpec) -> Result<(), PipelineError> {
        for i in 0..spec.tables.len() {
            let Some(target) = spec.tables[i].target.clone() else {
                continue;
            };
            let name = spec.tables[i].table.clone();
            let line = self.table_line(i, "target");
            let relative_ok = target.relative.is_none_or(|r| r > 0.0 && r <= 1.0);
            if !(relative_ok && target.floor().is_finite() && target.floor() > 0.0) {
                return Err(self.invalid(
                    line,
                    Message::new("pipeline-target").with("table", name.as_str()),
                ));
            }
            if spec.tables[i].rho.is_some() || spec.tables[i].half_width.is_some() {
                return Err(self.invalid(
                    line,
                    Message::new("pipeline-target-and-rho").with("table", name.as_str()),
                ));
            }
            let defs = spec.definitions()?;
            let req = spec.request_for(&spec.tables[i], spec.inputs.periods[0].to_string(), None);
            let unit = super::target::unit_half_widths(&defs, &req)?;
            let at_most: f64 = super::target::planned_part_rho(&unit, &target, &|_| None)
                .iter()
                .map(|(_, r)| r)
                .sum();
            if !(at_most.is_finite() && at_most <= MAX_RHO_FOR_TARGET) {
                return Err(self.invalid(
                    line,
                    Message::new("pipeline-half-width-unreachable")
                        .with("table", name.as_str())
                        .with("target", target.floor())
                        .with("max", MAX_RHO_FOR_TARGET),
                ));
            }
            spec.tables[i].rho = Some(at_most);
        }
        Ok(())
    }

    /// The budgets per period: enough for the tables that take their own rho.
    fn check_budgets(&self, spec: &mut PipelineSpec) -> Result<(), PipelineError> {
        if let Some(rho) = spec.privacy.lifetime_rho {
            if !(rho.is_finite() && rho > 0.0) {
                return Err(self.invalid(
                    self.key_line("privacy", "lifetime_rho"),
                    Message::new("pipeline-rho-positive").with("key", "privacy.lifetime_rho"),
                ));
            }
        }
        if let Some(rho) = spec.privacy.agency_rho_per_period {
            if !(rho.is_finite() && rho > 0.0) {
                return Err(self.invalid(
                    self.key_line("privacy", "agency_rho_per_period"),
                    Message::new("pipeline-rho-positive")
                        .with("key", "privacy.agency_rho_per_period"),
                ));
            }
        }
        for scope in [Scope::Person, Scope::Agency] {
            let key = match scope {
                Scope::Person => "rho_per_period",
                Scope::Agency => "agency_rho_per_period",
            };
            let tables: Vec<&TableSpec> =
                spec.tables.iter().filter(|t| t.scope() == scope).collect();
            let explicit: f64 = tables.iter().filter_map(|t| t.rho).sum();
            let weighted = tables.iter().filter(|t| t.rho.is_none()).count();
            match spec.privacy.total(scope) {
                None if weighted > 0 => {
                    return Err(self.invalid(
                        self.line_at(&[Step::Key("privacy")]),
                        Message::new("pipeline-total-needed").with("key", key),
                    ));
                }
                Some(total) if explicit > total + 1e-12 || (weighted > 0 && explicit >= total) => {
                    let solved = tables
                        .iter()
                        .any(|t| t.half_width.is_some() || t.target.is_some());
                    return Err(self.invalid(
                        self.key_line("privacy", key),
                        Message::new(if solved {
                            "pipeline-explicit-over-solved"
                        } else {
                            "pipeline-explicit-over"
                        })
                        .with("sum", format!("{explicit:.6}"))
                        .with("key", key)
                        .with("total", total),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Custom tables: dimensions and summed fields against the schema and the definitions.
    fn check_custom_tables(&self, spec: &mut PipelineSpec) -> Result<(), PipelineError> {
        // Tables about Indigenous people need the governing partners' approval.
        let approved = spec
            .governance
            .indigenous_data
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty());
        for (i, t) in spec.tables.iter().enumerate() {
            let indigenous =
                release::tables::about_indigenous_people(&t.table, t.custom().as_ref());
            if indigenous && !approved {
                let line = self.table_line(
                    i,
                    if t.dimensions.is_some() {
                        "dimensions"
                    } else {
                        "table"
                    },
                );
                let held = self.invalid(
                    line,
                    Message::new("pipeline-indigenous").with("table", t.table.as_str()),
                );
                spec.withheld.push(held.message());
            }
        }
        // Custom tables: check dimensions and summed fields against the schema and definitions.
        if spec.tables.iter().any(|t| t.dimensions.is_some()) {
            let defs = spec.definitions()?;
            for (i, t) in spec.tables.iter().enumerate() {
                if let Some(c) = t.custom() {
                    if let Err(e) = release::tables::custom(&c, &defs, spec.accounting()) {
                        return Err(self.invalid(
                            self.table_line(i, "table"),
                            Message::new("pipeline-custom")
                                .with("table", t.table.as_str())
                                .with("detail", e.message()),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

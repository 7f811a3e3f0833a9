//! A loaded pipeline as release requests: each table's share of each period's budget, its key layout and protection, pooled quarters.

use super::*;

impl PipelineSpec {
    pub(super) fn accounting(&self) -> Accounting {
        self.privacy.accounting
    }

    /// The least rho (to within 2%) at which every cell of `t` has an interval
    /// half-width of at most `target` at the pipeline's level; None when even
    /// [`MAX_RHO_FOR_TARGET`] does not give it. Calibration only: reads no data.
    pub(super) fn rho_for_half_width(
        &self,
        t: &TableSpec,
        target: f64,
        defs: &DefinitionSet,
    ) -> Result<Option<f64>, PipelineError> {
        let widest = |rho: f64| -> Result<f64, PipelineError> {
            let req = ReleaseRequest {
                table: t.table.clone(),
                period: self.inputs.periods[0].to_string(),
                rho,
                accounting: self.accounting(),
                level: self.privacy.interval_level,
                agencies: None,
                custom: t.custom(),
                layout: self.layout(t),
                protection: self.protection(t),
                pool: None,
                governance: self.governance_for(t),
                part_rho: None,
            };
            let preview = release::preview(defs, &req)?;
            Ok(preview
                .parts
                .iter()
                .map(|(_, c)| c.half_width)
                .fold(0.0, f64::max))
        };
        // The noise scale, hence the half-width, goes as 1/sqrt(rho) under
        // both accountings (pure: epsilon = sqrt(2 rho)): one probe gives the
        // answer up to the integer rounding of discrete intervals, which the
        // steps below settle.
        let probe = widest(1.0)?;
        let mut rho = if probe > 0.0 {
            (probe / target).powi(2).max(1e-9)
        } else {
            1.0
        };
        let mut steps = 0;
        while widest(rho)? > target {
            rho *= 1.02;
            steps += 1;
            if rho > MAX_RHO_FOR_TARGET || steps > 400 {
                return Ok(None);
            }
        }
        while steps < 400 && widest(rho / 1.02)? <= target {
            rho /= 1.02;
            steps += 1;
        }
        Ok((rho <= MAX_RHO_FOR_TARGET).then_some(rho))
    }

    /// The rho a table takes of its scope's budget in each period.
    pub(super) fn table_rho(&self, t: &TableSpec) -> f64 {
        if !t.draws_budget() {
            return 0.0;
        }
        if let Some(rho) = t.rho {
            return rho;
        }
        let scope = t.scope();
        let peers = self
            .tables
            .iter()
            .filter(|p| p.scope() == scope && p.draws_budget());
        let explicit: f64 = peers.clone().filter_map(|p| p.rho).sum();
        let weights: f64 = peers.filter(|p| p.rho.is_none()).map(|p| p.weight).sum();
        let shared = self.privacy.total(scope).unwrap_or(explicit) - explicit;
        shared * t.weight / weights
    }

    /// The key layout of a table's releases: the declared coverage, the national margin's share.
    pub fn layout(&self, t: &TableSpec) -> release::Layout {
        let share = t.national_share.unwrap_or(self.privacy.national_share);
        release::Layout {
            coverage: self.coverage.as_ref().map(|c| c.provinces()),
            national_share: (share > 0.0).then_some(share),
            linkage: self.coverage.as_ref().and_then(|c| c.linked()),
        }
    }

    /// How a table is protected: returns tables by disclosure-control rules
    /// unless the table asks for `protection = "dp"`.
    pub fn protection(&self, t: &TableSpec) -> release::Protection {
        match t.protection.as_deref() {
            Some("dp") => release::Protection::Dp,
            _ => release::Protection::Rules(self.returns.rules()),
        }
    }

    /// Refuse a coverage that names an agency the store does not know.
    pub fn check_coverage(&self, store: &Store) -> Result<(), PipelineError> {
        let Some(c) = &self.coverage else {
            return Ok(());
        };
        let known = store.known_agencies()?;
        c.check_members(&known).map_err(|e| PipelineError::Invalid {
            path: e.path,
            line: e.line,
            message: e.message,
        })
    }

    /// Every (period, table) request the pipeline makes.
    pub fn requests(&self) -> Vec<ReleaseRequest> {
        self.planned_requests()
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    /// Every request with the table entry it comes from: one per quarter for
    /// a quarterly table, one per pool for a pooled one (after the quarterly
    /// requests of the pool's last quarter).
    /// Whether `t` is held back: about Indigenous people, with no approval named.
    pub fn is_withheld(&self, t: &TableSpec) -> bool {
        let approved = self
            .governance
            .indigenous_data
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty());
        !approved && release::tables::about_indigenous_people(&t.table, t.custom().as_ref())
    }

    /// The approval a table about Indigenous people is released under (None
    /// for every other table, so their requests, and ids, are unchanged).
    fn governance_for(&self, t: &TableSpec) -> Option<String> {
        let about = release::tables::about_indigenous_people(&t.table, t.custom().as_ref());
        about
            .then(|| self.governance.indigenous_data.clone())
            .flatten()
    }

    /// The request a table entry makes for one period (or pool).
    pub fn request_for(
        &self,
        t: &TableSpec,
        period: String,
        pool: Option<Vec<String>>,
    ) -> ReleaseRequest {
        ReleaseRequest {
            table: t.table.clone(),
            period,
            rho: self.table_rho(t),
            accounting: self.accounting(),
            level: self.privacy.interval_level,
            agencies: self.inputs.agencies.clone(),
            custom: t.custom(),
            layout: self.layout(t),
            protection: self.protection(t),
            pool,
            governance: self.governance_for(t),
            part_rho: None,
        }
    }

    pub fn planned_requests(&self) -> Vec<(&TableSpec, ReleaseRequest)> {
        let periods: Vec<String> = self.inputs.periods.iter().map(|p| p.to_string()).collect();
        let request = |t: &TableSpec, period: String, pool: Option<Vec<String>>| {
            self.request_for(t, period, pool)
        };
        let mut out = Vec::new();
        for period in &periods {
            for t in self.tables.iter().filter(|t| !self.is_withheld(t)) {
                match t.pools(&periods) {
                    None => out.push((t, request(t, period.clone(), None))),
                    Some(pools) => {
                        for (label, quarters) in pools {
                            if quarters.last() == Some(period) {
                                out.push((t, request(t, label, Some(quarters))));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// rho the pipeline spends on each period in a scope (0 when it has no table there).
    pub fn rho_per_period(&self, scope: Scope) -> f64 {
        let mut tables = self
            .tables
            .iter()
            .filter(|t| t.scope() == scope && t.draws_budget())
            .peekable();
        if tables.peek().is_none() {
            return 0.0;
        }
        // Tables sharing by weight take the whole of the scope's total.
        // A declared total is the quarter's budget (tables with their own rho
        // may leave part of it unspent); else the tables' own rho.
        match self.privacy.total(scope) {
            Some(total) => total,
            None => tables.filter_map(|t| t.rho).sum(),
        }
    }

    pub fn definitions(&self) -> Result<DefinitionSet, PipelineError> {
        let defs = DefinitionSet::load_default(self.definitions.dir.as_deref())?;
        if let Some(v) = &self.definitions.version {
            if !defs.version.starts_with(v.as_str()) {
                return Err(PipelineError::Invalid {
                    path: PathBuf::from("definitions"),
                    line: 1,
                    message: crate::i18n::Message::new("pipeline-definitions-version")
                        .with("asked", v.as_str())
                        .with("version", defs.version.as_str())
                        .with("set", defs.version.split('+').next().unwrap_or_default()),
                });
            }
        }
        Ok(defs)
    }
}

/// The most rho one table may need per quarter to meet a `half_width`:
/// beyond it (epsilon over 20 for that table alone) a target is refused.
pub const MAX_RHO_FOR_TARGET: f64 = 10.0;

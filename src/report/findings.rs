//! Key findings: first-to-last comparisons of the charted series, called changes only under Benjamini–Hochberg control of the false discovery rate.

use super::*;

/// A finding before the comparisons are corrected together.
enum Entry {
    Text(String),
    Compared(Comparison),
    /// Unmet housing need in one province: summarised with the others when inconclusive.
    Housing(String, Comparison),
    HousingSummary,
}

impl<'a> Builder<'a> {
    /// once every comparison of the report is known (see [`Builder::findings`]).
    pub(super) fn compare(&self, what: &str, series: &Series, unit: Unit) -> Option<Comparison> {
        let shown = |p: &Option<Estimate>| p.is_some_and(|e| !e.is_suppressed());
        let first = series.points.iter().position(shown)?;
        let last = series.points.iter().rposition(shown)?;
        if first == last {
            return None;
        }
        let (a, b) = (series.points[first]?, series.points[last]?);
        let too_uncertain =
            a.half_width >= a.value.abs().max(1.0) || b.half_width >= b.value.abs().max(1.0);
        let change = Estimate::change(a, b);
        Some(Comparison {
            what: what.to_string(),
            unit,
            a,
            b,
            first,
            last,
            change,
            p: data::two_sided_p(change, self.level),
            too_uncertain,
        })
    }

    /// A comparison as a sentence, given whether the multiple-comparison
    /// procedure called it a change.
    pub(super) fn sentence(&self, c: &Comparison, changed: bool) -> String {
        let lang = self.lang;
        if c.too_uncertain {
            return lang.fill(
                "finding_too_uncertain",
                &[
                    ("what", c.what.clone()),
                    ("h", c.unit.format(lang, c.a.half_width.max(c.b.half_width))),
                ],
            );
        }
        let args = [
            ("what", c.what.clone()),
            ("a", c.unit.format(lang, c.a.value)),
            ("b", c.unit.format(lang, c.b.value)),
            ("qa", lang.quarter_words(&self.periods[c.first])),
            ("qb", lang.quarter_words(&self.periods[c.last])),
            ("d", c.unit.format(lang, c.change.value.abs())),
            ("h", c.unit.format(lang, c.change.half_width)),
        ];
        // An exact change (figures under disclosure control) has no interval to state.
        let exact = c.change.half_width == 0.0;
        let key = match (changed, c.change.value > 0.0, exact) {
            (true, true, false) => "finding_rose",
            (true, false, false) => "finding_fell",
            (true, true, true) => "finding_rose_exact",
            (true, false, true) => "finding_fell_exact",
            (false, ..) => "finding_inconclusive",
        };
        lang.fill(key, &args)
    }

    /// The key findings. Every comparison of a first and last quarter in the
    /// report is tested together: a change is called only when the
    /// Benjamini–Hochberg procedure at a false discovery rate of 5% rejects
    /// "no change" (Benjamini & Hochberg 1995), so that calling many
    /// comparisons at once does not turn noise into findings.
    pub(super) fn findings(&self) -> Vec<String> {
        let lang = self.lang;
        let mut entries = Vec::new();
        let people = self.over_time(String::new(), |p| self.people(p));
        entries.extend(
            self.compare(lang.t("what_people_served"), &people, Unit::People)
                .map(Entry::Compared),
        );
        entries.extend(self.definitions_finding().map(Entry::Text));
        // Unmet housing need: every province with data; the inconclusive ones together.
        for series in self.unmet_by_province() {
            if series.points.iter().flatten().all(|e| e.hi() < 1.0) {
                continue;
            }
            let what = lang.fill("what_unmet_housing", &[("province", series.name.clone())]);
            if let Some(c) = self.compare(&what, &series, Unit::People) {
                entries.push(Entry::Housing(series.name.clone(), c));
            }
        }
        entries.push(Entry::HousingSummary);
        let turnaways = self.over_time(String::new(), |p| self.national("turnaways", p, None, &[]));
        entries.extend(
            self.compare(lang.t("what_turnaways"), &turnaways, Unit::People)
                .map(Entry::Compared),
        );
        let funding = self.over_time(String::new(), |p| self.funding_total(p));
        entries.extend(
            self.compare(lang.t("what_funding"), &funding, Unit::Dollars)
                .map(Entry::Compared),
        );
        let issued = self.over_time(String::new(), |p| {
            self.national(
                "trp_status",
                p,
                None,
                &[("trp_status", &["issued_initial", "reissued"])],
            )
        });
        entries.extend(
            self.compare(lang.t("what_trp_issued"), &issued, Unit::People)
                .map(Entry::Compared),
        );
        for (key, groups) in [
            ("what_labour", ["labour", "both"]),
            ("what_sexual", ["sexual", "both"]),
        ] {
            let s = self.over_time(String::new(), |p| {
                self.national("exploitation", p, None, &[("exploitation_group", &groups)])
            });
            entries.extend(
                self.compare(lang.t(key), &s, Unit::People)
                    .map(Entry::Compared),
            );
        }

        // Every testable comparison, corrected together.
        let tested: Vec<&Comparison> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Compared(c) | Entry::Housing(_, c) if !c.too_uncertain => Some(c),
                _ => None,
            })
            .collect();
        let p: Vec<f64> = tested.iter().map(|c| c.p).collect();
        let calls = data::benjamini_hochberg(&p, FALSE_DISCOVERY_RATE);
        let changed = |c: &Comparison| {
            tested
                .iter()
                .position(|t| std::ptr::eq(*t, c))
                .is_some_and(|i| calls[i])
        };
        let mut inconclusive = Vec::new();
        let mut out = Vec::new();
        for e in &entries {
            match e {
                Entry::Text(t) => out.push(t.clone()),
                Entry::Compared(c) => out.push(self.sentence(c, changed(c))),
                Entry::Housing(_, c) if changed(c) => out.push(self.sentence(c, true)),
                Entry::Housing(name, _) => inconclusive.push(name.clone()),
                Entry::HousingSummary => {
                    if !inconclusive.is_empty() && self.quarters.len() > 1 {
                        out.push(lang.fill(
                            "finding_inconclusive_many",
                            &[
                                ("places", lang.list(&inconclusive)),
                                ("qa", lang.quarter_words(&self.periods[0])),
                                (
                                    "qb",
                                    lang.quarter_words(&self.periods[self.periods.len() - 1]),
                                ),
                            ],
                        ));
                    }
                }
            }
        }
        out.extend(self.largest_gap_finding());
        out
    }

    /// How much the definition changes who is counted, in the last quarter:
    /// the widest definition's count against the narrowest's.
    fn definitions_finding(&self) -> Option<String> {
        let lang = self.lang;
        let last = self.periods.last()?;
        let meets: Vec<(String, Estimate)> = self
            .definitions
            .iter()
            .filter_map(|d| {
                Some((
                    d.clone(),
                    self.national("definitions", last, Some(d), &[("membership", &["meets"])])?,
                ))
            })
            .collect();
        let w = meets
            .iter()
            .max_by(|a, b| a.1.value.total_cmp(&b.1.value))?;
        let n = meets
            .iter()
            .min_by(|a, b| a.1.value.total_cmp(&b.1.value))?;
        if !n.1.is_safe_denominator() || w.0 == n.0 {
            return None;
        }
        Some(lang.fill(
            "finding_definitions",
            &[
                ("q", lang.quarter_words(last)),
                ("wide", lang.code_label(&w.0)),
                ("narrow", lang.code_label(&n.0)),
                ("a", lang.int(w.1.value)),
                ("b", lang.int(n.1.value)),
                ("f", lang.dec(w.1.value / n.1.value, 1)),
            ],
        ))
    }

    /// The largest service gap that the data can estimate.
    fn largest_gap_finding(&self) -> Option<String> {
        let lang = self.lang;
        let mut best: Option<(f64, String, String, Estimate)> = None;
        for c in crate::schema::codes::SERVICE_CATEGORY.codes {
            for p in self.provinces.iter().copied() {
                if let Some(e) = self.gap_rate(c, p) {
                    if e.half_width <= HEAT_MAX_HALF_WIDTH
                        && best.as_ref().is_none_or(|b| e.value > b.0)
                    {
                        best = Some((e.value, c.to_string(), p.to_string(), e));
                    }
                }
            }
        }
        let ((_, c, p, e), first, last) = (best?, self.periods.first()?, self.periods.last()?);
        // The period the rate is of: the latest yearly release where there
        // is one (as `gap_rate` reads), else every quarter summed.
        let (id, span) = match self.set.latest_pool(self.gap_table()) {
            Some(year) => ("finding_gap_year", vec![("year", year)]),
            None => (
                "finding_gap",
                vec![
                    ("q", lang.quarter_words(first)),
                    ("q2", lang.quarter_words(last)),
                ],
            ),
        };
        Some(
            lang.fill(
                id,
                &[
                    ("service", lang.code_label(&c).to_lowercase()),
                    ("province", lang.code_label(&p)),
                    ("rate", lang.pct(e.value)),
                    ("lo", lang.pct(e.lo().max(0.0))),
                    ("hi", lang.pct(e.hi().min(1.0))),
                ]
                .into_iter()
                .chain(span)
                .collect::<Vec<_>>(),
            ),
        )
    }
}

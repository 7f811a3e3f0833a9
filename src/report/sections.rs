//! The report's sections as charts: trends, housing, services, funding, protection — each figure a released cell or a stated combination of cells.

use super::*;

impl<'a> Builder<'a> {
    /// A national figure: the consistent national row where the release
    /// measured a margin; else the sum over the declared coverage and
    /// `elsewhere`; else (releases without a coverage) over the provinces where
    /// agencies served people, since cells of other provinces are noise around
    /// zero and adding them would only widen the interval. Tables without a
    /// province dimension are summed whole.
    pub(super) fn national(
        &self,
        table: &str,
        period: &str,
        part: Option<&str>,
        filters: &[(&str, &[&str])],
    ) -> Option<Estimate> {
        let by_province = self
            .set
            .get(table, period)?
            .cells
            .first()
            .is_some_and(|c| c.dims.contains_key("province"));
        if !by_province || self.provinces.is_empty() {
            return self.set.total(table, period, part, filters);
        }
        let mut f = filters.to_vec();
        if self.set.has_national(table, period) {
            f.push(("province", &[crate::release::coverage::NATIONAL]));
        } else {
            f.push(("province", &self.national_keys));
        }
        self.set.total(table, period, part, &f)
    }

    /// A series over every period.
    pub(super) fn over_time(&self, name: String, f: impl Fn(&str) -> Option<Estimate>) -> Series {
        Series {
            name,
            points: self.periods.iter().map(|p| f(p)).collect(),
        }
    }

    /// People served: the `people` table where released, else every membership of the first definition.
    pub(super) fn people(&self, period: &str) -> Option<Estimate> {
        if self.set.get("people", period).is_some() {
            return self.national("people", period, None, &[]);
        }
        let first = self.definitions.first()?;
        self.national("definitions", period, Some(first), &[])
    }

    /// A chart whose title and alt text are the `chart_<id>` and `chart_<id>_alt` texts.
    pub(super) fn chart(
        &self,
        id: &str,
        axis: &str,
        unit: Unit,
        kind: Kind,
        labels: Vec<String>,
        series: Vec<Series>,
    ) -> Chart {
        Chart {
            id: id.into(),
            title: self.lang.t(&format!("chart_{id}")).into(),
            alt: self.lang.t(&format!("chart_{id}_alt")).into(),
            axis: self.lang.t(axis).into(),
            unit,
            kind,
            labels,
            // A share or a ratio is absent where its denominator is too small.
            none_reads: match unit {
                Unit::Share => "too_few",
                _ => "no_data",
            },
            period: self.period_of(&series),
            series,
        }
    }

    /// The period a chart covers, for its standalone PNG: the pooled years
    /// its series name ("Legal, 2024"), else the report's quarters.
    fn period_of(&self, series: &[Series]) -> String {
        let mut years: Vec<&str> = self
            .set
            .releases
            .iter()
            .filter(|r| r.pooled)
            .map(|r| r.period.as_str())
            .filter(|y| series.iter().any(|s| s.name.contains(y)))
            .collect();
        years.sort();
        years.dedup();
        if !years.is_empty() {
            return years.join(", ");
        }
        match (self.quarters.first(), self.quarters.last()) {
            (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
            (Some(a), _) => a.clone(),
            _ => String::new(),
        }
    }

    /// A chart of the last quarter only.
    pub(super) fn last_quarter(&self, chart: Chart) -> Chart {
        Chart {
            period: self.quarters.last().cloned().unwrap_or_default(),
            ..chart
        }
    }

    /// A trend over the report's quarters.
    /// Lines whose intervals would tangle are drawn as small multiples.
    pub(super) fn line(&self, id: &str, axis: &str, unit: Unit, series: Vec<Series>) -> Chart {
        let kind = match charts::tangled(&series) {
            true => Kind::Panels,
            false => Kind::Line,
        };
        self.chart(id, axis, unit, kind, self.quarters.clone(), series)
    }

    /// Provinces whose people count, pooled over the quarters, is clearly above zero.
    pub(super) fn provinces_with_people(
        set: &ReleaseSet,
        periods: &[String],
        definitions: &[String],
    ) -> Vec<&'static str> {
        let Some(first) = definitions.first() else {
            return Vec::new();
        };
        crate::schema::codes::PROVINCE
            .codes
            .iter()
            .copied()
            .filter(|prov| {
                let pooled = Estimate::sum(periods.iter().filter_map(|p| {
                    set.total("definitions", p, Some(first), &[("province", &[*prov])])
                }));
                pooled.is_some_and(|e| e.lo() > 0.0)
            })
            .collect()
    }

    pub(super) fn trends(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let defs = &self.definitions;
        let mut people =
            vec![self.over_time(lang.t("series_all_people").into(), |p| self.people(p))];
        for d in defs {
            people.push(self.over_time(lang.code_label(d), |p| {
                self.national("definitions", p, Some(d), &[("membership", &["meets"])])
            }));
        }
        let recent: Vec<&String> = self.periods.iter().rev().take(4).rev().collect();
        let compared = self.chart(
            "definitions",
            "axis_people",
            Unit::People,
            Kind::Bars,
            defs.iter().map(|d| lang.code_label(d)).collect(),
            recent
                .iter()
                .map(|p| Series {
                    name: lang.quarter(p),
                    points: defs
                        .iter()
                        .map(|d| {
                            self.national("definitions", p, Some(d), &[("membership", &["meets"])])
                        })
                        .collect(),
                })
                .collect(),
        );
        let indeterminate = defs
            .iter()
            .map(|d| {
                self.over_time(lang.code_label(d), |p| {
                    let ind = self.national(
                        "definitions",
                        p,
                        Some(d),
                        &[("membership", &["indeterminate"])],
                    )?;
                    let rest = self.national(
                        "definitions",
                        p,
                        Some(d),
                        &[("membership", &["meets", "does_not_meet"])],
                    )?;
                    Estimate::share(ind, rest)
                })
            })
            .collect();
        vec![
            (
                self.line("people_trend", "axis_people", Unit::People, people),
                vec!["definitions"],
            ),
            (compared, vec!["definitions"]),
            (
                self.line("indeterminate", "axis_share", Unit::Share, indeterminate),
                vec!["definitions"],
            ),
        ]
    }

    pub(super) fn unmet_by_province(&self) -> Vec<Series> {
        self.provinces
            .iter()
            .map(|prov| {
                self.over_time(self.lang.code_label(prov), |p| {
                    self.set.total(
                        "housing_outcome",
                        p,
                        None,
                        &[("province", &[*prov]), ("housing_outcome", HOUSING_UNMET)],
                    )
                })
            })
            .collect()
    }

    pub(super) fn housing(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let mut unmet = self.unmet_by_province();
        unmet.sort_by(|a, b| {
            let sum = |s: &Series| s.points.iter().flatten().map(|e| e.value).sum::<f64>();
            sum(b).total_cmp(&sum(a))
        });
        let ends: Vec<&String> = match (self.periods.first(), self.periods.last()) {
            (Some(a), Some(b)) if a != b => vec![a, b],
            (Some(a), _) => vec![a],
            _ => vec![],
        };
        let types: Vec<&str> = crate::schema::codes::SHELTER_TYPE
            .codes
            .iter()
            .copied()
            .filter(|t| *t != "none")
            .collect();
        let shelter = self.chart(
            "shelter",
            "axis_people",
            Unit::People,
            Kind::Bars,
            types.iter().map(|t| lang.code_label(t)).collect(),
            ends.iter()
                .map(|p| Series {
                    name: lang.quarter(p),
                    points: types
                        .iter()
                        .map(|t| self.national("shelter_type", p, None, &[("shelter_type", &[*t])]))
                        .collect(),
                })
                .collect(),
        );
        let capacity = vec![
            self.over_time(lang.t("series_beds").into(), |p| {
                self.national("beds", p, None, &[])
            }),
            self.over_time(lang.t("series_turnaways").into(), |p| {
                self.national("turnaways", p, None, &[])
            }),
        ];
        // Yearly, by province: the share of people with a housing outcome whose
        // need went unmet, from the pooled releases (one measurement a year).
        let pools = self.set.pools("housing_outcome");
        let yearly = (!pools.is_empty()).then(|| {
            self.chart(
                "housing_year",
                "axis_share",
                Unit::Share,
                Kind::Bars,
                self.provinces.iter().map(|p| lang.code_label(p)).collect(),
                pools
                    .iter()
                    .map(|label| Series {
                        name: label.clone(),
                        points: self
                            .provinces
                            .iter()
                            .map(|p| {
                                let of = |outcomes: &[&str]| {
                                    self.set.total(
                                        "housing_outcome",
                                        label,
                                        None,
                                        &[("province", &[*p]), ("housing_outcome", outcomes)],
                                    )
                                };
                                Estimate::share(of(HOUSING_UNMET)?, of(&["met", "partially_met"])?)
                            })
                            .collect(),
                    })
                    .collect(),
            )
        });
        let mut out = vec![
            (
                // One small panel per province: their bands overlap in one plot.
                Chart {
                    kind: Kind::Panels,
                    ..self.line("housing_unmet", "axis_people", Unit::People, unmet)
                },
                vec!["housing_outcome"],
            ),
            (shelter, vec!["shelter_type"]),
            (
                self.line("turnaways", "axis_count", Unit::People, capacity),
                vec!["beds", "turnaways"],
            ),
        ];
        if let Some(chart) = yearly {
            out.insert(1, (chart, vec!["housing_outcome"]));
        }
        out
    }

    /// All funding in a quarter: the published grand total of a returns
    /// table under disclosure control (which may stand when a source is
    /// withheld), else the sum of the sources.
    pub(super) fn funding_total(&self, period: &str) -> Option<Estimate> {
        let total = crate::release::establishment::TOTAL;
        if self.set.parts("funding").iter().any(|p| p == total) {
            return self
                .national("funding", period, Some(total), &[])
                .map(|e| e.scale(100.0));
        }
        Estimate::sum(
            crate::schema::codes::FUNDING_SOURCE
                .codes
                .iter()
                .map(|s| self.national("funding", period, Some(s), &[]))
                .collect::<Option<Vec<_>>>()?,
        )
        .map(|e| e.scale(100.0))
    }

    pub(super) fn funding(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let sources = crate::schema::codes::FUNDING_SOURCE
            .codes
            .iter()
            .map(|s| {
                self.over_time(lang.code_label(s), |p| {
                    self.national("funding", p, Some(s), &[])
                        .map(|e| e.scale(100.0))
                })
            })
            .collect();
        let per_person = vec![
            self.over_time(lang.t("series_funding_per_person").into(), |p| {
                Estimate::ratio(self.funding_total(p)?, self.people(p)?)
            }),
        ];
        let terms = crate::schema::codes::FUNDING_TERM.codes;
        let term_share = terms
            .iter()
            .map(|t| {
                self.over_time(lang.code_label(t), |p| {
                    let part =
                        self.set
                            .total("funding_term", p, None, &[("funding_term", &[*t])])?;
                    // The published total of every term (its margin, kept where
                    // a term's own cell is withheld); the rest is all but the part.
                    let all = self.set.total(
                        "funding_term",
                        p,
                        None,
                        &[("funding_term", &[crate::release::establishment::ALL])],
                    )?;
                    let rest = Estimate {
                        value: all.value - part.value,
                        half_width: (all.half_width.powi(2) - part.half_width.powi(2))
                            .max(0.0)
                            .sqrt(),
                    };
                    Estimate::share(part, rest)
                })
            })
            .collect();
        // By province, last quarter: the covered provinces (a returns table
        // under disclosure control publishes exact cells or withholds them).
        let last = self.periods.last().cloned().unwrap_or_default();
        let by_province = self.chart(
            "funding_province",
            "axis_dollars",
            Unit::Dollars,
            Kind::Bars,
            self.provinces.iter().map(|p| lang.code_label(p)).collect(),
            crate::schema::codes::FUNDING_SOURCE
                .codes
                .iter()
                .map(|s| Series {
                    name: lang.code_label(s),
                    points: self
                        .provinces
                        .iter()
                        .map(|p| {
                            self.set
                                .total("funding", &last, Some(s), &[("province", &[*p])])
                                .map(|e| e.scale(100.0))
                        })
                        .collect(),
                })
                .collect(),
        );
        // People served and funding per person by province, last quarter.
        let labels: Vec<String> = self.provinces.iter().map(|p| lang.code_label(p)).collect();
        let people_in = |p: &str| self.set.total("people", &last, None, &[("province", &[p])]);
        let people = self.chart(
            "people_province",
            "axis_people",
            Unit::People,
            Kind::Bars,
            labels.clone(),
            vec![Series {
                name: lang.t("series_all_people").into(),
                points: self.provinces.iter().map(|p| people_in(p)).collect(),
            }],
        );
        let funding_in = |p: &str| {
            let total = crate::release::establishment::TOTAL;
            self.set
                .total("funding", &last, Some(total), &[("province", &[p])])
                .map(|e| e.scale(100.0))
        };
        let per_person_province = Chart {
            none_reads: "too_few",
            ..self.chart(
                "funding_person_province",
                "axis_dollars_per_person",
                Unit::Dollars,
                Kind::Bars,
                labels,
                vec![Series {
                    name: lang.t("series_funding_per_person").into(),
                    points: self
                        .provinces
                        .iter()
                        .map(|p| Estimate::ratio(funding_in(p)?, people_in(p)?))
                        .collect(),
                }],
            )
        };
        vec![
            (
                self.line("funding_source", "axis_dollars", Unit::Dollars, sources),
                vec!["funding"],
            ),
            (self.last_quarter(by_province), vec!["funding"]),
            (self.last_quarter(people), vec!["people"]),
            (
                self.last_quarter(per_person_province),
                vec!["funding", "people"],
            ),
            (
                Chart {
                    none_reads: "too_few",
                    ..self.line(
                        "funding_person",
                        "axis_dollars_per_person",
                        Unit::Dollars,
                        per_person,
                    )
                },
                vec!["funding", "definitions"],
            ),
            (
                self.line("funding_term", "axis_share", Unit::Share, term_share),
                vec!["funding_term"],
            ),
        ]
    }

    pub(super) fn protection(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let trp = |key: &str, codes: &'static [&'static str]| {
            self.over_time(lang.t(key).into(), move |p| {
                self.national("trp_status", p, None, &[("trp_status", codes)])
            })
        };
        let trp_series = vec![
            trp("series_trp_needed", &["needed_not_applied"]),
            trp("series_trp_applied", &["applied"]),
            trp("series_trp_issued", &["issued_initial", "reissued"]),
            trp("series_trp_refused", &["refused"]),
            trp("series_trp_barred", &["barred_failed_claim", "barred_dfn"]),
        ];
        let exploitation = ["sexual", "labour", "both", "labour_no_coercion"]
            .iter()
            .map(|g| {
                self.over_time(lang.code_label(g), |p| {
                    self.national("exploitation", p, None, &[("exploitation_group", &[*g])])
                })
            })
            .collect();
        let mut out = vec![
            (
                self.line("trp", "axis_people", Unit::People, trp_series),
                vec!["trp_status"],
            ),
            (
                self.line("exploitation", "axis_people", Unit::People, exploitation),
                vec!["exploitation"],
            ),
        ];
        out.extend(self.trp_claims().map(|c| (c, vec!["trp_detail"])));
        out.extend(self.status_detail().map(|c| (c, vec!["who_is_served"])));
        out.extend(self.continuum().map(|c| (c, vec!["labour_continuum"])));
        out.extend(self.justice().map(|c| (c, vec!["protection"])));
        out.extend(self.justice_by_group().map(|c| (c, vec!["protection"])));
        out
    }

    /// The continuum between labour exploitation and trafficking, in each
    /// pooled year: how many people in each form of labour exploitation each
    /// definition counts (meets).
    fn continuum(&self) -> Option<Chart> {
        let lang = self.lang;
        let groups = ["labour", "both", "labour_no_coercion"];
        let names: Vec<String> = groups.iter().map(|g| lang.code_label(g)).collect();
        let series = self.series_each_year("labour_continuum", &names, &|pool, i| {
            self.definitions
                .iter()
                .map(|d| {
                    self.set.total(
                        "labour_continuum",
                        pool,
                        Some(d),
                        &[("group", &[groups[i]]), ("membership", &["meets"])],
                    )
                })
                .collect()
        })?;
        Some(
            self.chart(
                "continuum",
                "axis_people",
                Unit::People,
                Kind::Bars,
                self.definitions
                    .iter()
                    .map(|d| lang.code_label(d))
                    .collect(),
                series,
            ),
        )
    }

    /// Protection versus prosecution by who counts the person, in each
    /// pooled year: the share asked to cooperate, and whose services depended
    /// on it, among those whose answer is known.
    fn justice_by_group(&self) -> Option<Chart> {
        let lang = self.lang;
        let groups = crate::release::tables::DEFINITION_GROUPS;
        let facts = [
            "police_involved",
            "asked_to_cooperate",
            "services_conditional_on_cooperation",
        ];
        let names: Vec<String> = facts.iter().map(|f| lang.code_label(f)).collect();
        let series = self.series_each_year("protection", &names, &|pool, i| {
            groups
                .iter()
                .map(|g| {
                    let of = |answer: &str| {
                        self.set.total(
                            "protection",
                            pool,
                            Some(facts[i]),
                            &[("answer", &[answer]), ("definition_group", &[*g])],
                        )
                    };
                    Estimate::share(of("yes")?, of("no")?)
                })
                .collect()
        })?;
        Some(self.chart(
            "justice_group",
            "axis_share",
            Unit::Share,
            Kind::Bars,
            groups.iter().map(|g| lang.code_label(g)).collect(),
            series,
        ))
    }

    /// Protection versus prosecution, each pooled year: of the people whose
    /// answer is known, the share for whom each fact holds.
    fn justice(&self) -> Option<Chart> {
        let lang = self.lang;
        let pools = self.set.pools("protection");
        if pools.is_empty() {
            return None;
        }
        let fields = crate::release::tables::PROTECTION_FIELDS;
        Some(
            self.chart(
                "justice",
                "axis_share",
                Unit::Share,
                Kind::Bars,
                fields.iter().map(|f| lang.code_label(f)).collect(),
                pools
                    .iter()
                    .map(|label| Series {
                        name: label.clone(),
                        points: fields
                            .iter()
                            .map(|f| {
                                let of = |answer: &str| {
                                    self.set.total(
                                        "protection",
                                        label,
                                        Some(f),
                                        &[("answer", &[answer])],
                                    )
                                };
                                Estimate::share(of("yes")?, of("no")?)
                            })
                            .collect(),
                    })
                    .collect(),
            ),
        )
    }
}

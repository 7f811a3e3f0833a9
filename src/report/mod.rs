//! Trend reports for funders, drawn only from released (noisy) tables —
//! never from records, and never spending budget. A report is one
//! self-contained HTML file per language (charts inlined as SVG, CSS
//! inline, no network at view time) plus each chart as SVG and PNG.
//!
//! Every number shown is a released cell or a stated combination of
//! released cells (sums, shares, ratios; see [`data`]), and every chart of
//! noisy values shows its intervals. Findings call a change only when its
//! interval excludes zero; otherwise they say the comparison is inconclusive.

pub mod charts;
pub mod data;
pub mod i18n;

use charts::{Chart, Kind, Series, Unit};
use data::{Estimate, ReleaseSet};
use i18n::Lang;
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use data::DataError;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("drawing the chart {chart} failed: {message}")]
    Chart { chart: String, message: String },
    #[error("the report template failed: {0}")]
    Template(#[from] minijinja::Error),
}

/// The report files written for one language.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub lang: Lang,
    pub html: PathBuf,
    pub charts: usize,
}

const HOUSING_UNMET: &[&str] = &["unmet_no_capacity", "unmet_ineligible"];
const SERVICE_GAP: &[&str] = &["waitlisted", "not_available"];
const SERVICE_MET: &[&str] = &["received", "referred_out"];
const SERVICE_NEEDED: &[&str] = &[
    "received",
    "referred_out",
    "waitlisted",
    "not_available",
    "declined",
    "client_doesnt_know",
    "client_refused",
    "not_collected",
];
/// A heat-map cell whose 95% half-width exceeds this share is shown as too uncertain.
pub const HEAT_MAX_HALF_WIDTH: f64 = 0.15;

#[derive(Debug, Serialize)]
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Debug, Serialize)]
struct Figure {
    id: String,
    title: String,
    alt: String,
    svg: String,
    png: String,
    table: Table,
    derived: String,
    missing: Option<String>,
}

#[derive(Debug, Serialize)]
struct Section {
    id: String,
    heading: String,
    figures: Vec<Figure>,
}

/// Everything a report shows, computed from a release set.
/// The false discovery rate at which the report's findings call changes.
const FALSE_DISCOVERY_RATE: f64 = 0.05;

/// A first-to-last-quarter comparison of one series.
struct Comparison {
    what: String,
    unit: Unit,
    a: Estimate,
    b: Estimate,
    first: usize,
    last: usize,
    change: Estimate,
    /// Two-sided p-value of "no change".
    p: f64,
    /// An end point's interval is as wide as its value: not compared.
    too_uncertain: bool,
}

struct Builder<'a> {
    set: &'a ReleaseSet,
    lang: Lang,
    /// Interval level of the releases (their half-widths' level).
    level: f64,
    periods: Vec<String>,
    quarters: Vec<String>,
    /// Provinces where the participating agencies served people (from released counts).
    provinces: Vec<&'static str>,
    /// The province keys a national sum adds: the coverage and `elsewhere`, or `provinces`.
    national_keys: Vec<&'static str>,
    /// The definitions in the `definitions` table, in release order.
    definitions: Vec<String>,
}

impl<'a> Builder<'a> {
    /// A national figure: the consistent national row where the release
    /// measured a margin; else the sum over the declared coverage and
    /// `elsewhere`; else (releases without a coverage) over the provinces where
    /// agencies served people, since cells of other provinces are noise around
    /// zero and adding them would only widen the interval. Tables without a
    /// province dimension are summed whole.
    fn national(
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
    fn over_time(&self, name: String, f: impl Fn(&str) -> Option<Estimate>) -> Series {
        Series {
            name,
            points: self.periods.iter().map(|p| f(p)).collect(),
        }
    }

    /// People served: the `people` table where released, else every membership of the first definition.
    fn people(&self, period: &str) -> Option<Estimate> {
        if self.set.get("people", period).is_some() {
            return self.national("people", period, None, &[]);
        }
        let first = self.definitions.first()?;
        self.national("definitions", period, Some(first), &[])
    }

    /// A chart whose title and alt text are the `chart_<id>` and `chart_<id>_alt` texts.
    fn chart(
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
            series,
            table_only: Vec::new(),
        }
    }

    /// A trend over the report's quarters.
    fn line(&self, id: &str, axis: &str, unit: Unit, series: Vec<Series>) -> Chart {
        self.chart(id, axis, unit, Kind::Line, self.quarters.clone(), series)
    }

    /// Provinces whose people count, pooled over the quarters, is clearly above zero.
    fn provinces_with_people(
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

    /// The share of people needing a service who were waitlisted or found it
    /// unavailable: from the latest yearly pooled `services` release where
    /// there is one (one measurement over the year's person-quarters), else
    /// every quarter's release summed.
    fn gap_rate(&self, category: &str, province: &str) -> Option<Estimate> {
        let periods = match self.set.latest_pool("services") {
            Some(label) => vec![label],
            None => self.periods.clone(),
        };
        let pooled = |statuses: &[&str]| {
            Estimate::sum(periods.iter().filter_map(|p| {
                self.set.total(
                    "services",
                    p,
                    Some(category),
                    &[("province", &[province]), ("status", statuses)],
                )
            }))
        };
        Estimate::share(pooled(SERVICE_GAP)?, pooled(SERVICE_MET)?)
    }

    fn trends(&self) -> Vec<(Chart, Vec<&'static str>)> {
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

    fn unmet_by_province(&self) -> Vec<Series> {
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

    fn housing(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let mut unmet = self.unmet_by_province();
        unmet.sort_by(|a, b| {
            let sum = |s: &Series| s.points.iter().flatten().map(|e| e.value).sum::<f64>();
            sum(b).total_cmp(&sum(a))
        });
        let rest = unmet.split_off(unmet.len().min(5));
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
                Chart {
                    table_only: rest,
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

    fn services(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let categories = crate::schema::codes::SERVICE_CATEGORY.codes;
        let provinces = self.provinces.clone();
        let mut heat = self.chart(
            "gap_heat",
            "axis_share",
            Unit::Share,
            Kind::Heat {
                max_half_width: HEAT_MAX_HALF_WIDTH,
            },
            provinces
                .iter()
                .map(|p| p.trim_start_matches("CA-").to_string())
                .collect(),
            categories
                .iter()
                .map(|c| Series {
                    name: lang.code_label(c),
                    points: provinces.iter().map(|p| self.gap_rate(c, p)).collect(),
                })
                .collect(),
        );
        if let Some(label) = self.set.latest_pool("services") {
            heat.title = lang.fill("chart_gap_heat_pooled", &[("pool", label)]);
        }
        let last = self.periods.last().cloned().unwrap_or_default();
        let by_status = |statuses: &'static [&'static str]| -> Vec<Option<Estimate>> {
            categories
                .iter()
                .map(|c| self.national("services", &last, Some(c), &[("status", statuses)]))
                .collect()
        };
        let needed = self.chart(
            "needed_received",
            "axis_people",
            Unit::People,
            Kind::Bars,
            categories.iter().map(|c| lang.code_label(c)).collect(),
            vec![
                Series {
                    name: lang.t("series_needed").into(),
                    points: by_status(SERVICE_NEEDED),
                },
                Series {
                    name: lang.t("series_received").into(),
                    points: by_status(&["received"]),
                },
            ],
        );
        vec![
            (heat, vec!["services", "definitions"]),
            (needed, vec!["services"]),
        ]
    }

    /// All funding in a quarter: the published grand total of a returns
    /// table under disclosure control (which may stand when a source is
    /// withheld), else the sum of the sources.
    fn funding_total(&self, period: &str) -> Option<Estimate> {
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

    fn funding(&self) -> Vec<(Chart, Vec<&'static str>)> {
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
                    let all = self.set.total("funding_term", p, None, &[])?;
                    // The rest is every other released cell (other terms and missing codes).
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
        vec![
            (
                self.line("funding_source", "axis_dollars", Unit::Dollars, sources),
                vec!["funding"],
            ),
            (by_province, vec!["funding"]),
            (
                self.line(
                    "funding_person",
                    "axis_dollars_per_person",
                    Unit::Dollars,
                    per_person,
                ),
                vec!["funding", "definitions"],
            ),
            (
                self.line("funding_term", "axis_share", Unit::Share, term_share),
                vec!["funding_term"],
            ),
        ]
    }

    fn protection(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let trp = |key: &str, codes: &'static [&'static str]| {
            self.over_time(lang.t(key).into(), move |p| {
                self.national("trp_status", p, None, &[("trp_status", codes)])
            })
        };
        let trp_series = vec![
            trp("series_trp_applied", &["applied"]),
            trp("series_trp_issued", &["issued_initial", "reissued"]),
            trp("series_trp_refused", &["refused"]),
        ];
        let exploitation = ["sexual", "labour", "both"]
            .iter()
            .map(|g| {
                self.over_time(lang.code_label(g), |p| {
                    self.national("exploitation", p, None, &[("exploitation_group", &[*g])])
                })
            })
            .collect();
        vec![
            (
                self.line("trp", "axis_people", Unit::People, trp_series),
                vec!["trp_status"],
            ),
            (
                self.line("exploitation", "axis_people", Unit::People, exploitation),
                vec!["exploitation"],
            ),
        ]
    }

    /// A comparison of the first and last quarter of a series; rendered later,
    /// once every comparison of the report is known (see [`Builder::findings`]).
    fn compare(&self, what: &str, series: &Series, unit: Unit) -> Option<Comparison> {
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
    fn sentence(&self, c: &Comparison, changed: bool) -> String {
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
            ("qa", self.quarters[c.first].clone()),
            ("qb", self.quarters[c.last].clone()),
            ("d", c.unit.format(lang, c.change.value.abs())),
            ("h", c.unit.format(lang, c.change.half_width)),
        ];
        let key = match (changed, c.change.value > 0.0) {
            (true, true) => "finding_rose",
            (true, false) => "finding_fell",
            (false, _) => "finding_inconclusive",
        };
        lang.fill(key, &args)
    }

    /// The key findings. Every comparison of a first and last quarter in the
    /// report is tested together: a change is called only when the
    /// Benjamini–Hochberg procedure at a false discovery rate of 5% rejects
    /// "no change" (Benjamini & Hochberg 1995), so that calling many
    /// comparisons at once does not turn noise into findings.
    fn findings(&self) -> Vec<String> {
        let lang = self.lang;
        enum Entry {
            Text(String),
            Compared(Comparison),
            /// Unmet housing need in one province: summarised with the others when inconclusive.
            Housing(String, Comparison),
            HousingSummary,
        }
        let mut entries = Vec::new();
        let people = self.over_time(String::new(), |p| self.people(p));
        entries.extend(
            self.compare(lang.t("what_people_served"), &people, Unit::People)
                .map(Entry::Compared),
        );
        // How much the definition changes who is counted, in the last quarter.
        if let Some(last) = self.periods.last() {
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
            let wide = meets.iter().max_by(|a, b| a.1.value.total_cmp(&b.1.value));
            let narrow = meets.iter().min_by(|a, b| a.1.value.total_cmp(&b.1.value));
            if let (Some(w), Some(n)) = (wide, narrow) {
                if n.1.is_safe_denominator() && w.0 != n.0 {
                    entries.push(Entry::Text(lang.fill(
                        "finding_definitions",
                        &[
                            ("q", lang.quarter(last)),
                            ("wide", lang.code_label(&w.0)),
                            ("narrow", lang.code_label(&n.0)),
                            ("a", lang.int(w.1.value)),
                            ("b", lang.int(n.1.value)),
                            ("f", lang.dec(w.1.value / n.1.value, 1)),
                        ],
                    )));
                }
            }
        }
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
                                ("qa", self.quarters[0].clone()),
                                ("qb", self.quarters[self.quarters.len() - 1].clone()),
                            ],
                        ));
                    }
                }
            }
        }
        // The largest service gap that the data can estimate.
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
        if let (Some((_, c, p, e)), Some(first), Some(last)) =
            (best, self.quarters.first(), self.quarters.last())
        {
            out.push(lang.fill(
                "finding_gap",
                &[
                    ("q", first.clone()),
                    ("q2", last.clone()),
                    ("service", lang.code_label(&c).to_lowercase()),
                    ("province", lang.code_label(&p)),
                    ("rate", lang.pct(e.value)),
                    ("lo", lang.pct(e.lo().max(0.0))),
                    ("hi", lang.pct(e.hi().min(1.0))),
                ],
            ));
        }
        out
    }
}

fn figure(
    chart: &Chart,
    tables: &[&str],
    set: &ReleaseSet,
    lang: Lang,
    out: &Path,
) -> Result<Figure, ReportError> {
    let chart_err = |message: String| ReportError::Chart {
        chart: chart.id.clone(),
        message,
    };
    let missing: Vec<&str> = tables
        .iter()
        .copied()
        .filter(|t| !set.has_table(t))
        .collect();
    let table_names = lang.list(&tables.iter().map(|t| t.to_string()).collect::<Vec<_>>());
    let table = data_table(chart, lang);
    if !missing.is_empty() {
        return Ok(Figure {
            id: chart.id.clone(),
            title: chart.title.clone(),
            alt: chart.alt.clone(),
            svg: String::new(),
            png: String::new(),
            table,
            derived: String::new(),
            missing: Some(lang.fill("missing_release", &[("tables", missing.join(", "))])),
        });
    }
    let svg = chart.svg(lang).map_err(chart_err)?;
    let dir = out.join("charts").join(lang.code());
    std::fs::create_dir_all(&dir).map_err(|source| ReportError::Write {
        path: dir.clone(),
        source,
    })?;
    let svg_path = dir.join(format!("{}.svg", chart.id));
    std::fs::write(&svg_path, &svg).map_err(|source| ReportError::Write {
        path: svg_path,
        source,
    })?;
    let png = dir.join(format!("{}.png", chart.id));
    chart.png(lang, &png).map_err(chart_err)?;
    // Inline: drop the XML prolog if any, and let the SVG scale with the page.
    let (w, h) = chart.size();
    let svg = svg.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-labelledby=\"{id}-alt\" viewBox=\"0 0 {w} {h}\" preserveAspectRatio=\"xMidYMid meet\" ",
            id = chart.id
        ),
        1,
    );
    let svg = svg
        .replacen(&format!("width=\"{w}\""), "width=\"100%\"", 1)
        .replacen(&format!("height=\"{h}\""), "", 1);
    let svg = svg.replacen(
        '>',
        &format!(
            "><title id=\"{}-alt\">{}</title>",
            chart.id,
            html_escape(&chart.alt)
        ),
        1,
    );
    // A chart whose every figure is withheld by disclosure control says so in words.
    let points: Vec<Estimate> = chart
        .series
        .iter()
        .chain(&chart.table_only)
        .flat_map(|s| s.points.iter().flatten().copied())
        .collect();
    let mut derived = lang.fill("derived_from", &[("tables", table_names)]);
    if !points.is_empty() && points.iter().all(|e| e.is_suppressed()) {
        derived = format!("{} {derived}", lang.t("all_suppressed"));
    } else if points.iter().any(|e| e.is_suppressed()) {
        derived = format!("{derived} {}", lang.t("suppressed_note"));
    }
    Ok(Figure {
        id: chart.id.clone(),
        title: chart.title.clone(),
        alt: chart.alt.clone(),
        svg,
        png: format!("charts/{}/{}.png", lang.code(), chart.id),
        table,
        derived,
        missing: None,
    })
}

/// A chart's numbers as `report.json` holds them: one entry per shown point,
/// with its series, label, value, interval, and whether the report calls it
/// too uncertain.
fn figure_json(chart: &Chart, tables: &[&str], section: &str, missing: bool) -> serde_json::Value {
    let unit = match chart.unit {
        Unit::People => "people",
        Unit::Dollars => "dollars",
        Unit::Share => "share",
    };
    let points: Vec<serde_json::Value> = chart
        .series
        .iter()
        .chain(&chart.table_only)
        .flat_map(|series| {
            chart
                .labels
                .iter()
                .zip(&series.points)
                .filter_map(move |(label, point)| {
                    let e = (*point)?;
                    if e.is_suppressed() {
                        return Some(serde_json::json!({
                            "series": series.name,
                            "label": label,
                            "value": null,
                            "suppressed": true,
                            "too_uncertain": false,
                        }));
                    }
                    let too_uncertain = match chart.kind {
                        Kind::Heat { max_half_width } => e.half_width > max_half_width,
                        _ => e.half_width >= e.value.abs().max(1.0),
                    };
                    let (shown, lo, hi) = charts::shown(chart.unit, e);
                    Some(serde_json::json!({
                        "series": series.name,
                        "label": label,
                        "value": e.value,
                        "half_width": e.half_width,
                        "shown": shown,
                        "lo": lo,
                        "hi": hi,
                        "too_uncertain": too_uncertain,
                        "suppressed": false,
                    }))
                })
        })
        .collect();
    serde_json::json!({
        "section": section,
        "chart": chart.id,
        "title": chart.title,
        "unit": unit,
        "from_tables": tables,
        "missing": missing,
        "points": points,
    })
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The numbers behind a chart: a row per x label (or per category), a column per series.
fn data_table(chart: &Chart, lang: Lang) -> Table {
    let cell = |e: Option<Estimate>| match e {
        Some(e) if e.is_suppressed() => lang.t("suppressed").to_string(),
        Some(e) => {
            let shown = match chart.kind {
                Kind::Heat { max_half_width } if e.half_width > max_half_width => {
                    format!(" ({})", lang.t("too_uncertain"))
                }
                _ => String::new(),
            };
            let (value, lo, hi) = charts::shown(chart.unit, e);
            if e.half_width == 0.0 {
                // An exact figure (disclosure control, no noise): no interval.
                return format!("{} ({})", chart.unit.format(lang, value), lang.t("exact"));
            }
            format!(
                "{} ({} – {}){shown}",
                chart.unit.format(lang, value),
                chart.unit.format(lang, lo),
                chart.unit.format(lang, hi),
            )
        }
        None => lang.t("no_data").to_string(),
    };
    let mut headers = vec![match chart.kind {
        Kind::Line => lang.t("axis_quarter").to_string(),
        _ => String::new(),
    }];
    match chart.kind {
        Kind::Heat { .. } => {
            headers.extend(chart.labels.iter().cloned());
            let rows = chart
                .series
                .iter()
                .map(|s| {
                    std::iter::once(s.name.clone())
                        .chain(s.points.iter().map(|p| cell(*p)))
                        .collect()
                })
                .collect();
            Table { headers, rows }
        }
        _ => {
            let all: Vec<&Series> = chart.series.iter().chain(&chart.table_only).collect();
            headers.extend(all.iter().map(|s| s.name.clone()));
            let rows = chart
                .labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    std::iter::once(label.clone())
                        .chain(all.iter().map(|s| cell(s.points.get(i).copied().flatten())))
                        .collect()
                })
                .collect();
            Table { headers, rows }
        }
    }
}

/// Shares cannot leave [0, 1]; counts may (noise), and are shown as released.

#[derive(Debug, Serialize)]
struct BudgetRow {
    period: String,
    rho: String,
    tables: usize,
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

/// Write the report for one language into `out`; reads released tables only.
pub fn write(set: &ReleaseSet, out: &Path, lang: Lang) -> Result<Written, ReportError> {
    std::fs::create_dir_all(out).map_err(|source| ReportError::Write {
        path: out.into(),
        source,
    })?;
    let periods = set.periods();
    let definitions = set.parts("definitions");
    let coverage = set.coverage();
    let provinces: Vec<&'static str> = match &coverage {
        // The declared coverage: public, the same whatever the data hold.
        Some(c) => crate::schema::codes::PROVINCE
            .codes
            .iter()
            .copied()
            .filter(|p| c.iter().any(|q| q == p))
            .collect(),
        None => Builder::provinces_with_people(set, &periods, &definitions),
    };
    let mut national_keys = provinces.clone();
    if coverage.is_some() {
        national_keys.push(crate::release::coverage::ELSEWHERE);
    }
    let b = Builder {
        set,
        lang,
        level: set.releases.first().map(|r| r.level).unwrap_or(0.95),
        quarters: periods.iter().map(|p| lang.quarter(p)).collect(),
        provinces,
        national_keys,
        periods: periods.clone(),
        definitions,
    };
    let mut sections = Vec::new();
    let mut charts = 0;
    let mut figures_json = Vec::new();
    for (id, heading, list) in [
        ("trends", "sec_trends", b.trends()),
        ("housing", "sec_housing", b.housing()),
        ("services", "sec_services", b.services()),
        ("funding", "sec_funding", b.funding()),
        ("protection", "sec_protection", b.protection()),
    ] {
        let mut figures = Vec::new();
        for (chart, tables) in &list {
            let f = figure(chart, tables, set, lang, out)?;
            charts += usize::from(f.missing.is_none());
            figures_json.push(figure_json(chart, tables, id, f.missing.is_some()));
            figures.push(f);
        }
        sections.push(Section {
            id: id.into(),
            heading: lang.t(heading).into(),
            figures,
        });
    }

    // Budget: from the ledger's statement beside the releases (every debit
    // counts), else only what the releases read here spent, said as such.
    let mut budget = Vec::new();
    let (total_rho, eps, delta, threshold_delta, agency_rho) =
        match &set.statement {
            Some(st) => {
                for p in st.periods.iter().filter(|p| {
                    p.scope == crate::privacy::ledger::Scope::Person && p.spent_rho > 0.0
                }) {
                    budget.push(BudgetRow {
                        period: lang.quarter(&p.period),
                        rho: lang.dec(p.spent_rho, 3),
                        tables: p.releases as usize,
                    });
                }
                let agency: f64 = st
                    .periods
                    .iter()
                    .filter(|p| p.scope == crate::privacy::ledger::Scope::Agency)
                    .map(|p| p.spent_rho)
                    .sum();
                (
                    st.person_rho,
                    st.person_epsilon,
                    st.person_delta,
                    (st.person_delta - crate::privacy::ledger::CONVERSION_DELTA).max(0.0),
                    agency,
                )
            }
            None => {
                let mut total = 0.0;
                let mut thresholds = 0.0;
                let mut agency = 0.0;
                for p in &periods {
                    let (person, agencies): (Vec<&data::LoadedRelease>, Vec<_>) = set
                        .releases
                        .iter()
                        .filter(|r| &r.period == p)
                        .partition(|r| r.provenance["budget_scope"] != "agency");
                    let rho: f64 = person.iter().map(|r| num(&r.provenance["rho"])).sum();
                    agency += agencies
                        .iter()
                        .map(|r| num(&r.provenance["rho"]))
                        .sum::<f64>();
                    thresholds += person
                        .iter()
                        .map(|r| num(&r.provenance["delta"]))
                        .sum::<f64>();
                    total += rho;
                    budget.push(BudgetRow {
                        period: lang.quarter(p),
                        rho: lang.dec(rho, 3),
                        tables: person.len(),
                    });
                }
                let delta = crate::privacy::ledger::CONVERSION_DELTA + thresholds;
                let eps = crate::privacy::ledger::zcdp_to_epsilon(
                    total,
                    crate::privacy::ledger::CONVERSION_DELTA,
                );
                (total, eps, delta, thresholds, agency)
            }
        };
    let defs_release = set.releases.iter().find(|r| r.table == "definitions");
    let definitions_version = defs_release
        .map(|r| {
            r.provenance["definitions_version"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_default();
    let definitions: Vec<(String, String)> = defs_release
        .and_then(|r| r.provenance["definitions"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let name = d["name"].as_str().unwrap_or_default().to_string();
            let title = match lang {
                Lang::En => d["title"].as_str().unwrap_or_default().to_string(),
                Lang::Fr => lang.code_label(&name),
            };
            (name, title)
        })
        .collect();

    let mut provenance: Vec<Vec<String>> = Vec::new();
    let mut sorted: Vec<_> = set.releases.iter().collect();
    sorted.sort_by(|a, b| (&a.period, &a.table).cmp(&(&b.period, &b.table)));
    for r in sorted {
        let p = &r.provenance;
        let mut mechanisms: Vec<String> = p["parts"]
            .as_array()
            .map(|parts| {
                parts
                    .iter()
                    .filter_map(|x| x["calibration"]["mechanism"].as_str())
                    .map(|m| lang.code_label(m))
                    .collect()
            })
            .unwrap_or_default();
        mechanisms.dedup();
        let inputs = p["inputs"].as_array().map(|a| a.len()).unwrap_or(0);
        provenance.push(vec![
            r.table.clone(),
            lang.quarter(&r.period),
            p["release_id"].as_str().unwrap_or_default().to_string(),
            mechanisms.join(", "),
            lang.dec(num(&p["rho"]), 4),
            inputs.to_string(),
            if p["request"]["definitions_version"].is_null() {
                "–".into()
            } else {
                p["definitions_version"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            },
            p["created_at"].as_str().unwrap_or_default().to_string(),
        ]);
    }

    let findings = b.findings();
    let first = b.quarters.first().cloned().unwrap_or_default();
    let last = b.quarters.last().cloned().unwrap_or_default();
    let other = match lang {
        Lang::En => Lang::Fr,
        Lang::Fr => Lang::En,
    };
    let t = |k: &str| lang.t(k);
    let context = minijinja::context! {
        lang => lang.code(),
        title => t("report_title"),
        subtitle => lang.fill("report_subtitle", &[("first", first), ("last", last)]),
        generated => lang.fill("generated", &[
            ("date", crate::clock::now().chars().take(10).collect::<String>()),
            ("n", set.releases.len().to_string()),
        ]),
        other_href => format!("report.{}.html", other.code()),
        other_label => t("other_language"),
        findings => findings.clone(),
        sections => sections,
        budget => budget,
        cumulative => lang.fill("methods_budget", &[
            ("rho", lang.dec(total_rho, 3)),
            ("eps", lang.dec(eps, 2)),
            ("delta", format!("{delta:.1e}")),
        ]),
        delta_note => (threshold_delta > 0.0).then(|| lang.fill("methods_budget_delta", &[("delta", format!("{threshold_delta:.1e}"))])),
        budget_source_note => set.statement.is_none().then(|| t("methods_budget_files_only")),
        agency_note => (agency_rho > 0.0).then(|| lang.fill("methods_budget_agency", &[("rho", lang.dec(agency_rho, 3))])),
        definitions_intro => lang.fill("methods_definitions", &[("version", definitions_version)]),
        definitions => definitions,
        provenance => provenance,
        prov_headers => ["prov_table", "prov_period", "prov_release", "prov_mechanism", "prov_rho", "prov_inputs", "prov_definitions", "prov_created"].map(t),
        footer => lang.fill("footer", &[("version", env!("CARGO_PKG_VERSION").into()), ("opendp", "0.16.0".into())]),
        t => minijinja::context! {
            contents => t("contents"),
            key_findings => t("key_findings"),
            findings_intro => t("findings_intro"),
            show_data => t("show_data"),
            sec_methods => t("sec_methods"),
            sec_provenance => t("sec_provenance"),
            methods_dp_h => t("methods_dp_h"),
            methods_dp => t("methods_dp"),
            methods_unit_h => t("methods_unit_h"),
            methods_unit => t("methods_unit"),
            methods_budget_h => t("methods_budget_h"),
            methods_interval_h => t("methods_interval_h"),
            methods_interval => t("methods_interval"),
            methods_definitions_h => t("methods_definitions_h"),
            methods_limits_h => t("methods_limits_h"),
            methods_limits => t("methods_limits"),
            budget_period => t("budget_period"),
            budget_rho => t("budget_rho"),
            budget_tables => t("budget_tables"),
            prov_intro => t("prov_intro"),
        },
    };
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", include_str!("template.html"))?;
    let html = env.get_template("report.html")?.render(context)?;
    let path = out.join(format!("report.{}.html", lang.code()));
    std::fs::write(&path, html).map_err(|source| ReportError::Write {
        path: path.clone(),
        source,
    })?;
    // The same figures for analysts and scripts: every number the report
    // shows, with its interval, flags and the releases it came from.
    let json = serde_json::json!({
        "language": lang.code(),
        "interval_level": b.level,
        "quarters": periods,
        "findings": findings,
        "figures": figures_json,
        "budget": set.statement,
        "releases": set.releases.iter().map(|r| serde_json::json!({
            "release_id": r.provenance["release_id"],
            "table": r.table,
            "period": r.period,
        })).collect::<Vec<_>>(),
    });
    let json_path = out.join(match lang {
        Lang::En => "report.json".to_string(),
        other => format!("report.{}.json", other.code()),
    });
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&json).expect("report figures serialise"),
    )
    .map_err(|source| ReportError::Write {
        path: json_path.clone(),
        source,
    })?;
    Ok(Written {
        lang,
        html: path,
        charts,
    })
}

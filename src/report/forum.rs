//! The report's charts of what the 2013 Forum asked to see, drawn from the
//! tables released pooled over each year: who is served, housing by survivor
//! group, legal and immigration services by status, urban and rural gaps,
//! refugee claims and TRP length.

use super::*;
use crate::release::tables::{AGE_GROUPS, SETTLEMENT_SERVICES, STATUS_GROUPS};

/// One bar of a pooled chart: its label, the part it reads and the cells it sums.
struct Bar {
    label: String,
    part: String,
    group: Vec<&'static str>,
}

impl Builder<'_> {
    /// The Forum's equity section: who is served, housing by group, and
    /// referral pathways.
    pub(super) fn equity(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let mut out = Vec::new();
        out.extend(self.served().map(|c| (c, vec!["who_is_served"])));
        out.extend(
            self.housing_by_group()
                .map(|c| (c, vec!["housing_by_group"])),
        );
        out.extend(self.indigenous().map(|c| (c, vec!["indigenous_identity"])));
        out.extend(self.referral().map(|c| (c, vec!["referral"])));
        out
    }

    /// People served by Indigenous identity, each pooled year; drawn only
    /// when the table was released (under the partners' approval). The
    /// table also holds each identity's housing outcomes, for readers of the
    /// data; at the demo's budget their shares are too uncertain to chart.
    fn indigenous(&self) -> Option<Chart> {
        let bars: Vec<Bar> = crate::schema::codes::INDIGENOUS_IDENTITY
            .codes
            .iter()
            .map(|code| Bar {
                label: self.lang.code_label(code),
                part: "identity".into(),
                group: vec![code],
            })
            .collect();
        self.pooled_counts("indigenous", "indigenous_identity", &bars)
    }

    /// One series per named series and pooled year of `table` ("Legal,
    /// 2024"), the years in order, so a chart shows every year released;
    /// `points(year, i)` gives the i-th named series' points in that year.
    /// None when the table has no pooled release.
    pub(super) fn series_each_year(
        &self,
        table: &str,
        names: &[String],
        points: &dyn Fn(&str, usize) -> Vec<Option<Estimate>>,
    ) -> Option<Vec<Series>> {
        let pools = self.set.pools(table);
        if pools.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for (i, name) in names.iter().enumerate() {
            for pool in &pools {
                out.push(Series {
                    name: self.lang.fill(
                        "series_in_year",
                        &[("series", name.clone()), ("year", pool.clone())],
                    ),
                    points: points(pool, i),
                });
            }
        }
        Some(out)
    }

    /// Bars by label, one series per pooled year of `table`, each the value
    /// `value` computes for a bar.
    fn pooled_bars(
        &self,
        id: &str,
        axis: &str,
        unit: Unit,
        table: &str,
        bars: &[Bar],
        value: &dyn Fn(&str, &Bar) -> Option<Estimate>,
    ) -> Option<Chart> {
        let pools = self.set.pools(table);
        if pools.is_empty() {
            return None;
        }
        Some(
            self.chart(
                id,
                axis,
                unit,
                Kind::Bars,
                bars.iter().map(|b| b.label.clone()).collect(),
                pools
                    .iter()
                    .map(|pool| Series {
                        name: pool.clone(),
                        points: bars.iter().map(|b| value(pool, b)).collect(),
                    })
                    .collect(),
            ),
        )
    }

    /// People counted per bar (its part's cells of its groups), one series per pooled year.
    fn pooled_counts(&self, id: &str, table: &str, bars: &[Bar]) -> Option<Chart> {
        self.pooled_bars(id, "axis_people", Unit::People, table, bars, &|pool, b| {
            self.set
                .total(table, pool, Some(&b.part), &[("group", &b.group)])
        })
    }

    /// The groups of people the Forum compares, as bars of one table's parts.
    fn group_bars(&self, parts: &[&str]) -> Vec<Bar> {
        let lang = self.lang;
        let bar = |part: &str, code: &'static str| Bar {
            label: lang.code_label(code),
            part: part.into(),
            group: vec![code],
        };
        let mut bars = Vec::new();
        for part in parts {
            match *part {
                "exploitation" => bars.extend(
                    ["sexual", "labour", "both", "labour_no_coercion"].map(|g| bar(part, g)),
                ),
                "gender" => bars.extend(
                    crate::schema::codes::GENDER
                        .codes
                        .iter()
                        .filter(|g| **g != "unknown")
                        .map(|g| bar(part, g)),
                ),
                "age" => bars.extend(AGE_GROUPS.iter().map(|(g, _)| Bar {
                    label: lang.fill("age_group", &[("ages", g.to_string())]),
                    part: part.to_string(),
                    group: vec![g],
                })),
                "status" => bars.extend(STATUS_GROUPS.iter().map(|(g, _)| bar(part, g))),
                _ => {}
            }
        }
        bars
    }

    fn served(&self) -> Option<Chart> {
        let mut bars = self.group_bars(&["gender", "age", "status"]);
        bars.extend(
            crate::schema::codes::RACIALISED_GROUP
                .codes
                .iter()
                .map(|code| Bar {
                    label: self.lang.code_label(code),
                    part: format!("racialised_{code}"),
                    group: vec!["yes"],
                }),
        );
        self.pooled_counts("served", "who_is_served", &bars)
    }

    fn housing_by_group(&self) -> Option<Chart> {
        let bars = self.group_bars(&["exploitation", "gender", "age", "status"]);
        self.pooled_bars(
            "housing_group",
            "axis_share",
            Unit::Share,
            "housing_by_group",
            &bars,
            &|pool, b| {
                let of = |outcomes: &[&str]| {
                    self.set.total(
                        "housing_by_group",
                        pool,
                        Some(&b.part),
                        &[("group", &b.group), ("housing_outcome", outcomes)],
                    )
                };
                Estimate::share(of(HOUSING_UNMET)?, of(&["met", "partially_met"])?)
            },
        )
    }

    /// Gap share (waitlisted or not available, among those who needed the
    /// service and got an answer) of a service part for one group.
    fn gap_share(&self, table: &str, pool: &str, part: &str, group: &str) -> Option<Estimate> {
        let of = |outcome: &str| {
            self.set.total(
                table,
                pool,
                Some(part),
                &[("group", &[group]), ("outcome", &[outcome])],
            )
        };
        Estimate::share(of("gap")?, of("met")?)
    }

    /// Legal and immigration services by status, and urban against rural,
    /// in each pooled year.
    pub(super) fn forum_services(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let mut out = Vec::new();
        let categories = ["legal", "immigration"];
        let names: Vec<String> = categories.iter().map(|c| lang.code_label(c)).collect();
        if let Some(series) = self.series_each_year("services_by_status", &names, &|pool, i| {
            STATUS_GROUPS
                .iter()
                .map(|(g, _)| self.gap_share("services_by_status", pool, categories[i], g))
                .collect()
        }) {
            let groups = STATUS_GROUPS.iter().map(|(g, _)| lang.code_label(g));
            let chart = self.chart(
                "status_gap",
                "axis_share",
                Unit::Share,
                Kind::Bars,
                groups.collect(),
                series,
            );
            out.push((chart, vec!["services_by_status"]));
        }
        let settings = ["urban", "rural"];
        let names: Vec<String> = settings.iter().map(|s| lang.code_label(s)).collect();
        if let Some(series) = self.series_each_year("settlement_gaps", &names, &|pool, i| {
            SETTLEMENT_SERVICES
                .iter()
                .map(|cat| self.gap_share("settlement_gaps", pool, cat, settings[i]))
                .collect()
        }) {
            let chart = self.chart(
                "settlement_gap",
                "axis_share",
                Unit::Share,
                Kind::Bars,
                SETTLEMENT_SERVICES
                    .iter()
                    .map(|c| lang.code_label(c))
                    .collect(),
                series,
            );
            out.push((chart, vec!["settlement_gaps"]));
        }
        out
    }

    /// Referral pathways in each pooled year: for the three laws, the
    /// people each counts (meets) by who referred them.
    pub(super) fn referral(&self) -> Option<Chart> {
        let lang = self.lang;
        let sources = crate::schema::codes::REFERRAL_SOURCE.codes;
        let shown: Vec<&str> = ["CC_279_01", "IRPA_118", "PALERMO_3A"]
            .into_iter()
            .filter(|d| self.definitions.iter().any(|n| n == d))
            .collect();
        let names: Vec<String> = shown.iter().map(|d| lang.code_label(d)).collect();
        let series = self.series_each_year("referral", &names, &|pool, i| {
            sources
                .iter()
                .map(|s| {
                    self.set.total(
                        "referral",
                        pool,
                        Some(shown[i]),
                        &[("group", &[*s]), ("membership", &["meets"])],
                    )
                })
                .collect()
        })?;
        Some(
            self.chart(
                "referral",
                "axis_people",
                Unit::People,
                Kind::Bars,
                sources
                    .iter()
                    .map(|s| lang.code_label(&format!("referral_{s}")))
                    .collect(),
                series,
            ),
        )
    }

    /// The statuses the Forum named as risks — conditional residence of a
    /// sponsored spouse, caregivers, seasonal agricultural workers, the open
    /// work permit for vulnerable workers — and employer-tied permits: people
    /// served, each pooled year.
    pub(super) fn status_detail(&self) -> Option<Chart> {
        let lang = self.lang;
        let mut bars: Vec<Bar> = [
            "sponsored_spouse_conditional_pr",
            "caregiver",
            "seasonal_agricultural_worker",
            "open_work_permit_vulnerable_workers",
        ]
        .iter()
        .map(|code| Bar {
            label: lang.code_label(code),
            part: "immigration_status".into(),
            group: vec![code],
        })
        .collect();
        bars.push(Bar {
            label: lang.code_label("employer_tied_permit"),
            part: "employer_tied_permit".into(),
            group: vec!["yes"],
        });
        self.pooled_counts("status_detail", "who_is_served", &bars)
    }

    /// Refugee claims and the length of TRPs held, each pooled year.
    pub(super) fn trp_claims(&self) -> Option<Chart> {
        let codes = crate::schema::codes::REFUGEE_CLAIM
            .codes
            .iter()
            .map(|c| ("refugee_claim", c))
            .chain(
                crate::schema::codes::TRP_VALIDITY
                    .codes
                    .iter()
                    .map(|c| ("trp_validity", c)),
            );
        let bars: Vec<Bar> = codes
            .map(|(part, code)| Bar {
                label: self.lang.code_label(code),
                part: part.into(),
                group: vec![code],
            })
            .collect();
        self.pooled_counts("trp_claims", "trp_detail", &bars)
    }
}

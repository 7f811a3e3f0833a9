//! The service-gap section: the heat map of gap rates by category and
//! province (one per released year), services needed and met, and people
//! served by more than one agency.

use super::*;

impl<'a> Builder<'a> {
    /// The share of people needing a service who were waitlisted or found it
    /// unavailable: from the latest yearly pooled `services` release where
    /// there is one (one measurement over the year's person-quarters), else
    /// every quarter's release summed.
    /// The table the service-gap heat map reads: `service_gaps` when released.
    pub(super) fn gap_table(&self) -> &'static str {
        if self.set.has_table("service_gaps") {
            "service_gaps"
        } else {
            "services"
        }
    }

    /// The share of a service's needs in a province left unmet for lack of a
    /// place: from the latest pooled `service_gaps` release if there is one
    /// (two noisy cells), else from `services` (four), pooled or over every
    /// quarter.
    pub(super) fn gap_rate(&self, category: &str, province: &str) -> Option<Estimate> {
        let periods = match self.set.latest_pool(self.gap_table()) {
            Some(label) => vec![label],
            None => self.periods.clone(),
        };
        self.gap_rate_in(category, province, &periods)
    }

    /// [`gap_rate`](Self::gap_rate) over the given periods (one pooled year, or quarters summed).
    fn gap_rate_in(&self, category: &str, province: &str, periods: &[String]) -> Option<Estimate> {
        let table = self.gap_table();
        let (dim, gap, met): (&str, &[&str], &[&str]) = match table {
            "service_gaps" => ("outcome", &["gap"], &["met"]),
            _ => ("status", SERVICE_GAP, SERVICE_MET),
        };
        let pooled = |statuses: &[&str]| {
            Estimate::sum(periods.iter().filter_map(|p| {
                self.set.total(
                    table,
                    p,
                    Some(category),
                    &[("province", &[province]), (dim, statuses)],
                )
            }))
        };
        Estimate::share(pooled(gap)?, pooled(met)?)
    }

    pub(super) fn services(&self) -> Vec<(Chart, Vec<&'static str>)> {
        let lang = self.lang;
        let categories = crate::schema::codes::SERVICE_CATEGORY.codes;
        let provinces = self.provinces.clone();
        // One heat map per released year (every year paid for is shown),
        // else one over every quarter.
        let pools = self.set.pools(self.gap_table());
        let spans: Vec<Option<String>> = match pools.is_empty() {
            true => vec![None],
            false => pools.iter().cloned().map(Some).collect(),
        };
        let latest = spans.last().cloned().flatten();
        let heats = spans.into_iter().map(|pool| {
            let periods = match &pool {
                Some(label) => vec![label.clone()],
                None => self.periods.clone(),
            };
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
                        points: provinces
                            .iter()
                            .map(|p| self.gap_rate_in(c, p, &periods))
                            .collect(),
                    })
                    .collect(),
            );
            if let Some(label) = pool {
                heat.title = lang.fill("chart_gap_heat_pooled", &[("pool", label.clone())]);
                heat.period = label.clone();
                if Some(&label) != latest.as_ref() {
                    heat.id = format!("gap_heat_{label}");
                }
            }
            (heat, vec![self.gap_table()])
        });
        let last = self.periods.last().cloned().unwrap_or_default();
        let by_status = |statuses: &'static [&'static str]| -> Vec<Option<Estimate>> {
            categories
                .iter()
                .map(|c| self.national("services", &last, Some(c), &[("status", statuses)]))
                .collect()
        };
        let needed = match self.needed_met() {
            Some(chart) => (chart, vec!["service_gaps"]),
            None => (
                self.last_quarter(self.chart(
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
                )),
                vec!["services"],
            ),
        };
        let mut out: Vec<(Chart, Vec<&'static str>)> = heats.collect();
        out.push(needed);

        out.extend(self.forum_services());
        out.extend(self.multi_agency().map(|c| (c, vec!["multi_agency"])));
        out
    }

    /// People who needed each service and people whose need was met
    /// (received, or referred on), each year, from the yearly `service_gaps`
    /// releases: each person counted once in the year, and three noisy cells
    /// per province for "needed" instead of eight a quarter. None without a
    /// yearly release.
    fn needed_met(&self) -> Option<Chart> {
        let lang = self.lang;
        let categories = crate::schema::codes::SERVICE_CATEGORY.codes;
        let names = [lang.t("series_needed").into(), lang.t("series_met").into()];
        let series = self.series_each_year("service_gaps", &names, &|pool, i| {
            let outcomes: &[&str] = match i {
                0 => &["met", "gap", "other"],
                _ => &["met"],
            };
            categories
                .iter()
                .map(|c| self.national("service_gaps", pool, Some(c), &[("outcome", outcomes)]))
                .collect()
        })?;
        Some(self.chart(
            "needed_met",
            "axis_people",
            Unit::People,
            Kind::Bars,
            categories.iter().map(|c| lang.code_label(c)).collect(),
            series,
        ))
    }

    /// People served by more than one agency in a quarter (collaborative
    /// linkage only): all of them, and the three pairs of kinds of agency
    /// with the most people over the report's quarters (chosen from the
    /// released, noisy figures: post-processing).
    fn multi_agency(&self) -> Option<Chart> {
        let lang = self.lang;
        let latest = self
            .periods
            .iter()
            .rev()
            .find_map(|p| self.set.get("multi_agency", p))?;
        let several = &crate::release::linked::AGENCY_COUNTS[1..];
        let mut series = vec![self.over_time(lang.t("series_multi_agency").into(), |p| {
            self.set.total(
                "multi_agency",
                p,
                Some("agencies"),
                &[("agencies", several)],
            )
        })];
        let mut pairs: Vec<(f64, String)> = latest
            .cells
            .iter()
            .filter(|c| c.part == "kinds")
            .filter_map(|c| c.dims.get("agencies").filter(|k| k.contains('+')).cloned())
            .map(|key| {
                let pooled = Estimate::sum(self.periods.iter().filter_map(|p| {
                    let k: &[&str] = &[key.as_str()];
                    self.set
                        .total("multi_agency", p, Some("kinds"), &[("agencies", k)])
                }));
                (pooled.map_or(f64::MIN, |e| e.value), key)
            })
            .collect();
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, key) in pairs.into_iter().take(3) {
            let kinds: Vec<String> = key
                .split('+')
                .map(|k| lang.t(&format!("agency_kind_{k}")).to_string())
                .collect();
            series.push(self.over_time(lang.list(&kinds), |p| {
                let k: &[&str] = &[key.as_str()];
                self.set
                    .total("multi_agency", p, Some("kinds"), &[("agencies", k)])
            }));
        }
        Some(self.line("multi_agency", "axis_people", Unit::People, series))
    }
}

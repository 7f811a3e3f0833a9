//! Rendering: the HTML page (one per language), each chart as SVG and PNG, the data tables and `report.json`.

use super::*;

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
            svg_href: String::new(),
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
        .flat_map(|s| s.points.iter().flatten().copied())
        .collect();
    let mut derived = lang.fill("derived_from", &[("tables", table_names)]);
    if !points.is_empty() && points.iter().all(|e| e.is_suppressed()) {
        derived = format!("{} {derived}", lang.t("all_suppressed"));
    } else if points.iter().any(|e| e.is_suppressed()) {
        derived = format!("{derived} {}", lang.t("suppressed_note"));
        // The labels (e.g. provinces) withheld in every series, named at the chart.
        let withheld: Vec<String> = chart
            .labels
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                let shown: Vec<Estimate> = chart
                    .series
                    .iter()
                    .filter_map(|s| s.points.get(*i).copied().flatten())
                    .collect();
                !shown.is_empty() && shown.iter().all(|e| e.is_suppressed())
            })
            .map(|(_, l)| l.clone())
            .collect();
        if !withheld.is_empty() {
            let labels = lang.list(&withheld);
            derived = format!(
                "{derived} {}",
                lang.fill("suppressed_labels", &[("labels", labels)])
            );
        }
    }
    // An absent figure says why, under the chart as in the table.
    let absent = chart
        .series
        .iter()
        .any(|s| s.points.iter().any(Option::is_none));
    if absent {
        let note = match chart.none_reads {
            "too_few" => "too_few_note",
            _ => "no_data_note",
        };
        derived = format!("{derived} {}", lang.t(note));
    }
    Ok(Figure {
        id: chart.id.clone(),
        title: chart.title.clone(),
        alt: chart.alt.clone(),
        svg,
        png: format!("charts/{}/{}.png", lang.code(), chart.id),
        svg_href: format!("charts/{}/{}.svg", lang.code(), chart.id),
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
            let uncertain = match chart.kind {
                Kind::Heat { max_half_width } => e.half_width > max_half_width,
                _ => e.half_width >= e.value.abs().max(1.0),
            };
            let shown = match uncertain {
                true => format!(" ({})", lang.t("too_uncertain")),
                false => String::new(),
            };
            let (value, lo, hi) = charts::shown(chart.unit, e);
            if e.half_width == 0.0 {
                // An exact figure (disclosure control, no noise): no interval.
                return format!("{} ({})", chart.unit.format(lang, value), lang.t("exact"));
            }
            let (value, lo, hi) = (
                chart.unit.format(lang, value),
                chart.unit.format(lang, lo),
                chart.unit.format(lang, hi),
            );
            // The whole interval lies below zero, or rounds to nothing above
            // it: "0 (0 – 0)" would read as an exact zero.
            let nothing = match chart.unit {
                Unit::Share => 0.0005,
                Unit::People | Unit::Dollars => 0.5,
            };
            if e.hi() < nothing {
                return lang.t("below_zero").to_string();
            }
            format!("{value} ({lo} – {hi}){shown}")
        }
        None => lang.t(chart.none_reads).to_string(),
    };
    let mut headers = vec![match chart.kind {
        Kind::Line | Kind::Panels => lang.t("axis_quarter").to_string(),
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
            let all: Vec<&Series> = chart.series.iter().collect();
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
        ("equity", "sec_equity", b.equity()),
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

    let budget = BudgetSummary::of(set, &periods, lang);
    let (definitions_version, definitions) = definitions_listed(set, lang);

    let provenance = provenance_rows(set, lang, out);
    // The approvals tables about Indigenous people were released under.
    let mut approvals: Vec<String> = set
        .releases
        .iter()
        .filter_map(|r| r.provenance["request"]["governance"].as_str())
        .map(String::from)
        .collect();
    approvals.sort();
    approvals.dedup();
    let governance_note = (!approvals.is_empty())
        .then(|| lang.fill("methods_governance", &[("approval", approvals.join("; "))]));

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
        budget => budget.rows,
        cumulative => lang.fill("methods_budget", &[
            ("rho", lang.dec(budget.total_rho, 3)),
            ("eps", lang.dec(budget.epsilon, 2)),
            ("delta", format!("{:.1e}", budget.delta)),
        ]),
        delta_note => (budget.threshold_delta > 0.0).then(|| lang.fill("methods_budget_delta", &[("delta", format!("{:.1e}", budget.threshold_delta))])),
        budget_source_note => set.statement.is_none().then(|| t("methods_budget_files_only")),
        agency_note => (budget.agency_rho > 0.0).then(|| lang.fill("methods_budget_agency", &[("rho", lang.dec(budget.agency_rho, 3))])),
        definitions_intro => lang.fill("methods_definitions", &[("version", definitions_version)]),
        definitions => definitions,
        governance_note => governance_note,
        provenance => provenance,
        prov_headers => PROVENANCE_HEADERS.map(t),
        json_href => figures_file(lang),
        footer => lang.fill("footer", &[("version", env!("CARGO_PKG_VERSION").into()), ("opendp", "0.16.0".into())]),
        t => page_texts(set, lang),
    };
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", include_str!("template.html"))?;
    let html = env.get_template("report.html")?.render(context)?;
    let path = out.join(format!("report.{}.html", lang.code()));
    std::fs::write(&path, html).map_err(|source| ReportError::Write {
        path: path.clone(),
        source,
    })?;
    write_figures(set, out, lang, b.level, &periods, findings, figures_json)?;
    Ok(Written {
        lang,
        html: path,
        charts,
    })
}

/// The page's fixed texts, by name, for the template.
fn page_texts(set: &ReleaseSet, lang: Lang) -> minijinja::Value {
    let t = |k: &str| lang.t(k);
    minijinja::context! {
        contents => t("contents"),
        key_findings => t("key_findings"),
        findings_intro => t("findings_intro"),
        show_data => t("show_data"),
        sec_methods => t("sec_methods"),
        sec_provenance => t("sec_provenance"),
        methods_dp_h => t("methods_dp_h"),
        methods_dp => t("methods_dp"),
        methods_unit_h => t("methods_unit_h"),
        methods_unit => linkage_statement(set, lang),
        methods_budget_h => t("methods_budget_h"),
        methods_interval_h => t("methods_interval_h"),
        methods_interval => t("methods_interval"),
        methods_definitions_h => t("methods_definitions_h"),
        methods_limits_h => t("methods_limits_h"),
        methods_governance_h => t("methods_governance_h"),
        methods_limits => t("methods_limits"),
        budget_period => t("budget_period"),
        budget_rho => t("budget_rho"),
        budget_tables => t("budget_tables"),
        prov_intro => t("prov_intro"),
        download => t("download"),
        download_numbers => t("download_numbers"),
        download_data => t("download_data"),
    }
}

/// The privacy budget the report states: per quarter, and in total.
struct BudgetSummary {
    rows: Vec<BudgetRow>,
    total_rho: f64,
    epsilon: f64,
    delta: f64,
    /// The part of delta spent by thresholds (open key sets).
    threshold_delta: f64,
    /// What the agency-level (returns) releases spent, accounted apart.
    agency_rho: f64,
}

impl BudgetSummary {
    /// From the ledger's statement beside the releases (every debit counts),
    /// else only what the releases read here spent, said as such.
    fn of(set: &ReleaseSet, periods: &[String], lang: Lang) -> Self {
        let mut budget = Vec::new();
        let (total_rho, epsilon, delta, threshold_delta, agency_rho) = match &set.statement {
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
                for p in periods {
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
        BudgetSummary {
            rows: budget,
            total_rho,
            epsilon,
            delta,
            threshold_delta,
            agency_rho,
        }
    }
}

/// The definitions version and each definition's name and title, from the definitions release.
fn definitions_listed(set: &ReleaseSet, lang: Lang) -> (String, Vec<(String, String)>) {
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
    (definitions_version, definitions)
}

/// The provenance table's columns (message ids).
const PROVENANCE_HEADERS: [&str; 9] = [
    "prov_table",
    "prov_period",
    "prov_release",
    "prov_mechanism",
    "prov_rho",
    "prov_inputs",
    "prov_definitions",
    "prov_created",
    "prov_download",
];

/// One row per release read: table, period, id, mechanisms, rho, inputs,
/// definitions, day; and links to the table's CSV and Parquet copies where
/// they sit beside the report (`tables/<period>/<table>.*`, as `demo` and
/// `run --report` write them).
fn provenance_rows(set: &ReleaseSet, lang: Lang, out: &Path) -> Vec<ProvenanceRow> {
    let mut provenance = Vec::new();
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
        // A returns table has no noise: its method is disclosure control.
        let returns = p["protection"]["method"] == "disclosure_control";
        if returns {
            mechanisms = vec![lang.t("prov_disclosure_control").to_string()];
        }
        let copy = |ext: &str| {
            let href = format!("tables/{}/{}.{ext}", r.period, r.table);
            out.join(&href).is_file().then_some(href)
        };
        let inputs = p["inputs"].as_array().map(|a| a.len()).unwrap_or(0);
        let cells = vec![
            r.table.clone(),
            lang.quarter(&r.period),
            p["release_id"].as_str().unwrap_or_default().to_string(),
            mechanisms.join(", "),
            match returns {
                true => "–".into(),
                false => lang.dec(num(&p["rho"]), 4),
            },
            inputs.to_string(),
            if p["request"]["definitions_version"].is_null() {
                "–".into()
            } else {
                p["definitions_version"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            },
            // The day only (older releases recorded the time too).
            p["created_at"]
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(10)
                .collect::<String>(),
        ];
        provenance.push(ProvenanceRow {
            cells,
            csv: copy("csv"),
            parquet: copy("parquet"),
        });
    }
    provenance
}

/// A provenance row, and where the table's copies can be downloaded.
#[derive(Debug, Serialize)]
struct ProvenanceRow {
    cells: Vec<String>,
    csv: Option<String>,
    parquet: Option<String>,
}

/// The name of a language's `report.json` (English's has no language tag).
fn figures_file(lang: Lang) -> String {
    match lang {
        Lang::En => "report.json".to_string(),
        other => format!("report.{}.json", other.code()),
    }
}

/// The same figures for analysts and scripts: every number the report
/// shows, with its interval, flags and the releases it came from.
fn write_figures(
    set: &ReleaseSet,
    out: &Path,
    lang: Lang,
    level: f64,
    periods: &[String],
    findings: impl serde::Serialize,
    figures_json: Vec<serde_json::Value>,
) -> Result<(), ReportError> {
    let json = serde_json::json!({
        "language": lang.code(),
        "interval_level": level,
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
    let json_path = out.join(figures_file(lang));
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&json).expect("report figures serialise"),
    )
    .map_err(|source| ReportError::Write {
        path: json_path.clone(),
        source,
    })?;
    Ok(())
}

/// Which linkage produced the person figures, in words: collaborative keys
/// (with what linkage cannot catch), agency keys (with the k-agency cost),
/// or both when the releases read here differ.
fn linkage_statement(set: &ReleaseSet, lang: Lang) -> String {
    let modes: std::collections::BTreeSet<&str> = set
        .releases
        .iter()
        .filter_map(|r| r.provenance["linkage"]["mode"].as_str())
        .collect();
    let linked = modes.contains("collaborative");
    let agency = modes.contains("agency") || !linked;
    // The returns' rules as their releases record them (the defaults when
    // the report holds no returns).
    let rules = set
        .releases
        .iter()
        .find_map(|r| {
            serde_json::from_value::<crate::release::establishment::Rules>(
                r.provenance["protection"]["rules"].clone(),
            )
            .ok()
        })
        .unwrap_or_default();
    let mut text = lang.msg(
        "methods_unit",
        &crate::i18n::Args::new()
            .with("agencies", rules.min_agencies as u64)
            .with("p", rules.p_percent),
    );
    if linked {
        text.push(' ');
        text.push_str(lang.t("methods_linkage_collaborative"));
        if agency {
            text.push(' ');
            text.push_str(lang.t("methods_linkage_mixed"));
        }
    } else {
        text.push(' ');
        text.push_str(lang.t("methods_linkage_agency"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::{LoadedRelease, ReleaseSet};

    fn returns_release(p: f64, agencies: usize) -> LoadedRelease {
        LoadedRelease {
            table: "funding".into(),
            period: "2025Q4".into(),
            file: PathBuf::new(),
            provenance: serde_json::json!({"protection": {"method": "disclosure_control",
                "rules": {"min_agencies": agencies, "p_percent": p}}}),
            cells: Vec::new(),
            level: 0.95,
            pooled: false,
        }
    }

    /// A count whose whole interval lies below zero reads "too few to
    /// show", never "0 (0 – 0)"; a figure as uncertain as itself says so.
    #[test]
    fn an_interval_below_zero_or_as_wide_as_its_figure_is_told_in_words() {
        let e = |value: f64, half_width: f64| Some(Estimate { value, half_width });
        let chart = Chart {
            id: "served".into(),
            title: String::new(),
            alt: String::new(),
            axis: String::new(),
            unit: Unit::People,
            kind: Kind::Bars,
            labels: vec!["a".into(), "b".into(), "c".into()],
            series: vec![Series {
                name: "2025".into(),
                points: vec![e(-84.0, 69.0), e(20.0, 35.0), e(400.0, 35.0)],
            }],
            none_reads: "no_data",
            period: String::new(),
        };
        let table = data_table(&chart, Lang::En);
        let cells: Vec<&String> = table.rows.iter().map(|r| &r[1]).collect();
        assert!(cells[0].starts_with("too few to show"), "{cells:?}");
        assert!(cells[1].ends_with("(too uncertain)"), "{cells:?}");
        assert!(!cells[2].contains("uncertain"), "{cells:?}");
    }

    #[test]
    fn the_methods_state_the_rules_the_releases_used() {
        let set = ReleaseSet {
            releases: vec![returns_release(5.0, 4)],
            statement: None,
        };
        for lang in [Lang::En, Lang::Fr] {
            let text = linkage_statement(&set, lang);
            assert!(text.contains("p = 5"), "{text}");
            assert!(text.contains('4'), "{text}");
            assert!(!text.contains("p = 10"), "{text}");
        }
    }
}

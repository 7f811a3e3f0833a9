//! Synthetic sample data: twelve fictional agencies in five provinces, eight
//! quarters of case extracts and quarterly returns each, and one bad extract
//! that the intake must reject. Five founding agencies each have their own
//! profile, columns, code spellings and file format; the seven others share a
//! founding agency's layout (a network on one case-management system), under
//! their own name, province and size. Ontario and British Columbia have three
//! or more agencies, so their returns can be published in aggregate; one
//! Ontario agency holds a large federal grant that dominates its province.
//!
//! The extracts are rendered *from the profiles*: for every canonical value the
//! renderer picks one of the agency's spellings that its profile maps to that
//! value, so every sample extract validates through its own profile by
//! construction, and a profile edit changes the samples with it.

pub mod linked;
mod population;
pub mod synthetic;

use crate::ingest::profile::{ExtractProfile, FieldMapping, FileFormat, Profile};
use crate::schema::{ExtractKind, FieldKind, codes};
use population::{Mix, Person, Situation};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The eight reporting quarters of the sample.
pub const QUARTERS: [&str; 8] = [
    "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4",
];

/// The sample agencies' profiles, as shipped.
pub const PROFILES: &[(&str, &str)] = &[
    (
        "maison-esperance",
        include_str!("profiles/maison-esperance.toml"),
    ),
    ("prairie-haven", include_str!("profiles/prairie-haven.toml")),
    (
        "coastal-workers-centre",
        include_str!("profiles/coastal-workers-centre.toml"),
    ),
    (
        "lakeshore-legal-clinic",
        include_str!("profiles/lakeshore-legal-clinic.toml"),
    ),
    (
        "north-star-outreach",
        include_str!("profiles/north-star-outreach.toml"),
    ),
];

/// A member agency that shares a founding agency's layout: its profile is the
/// founding profile with its own `[agency]` slug, name and province.
#[derive(Debug, Clone, Copy)]
pub struct Sibling {
    pub slug: &'static str,
    pub name: &'static str,
    pub province: &'static str,
    /// The founding agency whose columns, spellings and format it uses.
    pub layout: &'static str,
    /// People served in the first quarter.
    pub people: u32,
    /// Its funding relative to a founding agency's.
    pub funding_scale: i64,
    /// Its federal funding relative to a founding agency's (a dominant grant).
    pub federal_scale: i64,
}

/// The seven further member agencies.
pub const SIBLINGS: &[Sibling] = &[
    Sibling {
        slug: "danforth-refuge",
        name: "Danforth Refuge (fictional)",
        province: "CA-ON",
        layout: "lakeshore-legal-clinic",
        people: 22,
        funding_scale: 1,
        federal_scale: 1,
    },
    Sibling {
        slug: "hamilton-bridge",
        name: "Hamilton Bridge Centre (fictional)",
        province: "CA-ON",
        layout: "north-star-outreach",
        people: 26,
        funding_scale: 2,
        federal_scale: 40,
    },
    Sibling {
        slug: "ottawa-valley-outreach",
        name: "Ottawa Valley Outreach (fictional)",
        province: "CA-ON",
        layout: "prairie-haven",
        people: 18,
        funding_scale: 1,
        federal_scale: 1,
    },
    Sibling {
        slug: "fraser-valley-settlement",
        name: "Fraser Valley Settlement Services (fictional)",
        province: "CA-BC",
        layout: "coastal-workers-centre",
        people: 24,
        funding_scale: 1,
        federal_scale: 1,
    },
    Sibling {
        slug: "island-safe-harbour",
        name: "Island Safe Harbour (fictional)",
        province: "CA-BC",
        layout: "prairie-haven",
        people: 16,
        funding_scale: 1,
        federal_scale: 1,
    },
    Sibling {
        slug: "refuge-saint-laurent",
        name: "Refuge Saint-Laurent (fictif)",
        province: "CA-QC",
        layout: "maison-esperance",
        people: 20,
        funding_scale: 1,
        federal_scale: 1,
    },
    Sibling {
        slug: "bow-river-shelter",
        name: "Bow River Shelter (fictional)",
        province: "CA-AB",
        layout: "north-star-outreach",
        people: 21,
        funding_scale: 1,
        federal_scale: 1,
    },
];

/// Every sample agency: slug, profile text, and (for a sibling) its facts.
pub fn agencies() -> Vec<(String, String, Option<Sibling>)> {
    let mut out: Vec<(String, String, Option<Sibling>)> = PROFILES
        .iter()
        .map(|(slug, text)| (slug.to_string(), text.to_string(), None))
        .collect();
    for s in SIBLINGS {
        let (_, layout) = PROFILES
            .iter()
            .find(|(slug, _)| *slug == s.layout)
            .expect("a sibling's layout is a founding profile");
        let mut text = format!(
            "# {} — a member agency on the same case-management system as {} (same columns and spellings).\n",
            s.name, s.layout
        );
        let mut in_agency = false;
        for line in layout.lines().skip_while(|l| l.starts_with('#')) {
            if line.starts_with('[') {
                in_agency = line == "[agency]";
            }
            let line = match line.split_once(" = ") {
                Some(("slug", _)) if in_agency => format!("slug = \"{}\"", s.slug),
                Some(("name", _)) if in_agency => format!("name = \"{}\"", s.name),
                Some(("province", _)) if in_agency => format!("province = \"{}\"", s.province),
                _ => line.to_string(),
            };
            text.push_str(&line);
            text.push('\n');
        }
        out.push((s.slug.to_string(), text, Some(*s)));
    }
    out
}

/// The founding agency whose layout `slug` uses (itself for a founding agency).
fn layout_of(slug: &str) -> &str {
    SIBLINGS
        .iter()
        .find(|s| s.slug == slug)
        .map_or(slug, |s| s.layout)
}

/// The agency whose profile reads the bad extract.
pub const BAD_EXTRACT_AGENCY: &str = "lakeshore-legal-clinic";

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {message}")]
    Format { path: PathBuf, message: String },
    #[error("built-in profile {0} is invalid: {1}")]
    Profile(String, String),
}

/// One file the generator wrote, as listed in `manifest.toml`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ManifestEntry {
    pub file: String,
    pub profile: String,
    pub kind: ExtractKind,
    pub quarter: Option<crate::schema::Quarter>,
    /// "valid" or "rejected".
    pub expect: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub seed: u64,
    #[serde(rename = "extract")]
    pub extracts: Vec<ManifestEntry>,
}

fn mix_for(slug: &str) -> Mix {
    use Situation::*;
    let _ = (DomesticSex, MigrantSex);
    match slug {
        "maison-esperance" => Mix {
            province: "CA-QC",
            base_people: 38,
            growth: 3,
            weights: [60.0, 18.0, 6.0, 3.0, 8.0, 5.0],
            carry_over: 0.35,
            missing: 0.06,
            capacity: 0.62,
            shelters: &[
                "vaw_shelter",
                "trafficking_safe_house",
                "transitional_housing",
            ],
            label: |p| {
                p.exploitation.as_ref().is_some_and(|e| !e.is_empty())
                    && p.acts.as_ref().is_none_or(|a| !a.is_empty())
            },
        },
        "prairie-haven" => Mix {
            province: "CA-MB",
            base_people: 30,
            growth: 2,
            weights: [70.0, 8.0, 6.0, 4.0, 4.0, 8.0],
            carry_over: 0.4,
            missing: 0.1,
            capacity: 0.55,
            shelters: &["vaw_shelter", "youth_shelter", "host_home"],
            label: |_| true,
        },
        "coastal-workers-centre" => Mix {
            province: "CA-BC",
            base_people: 45,
            growth: 4,
            weights: [3.0, 7.0, 62.0, 26.0, 2.0, 0.0],
            carry_over: 0.3,
            missing: 0.08,
            capacity: 0.45,
            shelters: &["transitional_housing", "general_shelter", "hotel_voucher"],
            label: |p| {
                matches!(
                    p.situation,
                    Situation::MigrantLabour | Situation::MigrantSex
                )
            },
        },
        "lakeshore-legal-clinic" => Mix {
            province: "CA-ON",
            base_people: 34,
            growth: 2,
            weights: [25.0, 20.0, 35.0, 12.0, 6.0, 2.0],
            carry_over: 0.45,
            missing: 0.05,
            capacity: 0.5,
            shelters: &["vaw_shelter", "general_shelter", "trafficking_safe_house"],
            label: |p| p.safety_fear == "yes" && p.acts.as_ref().is_some_and(|a| !a.is_empty()),
        },
        _ => Mix {
            province: "CA-AB",
            base_people: 40,
            growth: 3,
            weights: [55.0, 12.0, 15.0, 5.0, 3.0, 10.0],
            carry_over: 0.3,
            missing: 0.12,
            capacity: 0.58,
            shelters: &["trafficking_safe_house", "general_shelter", "hotel_voucher"],
            label: |p| !matches!(p.situation, Situation::LabourNoCoercion),
        },
    }
}

/// How an agency's caseload is made up: its founding layout's mix, with a sibling's own facts.
fn mix_of(slug: &str, sibling: Option<Sibling>) -> Mix {
    let mut mix = mix_for(sibling.map_or(slug, |s| s.layout));
    if let Some(s) = sibling {
        mix.province = s.province;
        mix.base_people = s.people;
        mix.growth = 1;
    }
    mix
}

/// The caseload of one agency, quarter by quarter (people numbered by [`linked::person_id`]).
fn caseload(rng: &mut StdRng, slug: &str, mix: &Mix) -> Vec<Vec<Person>> {
    let mut next_id = 1u64;
    let mut quarters: Vec<Vec<Person>> = Vec::new();
    for q in 0..QUARTERS.len() {
        let mut people = Vec::new();
        if let Some(previous) = quarters.last() {
            for p in previous {
                if rng.random::<f64>() < mix.carry_over {
                    people.push(population::carry(rng, mix, p, q));
                }
            }
        }
        let new = mix.base_people + mix.growth * q as u32 + rng.random_range(0..6);
        for _ in 0..new {
            let id = linked::person_id(slug, next_id);
            people.push(population::draw(rng, mix, id, q));
            next_id += 1;
        }
        quarters.push(people);
    }
    quarters
}

/// The person's key at `slug`: the collaborative key under the sample's secret.
fn person_key(slug: &str, id: u64) -> String {
    static KEYER: std::sync::OnceLock<crate::linkage::Keyer> = std::sync::OnceLock::new();
    linked::person_key(KEYER.get_or_init(|| linked::secret().keyer()), slug, id)
}

/// Renders canonical values in one agency's spellings.
struct Renderer<'a> {
    section: &'a ExtractProfile,
    french: bool,
}

impl Renderer<'_> {
    fn mapping(&self, field: &str) -> Option<&FieldMapping> {
        self.section.fields.get(field)
    }

    /// One of the agency's spellings of `code` in `values` (or the code itself).
    fn spell(
        &self,
        rng: &mut StdRng,
        values: &BTreeMap<String, String>,
        code: &str,
        list: &codes::CodeList,
    ) -> String {
        if code == "not_collected" {
            return String::new();
        }
        let spellings: Vec<&String> = values
            .iter()
            .filter(|(_, v)| v.as_str() == code)
            .map(|(k, _)| k)
            .collect();
        if let Some(s) = spellings.choose(rng) {
            return s.to_string();
        }
        if list.name == codes::TRI_STATE.name {
            return match (code, self.french) {
                ("yes", true) => "Oui",
                ("no", true) => "Non",
                ("unknown", true) => "Inconnu",
                ("yes", false) => "Yes",
                ("no", false) => "No",
                _ => "Unknown",
            }
            .to_string();
        }
        code.to_string()
    }

    fn code_cell(&self, rng: &mut StdRng, field: &str, code: &str) -> Option<(String, String)> {
        let m = self.mapping(field)?;
        let column = m.column.clone()?;
        let list = crate::schema::ExtractKind::Cases
            .field(field)?
            .code_list()?;
        Some((column, self.spell(rng, &m.values, code, list)))
    }

    fn set_cells(
        &self,
        rng: &mut StdRng,
        field: &str,
        items: &Option<Vec<&str>>,
        out: &mut Vec<(String, String)>,
    ) {
        let Some(m) = self.mapping(field) else { return };
        let list = crate::schema::ExtractKind::Cases
            .field(field)
            .and_then(|f| f.code_list())
            .expect("set field");
        if !m.flags.is_empty() {
            for (column, code) in &m.flags {
                let cell = match items {
                    None => "",
                    Some(items) if items.contains(&code.as_str()) => "1",
                    Some(_) => "0",
                };
                out.push((column.clone(), cell.to_string()));
            }
            return;
        }
        let Some(column) = m.column.clone() else {
            return;
        };
        let sep = m.separator.clone().unwrap_or_else(|| ";".into());
        let cell = match items {
            None => String::new(),
            Some(items) if items.is_empty() => m
                .values
                .iter()
                .find(|(_, v)| v.as_str() == "none")
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| "none".into()),
            Some(items) => items
                .iter()
                // Codes the agency has no spelling for are not recorded by it.
                .filter(|c| m.values.is_empty() || m.values.values().any(|v| v == *c))
                .map(|c| self.spell(rng, &m.values, c, list))
                .collect::<Vec<_>>()
                .join(&format!("{sep} ")),
        };
        out.push((column, cell));
    }
}

fn ymd(date: chrono::NaiveDate, format: &str) -> String {
    date.format(format).to_string()
}

fn random_date_in(rng: &mut StdRng, quarter: &str) -> chrono::NaiveDate {
    let (year, q) = crate::schema::parse_quarter(quarter).expect("sample quarter");
    let start =
        chrono::NaiveDate::from_ymd_opt(year, (q as u32 - 1) * 3 + 1, 1).expect("valid date");
    start + chrono::Duration::days(rng.random_range(0..90))
}

fn postal_code(rng: &mut StdRng, province: &str) -> String {
    let first = match province {
        "CA-QC" => 'H',
        "CA-ON" => 'M',
        "CA-BC" => 'V',
        "CA-MB" => 'R',
        "CA-SK" => 'S',
        "CA-NS" => 'B',
        "CA-NB" => 'E',
        "CA-NL" => 'A',
        "CA-PE" => 'C',
        "CA-YT" => 'Y',
        "CA-NT" | "CA-NU" => 'X',
        _ => 'T',
    };
    let letters = b"ABCEGHJKLMNPRSTVWXYZ";
    let l = |rng: &mut StdRng| letters[rng.random_range(0..letters.len())] as char;
    // Montréal (H) and Toronto (M) have no rural FSAs; elsewhere about a
    // third of the people served live in one (a second character 0).
    let digit = rng.random_range(1..10);
    let digit = if !matches!(first, 'H' | 'M') && digit <= 3 {
        0
    } else {
        digit
    };
    format!(
        "{first}{digit}{} {}{}{}",
        l(rng),
        rng.random_range(0..10),
        l(rng),
        rng.random_range(0..10)
    )
}

/// The rows (column -> cell) that an agency's system would export for one person.
fn person_rows(
    rng: &mut StdRng,
    slug: &str,
    section: &ExtractProfile,
    p: &Person,
    quarter: &str,
) -> Vec<Vec<(String, String)>> {
    let r = Renderer {
        section,
        french: layout_of(slug) == "maison-esperance",
    };
    let mut base: Vec<(String, String)> = Vec::new();
    if let Some(pk) = &section.person_key {
        base.push((pk.clone(), person_key(slug, p.id)));
    }
    if let Some(m) = r.mapping("quarter").and_then(|m| m.column.clone()) {
        base.push((m, quarter.to_string()));
    }
    let f = &p.forum;
    let codes_of: &[(&str, &str)] = &[
        ("data_source", p.data_source),
        ("gender", p.gender),
        ("age_band", codes::age_band_for(p.age)),
        (
            "minor_at_recruitment",
            if p.age_at_recruitment < 18 {
                "yes"
            } else {
                "no"
            },
        ),
        ("citizenship", p.citizenship),
        ("immigration_status", p.immigration_status),
        ("trp_status", p.trp_status),
        ("labour_sector", p.labour_sector),
        ("safety_fear", p.safety_fear),
        ("cross_border", p.cross_border),
        ("recruiter_relationship", p.recruiter),
        ("agency_label", p.agency_label),
        ("province", p.province),
        ("housing_need", p.housing_need),
        ("housing_outcome", p.housing_outcome),
        ("indigenous_identity", f.indigenous_identity),
        ("employer_tied_permit", f.employer_tied_permit),
        ("trp_validity", f.trp_validity),
        ("refugee_claim", f.refugee_claim),
        ("means_used_for_entry", f.means_used_for_entry),
        ("referral_source", f.referral_source),
        ("police_involved", f.police_involved),
        ("asked_to_cooperate", f.asked_to_cooperate),
        (
            "services_conditional_on_cooperation",
            f.services_conditional_on_cooperation,
        ),
        ("charges_laid", f.charges_laid),
        (
            "detained_after_identification",
            f.detained_after_identification,
        ),
        ("removed_or_ordered_removed", f.removed_or_ordered_removed),
        ("settlement", "not_collected"),
    ];
    for (field, code) in codes_of.iter().copied() {
        if let Some(cell) = r.code_cell(rng, field, code) {
            base.push(cell);
        }
    }
    if let Some(cell) = r.code_cell(rng, "shelter_type", p.shelter_type) {
        base.push(cell);
    }
    r.set_cells(rng, "acts", &p.acts, &mut base);
    r.set_cells(rng, "means", &p.means, &mut base);
    r.set_cells(rng, "exploitation_types", &p.exploitation, &mut base);
    r.set_cells(rng, "racialised_group", &f.racialised_group, &mut base);
    let g = &section.generalise;
    if let Some(c) = &g.age {
        base.push((c.clone(), p.age.to_string()));
    }
    if let Some(c) = &g.age_at_recruitment {
        base.push((c.clone(), p.age_at_recruitment.to_string()));
    }
    if let Some(c) = &g.birth_year {
        let year = crate::schema::parse_quarter(quarter)
            .map(|(y, _)| y)
            .unwrap_or(2025);
        base.push((c.clone(), (year - p.age as i32).to_string()));
    }
    if let Some(c) = &g.postal_code {
        base.push((c.clone(), postal_code(rng, p.province)));
    }
    let date_format = section
        .date_format
        .clone()
        .unwrap_or_else(|| "%Y-%m-%d".into());
    let nights_col = r.mapping("shelter_nights").and_then(|m| m.column.clone());
    let services = r.mapping("services");
    let wide = services.filter(|m| !m.columns.is_empty());
    let long = services.filter(|m| m.category_column.is_some());
    let empty = BTreeMap::new();
    let status_values = services.map(|m| &m.status_values).unwrap_or(&empty);
    if let Some(m) = wide {
        for (column, category) in &m.columns {
            let cell = p
                .services
                .iter()
                .find(|(c, _)| c == category)
                .map(|(_, s)| r.spell(rng, status_values, s, &codes::SERVICE_STATUS))
                .unwrap_or_default();
            base.push((column.clone(), cell));
        }
    }
    // Incident logs hold several rows per person; long service layouts one row per service.
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    if let Some(m) = long {
        let (cat_col, status_col) = (
            m.category_column.clone().unwrap_or_default(),
            m.status_column.clone().unwrap_or_default(),
        );
        let services: Vec<(&str, &str)> = if p.services.is_empty() {
            vec![("", "")]
        } else {
            p.services.clone()
        };
        for (category, status) in services {
            let mut row = base.clone();
            let cat = if category.is_empty() {
                String::new()
            } else {
                r.spell(rng, &m.category_values, category, &codes::SERVICE_CATEGORY)
            };
            let st = if status.is_empty() {
                String::new()
            } else {
                r.spell(rng, &m.status_values, status, &codes::SERVICE_STATUS)
            };
            row.push((cat_col.clone(), cat));
            row.push((status_col.clone(), st));
            rows.push(row);
        }
    } else {
        rows.push(base);
    }
    // Nights: on the first row (split across rows for incident logs).
    let n = rows.len();
    for (i, row) in rows.iter_mut().enumerate() {
        if let Some(c) = &nights_col {
            let nights = match p.shelter_nights {
                Some(total) if i == 0 => (total - total / n as u32 * (n as u32 - 1)).to_string(),
                Some(total) => (total / n as u32).to_string(),
                None => String::new(),
            };
            row.push((c.clone(), nights));
        }
        if let Some(c) = &g.quarter_from_date {
            row.push((c.clone(), ymd(random_date_in(rng, quarter), &date_format)));
        }
    }
    rows
}

/// One table of text cells, in column order.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn tabulate(rows: Vec<Vec<(String, String)>>) -> Table {
    let mut headers: Vec<String> = Vec::new();
    for row in &rows {
        for (c, _) in row {
            if !headers.contains(c) {
                headers.push(c.clone());
            }
        }
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            let map: BTreeMap<String, String> = row.into_iter().collect();
            headers
                .iter()
                .map(|h| map.get(h).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    Table { headers, rows }
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SampleError + '_ {
    move |source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_table(
    table: &Table,
    section: &ExtractProfile,
    path: &Path,
    numeric: &[String],
) -> Result<(), SampleError> {
    let fmt_err = |e: crate::ingest::write::WriteError| SampleError::Format {
        path: path.to_path_buf(),
        message: e.message,
    };
    let mut writer =
        crate::ingest::write::ExtractWriter::create(path, section, &table.headers, numeric)
            .map_err(fmt_err)?;
    for row in &table.rows {
        writer.write_row(row).map_err(fmt_err)?;
    }
    writer.finish().map_err(fmt_err)
}

fn extension(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Csv => "csv",
        FileFormat::Xlsx => "xlsx",
        FileFormat::Parquet => "parquet",
    }
}

/// Columns that hold numbers (written as numbers in XLSX and Parquet).
fn numeric_columns(section: &ExtractProfile, kind: ExtractKind) -> Vec<String> {
    let mut out: Vec<String> = section
        .fields
        .iter()
        .filter(|(name, m)| {
            m.unit.as_deref() != Some("dollars")
                && kind.field(name).is_some_and(|f| {
                    matches!(
                        f.kind,
                        FieldKind::Count { .. } | FieldKind::Cents | FieldKind::Decimal { .. }
                    )
                })
        })
        .filter_map(|(_, m)| m.column.clone())
        .collect();
    let g = &section.generalise;
    out.extend(
        [&g.age, &g.age_at_recruitment, &g.birth_year]
            .into_iter()
            .flatten()
            .cloned(),
    );
    out
}

/// Quarterly returns of one agency over the sample period.
fn returns_rows(
    rng: &mut StdRng,
    slug: &str,
    section: &ExtractProfile,
    people: &[Vec<Person>],
) -> Vec<Vec<(String, String)>> {
    let mut rows = Vec::new();
    let dollars = |cents: i64, french: bool| {
        let d = cents / 100;
        let c = cents % 100;
        if french {
            format!("{} {:03},{c:02} $", d / 1000, d % 1000)
        } else {
            format!("{d}.{c:02}")
        }
    };
    let french = layout_of(slug) == "maison-esperance";
    let sibling = SIBLINGS.iter().find(|s| s.slug == slug);
    let scale = sibling.map_or(1, |s| s.funding_scale);
    let federal = sibling.map_or(1, |s| s.federal_scale);
    let base_beds: i64 = rng.random_range(8..30);
    for (q, quarter) in QUARTERS.iter().enumerate() {
        let mut row: Vec<(String, String)> = Vec::new();
        let turned_away = people[q]
            .iter()
            .filter(|p| p.housing_outcome == "unmet_no_capacity")
            .count() as i64;
        let nights: i64 = people[q]
            .iter()
            .filter_map(|p| p.shelter_nights)
            .map(i64::from)
            .sum();
        for (name, m) in &section.fields {
            let Some(column) = m.column.clone() else {
                continue;
            };
            let cents =
                |base: i64, rng: &mut StdRng| (base + rng.random_range(-base / 5..=base / 5)) * 100;
            let value: i64 = match name.as_str() {
                "funding_federal_cents" => {
                    cents(if q % 4 == 3 { 90_000 } else { 35_000 }, rng) * federal
                }
                "funding_provincial_cents" => cents(60_000, rng) * scale,
                "funding_municipal_cents" => cents(12_000, rng) * scale,
                "funding_foundation_cents" => cents(25_000 + 4_000 * (q as i64 % 3), rng) * scale,
                "funding_private_cents" => cents(8_000, rng) * scale,
                "funding_other_cents" => cents(5_000, rng) * scale,
                "beds_vaw_shelter" | "beds_trafficking_safe_house" | "beds_youth_shelter" => {
                    base_beds + (q as i64 / 4)
                }
                "beds_hotel_voucher" | "beds_host_home" | "beds_transitional_housing" => {
                    base_beds / 3
                }
                "bed_nights_provided" => nights + rng.random_range(0..200),
                "turnaways" => turned_away * 2 + rng.random_range(0..6),
                "trained_staff" => 2 + q as i64 / 2,
                _ => -1,
            };
            let cell = match name.as_str() {
                "quarter" => quarter.to_string(),
                "funding_term" => {
                    let code = if rng.random::<f64>() < 0.65 {
                        "one_time"
                    } else if rng.random::<f64>() < 0.6 {
                        "annual"
                    } else {
                        "multi_year"
                    };
                    m.values
                        .iter()
                        .find(|(_, v)| v.as_str() == code)
                        .map(|(k, _)| k.clone())
                        .unwrap_or_else(|| code.into())
                }
                "staff_fte" => format!("{:.1}", 4.0 + rng.random_range(0..20) as f64 / 4.0),
                _ if m.unit.as_deref() == Some("dollars") => dollars(value, french),
                _ => value.to_string(),
            };
            row.push((column, cell));
        }
        rows.push(row);
    }
    rows
}

/// Write the bad extract: the clinic's layout with names, phone numbers and
/// notes added, unknown codes, ragged rows and a formula cell.
fn write_bad_extract(
    rng: &mut StdRng,
    section: &ExtractProfile,
    people: &[Person],
    path: &Path,
) -> Result<(), SampleError> {
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    let names = [
        "Maria Santos",
        "Ana Reyes",
        "Grace Mendoza",
        "Olga Petrenko",
        "Jose Cruz",
        "Lucia Flores",
    ];
    for (i, p) in people.iter().take(24).enumerate() {
        let mut row = person_rows(rng, BAD_EXTRACT_AGENCY, section, p, "2025Q2").remove(0);
        row.insert(1, ("Client name".into(), names[i % names.len()].into()));
        row.push(("Contact".into(), format!("416-555-01{:02}", i)));
        row.push((
            "Worker comments".into(),
            if i % 3 == 0 { "Client arrived after her employer kept her passport and she was afraid to call anyone".into() } else { String::new() },
        ));
        if i == 4 {
            row.iter_mut()
                .find(|(c, _)| c == "Gender")
                .expect("gender column")
                .1 = "Wmn".into();
        }
        if i == 7 || i == 9 {
            row.iter_mut()
                .find(|(c, _)| c == "Immigration status")
                .expect("status column")
                .1 = "Seasonal worker".into();
        }
        if i == 11 {
            row.iter_mut()
                .find(|(c, _)| c == "Housing need")
                .expect("housing column")
                .1 = "=HYPERLINK(\"http://example.org\",\"x\")".into();
        }
        rows.push(row);
    }
    let table = tabulate(rows);
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let fmt_err = |e: csv::Error| SampleError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    w.write_record(&table.headers).map_err(fmt_err)?;
    for (i, row) in table.rows.iter().enumerate() {
        let mut row = row.clone();
        if i == 5 {
            row.truncate(row.len() - 3); // a lost cell: a ragged row
        }
        if i == 13 {
            row.push("extra".into());
            row.push("cells".into());
        }
        w.write_record(&row).map_err(fmt_err)?;
    }
    let bytes = w.into_inner().map_err(|e| SampleError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    std::fs::write(path, bytes).map_err(io_err(path))
}

/// Generate the whole sample into `out`. Deterministic for a given seed.
pub fn generate(out: &Path, seed: u64) -> Result<Manifest, SampleError> {
    let mut manifest = Manifest {
        seed,
        extracts: Vec::new(),
    };
    let rel = |p: &Path| {
        p.strip_prefix(out)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    // Every agency's caseload first (each from its own random stream), then
    // the people agencies refer to each other.
    let mut rngs = Vec::new();
    let mut caseloads = Vec::new();
    for (index, (slug, _, sibling)) in agencies().iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000).wrapping_add(index as u64));
        let mix = mix_of(slug, *sibling);
        let people = caseload(&mut rng, slug, &mix);
        rngs.push(rng);
        caseloads.push((slug.clone(), mix, people));
    }
    linked::add_referrals(seed, &mut caseloads);
    for ((slug, text, _), (mut rng, (_, _, people))) in
        agencies().iter().zip(rngs.into_iter().zip(caseloads))
    {
        let slug = slug.as_str();
        let rng = &mut rng;
        let profile_path = out.join("profiles").join(format!("{slug}.toml"));
        let profile = Profile::parse(text, &profile_path)
            .map_err(|e| SampleError::Profile(slug.to_string(), e.to_string()))?;
        std::fs::create_dir_all(out.join("profiles")).map_err(io_err(out))?;
        std::fs::write(&profile_path, text).map_err(io_err(&profile_path))?;
        let cases = profile.cases.as_ref().expect("sample profiles have cases");
        let numeric = numeric_columns(cases, ExtractKind::Cases);
        for (q, quarter) in QUARTERS.iter().enumerate() {
            let mut rows = Vec::new();
            for p in &people[q] {
                rows.extend(person_rows(rng, slug, cases, p, quarter));
            }
            if (slug, *quarter) == linked::UNKEYED {
                linked::write_unkeyed(out, cases, &people[q], &rows)?;
            }
            let path = out
                .join("extracts")
                .join(slug)
                .join(format!("{slug}-{quarter}.{}", extension(cases.format)));
            write_table(&tabulate(rows), cases, &path, &numeric)?;
            manifest.extracts.push(ManifestEntry {
                file: rel(&path),
                profile: rel(&profile_path),
                kind: ExtractKind::Cases,
                quarter: quarter.parse().ok(),
                expect: "valid".into(),
            });
        }
        if let Some(returns) = &profile.returns {
            // One quarterly return per quarter, like the case extracts.
            let rows = returns_rows(rng, slug, returns, &people);
            let numeric = numeric_columns(returns, ExtractKind::Returns);
            for (quarter, row) in QUARTERS.iter().zip(rows) {
                let path = out.join("returns").join(slug).join(format!(
                    "{slug}-returns-{quarter}.{}",
                    extension(returns.format)
                ));
                write_table(&tabulate(vec![row]), returns, &path, &numeric)?;
                manifest.extracts.push(ManifestEntry {
                    file: rel(&path),
                    profile: rel(&profile_path),
                    kind: ExtractKind::Returns,
                    quarter: quarter.parse().ok(),
                    expect: "valid".into(),
                });
            }
        }
        if slug == BAD_EXTRACT_AGENCY {
            let path = out.join("bad").join(format!("{slug}-2025Q2-bad.csv"));
            write_bad_extract(rng, cases, &people[5], &path)?;
            manifest.extracts.push(ManifestEntry {
                file: rel(&path),
                profile: rel(&profile_path),
                kind: ExtractKind::Cases,
                quarter: "2025Q2".parse().ok(),
                expect: "rejected".into(),
            });
        }
    }
    write_collaborative(out)?;
    let mut text = String::from(
        "# Files of the synthetic sample (see README.md): which profile reads each, and what the intake should say.\n",
    );
    let _ = write!(
        text,
        "{}",
        toml::to_string(&manifest).expect("manifest serialises")
    );
    let path = out.join("manifest.toml");
    std::fs::write(&path, text).map_err(io_err(&path))?;
    Ok(manifest)
}

/// Write `collaborative.toml`: the sample collaborative's members and the
/// provinces they serve (its declared, public coverage).
fn write_collaborative(out: &Path) -> Result<(), SampleError> {
    let mut text = String::from(
        "# The collaborative's declared coverage: its member agencies and the provinces they serve.\n\
         # Public. Releases use these provinces (plus one `elsewhere` key) as their provincial keys,\n\
         # so no table depends on where records happen to fall.\n\
         name = \"Canadian Anti-Trafficking Services Collaborative (fictional)\"\n\
         # Members key people with `safecount key` and one shared secret, so a person served by\n\
         # several members counts once. The epoch is that secret's public fingerprint.\n",
    );
    let _ = writeln!(
        text,
        "linkage = \"collaborative\"\nepoch = \"{}\"",
        linked::secret().fingerprint()
    );
    for (slug, text_of_profile, _) in agencies() {
        let province = text_of_profile
            .lines()
            .find_map(|l| l.strip_prefix("province = "))
            .map(|p| p.trim_matches('"').to_string())
            .unwrap_or_default();
        let kind = linked::KINDS
            .iter()
            .find(|(s, _)| *s == slug)
            .map_or("other", |(_, k)| k);
        let _ = write!(
            text,
            "\n[[member]]\nagency = \"{slug}\"\nprovinces = [\"{province}\"]\nkind = \"{kind}\"\n"
        );
    }
    let path = out.join("collaborative.toml");
    std::fs::write(&path, text).map_err(io_err(&path))
}

/// Read `manifest.toml` from a sample directory.
pub fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let path = dir.join("manifest.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

//! The standard quarterly tables: what each one counts or sums, over which
//! public key sets, and how a canonical record is prepared for it. Every
//! preparation is row-wise (one record in, at most one row out), so it is a
//! 1-stable step done before OpenDP sees the frame.

use crate::classify::{DefinitionSet, MEMBERSHIP};
use crate::i18n::Message;
use crate::privacy::measure::{UNIT, VALUE, enum_of};
use crate::privacy::{Accounting, MeasurementSpec, Statistic};
use crate::schema::{CodeList, ExtractKind, codes, fields};
use polars::prelude::*;

mod custom;
mod forum;
pub use custom::*;
pub use forum::{
    AGE_GROUPS, DEFINITION_GROUPS, DERIVED_DIMENSIONS, SETTLEMENT_SERVICES, STATUS_GROUPS,
    about_indigenous_people, derived_dimension, group_keys,
};

/// One measurement of a table.
pub struct Part {
    /// What this part is about: a definition, a service category, a funding source, or "" .
    pub label: String,
    /// Select expressions producing the prepared frame: unit (always first), dims, (value).
    pub prepare: Vec<Expr>,
    pub spec: MeasurementSpec,
    /// Its share of the table's rho, relative to the other parts.
    pub weight: f64,
    /// A national margin: the same measurement without the province, whose
    /// cells are released with the province key [`NATIONAL`].
    pub national: bool,
}

/// How a table's keys are laid out: the declared coverage of its province
/// keys and the share of its budget spent on national margins. Both public,
/// both part of a release's request.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Layout {
    /// The covered provinces (None: every province and the missing codes).
    pub coverage: Option<Vec<String>>,
    /// Share of a person-level table's rho spent on measuring its national
    /// margin directly (None or 0: no margin; the national figure is then the
    /// sum of the provinces).
    pub national_share: Option<f64>,
    /// Collaborative linkage (None: each agency's keys are its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linkage: Option<super::coverage::Linked>,
}

impl Layout {
    fn province_keys(&self) -> Vec<String> {
        match &self.coverage {
            Some(c) => super::coverage::province_keys(c),
            None => keys(&codes::PROVINCE),
        }
    }

    fn province_dim(&self) -> Expr {
        match &self.coverage {
            Some(c) => super::coverage::province_key(c),
            None => code_dim("province"),
        }
    }

    /// A prepared dimension: the province by coverage, any other coded field as is.
    fn dim(&self, field: &str) -> Expr {
        if field == "province" {
            self.province_dim()
        } else {
            code_dim(field)
        }
    }

    /// Add a national margin beside every part with a province dimension
    /// (person-level tables only), with `national_share` of the table's rho.
    fn with_margins(&self, mut table: TableDef) -> TableDef {
        let share = self.national_share.unwrap_or(0.0);
        if share <= 0.0 || table.source != ExtractKind::Cases {
            return table;
        }
        let mut margins = Vec::new();
        for part in &mut table.parts {
            let Some(at) = part.spec.dims.iter().position(|(d, _)| d == "province") else {
                continue;
            };
            if part.spec.open_keys_delta.is_some() {
                continue;
            }
            let mut spec = part.spec.clone();
            let mut prepare = part.prepare.clone();
            // The prepared columns are the unit, then the dims in order, then the value.
            if spec.dims.len() > 1 {
                spec.dims.remove(at);
                drop(prepare.remove(at + 1));
            } else {
                // A province-only table's margin is grouped by one constant
                // key (a public key set of one), dropped from the cells.
                spec.dims[at] = (MARGIN_KEY.to_string(), vec!["all".to_string()]);
                prepare[at + 1] = lit("all").alias(MARGIN_KEY);
            }
            part.weight = 1.0 - share;
            margins.push(Part {
                label: part.label.clone(),
                prepare,
                spec,
                weight: share,
                national: true,
            });
        }
        table.parts.extend(margins);
        table
    }
}

pub use super::coverage::NATIONAL;

/// The constant dimension a province-only table's national margin is grouped by.
const MARGIN_KEY: &str = "margin";

/// A standard or custom table.
pub struct TableDef {
    pub name: String,
    /// What the table holds, from the catalogues (`table-*`).
    pub title: Message,
    pub source: ExtractKind,
    /// Whether the preparation needs the definition columns.
    pub classified: bool,
    pub parts: Vec<Part>,
}

/// Names of the standard tables, in release order.
pub const STANDARD: &[&str] = &[
    "people",
    "definitions",
    "services",
    "service_gaps",
    "housing_outcome",
    "shelter_type",
    "shelter_nights",
    "trp_status",
    "exploitation",
    "labour_continuum",
    "protection",
    "who_is_served",
    "housing_by_group",
    "services_by_status",
    "settlement_gaps",
    "trp_detail",
    "referral",
    "indigenous_identity",
    "immigration_status",
    "age_gender",
    "citizenship",
    "funding",
    "funding_term",
    "beds",
    "turnaways",
];

use super::linked::AGENCY_COUNTS as AGENCY_COUNTS_KEYS;

/// Standard tables released only when the collaborative links people across
/// agencies (`linkage = "collaborative"`): they count what linkage reveals.
pub const LINKED_TABLES: &[&str] = &["multi_agency"];

/// The standard tables of agencies' quarterly returns (the agency is the unit);
/// every other standard table is of case records (the person is the unit).
pub const RETURNS_TABLES: &[&str] = &["funding", "funding_term", "beds", "turnaways"];

/// How `service_gaps` groups a needed service's status: whether the need was
/// met (received, or referred to another agency) or went unmet for lack of
/// a place (waitlisted, not available). Every other answer (declined, or a
/// status not recorded) is `other`; people who did not need the service, or
/// whose need is unknown, have their own keys.
pub const SERVICE_OUTCOMES: &[(&str, &[&str])] = &[
    ("met", &["received", "referred_out"]),
    ("gap", &["waitlisted", "not_available"]),
];

/// delta allowed for a table over an open key set (OpenDP's threshold).
pub const OPEN_KEYS_DELTA: f64 = 1e-7;

/// The public keys of a coded dimension: the categories of its canonical `Enum`.
fn keys(list: &'static CodeList) -> Vec<String> {
    fields::code_categories(list).map(String::from).collect()
}

/// The columns that identify a record's privacy unit: the person (agency and
/// person key) for case records, the agency for returns. Their 32-bit id is
/// added once to a table's records as the unit column
/// ([`crate::privacy::measure::with_unit_numbers`]); every part then selects it.
pub fn unit_columns(source: ExtractKind) -> &'static [&'static str] {
    match source {
        ExtractKind::Cases => &["agency", "person_key"],
        ExtractKind::Returns => &["agency"],
    }
}

fn person_unit() -> Expr {
    col(UNIT)
}

/// A coded field as a dimension, not_collected where none. It stays the
/// canonical `Enum`, whose categories are exactly the table's keys for the
/// field ([`keys`]), so OpenDP's encoding of the dimension is a no-op.
fn code_dim(field: &str) -> Expr {
    let list = [ExtractKind::Cases, ExtractKind::Returns]
        .iter()
        .find_map(|k| k.field(field))
        .and_then(|f| match f.kind {
            crate::schema::FieldKind::Code(list) => Some(list),
            _ => None,
        });
    let missing = match list {
        Some(list) => lit("not_collected").cast(fields::code_dtype(list)),
        None => lit("not_collected"),
    };
    col(field).fill_null(missing).alias(field)
}

/// A grouping of records as its dimension's `Enum` over `keys`: the first
/// of `branches` whose condition holds names the record's key (`otherwise`
/// where none does; a null condition does not hold). Built as the key's
/// index and cast, as the definitions' membership is, so no text is made
/// per record: the same values as a chain of text labels cast to the
/// `Enum`, at a fraction of the cost (the cast from text hashed every row).
pub(super) fn labelled(branches: Vec<(Expr, &str)>, otherwise: &str, keys: &[String]) -> Expr {
    let index = |label: &str| {
        let at = keys.iter().position(|k| k == label);
        lit(at.expect("every label of a grouping is one of its keys") as u32)
    };
    branches
        .into_iter()
        .rev()
        .fold(index(otherwise), |rest, (holds, label)| {
            when(holds).then(index(label)).otherwise(rest)
        })
        .cast(enum_of(keys))
}

/// Whether the coded column `field` holds one of `codes` (each a code of its
/// `Enum`); null where the field is null.
pub(super) fn is_one_of(field: &str, codes: &[&str]) -> Expr {
    codes
        .iter()
        .map(|c| col(field).eq(lit(*c)))
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
}

/// A yes/no/unknown answer from a Boolean column (a set field's code).
pub(super) fn yes_no_unknown(column: &str) -> Expr {
    let keys = ["yes", "no", "unknown"].map(String::from);
    labelled(
        vec![(col(column).is_null(), "unknown"), (col(column), "yes")],
        "no",
        &keys,
    )
}

/// The facts of the `protection` table, one part each.
pub const PROTECTION_FIELDS: [&str; 6] = [
    "police_involved",
    "asked_to_cooperate",
    "services_conditional_on_cooperation",
    "charges_laid",
    "detained_after_identification",
    "removed_or_ordered_removed",
];

/// The keys of the `exploitation` table.
pub const EXPLOITATION_GROUPS: [&str; 7] = [
    "sexual",
    "labour",
    "both",
    "labour_no_coercion",
    "other",
    "none",
    "unknown",
];

/// The exploitation group of a record: sexual, labour (forced labour or
/// servitude), both, labour_no_coercion (labour exploitation without
/// coercion, and no form above: not trafficking under any law, kept apart so
/// that it is never counted as labour trafficking), other, none or unknown.
fn exploitation_group() -> Expr {
    let e = |c: &str| col(fields::set_column("exploitation_types", c));
    let sexual = e("sexual");
    let labour = e("forced_labour").or(e("servitude"));
    let other = e("forced_marriage")
        .or(e("organ_removal"))
        .or(e("forced_criminality"))
        .or(e("forced_begging"))
        .or(e("other"));
    labelled(
        vec![
            (sexual.clone().is_null(), "unknown"),
            (sexual.clone().and(labour.clone()), "both"),
            (sexual, "sexual"),
            (labour, "labour"),
            (e("labour_exploitation_no_coercion"), "labour_no_coercion"),
            (other, "other"),
        ],
        "none",
        &EXPLOITATION_GROUPS.map(String::from),
    )
    .alias("exploitation_group")
}

/// The definition of a standard table, every province a key, no margins.
pub fn table(name: &str, defs: &DefinitionSet, accounting: Accounting) -> Option<TableDef> {
    table_in(name, defs, accounting, &Layout::default())
}

/// The definition of a standard table under a key layout.
pub fn table_in(
    name: &str,
    defs: &DefinitionSet,
    accounting: Accounting,
    layout: &Layout,
) -> Option<TableDef> {
    standard(name, defs, accounting, layout).map(|t| layout.with_margins(t))
}

/// The part builders every standard table is made of, for one key layout
/// and one accounting.
struct Kit<'a> {
    layout: &'a Layout,
    accounting: Accounting,
    province: (String, Vec<String>),
}

impl Kit<'_> {
    fn spec(&self, dims: Vec<(String, Vec<String>)>, statistic: Statistic) -> MeasurementSpec {
        MeasurementSpec {
            dims,
            statistic,
            accounting: self.accounting,
            open_keys_delta: None,
        }
    }

    fn part(&self, label: &str, prepare: Vec<Expr>, spec: MeasurementSpec) -> Part {
        Part {
            label: label.to_string(),
            prepare,
            spec,
            weight: 1.0,
            national: false,
        }
    }

    /// People counted by coded fields.
    fn count_by(&self, label: &str, dims: Vec<(&str, Vec<String>)>) -> Part {
        let prepare = std::iter::once(person_unit())
            .chain(dims.iter().map(|(d, _)| self.layout.dim(d)))
            .collect();
        let dims = dims.into_iter().map(|(d, k)| (d.to_string(), k)).collect();
        self.part(label, prepare, self.spec(dims, Statistic::Count))
    }

    /// One count by province and one coded field.
    fn by_province(&self, field: &str, list: &'static CodeList) -> Vec<Part> {
        vec![self.count_by(
            "",
            vec![("province", self.province.1.clone()), (field, keys(list))],
        )]
    }

    /// People counted by province and a prepared dimension `dim` with keys `keys`.
    fn count_by_province_and(&self, label: &str, dim: Expr, keys: (&str, Vec<String>)) -> Part {
        self.part(
            label,
            vec![person_unit(), self.layout.province_dim(), dim],
            self.spec(
                vec![self.province.clone(), (keys.0.to_string(), keys.1)],
                Statistic::Count,
            ),
        )
    }

    /// A clipped sum of a return's value by province (the agency is the unit).
    fn returns_sum(&self, label: &str, value: Expr, upper: i64) -> Part {
        let prepare = vec![
            col(UNIT),
            self.layout.province_dim(),
            value
                .fill_null(lit(0i64))
                .cast(DataType::Int64)
                .alias(VALUE),
        ];
        let spec = self.spec(
            vec![self.province.clone()],
            Statistic::Sum { lower: 0, upper },
        );
        self.part(label, prepare, spec)
    }

    /// Each definition's membership (in, out, undetermined) by province.
    fn definitions(&self, defs: &DefinitionSet) -> Vec<Part> {
        let membership: Vec<String> = MEMBERSHIP.iter().map(|m| m.to_string()).collect();
        defs.definitions
            .iter()
            .map(|d| {
                // Already the membership `Enum` (see `classify`).
                let dim = col(d.name.as_str()).alias("membership");
                self.count_by_province_and(&d.name, dim, ("membership", membership.clone()))
            })
            .collect()
    }

    /// One count per service category, by province and the category's
    /// state: unknown, not_needed, or its status (unknown where a needed
    /// service has none).
    /// The status keys follow the two others in the status
    /// `Enum`'s own order, so a status is its index moved by two.
    fn services(&self) -> Vec<Part> {
        let mut status_keys = vec!["not_needed".to_string(), "unknown".to_string()];
        status_keys.extend(keys(&codes::SERVICE_STATUS));
        codes::SERVICE_CATEGORY
            .codes
            .iter()
            .map(|cat| {
                let (needed, status) = fields::service_columns(cat);
                let state = when(col(&needed).is_null())
                    .then(lit(1u32))
                    .when(col(&needed).not())
                    .then(lit(0u32))
                    .when(col(&status).is_null())
                    .then(lit(1u32))
                    .otherwise(col(&status).to_physical().cast(DataType::UInt32) + lit(2u32))
                    .cast(enum_of(&status_keys))
                    .alias("status");
                self.count_by_province_and(cat, state, ("status", status_keys.clone()))
            })
            .collect()
    }

    /// The heat map's question only: met or unmet for lack of a place. Two
    /// cells answer it instead of four in `services`, so a gap share carries
    /// half the noise variance at the same rho.
    fn service_gaps(&self) -> Vec<Part> {
        codes::SERVICE_CATEGORY
            .codes
            .iter()
            .map(|cat| {
                self.count_by_province_and(
                    cat,
                    forum::service_outcome(cat),
                    ("outcome", forum::outcome_keys()),
                )
            })
            .collect()
    }

    fn shelter_nights(&self) -> Part {
        let nights = col("shelter_nights").fill_null(lit(0i64)).alias(VALUE);
        self.part(
            "",
            vec![person_unit(), self.layout.province_dim(), nights],
            self.spec(
                vec![self.province.clone()],
                Statistic::Sum {
                    lower: 0,
                    upper: 92,
                },
            ),
        )
    }

    fn exploitation(&self) -> Part {
        let groups = EXPLOITATION_GROUPS.map(String::from).to_vec();
        self.count_by_province_and("", exploitation_group(), ("exploitation_group", groups))
    }

    /// Citizenship: an open key set, released only where a noisy count passes a threshold.
    fn citizenship(&self) -> Part {
        let mut spec = self.spec(
            vec![("citizenship".into(), keys(&codes::CITIZENSHIP))],
            Statistic::Count,
        );
        spec.open_keys_delta = Some(OPEN_KEYS_DELTA);
        self.part("", vec![person_unit(), code_dim("citizenship")], spec)
    }

    fn funding(&self) -> Vec<Part> {
        codes::FUNDING_SOURCE
            .codes
            .iter()
            .map(|src| {
                let hundreds =
                    col(format!("funding_{src}_cents").as_str()).floor_div(lit(10_000i64));
                self.returns_sum(src, hundreds, 2_500)
            })
            .collect()
    }

    fn funding_term(&self) -> Part {
        let total = codes::FUNDING_SOURCE
            .codes
            .iter()
            .map(|src| {
                col(format!("funding_{src}_cents").as_str())
                    .fill_null(lit(0i64))
                    .floor_div(lit(10_000i64))
            })
            .reduce(|a, b| a + b)
            .expect("funding sources")
            .cast(DataType::Int64)
            .alias(VALUE);
        self.part(
            "",
            vec![col(UNIT), code_dim("funding_term"), total],
            self.spec(
                vec![("funding_term".into(), keys(&codes::FUNDING_TERM))],
                Statistic::Sum {
                    lower: 0,
                    upper: 10_000,
                },
            ),
        )
    }

    fn beds(&self) -> Part {
        let beds = codes::SHELTER_TYPE
            .codes
            .iter()
            .filter(|t| **t != "none")
            .map(|t| col(format!("beds_{t}").as_str()).fill_null(lit(0i64)))
            .reduce(|a, b| a + b)
            .expect("shelter types");
        self.returns_sum("", beds, 200)
    }
}

impl Kit<'_> {
    /// The `multi_agency` table (collaborative linkage only: None without it).
    fn multi_agency(&self) -> Option<TableDef> {
        // Two measurements: how many agencies served each person (three
        // keys, so the total served by more than one is precise), and the
        // mix of kinds of agency (more keys, for the detail).
        let linked = self.layout.linkage.as_ref()?;
        let counts = AGENCY_COUNTS_KEYS.iter().map(|k| k.to_string()).collect();
        let mut by_count = self.part(
            "agencies",
            vec![person_unit(), super::linked::agency_count()],
            self.spec(vec![("agencies".into(), counts)], Statistic::Count),
        );
        by_count.weight = 2.0;
        let by_kinds = self.part(
            "kinds",
            vec![person_unit(), super::linked::agency_mix(linked)],
            self.spec(
                vec![("agencies".into(), super::linked::agency_mix_keys(linked))],
                Statistic::Count,
            ),
        );
        Some(TableDef {
            name: "multi_agency".to_string(),
            title: Message::new("table-multi-agency"),
            source: ExtractKind::Cases,
            classified: false,
            parts: vec![by_count, by_kinds],
        })
    }
}

fn standard(
    name: &str,
    defs: &DefinitionSet,
    accounting: Accounting,
    layout: &Layout,
) -> Option<TableDef> {
    let kit = Kit {
        layout,
        accounting,
        province: ("province".to_string(), layout.province_keys()),
    };
    let province = || ("province", kit.province.1.clone());
    use ExtractKind::{Cases, Returns};
    if let Some((title, parts)) = kit.forum_table(name, defs) {
        return Some(TableDef {
            name: STANDARD.iter().find(|n| **n == name)?.to_string(),
            title: Message::new(title),
            source: Cases,
            classified: matches!(name, "labour_continuum" | "referral" | "protection"),
            parts,
        });
    }
    if name == "multi_agency" {
        return kit.multi_agency();
    }
    let (title, source, parts) = match name {
        "people" => (
            "table-people",
            Cases,
            vec![kit.count_by("", vec![province()])],
        ),
        "definitions" => ("table-definitions", Cases, kit.definitions(defs)),
        "services" => ("table-services", Cases, kit.services()),
        "service_gaps" => ("table-service-gaps", Cases, kit.service_gaps()),
        "housing_outcome" => (
            "table-housing-outcome",
            Cases,
            vec![kit.count_by(
                "",
                vec![
                    province(),
                    ("housing_need", keys(&codes::HOUSING_NEED)),
                    ("housing_outcome", keys(&codes::HOUSING_OUTCOME)),
                ],
            )],
        ),
        "shelter_type" => (
            "table-shelter-type",
            Cases,
            kit.by_province("shelter_type", &codes::SHELTER_TYPE),
        ),
        "shelter_nights" => ("table-shelter-nights", Cases, vec![kit.shelter_nights()]),
        "trp_status" => (
            "table-trp-status",
            Cases,
            kit.by_province("trp_status", &codes::TRP_STATUS),
        ),
        "exploitation" => ("table-exploitation", Cases, vec![kit.exploitation()]),
        "immigration_status" => (
            "table-immigration-status",
            Cases,
            kit.by_province("immigration_status", &codes::IMMIGRATION_STATUS),
        ),
        "age_gender" => (
            "table-age-gender",
            Cases,
            vec![kit.count_by(
                "",
                vec![
                    ("age_band", keys(&codes::AGE_BAND)),
                    ("gender", keys(&codes::GENDER)),
                ],
            )],
        ),
        "citizenship" => ("table-citizenship", Cases, vec![kit.citizenship()]),
        "funding" => ("table-funding", Returns, kit.funding()),
        "funding_term" => ("table-funding-term", Returns, vec![kit.funding_term()]),
        "beds" => ("table-beds", Returns, vec![kit.beds()]),
        "turnaways" => (
            "table-turnaways",
            Returns,
            vec![kit.returns_sum("", col("turnaways"), 300)],
        ),
        _ => return None,
    };
    Some(TableDef {
        name: STANDARD.iter().find(|n| **n == name)?.to_string(),
        title: Message::new(title),
        source,
        classified: name == "definitions",
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index-built grouping gives exactly what text labels cast to the
    /// `Enum` give: the first branch that holds, `otherwise` where none does
    /// or where a condition is null.
    #[test]
    fn a_grouping_built_as_indices_equals_its_text_labels() {
        let keys = ["low", "high", "unknown"].map(String::from);
        let df = df!("x" => [Some(1i64), Some(5), None, Some(3)]).unwrap();
        let by_index = labelled(
            vec![
                (col("x").lt(lit(2i64)), "low"),
                (col("x").gt(lit(4i64)), "high"),
            ],
            "unknown",
            &keys,
        )
        .alias("g");
        let by_text = when(col("x").lt(lit(2i64)))
            .then(lit("low"))
            .when(col("x").gt(lit(4i64)))
            .then(lit("high"))
            .otherwise(lit("unknown"))
            .cast(enum_of(&keys))
            .alias("g");
        let got = df.clone().lazy().select([by_index]).collect().unwrap();
        let want = df.lazy().select([by_text]).collect().unwrap();
        assert_eq!(got, want);
        let labels: Vec<Option<String>> = got
            .column("g")
            .unwrap()
            .cast(&DataType::String)
            .unwrap()
            .str()
            .unwrap()
            .into_iter()
            .map(|s| s.map(String::from))
            .collect();
        let expected = ["low", "high", "unknown", "unknown"].map(|s| Some(s.to_string()));
        assert_eq!(labels, expected);
    }
}

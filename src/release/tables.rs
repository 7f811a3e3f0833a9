//! The standard quarterly tables: what each one counts or sums, over which
//! public key sets, and how a canonical record is prepared for it. Every
//! preparation is row-wise (one record in, at most one row out), so it is a
//! 1-stable step done before OpenDP sees the frame.

use crate::classify::{DefinitionSet, MEMBERSHIP};
use crate::privacy::measure::{UNIT, VALUE};
use crate::privacy::{Accounting, MeasurementSpec, Statistic};
use crate::schema::{CodeList, ExtractKind, codes, fields};
use polars::prelude::*;

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
    pub title: String,
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
    "immigration_status",
    "age_gender",
    "citizenship",
    "funding",
    "funding_term",
    "beds",
    "turnaways",
];

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

/// The exploitation group of a record: sexual, labour, both, other, none or unknown.
fn exploitation_group() -> Expr {
    let e = |c: &str| col(fields::set_column("exploitation_types", c));
    let sexual = e("sexual");
    let labour = e("forced_labour")
        .or(e("servitude"))
        .or(e("labour_exploitation_no_coercion"));
    let other = e("forced_marriage")
        .or(e("organ_removal"))
        .or(e("forced_criminality"))
        .or(e("forced_begging"))
        .or(e("other"));
    when(sexual.clone().is_null())
        .then(lit("unknown"))
        .when(sexual.clone().and(labour.clone()))
        .then(lit("both"))
        .when(sexual)
        .then(lit("sexual"))
        .when(labour)
        .then(lit("labour"))
        .when(other)
        .then(lit("other"))
        .otherwise(lit("none"))
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

    /// One count per service category, by province and the category's state:
    /// unknown, not_needed, or what `state` makes of its status (as text).
    fn per_category(
        &self,
        dim: &str,
        keys: Vec<String>,
        state: &dyn Fn(Expr) -> Expr,
    ) -> Vec<Part> {
        codes::SERVICE_CATEGORY
            .codes
            .iter()
            .map(|cat| {
                let (needed, status) = fields::service_columns(cat);
                let state = when(col(&needed).is_null())
                    .then(lit("unknown"))
                    .when(col(&needed).not())
                    .then(lit("not_needed"))
                    .otherwise(state(col(&status).cast(DataType::String)))
                    .alias(dim);
                self.count_by_province_and(cat, state, (dim, keys.clone()))
            })
            .collect()
    }

    /// Each definition's membership (in, out, undetermined) by province.
    fn definitions(&self, defs: &DefinitionSet) -> Vec<Part> {
        let membership: Vec<String> = MEMBERSHIP.iter().map(|m| m.to_string()).collect();
        defs.definitions
            .iter()
            .map(|d| {
                let dim = col(d.name.as_str())
                    .cast(DataType::String)
                    .alias("membership");
                self.count_by_province_and(&d.name, dim, ("membership", membership.clone()))
            })
            .collect()
    }

    fn services(&self) -> Vec<Part> {
        let mut status_keys = vec!["not_needed".to_string(), "unknown".to_string()];
        status_keys.extend(keys(&codes::SERVICE_STATUS));
        self.per_category("status", status_keys, &|status| {
            status.fill_null(lit("unknown"))
        })
    }

    /// The heat map's question only: met or unmet for lack of a place. Two
    /// cells answer it instead of four in `services`, so a gap share carries
    /// half the noise variance at the same rho.
    fn service_gaps(&self) -> Vec<Part> {
        let mut outcome_keys: Vec<String> = SERVICE_OUTCOMES
            .iter()
            .map(|(g, _)| g.to_string())
            .collect();
        outcome_keys.extend(["other", "not_needed", "unknown"].map(String::from));
        self.per_category("outcome", outcome_keys, &|status| {
            SERVICE_OUTCOMES
                .iter()
                .rev()
                .fold(lit("other"), |otherwise, (group, statuses)| {
                    let statuses = Series::new("statuses".into(), statuses.to_vec());
                    when(status.clone().is_in(lit(statuses).implode(), false))
                        .then(lit(*group))
                        .otherwise(otherwise)
                })
        })
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
        let groups = ["sexual", "labour", "both", "other", "none", "unknown"]
            .map(String::from)
            .to_vec();
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
    let (title, source, parts) = match name {
        "people" => (
            "People served, by province",
            Cases,
            vec![kit.count_by("", vec![province()])],
        ),
        "definitions" => (
            "People counted under each definition, by province and membership",
            Cases,
            kit.definitions(defs),
        ),
        "services" => (
            "Service needs and how they were met, by category and province",
            Cases,
            kit.services(),
        ),
        "service_gaps" => (
            "Service needs met or unmet, by category and province",
            Cases,
            kit.service_gaps(),
        ),
        "housing_outcome" => (
            "Housing need and outcome, by province",
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
            "Kind of shelter used, by province",
            Cases,
            kit.by_province("shelter_type", &codes::SHELTER_TYPE),
        ),
        "shelter_nights" => (
            "Nights sheltered (each person's nights clipped to 0-92), by province",
            Cases,
            vec![kit.shelter_nights()],
        ),
        "trp_status" => (
            "Temporary Resident Permits for victims of trafficking, by status and province",
            Cases,
            kit.by_province("trp_status", &codes::TRP_STATUS),
        ),
        "exploitation" => (
            "Labour and sex trafficking: people by form of exploitation and province",
            Cases,
            vec![kit.exploitation()],
        ),
        "immigration_status" => (
            "Immigration status, by province",
            Cases,
            kit.by_province("immigration_status", &codes::IMMIGRATION_STATUS),
        ),
        "age_gender" => (
            "Age band and gender (national)",
            Cases,
            vec![kit.count_by(
                "",
                vec![
                    ("age_band", keys(&codes::AGE_BAND)),
                    ("gender", keys(&codes::GENDER)),
                ],
            )],
        ),
        "citizenship" => (
            "Citizenship (national; an open key set: a country appears only when its noisy count passes a threshold)",
            Cases,
            vec![kit.citizenship()],
        ),
        "funding" => (
            "Funding received, in hundreds of dollars (each agency's amount clipped to $0-$250,000 per source and quarter), by source and province",
            Returns,
            kit.funding(),
        ),
        "funding_term" => (
            "Total funding, in hundreds of dollars (each agency clipped to $0-$1,000,000 a quarter), by the term of the agency's largest agreement (national)",
            Returns,
            vec![kit.funding_term()],
        ),
        "beds" => (
            "Shelter beds at quarter end (each agency clipped to 0-200), by province",
            Returns,
            vec![kit.beds()],
        ),
        "turnaways" => (
            "People turned away for lack of capacity (each agency clipped to 0-300 a quarter), by province",
            Returns,
            vec![kit.returns_sum("", col("turnaways"), 300)],
        ),
        _ => return None,
    };
    Some(TableDef {
        name: STANDARD.iter().find(|n| **n == name)?.to_string(),
        title: title.to_string(),
        source,
        classified: name == "definitions",
        parts,
    })
}

/// A table a pipeline defines itself: dimensions drawn from public key sets
/// (code fields of the canonical schema, or a definition's membership) and a
/// count or a clipped sum. The privacy unit is the person for case records and
/// the agency for quarterly returns, as for the standard tables.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomTable {
    pub name: String,
    pub source: ExtractKind,
    pub dimensions: Vec<String>,
    /// None: count. Some: the field summed, clipped to [lower, upper].
    pub sum: Option<(String, i64, i64)>,
}

/// Why a custom table cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CustomTableError {
    #[error(
        "\"{field}\" cannot be a dimension of a {kind} table{hint}; dimensions are coded fields ({fields}){defs}"
    )]
    BadDimension {
        field: String,
        kind: &'static str,
        hint: String,
        fields: String,
        defs: &'static str,
    },
    #[error("\"{field}\" cannot be summed in a {kind} table{hint}; whole-number fields: {fields}")]
    BadValue {
        field: String,
        kind: &'static str,
        hint: String,
        fields: String,
    },
    #[error(
        "the bounds of the sum of {field} must satisfy 0 <= lower < upper (got {lower}..{upper})"
    )]
    BadBounds {
        field: String,
        lower: i64,
        upper: i64,
    },
    #[error("a table needs at least one dimension")]
    NoDimension,
}

/// Coded fields of an extract kind that can be dimensions, with their public key sets.
pub fn dimension_fields(kind: ExtractKind) -> Vec<(&'static str, Vec<String>)> {
    kind.fields()
        .iter()
        .filter_map(|f| match f.kind {
            fields::FieldKind::Code(list) => Some((f.name, keys(list))),
            _ => None,
        })
        .collect()
}

/// Whole-number fields of an extract kind that can be summed.
pub fn summable_fields(kind: ExtractKind) -> Vec<&'static str> {
    kind.fields()
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                fields::FieldKind::Count { .. } | fields::FieldKind::Cents
            )
        })
        .map(|f| f.name)
        .collect()
}

/// Build a custom table; checks every dimension and the summed field.
pub fn custom(
    t: &CustomTable,
    defs: &DefinitionSet,
    accounting: Accounting,
) -> Result<TableDef, CustomTableError> {
    custom_in(t, defs, accounting, &Layout::default())
}

/// Build a custom table under a key layout (coverage and national margins).
pub fn custom_in(
    t: &CustomTable,
    defs: &DefinitionSet,
    accounting: Accounting,
    layout: &Layout,
) -> Result<TableDef, CustomTableError> {
    if t.dimensions.is_empty() {
        return Err(CustomTableError::NoDimension);
    }
    let coded = dimension_fields(t.source);
    let cases = t.source == ExtractKind::Cases;
    let mut dims = Vec::new();
    let mut prepare = vec![match t.source {
        ExtractKind::Cases | ExtractKind::Returns => col(UNIT),
    }];
    let mut classified = false;
    for d in &t.dimensions {
        if let Some((name, k)) = coded.iter().find(|(n, _)| n == d) {
            if *name == "province" {
                dims.push((name.to_string(), layout.province_keys()));
            } else {
                dims.push((name.to_string(), k.clone()));
            }
            prepare.push(layout.dim(name));
        } else if let Some(def) = defs
            .definitions
            .iter()
            .find(|x| &x.name == d)
            .filter(|_| cases)
        {
            classified = true;
            dims.push((
                def.name.clone(),
                MEMBERSHIP.iter().map(|m| m.to_string()).collect(),
            ));
            prepare.push(
                col(def.name.as_str())
                    .cast(DataType::String)
                    .alias(def.name.as_str()),
            );
        } else {
            let names: Vec<&str> = coded.iter().map(|(n, _)| *n).collect();
            let mut candidates: Vec<&str> = names.clone();
            if cases {
                candidates.extend(defs.definitions.iter().map(|x| x.name.as_str()));
            }
            return Err(CustomTableError::BadDimension {
                field: d.clone(),
                kind: t.source.as_str(),
                hint: crate::text::closest(d, candidates.into_iter())
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default(),
                fields: names.join(", "),
                defs: if cases {
                    ", or a definition's name for its membership"
                } else {
                    ""
                },
            });
        }
    }
    let statistic = match &t.sum {
        None => Statistic::Count,
        Some((field, lower, upper)) => {
            let summable = summable_fields(t.source);
            if !summable.contains(&field.as_str()) {
                return Err(CustomTableError::BadValue {
                    field: field.clone(),
                    kind: t.source.as_str(),
                    hint: crate::text::closest(field, summable.iter().copied())
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default(),
                    fields: summable.join(", "),
                });
            }
            if !(0 <= *lower && lower < upper) {
                return Err(CustomTableError::BadBounds {
                    field: field.clone(),
                    lower: *lower,
                    upper: *upper,
                });
            }
            prepare.push(
                col(field.as_str())
                    .fill_null(lit(0i64))
                    .cast(DataType::Int64)
                    .alias(VALUE),
            );
            Statistic::Sum {
                lower: *lower,
                upper: *upper,
            }
        }
    };
    let what = match &t.sum {
        None => "People counted".to_string(),
        Some((f, lo, hi)) => format!("Sum of {f} (each unit clipped to {lo}-{hi})"),
    };
    Ok(layout.with_margins(TableDef {
        name: t.name.clone(),
        title: format!("{what}, by {}", t.dimensions.join(", ")),
        source: t.source,
        classified,
        parts: vec![Part {
            label: String::new(),
            prepare,
            spec: MeasurementSpec {
                dims,
                statistic,
                accounting,
                open_keys_delta: None,
            },
            weight: 1.0,
            national: false,
        }],
    }))
}

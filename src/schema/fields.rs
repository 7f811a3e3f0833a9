//! The canonical fields of both kinds of extract, their types and the
//! canonical (polars) columns they become.
//!
//! One [`FieldDef`] per field of `shared/domain/fields.md`. A set field
//! becomes one nullable Boolean column per code (`acts__recruit`), null when the
//! whole set is unknown; services become `services__<category>__needed`
//! (Boolean) and `services__<category>__status` (code). Tri-states stay codes
//! (`yes`/`no`/`unknown` or a missing-data code) so that a release can group by
//! them like any other code.
//!
//! Every coded column is a polars `Enum` over its code list followed by the
//! missing-data codes ([`code_dtype`]): one byte per row in memory and
//! dictionary-encoded in Parquet, and a value outside the list cannot be
//! stored. [`CANONICAL_FORMAT`] versions this layout in the store.

use super::codes::{self, CodeList};
use polars::prelude::{
    DataFrame, DataType, Expr, Field, FrozenCategories, IntoLazy, LazyFrame, NULL, PlHashMap,
    PolarsResult, Schema, lit,
};

/// The version of the canonical record layout a store's files are written in.
/// 1: coded fields as strings; 2: coded fields as `Enum`s over their code
/// lists; 3: the Forum's measures (Indigenous identity, racialised group,
/// protection and justice, TRP bars and validity, refugee claim, status
/// codes, settlement, referral source, means used for entry). A file of an
/// older format lacks fields added since: they are read as not collected.
pub const CANONICAL_FORMAT: u32 = 3;

/// The fields canonical format 3 added (the Forum's measures): absent from
/// older stored files and from canonical exports written before them.
pub const ADDED_IN_FORMAT_3: &[&str] = &[
    "indigenous_identity",
    "racialised_group",
    "employer_tied_permit",
    "trp_validity",
    "refugee_claim",
    "means_used_for_entry",
    "referral_source",
    "police_involved",
    "asked_to_cooperate",
    "services_conditional_on_cooperation",
    "charges_laid",
    "detained_after_identification",
    "removed_or_ordered_removed",
    "settlement",
];

/// The codes a coded column of `list` may hold, in category order: the list's
/// codes, then the missing-data codes (the slots intake's mappers index).
pub fn code_categories(list: &'static CodeList) -> impl Iterator<Item = &'static str> {
    let own = list.codes;
    own.iter()
        .chain(
            codes::MISSING
                .codes
                .iter()
                .filter(move |m| !own.contains(m)),
        )
        .copied()
}

/// The `Enum` type of a coded column of `list` (see [`code_categories`]).
/// Identical lists give the identical type (polars interns the categories).
pub fn code_dtype(list: &'static CodeList) -> DataType {
    let categories =
        FrozenCategories::new(code_categories(list)).expect("a code list's codes are distinct");
    DataType::from_frozen_categories(categories)
}

/// The two kinds of extract an agency sends.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum ExtractKind {
    /// Person-level, de-identified case records: one row per person served.
    Cases,
    /// Organisation-level quarterly returns: funding, beds, turnaways, staff.
    Returns,
}

impl ExtractKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtractKind::Cases => "cases",
            ExtractKind::Returns => "returns",
        }
    }

    pub fn fields(self) -> &'static [FieldDef] {
        match self {
            ExtractKind::Cases => CASE_FIELDS,
            ExtractKind::Returns => RETURN_FIELDS,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static FieldDef> {
        self.fields().iter().find(|f| f.name == name)
    }
}

/// What a field holds and how a cell of it is checked.
#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// The agency-scoped pseudonym; the privacy unit.
    PersonKey,
    /// `YYYYQn`.
    Quarter,
    /// Set by the intake from the profile, never read from the file.
    Agency,
    /// One code of a list (or a missing-data code).
    Code(&'static CodeList),
    /// Several codes of a list.
    Set(&'static CodeList),
    /// Per service category: needed?, and the status of the answer.
    Services,
    /// A whole number of things in `0..=max`.
    Count { max: i64 },
    /// Money in integer cents, `>= 0`.
    Cents,
    /// A decimal number `>= 0` (staff full-time equivalents).
    Decimal { max: f64 },
    /// Forward sortation area; internal only, never a release dimension.
    Fsa,
}

/// One canonical field.
#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub kind: FieldKind,
    // Its description is in the catalogues: `field-cases-NAME`, `field-returns-NAME`.
    /// Where the field and its codes come from.
    pub standard: &'static str,
}

impl FieldDef {
    /// Code list of a code, tri-state or set field.
    pub fn code_list(&self) -> Option<&'static CodeList> {
        match self.kind {
            FieldKind::Code(list) | FieldKind::Set(list) => Some(list),
            _ => None,
        }
    }

    pub fn is_tri_state(&self) -> bool {
        matches!(self.kind, FieldKind::Code(list) if list.name == codes::TRI_STATE.name)
    }
}

macro_rules! field {
    ($name:literal, $kind:expr, $std:literal) => {
        FieldDef {
            name: $name,
            kind: $kind,
            standard: $std,
        }
    };
}

use FieldKind::*;

/// Case records: one row per person served per quarter by an agency.
pub const CASE_FIELDS: &[FieldDef] = &[
    field!("person_key", PersonKey, "privacy unit"),
    field!("quarter", Quarter, ""),
    field!("agency", Agency, ""),
    field!("data_source", Code(&codes::DATA_SOURCE), "HTCDS org_Type"),
    field!(
        "gender",
        Code(&codes::GENDER),
        "HTCDS 2.0 prs_Gender + extension"
    ),
    field!(
        "indigenous_identity",
        Code(&codes::INDIGENOUS_IDENTITY),
        "Ontario Anti-Racism Data Standards (2018); OCAP®"
    ),
    field!(
        "racialised_group",
        Set(&codes::RACIALISED_GROUP),
        "Ontario Anti-Racism Data Standards (2018)"
    ),
    field!("age_band", Code(&codes::AGE_BAND), "CTDC"),
    field!(
        "minor_at_recruitment",
        Code(&codes::TRI_STATE),
        "CTDC majorityStatusAtExploit"
    ),
    field!("citizenship", Code(&codes::CITIZENSHIP), "HTCDS"),
    field!(
        "immigration_status",
        Code(&codes::IMMIGRATION_STATUS),
        "Canadian extension"
    ),
    field!("employer_tied_permit", Code(&codes::TRI_STATE), "IRCC"),
    field!("trp_status", Code(&codes::TRP_STATUS), "IRCC VTIP TRP"),
    field!("trp_validity", Code(&codes::TRP_VALIDITY), "IRCC VTIP TRP"),
    field!("refugee_claim", Code(&codes::REFUGEE_CLAIM), "IRPA / IRCC"),
    field!("acts", Set(&codes::ACTS), "Criminal Code / Palermo"),
    field!(
        "means",
        Set(&codes::MEANS),
        "HTCDS + Palermo + Criminal Code s.279.04(2)"
    ),
    field!(
        "means_used_for_entry",
        Code(&codes::TRI_STATE),
        "IRPA s.118"
    ),
    field!(
        "exploitation_types",
        Set(&codes::EXPLOITATION_TYPES),
        "HTCDS + extensions"
    ),
    field!("labour_sector", Code(&codes::LABOUR_SECTOR), "HTCDS"),
    field!("safety_fear", Code(&codes::TRI_STATE), "Criminal Code"),
    field!("cross_border", Code(&codes::CROSS_BORDER), "IRPA"),
    field!(
        "recruiter_relationship",
        Code(&codes::RECRUITER_RELATIONSHIP),
        "CTDC"
    ),
    field!("agency_label", Code(&codes::TRI_STATE), ""),
    field!(
        "referral_source",
        Code(&codes::REFERRAL_SOURCE),
        "HTCDS / CTDC"
    ),
    field!(
        "police_involved",
        Code(&codes::TRI_STATE),
        "Forum: protection versus prosecution"
    ),
    field!(
        "asked_to_cooperate",
        Code(&codes::TRI_STATE),
        "Forum: protection versus prosecution"
    ),
    field!(
        "services_conditional_on_cooperation",
        Code(&codes::TRI_STATE),
        "Forum: no harm"
    ),
    field!(
        "charges_laid",
        Code(&codes::TRI_STATE),
        "Forum: protection versus prosecution"
    ),
    field!(
        "detained_after_identification",
        Code(&codes::TRI_STATE),
        "Forum: no harm"
    ),
    field!(
        "removed_or_ordered_removed",
        Code(&codes::TRI_STATE),
        "Forum: no harm"
    ),
    field!("province", Code(&codes::PROVINCE), "ISO"),
    field!("fsa", Fsa, "Canada Post"),
    field!("settlement", Code(&codes::SETTLEMENT), "Canada Post"),
    field!(
        "housing_need",
        Code(&codes::HOUSING_NEED),
        "COH typology / HMIS"
    ),
    field!("housing_outcome", Code(&codes::HOUSING_OUTCOME), ""),
    field!("shelter_type", Code(&codes::SHELTER_TYPE), "HMIS / COH"),
    field!("shelter_nights", Count { max: 92 }, "HMIS"),
    field!("services", Services, "HTCDS spl_Type + extensions"),
];

/// Agency quarterly returns: one row per agency per quarter.
pub const RETURN_FIELDS: &[FieldDef] = &[
    field!("agency", Agency, ""),
    field!("quarter", Quarter, ""),
    field!("province", Code(&codes::PROVINCE), "ISO"),
    field!("funding_federal_cents", Cents, ""),
    field!("funding_provincial_cents", Cents, ""),
    field!("funding_municipal_cents", Cents, ""),
    field!("funding_foundation_cents", Cents, ""),
    field!("funding_private_cents", Cents, ""),
    field!("funding_other_cents", Cents, ""),
    field!("funding_term", Code(&codes::FUNDING_TERM), ""),
    field!("beds_vaw_shelter", Count { max: 10_000 }, "HMIS / COH"),
    field!("beds_general_shelter", Count { max: 10_000 }, "HMIS / COH"),
    field!("beds_youth_shelter", Count { max: 10_000 }, "HMIS / COH"),
    field!(
        "beds_trafficking_safe_house",
        Count { max: 10_000 },
        "HMIS / COH"
    ),
    field!(
        "beds_transitional_housing",
        Count { max: 10_000 },
        "HMIS / COH"
    ),
    field!("beds_hotel_voucher", Count { max: 10_000 }, "HMIS / COH"),
    field!("beds_host_home", Count { max: 10_000 }, "HMIS / COH"),
    field!("bed_nights_provided", Count { max: 1_000_000 }, "HMIS"),
    field!("turnaways", Count { max: 100_000 }, ""),
    field!("staff_fte", Decimal { max: 10_000.0 }, ""),
    field!("trained_staff", Count { max: 100_000 }, ""),
];

/// Canonical column name of one code of a set field.
pub fn set_column(field: &str, code: &str) -> String {
    format!("{field}__{code}")
}

/// Canonical column names of one service category.
pub fn service_columns(category: &str) -> (String, String) {
    (
        format!("services__{category}__needed"),
        format!("services__{category}__status"),
    )
}

/// The polars schema of canonical records of `kind`, in column order.
pub fn canonical_schema(kind: ExtractKind) -> Schema {
    let mut fields = Vec::new();
    for def in kind.fields() {
        match def.kind {
            PersonKey | Quarter | Agency | Fsa => {
                fields.push(Field::new(def.name.into(), DataType::String))
            }
            Code(list) => fields.push(Field::new(def.name.into(), code_dtype(list))),
            Set(list) => {
                for code in list.codes {
                    fields.push(Field::new(
                        set_column(def.name, code).into(),
                        DataType::Boolean,
                    ));
                }
            }
            Services => {
                for category in codes::SERVICE_CATEGORY.codes {
                    let (needed, status) = service_columns(category);
                    fields.push(Field::new(needed.into(), DataType::Boolean));
                    fields.push(Field::new(
                        status.into(),
                        code_dtype(&codes::SERVICE_STATUS),
                    ));
                }
            }
            Count { .. } | Cents => fields.push(Field::new(def.name.into(), DataType::Int64)),
            Decimal { .. } => fields.push(Field::new(def.name.into(), DataType::Float64)),
        }
    }
    Schema::from_iter(fields)
}

/// A canonical column a stored file lacks (the field was added to the schema
/// after the file was written): `not_collected` for a coded field, null (not
/// known) otherwise.
pub fn absent_column(name: &str, dtype: &DataType) -> Expr {
    let value = match dtype {
        DataType::Enum(..) => lit("not_collected"),
        _ => lit(NULL),
    };
    value.cast(dtype.clone()).alias(name)
}

/// `records` with every column the canonical schema of `kind` names cast to
/// its canonical type (coded text to its `Enum`). Strict: a code outside its
/// list is an error, never a null.
pub fn typed_as_canonical(records: DataFrame, kind: ExtractKind) -> PolarsResult<DataFrame> {
    let present = |name: &str| records.get_column_index(name).is_some();
    let lf = cast_to_canonical(records.clone().lazy(), kind, present);
    lf.collect()
}

/// `frame` with the canonical columns of `kind` for which `present` holds
/// cast strictly to their canonical types (see [`typed_as_canonical`]).
pub fn cast_to_canonical(
    frame: LazyFrame,
    kind: ExtractKind,
    present: impl Fn(&str) -> bool,
) -> LazyFrame {
    let schema = canonical_schema(kind);
    let casts: PlHashMap<&str, DataType> = schema
        .iter()
        .filter(|(name, _)| present(name.as_str()))
        .map(|(name, dtype)| (name.as_str(), dtype.clone()))
        .collect();
    frame.cast(casts, true)
}

/// Parse a `YYYYQn` quarter code into (year, quarter).
pub fn parse_quarter(s: &str) -> Option<(i32, u8)> {
    let b = s.as_bytes();
    if b.len() != 6 || !(b[4] == b'Q' || b[4] == b'q') {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let q = b[5].checked_sub(b'0')?;
    ((1990..=2100).contains(&year) && (1..=4).contains(&q)).then_some((year, q))
}

pub fn format_quarter(year: i32, q: u8) -> String {
    format!("{year}Q{q}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_strictly() {
        assert_eq!(parse_quarter("2024Q3"), Some((2024, 3)));
        assert_eq!(parse_quarter("2024q1"), Some((2024, 1)));
        assert_eq!(parse_quarter("2024Q5"), None);
        assert_eq!(parse_quarter("24Q3"), None);
        assert_eq!(parse_quarter("2024-Q3"), None);
    }

    #[test]
    fn schema_has_one_column_per_set_code_and_service() {
        let schema = canonical_schema(ExtractKind::Cases);
        assert_eq!(schema.get("acts__recruit"), Some(&DataType::Boolean));
        assert_eq!(
            schema.get("services__legal__status"),
            Some(&code_dtype(&codes::SERVICE_STATUS))
        );
        assert_eq!(schema.get("gender"), Some(&code_dtype(&codes::GENDER)));
        assert_eq!(schema.get("agency"), Some(&DataType::String));
        assert_eq!(schema.get("shelter_nights"), Some(&DataType::Int64));
        let expected = CASE_FIELDS.len() - 5
            + codes::RACIALISED_GROUP.codes.len()
            + codes::ACTS.codes.len()
            + codes::MEANS.codes.len()
            + codes::EXPLOITATION_TYPES.codes.len()
            + 2 * codes::SERVICE_CATEGORY.codes.len();
        assert_eq!(schema.len(), expected);
    }
}

//! The standard tables the 2013 Forum asked for by name: who is served
//! (gender, age, status, racialised group), housing by survivor group, legal
//! and immigration services by status, urban and rural service gaps, refugee
//! claims and TRP validity. Each part of a table has the same dimension names
//! (a table's parts are released into one frame), so a part's own grouping
//! is its `group` dimension, as text.
//!
//! Privacy: every grouping here is a row-wise expression of one canonical
//! record (one record in, one row out), so like the other standard tables'
//! preparations it is 1-stable and leaves the person-level bound intact; and
//! every key set is public — the schema's code lists and the fixed groups
//! below — never read from the data, so no key reveals who is in it.

use super::*;

/// Status groups the Forum compares: citizens, permanent residents (the
/// conditional residence of a sponsored spouse included), temporary status
/// (permits, claimants, visitors, TRP holders), no status.
pub const STATUS_GROUPS: &[(&str, &[&str])] = &[
    ("citizen", &["citizen"]),
    (
        "permanent_resident",
        &["permanent_resident", "sponsored_spouse_conditional_pr"],
    ),
    (
        "temporary",
        &[
            "temporary_foreign_worker",
            "seasonal_agricultural_worker",
            "caregiver",
            "other_work_permit",
            "open_work_permit_vulnerable_workers",
            "student",
            "visitor",
            "refugee_claimant",
            "trp_holder",
        ],
    ),
    ("no_status", &["no_status"]),
];

/// Age groups from the CTDC bands: children, young adults, adults, older adults.
pub const AGE_GROUPS: &[(&str, &[&str])] = &[
    ("0-17", &["0-8", "9-17"]),
    ("18-29", &["18-20", "21-23", "24-26", "27-29"]),
    ("30-47", &["30-38", "39-47"]),
    ("48+", &["48+"]),
];

/// The service categories whose gaps are compared between urban and rural places.
pub const SETTLEMENT_SERVICES: &[&str] = &["legal", "immigration", "mental_health", "housing"];

/// Whether a table describes Indigenous people: the standard
/// `indigenous_identity` table, or a custom table with that dimension.
pub fn about_indigenous_people(table: &str, custom: Option<&CustomTable>) -> bool {
    match custom {
        Some(c) => c.dimensions.iter().any(|d| d == "indigenous_identity"),
        None => table == "indigenous_identity",
    }
}

/// Which kind of definition counts a person: the Criminal Code
/// (s.279.01), another law (IRPA s.118 or Palermo) but not the Code, only a
/// service provider's (the broad definition or the agency's own label), or
/// none of them.
pub const DEFINITION_GROUPS: [&str; 4] =
    ["criminal_code", "other_law", "service_only", "not_counted"];

/// A classified record's definition group ([`DEFINITION_GROUPS`]); a
/// definition the set does not have counts nobody.
pub(super) fn definition_group(defs: &DefinitionSet) -> Expr {
    let meets = |names: &[&str]| {
        names
            .iter()
            .filter(|n| defs.definitions.iter().any(|d| d.name == **n))
            .map(|n| col(*n).eq(lit("meets")).fill_null(false))
            .reduce(|a, b| a.or(b))
            .unwrap_or(lit(false))
    };
    labelled(
        vec![
            (meets(&["CC_279_01"]), "criminal_code"),
            (meets(&["IRPA_118", "PALERMO_3A"]), "other_law"),
            (meets(&["NGO_BROAD", "AGENCY_LABEL"]), "service_only"),
        ],
        "not_counted",
        &DEFINITION_GROUPS.map(String::from),
    )
    .alias("definition_group")
}

/// The keys of a grouping: its groups, then `unknown`.
pub fn group_keys(groups: &[(&str, &[&str])]) -> Vec<String> {
    groups
        .iter()
        .map(|(g, _)| g.to_string())
        .chain(std::iter::once("unknown".to_string()))
        .collect()
}

/// Dimensions a table of one's own may use besides coded fields (case
/// records): derived groups, and one code of a set field (`set:code`).
pub const DERIVED_DIMENSIONS: &[&str] = &[
    "exploitation_group",
    "age_group",
    "status_group",
    "citizen_or_not",
];

/// A derived dimension of case records, named `name`, and its public keys:
/// [`DERIVED_DIMENSIONS`], or `set:code` (e.g. `means:debt_bondage`,
/// `racialised_group:black`) with keys yes, no and unknown.
pub fn derived_dimension(name: &str) -> Option<(Expr, Vec<String>)> {
    let (expr, keys) = match name {
        "exploitation_group" => (
            exploitation_group(),
            EXPLOITATION_GROUPS.map(String::from).to_vec(),
        ),
        "age_group" => (grouped("age_band", AGE_GROUPS), group_keys(AGE_GROUPS)),
        "status_group" => (
            grouped("immigration_status", STATUS_GROUPS),
            group_keys(STATUS_GROUPS),
        ),
        "citizen_or_not" => {
            let non_citizen: Vec<&str> = STATUS_GROUPS
                .iter()
                .filter(|(g, _)| *g != "citizen")
                .flat_map(|(_, codes)| codes.iter().copied())
                .collect();
            let groups: &[(&str, &[&str])] =
                &[("citizen", &["citizen"]), ("non_citizen", &non_citizen)];
            (grouped("immigration_status", groups), group_keys(groups))
        }
        _ => {
            let (set, code) = name.split_once(':')?;
            let list = ExtractKind::Cases.field(set)?.code_list()?;
            if !matches!(
                ExtractKind::Cases.field(set)?.kind,
                fields::FieldKind::Set(_)
            ) || !list.contains(code)
            {
                return None;
            }
            let answer = yes_no_unknown(&fields::set_column(set, code));
            (answer, ["yes", "no", "unknown"].map(String::from).to_vec())
        }
    };
    Some((expr.alias(name), keys))
}

/// A coded field's group ([`group_keys`]), `unknown` where it is in none.
fn grouped(field: &str, groups: &[(&str, &[&str])]) -> Expr {
    let branches = groups
        .iter()
        .map(|(group, codes)| (is_one_of(field, codes), *group))
        .collect();
    labelled(branches, "unknown", &group_keys(groups)).alias("group")
}

/// A coded field as the `group` dimension, with its code list's keys: its
/// own `Enum`, whose categories are those keys.
fn as_group(field: &str, list: &'static CodeList) -> (Expr, Vec<String>) {
    (code_dim(field).alias("group"), keys(list))
}

/// A service category's outcome: unknown, not_needed, or its status's
/// outcome group (met, gap, other).
pub(super) fn service_outcome(category: &str) -> Expr {
    let (needed, status) = fields::service_columns(category);
    let mut branches = vec![
        (col(&needed).is_null(), "unknown"),
        (col(&needed).not(), "not_needed"),
    ];
    branches.extend(
        SERVICE_OUTCOMES
            .iter()
            .map(|(group, statuses)| (is_one_of(&status, statuses), *group)),
    );
    labelled(branches, "other", &outcome_keys()).alias("outcome")
}

/// The keys of [`service_outcome`].
pub(super) fn outcome_keys() -> Vec<String> {
    SERVICE_OUTCOMES
        .iter()
        .map(|(g, _)| g.to_string())
        .chain(["other", "not_needed", "unknown"].map(String::from))
        .collect()
}

impl Kit<'_> {
    /// The Forum's tables: their titles' ids and parts (all of case records).
    pub(super) fn forum_table(
        &self,
        name: &str,
        defs: &DefinitionSet,
    ) -> Option<(&'static str, Vec<Part>)> {
        Some(match name {
            "labour_continuum" => ("table-labour-continuum", self.labour_continuum(defs)),
            "protection" => ("table-protection", self.protection(defs)),
            "who_is_served" => ("table-who-is-served", self.who_is_served()),
            "housing_by_group" => ("table-housing-by-group", self.housing_by_group()),
            "services_by_status" => ("table-services-by-status", self.services_by_status()),
            "settlement_gaps" => ("table-settlement-gaps", self.settlement_gaps()),
            "trp_detail" => ("table-trp-detail", self.trp_detail()),
            "indigenous_identity" => (
                "table-indigenous-identity",
                vec![self.by_group(
                    "identity",
                    as_group("indigenous_identity", &codes::INDIGENOUS_IDENTITY),
                    Some((
                        code_dim("housing_outcome"),
                        "housing_outcome",
                        keys(&codes::HOUSING_OUTCOME),
                    )),
                )],
            ),
            "referral" => ("table-referral", self.referral(defs)),
            _ => return None,
        })
    }
    /// People counted by a `group` and, optionally, a second dimension.
    fn by_group(
        &self,
        label: &str,
        (group, group_keys): (Expr, Vec<String>),
        second: Option<(Expr, &str, Vec<String>)>,
    ) -> Part {
        let mut prepare = vec![person_unit(), group];
        let mut dims = vec![("group".to_string(), group_keys)];
        if let Some((expr, name, keys)) = second {
            prepare.push(expr);
            dims.push((name.to_string(), keys));
        }
        self.part(label, prepare, self.spec(dims, Statistic::Count))
    }

    /// The groupings of people the Forum compares, as `group` dimensions.
    fn survivor_groups(&self) -> Vec<(&'static str, (Expr, Vec<String>))> {
        vec![
            (
                "exploitation",
                (
                    exploitation_group().alias("group"),
                    EXPLOITATION_GROUPS.map(String::from).to_vec(),
                ),
            ),
            ("gender", as_group("gender", &codes::GENDER)),
            (
                "age",
                (grouped("age_band", AGE_GROUPS), group_keys(AGE_GROUPS)),
            ),
            (
                "status",
                (
                    grouped("immigration_status", STATUS_GROUPS),
                    group_keys(STATUS_GROUPS),
                ),
            ),
        ]
    }

    /// Who is served, nationally: gender, age group, status group, each
    /// immigration status (the Forum named conditional residence, caregivers,
    /// seasonal agricultural workers and employer-tied permits), an
    /// employer-tied permit, and each racialised group (yes, no, unknown).
    /// Indigenous identity is not here: it needs the governing partners'
    /// approval ([governance]).
    pub(super) fn who_is_served(&self) -> Vec<Part> {
        let mut parts: Vec<Part> = self
            .survivor_groups()
            .into_iter()
            .filter(|(label, _)| *label != "exploitation")
            .map(|(label, group)| self.by_group(label, group, None))
            .collect();
        parts.push(self.by_group(
            "immigration_status",
            as_group("immigration_status", &codes::IMMIGRATION_STATUS),
            None,
        ));
        parts.push(self.by_group(
            "employer_tied_permit",
            as_group("employer_tied_permit", &codes::TRI_STATE),
            None,
        ));
        for code in codes::RACIALISED_GROUP.codes {
            let answer =
                yes_no_unknown(&fields::set_column("racialised_group", code)).alias("group");
            let keys = ["yes", "no", "unknown"].map(String::from).to_vec();
            parts.push(self.by_group(&format!("racialised_{code}"), (answer, keys), None));
        }
        parts
    }

    /// Housing outcome by survivor group: exploitation form, gender, age
    /// group and status group, nationally.
    pub(super) fn housing_by_group(&self) -> Vec<Part> {
        self.survivor_groups()
            .into_iter()
            .map(|(label, group)| {
                let outcome = (
                    code_dim("housing_outcome"),
                    "housing_outcome",
                    keys(&codes::HOUSING_OUTCOME),
                );
                self.by_group(label, group, Some(outcome))
            })
            .collect()
    }

    /// Legal and immigration services by status group: each one's outcome.
    pub(super) fn services_by_status(&self) -> Vec<Part> {
        ["legal", "immigration"]
            .iter()
            .map(|cat| {
                let group = (
                    grouped("immigration_status", STATUS_GROUPS),
                    group_keys(STATUS_GROUPS),
                );
                let outcome = (service_outcome(cat), "outcome", outcome_keys());
                self.by_group(cat, group, Some(outcome))
            })
            .collect()
    }

    /// Urban and rural: the outcome of the main service categories (housing
    /// help among them) by settlement.
    pub(super) fn settlement_gaps(&self) -> Vec<Part> {
        SETTLEMENT_SERVICES
            .iter()
            .map(|cat| {
                let group = as_group("settlement", &codes::SETTLEMENT);
                let outcome = (service_outcome(cat), "outcome", outcome_keys());
                self.by_group(cat, group, Some(outcome))
            })
            .collect()
    }

    /// For each definition (a part), people by a `group` and their
    /// membership (meets, does not meet, indeterminate).
    fn per_definition(
        &self,
        defs: &DefinitionSet,
        group: &dyn Fn() -> (Expr, Vec<String>),
    ) -> Vec<Part> {
        let membership: Vec<String> = MEMBERSHIP.iter().map(|m| m.to_string()).collect();
        defs.definitions
            .iter()
            .map(|d| {
                // Already the membership `Enum` (see `classify`).
                let member = col(d.name.as_str()).alias("membership");
                self.by_group(
                    &d.name,
                    group(),
                    Some((member, "membership", membership.clone())),
                )
            })
            .collect()
    }

    /// The continuum between labour exploitation and trafficking: for each
    /// definition, people by exploitation group and membership, so a reader
    /// sees how many labour-exploited people each law counts.
    pub(super) fn labour_continuum(&self, defs: &DefinitionSet) -> Vec<Part> {
        self.per_definition(defs, &|| {
            let groups = EXPLOITATION_GROUPS.map(String::from).to_vec();
            (exploitation_group().alias("group"), groups)
        })
    }

    /// Referral pathways: for each definition, people by who referred them
    /// and membership, so a reader sees which pathways bring the people each
    /// law counts.
    pub(super) fn referral(&self, defs: &DefinitionSet) -> Vec<Part> {
        self.per_definition(defs, &|| {
            as_group("referral_source", &codes::REFERRAL_SOURCE)
        })
    }

    /// Protection versus prosecution and the "no harm" rule: one count per
    /// fact (the part), by its `answer` (yes, no, unknown and the missing-data
    /// codes) and the person's [`definition_group`].
    pub(super) fn protection(&self, defs: &DefinitionSet) -> Vec<Part> {
        PROTECTION_FIELDS
            .iter()
            .map(|field| {
                self.part(
                    field,
                    vec![
                        person_unit(),
                        code_dim(field).alias("answer"),
                        definition_group(defs),
                    ],
                    self.spec(
                        vec![
                            ("answer".into(), keys(&codes::TRI_STATE)),
                            (
                                "definition_group".into(),
                                DEFINITION_GROUPS.map(String::from).to_vec(),
                            ),
                        ],
                        Statistic::Count,
                    ),
                )
            })
            .collect()
    }

    /// Refugee claims and the length of TRPs held, nationally.
    pub(super) fn trp_detail(&self) -> Vec<Part> {
        vec![
            self.by_group(
                "refugee_claim",
                as_group("refugee_claim", &codes::REFUGEE_CLAIM),
                None,
            ),
            self.by_group(
                "trp_validity",
                as_group("trp_validity", &codes::TRP_VALIDITY),
                None,
            ),
        ]
    }
}

//! Every code list of the canonical schema, in one place.
//!
//! The lists follow `shared/domain/fields.md` (HTCDS 2.0, CTDC, HMIS, ISO and
//! the Canadian extensions). Releases use these lists as *public key sets*, so
//! changing one changes what a release may contain: amend them deliberately.

/// A named, ordered list of canonical codes.
#[derive(Debug)]
pub struct CodeList {
    pub name: &'static str,
    pub codes: &'static [&'static str],
}

impl CodeList {
    /// Position of `code` in the list.
    pub fn index(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| *c == code)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.index(code).is_some()
    }
}

/// Missing-data codes accepted by every coded field (HMIS 8 / 9 / 99).
pub const MISSING: CodeList = CodeList {
    name: "missing",
    codes: &["client_doesnt_know", "client_refused", "not_collected"],
};

pub const DATA_SOURCE: CodeList = CodeList {
    name: "data_source",
    codes: &[
        "ngo",
        "law_enforcement",
        "health",
        "legal_service",
        "hotline",
        "government",
        "other",
    ],
};

pub const GENDER: CodeList = CodeList {
    name: "gender",
    codes: &[
        "woman",
        "man",
        "trans_woman",
        "trans_man",
        "non_binary",
        "two_spirit",
        "unknown",
    ],
};

/// Indigenous identity, self-identified and asked apart from racialised
/// group (Ontario's Anti-Racism Data Standards, 2018). Tables with it as a
/// dimension need the governing partners' approval (OCAP® and the Inuit and
/// Métis principles).
pub const INDIGENOUS_IDENTITY: CodeList = CodeList {
    name: "indigenous_identity",
    codes: &["first_nations", "metis", "inuit", "not_indigenous"],
};

/// Racialised groups, self-identified, several allowed (Ontario's
/// Anti-Racism Data Standards, 2018; Indigenous identity is asked apart).
pub const RACIALISED_GROUP: CodeList = CodeList {
    name: "racialised_group",
    codes: &[
        "black",
        "east_asian",
        "latino",
        "middle_eastern",
        "south_asian",
        "southeast_asian",
        "white",
        "another_group",
    ],
};

/// CTDC `ageBroad` bands.
pub const AGE_BAND: CodeList = CodeList {
    name: "age_band",
    codes: &[
        "0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+",
    ],
};

/// Statistics Canada (UCR / Juristat) victim age groups, derivable from [`AGE_BAND`]
/// only approximately (the CTDC band 21-23 straddles 18-24 / 25-34 cleanly, 24-26 does not).
pub const JURISTAT_AGE_GROUP: CodeList = CodeList {
    name: "juristat_age_group",
    codes: &["0-17", "18-24", "25-34", "35-44", "45+"],
};

pub const TRI_STATE: CodeList = CodeList {
    name: "tri_state",
    codes: &["yes", "no", "unknown"],
};

pub const IMMIGRATION_STATUS: CodeList = CodeList {
    name: "immigration_status",
    codes: &[
        "citizen",
        "permanent_resident",
        "temporary_foreign_worker",
        "other_work_permit",
        "student",
        "visitor",
        "refugee_claimant",
        "trp_holder",
        "no_status",
        "sponsored_spouse_conditional_pr",
        "caregiver",
        "seasonal_agricultural_worker",
        "open_work_permit_vulnerable_workers",
    ],
};

/// IRCC Temporary Resident Permit for victims of trafficking (initial TRP up
/// to 180 days). The bars are policy, not the person's inaction: 12 months
/// after a failed, withdrawn or abandoned refugee claim (since 2012), 5 years
/// for a "designated foreign national".
pub const TRP_STATUS: CodeList = CodeList {
    name: "trp_status",
    codes: &[
        "not_needed",
        "needed_not_applied",
        "applied",
        "issued_initial",
        "reissued",
        "refused",
        "barred_failed_claim",
        "barred_dfn",
    ],
};

/// The person's refugee claim, which decides the TRP bar after a failed claim.
pub const REFUGEE_CLAIM: CodeList = CodeList {
    name: "refugee_claim",
    codes: &[
        "none",
        "pending",
        "accepted",
        "rejected",
        "withdrawn_or_abandoned",
    ],
};

/// Length of the TRP held: an initial permit lasts up to 180 days, later ones up to 3 years.
pub const TRP_VALIDITY: CodeList = CodeList {
    name: "trp_validity",
    codes: &["up_to_180_days", "181_days_to_3_years"],
};

/// Urban or rural, from the FSA (Canada Post marks a rural FSA with a second character 0).
pub const SETTLEMENT: CodeList = CodeList {
    name: "settlement",
    codes: &["urban", "rural"],
};

/// Who referred the person to the agency.
pub const REFERRAL_SOURCE: CodeList = CodeList {
    name: "referral_source",
    codes: &[
        "self",
        "ngo",
        "law_enforcement",
        "hotline",
        "health",
        "community",
        "government",
        "other",
    ],
};

pub const ACTS: CodeList = CodeList {
    name: "acts",
    codes: &[
        "recruit",
        "transport",
        "transfer",
        "receive",
        "hold",
        "conceal",
        "harbour",
        "exercise_control",
    ],
};

/// HTCDS methods of control plus the Palermo / IRPA means HTCDS lacks
/// (abduction, abuse of power or of a position of vulnerability, payments to a
/// person in control) and the Criminal Code s.279.04(2)(c) factor, abuse of a
/// position of trust, power or authority.
pub const MEANS: CodeList = CodeList {
    name: "means",
    codes: &[
        "physical_threats",
        "threats_to_family",
        "threats_of_law_enforcement",
        "debt_bondage",
        "deception",
        "physical_abuse",
        "sexual_abuse",
        "takes_earnings",
        "restricts_financial_access",
        "restricts_movement",
        "withholds_documents",
        "withholds_necessities",
        "psychological_abuse",
        "psychoactive_substances",
        "excessive_hours",
        "abduction",
        "abuse_of_vulnerability",
        "payments_to_controller",
        "abuse_of_trust_power_authority",
    ],
};

pub const EXPLOITATION_TYPES: CodeList = CodeList {
    name: "exploitation_types",
    codes: &[
        "sexual",
        "forced_labour",
        "servitude",
        "forced_marriage",
        "organ_removal",
        "forced_criminality",
        "forced_begging",
        "labour_exploitation_no_coercion",
        "other",
    ],
};

/// ISIC rev. 4 sections.
pub const LABOUR_SECTOR: CodeList = CodeList {
    name: "labour_sector",
    codes: &[
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
        "S", "T", "U",
    ],
};

pub const CROSS_BORDER: CodeList = CodeList {
    name: "cross_border",
    codes: &["none", "into_canada", "out_of_canada", "transit"],
};

pub const RECRUITER_RELATIONSHIP: CodeList = CodeList {
    name: "recruiter_relationship",
    codes: &[
        "intimate_partner",
        "family",
        "friend",
        "employer_or_agent",
        "other",
        "unknown",
    ],
};

/// ISO 3166-2:CA.
pub const PROVINCE: CodeList = CodeList {
    name: "province",
    codes: &[
        "CA-AB", "CA-BC", "CA-MB", "CA-NB", "CA-NL", "CA-NS", "CA-NT", "CA-NU", "CA-ON", "CA-PE",
        "CA-QC", "CA-SK", "CA-YT",
    ],
};

pub const HOUSING_NEED: CodeList = CodeList {
    name: "housing_need",
    codes: &["emergency_shelter", "transitional", "long_term", "none"],
};

pub const HOUSING_OUTCOME: CodeList = CodeList {
    name: "housing_outcome",
    codes: &[
        "met",
        "partially_met",
        "unmet_no_capacity",
        "unmet_ineligible",
        "declined",
        "pending",
    ],
};

pub const SHELTER_TYPE: CodeList = CodeList {
    name: "shelter_type",
    codes: &[
        "vaw_shelter",
        "general_shelter",
        "youth_shelter",
        "trafficking_safe_house",
        "transitional_housing",
        "hotel_voucher",
        "host_home",
        "none",
    ],
};

pub const SERVICE_CATEGORY: CodeList = CodeList {
    name: "service_category",
    codes: &[
        "legal",
        "immigration",
        "health",
        "mental_health",
        "counselling",
        "interpretation",
        "case_management",
        "employment",
        "income_support",
        "education",
        "housing",
        "childcare",
    ],
};

/// Ordered from the most to the least complete answer to a need; when one
/// person's rows disagree the earliest status in this list is kept.
pub const SERVICE_STATUS: CodeList = CodeList {
    name: "service_status",
    codes: &[
        "received",
        "referred_out",
        "waitlisted",
        "not_available",
        "declined",
    ],
};

pub const FUNDING_SOURCE: CodeList = CodeList {
    name: "funding_source",
    codes: &[
        "federal",
        "provincial",
        "municipal",
        "foundation",
        "private",
        "other",
    ],
};

pub const FUNDING_TERM: CodeList = CodeList {
    name: "funding_term",
    codes: &["one_time", "annual", "multi_year"],
};

/// ISO 3166-1 alpha-2 (officially assigned codes). An *open* key set: a
/// release may only show a citizenship through a noisy threshold.
pub const CITIZENSHIP: CodeList = CodeList {
    name: "citizenship",
    codes: &[
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
        "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
        "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
        "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
        "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
        "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
        "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
        "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
        "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
        "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
        "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
        "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
        "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
        "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
        "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
        "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
    ],
};

/// Every code list, for reference output and the profile checker.
pub const ALL: &[&CodeList] = &[
    &MISSING,
    &DATA_SOURCE,
    &GENDER,
    &INDIGENOUS_IDENTITY,
    &RACIALISED_GROUP,
    &AGE_BAND,
    &TRI_STATE,
    &IMMIGRATION_STATUS,
    &TRP_STATUS,
    &REFUGEE_CLAIM,
    &TRP_VALIDITY,
    &SETTLEMENT,
    &REFERRAL_SOURCE,
    &ACTS,
    &MEANS,
    &EXPLOITATION_TYPES,
    &LABOUR_SECTOR,
    &CROSS_BORDER,
    &RECRUITER_RELATIONSHIP,
    &PROVINCE,
    &HOUSING_NEED,
    &HOUSING_OUTCOME,
    &SHELTER_TYPE,
    &SERVICE_CATEGORY,
    &SERVICE_STATUS,
    &FUNDING_SOURCE,
    &FUNDING_TERM,
    &CITIZENSHIP,
];

/// CTDC age band for an exact age in whole years.
pub fn age_band_for(age: u32) -> &'static str {
    match age {
        0..=8 => "0-8",
        9..=17 => "9-17",
        18..=20 => "18-20",
        21..=23 => "21-23",
        24..=26 => "24-26",
        27..=29 => "27-29",
        30..=38 => "30-38",
        39..=47 => "39-47",
        _ => "48+",
    }
}

/// Province (ISO 3166-2:CA) of a forward sortation area, from its first
/// letter (Canada Post). `X` is shared by the Northwest Territories and
/// Nunavut: X0A, X0B and X0C are Nunavut, the rest the Northwest Territories.
pub fn province_of_fsa(fsa: &str) -> Option<&'static str> {
    let mut chars = fsa.chars();
    let first = chars.next()?.to_ascii_uppercase();
    Some(match first {
        'A' => "CA-NL",
        'B' => "CA-NS",
        'C' => "CA-PE",
        'E' => "CA-NB",
        'G' | 'H' | 'J' => "CA-QC",
        'K' | 'L' | 'M' | 'N' | 'P' => "CA-ON",
        'R' => "CA-MB",
        'S' => "CA-SK",
        'T' => "CA-AB",
        'V' => "CA-BC",
        'Y' => "CA-YT",
        'X' => {
            let rest: String = chars.take(2).collect::<String>().to_ascii_uppercase();
            if matches!(rest.as_str(), "0A" | "0B" | "0C") {
                "CA-NU"
            } else {
                "CA-NT"
            }
        }
        _ => return None,
    })
}

/// Whether `s` is a well-formed forward sortation area (letter, digit, letter;
/// D, F, I, O, Q, U never appear, W and Z never first).
pub fn is_fsa(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3
        && b"ABCEGHJKLMNPRSTVXY".contains(&b[0].to_ascii_uppercase())
        && b[1].is_ascii_digit()
        && b"ABCEGHJKLMNPRSTVWXYZ".contains(&b[2].to_ascii_uppercase())
}

/// Urban or rural settlement of a well-formed FSA: Canada Post marks a rural
/// FSA with a second character `0` (e.g. K0A).
pub fn settlement_of_fsa(fsa: &str) -> Option<&'static str> {
    is_fsa(fsa).then(|| {
        if fsa.as_bytes()[1] == b'0' {
            "rural"
        } else {
            "urban"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_second_character_marks_a_rural_fsa() {
        assert_eq!(settlement_of_fsa("K0A"), Some("rural"));
        assert_eq!(settlement_of_fsa("M5V"), Some("urban"));
        assert_eq!(settlement_of_fsa("ZZZ"), None);
    }

    #[test]
    fn fsa_maps_to_province() {
        assert_eq!(province_of_fsa("H2X"), Some("CA-QC"));
        assert_eq!(province_of_fsa("M5V"), Some("CA-ON"));
        assert_eq!(province_of_fsa("X0A"), Some("CA-NU"));
        assert_eq!(province_of_fsa("X1A"), Some("CA-NT"));
        assert_eq!(province_of_fsa("D1A"), None);
        assert!(is_fsa("r3c") && !is_fsa("R3") && !is_fsa("RRC") && !is_fsa("D3C"));
    }

    #[test]
    fn age_bands_cover_every_age() {
        assert_eq!(age_band_for(0), "0-8");
        assert_eq!(age_band_for(17), "9-17");
        assert_eq!(age_band_for(18), "18-20");
        assert_eq!(age_band_for(48), "48+");
        assert_eq!(age_band_for(120), "48+");
        for age in 0..130 {
            assert!(AGE_BAND.contains(age_band_for(age)));
        }
    }

    #[test]
    fn code_lists_have_no_duplicates() {
        for list in ALL {
            let mut seen = std::collections::HashSet::new();
            for code in list.codes {
                assert!(seen.insert(*code), "{} repeats {code}", list.name);
            }
        }
    }
}

//! The synthetic population behind the sample data: fictional people served
//! by fictional agencies, drawn from distributions chosen so that later
//! reports have something to show (labour and sex trafficking, migrant
//! workers deceived about wages, housing shortfalls that grow, TRP refusals,
//! service waitlists, mostly one-time funding). No real person is in it.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// What kind of situation a synthetic person is in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Situation {
    DomesticSex,
    MigrantSex,
    MigrantLabour,
    LabourNoCoercion,
    ForcedMarriage,
    ForcedCriminality,
}

/// One synthetic person in one quarter, in canonical codes.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: u64,
    pub situation: Situation,
    pub data_source: &'static str,
    pub gender: &'static str,
    pub age: u32,
    pub age_at_recruitment: u32,
    pub citizenship: &'static str,
    pub immigration_status: &'static str,
    pub trp_status: &'static str,
    pub acts: Option<Vec<&'static str>>,
    pub means: Option<Vec<&'static str>>,
    pub exploitation: Option<Vec<&'static str>>,
    pub labour_sector: &'static str,
    pub safety_fear: &'static str,
    pub cross_border: &'static str,
    pub recruiter: &'static str,
    pub agency_label: &'static str,
    pub province: &'static str,
    pub housing_need: &'static str,
    pub housing_outcome: &'static str,
    pub shelter_type: &'static str,
    pub shelter_nights: Option<u32>,
    pub services: Vec<(&'static str, &'static str)>,
    /// The facts the 2013 Forum asked to see (see [`forum_facts`]).
    pub forum: ForumFacts,
}

/// Equity, protection versus prosecution, TRP bars and validity, status,
/// referral and the means that served an entry: in canonical codes, missing
/// ones `not_collected` (or None for a set).
#[derive(Debug, Clone, Default)]
pub struct ForumFacts {
    pub indigenous_identity: &'static str,
    pub racialised_group: Option<Vec<&'static str>>,
    pub employer_tied_permit: &'static str,
    pub trp_validity: &'static str,
    pub refugee_claim: &'static str,
    pub means_used_for_entry: &'static str,
    pub referral_source: &'static str,
    pub police_involved: &'static str,
    pub asked_to_cooperate: &'static str,
    pub services_conditional_on_cooperation: &'static str,
    pub charges_laid: &'static str,
    pub detained_after_identification: &'static str,
    pub removed_or_ordered_removed: &'static str,
}

/// How an agency's caseload is made up.
#[derive(Debug, Clone)]
pub struct Mix {
    pub province: &'static str,
    /// People served in the first quarter, and added per quarter after.
    pub base_people: u32,
    pub growth: u32,
    /// Weights of the situations, in [`Situation`] order.
    pub weights: [f64; 6],
    /// Share of people still served in the next quarter.
    pub carry_over: f64,
    /// Chance that a fact is not collected.
    pub missing: f64,
    /// Share of sheltering needs met in the first quarter; falls over time.
    pub capacity: f64,
    /// Kinds of shelter the agency places people in.
    pub shelters: &'static [&'static str],
    /// Whether the agency labels a person as a trafficking case.
    pub label: fn(&Person) -> bool,
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

fn some_of(rng: &mut StdRng, items: &[(&'static str, f64)]) -> Vec<&'static str> {
    items
        .iter()
        .filter(|(_, p)| chance(rng, *p))
        .map(|(c, _)| *c)
        .collect()
}

const MIGRANT_ORIGINS: &[(&str, f64)] = &[
    ("MX", 5.0),
    ("GT", 4.0),
    ("PH", 4.0),
    ("JM", 2.0),
    ("IN", 3.0),
    ("VN", 1.5),
    ("UA", 1.5),
    ("NG", 1.0),
    ("CN", 1.0),
    ("HN", 1.0),
];

/// Draw one new person for an agency in quarter `q` (0-based).
pub fn draw(rng: &mut StdRng, mix: &Mix, id: u64, q: usize) -> Person {
    use Situation::*;
    let situations = [
        DomesticSex,
        MigrantSex,
        MigrantLabour,
        LabourNoCoercion,
        ForcedMarriage,
        ForcedCriminality,
    ];
    let situation = pick(
        rng,
        &situations
            .iter()
            .copied()
            .zip(mix.weights)
            .collect::<Vec<_>>(),
    );
    let migrant = matches!(
        situation,
        MigrantSex | MigrantLabour | LabourNoCoercion | ForcedMarriage
    );
    let sexual = matches!(situation, DomesticSex | MigrantSex);
    let gender = if sexual {
        pick(
            rng,
            &[
                ("woman", 88.0),
                ("trans_woman", 5.0),
                ("man", 4.0),
                ("non_binary", 3.0),
            ],
        )
    } else if situation == ForcedMarriage {
        "woman"
    } else {
        pick(rng, &[("man", 58.0), ("woman", 40.0), ("non_binary", 2.0)])
    };
    let age: u32 = match situation {
        DomesticSex => rng.random_range(14..=34),
        MigrantSex => rng.random_range(19..=38),
        ForcedMarriage => rng.random_range(16..=30),
        ForcedCriminality => rng.random_range(15..=26),
        _ => rng.random_range(21..=56),
    };
    let age_at_recruitment = age.saturating_sub(rng.random_range(0..=3)).max(12);
    let citizenship = if migrant || (situation == ForcedCriminality && chance(rng, 0.2)) {
        pick(rng, MIGRANT_ORIGINS)
    } else {
        "CA"
    };
    let immigration_status = if citizenship == "CA" {
        "citizen"
    } else if situation == MigrantLabour || situation == LabourNoCoercion {
        pick(
            rng,
            &[
                ("temporary_foreign_worker", 70.0),
                ("other_work_permit", 8.0),
                ("no_status", 10.0),
                ("visitor", 6.0),
                ("refugee_claimant", 6.0),
            ],
        )
    } else {
        pick(
            rng,
            &[
                ("visitor", 25.0),
                ("student", 20.0),
                ("no_status", 20.0),
                ("refugee_claimant", 20.0),
                ("permanent_resident", 15.0),
            ],
        )
    };
    // TRP refusals grow over the period; issued permits shrink.
    let trp_status = if matches!(immigration_status, "citizen" | "permanent_resident") {
        "not_needed"
    } else {
        let drift = q as f64 * 1.5;
        pick(
            rng,
            &[
                ("needed_not_applied", 30.0),
                ("applied", 22.0),
                ("issued_initial", 22.0 - drift),
                ("reissued", 6.0),
                ("refused", 8.0 + drift),
            ],
        )
    };
    let acts = match situation {
        DomesticSex | MigrantSex => some_of(
            rng,
            &[
                ("recruit", 0.9),
                ("transport", 0.55),
                ("harbour", 0.6),
                ("exercise_control", 0.85),
                ("hold", 0.2),
            ],
        ),
        MigrantLabour => some_of(
            rng,
            &[
                ("recruit", 0.92),
                ("transport", 0.7),
                ("receive", 0.55),
                ("harbour", 0.65),
                ("hold", 0.15),
                ("exercise_control", 0.4),
            ],
        ),
        LabourNoCoercion => some_of(rng, &[("recruit", 0.7), ("transport", 0.3)]),
        ForcedMarriage => some_of(
            rng,
            &[
                ("recruit", 0.5),
                ("transport", 0.6),
                ("exercise_control", 0.7),
            ],
        ),
        ForcedCriminality => some_of(
            rng,
            &[
                ("recruit", 0.9),
                ("exercise_control", 0.8),
                ("harbour", 0.3),
            ],
        ),
    };
    let means = match situation {
        DomesticSex | MigrantSex => some_of(
            rng,
            &[
                ("psychological_abuse", 0.75),
                ("physical_threats", 0.5),
                ("takes_earnings", 0.6),
                ("deception", 0.55),
                ("restricts_movement", 0.35),
                ("sexual_abuse", 0.4),
                ("physical_abuse", 0.35),
                ("psychoactive_substances", 0.3),
                ("threats_to_family", 0.15),
            ],
        ),
        MigrantLabour => some_of(
            rng,
            &[
                ("deception", 0.88),
                ("withholds_documents", 0.55),
                ("debt_bondage", 0.45),
                ("threats_of_law_enforcement", 0.42),
                ("excessive_hours", 0.62),
                ("takes_earnings", 0.4),
                ("restricts_movement", 0.25),
                ("withholds_necessities", 0.15),
                ("physical_threats", 0.12),
            ],
        ),
        LabourNoCoercion => some_of(rng, &[("excessive_hours", 0.6), ("takes_earnings", 0.3)]),
        ForcedMarriage => some_of(
            rng,
            &[
                ("threats_to_family", 0.5),
                ("psychological_abuse", 0.6),
                ("deception", 0.4),
                ("restricts_movement", 0.4),
            ],
        ),
        ForcedCriminality => some_of(
            rng,
            &[
                ("physical_threats", 0.5),
                ("psychoactive_substances", 0.4),
                ("debt_bondage", 0.3),
                ("psychological_abuse", 0.5),
            ],
        ),
    };
    let exploitation = match situation {
        DomesticSex | MigrantSex => vec!["sexual"],
        MigrantLabour => {
            if chance(rng, 0.15) {
                vec!["forced_labour", "servitude"]
            } else {
                vec!["forced_labour"]
            }
        }
        LabourNoCoercion => vec!["labour_exploitation_no_coercion"],
        ForcedMarriage => vec!["forced_marriage"],
        ForcedCriminality => vec!["forced_criminality"],
    };
    let labour_sector = match situation {
        MigrantLabour | LabourNoCoercion => pick(
            rng,
            &[
                ("A", 40.0),
                ("I", 20.0),
                ("F", 15.0),
                ("C", 10.0),
                ("T", 10.0),
                ("N", 5.0),
            ],
        ),
        _ => "not_collected",
    };
    let safety_fear = match situation {
        DomesticSex | MigrantSex | ForcedCriminality => {
            pick(rng, &[("yes", 72.0), ("unknown", 18.0), ("no", 10.0)])
        }
        MigrantLabour => pick(rng, &[("yes", 38.0), ("unknown", 37.0), ("no", 25.0)]),
        LabourNoCoercion => pick(rng, &[("no", 80.0), ("unknown", 20.0)]),
        ForcedMarriage => pick(rng, &[("yes", 60.0), ("unknown", 30.0), ("no", 10.0)]),
    };
    let cross_border = if citizenship == "CA" {
        if chance(rng, 0.06) {
            "out_of_canada"
        } else {
            "none"
        }
    } else {
        pick(
            rng,
            &[("into_canada", 85.0), ("none", 10.0), ("transit", 5.0)],
        )
    };
    let recruiter = match situation {
        DomesticSex => pick(
            rng,
            &[
                ("intimate_partner", 48.0),
                ("friend", 22.0),
                ("family", 10.0),
                ("other", 12.0),
                ("unknown", 8.0),
            ],
        ),
        MigrantSex => pick(
            rng,
            &[
                ("intimate_partner", 25.0),
                ("employer_or_agent", 40.0),
                ("friend", 20.0),
                ("unknown", 15.0),
            ],
        ),
        MigrantLabour | LabourNoCoercion => pick(
            rng,
            &[
                ("employer_or_agent", 88.0),
                ("family", 4.0),
                ("friend", 5.0),
                ("unknown", 3.0),
            ],
        ),
        ForcedMarriage => "family",
        ForcedCriminality => pick(
            rng,
            &[
                ("friend", 40.0),
                ("intimate_partner", 20.0),
                ("other", 40.0),
            ],
        ),
    };
    let housing_need = if sexual || situation == ForcedMarriage {
        pick(
            rng,
            &[
                ("emergency_shelter", 50.0),
                ("transitional", 25.0),
                ("long_term", 15.0),
                ("none", 10.0),
            ],
        )
    } else {
        pick(
            rng,
            &[
                ("emergency_shelter", 28.0),
                ("transitional", 20.0),
                ("long_term", 14.0),
                ("none", 38.0),
            ],
        )
    };
    // Capacity shrinks over the period: more needs go unmet for lack of beds.
    let capacity = (mix.capacity - 0.035 * q as f64).max(0.2);
    let (housing_outcome, shelter_type, shelter_nights) = if housing_need == "none" {
        ("not_collected", "none", None)
    } else {
        let outcome = if !matches!(immigration_status, "citizen" | "permanent_resident")
            && chance(rng, 0.12)
        {
            "unmet_ineligible"
        } else if chance(rng, capacity) {
            pick(rng, &[("met", 75.0), ("partially_met", 25.0)])
        } else {
            pick(
                rng,
                &[
                    ("unmet_no_capacity", 70.0),
                    ("pending", 18.0),
                    ("declined", 12.0),
                ],
            )
        };
        if matches!(outcome, "met" | "partially_met") {
            let shelter = *mix.shelters.choose(rng).unwrap_or(&"general_shelter");
            let nights = if outcome == "met" {
                rng.random_range(14..=92)
            } else {
                rng.random_range(1..=20)
            };
            (outcome, shelter, Some(nights))
        } else if outcome == "unmet_no_capacity" && chance(rng, 0.4) {
            (outcome, "hotel_voucher", Some(rng.random_range(1..=7)))
        } else {
            (outcome, "none", None)
        }
    };
    let mut services = Vec::new();
    let needs: &[(&str, f64)] = &[
        ("legal", if migrant { 0.85 } else { 0.45 }),
        ("immigration", if migrant { 0.9 } else { 0.0 }),
        ("health", 0.6),
        ("mental_health", 0.55),
        ("counselling", 0.5),
        (
            "interpretation",
            if migrant && !matches!(citizenship, "JM" | "NG" | "PH" | "IN") {
                0.7
            } else {
                0.0
            },
        ),
        ("case_management", 0.8),
        ("employment", if migrant { 0.45 } else { 0.25 }),
        ("income_support", 0.45),
        ("education", 0.1),
        ("housing", if housing_need == "none" { 0.0 } else { 1.0 }),
        ("childcare", 0.12),
    ];
    for (category, p) in needs {
        if chance(rng, *p) {
            let status = match *category {
                "mental_health" => pick(
                    rng,
                    &[
                        ("received", 40.0),
                        ("waitlisted", 35.0),
                        ("referred_out", 15.0),
                        ("declined", 10.0),
                    ],
                ),
                "legal" | "immigration" if migrant => pick(
                    rng,
                    &[
                        ("received", 45.0),
                        ("referred_out", 20.0),
                        ("not_available", 25.0),
                        ("waitlisted", 10.0),
                    ],
                ),
                "housing" => {
                    if matches!(housing_outcome, "met" | "partially_met") {
                        "received"
                    } else {
                        pick(rng, &[("waitlisted", 50.0), ("not_available", 50.0)])
                    }
                }
                _ => pick(
                    rng,
                    &[
                        ("received", 60.0),
                        ("referred_out", 15.0),
                        ("waitlisted", 12.0),
                        ("not_available", 8.0),
                        ("declined", 5.0),
                    ],
                ),
            };
            services.push((*category, status));
        }
    }
    let missing = |rng: &mut StdRng| chance(rng, mix.missing);
    let mut person = Person {
        id,
        situation,
        data_source: pick(
            rng,
            &[
                ("ngo", 70.0),
                ("law_enforcement", 10.0),
                ("health", 8.0),
                ("hotline", 7.0),
                ("legal_service", 5.0),
            ],
        ),
        gender,
        age,
        age_at_recruitment,
        citizenship,
        immigration_status,
        trp_status,
        acts: if missing(rng) { None } else { Some(acts) },
        means: if missing(rng) { None } else { Some(means) },
        exploitation: Some(exploitation),
        labour_sector,
        safety_fear: if missing(rng) {
            "not_collected"
        } else {
            safety_fear
        },
        cross_border: if missing(rng) {
            "not_collected"
        } else {
            cross_border
        },
        recruiter,
        agency_label: "no",
        province: mix.province,
        housing_need,
        housing_outcome,
        shelter_type,
        shelter_nights,
        services,
        forum: ForumFacts::default(),
    };
    // The Forum's facts come from a stream of their own, so the facts drawn
    // before them (and the sample's other figures) stay as they were.
    let mut own = {
        use rand::SeedableRng;
        let salt = mix.province.bytes().fold(mix.base_people as u64, |h, b| {
            h.wrapping_mul(31).wrapping_add(b as u64)
        });
        StdRng::seed_from_u64(id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (q as u64) << 48 ^ salt)
    };
    refine_status(&mut own, &mut person);
    person.forum = forum_facts(&mut own, &person, mix, q);
    if person.forum.refugee_claim == "rejected"
        && matches!(person.trp_status, "needed_not_applied" | "refused")
        && chance(&mut own, 0.5)
    {
        // The 12-month bar after a failed claim, not the person's inaction.
        person.trp_status = "barred_failed_claim";
    } else if person.trp_status == "refused" && chance(&mut own, 0.08) {
        person.trp_status = "barred_dfn";
    }
    person.agency_label = if (mix.label)(&person) { "yes" } else { "no" };
    person
}

/// Status codes the Forum named: seasonal agricultural workers and caregivers
/// among temporary foreign workers, an open work permit for some of those
/// who left an abusive employer, a sponsored spouse's conditional residence;
/// and two-spirit people among those who said non-binary before.
fn refine_status(rng: &mut StdRng, p: &mut Person) {
    p.immigration_status = match (p.immigration_status, p.labour_sector) {
        ("temporary_foreign_worker", "A") if chance(rng, 0.6) => "seasonal_agricultural_worker",
        ("temporary_foreign_worker", "T") if chance(rng, 0.7) => "caregiver",
        ("other_work_permit", _) if chance(rng, 0.5) => "open_work_permit_vulnerable_workers",
        ("permanent_resident", _)
            if p.situation == Situation::ForcedMarriage || chance(rng, 0.2) =>
        {
            "sponsored_spouse_conditional_pr"
        }
        (status, _) => status,
    };
    if p.gender == "non_binary" && chance(rng, 0.4) {
        p.gender = "two_spirit";
    }
}

/// The Forum's facts about one person. Police involvement and its
/// consequences grow a little over the period, so the protection section has
/// a trend to show; a migrant worker's means served the entry only when the
/// deception began before arrival.
fn forum_facts(rng: &mut StdRng, p: &Person, mix: &Mix, q: usize) -> ForumFacts {
    use Situation::*;
    let missing = |rng: &mut StdRng, code: &'static str| {
        if chance(rng, mix.missing) {
            "not_collected"
        } else {
            code
        }
    };
    let tri = |rng: &mut StdRng, p_yes: f64| {
        let code = if chance(rng, 0.1) {
            "unknown"
        } else if chance(rng, p_yes.clamp(0.0, 1.0)) {
            "yes"
        } else {
            "no"
        };
        missing(rng, code)
    };
    let migrant = p.citizenship != "CA";
    let indigenous = if migrant {
        "not_indigenous"
    } else {
        pick(
            rng,
            &[
                ("not_indigenous", 70.0),
                ("first_nations", 18.0),
                ("metis", 8.0),
                ("inuit", 2.0),
                ("client_refused", 2.0),
            ],
        )
    };
    let racialised = match p.citizenship {
        "MX" | "GT" | "HN" => vec!["latino"],
        "PH" | "VN" => vec!["southeast_asian"],
        "IN" => vec!["south_asian"],
        "CN" => vec!["east_asian"],
        "JM" | "NG" => vec!["black"],
        "UA" => vec!["white"],
        _ if indigenous != "not_indigenous" => {
            if chance(rng, 0.2) {
                vec!["another_group"]
            } else {
                vec![]
            }
        }
        _ => some_of(
            rng,
            &[
                ("white", 0.55),
                ("black", 0.2),
                ("south_asian", 0.08),
                ("another_group", 0.05),
            ],
        ),
    };
    let police = tri(rng, 0.3 + 0.03 * q as f64);
    let cooperate = if police == "yes" {
        tri(rng, 0.7)
    } else {
        missing(rng, "no")
    };
    let conditional = if cooperate == "yes" {
        tri(rng, 0.25 + 0.02 * q as f64)
    } else {
        missing(rng, "no")
    };
    let referral = pick(
        rng,
        &[
            ("self", 20.0),
            ("ngo", 30.0),
            ("law_enforcement", 15.0),
            ("hotline", 10.0),
            ("health", 10.0),
            ("community", 10.0),
            ("government", 5.0),
        ],
    );
    let employer_tied = matches!(
        p.immigration_status,
        "temporary_foreign_worker" | "seasonal_agricultural_worker" | "caregiver"
    );
    ForumFacts {
        indigenous_identity: missing(rng, indigenous),
        racialised_group: (!chance(rng, mix.missing * 2.0)).then_some(racialised),
        employer_tied_permit: missing(rng, if employer_tied { "yes" } else { "no" }),
        trp_validity: match p.trp_status {
            "issued_initial" => "up_to_180_days",
            "reissued" => "181_days_to_3_years",
            _ => "not_collected",
        },
        refugee_claim: if p.immigration_status == "refugee_claimant" {
            pick(
                rng,
                &[
                    ("pending", 60.0),
                    ("rejected", 25.0),
                    ("withdrawn_or_abandoned", 15.0),
                ],
            )
        } else if migrant {
            let claim = pick(
                rng,
                &[("none", 85.0), ("rejected", 10.0), ("accepted", 5.0)],
            );
            missing(rng, claim)
        } else {
            "not_collected"
        },
        means_used_for_entry: match (p.cross_border, p.situation) {
            ("into_canada", MigrantLabour | MigrantSex) => tri(rng, 0.7),
            ("into_canada", _) => tri(rng, 0.3),
            _ => missing(rng, "no"),
        },
        referral_source: missing(rng, referral),
        police_involved: police,
        asked_to_cooperate: cooperate,
        services_conditional_on_cooperation: conditional,
        charges_laid: if police == "yes" {
            tri(rng, 0.3)
        } else {
            missing(rng, "no")
        },
        detained_after_identification: if migrant {
            tri(rng, 0.06 + 0.01 * q as f64)
        } else {
            missing(rng, "no")
        },
        removed_or_ordered_removed: if migrant {
            tri(rng, 0.04 + 0.01 * q as f64)
        } else {
            missing(rng, "no")
        },
    }
}

/// A person still served next quarter: same facts, new housing and services state.
pub fn carry(rng: &mut StdRng, mix: &Mix, person: &Person, q: usize) -> Person {
    let mut next = draw(rng, mix, person.id, q);
    let keep = next.clone();
    next = Person {
        housing_need: keep.housing_need,
        housing_outcome: keep.housing_outcome,
        shelter_type: keep.shelter_type,
        shelter_nights: keep.shelter_nights,
        services: keep.services,
        trp_status: if person.trp_status == "applied" {
            pick(
                rng,
                &[
                    ("issued_initial", 45.0),
                    ("refused", 35.0),
                    ("applied", 20.0),
                ],
            )
        } else if person.trp_status == "issued_initial" {
            pick(rng, &[("reissued", 40.0), ("issued_initial", 60.0)])
        } else {
            person.trp_status
        },
        ..person.clone()
    };
    next
}

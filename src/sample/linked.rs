//! The sample collaborative links people across agencies: every sample
//! person key is the collaborative key `safecount key` would compute for a
//! fictional identity under the sample's linkage secret (published in
//! `sample-data/linkage-secret.txt`; a real collaborative never publishes
//! its secret). Some people are served by two member agencies of one
//! province in the same quarter (a shelter's residents at the legal clinic,
//! a migrant workers' centre's members at the settlement agency), each
//! agency recording them in its own system. A few people have no date of
//! birth on file: their keys are agency-scoped, so linkage cannot match them,
//! as in life.
//!
//! One agency-quarter also ships as the agency has it before keying (file
//! numbers instead of keys, and its identity export), so `safecount key` can
//! be tried on it and must give back the shipped extract.

use super::population::{self, Person};
use crate::linkage::{Keyer, Secret, normalise_name};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// The kind of each sample member agency (see `collaborative.toml`).
pub const KINDS: &[(&str, &str)] = &[
    ("maison-esperance", "shelter"),
    ("prairie-haven", "shelter"),
    ("coastal-workers-centre", "migrant_workers"),
    ("lakeshore-legal-clinic", "legal"),
    ("north-star-outreach", "outreach"),
    ("danforth-refuge", "shelter"),
    ("hamilton-bridge", "outreach"),
    ("ottawa-valley-outreach", "outreach"),
    ("fraser-valley-settlement", "settlement"),
    ("island-safe-harbour", "shelter"),
    ("refuge-saint-laurent", "shelter"),
    ("bow-river-shelter", "shelter"),
];

/// Who refers whom: a share of the first agency's people of a quarter are
/// also served by the second in that quarter.
pub const REFERRALS: &[(&str, &str, f64)] = &[
    ("danforth-refuge", "lakeshore-legal-clinic", 0.30),
    ("hamilton-bridge", "lakeshore-legal-clinic", 0.15),
    ("ottawa-valley-outreach", "danforth-refuge", 0.10),
    ("coastal-workers-centre", "fraser-valley-settlement", 0.25),
    ("island-safe-harbour", "coastal-workers-centre", 0.10),
    ("maison-esperance", "refuge-saint-laurent", 0.10),
    ("north-star-outreach", "bow-river-shelter", 0.20),
];

/// The agency-quarter shipped unkeyed, with its identity export.
pub const UNKEYED: (&str, &str) = ("lakeshore-legal-clinic", "2025Q4");

/// Share of people without a date of birth on file.
const NO_BIRTH_DATE: u64 = 4;

/// The sample's linkage secret: fixed, so the sample is reproducible.
pub fn secret() -> Secret {
    let digest = Sha256::digest(b"safecount sample linkage secret (fictional data only)");
    Secret::from_bytes(digest.into())
}

/// A person's number, the same at every agency that serves them.
pub fn person_id(slug: &str, local: u64) -> u64 {
    let digest = Sha256::digest(format!("sample-person:{slug}:{local}").as_bytes());
    u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

const GIVEN: &[&str] = &[
    "Marie-Claire",
    "Hélène",
    "José",
    "Ana",
    "Thi Lan",
    "Zoë",
    "Olu",
    "Priya",
    "Jean-François",
    "Aisha",
    "Li",
    "Renée",
    "Tomás",
    "Grace",
    "Maricel",
    "Rosa",
];
const FAMILY: &[&str] = &[
    "Tremblay",
    "Côté",
    "García López",
    "O'Neil",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Roy",
    "Singh",
    "MacDonald",
    "Bélanger",
    "Wong",
    "Silva",
    "Reyes",
    "Santos",
    "Mendoza",
];

/// A person's fictional identity: given name, family name, date of birth (ISO) if on file.
pub fn identity(id: u64) -> (&'static str, &'static str, Option<String>) {
    let given = GIVEN[(id % GIVEN.len() as u64) as usize];
    let family = FAMILY[((id >> 8) % FAMILY.len() as u64) as usize];
    let birth = ((id >> 16) % 100 >= NO_BIRTH_DATE).then(|| {
        format!(
            "{}-{:02}-{:02}",
            1955 + (id >> 24) % 50,
            1 + (id >> 32) % 12,
            1 + (id >> 40) % 28
        )
    });
    (given, family, birth)
}

/// The agency's own file number for a person (what its identity export and
/// unkeyed extract carry).
pub fn file_number(id: u64) -> String {
    format!("F-{:08}", id % 100_000_000)
}

/// The collaborative key `safecount key` gives the person at `slug`.
pub fn person_key(keyer: &Keyer, slug: &str, id: u64) -> String {
    let (given, family, birth) = identity(id);
    match (normalise_name([given, family]), birth) {
        (Some(name), Some(birth)) => keyer.person(&name, &birth),
        _ => keyer.agency_scoped(slug, &file_number(id)),
    }
}

/// Add the people agencies refer to each other: for each referral, a share
/// of the first agency's people of each quarter are served by the second
/// too, recorded there as that agency records people (`draw` with its own
/// mix), under the same person number.
pub fn add_referrals(seed: u64, caseloads: &mut [(String, population::Mix, Vec<Vec<Person>>)]) {
    for (from, to, share) in REFERRALS {
        let mut rng = StdRng::seed_from_u64(
            seed ^ u64::from_be_bytes(
                Sha256::digest(format!("{from}>{to}").as_bytes())[..8]
                    .try_into()
                    .expect("8 bytes"),
            ),
        );
        let Some(i) = caseloads.iter().position(|(s, _, _)| s == from) else {
            continue;
        };
        let Some(j) = caseloads.iter().position(|(s, _, _)| s == to) else {
            continue;
        };
        for q in 0..caseloads[i].2.len() {
            let referred: Vec<u64> = caseloads[i].2[q]
                .iter()
                .filter(|_| rng.random::<f64>() < *share)
                .map(|p| p.id)
                .collect();
            for id in referred {
                let mix = caseloads[j].1.clone();
                let person = population::draw(&mut rng, &mix, id, q);
                if !caseloads[j].2[q].iter().any(|p| p.id == id) {
                    caseloads[j].2[q].push(person);
                }
            }
        }
    }
}

/// Where the unkeyed agency-quarter and the sample secret go.
pub const DIR: &str = "linkage";

/// Write [`UNKEYED`] as the agency has it before `safecount key`: the same
/// rows with its file numbers in the person-key column, its identity export
/// (file number, first and last name, date of birth day/month/year), and
/// the sample secret.
pub fn write_unkeyed(
    out: &std::path::Path,
    cases: &crate::ingest::profile::ExtractProfile,
    people: &[Person],
    rows: &[Vec<(String, String)>],
) -> Result<(), super::SampleError> {
    let (slug, quarter) = UNKEYED;
    let dir = out.join(DIR);
    let key_column = cases
        .person_key
        .clone()
        .expect("sample profiles name a person key");
    let id_of: std::collections::HashMap<String, u64> = people
        .iter()
        .map(|p| (super::person_key(slug, p.id), p.id))
        .collect();
    let unkeyed: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|(c, v)| match (c == &key_column, id_of.get(v)) {
                    (true, Some(id)) => (c.clone(), file_number(*id)),
                    _ => (c.clone(), v.clone()),
                })
                .collect()
        })
        .collect();
    let numeric = super::numeric_columns(cases, crate::schema::ExtractKind::Cases);
    let extract = dir.join(format!("{slug}-{quarter}-unkeyed.csv"));
    super::write_table(&super::tabulate(unkeyed), cases, &extract, &numeric)?;

    let mut seen = std::collections::HashSet::new();
    let identities: Vec<Vec<(String, String)>> = people
        .iter()
        .filter(|p| seen.insert(p.id))
        .map(|p| {
            let (given, family, birth) = identity(p.id);
            let birth = birth
                .map(|b| format!("{}/{}/{}", &b[8..10], &b[5..7], &b[..4]))
                .unwrap_or_default();
            vec![
                (key_column.clone(), file_number(p.id)),
                ("First name".to_string(), given.to_string()),
                ("Last name".to_string(), family.to_string()),
                ("Date of birth".to_string(), birth),
            ]
        })
        .collect();
    let plain: crate::ingest::profile::ExtractProfile =
        toml::from_str("").expect("every setting has a default");
    let identity_path = dir.join(format!("{slug}-{quarter}-identity.csv"));
    super::write_table(&super::tabulate(identities), &plain, &identity_path, &[])?;
    let secret_path = dir.join("secret.txt");
    let _ = std::fs::remove_file(&secret_path);
    secret()
        .write_new(&secret_path)
        .map_err(|e| super::SampleError::Format {
            path: secret_path.clone(),
            message: e.to_string(),
        })
}

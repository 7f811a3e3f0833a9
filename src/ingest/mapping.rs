//! Value maps: an agency's spellings of a field -> canonical codes.
//!
//! A [`CodeMapper`] is built once per field from the profile. It accepts the
//! profile's spellings, the canonical codes themselves (with `_` read as a
//! space, so "debt bondage" is `debt_bondage`), the missing-data codes, and for
//! tri-states the usual yes/no spellings in English and French. Lookups are
//! cached per distinct cell, so a million rows cost a hash lookup each.

use super::profile::fold;
use crate::schema::{CodeList, codes};
use polars::prelude::PlHashMap as HashMap;
use std::collections::BTreeMap;

/// The result of mapping one cell or one item of a set cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapped {
    /// A canonical code of the list, or a missing-data code.
    Code(&'static str),
    /// "None of the codes" — a known-empty set (set fields only).
    NoneOf,
}

const TRI_DEFAULTS: &[(&str, &str)] = &[
    ("yes", "yes"),
    ("y", "yes"),
    ("oui", "yes"),
    ("o", "yes"),
    ("1", "yes"),
    ("true", "yes"),
    ("vrai", "yes"),
    ("x", "yes"),
    ("no", "no"),
    ("n", "no"),
    ("non", "no"),
    ("0", "no"),
    ("false", "no"),
    ("faux", "no"),
    ("unknown", "unknown"),
    ("inconnu", "unknown"),
    ("?", "unknown"),
    ("unk", "unknown"),
    ("don't know", "client_doesnt_know"),
    ("ne sait pas", "client_doesnt_know"),
    ("nsp", "client_doesnt_know"),
    ("refused", "client_refused"),
    ("refus", "client_refused"),
];

/// Maps cells of one field.
#[derive(Debug, Clone)]
pub struct CodeMapper {
    pub list: &'static CodeList,
    fold: bool,
    map: HashMap<String, Mapped>,
    /// The first spellings met, looked up by comparison before hashing: a
    /// column of codes rarely has more than a handful.
    first_seen: Vec<(Box<str>, Option<Mapped>)>,
    cache: HashMap<String, Option<Mapped>>,
}

/// How many spellings [`CodeMapper`] compares before it hashes.
const FIRST_SEEN: usize = 12;

fn static_code(list: &'static CodeList, code: &str) -> Option<&'static str> {
    list.codes
        .iter()
        .chain(codes::MISSING.codes)
        .find(|c| **c == code)
        .copied()
}

impl CodeMapper {
    /// `values`: the profile's spellings; `allow_none`: set fields, where "none" means a known-empty set.
    pub fn new(
        list: &'static CodeList,
        values: &BTreeMap<String, String>,
        fold_values: bool,
        allow_none: bool,
    ) -> Self {
        let key = |s: &str| {
            if fold_values {
                fold(s)
            } else {
                s.trim().to_string()
            }
        };
        let mut map = HashMap::default();
        for code in list.codes.iter().chain(codes::MISSING.codes) {
            map.insert(key(code), Mapped::Code(code));
            map.insert(key(&code.replace('_', " ")), Mapped::Code(code));
        }
        if list.name == codes::TRI_STATE.name {
            for (spelling, code) in TRI_DEFAULTS {
                map.insert(
                    key(spelling),
                    Mapped::Code(static_code(list, code).expect("tri-state code")),
                );
            }
        }
        if allow_none {
            map.insert(key("none"), Mapped::NoneOf);
        }
        for (spelling, target) in values {
            let mapped = match static_code(list, target) {
                Some(code) => Mapped::Code(code),
                None if allow_none && target == "none" => Mapped::NoneOf,
                None => continue, // the profile checker refused this already
            };
            map.insert(key(spelling), mapped);
        }
        CodeMapper {
            list,
            fold: fold_values,
            map,
            first_seen: Vec::new(),
            cache: HashMap::default(),
        }
    }

    /// Map one (non-empty) cell or item; None when it is not a known spelling.
    pub fn map(&mut self, raw: &str) -> Option<Mapped> {
        if let Some((_, hit)) = self.first_seen.iter().find(|(k, _)| **k == *raw) {
            return *hit;
        }
        if let Some(hit) = self.cache.get(raw) {
            return *hit;
        }
        let key = if self.fold {
            fold(raw)
        } else {
            raw.trim().to_string()
        };
        let hit = self.map.get(&key).copied();
        if self.first_seen.len() < FIRST_SEEN {
            self.first_seen.push((raw.into(), hit));
        } else if self.cache.len() < 50_000 {
            self.cache.insert(raw.to_string(), hit);
        }
        hit
    }

    /// Closest canonical code to an unknown spelling, to suggest a profile
    /// line: a known spelling it starts or nearly matches ("Fem" -> "Femme"
    /// -> woman), else the nearest code, else a code its words contain.
    pub fn suggest(&self, raw: &str) -> Option<&'static str> {
        let f = fold(raw);
        let code_of = |m: &Mapped| match m {
            Mapped::Code(c) if !codes::MISSING.contains(c) => Some(*c),
            _ => None,
        };
        let by_spelling = self
            .map
            .iter()
            .filter_map(|(k, m)| Some((k, code_of(m)?)))
            .map(|(k, c)| {
                let prefix = f.len() >= 2 && k.starts_with(&f);
                (
                    if prefix {
                        1.0
                    } else {
                        strsim::jaro_winkler(&f, k)
                    },
                    c,
                )
            })
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c);
        by_spelling
            .or_else(|| super::profile::closest(raw, self.list.codes.iter().copied()))
            .or_else(|| {
                self.list
                    .codes
                    .iter()
                    .copied()
                    .find(|c| c.len() > 3 && f.contains(&c.replace('_', " ")))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_profile_spellings_canonical_codes_and_missing_codes() {
        let values = BTreeMap::from([
            ("Femme".to_string(), "woman".to_string()),
            ("F".to_string(), "woman".to_string()),
        ]);
        let mut m = CodeMapper::new(&codes::GENDER, &values, true, false);
        assert_eq!(m.map("femme"), Some(Mapped::Code("woman")));
        assert_eq!(m.map(" F "), Some(Mapped::Code("woman")));
        assert_eq!(m.map("Non Binary"), Some(Mapped::Code("non_binary")));
        assert_eq!(m.map("not_collected"), Some(Mapped::Code("not_collected")));
        assert_eq!(m.map("W"), None);
        assert_eq!(m.suggest("Wom"), Some("woman"));
    }

    #[test]
    fn exact_matching_when_folding_is_off() {
        let values = BTreeMap::from([("F".to_string(), "woman".to_string())]);
        let mut m = CodeMapper::new(&codes::GENDER, &values, false, false);
        assert_eq!(m.map("F"), Some(Mapped::Code("woman")));
        assert_eq!(m.map("f"), None);
    }

    #[test]
    fn tri_states_know_yes_and_no_in_both_languages() {
        let mut m = CodeMapper::new(&codes::TRI_STATE, &BTreeMap::new(), true, false);
        assert_eq!(m.map("Oui"), Some(Mapped::Code("yes")));
        assert_eq!(m.map("NON"), Some(Mapped::Code("no")));
        assert_eq!(m.map("Inconnu"), Some(Mapped::Code("unknown")));
    }

    #[test]
    fn none_means_a_known_empty_set() {
        let values = BTreeMap::from([("Aucun".to_string(), "none".to_string())]);
        let mut m = CodeMapper::new(&codes::MEANS, &values, true, true);
        assert_eq!(m.map("aucun"), Some(Mapped::NoneOf));
        assert_eq!(m.map("Debt bondage"), Some(Mapped::Code("debt_bondage")));
    }
}

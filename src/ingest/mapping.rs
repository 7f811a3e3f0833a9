//! Value maps: an agency's spellings of a field -> canonical codes.
//!
//! A [`CodeMapper`] is built once per field from the profile. It accepts the
//! profile's spellings, the canonical codes themselves (with `_` read as a
//! space, so "debt bondage" is `debt_bondage`), the missing-data codes, and for
//! tri-states the usual yes/no spellings in English and French. The mapper
//! is immutable (part of the intake's plan, shared by every reader); each
//! reader keeps a [`LookupCache`] per mapper, so a cell of up to 16 bytes
//! (nearly every code) is found again by its bytes in a small table, without
//! hashing its text.

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

/// A mapped cell: what it maps to, the code's position in the field's list
/// (None for a missing-data code and for "none of the codes"), and its
/// position in the list followed by the missing-data codes ([`code_slots`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub mapped: Mapped,
    pub index: Option<u8>,
    pub slot: u8,
}

/// The codes a field's cells can map to: its list, then the missing-data codes
/// — the categories of the field's canonical `Enum`, so a slot is the
/// category's index.
pub fn code_slots(list: &'static CodeList) -> impl Iterator<Item = &'static str> {
    crate::schema::fields::code_categories(list)
}

impl Hit {
    /// A missing-data code (unknown, not collected, refused...).
    pub fn is_missing(&self) -> bool {
        self.index.is_none() && self.mapped != Mapped::NoneOf
    }
}

/// Maps cells of one field.
#[derive(Debug, Clone)]
pub struct CodeMapper {
    pub list: &'static CodeList,
    fold: bool,
    map: HashMap<String, Mapped>,
}

/// One reader's memory of the cells a [`CodeMapper`] has already mapped.
#[derive(Debug, Clone)]
pub struct LookupCache {
    /// Cells of up to 16 bytes already met, found by their bytes without
    /// hashing or comparing text (open addressing, a few probes at most).
    recent: Box<[RecentCell; RECENT_SLOTS]>,
    /// What the cells in `recent` map to (a cell holds an index here, to keep the table small).
    recent_hits: Vec<Option<Hit>>,
    /// Longer cells already met.
    cache: HashMap<String, Option<Hit>>,
}

impl Default for LookupCache {
    fn default() -> Self {
        LookupCache {
            recent: Box::new([RecentCell::default(); RECENT_SLOTS]),
            recent_hits: Vec::new(),
            cache: HashMap::default(),
        }
    }
}

const RECENT_SLOTS: usize = 64;
const RECENT_PROBES: usize = 8;

#[derive(Debug, Clone, Copy, Default)]
struct RecentCell {
    key: (u64, u64),
    /// 0: the slot is empty (cells looked up are never empty).
    len: u8,
    hit: u8,
}

/// A cell of 1 to 16 bytes as two words that, with its length, identify it:
/// the first and last 8 bytes (overlapping), or for shorter cells the first
/// and last 4, or bytes 0, len/2 and len-1, which together cover every byte.
fn short_key(bytes: &[u8]) -> Option<(u64, u64)> {
    let n = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    let half =
        |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as u64;
    match n {
        1..=3 => Some((
            bytes[0] as u64 | (bytes[n / 2] as u64) << 8 | (bytes[n - 1] as u64) << 16,
            0,
        )),
        4..=7 => Some((half(0) | half(n - 4) << 32, 0)),
        8..=16 => Some((word(0), word(n - 8))),
        _ => None,
    }
}

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
        }
    }

    /// Map one (non-empty) cell or item; None when it is not a known spelling.
    pub fn map(&self, cache: &mut LookupCache, raw: &str) -> Option<Mapped> {
        self.lookup(cache, raw).map(|hit| hit.mapped)
    }

    /// Map one (non-empty) cell or item, with the code's position in the list;
    /// `cache` remembers the answer for the next time this reader meets the cell.
    pub fn lookup(&self, cache: &mut LookupCache, raw: &str) -> Option<Hit> {
        let LookupCache {
            recent,
            recent_hits,
            cache,
        } = cache;
        if let Some(key) = short_key(raw.as_bytes()) {
            let hash = (key.0 ^ key.1.rotate_left(29) ^ raw.len() as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut slot = (hash >> 58) as usize % RECENT_SLOTS;
            for _ in 0..RECENT_PROBES {
                let cell = recent[slot];
                if cell.len as usize == raw.len() && cell.key == key {
                    return recent_hits[cell.hit as usize];
                }
                if cell.len == 0 && recent_hits.len() < 256 {
                    let hit = self.resolve(raw);
                    recent[slot] = RecentCell {
                        key,
                        len: raw.len() as u8,
                        hit: recent_hits.len() as u8,
                    };
                    recent_hits.push(hit);
                    return hit;
                }
                slot = (slot + 1) % RECENT_SLOTS;
            }
        }
        // A long cell, or a column with many spellings: the hashed cache.
        if let Some(hit) = cache.get(raw) {
            return *hit;
        }
        let hit = self.resolve(raw);
        if cache.len() < 50_000 {
            cache.insert(raw.to_string(), hit);
        }
        hit
    }

    fn resolve(&self, raw: &str) -> Option<Hit> {
        let key = if self.fold {
            fold(raw)
        } else {
            raw.trim().to_string()
        };
        let mapped = *self.map.get(&key)?;
        let (index, slot) = match mapped {
            Mapped::Code(c) => (
                self.list.index(c).map(|i| i as u8),
                code_slots(self.list)
                    .position(|s| s == c)
                    .map_or(u8::MAX, |i| i as u8),
            ),
            Mapped::NoneOf => (None, u8::MAX),
        };
        Some(Hit {
            mapped,
            index,
            slot,
        })
    }

    /// Whether an unknown spelling is near a spelling this field knows — a
    /// canonical code or one of the profile's — and so may be shown back:
    /// the start of one ("Fem" of "Femme"), or within one edit in four
    /// letters of one ("womn", "Transgendr"). Anything else might be a name
    /// or a note typed into the wrong column ("Tremblay", "woman - Gagnon",
    /// "F (Marie)"), and is counted, not shown.
    pub fn is_near(&self, raw: &str) -> bool {
        let f = fold(raw);
        let n = f.chars().count();
        if n == 0 {
            return false;
        }
        let near = |known: &str| {
            let k = known.chars().count();
            (n >= 2 && n <= k && known.starts_with(&f))
                || strsim::levenshtein(&f, known) <= (k / 4).max(1)
        };
        self.map.keys().any(|k| near(k))
            || self
                .list
                .codes
                .iter()
                .any(|c| near(c) || near(&c.replace('_', " ")))
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
        let m = CodeMapper::new(&codes::GENDER, &values, true, false);
        let mut c = LookupCache::default();
        assert_eq!(m.map(&mut c, "femme"), Some(Mapped::Code("woman")));
        assert_eq!(m.map(&mut c, " F "), Some(Mapped::Code("woman")));
        assert_eq!(
            m.map(&mut c, "Non Binary"),
            Some(Mapped::Code("non_binary"))
        );
        assert_eq!(
            m.map(&mut c, "not_collected"),
            Some(Mapped::Code("not_collected"))
        );
        assert_eq!(m.map(&mut c, "W"), None);
        assert_eq!(m.suggest("Wom"), Some("woman"));
    }

    #[test]
    fn spellings_alike_in_their_first_bytes_stay_apart() {
        let values = BTreeMap::from([
            ("Category W".to_string(), "woman".to_string()),
            ("Category M".to_string(), "man".to_string()),
        ]);
        let m = CodeMapper::new(&codes::GENDER, &values, false, false);
        let mut c = LookupCache::default();
        for _ in 0..3 {
            assert_eq!(m.map(&mut c, "Category W"), Some(Mapped::Code("woman")));
            assert_eq!(m.map(&mut c, "Category M"), Some(Mapped::Code("man")));
            assert_eq!(m.map(&mut c, "Category X"), None);
            assert_eq!(m.map(&mut c, "Category"), None);
        }
    }

    #[test]
    fn every_code_has_a_slot_below_the_null_byte() {
        for list in codes::ALL {
            assert!(code_slots(list).count() < u8::MAX as usize, "{}", list.name);
        }
        let m = CodeMapper::new(&codes::GENDER, &BTreeMap::new(), true, false);
        let mut c = LookupCache::default();
        let slots: Vec<&str> = code_slots(&codes::GENDER).collect();
        for spelling in ["woman", "not collected", "unknown"] {
            let hit = m.lookup(&mut c, spelling).unwrap();
            assert_eq!(Mapped::Code(slots[hit.slot as usize]), hit.mapped);
        }
    }

    #[test]
    fn exact_matching_when_folding_is_off() {
        let values = BTreeMap::from([("F".to_string(), "woman".to_string())]);
        let m = CodeMapper::new(&codes::GENDER, &values, false, false);
        let mut c = LookupCache::default();
        assert_eq!(m.map(&mut c, "F"), Some(Mapped::Code("woman")));
        assert_eq!(m.map(&mut c, "f"), None);
    }

    #[test]
    fn tri_states_know_yes_and_no_in_both_languages() {
        let m = CodeMapper::new(&codes::TRI_STATE, &BTreeMap::new(), true, false);
        let mut c = LookupCache::default();
        assert_eq!(m.map(&mut c, "Oui"), Some(Mapped::Code("yes")));
        assert_eq!(m.map(&mut c, "NON"), Some(Mapped::Code("no")));
        assert_eq!(m.map(&mut c, "Inconnu"), Some(Mapped::Code("unknown")));
    }

    #[test]
    fn none_means_a_known_empty_set() {
        let values = BTreeMap::from([("Aucun".to_string(), "none".to_string())]);
        let m = CodeMapper::new(&codes::MEANS, &values, true, true);
        let mut c = LookupCache::default();
        assert_eq!(m.map(&mut c, "aucun"), Some(Mapped::NoneOf));
        assert_eq!(
            m.map(&mut c, "Debt bondage"),
            Some(Mapped::Code("debt_bondage"))
        );
    }
}

//! Collaborative pseudonyms: the person key one person gets at every agency
//! of a collaborative, computed at the agency from a shared secret and never
//! from anything the collaborative holds.
//!
//! A key is `EPOCH.KEY`: `EPOCH` is the secret's public fingerprint (16 hex
//! digits, an HMAC of a fixed label) and `KEY` is the first 128 bits of
//! HMAC-SHA-256 (RFC 2104, the `hmac` and `sha2` crates) under the secret
//! over the person's normalised identity: every name part (given and family
//! names together) in Unicode compatibility decomposition (NFKD), accents
//! dropped, case folded, punctuation and spaces collapsed, the parts sorted;
//! then the date of birth as ISO 8601. So "Marie-Claire Tremblay" and
//! "TREMBLAY, Marie Claire" born 1990-03-07 get one key at every agency.
//!
//! What this cannot match, and does not guess: a typo or a changed name
//! (different parts), a different date of birth, or a row without a date of
//! birth or a name. Such a row gets an *agency-scoped* key (an HMAC of the
//! agency's slug and its own file reference), which never equals a key from
//! another agency: the person is then counted once per agency, as without
//! linkage.
//!
//! Why an HMAC and not a plain hash: names and dates of birth are guessable,
//! so a plain hash of them could be reversed by trying candidates. Without
//! the secret a key reveals nothing; the collaborative that receives the
//! extracts does not hold the secret. Rotating the secret starts a new
//! *epoch*: keys of two epochs never agree, and every key carries its
//! epoch, so the store records each submission's epoch and a release never
//! merges keys across epochs.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of randomness in a secret (256 bits).
pub const SECRET_BYTES: usize = 32;
/// Hex digits of an epoch fingerprint.
pub const EPOCH_DIGITS: usize = 16;
/// Hex digits of the key part of a person key (128 bits).
pub const KEY_DIGITS: usize = 32;

/// The label whose HMAC under the secret is the epoch's public fingerprint.
const FINGERPRINT_LABEL: &[u8] = b"safecount linkage epoch fingerprint v1";
/// Domain separation of a linked key's input from an agency-scoped one's.
const PERSON_DOMAIN: &[u8] = b"safecount person v1\x1f";
const AGENCY_DOMAIN: &[u8] = b"safecount agency-scoped v1\x1f";

/// Why a secret file cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read the linkage secret file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the linkage secret file {} does not hold a secret written by `safecount key --new-secret` (64 hexadecimal digits)",
        path.display()
    )]
    Malformed { path: PathBuf },
    #[error(
        "{} already exists: a new secret never overwrites one (that would end the linkage epoch of every agency using it); choose another file name",
        path.display()
    )]
    Exists { path: PathBuf },
    #[error("cannot write the linkage secret file {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl SecretError {
    /// The error as a catalogue message.
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        let file = |p: &Path| p.display().to_string();
        match self {
            SecretError::Read { path, source } => Message::new("key-secret-unreadable")
                .with("file", file(path))
                .with("detail", source.to_string()),
            SecretError::Malformed { path } => {
                Message::new("key-secret-malformed").with("file", file(path))
            }
            SecretError::Exists { path } => {
                Message::new("key-secret-exists").with("file", file(path))
            }
            SecretError::Write { path, source } => Message::new("key-secret-unwritable")
                .with("file", file(path))
                .with("detail", source.to_string()),
        }
    }
}

/// A collaborative's linkage secret: 256 random bits shared by its member
/// agencies, never sent to the collaborative. `Debug` does not show it.
#[derive(Clone)]
pub struct Secret([u8; SECRET_BYTES]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(epoch {})", self.fingerprint())
    }
}

impl Secret {
    /// A new secret from the operating system's random source.
    pub fn generate() -> Secret {
        use rand::TryRngCore;
        let mut bytes = [0u8; SECRET_BYTES];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .expect("the operating system's random source is available");
        Secret(bytes)
    }

    /// A secret from its bytes (tests and the synthetic sample).
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> Secret {
        Secret(bytes)
    }

    /// Read a secret file: 64 hex digits, surrounding whitespace and `#` comment lines ignored.
    pub fn read(path: &Path) -> Result<Secret, SecretError> {
        let text = std::fs::read_to_string(path).map_err(|source| SecretError::Read {
            path: path.into(),
            source,
        })?;
        let digits: String = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let mut bytes = [0u8; SECRET_BYTES];
        hex::decode_to_slice(digits.as_bytes(), &mut bytes)
            .map_err(|_| SecretError::Malformed { path: path.into() })?;
        Ok(Secret(bytes))
    }

    /// Write the secret to a new file (never over an existing one), readable by its owner only.
    pub fn write_new(&self, path: &Path) -> Result<(), SecretError> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                SecretError::Exists { path: path.into() }
            } else {
                SecretError::Write {
                    path: path.into(),
                    source,
                }
            }
        })?;
        let text = format!(
            "# safecount linkage secret, epoch {}\n{}\n",
            self.fingerprint(),
            hex::encode(self.0)
        );
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|source| SecretError::Write {
                path: path.into(),
                source,
            })
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }

    /// The epoch's public fingerprint: an HMAC of a fixed label, so it names
    /// the secret without revealing it.
    pub fn fingerprint(&self) -> String {
        let mut mac = self.mac();
        mac.update(FINGERPRINT_LABEL);
        hex::encode(&mac.finalize().into_bytes()[..EPOCH_DIGITS / 2])
    }

    /// A keyer for this secret (the HMAC keyed once, cloned per row).
    pub fn keyer(&self) -> Keyer {
        Keyer {
            mac: self.mac(),
            epoch: self.fingerprint(),
        }
    }
}

/// Computes person keys under one secret.
#[derive(Clone)]
pub struct Keyer {
    mac: HmacSha256,
    epoch: String,
}

impl Keyer {
    /// The epoch fingerprint every key of this keyer carries.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    fn key_of(&self, parts: &[&[u8]]) -> String {
        let mut mac = self.mac.clone();
        for part in parts {
            mac.update(part);
        }
        let digest = mac.finalize().into_bytes();
        let mut key = String::with_capacity(EPOCH_DIGITS + 1 + KEY_DIGITS);
        key.push_str(&self.epoch);
        key.push('.');
        key.push_str(&hex::encode(&digest[..KEY_DIGITS / 2]));
        key
    }

    /// The collaborative key of a person from a normalised name
    /// ([`normalise_name`]) and an ISO date of birth.
    pub fn person(&self, name: &str, birth_date: &str) -> String {
        self.key_of(&[
            PERSON_DOMAIN,
            name.as_bytes(),
            b"\x1f",
            birth_date.as_bytes(),
        ])
    }

    /// An agency-scoped key: the agency's slug and its own reference for the
    /// person. It never equals a collaborative key, nor another agency's key.
    pub fn agency_scoped(&self, agency: &str, reference: &str) -> String {
        self.key_of(&[
            AGENCY_DOMAIN,
            agency.as_bytes(),
            b"\x1f",
            reference.as_bytes(),
        ])
    }
}

fn lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `s` is written as an epoch fingerprint is (16 lower-case hex digits).
pub fn is_epoch(s: &str) -> bool {
    s.len() == EPOCH_DIGITS && lower_hex(s)
}

/// The epoch of a collaborative person key (`EPOCH.KEY`), or None for any
/// other pseudonym (an agency's own).
pub fn epoch_of(key: &str) -> Option<&str> {
    let (epoch, rest) = key.split_at_checked(EPOCH_DIGITS)?;
    let digits = rest.strip_prefix('.')?;
    (digits.len() == KEY_DIGITS && is_epoch(epoch) && lower_hex(digits)).then_some(epoch)
}

/// Letters that compatibility decomposition leaves whole, spelled as
/// agencies' systems without them spell them.
fn spelled_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// A person's name, normalised for linkage: the name cells together (given
/// and family name, or one full-name cell), in NFKD with combining marks
/// dropped, lower case, every run of anything but letters and digits a
/// break, the parts sorted and joined by one space. None when no letter or
/// digit is left.
pub fn normalise_name<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<String> {
    // The parts, one after another in `text`, and where each ends.
    let mut text = String::new();
    let mut ends: Vec<usize> = Vec::new();
    let push = |c: char, text: &mut String, ends: &mut Vec<usize>| {
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                match spelled_out(lower) {
                    Some(s) => text.push_str(s),
                    None => text.push(lower),
                }
            }
        } else if text.len() > ends.last().copied().unwrap_or(0) {
            ends.push(text.len());
        }
    };
    for cell in cells {
        // Plain ASCII has nothing to decompose (the common case, and the fast one).
        if cell.is_ascii() {
            cell.chars().for_each(|c| push(c, &mut text, &mut ends));
        } else {
            cell.nfkd()
                .filter(|c| !is_combining_mark(*c))
                .for_each(|c| push(c, &mut text, &mut ends));
        }
        push(' ', &mut text, &mut ends);
    }
    let mut parts: Vec<&str> = ends
        .iter()
        .scan(0, |start, end| {
            let part = &text[*start..*end];
            *start = *end;
            Some(part)
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    parts.sort_unstable();
    Some(parts.join(" "))
}

/// Date formats tried, in order, when the profile names none.
const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y"];

/// A date of birth as ISO 8601 (`YYYY-MM-DD`), read with `format` (else
/// the ISO forms and day-first forms), or None when it is empty, unreadable
/// or impossible (before 1900, or in the future of `today`).
pub fn normalise_birth_date(
    cell: &str,
    format: Option<&str>,
    today: chrono::NaiveDate,
) -> Option<String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    // A spreadsheet date-time ("1990-03-07 00:00:00", "1990-03-07T00:00:00"): the date part.
    let cell = cell
        .split_once(['T', ' '])
        .map_or(cell, |(date, _)| date)
        .trim();
    let earliest = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");
    // ISO already (the common case): checked, not re-formatted.
    let b = cell.as_bytes();
    let iso = format.is_none_or(|f| f == "%Y-%m-%d")
        && b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if iso {
        let number = |r: std::ops::Range<usize>| cell[r].parse::<u32>().unwrap_or(0);
        let date =
            chrono::NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))?;
        return (earliest..=today).contains(&date).then(|| cell.to_string());
    }
    let date = match format {
        Some(f) => chrono::NaiveDate::parse_from_str(cell, f).ok(),
        None => DATE_FORMATS
            .iter()
            .find_map(|f| chrono::NaiveDate::parse_from_str(cell, f).ok()),
    }?;
    (earliest..=today)
        .contains(&date)
        .then(|| date.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(b: u8) -> Secret {
        Secret::from_bytes([b; SECRET_BYTES])
    }

    #[test]
    fn differently_written_names_normalise_alike() {
        let a = normalise_name(["Marie-Claire", "Tremblay"]);
        let b = normalise_name(["TREMBLAY, Marie Claire"]);
        let c = normalise_name(["  marie claire  ", "TREMBLAY"]);
        assert_eq!(a.as_deref(), Some("claire marie tremblay"));
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            normalise_name(["Hélène", "Côté"]),
            normalise_name(["HELENE COTE"])
        );
        assert_eq!(
            normalise_name(["Groß", "Søren"]),
            normalise_name(["gross soren"])
        );
        // Full-width letters (NFKD compatibility) read as plain ones.
        assert_eq!(normalise_name(["Ａｎａ"]), normalise_name(["ana"]));
        assert_eq!(normalise_name([" ", "-, "]), None);
        // Different people stay different.
        assert_ne!(
            normalise_name(["Marie Tremblay"]),
            normalise_name(["Marc Tremblay"])
        );
    }

    #[test]
    fn dates_of_birth_become_iso_or_nothing() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let iso = |c, f| normalise_birth_date(c, f, today);
        assert_eq!(iso("1990-03-07", None).as_deref(), Some("1990-03-07"));
        assert_eq!(iso("07/03/1990", None).as_deref(), Some("1990-03-07"));
        assert_eq!(
            iso("1990-03-07 00:00:00", None).as_deref(),
            Some("1990-03-07")
        );
        assert_eq!(
            iso("03/07/1990", Some("%m/%d/%Y")).as_deref(),
            Some("1990-03-07")
        );
        assert_eq!(iso("", None), None);
        assert_eq!(iso("unknown", None), None);
        assert_eq!(iso("1890-01-01", None), None);
        assert_eq!(iso("2030-01-01", None), None);
    }

    #[test]
    fn keys_carry_their_epoch_and_depend_on_the_secret() {
        let (a, b) = (secret(1).keyer(), secret(2).keyer());
        let name = normalise_name(["Marie-Claire Tremblay"]).unwrap();
        let ka = a.person(&name, "1990-03-07");
        assert_eq!(epoch_of(&ka), Some(a.epoch()));
        assert_eq!(ka, a.person(&name, "1990-03-07"));
        assert_ne!(ka, b.person(&name, "1990-03-07"));
        assert_ne!(ka, a.person(&name, "1990-03-08"));
        assert_ne!(a.epoch(), b.epoch());
        // Agency-scoped keys never meet across agencies, nor a collaborative key.
        assert_ne!(a.agency_scoped("x", "1"), a.agency_scoped("y", "1"));
        assert_eq!(epoch_of(&a.agency_scoped("x", "1")), Some(a.epoch()));
        assert_eq!(epoch_of("a1b2c3d4e5f6a7b8"), None);
        assert_eq!(epoch_of(&ka.to_uppercase()), None);
    }

    #[test]
    fn a_secret_file_is_written_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.txt");
        let s = Secret::generate();
        s.write_new(&path).unwrap();
        assert_eq!(Secret::read(&path).unwrap().fingerprint(), s.fingerprint());
        assert!(matches!(
            Secret::generate().write_new(&path),
            Err(SecretError::Exists { .. })
        ));
        std::fs::write(&path, "correct horse battery staple\n").unwrap();
        assert!(matches!(
            Secret::read(&path),
            Err(SecretError::Malformed { .. })
        ));
        assert!(!format!("{s:?}").contains(&hex::encode(s.0)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let other = dir.path().join("other.txt");
            Secret::generate().write_new(&other).unwrap();
            let mode = std::fs::metadata(&other).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by its owner only");
        }
    }
}

//! Agencies allowed to upload, and their tokens. A token is shown once, when
//! it is made; the store keeps only its SHA-256. A token names its agency
//! (`sc1.<slug>.<secret>`) so the server finds the one stored hash to
//! compare, and compares it in constant time.
//!
//! Also here: the `Idempotency-Key` record of answered uploads, so a client
//! retrying a request gets the first answer again.

use super::{Store, StoreError, now};
use rand::TryRngCore;
use rusqlite::{OptionalExtension, params};
use subtle::ConstantTimeEq;

pub(super) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS agencies (
    slug        TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS idempotency (
    agency       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (agency, key)
);
"#;

const PREFIX: &str = "sc1";

#[derive(Debug, thiserror::Error)]
pub enum AgencyError {
    #[error(
        "\"{0}\" is not a valid agency slug: use 2-40 lowercase letters, digits and hyphens, starting with a letter"
    )]
    BadSlug(String),
    #[error("the agency {0} already has a token; revoke it first (safecount agency revoke {0})")]
    Exists(String),
    #[error("there is no active agency {0}")]
    Unknown(String),
    #[error("the system's random number generator failed: {0}")]
    Random(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl crate::exit::ExitCode for AgencyError {
    fn exit_code(&self) -> i32 {
        match self {
            AgencyError::BadSlug(_) | AgencyError::Exists(_) | AgencyError::Unknown(_) => {
                crate::exit::USAGE
            }
            AgencyError::Random(_) => crate::exit::SOFTWARE,
            AgencyError::Store(e) => e.exit_code(),
        }
    }
}

impl AgencyError {
    /// The error in the catalogues' words.
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            AgencyError::BadSlug(slug) => {
                Message::new("agency-bad-slug").with("slug", slug.as_str())
            }
            AgencyError::Exists(slug) => Message::new("agency-exists").with("slug", slug.as_str()),
            AgencyError::Unknown(slug) => {
                Message::new("agency-unknown").with("slug", slug.as_str())
            }
            AgencyError::Random(detail) => {
                Message::new("agency-random").with("detail", detail.as_str())
            }
            AgencyError::Store(e) => e.message(),
        }
    }
}

impl From<rusqlite::Error> for AgencyError {
    fn from(e: rusqlite::Error) -> Self {
        AgencyError::Store(StoreError::Sql(e))
    }
}

/// Whether a slug is acceptable: `[a-z][a-z0-9-]{1,39}`.
pub fn valid_slug(slug: &str) -> bool {
    let b = slug.as_bytes();
    (2..=40).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

fn token_hash(token: &str) -> String {
    crate::digest::sha256_hex(token.as_bytes())
}

/// An active agency, as listed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Agency {
    pub slug: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// An answer stored under an idempotency key.
#[derive(Debug, Clone)]
pub struct StoredAnswer {
    pub request_sha256: String,
    pub status: u16,
    pub body: String,
}

impl Store {
    /// Register an agency and return its new token (shown once; only its hash is kept).
    pub fn add_agency(&self, slug: &str) -> Result<String, AgencyError> {
        if !valid_slug(slug) {
            return Err(AgencyError::BadSlug(slug.into()));
        }
        let mut secret = [0u8; 32];
        rand::rngs::OsRng
            .try_fill_bytes(&mut secret)
            .map_err(|e| AgencyError::Random(e.to_string()))?;
        let token = format!("{PREFIX}.{slug}.{}", hex::encode(secret));
        let conn = self.connect()?;
        let active: Option<Option<String>> = conn
            .query_row(
                "SELECT revoked_at FROM agencies WHERE slug = ?1",
                params![slug],
                |r| r.get(0),
            )
            .optional()?;
        match active {
            Some(None) => return Err(AgencyError::Exists(slug.into())),
            Some(Some(_)) => {
                conn.execute(
                    "UPDATE agencies SET token_sha256 = ?2, created_at = ?3, revoked_at = NULL WHERE slug = ?1",
                    params![slug, token_hash(&token), now()],
                )?;
            }
            None => {
                conn.execute(
                    "INSERT INTO agencies (slug, token_sha256, created_at) VALUES (?1, ?2, ?3)",
                    params![slug, token_hash(&token), now()],
                )?;
            }
        }
        Ok(token)
    }

    /// Revoke an agency's token: it stops working at once.
    pub fn revoke_agency(&self, slug: &str) -> Result<(), AgencyError> {
        let n = self.connect()?.execute(
            "UPDATE agencies SET revoked_at = ?2 WHERE slug = ?1 AND revoked_at IS NULL",
            params![slug, now()],
        )?;
        if n == 0 {
            return Err(AgencyError::Unknown(slug.into()));
        }
        Ok(())
    }

    /// Every agency the store knows: registered with a token, or with a stored submission.
    pub fn known_agencies(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare("SELECT slug FROM agencies UNION SELECT agency FROM submissions ORDER BY 1")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn agencies(&self) -> Result<Vec<Agency>, AgencyError> {
        let conn = self.connect()?;
        let mut stmt =
            conn.prepare("SELECT slug, created_at, revoked_at FROM agencies ORDER BY slug")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Agency {
                    slug: r.get(0)?,
                    created_at: r.get(1)?,
                    revoked_at: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The agency a token belongs to, if it is a current token. Compares the
    /// token's hash with the stored one in constant time.
    pub fn authenticate(&self, token: &str) -> Result<Option<String>, AgencyError> {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(PREFIX), Some(slug), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            return Ok(None);
        };
        if !valid_slug(slug) {
            return Ok(None);
        }
        let stored: Option<String> = self
            .connect()?
            .query_row(
                "SELECT token_sha256 FROM agencies WHERE slug = ?1 AND revoked_at IS NULL",
                params![slug],
                |r| r.get(0),
            )
            .optional()?;
        // Compare even when the agency is unknown, so timing does not tell which slugs exist.
        let expected = stored.clone().unwrap_or_else(|| "0".repeat(64));
        let given = token_hash(token.trim());
        let same: bool = given.as_bytes().ct_eq(expected.as_bytes()).into();
        Ok((same && stored.is_some()).then(|| slug.to_string()))
    }

    /// Claim an agency's idempotency key for a request (by the request's
    /// hash), in one transaction, before the upload is processed. Keys older
    /// than [`IDEMPOTENCY_TTL_HOURS`] are forgotten first.
    pub fn claim_idempotency_key(
        &self,
        agency: &str,
        key: &str,
        request_sha256: &str,
    ) -> Result<KeyClaim, AgencyError> {
        let mut conn = self.connect()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM idempotency WHERE created_at < ?1",
            params![super::hours_ago(IDEMPOTENCY_TTL_HOURS)],
        )?;
        let found: Option<StoredAnswer> = tx
            .query_row(
                "SELECT request_sha256, status, body FROM idempotency WHERE agency = ?1 AND key = ?2",
                params![agency, key],
                |r| {
                    Ok(StoredAnswer {
                        request_sha256: r.get(0)?,
                        status: r.get::<_, i64>(1)? as u16,
                        body: r.get(2)?,
                    })
                },
            )
            .optional()?;
        let claim = match found {
            None => {
                tx.execute(
                    "INSERT INTO idempotency (agency, key, request_sha256, status, body, created_at) VALUES (?1, ?2, ?3, 0, '', ?4)",
                    params![agency, key, request_sha256, now()],
                )?;
                KeyClaim::Claimed
            }
            Some(a) if a.request_sha256 != request_sha256 => KeyClaim::OtherRequest,
            Some(a) if a.status == 0 => KeyClaim::InProgress,
            Some(a) => KeyClaim::Answered(a),
        };
        tx.commit()?;
        Ok(claim)
    }

    /// Record the answer to a claimed key: its status and a body that holds
    /// a receipt or a short problem, never a validation report.
    pub fn answer_idempotency_key(
        &self,
        agency: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), AgencyError> {
        self.connect()?.execute(
            "UPDATE idempotency SET status = ?3, body = ?4 WHERE agency = ?1 AND key = ?2",
            params![agency, key, status as i64, body],
        )?;
        Ok(())
    }

    /// Give up every claim still "in progress": at start-up no request is
    /// under way, so these were left by a server that was killed while it
    /// checked. A retry with the same key is then processed again, and gets
    /// the stored receipt if the file had been stored. Returns how many.
    pub fn release_unfinished_idempotency_keys(&self) -> Result<usize, StoreError> {
        Ok(self
            .connect()?
            .execute("DELETE FROM idempotency WHERE status = 0", [])?)
    }

    /// Give a claimed key up (the request failed on the server's side: it may be retried).
    pub fn release_idempotency_key(&self, agency: &str, key: &str) -> Result<(), AgencyError> {
        self.connect()?.execute(
            "DELETE FROM idempotency WHERE agency = ?1 AND key = ?2 AND status = 0",
            params![agency, key],
        )?;
        Ok(())
    }
}

/// How long an idempotency key is remembered.
pub const IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// What claiming an idempotency key found.
#[derive(Debug, Clone)]
pub enum KeyClaim {
    /// New: this request processes the upload, then answers the key.
    Claimed,
    /// The same request is being processed by another connection.
    InProgress,
    /// The key was used for a different upload.
    OtherRequest,
    /// The same request was answered: replay this answer.
    Answered(StoredAnswer),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_works_for_its_agency_only_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let token = store.add_agency("maison-aurore").unwrap();
        assert!(token.starts_with("sc1.maison-aurore."));
        assert_eq!(
            store.authenticate(&token).unwrap().as_deref(),
            Some("maison-aurore")
        );
        let forged = token.replace("sc1.maison-aurore.", "sc1.other-agency.");
        assert_eq!(store.authenticate(&forged).unwrap(), None);
        let mut wrong = token.clone();
        wrong.pop();
        wrong.push('x');
        assert_eq!(store.authenticate(&wrong).unwrap(), None);
        assert!(matches!(
            store.add_agency("maison-aurore"),
            Err(AgencyError::Exists(_))
        ));
        store.revoke_agency("maison-aurore").unwrap();
        assert_eq!(store.authenticate(&token).unwrap(), None);
        let renewed = store.add_agency("maison-aurore").unwrap();
        assert_ne!(renewed, token);
        assert!(store.authenticate(&renewed).unwrap().is_some());
        // Only the hash is stored.
        let conn = store.connect().unwrap();
        let stored: String = conn
            .query_row("SELECT token_sha256 FROM agencies", [], |r| r.get(0))
            .unwrap();
        assert!(!stored.contains(&renewed) && stored.len() == 64);
    }

    #[test]
    fn slugs_are_checked() {
        assert!(valid_slug("maison-aurore"));
        assert!(!valid_slug("../etc"));
        assert!(!valid_slug("A"));
        assert!(!valid_slug("x"));
    }
}

//! The wall clock as the store, the ledger and the report write it: RFC 3339
//! UTC timestamps with milliseconds, comparable as text.

/// Now, as an RFC 3339 UTC timestamp.
pub fn now() -> String {
    hours_ago(0)
}

/// `hours` before now, as an RFC 3339 UTC timestamp (comparable as text with [`now`]).
pub fn hours_ago(hours: i64) -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
        - hours * 3_600_000;
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// Today's date (UTC).
pub fn today() -> chrono::NaiveDate {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

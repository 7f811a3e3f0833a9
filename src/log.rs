//! The process's log: one line per event on standard error, as plain text or
//! as one JSON object per line (`serve --log-format json`), each with a
//! level. Written so that it can never fail what is being logged: a full
//! disk, a closed pipe or a terminal gone away loses the line, not the
//! request, and never panics (as `eprintln!` does when standard error cannot
//! be written).
//!
//! Lines carry ids, counts, statuses, routes and times, never a value from a
//! file, a query or a header.

use std::io::Write;
use std::sync::OnceLock;

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `message key=value ...`
    #[default]
    Text,
    /// One JSON object per line: `at`, `level`, `message`, then the fields.
    Json,
}

static FORMAT: OnceLock<Format> = OnceLock::new();

/// Choose the format for the rest of the process (the first call wins).
pub fn set_format(format: Format) {
    let _ = FORMAT.set(format);
}

/// How important a line is.
#[derive(Debug, Clone, Copy)]
pub enum Level {
    Info,
    Warn,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
        }
    }
}

/// Write one line to standard error; a failure to write is ignored.
pub fn line(text: &str) {
    event(Level::Info, text, &[]);
}

/// One event with its fields, in the chosen format.
pub fn event(level: Level, message: &str, fields: &[(&str, serde_json::Value)]) {
    let text = match FORMAT.get().copied().unwrap_or_default() {
        Format::Text => {
            let mut text = message.to_string();
            for (key, value) in fields {
                let value = match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                text.push_str(&format!(" {key}={value}"));
            }
            text
        }
        Format::Json => {
            let mut object = serde_json::Map::new();
            object.insert("at".into(), crate::clock::now().into());
            object.insert("level".into(), level.as_str().into());
            object.insert("message".into(), message.into());
            for (key, value) in fields {
                object.insert((*key).to_string(), value.clone());
            }
            serde_json::Value::Object(object).to_string()
        }
    };
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
}

//! The process's log: one line per event on standard error, written so that
//! it can never fail what is being logged. A full disk, a closed pipe or a
//! terminal gone away loses the line, not the request, and never panics (as
//! `eprintln!` does when standard error cannot be written).
//!
//! Lines carry ids, counts, statuses and times, never a value from a file.

use std::io::Write;

/// Write one line to standard error; a failure to write is ignored.
pub fn line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
}

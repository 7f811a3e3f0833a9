//! The process's log, through `tracing`: events with a level and fields,
//! written to standard error as plain lines or as one JSON object per line
//! (`serve --log-format json`), filtered by `--log-level`. Each request
//! runs in a `request` span carrying its request id, so every event a
//! request causes — including those from its blocking work — carries it.
//!
//! Written so that logging can never fail what is being logged: a full
//! disk, a closed pipe or a terminal gone away loses the line, not the
//! request, and never panics (as `eprintln!` does when standard error cannot
//! be written); the subscriber's own write errors are not reported.
//!
//! Events carry ids, counts, statuses, routes and times, never a value from
//! a file, a query or a header.

use std::io::Write;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `LEVEL message key=value ...`
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `message`, the
    /// event's fields, and `span` (the request's id) when in a request.
    Json,
}

/// The least important events written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Level {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
}

impl From<Level> for LevelFilter {
    fn from(level: Level) -> Self {
        match level {
            Level::Error => LevelFilter::ERROR,
            Level::Warn => LevelFilter::WARN,
            Level::Info => LevelFilter::INFO,
            Level::Debug => LevelFilter::DEBUG,
        }
    }
}

/// Standard error, whose write errors are swallowed.
#[derive(Clone, Copy)]
struct QuietStderr;

impl Write for QuietStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().lock().write_all(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for QuietStderr {
    type Writer = QuietStderr;
    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

/// Install the process's subscriber (the first call wins; later ones, as in
/// tests that start several servers in one process, change nothing).
pub fn init(format: Format, level: Level) {
    let builder = tracing_subscriber::fmt()
        .with_writer(QuietStderr)
        .with_max_level(LevelFilter::from(level))
        .with_ansi(false)
        .with_target(false)
        .log_internal_errors(false);
    let _ = match format {
        Format::Text => builder.without_time().try_init(),
        Format::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// A line for the person at the console (an error of a command, a line of
/// progress): written to standard error, or lost if it cannot be; never a
/// panic.
pub fn console(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
}

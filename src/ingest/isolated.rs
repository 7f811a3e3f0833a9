//! Checking an extract in a child process, so that a file built to hurt the
//! checker costs one check, never the process that asked for it.
//!
//! The readers refuse what a file declares beyond their limits, but a file
//! can still find a path they do not guard (a schema nested 5,000 deep
//! overflows polars' stack; a page header can make polars allocate what it
//! claims; a value out of range panics inside polars-arrow). So `serve`,
//! `validate` and `submit` run each check in a child: the same binary,
//! started as `safecount __check`, given the check on its standard input and
//! answering with the report on its standard output (and the canonical
//! records in a Parquet file the parent names). The parent watches it:
//! - its anonymous memory (`RssAnon`: a memory-mapped file is not counted),
//!   against [`memory_limit`] of the file's size;
//! - its wall-clock time, against [`time_limit`];
//! - its CPU time and core dumps, through `setrlimit` in the child.
//!
//! A child that is killed, crashes or answers nonsense becomes a report with
//! one error: the file could not be checked, why (memory, time, a crash),
//! and a reference id that is also written to the log — never the file's
//! contents, which the child's standard error (a panic message could quote
//! a cell) is not allowed to reach.
//!
//! Without a checker program (the library used in-process, as the tests and
//! `demo` do), [`check_file`] is [`validate_file`].

use super::normalise::{IngestError, IngestOptions, Outcome, validate_file};
use super::profile::Profile;
use super::read::ReadOptions;
use super::report::{ErrorCode, Report};
use crate::i18n::Message;
use crate::schema::{ExtractKind, Quarter};
use polars::prelude::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The first argument that makes the binary a check child.
pub const CHILD_ARGUMENT: &str = "__check";

/// The program to start for checks: this process's own binary, when it can
/// be found (None: check in this process).
pub fn this_program() -> Option<PathBuf> {
    std::env::current_exe().ok()
}

/// Most anonymous memory a check of a file of `bytes` may use: 384 MiB, plus
/// three times the file's size (a 200 MB CSV of a million rows peaks at
/// 0.4 GB), at most 4 GiB. Measured, not declared: the file is on disk.
pub fn memory_limit(bytes: u64) -> u64 {
    (384u64 << 20)
        .saturating_add(bytes.saturating_mul(3))
        .min(4 << 30)
}

/// Longest a check of a file of `bytes` may take: 30 s, plus 30 s per
/// 100 MiB (a 1M-row CSV takes about 2 s here).
pub fn time_limit(bytes: u64) -> Duration {
    Duration::from_secs(30 + 30 * bytes.div_ceil(100 << 20))
}

/// Check an extract: in a child process started from `checker` (the
/// safecount binary), else in this one. The canonical records come back only
/// when `want_records` (a check whose report is all that is shown needs none).
pub fn check_file(
    checker: Option<&Path>,
    path: &Path,
    profile: &Profile,
    options: &IngestOptions,
    want_records: bool,
) -> Result<Outcome, IngestError> {
    match checker {
        Some(program) => check_in_child(program, path, profile, options, want_records),
        None => validate_file(path, profile, options),
    }
}

/// What the parent tells the child.
#[derive(serde::Serialize, serde::Deserialize)]
struct Request {
    file: PathBuf,
    /// The profile's own text and path (the built-in canonical one by its slug).
    profile_text: String,
    profile_path: PathBuf,
    canonical: Option<(String, Option<String>)>,
    kind: ExtractKind,
    quarter: Option<String>,
    sheet: Option<String>,
    max_bytes: Option<u64>,
    threads: Option<usize>,
    linkage_epoch: Option<String>,
    /// Where the child writes the canonical records of a valid file, when
    /// the caller wants them.
    records: Option<PathBuf>,
    cpu_seconds: u64,
}

/// What the child answers.
#[derive(serde::Serialize, serde::Deserialize)]
enum Answer {
    Checked { report: Box<Report>, records: bool },
    MissingInput(PathBuf),
    NoSection { kind: ExtractKind },
}

/// Why a check did not finish, as the `why` of `intake-unchecked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Memory,
    Time,
    Crash,
}

impl Failure {
    fn as_str(self) -> &'static str {
        match self {
            Failure::Memory => "memory",
            Failure::Time => "time",
            Failure::Crash => "crash",
        }
    }
}

fn check_in_child(
    program: &Path,
    path: &Path,
    profile: &Profile,
    options: &IngestOptions,
    want_records: bool,
) -> Result<Outcome, IngestError> {
    let bytes = std::fs::metadata(path)
        .map_err(|_| IngestError::MissingInput(path.to_path_buf()))?
        .len();
    let records = want_records.then(|| records_file(path));
    // Created and locked here, so that a sweep of the staging folder leaves
    // it alone while the child writes it; removed whatever happens.
    let _held = match &records {
        Some(p) => {
            let file =
                std::fs::File::create(p).map_err(|_| IngestError::MissingInput(p.to_path_buf()))?;
            let _ = file.try_lock();
            Some((file, Remove(p.clone())))
        }
        None => None,
    };
    let limit = time_limit(bytes);
    let request = Request {
        file: path.to_path_buf(),
        profile_text: profile.source_text().to_string(),
        profile_path: profile.path.clone(),
        canonical: profile
            .is_builtin_canonical()
            .then(|| (profile.agency.slug.clone(), profile.agency.province.clone())),
        kind: options.kind,
        quarter: options.quarter.map(|q| q.to_string()),
        sheet: options.read.sheet.clone(),
        max_bytes: options.read.max_bytes,
        threads: options.read.threads,
        linkage_epoch: options.linkage_epoch.clone(),
        records: records.clone(),
        // CPU seconds for every thread of the child together.
        cpu_seconds: limit.as_secs() * cpus() as u64,
    };
    let started = Instant::now();
    let run = run_child(program, &request, memory_limit(bytes), limit);
    let answer = match run {
        Ok(answer) => answer,
        Err(failure) => return Ok(unchecked(path, profile, options.kind, failure, started)),
    };
    match answer {
        Answer::Checked {
            report,
            records: has_records,
        } => {
            let records = match records.filter(|_| has_records) {
                Some(records) => {
                    let file = std::fs::File::open(&records)
                        .map_err(|_| IngestError::MissingInput(records.clone()))?;
                    match ParquetReader::new(file).finish() {
                        Ok(df) => Some(df),
                        Err(_) => {
                            return Ok(unchecked(
                                path,
                                profile,
                                options.kind,
                                Failure::Crash,
                                started,
                            ));
                        }
                    }
                }
                None => None,
            };
            Ok(Outcome {
                report: *report,
                records,
            })
        }
        Answer::MissingInput(p) => Err(IngestError::MissingInput(p)),
        Answer::NoSection { kind } => Err(IngestError::NoSection {
            profile: profile.path.clone(),
            kind: kind.as_str(),
        }),
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Where the child writes the records: beside the extract, which is a
/// staged upload in the store's `tmp/` (named for the sweep's `canonical-`
/// prefix, so a crash leaves nothing the next command keeps).
fn records_file(path: &Path) -> PathBuf {
    let nonce: u64 = rand::random();
    path.with_file_name(format!("canonical-check-{nonce:016x}.parquet"))
}

/// Removes a file when dropped.
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The report of a file that could not be checked: one error, with a
/// reference id that the log line carries too.
fn unchecked(
    path: &Path,
    profile: &Profile,
    kind: ExtractKind,
    failure: Failure,
    started: Instant,
) -> Outcome {
    let reference = format!("{:08x}", rand::random::<u32>());
    tracing::warn!(
        reference,
        why = failure.as_str(),
        ms = started.elapsed().as_millis() as u64,
        "check stopped"
    );
    let mut report = Report::new(
        path.display().to_string(),
        profile.path.display().to_string(),
        profile.agency.slug.clone(),
        kind,
    );
    let code = match failure {
        Failure::Memory | Failure::Time => ErrorCode::SizeError,
        Failure::Crash => ErrorCode::FormatError,
    };
    report.error(
        None,
        None,
        None,
        code,
        Message::new("intake-unchecked")
            .with("why", failure.as_str())
            .with("reference", reference),
    );
    report.finish();
    Outcome {
        report,
        records: None,
    }
}

/// Start the child, hand it the request, watch it, and read its answer.
fn run_child(
    program: &Path,
    request: &Request,
    max_memory: u64,
    max_time: Duration,
) -> Result<Answer, Failure> {
    let trace = std::env::var_os("SAFECOUNT_TRACE").is_some();
    let mut child = Command::new(program)
        .arg(CHILD_ARGUMENT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // A panic message could quote a cell: the child's own words are
        // shown only when tracing.
        .stderr(if trace {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .map_err(|_| Failure::Crash)?;
    let request = serde_json::to_vec(request).map_err(|_| Failure::Crash)?;
    if let Some(mut stdin) = child.stdin.take() {
        // A child that died at once is seen below.
        let _ = stdin.write_all(&request);
    }
    let mut stdout = child.stdout.take().ok_or(Failure::Crash)?;
    // The answer is read on a thread while this one watches the child.
    let reader = std::thread::spawn(move || {
        let mut answer = Vec::new();
        // A report is bounded (its lists are capped); 64 MiB is far beyond it.
        let _ = (&mut stdout).take(64 << 20).read_to_end(&mut answer);
        answer
    });
    let started = Instant::now();
    let pid = child.id();
    let stopped = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.success().then_some(()).ok_or(Failure::Crash),
            Ok(None) => {}
            Err(_) => break Err(Failure::Crash),
        }
        let over = if anonymous_memory(pid).is_some_and(|m| m > max_memory) {
            Some(Failure::Memory)
        } else if started.elapsed() > max_time {
            Some(Failure::Time)
        } else {
            None
        };
        if let Some(failure) = over {
            let _ = child.kill();
            let _ = child.wait();
            break Err(failure);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let answer = reader.join().unwrap_or_default();
    stopped?;
    serde_json::from_slice(&answer).map_err(|_| Failure::Crash)
}

/// A process's anonymous resident memory in bytes, from `/proc` (Linux);
/// None where there is no `/proc`, where only the time limit holds.
fn anonymous_memory(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The child: read the request, limit this process, check, answer. Returns
/// the exit code (0 when an answer was written).
pub fn child_main() -> i32 {
    let mut input = Vec::new();
    if std::io::stdin()
        .take(16 << 20)
        .read_to_end(&mut input)
        .is_err()
    {
        return 70;
    }
    let Ok(request) = serde_json::from_slice::<Request>(&input) else {
        return 70;
    };
    limit_self(request.cpu_seconds);
    fail_on_purpose();
    let answer = answer(&request);
    let Ok(json) = serde_json::to_vec(&answer) else {
        return 70;
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(&json).and_then(|_| out.flush()) {
        Ok(()) => 0,
        Err(_) => 70,
    }
}

fn answer(request: &Request) -> Answer {
    let profile = match &request.canonical {
        Some((slug, province)) => Profile::canonical(slug, province.as_deref()),
        None => match Profile::parse(&request.profile_text, &request.profile_path) {
            Ok(p) => p,
            // The parent parsed this very text: it cannot fail here.
            Err(_) => std::process::exit(70),
        },
    };
    let options = IngestOptions {
        kind: request.kind,
        quarter: request
            .quarter
            .as_deref()
            .and_then(|q| q.parse::<Quarter>().ok()),
        read: ReadOptions {
            sheet: request.sheet.clone(),
            max_bytes: request.max_bytes,
            threads: request.threads,
        },
        linkage_epoch: request.linkage_epoch.clone(),
    };
    match validate_file(&request.file, &profile, &options) {
        Ok(outcome) => {
            let records = match (outcome.records, &request.records) {
                (Some(mut df), Some(path)) => {
                    let written = std::fs::File::create(path).map_err(|_| ()).and_then(|f| {
                        let mut out = std::io::BufWriter::new(f);
                        ParquetWriter::new(&mut out)
                            .finish(&mut df)
                            .map_err(|_| ())?;
                        out.flush().map_err(|_| ())
                    });
                    if written.is_err() {
                        std::process::exit(70);
                    }
                    true
                }
                _ => false,
            };
            Answer::Checked {
                report: Box::new(outcome.report),
                records,
            }
        }
        Err(IngestError::MissingInput(p)) => Answer::MissingInput(p),
        Err(IngestError::NoSection { kind, .. }) => Answer::NoSection {
            kind: if kind == "returns" {
                ExtractKind::Returns
            } else {
                ExtractKind::Cases
            },
        },
    }
}

/// For the tests of this module's guarantees: `SAFECOUNT_FAILPOINT` set to
/// `check-crash` makes the child abort, `check-memory` makes it take memory
/// until it is stopped, as a file built to hurt the checker would.
/// Only in a build with the `testing` feature.
fn fail_on_purpose() {
    #[cfg(feature = "testing")]
    match std::env::var("SAFECOUNT_FAILPOINT").as_deref() {
        Ok("check-crash") => std::process::abort(),
        Ok("check-memory") => {
            let mut held: Vec<Vec<u8>> = Vec::new();
            loop {
                held.push(vec![1u8; 16 << 20]);
                std::hint::black_box(&held);
            }
        }
        _ => {}
    }
}

/// The child's own limits: CPU seconds, and no core file (a core would hold
/// the extract's cells).
fn limit_self(cpu_seconds: u64) {
    let set = |resource, value: u64| {
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct passed by reference and changes
        // only this process's limits.
        unsafe { libc::setrlimit(resource, &limit) };
    };
    set(libc::RLIMIT_CORE, 0);
    set(libc::RLIMIT_CPU, cpu_seconds.max(1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_limit_grows_with_the_file_and_stops_at_4_gib() {
        assert_eq!(memory_limit(0), 384 << 20);
        assert_eq!(memory_limit(100 << 20), (384 + 300) << 20);
        assert_eq!(memory_limit(10 << 30), 4 << 30);
    }

    #[test]
    fn the_time_limit_grows_with_the_file() {
        assert_eq!(time_limit(1), Duration::from_secs(60));
        assert_eq!(time_limit(1 << 30), Duration::from_secs(30 + 30 * 11));
    }
}

//! Exit codes, decided by the error itself: each library error type says
//! which code it means ([`ExitCode::exit_code`]), and the command line maps an
//! error it receives through `?` to that code (`cli::run`). Codes follow
//! sysexits(3):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 2 | wrong command-line usage |
//! | 65 | invalid data: an extract was rejected, or no data for a release (EX_DATAERR) |
//! | 66 | a named input file is missing or unreadable (EX_NOINPUT) |
//! | 70 | internal error: a bug (EX_SOFTWARE) |
//! | 74 | the store or an output could not be read or written (EX_IOERR) |
//! | 75 | refused for now by the privacy budget, or another process holds the release (EX_TEMPFAIL) |
//! | 78 | invalid configuration: a profile, pipeline, coverage or definitions file (EX_CONFIG) |

pub const OK: i32 = 0;
pub const USAGE: i32 = 2;
pub const DATA: i32 = 65;
pub const NO_INPUT: i32 = 66;
pub const SOFTWARE: i32 = 70;
pub const IO: i32 = 74;
pub const BUDGET: i32 = 75;
pub const CONFIG: i32 = 78;

// `--help` prints the table above from the catalogues (`help-exit-codes`).

/// An error that knows the exit code it means.
pub trait ExitCode {
    fn exit_code(&self) -> i32;
}

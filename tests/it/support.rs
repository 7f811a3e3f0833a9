//! Helpers shared by the integration tests: run the real binary, write files.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the `safecount` binary with `args` in `dir`, in the C locale (so
/// messages are English unless a profile or `--lang` says otherwise).
pub fn safecount(dir: &Path, args: &[&str]) -> Run {
    safecount_with(dir, args, &[])
}

/// Run the binary with extra environment variables (a locale, `SAFECOUNT_LANG`).
pub fn safecount_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_safecount"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SAFECOUNT_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().expect("the safecount binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The repository root (where `sample-data/` lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("test file written");
    path
}

/// Flags for headless Chromium on a machine with no network (see the env notes).
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

/// Debian's Chromium. A missing browser fails the test, saying what to
/// install, unless SAFECOUNT_SKIP_BROWSER=1 asks knowingly to skip the
/// browser tests: they are never a silent green.
pub fn chromium() -> Option<PathBuf> {
    let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    if path.is_none() {
        browser_tool_missing("Chromium", "apt-get install chromium chromium-driver");
    }
    path
}

/// A browser test's tool is missing: fail with what to install, unless the
/// skip was asked for with SAFECOUNT_SKIP_BROWSER=1.
pub fn browser_tool_missing(tool: &str, install: &str) {
    assert!(
        std::env::var("SAFECOUNT_SKIP_BROWSER").as_deref() == Ok("1"),
        "{tool} is required by the browser tests: {install} (as .ci/run does), or set SAFECOUNT_SKIP_BROWSER=1 to skip them knowingly"
    );
    eprintln!("skipped (SAFECOUNT_SKIP_BROWSER=1): {tool} is not installed");
}

/// The binary's `submit` of one committed sample file (`kind` "cases" or
/// "returns") of an agency for 2025Q4 into the store at `store`, not yet run.
pub fn submit_command(store: &Path, slug: &str, ext: &str, kind: &str) -> Command {
    let sample = repo().join("sample-data");
    let file = match kind {
        "returns" => sample.join(format!("returns/{slug}/{slug}-returns-2025Q4.{ext}")),
        _ => sample.join(format!("extracts/{slug}/{slug}-2025Q4.{ext}")),
    };
    let profile = sample.join(format!("profiles/{slug}.toml"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_safecount"));
    cmd.args([
        "submit",
        file.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--quarter",
        "2025Q4",
        "--kind",
        kind,
        "--store",
        store.to_str().unwrap(),
    ])
    .current_dir(repo())
    .env_remove("SAFECOUNT_LANG")
    .env_remove("LC_ALL")
    .env_remove("LC_MESSAGES")
    .env("LANG", "C.UTF-8");
    cmd
}

/// Submit one committed sample file through the binary; asserts it is stored.
pub fn submit_sample(store: &Path, slug: &str, ext: &str, kind: &str) {
    let out = submit_command(store, slug, ext, kind).output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir`, recursively (none if it does not exist).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A quarter written YYYYQn, as the library takes it.
pub fn quarter(text: &str) -> safecount::schema::Quarter {
    text.parse().expect("a quarter")
}

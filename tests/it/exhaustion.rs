//! No client can take the server down or exhaust it: a check that crashes or
//! overeats costs one request; a client without a token is cut off after a
//! few kilobytes; thousands of slow senders leave `/healthz` answering; a
//! hang-up or a kill never strands an idempotency key; a locked ledger or a
//! full log disk leaves requests answered; a pending check cannot pile up
//! open files; and what a client names its file is never shown or kept.

use crate::server::{put, sample_extract, start, start_with, status_of};
use crate::support::files_under;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A checker that runs the real binary with `SAFECOUNT_FAILPOINT` set, so
/// that each check crashes or eats memory as a file built to hurt it would.
fn failing_checker(dir: &Path, failpoint: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join(format!("checker-{failpoint}.sh"));
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nSAFECOUNT_FAILPOINT={failpoint} exec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_safecount")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// `GET /healthz` on a new connection: its status, and how long it took.
fn healthz(addr: &str) -> (Option<u16>, Duration) {
    let started = Instant::now();
    let Ok(mut probe) = std::net::TcpStream::connect(addr) else {
        return (None, started.elapsed());
    };
    let _ = write!(
        probe,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let status = status_of(&mut probe, Duration::from_secs(5));
    (status, started.elapsed())
}

/// A whole PUT of `file` for Maison Espérance's 2025Q4 cases on a raw
/// connection, with one more header line; the answer is left unread.
fn send_put(addr: &str, token: &str, header: &str, file: &[u8]) -> std::net::TcpStream {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "PUT /api/v1/agencies/maison-esperance/submissions/2025Q4/cases HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n{header}\r\nContent-Length: {}\r\n\r\n",
        file.len()
    )
    .unwrap();
    s.write_all(file).unwrap();
    s.flush().unwrap();
    s
}

#[test]
fn a_check_that_crashes_or_overeats_costs_one_request_not_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    for (failpoint, why) in [("check-crash", "crash"), ("check-memory", "memory")] {
        let checker = failing_checker(tmp.path(), failpoint);
        let server = start_with(&["maison-esperance"], 10 << 20, |c| {
            c.checker = Some(checker.clone());
        });
        let file = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
        let (base, token) = (
            server.base.clone(),
            server.token("maison-esperance").to_string(),
        );
        let addr = base.trim_start_matches("http://").to_string();
        let started = Instant::now();
        let answer = server.rt.block_on(put(
            &base,
            "maison-esperance",
            "2025Q4",
            Some(&token),
            file,
            None,
        ));
        let text = answer.body.to_string();
        assert_eq!(answer.status, 422, "{failpoint}: {text}");
        let error = &answer.body["report"]["errors"][0];
        assert_eq!(error["message_id"], "intake-unchecked", "{text}");
        assert_eq!(error["args"]["why"], why, "{text}");
        let reference = error["args"]["reference"].as_str().unwrap_or_default();
        assert_eq!(
            reference.len(),
            8,
            "a reference to give the collaborative: {text}"
        );
        assert!(!text.contains("panicked") && !text.contains("backtrace"));
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(healthz(&addr).0, Some(200), "{failpoint}: the server is up");
        assert!(files_under(&server.dir.path().join("store/canonical")).is_empty());
        assert_eq!(server.staging_files(), 0, "{failpoint}");
    }
}

#[test]
fn a_form_flood_without_a_token_is_cut_off_after_a_few_kilobytes() {
    let server = start(&["maison-esperance"], 200 << 20);
    let addr = server.base.trim_start_matches("http://").to_string();
    // Forty clients each announce a 190 MB form of 4 KB text fields with
    // distinct names and no token; each is refused once 16 KiB are read.
    let clients: Vec<_> = (0..40)
        .map(|c| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut s = std::net::TcpStream::connect(&addr).unwrap();
                s.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
                write!(
                    s,
                    "POST /upload HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 199229440\r\n\r\n"
                )
                .unwrap();
                let value = "v".repeat(4000);
                let mut sent = 0usize;
                for i in 0..500 {
                    let field = format!(
                        "--XyZ\r\nContent-Disposition: form-data; name=\"f{c}x{i}\"\r\n\r\n{value}\r\n"
                    );
                    if s.write_all(field.as_bytes()).is_err() {
                        break;
                    }
                    sent += field.len();
                }
                (status_of(&mut s, Duration::from_secs(10)), sent)
            })
        })
        .collect();
    for client in clients {
        let (status, sent) = client.join().unwrap();
        // Refused (413), or cut off mid-send once the server stopped reading.
        assert!(
            status == Some(413) || status.is_none(),
            "{status:?} after {sent} bytes"
        );
    }
    assert_eq!(healthz(&addr).0, Some(200));
    assert_eq!(server.staging_files(), 0);
}

#[test]
fn two_thousand_slow_senders_leave_healthz_answering() {
    safecount::server::raise_open_file_limit();
    let server = start(&["maison-esperance"], 10 << 20);
    let addr = server.base.trim_start_matches("http://").to_string();
    // 2,100 POSTs that announce a form and send its first bytes, then
    // nothing: each holds a connection as long as the server lets it.
    let mut slow = Vec::new();
    for _ in 0..2_100 {
        let Ok(mut s) = std::net::TcpStream::connect(&addr) else {
            continue;
        };
        let _ = write!(
            s,
            "POST /upload HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 1000000\r\n\r\n--XyZ\r\n"
        );
        slow.push(s);
    }
    assert!(slow.len() >= 2_000, "{} connections opened", slow.len());
    // Twelve probes over fifteen seconds: every one answers within 2 s.
    let mut late = Vec::new();
    for _ in 0..12 {
        let (status, took) = healthz(&addr);
        if status != Some(200) || took > Duration::from_secs(2) {
            late.push((status, took));
        }
        std::thread::sleep(Duration::from_millis(1_250));
    }
    assert!(late.is_empty(), "{late:?}");
    drop(slow);
}

#[test]
fn a_hang_up_after_sending_still_records_the_answer_and_a_killed_claim_is_released() {
    let server = start(&["maison-esperance"], 10 << 20);
    let addr = server.base.trim_start_matches("http://").to_string();
    let token = server.token("maison-esperance").to_string();
    let file = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    // The whole request, then the client is gone before the answer.
    let s = send_put(&addr, &token, "Idempotency-Key: hang-up-1", &file);
    // Gone once the upload is received, while it is being checked.
    std::thread::sleep(Duration::from_millis(300));
    drop(s);
    // The retry with the same key gets the first answer, replayed.
    let started = Instant::now();
    let answer = loop {
        let a = server.rt.block_on(put(
            &server.base,
            "maison-esperance",
            "2025Q4",
            Some(&token),
            file.clone(),
            Some("hang-up-1"),
        ));
        if a.status != 409 || started.elapsed() > Duration::from_secs(30) {
            break a;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert!(
        answer.replayed,
        "the stored answer, not a second processing"
    );
    assert_eq!(server.store().submissions(None, true).unwrap().len(), 1);

    // A claim left "in progress" by a killed server is released when the
    // next one starts: the retry is processed, and gets the stored receipt.
    let store = server.store();
    let claim = store
        .claim_idempotency_key("maison-esperance", "killed-1", "same-request")
        .unwrap();
    assert!(matches!(claim, safecount::store::KeyClaim::Claimed));
    let config = safecount::server::ServeConfig::new(
        server.dir.path().join("store"),
        server.dir.path().join("profiles"),
    );
    let _restarted = safecount::server::AppState::new(&config).unwrap();
    let again = store
        .claim_idempotency_key("maison-esperance", "killed-1", "same-request")
        .unwrap();
    assert!(
        matches!(again, safecount::store::KeyClaim::Claimed),
        "the stranded claim was released"
    );
}

#[test]
fn with_the_ledger_locked_healthz_still_answers() {
    let server = start(&["maison-esperance"], 10 << 20);
    let addr = server.base.trim_start_matches("http://").to_string();
    let token = server.token("maison-esperance").to_string();
    let file = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let lock = rusqlite::Connection::open(server.dir.path().join("store/ledger.sqlite")).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // Keyed uploads wait for the ledger: more of them than async workers.
    let uploads: Vec<_> = (0..6)
        .map(|i| {
            let (base, token, file) = (server.base.clone(), token.clone(), file.clone());
            server.rt.spawn(async move {
                let key = format!("locked-{i}");
                put(
                    &base,
                    "maison-esperance",
                    "2025Q4",
                    Some(&token),
                    file,
                    Some(&key),
                )
                .await
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..5 {
        let (status, took) = healthz(&addr);
        assert_eq!(status, Some(200));
        assert!(took < Duration::from_secs(2), "{took:?}");
        std::thread::sleep(Duration::from_millis(300));
    }
    lock.execute_batch("ROLLBACK").unwrap();
    for upload in uploads {
        let a = server.rt.block_on(upload).unwrap();
        assert!([200, 201].contains(&a.status), "{}", a.body);
    }
}

/// `safecount serve` as its own process, its standard error on `stderr`,
/// on a free port: (the process, its address, the agency's token).
fn serve_process(dir: &Path, stderr: std::process::Stdio) -> (std::process::Child, String, String) {
    serve_process_with(dir, stderr, &[])
}

/// The same, with more arguments for `serve`.
fn serve_process_with(
    dir: &Path,
    stderr: std::process::Stdio,
    more: &[&str],
) -> (std::process::Child, String, String) {
    let store_dir = dir.join("store");
    let profiles = dir.join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::copy(
        crate::support::repo().join("sample-data/profiles/maison-esperance.toml"),
        profiles.join("maison-esperance.toml"),
    )
    .unwrap();
    let token = safecount::store::Store::open(&store_dir)
        .unwrap()
        .add_agency("maison-esperance")
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_safecount"))
        .args(["serve", "--store", store_dir.to_str().unwrap()])
        .args(["--profiles", profiles.to_str().unwrap(), "--addr", &addr])
        .args(more)
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while healthz(&addr).0 != Some(200) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, addr, token)
}

/// Peak resident memory of a process, in MB (Linux).
fn peak_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        / 1024
}

#[test]
fn with_its_log_on_a_full_disk_the_server_starts_answers_and_stays_small_under_a_flood() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let (mut child, addr, token) = serve_process(dir.path(), full.into());
    // Every request answered, though no log line can be written.
    for _ in 0..200 {
        assert_eq!(healthz(&addr).0, Some(200));
    }
    let file = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let mut s = send_put(&addr, &token, "Connection: close", &file);
    assert_eq!(status_of(&mut s, Duration::from_secs(30)), Some(201));
    // Forty form floods without a token: the server stays under 300 MB.
    let floods: Vec<_> = (0..40)
        .map(|c| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let Ok(mut s) = std::net::TcpStream::connect(&addr) else {
                    return;
                };
                let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
                let _ = write!(
                    s,
                    "POST /upload HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 199229440\r\n\r\n"
                );
                let value = "v".repeat(4000);
                for i in 0..2_000 {
                    let field = format!(
                        "--XyZ\r\nContent-Disposition: form-data; name=\"f{c}x{i}\"\r\n\r\n{value}\r\n"
                    );
                    if s.write_all(field.as_bytes()).is_err() {
                        break;
                    }
                }
                let mut sink = Vec::new();
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = s.read_to_end(&mut sink);
            })
        })
        .collect();
    for f in floods {
        f.join().unwrap();
    }
    assert_eq!(healthz(&addr).0, Some(200));
    let peak = peak_mb(child.id());
    eprintln!("serve peak after the floods: {peak} MB");
    assert!(peak < 300, "serve peaked at {peak} MB");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_file_name_is_never_shown_or_kept_and_pending_checks_are_capped() {
    let server = start(&["maison-esperance"], 10 << 20);
    let token = server.token("maison-esperance").to_string();
    let base = server.base.clone();
    let name = "Marie Tremblay DOB 1987-04-12 NAS 130-692-544.csv";
    let good = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let bad = b"not,an,extract\n1,2,3\n".to_vec();
    let mut shown = Vec::new();
    server.rt.block_on(async {
        let form = |bytes: &[u8], with_token: bool| {
            let boundary = "----safecount-test-boundary";
            let mut form = Vec::new();
            let mut fields = vec![("quarter", "2025Q4"), ("kind", "cases")];
            if with_token {
                fields.insert(0, ("token", token.as_str()));
            }
            for (name, value) in fields {
                form.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
            }
            form.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").bytes());
            form.extend(bytes);
            form.extend(format!("\r\n--{boundary}--\r\n").bytes());
            (format!("multipart/form-data; boundary={boundary}"), form)
        };
        for bytes in [&bad, &good] {
            let (content_type, body) = form(bytes, false);
            let r = reqwest::Client::new()
                .post(format!("{base}/api/v1/agencies/maison-esperance/submissions"))
                .bearer_auth(&token)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            shown.push(r.text().await.unwrap());
            let r = reqwest::Client::new()
                .put(format!(
                    "{base}/api/v1/agencies/maison-esperance/submissions/2025Q3/cases?filename={}",
                    name.replace(' ', "%20")
                ))
                .bearer_auth(&token)
                .body(bytes.clone())
                .send()
                .await
                .unwrap();
            shown.push(r.text().await.unwrap());
        }
        // Ten checks on the upload page, none confirmed: at most four wait.
        for _ in 0..10 {
            let (content_type, body) = form(&good, true);
            let r = reqwest::Client::new()
                .post(format!("{base}/upload"))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            shown.push(r.text().await.unwrap());
        }
    });
    for text in &shown {
        assert!(
            !text.contains("Tremblay") && !text.contains("1987"),
            "{text}"
        );
    }
    assert_eq!(
        server.staging_files(),
        safecount::server::MAX_PENDING_PER_AGENCY,
        "pending checks beyond the cap are dropped with their files"
    );
    // Nothing written by the server holds the name: database, files, raw copies.
    for file in files_under(server.dir.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Tremblay") && !text.contains("130-692-544"),
            "{} holds the file name",
            file.display()
        );
    }
}

#[test]
fn on_sigterm_serve_stops_accepting_answers_the_upload_under_way_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, token) = serve_process(dir.path(), std::process::Stdio::null());
    let file = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let (first, rest) = file.split_at(file.len() / 2);
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "PUT /api/v1/agencies/maison-esperance/submissions/2025Q4/cases HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n",
        file.len()
    )
    .unwrap();
    s.write_all(first).unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(healthz(&addr).0, None, "no new connection is taken");
    assert!(
        child.try_wait().unwrap().is_none(),
        "still answering the upload"
    );
    s.write_all(rest).unwrap();
    assert_eq!(status_of(&mut s, Duration::from_secs(30)), Some(201));
    drop(s);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(0));
    let store = safecount::store::Store::open(&dir.path().join("store")).unwrap();
    assert_eq!(store.submissions(None, true).unwrap().len(), 1);
}

#[test]
fn json_logs_and_metrics_parse_and_carry_nothing_from_an_upload() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let file = std::fs::File::create(&log).unwrap();
    let (mut child, addr, token) =
        serve_process_with(dir.path(), file.into(), &["--log-format", "json"]);
    let planted = [
        "Tremblay",
        "Maria Santos",
        "130-692-544",
        "maria@example.org",
    ];
    // A refused upload holding the planted values, under a planted file
    // name, at a planted path and query, and a stored one.
    let bad = format!(
        "Identifiant anonyme;Genre\n{}\n",
        planted
            .iter()
            .map(|p| format!("abcdefabcdef0001;{p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (path, body) in [
        (
            "/api/v1/agencies/maison-esperance/submissions/2025Q4/cases?filename=Tremblay%20Maria%20Santos.csv".to_string(),
            bad.into_bytes(),
        ),
        (
            "/api/v1/agencies/maison-esperance/submissions/2025Q4/cases".to_string(),
            std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap(),
        ),
        ("/Maria%20Santos/130-692-544".to_string(), b"x".to_vec()),
    ] {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "PUT {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nX-Note: maria@example.org\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(&body).unwrap();
        assert!(status_of(&mut s, Duration::from_secs(30)).is_some());
    }
    // /metrics from this machine: Prometheus text, every sample a number.
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.read_to_string(&mut answer);
    let metrics = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let samples: Vec<&str> = metrics
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert!(!samples.is_empty(), "{answer}");
    for sample in &samples {
        let value = sample.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "not a sample: {sample}");
    }
    assert!(metrics.contains("safecount_uploads_total{"), "{metrics}");
    assert!(metrics.contains("status=\"201\""), "{metrics}");
    assert!(metrics.contains("safecount_check_seconds"), "{metrics}");
    assert!(metrics.trim_end().ends_with("# EOF"), "{metrics}");
    child.kill().unwrap();
    child.wait().unwrap();
    // Every log line is a JSON object with a level; none carries a planted value.
    let text = std::fs::read_to_string(&log).unwrap();
    let mut requests = 0;
    for line in text.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(v["level"].is_string() && v["message"].is_string(), "{line}");
        if v["message"] == "request" {
            requests += 1;
            assert_eq!(v["request_id"].as_str().unwrap().len(), 16, "{line}");
        }
    }
    assert!(requests >= 4, "{text}");
    for p in planted {
        assert!(!text.contains(p), "the log holds {p:?}");
        assert!(!metrics.contains(p), "the metrics hold {p:?}");
    }
}

//! The intake server: the API's refusals, limits and idempotency, concurrent
//! uploads, `submit --server`, and the upload page driven in headless Chromium.

use crate::support::{files_under, repo, safecount};
use safecount::server::{AppState, ServeConfig, serve_on};
use safecount::store::Store;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SAMPLE_AGENCIES: &[&str] = &[
    "maison-esperance",
    "coastal-workers-centre",
    "lakeshore-legal-clinic",
];

pub(crate) struct TestServer {
    pub(crate) base: String,
    pub(crate) rt: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub(crate) dir: tempfile::TempDir,
    tokens: BTreeMap<String, String>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestServer {
    pub(crate) fn store(&self) -> Store {
        Store::open(&self.dir.path().join("store")).unwrap()
    }

    pub(crate) fn token(&self, slug: &str) -> &str {
        &self.tokens[slug]
    }

    /// Files left in the store's staging directory.
    pub(crate) fn staging_files(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("store/tmp"))
            .unwrap()
            .count()
    }
}

/// Sample agencies keep their own profiles; other slugs get a copy of Maison Espérance's.
pub(crate) fn start(agencies: &[&str], max_upload: u64) -> TestServer {
    start_with(agencies, max_upload, |_| {})
}

/// The same, with the configuration adjusted (e.g. short timeouts).
pub(crate) fn start_with(
    agencies: &[&str],
    max_upload: u64,
    adjust: impl FnOnce(&mut ServeConfig),
) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let sample = repo().join("sample-data/profiles");
    for slug in agencies {
        let text = if SAMPLE_AGENCIES.contains(slug) {
            std::fs::read_to_string(sample.join(format!("{slug}.toml"))).unwrap()
        } else {
            std::fs::read_to_string(sample.join("maison-esperance.toml"))
                .unwrap()
                .replace("slug = \"maison-esperance\"", &format!("slug = \"{slug}\""))
        };
        std::fs::write(profiles.join(format!("{slug}.toml")), text).unwrap();
    }
    let store_dir = dir.path().join("store");
    let store = Store::open(&store_dir).unwrap();
    let tokens = agencies
        .iter()
        .map(|s| (s.to_string(), store.add_agency(s).unwrap()))
        .collect();
    let mut config = ServeConfig::new(store_dir, profiles);
    config.max_upload_bytes = max_upload;
    // Checks run in a child process, as `safecount serve` runs them.
    config.checker = Some(PathBuf::from(env!("CARGO_BIN_EXE_safecount")));
    adjust(&mut config);
    let state = AppState::new(&config).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    rt.spawn(serve_on(listener, state, async {
        let _ = rx.await;
    }));
    TestServer {
        base,
        rt,
        stop: Some(tx),
        dir,
        tokens,
    }
}

pub(crate) fn sample_extract(slug: &str, quarter: &str) -> PathBuf {
    let ext = match slug {
        "coastal-workers-centre" => "parquet",
        _ => "csv",
    };
    repo().join(format!(
        "sample-data/extracts/{slug}/{slug}-{quarter}.{ext}"
    ))
}

fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) replayed: bool,
    pub(crate) body: serde_json::Value,
}

pub(crate) async fn put(
    base: &str,
    slug: &str,
    quarter: &str,
    token: Option<&str>,
    bytes: Vec<u8>,
    key: Option<&str>,
) -> Answer {
    let mut req = reqwest::Client::new()
        .put(format!(
            "{base}/api/v1/agencies/{slug}/submissions/{quarter}/cases"
        ))
        .body(bytes);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    answer(req.send().await.unwrap()).await
}

pub(crate) async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    let text = r.text().await.unwrap();
    Answer {
        status,
        content_type,
        replayed,
        body: serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    }
}

#[test]
fn uploads_need_the_agencys_own_valid_token() {
    let server = start(&["maison-esperance", "coastal-workers-centre"], 10 << 20);
    let file = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let base = server.base.clone();
    let own = server.token("maison-esperance").to_string();
    let other = server.token("coastal-workers-centre").to_string();
    server.rt.block_on(async {
        let none = put(
            &base,
            "maison-esperance",
            "2025Q4",
            None,
            file.clone(),
            None,
        )
        .await;
        assert_eq!(none.status, 401);
        assert_eq!(none.content_type, "application/problem+json");
        assert_eq!(none.body["status"], 401);
        let mut wrong = own.clone();
        wrong.replace_range(wrong.len() - 4.., "0000");
        let wrong = put(
            &base,
            "maison-esperance",
            "2025Q4",
            Some(&wrong),
            file.clone(),
            None,
        )
        .await;
        assert_eq!(wrong.status, 401);
        let garbage = put(
            &base,
            "maison-esperance",
            "2025Q4",
            Some("letmein"),
            file.clone(),
            None,
        )
        .await;
        assert_eq!(garbage.status, 401);
        let elsewhere = put(
            &base,
            "maison-esperance",
            "2025Q4",
            Some(&other),
            file.clone(),
            None,
        )
        .await;
        assert_eq!(elsewhere.status, 403, "{}", elsewhere.body);
        let list = answer(
            reqwest::Client::new()
                .get(format!(
                    "{base}/api/v1/agencies/maison-esperance/submissions"
                ))
                .bearer_auth(&other)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(list.status, 403);
    });
    assert!(server.store().submissions(None, true).unwrap().is_empty());
    assert_eq!(server.staging_files(), 0);
    // A revoked token stops working.
    server.store().revoke_agency("maison-esperance").unwrap();
    let revoked = server.rt.block_on(put(
        &base,
        "maison-esperance",
        "2025Q4",
        Some(&own),
        file,
        None,
    ));
    assert_eq!(revoked.status, 401);
}

#[test]
fn an_oversized_body_is_refused_and_leaves_nothing() {
    let server = start(&["maison-esperance"], 256 * 1024);
    let big = vec![b'a'; 600 * 1024];
    let token = server.token("maison-esperance").to_string();
    let base = server.base.clone();
    let (declared, streamed) = server.rt.block_on(async {
        let declared = put(
            &base,
            "maison-esperance",
            "2025Q4",
            Some(&token),
            big.clone(),
            None,
        )
        .await;
        // Without a Content-Length, the limit is enforced while streaming.
        let stream = futures_util::stream::iter(
            big.chunks(16 * 1024)
                .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
                .collect::<Vec<_>>(),
        );
        let streamed = reqwest::Client::new()
            .put(format!(
                "{base}/api/v1/agencies/maison-esperance/submissions/2025Q4/cases"
            ))
            .bearer_auth(&token)
            .body(reqwest::Body::wrap_stream(stream))
            .send()
            .await
            .map(|r| r.status().as_u16());
        (declared, streamed)
    });
    assert_eq!(declared.status, 413);
    assert_eq!(declared.content_type, "application/problem+json");
    // The server answers 413 as soon as the limit is passed; a client still
    // sending may see the connection reset instead, never a success.
    match streamed {
        Ok(status) => assert_eq!(status, 413),
        Err(e) => assert!(!e.is_connect() && !e.is_timeout(), "{e}"),
    }
    assert!(server.store().submissions(None, true).unwrap().is_empty());
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(server.staging_files(), 0, "nothing left behind");
}

#[test]
fn a_file_with_identifiers_is_refused_without_echoing_them() {
    let server = start(&["lakeshore-legal-clinic"], 10 << 20);
    let bad = std::fs::read(repo().join("sample-data/bad/lakeshore-legal-clinic-2025Q2-bad.csv"))
        .unwrap();
    let token = server.token("lakeshore-legal-clinic").to_string();
    let a = server.rt.block_on(put(
        &server.base,
        "lakeshore-legal-clinic",
        "2025Q2",
        Some(&token),
        bad,
        None,
    ));
    assert_eq!(a.status, 422);
    assert_eq!(a.content_type, "application/problem+json");
    let ids = a.body["report"]["identifiers"].as_array().unwrap();
    assert!(!ids.is_empty());
    let text = a.body.to_string();
    for value in [
        "Maria",
        "Santos",
        "416-555-0100",
        "M5J 3M8",
        "Client arrived",
    ] {
        assert!(!text.contains(value), "the answer repeats {value}");
    }
    assert!(server.store().submissions(None, true).unwrap().is_empty());
    assert_eq!(server.staging_files(), 0);
}

#[test]
fn an_idempotency_key_replays_the_first_answer_and_refuses_other_bytes() {
    let server = start(&["maison-esperance"], 10 << 20);
    let q3 = std::fs::read(sample_extract("maison-esperance", "2025Q3")).unwrap();
    let q4 = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let token = server.token("maison-esperance").to_string();
    let base = server.base.clone();
    server.rt.block_on(async {
        let first = put(
            &base,
            "maison-esperance",
            "2025Q3",
            Some(&token),
            q3.clone(),
            Some("key-1"),
        )
        .await;
        assert_eq!(first.status, 201, "{}", first.body);
        assert!(!first.replayed);
        let again = put(
            &base,
            "maison-esperance",
            "2025Q3",
            Some(&token),
            q3.clone(),
            Some("key-1"),
        )
        .await;
        assert_eq!(again.status, 201);
        assert!(again.replayed);
        assert_eq!(again.body, first.body, "the same receipt");
        let other = put(
            &base,
            "maison-esperance",
            "2025Q3",
            Some(&token),
            q4.clone(),
            Some("key-1"),
        )
        .await;
        assert_eq!(other.status, 422);
        assert_eq!(
            other.body["type"],
            "urn:safecount:problem:idempotency-key-reused"
        );
        // The same bytes without a key: the same receipt, marked already stored, nothing new.
        let plain = put(&base, "maison-esperance", "2025Q3", Some(&token), q3, None).await;
        assert_eq!(plain.status, 200);
        assert_eq!(plain.body["already_stored"], true);
        assert_eq!(plain.body["submission_id"], first.body["submission_id"]);
    });
    assert_eq!(server.store().submissions(None, true).unwrap().len(), 1);
}

#[test]
fn fifty_concurrent_uploads_from_ten_agencies_are_all_stored_once() {
    let agencies: Vec<String> = (1..=10).map(|i| format!("agency-{i:02}")).collect();
    let refs: Vec<&str> = agencies.iter().map(String::as_str).collect();
    let server = start(&refs, 10 << 20);
    let quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"];
    let base = server.base.clone();
    let mut jobs = Vec::new();
    for a in &agencies {
        for q in quarters {
            let file = sample_extract("maison-esperance", q);
            jobs.push((
                a.clone(),
                q,
                server.token(a).to_string(),
                std::fs::read(&file).unwrap(),
                sha256(&file),
            ));
        }
    }
    let answers = server.rt.block_on(async {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|(a, q, t, bytes, sha)| {
                let base = base.clone();
                tokio::spawn(async move {
                    let r = put(&base, &a, q, Some(&t), bytes, None).await;
                    (a, q, sha, r)
                })
            })
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    });
    let mut ids = std::collections::BTreeSet::new();
    for (agency, quarter, sha, a) in &answers {
        assert_eq!(a.status, 201, "{agency} {quarter}: {}", a.body);
        assert_eq!(a.body["agency"], agency.as_str());
        assert_eq!(a.body["sha256"], sha.as_str());
        ids.insert(a.body["submission_id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 50, "no duplicate receipt");
    let stored = server.store().submissions(None, false).unwrap();
    assert_eq!(stored.len(), 50, "none lost, none duplicated");
    assert_eq!(server.staging_files(), 0);
}

#[test]
fn multipart_uploads_receipts_and_the_openapi_description() {
    let server = start(&["maison-esperance", "coastal-workers-centre"], 10 << 20);
    let file = sample_extract("maison-esperance", "2025Q4");
    let bytes = std::fs::read(&file).unwrap();
    let token = server.token("maison-esperance").to_string();
    let other = server.token("coastal-workers-centre").to_string();
    let base = server.base.clone();
    server.rt.block_on(async {
        // A multipart form as a browser or curl -F sends it, with a hostile file name.
        let boundary = "----safecount-test-boundary";
        let mut form = Vec::new();
        for (name, value) in [("quarter", "2025q4"), ("kind", "cases")] {
            form.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
        }
        form.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\nContent-Type: text/csv\r\n\r\n").bytes());
        form.extend(&bytes);
        form.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let a = answer(
            reqwest::Client::new()
                .post(format!("{base}/api/v1/agencies/maison-esperance/submissions"))
                .bearer_auth(&token)
                .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                .body(form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
        assert_eq!(a.body["quarter"], "2025Q4");
        let list = answer(
            reqwest::Client::new()
                .get(format!("{base}/api/v1/agencies/maison-esperance/submissions"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(list.status, 200);
        assert_eq!(list.body["submissions"].as_array().unwrap().len(), 1);
        let theirs = answer(
            reqwest::Client::new()
                .get(format!("{base}/api/v1/agencies/coastal-workers-centre/submissions"))
                .bearer_auth(&other)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(theirs.body["submissions"].as_array().unwrap().len(), 0, "another agency sees none of them");
        let doc = answer(reqwest::get(format!("{base}/api/v1/openapi.json")).await.unwrap()).await;
        assert_eq!(doc.status, 200);
        assert_eq!(doc.body["openapi"], "3.1.0");
        assert!(doc.body["paths"]["/api/v1/agencies/{slug}/submissions/{quarter}/{kind}"]["put"].is_object());
        let page = reqwest::get(format!("{base}/")).await.unwrap();
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("default-src 'self'"));
        assert!(page.text().await.unwrap().contains("<form method=\"post\" action=\"/upload\""));
    });
    // The server chose the stored names: nothing was written outside the store.
    let store = server.dir.path().join("store");
    for entry in files_under(server.dir.path()) {
        assert!(
            entry.starts_with(&store) || entry.starts_with(server.dir.path().join("profiles")),
            "{}",
            entry.display()
        );
    }
}

#[test]
fn submit_server_uploads_through_the_api_and_checks_the_receipt() {
    let server = start(&["maison-esperance"], 10 << 20);
    let file = sample_extract("maison-esperance", "2025Q2");
    let profile = repo().join("sample-data/profiles/maison-esperance.toml");
    let args = [
        "submit",
        file.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--quarter",
        "2025Q2",
        "--server",
        &server.base,
        "--token",
        server.token("maison-esperance"),
    ];
    // Maison Espérance's profile on the server says French: the receipt is French.
    let run = safecount(&repo(), &args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(&sha256(&file)), "{}", run.stdout);
    assert!(run.stdout.contains("vérifié"), "{}", run.stdout);
    // The reader's explicit choice wins over the profile's.
    let again = safecount(&repo(), &[&args[..], &["--lang", "en"]].concat());
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("Already stored"), "{}", again.stdout);
    assert!(again.stdout.contains("verified"), "{}", again.stdout);
    let mut wrong = args.to_vec();
    wrong[9] = "sc1.maison-esperance.nope";
    let refused = safecount(&repo(), &wrong);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert_eq!(server.store().submissions(None, true).unwrap().len(), 1);
}

/// Pages and problem details in the reader's language: `?lang=` first,
/// then the signed-in agency's profile, then `Accept-Language`; the answer
/// names its language in `Content-Language`.
#[test]
fn pages_and_problem_details_speak_the_readers_language() {
    let server = start(&["maison-esperance", "lakeshore-legal-clinic"], 10 << 20);
    let base = server.base.clone();
    let bad = std::fs::read(repo().join("sample-data/bad/lakeshore-legal-clinic-2025Q2-bad.csv"))
        .unwrap();
    let (maison, lakeshore) = (
        server.token("maison-esperance").to_string(),
        server.token("lakeshore-legal-clinic").to_string(),
    );
    server.rt.block_on(async {
        let http = reqwest::Client::new();
        let page = |path: String, accept: &'static str| {
            let http = http.clone();
            async move {
                let r = http
                    .get(path)
                    .header("accept-language", accept)
                    .send()
                    .await
                    .unwrap();
                let language = r.headers()["content-language"].to_str().unwrap().to_string();
                (language, r.text().await.unwrap())
            }
        };
        let (lang, html) = page(format!("{base}/"), "fr-CA,fr;q=0.9,en;q=0.5").await;
        assert_eq!(lang, "fr");
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(html.contains("Téléverser un extrait trimestriel"));
        assert!(
            html.contains("?lang=en\" lang=\"en\" hreflang=\"en\""),
            "a visible switch to English"
        );
        assert!(!html.contains("Upload a quarterly extract"), "one language per page");
        let (lang, html) = page(format!("{base}/?lang=en"), "fr-CA").await;
        assert_eq!(lang, "en");
        assert!(html.contains("Upload a quarterly extract"));
        assert!(html.contains("action=\"/upload?lang=en\""), "the choice is kept");
        let (lang, _) = page(format!("{base}/receipts"), "de-DE").await;
        assert_eq!(lang, "en", "a language safecount does not speak: English");
        // A problem before sign-in follows Accept-Language.
        let r = http
            .put(format!("{base}/api/v1/agencies/maison-esperance/submissions/2025Q9/cases"))
            .header("accept-language", "fr")
            .bearer_auth(&maison)
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["type"], "urn:safecount:problem:bad-quarter");
        assert_eq!(body["title"], "Le trimestre n'est pas valide");
        let refused = |token: String, query: &'static str, accept: &'static str| {
            let (http, bad, base) = (http.clone(), bad.clone(), base.clone());
            async move {
                let r = http
                    .put(format!(
                        "{base}/api/v1/agencies/lakeshore-legal-clinic/submissions/2025Q2/cases{query}"
                    ))
                    .header("accept-language", accept)
                    .bearer_auth(token)
                    .body(bad)
                    .send()
                    .await
                    .unwrap();
                let language = r.headers()["content-language"].to_str().unwrap().to_string();
                let body: serde_json::Value = r.json().await.unwrap();
                (language, body)
            }
        };
        // Lakeshore's profile names no language: Accept-Language decides.
        let (lang, body) = refused(lakeshore.clone(), "", "fr").await;
        assert_eq!(lang, "fr");
        assert_eq!(body["title"], "Le fichier n'a pas été accepté");
        let first = &body["report"]["errors"][0];
        assert!(first["message_id"].as_str().is_some_and(|id| id.starts_with("intake-")));
        let message = first["message"].as_str().unwrap();
        for english in [" the ", "this ", " must "] {
            assert!(!message.contains(english), "{message}");
        }
        let (lang, body) = refused(lakeshore.clone(), "?lang=en", "fr").await;
        assert_eq!(lang, "en");
        assert_eq!(body["title"], "The file was not accepted");
        assert_eq!(body["report"]["errors"][0]["message_id"], first["message_id"]);
    });
    // A French agency's token: French after sign-in whatever the browser says.
    server.rt.block_on(async {
        let r = reqwest::Client::new()
            .get(format!(
                "{base}/api/v1/agencies/lakeshore-legal-clinic/submissions"
            ))
            .header("accept-language", "en")
            .bearer_auth(&maison)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(r.headers()["content-language"], "fr");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["title"], "Ce n'est pas votre organisme");
    });
}

#[test]
fn a_rejected_remote_submit_reads_as_a_local_one() {
    let server = start(&["lakeshore-legal-clinic"], 10 << 20);
    let bad = repo().join("sample-data/bad/lakeshore-legal-clinic-2025Q2-bad.csv");
    let profile = repo().join("sample-data/profiles/lakeshore-legal-clinic.toml");
    let store = tempfile::tempdir().unwrap();
    let mut args = vec![
        "submit",
        bad.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--quarter",
        "2025Q2",
    ];
    let local = safecount(
        &repo(),
        &[&args[..], &["--store", store.path().to_str().unwrap()]].concat(),
    );
    args.extend([
        "--server",
        &server.base,
        "--token",
        server.token("lakeshore-legal-clinic"),
    ]);
    let remote = safecount(&repo(), &args);
    assert_eq!(
        (local.code, remote.code),
        (65, 65),
        "{}{}",
        remote.stdout,
        remote.stderr
    );
    // The same renderer on the same report: only the file and profile lines
    // (paths here, names on the server) may differ.
    let body = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("File:") && !l.starts_with("Profile:"))
            .map(String::from)
            .collect()
    };
    assert!(body(&local.stdout).len() > 10, "{}", local.stdout);
    assert!(
        remote.stdout.contains("Nothing was stored."),
        "{}",
        remote.stdout
    );
    assert_eq!(body(&remote.stdout), body(&local.stdout));
}

/// The upload pages as an agency worker uses them, in headless Chromium:
/// once in English chosen by the link, once as Maison Espérance's profile
/// (`language = "fr"`) makes them after sign-in; axe-core's WCAG 2.1 A/AA
/// rules report no violation on any page, in either language.
#[test]
fn the_upload_pages_work_and_pass_axe_in_english_and_french_in_headless_chromium() {
    let server = start(&["maison-esperance"], 10 << 20);
    let file = sample_extract("maison-esperance", "2025Q1");
    let expected = sha256(&file);
    let token = server.token("maison-esperance").to_string();
    let base = server.base.clone();
    let result = server.rt.block_on(async {
        let Some(browser) = crate::browser::Browser::start().await? else {
            return anyhow::Ok(None);
        };
        let Some(axe) = crate::browser::axe_script() else {
            return anyhow::Ok(None);
        };
        let mut violations: Vec<String> = Vec::new();
        let mut texts: Vec<(String, String)> = Vec::new();
        let mut audit = async |page: &str, browser: &crate::browser::Browser| {
            let lang = browser
                .script("return document.documentElement.lang;")
                .await?;
            for v in browser.axe(&axe).await? {
                violations.push(format!("{page} ({lang}): {v}"));
            }
            anyhow::Ok(())
        };
        let upload = async |browser: &crate::browser::Browser| {
            browser.type_into("#token", &token).await?;
            browser.type_into("#quarter", "2025Q1").await?;
            browser.type_into("#file", file.to_str().unwrap()).await?;
            browser.click("#check").await?;
            browser.find("#confirm").await?;
            anyhow::Ok(())
        };
        // English, chosen by the link: the choice holds through the forms.
        browser.goto(&format!("{base}/?lang=en")).await?;
        audit("upload", &browser).await?;
        upload(&browser).await?;
        audit("check", &browser).await?;
        texts.push(("sha".into(), browser.text_of("#sha256").await?));
        texts.push(("report-en".into(), browser.text_of("div.report").await?));
        browser.click("#confirm").await?;
        texts.push(("receipt-en".into(), browser.text_of("#receipt").await?));
        audit("receipt", &browser).await?;
        // French: the page before sign-in follows the browser (English
        // here); after sign-in, the agency's profile says French.
        browser.goto(&format!("{base}/")).await?;
        upload(&browser).await?;
        texts.push(("h1-fr".into(), browser.text_of("h1").await?));
        texts.push(("report-fr".into(), browser.text_of("div.report").await?));
        audit("check", &browser).await?;
        browser.click("#confirm").await?;
        browser.find("#receipt").await?;
        texts.push(("receipt-fr".into(), browser.text_of("h1").await?));
        audit("receipt", &browser).await?;
        // The receipt leads to the agency's receipts without the token again,
        // each time shown in the reader's own zone (the script ran: it keeps
        // the server's UTC text as the title).
        browser.click("#your-receipts").await?;
        texts.push(("receipts-fr".into(), browser.text_of("table").await?));
        let shown = browser
            .script(
                "var t = document.querySelector('time'); \
                 return [t.textContent, t.getAttribute('title') || ''];",
            )
            .await?;
        texts.push(("time-shown".into(), shown[0].as_str().unwrap_or("").into()));
        texts.push(("time-server".into(), shown[1].as_str().unwrap_or("").into()));
        for lang in ["en", "fr"] {
            browser.goto(&format!("{base}/?lang={lang}")).await?;
            audit("upload", &browser).await?;
            browser
                .goto(&format!("{base}/receipts?lang={lang}"))
                .await?;
            audit("receipts form", &browser).await?;
            browser.type_into("#token", &token).await?;
            browser.click("button[type=submit]").await?;
            browser.find("table").await?;
            audit("receipts", &browser).await?;
        }
        browser.close().await;
        anyhow::Ok(Some((violations, texts)))
    });
    let Some((violations, texts)) = result.unwrap() else {
        return;
    };
    assert!(violations.is_empty(), "axe: {violations:#?}");
    let text = |k: &str| texts.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(
        text("sha"),
        expected,
        "the check page shows the file's SHA-256"
    );
    assert!(
        text("report-en").contains("OK: the file is valid"),
        "{texts:?}"
    );
    assert!(text("receipt-en").contains(&expected), "{texts:?}");
    assert!(text("receipt-en").contains("2025Q1"), "{texts:?}");
    assert_eq!(text("h1-fr"), "Le fichier peut être soumis");
    assert!(
        text("report-fr").contains("le fichier est valide"),
        "{texts:?}"
    );
    assert_eq!(text("receipt-fr"), "Déjà reçu");
    assert!(text("receipts-fr").contains(&expected), "{texts:?}");
    assert!(text("time-server").ends_with("UTC"), "{texts:?}");
    assert!(
        text("time-shown").contains("2026") && text("time-shown") != text("time-server"),
        "the time is rewritten in the reader's zone: {texts:?}"
    );
    let stored = server
        .store()
        .submissions(Some("maison-esperance"), true)
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].sha256, expected);
    assert_eq!(server.staging_files(), 0);
}

#[test]
fn an_interrupted_upload_leaves_nothing_behind() {
    use std::io::Write;
    let server = start(&["maison-esperance"], 10 << 20);
    let addr = server.base.trim_start_matches("http://").to_string();
    let token = server.token("maison-esperance").to_string();
    // A client that promises 1 MB, sends a tenth of it and goes away (raw bytes:
    // no HTTP client library lets a request be cut off on purpose).
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "PUT /api/v1/agencies/maison-esperance/submissions/2025Q4/cases HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: 1048576\r\n\r\n"
    )
    .unwrap();
    stream.write_all(&vec![b'a'; 100 * 1024]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // The partial upload is being staged: there is a file to remove.
    assert_eq!(
        server.staging_files(),
        1,
        "the upload is staged while it comes"
    );
    drop(stream);
    let mut left = usize::MAX;
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        left = server.staging_files();
        if left == 0 {
            break;
        }
    }
    assert_eq!(left, 0, "the partial upload was removed");
    assert!(server.store().submissions(None, true).unwrap().is_empty());
}

/// The status code of the answer on a raw connection, reading at most `wait`.
pub(crate) fn status_of(
    stream: &mut std::net::TcpStream,
    wait: std::time::Duration,
) -> Option<u16> {
    use std::io::Read;
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let line = String::from_utf8_lossy(&head);
    line.split_whitespace().nth(1).and_then(|s| s.parse().ok())
}

#[test]
fn an_unauthenticated_form_upload_stages_nothing_and_small_forms_stay_small() {
    use std::io::Write;
    let server = start(&["maison-esperance"], 50 << 20);
    let addr = server.base.trim_start_matches("http://").to_string();
    // A bad token, then a file that keeps coming: the refusal must come
    // before any of the file is written.
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /upload HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 20971520\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nsc1.maison-esperance.not-the-token\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .unwrap();
    stream.write_all(&vec![b'a'; 256 * 1024]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        server.staging_files(),
        0,
        "nothing staged before the token is checked"
    );
    assert_eq!(
        status_of(&mut stream, std::time::Duration::from_secs(5)),
        Some(401)
    );
    drop(stream);
    assert_eq!(server.staging_files(), 0);
    // The receipts and confirm forms take small bodies only.
    let base = server.base.clone();
    server.rt.block_on(async {
        let big = format!("token={}", "a".repeat(200 * 1024));
        for path in ["/receipts", "/upload/confirm"] {
            let r = reqwest::Client::new()
                .post(format!("{base}{path}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(big.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 413, "{path}");
        }
        // A multipart body without a boundary is a problem document, not text/plain.
        let r = reqwest::Client::new()
            .post(format!(
                "{base}/api/v1/agencies/maison-esperance/submissions"
            ))
            .bearer_auth(server.token("maison-esperance"))
            .header("content-type", "multipart/form-data")
            .body("nothing")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
    });
}

#[test]
fn slow_clients_are_dropped_and_idle_connections_do_not_block_others() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let server = start_with(&["maison-esperance"], 10 << 20, |c| {
        c.header_timeout = Duration::from_secs(1);
        c.body_pause = Duration::from_secs(1);
    });
    let addr = server.base.trim_start_matches("http://").to_string();
    // Headers that never end (slowloris): closed after the header timeout.
    let started = Instant::now();
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    write!(slow, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Slow: 1").unwrap();
    let _ = status_of(&mut slow, Duration::from_secs(10));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "closed after {:?}",
        started.elapsed()
    );
    // A body that stalls: refused (408), and its staging file removed.
    let token = server.token("maison-esperance").to_string();
    let mut stalled = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stalled,
        "PUT /api/v1/agencies/maison-esperance/submissions/2025Q4/cases HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: 1048576\r\n\r\n"
    )
    .unwrap();
    stalled.write_all(&vec![b'a'; 10 * 1024]).unwrap();
    assert_eq!(status_of(&mut stalled, Duration::from_secs(5)), Some(408));
    assert_eq!(server.staging_files(), 0);
    // A thousand idle connections: /healthz still answers at once.
    let idle: Vec<_> = (0..1000)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    let started = Instant::now();
    let mut probe = std::net::TcpStream::connect(&addr).unwrap();
    write!(probe, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    assert_eq!(status_of(&mut probe, Duration::from_secs(5)), Some(200));
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(idle);
}

#[test]
fn six_concurrent_uses_of_one_idempotency_key_store_one_file() {
    let server = start(&["maison-esperance"], 10 << 20);
    let file = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let base = server.base.clone();
    let token = server.token("maison-esperance").to_string();
    let answers = server.rt.block_on(async {
        let uploads = (0..6).map(|i| {
            // Six different files (the same rows, more blank lines at the end).
            let mut bytes = file.clone();
            bytes.extend(std::iter::repeat_n(b'\n', i));
            let (base, token) = (base.clone(), token.clone());
            async move {
                put(
                    &base,
                    "maison-esperance",
                    "2025Q4",
                    Some(&token),
                    bytes,
                    Some("one-key-for-six"),
                )
                .await
            }
        });
        futures_util::future::join_all(uploads).await
    });
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409, 422].contains(s)),
        "{statuses:?}"
    );
    assert!(answers.iter().all(|a| !a.replayed));
    assert_eq!(server.store().submissions(None, true).unwrap().len(), 1);
    assert_eq!(server.staging_files(), 0);
}

#[test]
fn a_linked_collaborative_refuses_keys_of_another_epoch_saying_why() {
    // The sample agencies key people under the sample collaborative's epoch.
    let current = safecount::sample::linked::secret().fingerprint();
    let server = start_with(&["maison-esperance"], 10 << 20, |c| {
        c.linkage_epoch = Some(current.clone());
    });
    let token = server.token("maison-esperance").to_string();
    let keyed = std::fs::read(sample_extract("maison-esperance", "2025Q4")).unwrap();
    let key = regex::bytes::Regex::new(r"\b([0-9a-f]{16})\.([0-9a-f]{32})\b").unwrap();
    // The same extract keyed under another (older) secret, and with the agency's own keys.
    let stale = key
        .replace_all(&keyed, &b"fedcba9876543210.${2}"[..])
        .into_owned();
    let own = key.replace_all(&keyed, &b"${2}"[..]).into_owned();
    for (bytes, says) in [
        (own, "intake-linkage-needed"),
        (stale, "intake-linkage-epoch"),
    ] {
        let a = server.rt.block_on(put(
            &server.base,
            "maison-esperance",
            "2025Q4",
            Some(&token),
            bytes,
            None,
        ));
        assert_eq!(a.status, 422, "{}", a.body);
        // In the agency's language (French), naming the current epoch and what to do.
        let error = &a.body["report"]["errors"][0];
        assert_eq!(error["message_id"], says, "{}", a.body);
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&current) && message.contains("safecount key"),
            "{message}"
        );
    }
    assert!(server.store().submissions(None, true).unwrap().is_empty());
    assert_eq!(server.staging_files(), 0);
    // Keys of the current epoch are stored, and the receipt records the epoch.
    let a = server.rt.block_on(put(
        &server.base,
        "maison-esperance",
        "2025Q4",
        Some(&token),
        keyed,
        None,
    ));
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["linkage_epoch"], current.as_str(), "{}", a.body);
}

/// The upload page, given last quarter's file for this quarter, says so in
/// one finding whose fix is the form's own field, in English and French,
/// with no error code or schema field name in it; a file with unknown and
/// broken cells is told without codes or profile sections too.
#[test]
fn the_check_page_speaks_plain_words_and_names_the_field_to_change() {
    let server = start(&["maison-esperance", "lakeshore-legal-clinic"], 10 << 20);
    let base = server.base.clone();
    let form = |token: &str, quarter: &str, file: &Path| {
        let boundary = "----safecount-page-test";
        let mut body = Vec::new();
        for (name, value) in [("token", token), ("kind", "cases"), ("quarter", quarter)] {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
        }
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n").bytes());
        body.extend(std::fs::read(file).unwrap());
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    };
    let page = |lang: &str, token: String, quarter: &str, file: PathBuf| {
        let (kind, body) = form(&token, quarter, &file);
        server.rt.block_on(async {
            let r = reqwest::Client::new()
                .post(format!("{base}/upload?lang={lang}"))
                .header("content-type", kind)
                .body(body)
                .send()
                .await
                .unwrap();
            let html = r.text().await.unwrap();
            let start = html.find("<div class=\"report\"").expect("a report");
            let end = start + html[start..].find("</div>").unwrap();
            html[start..end].to_string()
        })
    };
    let last_quarter = sample_extract("maison-esperance", "2025Q3");
    for (lang, field) in [
        ("en", "Quarter the file covers"),
        ("fr", "Trimestre couvert par le fichier"),
    ] {
        let token = server.token("maison-esperance").to_string();
        let report = page(lang, token, "2025Q4", last_quarter.clone());
        assert!(report.matches("<li>").count() <= 5, "{report}");
        assert!(
            report.contains(field) && report.contains("2025Q3"),
            "{report}"
        );
        assert!(
            !report.contains("constraint-error") && !report.contains("quarter ["),
            "{report}"
        );
    }
    let bad = repo().join("sample-data/bad/lakeshore-legal-clinic-2025Q2-bad.csv");
    for lang in ["en", "fr"] {
        let token = server.token("lakeshore-legal-clinic").to_string();
        let report = page(lang, token, "2025Q2", bad.clone());
        assert!(report.matches("<li>").count() >= 5, "{report}");
        for technical in [
            "[missing-cell]",
            "housing_need",
            "(field ",
            "(champ ",
            "[cases.",
        ] {
            assert!(
                !report.contains(technical),
                "{lang}: {technical} in {report}"
            );
        }
    }
}

//! The intake server (`safecount serve`): agencies upload their quarterly
//! extracts from a browser page or over a small JSON API. Uploads stream to
//! the store's `tmp/` under a size limit while being hashed, then go through
//! the same validation and atomic storage as `safecount submit`.
//!
//! What it never does: return records, canonical rows or another agency's
//! submissions; log a token or a file's contents; choose a file name from
//! the request. Tokens are compared by hash in constant time
//! ([`Store::authenticate`]); requests are rate-limited per agency, and
//! failed authentications per client address. TLS is left to a reverse proxy.
//!
//! What it bounds, so that no client can exhaust it for the others: the
//! connections it holds ([`MAX_CONNECTIONS`]), how long a client may take to
//! send a request's headers or sit idle ([`HEADER_TIMEOUT`]) and between two
//! pieces of a body ([`BODY_CHUNK_TIMEOUT`]), the size of uploads and of form
//! fields, and how many files are validated at once
//! (`--max-concurrent-checks`; the others are told to retry, 503).

mod access;
mod api;
mod intake;
mod language;
mod metrics;
mod openapi;
mod pages;
mod upload;

use crate::i18n::Message;
use crate::ingest::Profile;
use crate::store::{Store, StoreError};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Default upload size limit: 200 MB.
pub const DEFAULT_MAX_UPLOAD: u64 = 200 * 1024 * 1024;
/// Most connections held open at once; further ones are closed at once.
pub const MAX_CONNECTIONS: usize = 4_096;
/// Connections served without a deadline, in all ...
pub const MAX_FULL_CONNECTIONS: usize = 1_024;
/// ... and from one client address. Beyond either, a connection is still
/// served, but closed [`SHORT_CONNECTION`] after it opened: enough for
/// `/healthz` or a page, not for holding a slot. 2,100 slow senders from one
/// address thus leave every other request answered.
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = 64;
/// How long a connection beyond the full ones may stay open.
pub const SHORT_CONNECTION: Duration = Duration::from_secs(5);
/// Longest a client may take to send a request's headers, or stay idle
/// between requests on one connection.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest a client may pause while sending a body.
pub const BODY_CHUNK_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest body of the small forms (confirm, receipts).
pub const SMALL_FORM_BYTES: usize = 16 * 1024;
/// How long an upload waits for a validation slot before it is told to retry.
pub const CHECK_WAIT: Duration = Duration::from_secs(10);
/// Seconds a client is told to wait when every validation slot is busy.
pub const BUSY_RETRY_SECS: u64 = 20;
/// How long a checked upload waits for the worker to confirm it.
const PENDING_TTL: Duration = Duration::from_secs(30 * 60);
/// Most checked uploads one agency may leave waiting for confirmation.
pub const MAX_PENDING_PER_AGENCY: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the profiles directory {path}: {source}")]
    Profiles {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the profile {path} cannot be used: {}", message.render(crate::i18n::Lang::En))]
    Profile { path: PathBuf, message: Message },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

impl crate::exit::ExitCode for ServerError {
    fn exit_code(&self) -> i32 {
        match self {
            ServerError::Profiles { .. } | ServerError::Profile { .. } => crate::exit::CONFIG,
            _ => crate::exit::IO,
        }
    }
}

impl ServerError {
    /// The error in the catalogues' words.
    pub fn message(&self) -> Message {
        match self {
            ServerError::Store(e) => e.message(),
            ServerError::Profiles { path, source } => Message::new("serve-profiles-unreadable")
                .with("path", path.display().to_string())
                .with("detail", source.to_string()),
            ServerError::Profile { path, message } => Message::new("serve-profile-invalid")
                .with("path", path.display().to_string())
                .with("message", message.clone()),
            ServerError::Bind { addr, source } => Message::new("serve-cannot-listen")
                .with("addr", addr.to_string())
                .with("detail", source.to_string()),
            ServerError::Io(e) => Message::new("serve-stopped").with("detail", e.to_string()),
        }
    }
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub store: PathBuf,
    pub profiles: PathBuf,
    pub addr: SocketAddr,
    pub max_upload_bytes: u64,
    /// Requests per minute allowed per agency.
    pub per_agency_per_minute: u32,
    /// Failed authentications per minute allowed per client address.
    pub auth_failures_per_minute: u32,
    /// Files validated at once; a further upload is asked to retry (503).
    pub max_concurrent_checks: usize,
    /// Longest wait for a request's headers, or idle between requests.
    pub header_timeout: Duration,
    /// Longest pause while a body is being sent.
    pub body_pause: Duration,
    /// The collaborative's current linkage epoch when it links people across
    /// agencies: case uploads with other keys are refused, saying why.
    pub linkage_epoch: Option<String>,
    /// The language of what the server tells its operator on the console.
    pub console_lang: crate::i18n::Lang,
    /// The safecount binary that checks each upload in a child process
    /// (`ingest::isolated`); None checks in the server's own process.
    pub checker: Option<PathBuf>,
}

impl ServeConfig {
    pub fn new(store: PathBuf, profiles: PathBuf) -> ServeConfig {
        ServeConfig {
            store,
            profiles,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_upload_bytes: DEFAULT_MAX_UPLOAD,
            per_agency_per_minute: 120,
            auth_failures_per_minute: 20,
            max_concurrent_checks: 2,
            header_timeout: HEADER_TIMEOUT,
            body_pause: BODY_CHUNK_TIMEOUT,
            linkage_epoch: None,
            console_lang: crate::i18n::Lang::En,
            checker: None,
        }
    }
}

/// A checked upload waiting for the worker's confirmation.
struct Pending {
    /// The staged upload (removed when the entry is dropped).
    file: upload::StagedFile,
    agency: String,
    profile: String,
    kind: crate::schema::ExtractKind,
    quarter: crate::schema::Quarter,
    file_name: String,
    created: Instant,
}

pub(crate) struct Inner {
    store: Store,
    /// Profiles by id (file stem).
    profiles: BTreeMap<String, Profile>,
    max_upload: u64,
    per_agency: DefaultKeyedRateLimiter<String>,
    auth_failures: DefaultKeyedRateLimiter<IpAddr>,
    pending: Mutex<HashMap<String, Pending>>,
    /// Receipt views: a random id the receipt page carries, bound to the
    /// agency that just stored a file, so "Your receipts" lists them without
    /// the token again (the token is never put into a page).
    views: Mutex<HashMap<String, (String, std::time::Instant)>>,
    /// One permit per validation under way.
    checks: Arc<tokio::sync::Semaphore>,
    header_timeout: Duration,
    body_pause: Duration,
    metrics: metrics::Metrics,
}

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"))
}

impl AppState {
    pub fn new(config: &ServeConfig) -> Result<AppState, ServerError> {
        let store = Store::open(&config.store)?
            .with_linkage_epoch(config.linkage_epoch.clone())
            .with_checker(config.checker.clone());
        let profiles = load_profiles(&config.profiles)?;
        // No request is under way yet: a key still "in progress" was left
        // by a server killed mid-check.
        store.release_unfinished_idempotency_keys()?;
        Ok(AppState(Arc::new(Inner {
            store,
            profiles,
            max_upload: config.max_upload_bytes,
            per_agency: RateLimiter::keyed(per_minute(config.per_agency_per_minute)),
            auth_failures: RateLimiter::keyed(per_minute(config.auth_failures_per_minute)),
            pending: Mutex::new(HashMap::new()),
            views: Mutex::new(HashMap::new()),
            checks: Arc::new(tokio::sync::Semaphore::new(
                config.max_concurrent_checks.max(1),
            )),
            header_timeout: config.header_timeout,
            body_pause: config.body_pause,
            metrics: metrics::Metrics::new(config.console_lang),
        })))
    }

    /// A validation slot, waiting up to [`CHECK_WAIT`] for one, else "busy,
    /// retry later" (503 with Retry-After).
    async fn check_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Problem> {
        let waited =
            tokio::time::timeout(CHECK_WAIT, Arc::clone(&self.0.checks).acquire_owned()).await;
        waited.ok().and_then(Result::ok).ok_or_else(|| {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "problem-busy",
                Message::new("problem-busy-detail").with("seconds", BUSY_RETRY_SECS),
            )
        })
    }

    /// What an upload may send: its size and its longest pause.
    fn upload_limits(&self) -> upload::Limits {
        upload::Limits {
            max_bytes: self.0.max_upload,
            pause: self.0.body_pause,
        }
    }

    /// The profiles an agency may use, by id.
    fn profiles_of(&self, agency: &str) -> Vec<(&String, &Profile)> {
        self.0
            .profiles
            .iter()
            .filter(|(_, p)| p.agency.slug == agency)
            .collect()
    }

    /// The language the agency's profiles ask for, if any.
    fn language_of(&self, agency: &str) -> Option<crate::i18n::Lang> {
        self.profiles_of(agency)
            .iter()
            .find_map(|(_, p)| p.agency.language)
    }

    /// The profile an agency asked for (or its only one), checked to be its own.
    fn profile_for(&self, agency: &str, id: Option<&str>) -> Result<(String, Profile), Problem> {
        let own = self.profiles_of(agency);
        match id.filter(|s| !s.is_empty()) {
            Some(id) => own
                .into_iter()
                .find(|(k, _)| k.as_str() == id)
                .map(|(k, p)| (k.clone(), p.clone()))
                .ok_or_else(|| {
                    Problem::new(
                        StatusCode::BAD_REQUEST,
                        "unknown-profile",
                        "problem-unknown-profile",
                        Message::new("problem-unknown-profile-detail"),
                    )
                }),
            None => match own.as_slice() {
                [(k, p)] => Ok(((*k).clone(), (*p).clone())),
                [] => Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "no-profile",
                    "problem-no-profile",
                    Message::new("problem-no-profile-detail"),
                )),
                _ => Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "choose-profile",
                    "problem-choose-profile",
                    Message::new("problem-choose-profile-detail"),
                )),
            },
        }
    }

    /// Keep a checked upload until it is confirmed. An agency has at most
    /// [`MAX_PENDING_PER_AGENCY`] waiting: a new one drops its oldest, whose
    /// file is removed and closed (147 unconfirmed checks once used up
    /// every file descriptor of the process).
    fn add_pending(&self, id: String, entry: Pending) {
        let mut pending = self.0.pending.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let mine = pending.iter().filter(|(_, p)| p.agency == entry.agency);
            if mine.clone().count() < MAX_PENDING_PER_AGENCY {
                break;
            }
            let oldest = mine.min_by_key(|(_, p)| p.created).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => drop(pending.remove(&k)),
                None => break,
            }
        }
        pending.insert(id, entry);
    }

    /// A receipt view for `agency`, valid as long as a pending check
    /// ([`PENDING_TTL`]); an agency holds at most [`MAX_PENDING_PER_AGENCY`]
    /// (a new one drops its oldest), so the map is bounded by the agencies.
    fn grant_view(&self, agency: &str, id: String) {
        let mut views = self.0.views.lock().unwrap_or_else(|e| e.into_inner());
        views.retain(|_, (_, at)| at.elapsed() < PENDING_TTL);
        let mut mine: Vec<(String, std::time::Instant)> = views
            .iter()
            .filter(|(_, (a, _))| a == agency)
            .map(|(k, (_, at))| (k.clone(), *at))
            .collect();
        mine.sort_by_key(|(_, at)| *at);
        let excess = (mine.len() + 1).saturating_sub(MAX_PENDING_PER_AGENCY);
        for (k, _) in mine.into_iter().take(excess) {
            views.remove(&k);
        }
        views.insert(id, (agency.to_string(), std::time::Instant::now()));
    }

    /// The agency a receipt view was granted to, while it is valid.
    fn view_agency(&self, id: &str) -> Option<String> {
        let views = self.0.views.lock().unwrap_or_else(|e| e.into_inner());
        views
            .get(id)
            .filter(|(_, at)| at.elapsed() < PENDING_TTL)
            .map(|(a, _)| a.clone())
    }

    /// Forget checked uploads nobody confirmed, and their files.
    fn sweep_pending(&self) {
        let mut pending = self.0.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|_, p| p.created.elapsed() < PENDING_TTL);
    }
}

/// Agency profiles: every `*.toml` in the directory, keyed by file stem.
pub fn load_profiles(dir: &Path) -> Result<BTreeMap<String, Profile>, ServerError> {
    let mut out = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|source| ServerError::Profiles {
        path: dir.into(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let profile = Profile::load(&path).map_err(|e| ServerError::Profile {
                path: path.clone(),
                message: e.message(),
            })?;
            out.insert(id, profile);
        }
    }
    Ok(out)
}

/// An error answer: `application/problem+json` (RFC 9457) for the API.
/// Its `type` is stable; its title and detail are catalogue messages,
/// written in the request's language when the answer is made.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    /// The catalogue id of the title.
    pub title: &'static str,
    pub detail: Message,
    pub extra: Option<serde_json::Value>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: Message,
    ) -> Self {
        Problem {
            status,
            code,
            title,
            detail,
            extra: None,
        }
    }

    /// The title in the request's language.
    pub fn title(&self) -> &'static str {
        language::current().t(self.title)
    }

    /// The detail in the request's language.
    pub fn detail(&self) -> String {
        self.detail.render(language::current())
    }

    pub fn body(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "type": format!("urn:safecount:problem:{}", self.code),
            "title": self.title(),
            "status": self.status.as_u16(),
            "detail": self.detail(),
        });
        if let (Some(extra), Some(obj)) = (&self.extra, v.as_object_mut()) {
            if let Some(e) = extra.as_object() {
                for (k, x) in e {
                    obj.insert(k.clone(), x.clone());
                }
            }
        }
        v
    }

    /// The server failed at `what`: one of `register`, `agencies`,
    /// `receipts`, `store`, `disk` or `check` (the variants of
    /// `problem-internal-detail`).
    fn internal(what: &'static str) -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "problem-internal",
            Message::new("problem-internal-detail").with("what", what),
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut r = (self.status, self.body().to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_SECS));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"safecount\""),
            );
        }
        r
    }
}

/// Run a ledger call (SQLite, which may wait up to its busy timeout for a
/// lock) on the blocking pool, never on an async worker: with the ledger
/// locked by a release, `/healthz` and every other request still answer.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Problem> {
    // The request's span (its id) goes with the work to the blocking thread.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f))
        .await
        .map_err(|_| Problem::internal("register"))
}

/// Run a ledger call from synchronous code inside a request: the async
/// worker hands its other tasks over while this one waits (multi-threaded
/// runtime), else the call simply runs.
pub(crate) fn blocking_in_place<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Check a token: the agency it belongs to, or a problem. Failed attempts
/// are rate-limited per client address; successful ones per agency.
fn authenticate(state: &AppState, token: Option<&str>, ip: IpAddr) -> Result<String, Problem> {
    let refuse = |detail: &'static str| {
        if state.0.auth_failures.check_key(&ip).is_err() {
            return Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "problem-rate-limited",
                Message::new("problem-rate-limited-detail"),
            );
        }
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "problem-unauthorized",
            Message::new(detail),
        )
    };
    let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(refuse("problem-no-token-detail"));
    };
    let agency = blocking_in_place(|| state.0.store.authenticate(token))
        .map_err(|_| Problem::internal("agencies"))?
        .ok_or_else(|| refuse("problem-bad-token-detail"))?;
    // Signed in: the agency's profile language applies unless the reader chose one.
    language::signed_in(state.language_of(&agency));
    if state.0.per_agency.check_key(&agency).is_err() {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "problem-agency-rate-limited",
            Message::new("problem-agency-rate-limited-detail"),
        ));
    }
    Ok(agency)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
}

/// The server's routes. Upload routes take up to the upload limit; every
/// other route only a small form.
pub fn router(state: AppState) -> Router {
    let limit = state.0.max_upload as usize + 1024 * 1024;
    Router::new()
        .merge(
            pages::upload_routes()
                .merge(api::routes())
                .layer(DefaultBodyLimit::max(limit)),
        )
        .merge(pages::routes().layer(DefaultBodyLimit::max(SMALL_FORM_BYTES)))
        .route("/metrics", axum::routing::get(access::metrics_text))
        .layer(middleware::from_fn(language::negotiate))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            access::harden,
        ))
        .with_state(state)
}

/// How long a stopping server waits for the requests under way (an upload
/// being received or checked) before it exits anyway.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Serve on an already bound listener until `shutdown` completes; then stop
/// accepting, let every connection finish the request it is answering (up
/// to [`DRAIN_TIMEOUT`]), and return.
///
/// Connections are served by hyper directly (rather than `axum::serve`) to
/// set what axum's server leaves out: a timer for the header timeout, which
/// also closes idle keep-alive connections, and a cap on connections.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            sweeper.sweep_pending();
            // Forget rate-limit state of agencies and addresses not seen lately.
            sweeper.0.per_agency.retain_recent();
            sweeper.0.per_agency.shrink_to_fit();
            sweeper.0.auth_failures.retain_recent();
            sweeper.0.auth_failures.shrink_to_fit();
            let store = sweeper.0.store.clone();
            let _ = tokio::task::spawn_blocking(move || store.sweep_staging()).await;
        }
    });
    let header_timeout = state.0.header_timeout;
    let app = router(state);
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let full_slots = Arc::new(tokio::sync::Semaphore::new(MAX_FULL_CONNECTIONS));
    let per_address: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(64 * 1024);
    let http = Arc::new(http);
    let mut shutdown = std::pin::pin!(shutdown);
    // Told to every connection when the server stops: finish the request
    // under way, then close.
    let (stopping, stop_seen) = tokio::sync::watch::channel(false);
    loop {
        let (stream, addr) = tokio::select! {
            _ = &mut shutdown => {
                drop(listener);
                let _ = stopping.send(true);
                // Every connection holds a permit until it is done.
                let all = MAX_CONNECTIONS as u32;
                let _ = tokio::time::timeout(DRAIN_TIMEOUT, connections.acquire_many(all)).await;
                return Ok(());
            }
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors or a connection reset before accept: go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let full = AddressSlot::claim(&per_address, addr.ip())
            .zip(Arc::clone(&full_slots).try_acquire_owned().ok());
        let app = app.clone();
        let http = Arc::clone(&http);
        let mut stop_seen = stop_seen.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(addr));
                    app.clone().oneshot(request)
                },
            );
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            let deadline = if full.is_some() {
                None
            } else {
                Some(tokio::time::Instant::now() + SHORT_CONNECTION)
            };
            let served = async {
                tokio::select! {
                    _ = connection.as_mut() => return,
                    _ = stop_seen.wait_for(|stop| *stop) => {}
                }
                // Stopping: answer the request under way, take no other.
                connection.as_mut().graceful_shutdown();
                let _ = connection.as_mut().await;
            };
            match deadline {
                None => served.await,
                Some(at) => {
                    let _ = tokio::time::timeout_at(at, served).await;
                }
            }
            drop(full);
            drop(permit);
        });
    }
}

/// One of an address's [`MAX_CONNECTIONS_PER_ADDRESS`] full connections,
/// given back when dropped.
struct AddressSlot {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl AddressSlot {
    fn claim(counts: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr) -> Option<AddressSlot> {
        let mut map = counts.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(ip).or_default();
        if *n >= MAX_CONNECTIONS_PER_ADDRESS {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            counts: Arc::clone(counts),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Raise this process's open-file limit to its hard limit: each connection
/// and each staged upload holds a descriptor, and the usual soft limit
/// (1,024) is below [`MAX_CONNECTIONS`].
pub fn raise_open_file_limit() {
    // SAFETY: getrlimit/setrlimit read and write the struct passed by
    // reference and change only this process's limit.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// Ctrl-C or SIGTERM (what `systemctl stop` and `docker stop` send).
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}

/// Run the server until Ctrl-C or SIGTERM, then drain the requests under way.
pub fn serve(config: &ServeConfig) -> Result<(), ServerError> {
    raise_open_file_limit();
    let state = AppState::new(config)?;
    state.0.store.sweep_staging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr()?;
        let says = config.console_lang;
        let listening = crate::i18n::Args::new()
            .with("url", format!("http://{addr}/"))
            .with("store", config.store.display().to_string())
            .with("profiles", state.0.profiles.len())
            .with("megabytes", config.max_upload_bytes / (1024 * 1024));
        tracing::info!(
            "safecount serve: {}",
            says.msg("serve-listening", &listening)
        );
        if !addr.ip().is_loopback() {
            tracing::warn!("safecount serve: {}", says.t("serve-beyond-loopback"));
        }
        serve_on(listener, state, stop_signal()).await?;
        tracing::info!("safecount serve: {}", says.t("serve-drained"));
        Ok::<(), ServerError>(())
    })
}

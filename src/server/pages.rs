//! The upload pages: plain HTML forms that work without JavaScript. A worker
//! picks the file, profile, kind and quarter; sees the validation report
//! before confirming; gets a receipt with the SHA-256 to compare; and can
//! list their own agency's receipts. Each page is in one language (the
//! request's: [`super::language`]), with a link to the other; every word
//! comes from the catalogue through the templates' `t(id, var=value)`.

use super::intake::{Outcome, check_quarter, not_multipart, parse_kind, submit};
use super::upload;
use super::{AppState, Pending, Problem, authenticate, language};
use crate::i18n::{Arg, Args, Message};
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{ConnectInfo, Form, Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use rand::TryRngCore;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

/// The page route that receives a file (the upload size limit applies).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/upload", axum::routing::post(check))
}

/// The other page routes (small forms only).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(upload_page))
        .route("/upload/confirm", axum::routing::post(confirm))
        .route("/receipts", get(receipts_form).post(receipts))
        .route("/static/style.css", get(css))
        .route("/static/upload.js", get(js))
        .route("/static/local-time.js", get(local_time_js))
}

fn templates() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.add_function("t", translate);
        env.add_function("when", |at: &str| language::current().timestamp(at));
        for (name, text) in [
            ("layout.html", include_str!("assets/layout.html")),
            ("upload.html", include_str!("assets/upload.html")),
            ("check.html", include_str!("assets/check.html")),
            ("receipt.html", include_str!("assets/receipt.html")),
            ("receipts.html", include_str!("assets/receipts.html")),
        ] {
            env.add_template(name, text)
                .unwrap_or_else(|e| panic!("page template {name}: {e}"));
        }
        env
    })
}

/// `t("id", name=value, ...)` in a template: the message in the request's language.
fn translate(id: &str, kwargs: minijinja::value::Kwargs) -> Result<String, minijinja::Error> {
    let mut args = Args::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        let arg = match value.as_i64() {
            Some(n) if value.kind() == minijinja::value::ValueKind::Number => Arg::from(n),
            _ => Arg::from(value.to_string()),
        };
        args = args.with(name, arg);
    }
    Ok(language::current().msg(id, &args))
}

/// A page in the request's language; `home` is the path the language
/// switch leads to (a page reached by a form leads back to its start).
fn page(status: StatusCode, name: &str, home: &str, ctx: minijinja::Value) -> Response {
    let lang = language::current();
    let ctx = minijinja::context! {
        lang => lang.code(),
        other_lang => lang.other().code(),
        switch_href => format!("{home}?lang={}", lang.other().code()),
        lang_query => language::query(),
        ..ctx
    };
    match templates().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "page failed").into_response(),
    }
}

fn asset(body: &'static str, mime: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    r
}

async fn css() -> Response {
    asset(include_str!("assets/style.css"), "text/css; charset=utf-8")
}

async fn js() -> Response {
    asset(
        include_str!("assets/upload.js"),
        "text/javascript; charset=utf-8",
    )
}

async fn local_time_js() -> Response {
    asset(
        include_str!("assets/local-time.js"),
        "text/javascript; charset=utf-8",
    )
}

fn upload_form(state: &AppState, error: Option<&Problem>, quarter: &str) -> Response {
    let status = error.map(|p| p.status).unwrap_or(StatusCode::OK);
    page(
        status,
        "upload.html",
        "/",
        minijinja::context! {
            title => language::current().t("page-upload-title"),
            max_mb => state.0.max_upload / (1024 * 1024),
            quarter => quarter,
            error => error.map(|p| minijinja::context! { title => p.title(), detail => p.detail() }),
        },
    )
}

async fn upload_page(State(state): State<AppState>) -> Response {
    upload_form(&state, None, "")
}

fn random_id() -> String {
    let mut b = [0u8; 16];
    let _ = rand::rngs::OsRng.try_fill_bytes(&mut b);
    hex::encode(b)
}

/// Step 1: receive the file, check it without storing it, show the report.
async fn check(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match form {
        Ok(f) => f,
        Err(_) => return upload_form(&state, Some(&not_multipart()), ""),
    };
    // The token comes ahead of the file (the page puts it first): nothing
    // of the file is read or staged unless it is valid.
    let mut authenticated: Option<String> = None;
    let form = match upload::read_form(&state.0.store, form, state.upload_limits(), |fields| {
        let token = fields.get("token").map(String::as_str);
        authenticated = Some(authenticate(&state, token, addr.ip())?);
        Ok(())
    })
    .await
    {
        Ok(f) => f,
        Err(p) => return upload_form(&state, Some(&p), ""),
    };
    let (fields, file) = (form.fields, form.file);
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let quarter_given = get("quarter").to_string();
    let checked = (|| {
        let agency = match authenticated.take() {
            Some(a) => a,
            None => authenticate(&state, Some(get("token")), addr.ip())?,
        };
        let kind = parse_kind(get("kind"))?;
        let quarter = check_quarter(get("quarter"))?;
        let (profile_id, profile) = state.profile_for(&agency, Some(get("profile")))?;
        let Some((staged, name)) = file else {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "no-file",
                "problem-no-file",
                Message::new("problem-no-file-detail"),
            ));
        };
        Ok((agency, kind, quarter, profile_id, profile, staged, name))
    })();
    let (agency, kind, quarter, profile_id, profile, staged, name) = match checked {
        Ok(c) => c,
        Err(p) => return upload_form(&state, Some(&p), &quarter_given),
    };
    if profile.section(kind).is_none() {
        let p = Problem::new(
            StatusCode::BAD_REQUEST,
            "no-section",
            "problem-no-section",
            Message::new("problem-no-section-detail")
                .with("profile", profile_id.as_str())
                .with("kind", kind.as_str()),
        );
        return upload_form(&state, Some(&p), &quarter_given);
    }
    // Validate without storing: the same check `safecount validate` makes.
    let permit = match state.check_permit().await {
        Ok(p) => p,
        Err(p) => return upload_form(&state, Some(&p), &quarter_given),
    };
    let path = staged.path().to_path_buf();
    let _timer = super::metrics::CheckTimer::start(&state.0.metrics);
    let (prof, q) = (profile.clone(), quarter.clone());
    let linkage_epoch = state.0.store.linkage_epoch().map(str::to_string);
    let checker = state.0.store.checker().map(Path::to_path_buf);
    let validated = tokio::task::spawn_blocking(move || {
        // The check holds its slot to its end, even if the client has gone.
        let _permit = permit;
        let options = crate::ingest::IngestOptions {
            kind,
            quarter: Some(q),
            linkage_epoch,
            ..Default::default()
        };
        crate::ingest::check_file(checker.as_deref(), &path, &prof, &options, false)
    })
    .await;
    let mut report = match validated {
        Ok(Ok(outcome)) => outcome.report,
        Ok(Err(e)) => {
            let p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unreadable",
                "problem-unreadable",
                Message::new("problem-unreadable-detail").with("reason", e.message()),
            );
            return upload_form(&state, Some(&p), &quarter_given);
        }
        Err(_) => {
            return upload_form(&state, Some(&Problem::internal("check")), &quarter_given);
        }
    };
    report.file = name.clone();
    // The profile by its id: the server's paths are nobody's business.
    report.profile = profile_id.clone();
    let lang = language::current();
    let sha256 = if report.valid {
        staged.sha256.clone()
    } else {
        lang.t("page-sha-not-kept").to_string()
    };
    let pending = if report.valid {
        let id = random_id();
        let entry = Pending {
            file: staged,
            agency: agency.clone(),
            profile: profile_id,
            kind,
            quarter,
            file_name: name.clone(),
            created: Instant::now(),
        };
        state.add_pending(id.clone(), entry);
        id
    } else {
        // A refused file is removed now (the staged file is dropped).
        String::new()
    };
    page(
        if report.valid {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        "check.html",
        "/",
        minijinja::context! {
            title => lang.t(if report.valid { "page-check-passed-title" } else { "page-check-refused-title" }),
            valid => report.valid,
            rows => report.rows_read,
            records => report.records,
            kind => kind.as_str(),
            file => name,
            quarter => quarter,
            sha256 => sha256,
            report => report_blocks(&report.to_page_text_in(lang)),
            pending => pending,
        },
    )
}

/// A part of the check's report as the page shows it: a heading (none for
/// the opening lines), its lines, and the findings listed under it, each
/// with what to do.
#[derive(serde::Serialize, Default)]
struct ReportBlock {
    heading: String,
    lines: Vec<String>,
    items: Vec<(String, Vec<String>)>,
}

/// The plain-words report (the one the CLI prints) laid out for a page, in
/// headings, paragraphs and lists rather than a block of fixed-width text:
/// "1. heading" opens a part, "   - finding" a finding, and a line indented
/// under it is what to do about it.
fn report_blocks(text: &str) -> Vec<ReportBlock> {
    let mut blocks = vec![ReportBlock::default()];
    for line in text.lines() {
        let trimmed = line.trim();
        let numbered = trimmed
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        let block = blocks.last_mut().expect("one block");
        if trimmed.is_empty() {
            continue;
        } else if let Some((_, heading)) = numbered.filter(|_| !line.starts_with(' ')) {
            blocks.push(ReportBlock {
                heading: heading.to_string(),
                ..ReportBlock::default()
            });
        } else if let Some(item) = trimmed.strip_prefix("- ").filter(|_| line.starts_with(' ')) {
            block.items.push((item.to_string(), Vec::new()));
        } else if let (true, Some(item)) = (line.starts_with("  "), block.items.last_mut()) {
            item.1.push(trimmed.to_string());
        } else {
            block.lines.push(trimmed.to_string());
        }
    }
    blocks
}

/// The confirmation carries only the check's pending id: a single-use,
/// random 128-bit id the server bound to the agency whose token passed the
/// check, valid for 30 minutes. The token is never put into a page.
#[derive(serde::Deserialize)]
struct ConfirmForm {
    pending: String,
}

/// Step 2: store the checked file and show the receipt.
async fn confirm(State(state): State<AppState>, Form(f): Form<ConfirmForm>) -> Response {
    let entry = state
        .0
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&f.pending);
    let agency = entry.as_ref().map(|e| e.agency.clone()).unwrap_or_default();
    let Some(entry) = entry else {
        let p = Problem::new(
            StatusCode::GONE,
            "expired",
            "problem-expired",
            Message::new("problem-expired-detail"),
        );
        return upload_form(&state, Some(&p), "");
    };
    // The check signed the agency in: its language holds for the receipt.
    language::signed_in(state.language_of(&agency));
    let staged = entry.file;
    match submit(
        &state,
        &agency,
        Some(&entry.profile),
        entry.kind,
        entry.quarter,
        &entry.file_name,
        staged,
    )
    .await
    {
        Ok(outcome @ (Outcome::Stored(_) | Outcome::Already(_))) => {
            let (r, already) = match outcome {
                Outcome::Stored(r) => (r, false),
                Outcome::Already(r) => (r, true),
                Outcome::Rejected(_) => unreachable!("matched above"),
            };
            let view = random_id();
            state.grant_view(&agency, view.clone());
            page(
                StatusCode::OK,
                "receipt.html",
                "/",
                minijinja::context! {
                    title => language::current().t("page-receipt-title"),
                    already => already,
                    r => r,
                    file => entry.file_name,
                    view => view,
                },
            )
        }
        Ok(Outcome::Rejected(_)) => {
            let p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-extract",
                "problem-invalid-extract",
                Message::new("problem-invalid-extract-detail"),
            );
            upload_form(&state, Some(&p), "")
        }
        Err(p) => upload_form(&state, Some(&p), ""),
    }
}

fn receipts_page(
    error: Option<&Problem>,
    list: Option<(String, Vec<crate::store::Receipt>, Vec<String>)>,
) -> Response {
    let status = error.map(|p| p.status).unwrap_or(StatusCode::OK);
    let (agency, list, superseded) = match list {
        Some((a, l, s)) => (a, Some(l), s),
        None => (String::new(), None, Vec::new()),
    };
    page(
        status,
        "receipts.html",
        "/receipts",
        minijinja::context! {
            title => language::current().t("page-receipts-title"),
            error => error.map(|p| minijinja::context! { title => p.title(), detail => p.detail() }),
            agency => agency,
            list => list,
            superseded => superseded,
        },
    )
}

async fn receipts_form() -> Response {
    receipts_page(None, None)
}

/// The receipts form: the agency's token, or the view a receipt page
/// carries (see [`AppState::grant_view`]).
#[derive(serde::Deserialize)]
struct TokenForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    view: String,
}

async fn receipts(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(f): Form<TokenForm>,
) -> Response {
    let viewed = (!f.view.is_empty())
        .then(|| state.view_agency(&f.view))
        .flatten();
    let agency = match viewed.map_or_else(|| authenticate(&state, Some(&f.token), addr.ip()), Ok) {
        Ok(a) => a,
        Err(p) => return receipts_page(Some(&p), None),
    };
    let listed = super::blocking_in_place(|| {
        let list = state.0.store.submissions(Some(&agency), true)?;
        let superseded = list
            .iter()
            .filter(|r| {
                state
                    .0
                    .store
                    .is_superseded(&r.submission_id)
                    .unwrap_or(false)
            })
            .map(|r| r.submission_id.clone())
            .collect::<Vec<_>>();
        Ok::<_, crate::store::StoreError>((list, superseded))
    });
    match listed {
        Ok((list, superseded)) => receipts_page(None, Some((agency, list, superseded))),
        Err(_) => receipts_page(Some(&Problem::internal("receipts")), None),
    }
}

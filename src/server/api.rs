//! The JSON API: multipart POST or raw-body PUT of an extract, the agency's
//! own receipts and profiles, and the OpenAPI description. Errors are
//! `application/problem+json`.

use super::intake::{Outcome, check_quarter, not_multipart, parse_kind, submit};
use super::upload::{self, StagedFile, display_name};
use super::{AppState, Problem, authenticate, bearer};
use crate::i18n::Message;
use crate::schema::ExtractKind;
use crate::store::KeyClaim;
use axum::Router;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{ConnectInfo, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route(
            "/api/v1/agencies/{slug}/submissions",
            get(list).post(post_multipart),
        )
        .route(
            "/api/v1/agencies/{slug}/submissions/{quarter}/{kind}",
            put(put_raw),
        )
        .route("/api/v1/agencies/{slug}/profiles", get(profiles))
        .route("/healthz", get(|| async { "ok" }))
}

async fn openapi() -> Response {
    let mut r = super::openapi::document(super::language::current())
        .to_string()
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The token's agency, which must be the one in the path.
fn own_agency(
    state: &AppState,
    headers: &HeaderMap,
    addr: SocketAddr,
    slug: &str,
) -> Result<String, Problem> {
    let agency = authenticate(state, bearer(headers), addr.ip())?;
    if agency != slug {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "other-agency",
            "problem-other-agency",
            Message::new("problem-other-agency-detail"),
        ));
    }
    Ok(agency)
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match v.to_str() {
        Ok(s) if !s.trim_matches('"').trim().is_empty() && s.len() <= 200 => {
            Ok(Some(s.trim_matches('"').to_string()))
        }
        _ => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-idempotency-key",
            "problem-bad-idempotency-key",
            Message::new("problem-bad-idempotency-key-detail"),
        )),
    }
}

fn receipt_json(r: &crate::store::Receipt, already: bool) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["already_stored"] = serde_json::json!(already);
    v["verify"] = serde_json::json!(super::language::current().t("api-receipt-verify"));
    v
}

fn answer_of(outcome: Result<Outcome, Problem>) -> (StatusCode, serde_json::Value) {
    match outcome {
        Ok(Outcome::Stored(r)) => (StatusCode::CREATED, receipt_json(&r, false)),
        Ok(Outcome::Already(r)) => (StatusCode::OK, receipt_json(&r, true)),
        Ok(Outcome::Rejected(report)) => {
            let report: serde_json::Value =
                serde_json::from_str(&report.to_json_in(super::language::current()))
                    .unwrap_or_default();
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-extract",
                "problem-invalid-extract",
                Message::new("problem-invalid-extract-api-detail"),
            );
            p.extra = Some(serde_json::json!({ "report": report }));
            (p.status, p.body())
        }
        Err(p) => (p.status, p.body()),
    }
}

fn respond(status: StatusCode, body: &serde_json::Value, replayed: bool) -> Response {
    let mut r = if status.is_success() {
        json(status, body)
    } else {
        let mut r = (status, body.to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    };
    if replayed {
        r.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    r
}

/// What is kept under an idempotency key: the status and the receipt, or for
/// a refusal only a short problem — never the validation report, which names
/// columns and rows of the file.
fn answer_to_keep(status: StatusCode, body: &serde_json::Value) -> String {
    if status.is_success() {
        return body.to_string();
    }
    let mut kept = body.clone();
    if let Some(o) = kept.as_object_mut() {
        o.remove("report");
        o.insert(
            "detail".into(),
            serde_json::json!(super::language::current().t("api-replayed-refusal-detail")),
        );
    }
    kept.to_string()
}

/// Store an upload honouring an idempotency key. The key is claimed (with
/// the request's hash) before anything is validated, so two requests with
/// one key cannot both be processed: the same request while the first is
/// under way gets 409, a different request 422, and the same request after
/// the first finished gets the first answer again.
///
/// The work runs in a task of its own: a client that hangs up after sending
/// drops only its wait for the answer. The check keeps its slot to the end,
/// the file is stored or refused, and the key's answer is recorded, so the
/// retry gets it. Every ledger call runs off the async workers.
#[allow(clippy::too_many_arguments)]
async fn store_with_key(
    state: &AppState,
    agency: &str,
    profile_id: Option<&str>,
    kind: ExtractKind,
    quarter: crate::schema::Quarter,
    file_name: &str,
    staged: StagedFile,
    key: Option<String>,
) -> Response {
    let request_sha = crate::digest::sha256_hex(
        format!(
            "{}|{quarter}|{}|{}",
            kind.as_str(),
            profile_id.unwrap_or(""),
            staged.sha256
        )
        .as_bytes(),
    );
    let (state, agency) = (state.clone(), agency.to_string());
    let (profile_id, file_name) = (profile_id.map(str::to_string), file_name.to_string());
    let task = tokio::spawn(super::language::carried(async move {
        if let Some(key) = &key {
            let (store, a, k) = (state.0.store.clone(), agency.clone(), key.clone());
            let claim =
                super::blocking(move || store.claim_idempotency_key(&a, &k, &request_sha)).await;
            if let Some(early) = claimed(claim) {
                return early;
            }
        }
        let outcome = submit(
            &state,
            &agency,
            profile_id.as_deref(),
            kind,
            quarter,
            &file_name,
            staged,
        )
        .await;
        let (status, body) = answer_of(outcome);
        if let Some(key) = key {
            let store = state.0.store.clone();
            let kept_body = answer_to_keep(status, &body);
            // A failure on the server's side (or a busy server) may be retried with the same key.
            let kept = super::blocking(move || {
                if status.is_server_error() {
                    store.release_idempotency_key(&agency, &key)
                } else {
                    store.answer_idempotency_key(&agency, &key, status.as_u16(), &kept_body)
                }
            })
            .await;
            if kept.is_err() {
                return Problem::internal("register").into_response();
            }
        }
        respond(status, &body, false)
    }));
    task.await
        .unwrap_or_else(|_| Problem::internal("check").into_response())
}

/// The answer to a request whose key was claimed before (a replay, a
/// conflict), or None when this request now holds the key.
fn claimed(
    claim: Result<Result<KeyClaim, crate::store::AgencyError>, Problem>,
) -> Option<Response> {
    match claim {
        Ok(Ok(KeyClaim::Claimed)) => None,
        Ok(Ok(KeyClaim::Answered(stored))) => {
            let body = serde_json::from_str(&stored.body).unwrap_or_default();
            let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
            Some(respond(status, &body, true))
        }
        Ok(Ok(KeyClaim::InProgress)) => Some(
            Problem::new(
                StatusCode::CONFLICT,
                "idempotency-key-in-progress",
                "problem-idempotency-key-in-progress",
                Message::new("problem-idempotency-key-in-progress-detail"),
            )
            .into_response(),
        ),
        Ok(Ok(KeyClaim::OtherRequest)) => Some(
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "problem-idempotency-key-reused",
                Message::new("problem-idempotency-key-reused-detail"),
            )
            .into_response(),
        ),
        Ok(Err(_)) | Err(_) => Some(Problem::internal("register").into_response()),
    }
}

/// Discard up to `cap` bytes of a request body.
async fn drain(body: Body, cap: u64) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > cap {
            break;
        }
    }
}

#[derive(serde::Deserialize)]
struct PutQuery {
    profile: Option<String>,
    filename: Option<String>,
}

async fn put_raw(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((slug, quarter, kind)): Path<(String, String, String)>,
    Query(q): Query<PutQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let checked = (|| {
        let agency = own_agency(&state, &headers, addr, &slug)?;
        let kind = parse_kind(&kind)?;
        let quarter = check_quarter(&quarter)?;
        let key = idempotency_key(&headers)?;
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > state.0.max_upload) {
            return Err(upload::too_large(state.0.max_upload));
        }
        Ok((agency, kind, quarter, key))
    })();
    let (agency, kind, quarter, key) = match checked {
        Ok(c) => c,
        Err(p) => {
            // Read (and drop) a small body before answering, so a client still
            // sending it sees the answer rather than a reset connection.
            drain(body, 4 << 20).await;
            return Err(p);
        }
    };
    let staged = upload::stage(
        &state.0.store,
        body.into_data_stream(),
        state.upload_limits(),
    )
    .await?;
    let name = display_name(q.filename.as_deref());
    Ok(store_with_key(
        &state,
        &agency,
        q.profile.as_deref(),
        kind,
        quarter,
        &name,
        staged,
        key,
    )
    .await)
}

async fn post_multipart(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, Problem> {
    let agency = own_agency(&state, &headers, addr, &slug)?;
    let key = idempotency_key(&headers)?;
    let form = form.map_err(|_| not_multipart())?;
    let form = upload::read_form(&state.0.store, form, state.upload_limits(), |_| Ok(())).await?;
    let (kind, quarter) = (
        parse_kind(form.get("kind")),
        check_quarter(form.get("quarter")),
    );
    let profile = form.fields.get("profile").cloned();
    let Some((staged, name)) = form.file else {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "no-file",
            "problem-no-file-field",
            Message::new("problem-no-file-field-detail"),
        ));
    };
    let (kind, quarter) = (kind?, quarter?);
    Ok(store_with_key(
        &state,
        &agency,
        profile.as_deref(),
        kind,
        quarter,
        &name,
        staged,
        key,
    )
    .await)
}

async fn list(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let agency = own_agency(&state, &headers, addr, &slug)?;
    let list = super::blocking_in_place(|| state.0.store.submissions(Some(&agency), true))
        .map_err(|_| Problem::internal("receipts"))?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "agency": agency, "submissions": list }),
    ))
}

async fn profiles(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let agency = own_agency(&state, &headers, addr, &slug)?;
    let list: Vec<serde_json::Value> = state
        .profiles_of(&agency)
        .into_iter()
        .map(|(id, p)| {
            let mut kinds = Vec::new();
            if p.cases.is_some() {
                kinds.push("cases");
            }
            if p.returns.is_some() {
                kinds.push("returns");
            }
            serde_json::json!({ "id": id, "name": p.agency.name, "kinds": kinds })
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "agency": agency, "profiles": list }),
    ))
}

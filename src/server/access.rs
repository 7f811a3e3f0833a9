//! What every answer gets on its way out: security headers, a request id
//! (`X-Request-Id`) and a line in the access log; upload answers are counted
//! in the metrics, which `/metrics` serves to the machine itself.

use super::{AppState, blocking, metrics};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// Security headers on every answer, a request id (`X-Request-Id`), and a
/// one-line access log: the request id, method, route template, status and
/// time — never the path as sent, a query, a header or a body. Upload
/// routes are counted in the metrics by route and status.
pub(super) async fn harden(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let route = route_of(request.uri().path()).to_string();
    let request_id = format!("{:016x}", rand::random::<u64>());
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut response = next.run(request).instrument(span.clone()).await;
    let h = response.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
        (
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
        ),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-request-id", v);
    }
    let status = response.status().as_u16();
    let upload = matches!(method, axum::http::Method::PUT | axum::http::Method::POST)
        && (route.contains("/submissions") || route.starts_with("/upload"));
    if upload {
        state
            .0
            .metrics
            .uploads
            .get_or_create(&metrics::UploadLabels {
                route: route.clone(),
                status,
            })
            .inc();
    }
    let ms = started.elapsed().as_millis() as u64;
    let method = method.as_str();
    if status >= 500 {
        tracing::warn!(parent: &span, %request_id, method, route, status, ms, "request");
    } else {
        tracing::info!(parent: &span, %request_id, method, route, status, ms, "request");
    }
    response
}

/// The template of the route a path is for: its fixed parts, with the
/// agency, quarter and kind as placeholders. A path that is no route is
/// "unmatched": what a client sends is never logged as it was sent.
fn route_of(path: &str) -> &'static str {
    const FIXED: [&str; 10] = [
        "/",
        "/upload",
        "/upload/confirm",
        "/receipts",
        "/static/style.css",
        "/static/upload.js",
        "/static/local-time.js",
        "/healthz",
        "/metrics",
        "/api/v1/openapi.json",
    ];
    if let Some(fixed) = FIXED.iter().find(|f| **f == path) {
        return fixed;
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["api", "v1", "agencies", _, "submissions"] => "/api/v1/agencies/{slug}/submissions",
        ["api", "v1", "agencies", _, "profiles"] => "/api/v1/agencies/{slug}/profiles",
        ["api", "v1", "agencies", _, "submissions", _, _] => {
            "/api/v1/agencies/{slug}/submissions/{quarter}/{kind}"
        }
        _ => "unmatched",
    }
}

/// `/metrics` in Prometheus' text format, for the machine itself only.
pub(super) async fn metrics_text(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(addr): axum::extract::ConnectInfo<SocketAddr>,
) -> Response {
    if !addr.ip().is_loopback() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let store = state.0.store.clone();
    let inner = Arc::clone(&state.0);
    let text = blocking(move || inner.metrics.render(&store)).await;
    match text {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(p) => p.into_response(),
    }
}

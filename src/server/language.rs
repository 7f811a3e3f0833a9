//! The language of one request: `?lang=` when the reader chose it (a link
//! or a form that carries it), else the signed-in agency's profile
//! `language`, else `Accept-Language`, else English. Held for the request's
//! task, so a page, a problem detail and a validation report made while
//! answering it all speak the same language; the answer says which in
//! `Content-Language`.

use crate::i18n::{self, Lang};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::cell::Cell;

struct Choice {
    /// `?lang=` in the request.
    explicit: Option<Lang>,
    /// The signed-in agency's profile language, once known.
    agency: Cell<Option<Lang>>,
    /// The browser's `Accept-Language`.
    accepted: Option<Lang>,
}

tokio::task_local! {
    static CHOICE: Choice;
}

/// The language of the request being answered (English outside one).
pub fn current() -> Lang {
    CHOICE
        .try_with(|c| c.explicit.or(c.agency.get()).or(c.accepted))
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// `?lang=xx` when the reader chose the language, for links and forms
/// that should keep it; empty otherwise.
pub fn query() -> String {
    CHOICE
        .try_with(|c| c.explicit)
        .ok()
        .flatten()
        .map(|l| format!("?lang={}", l.code()))
        .unwrap_or_default()
}

/// The agency signed in: its profile's language applies from now on,
/// unless the reader chose one.
pub fn signed_in(language: Option<Lang>) {
    let _ = CHOICE.try_with(|c| c.agency.set(language));
}

/// `work` to run in a task of its own, in this request's language (a task
/// does not inherit the request's task-local choice).
pub fn carried<F: std::future::Future>(work: F) -> impl std::future::Future<Output = F::Output> {
    let snapshot = CHOICE
        .try_with(|c| Choice {
            explicit: c.explicit,
            agency: Cell::new(c.agency.get()),
            accepted: c.accepted,
        })
        .unwrap_or(Choice {
            explicit: None,
            agency: Cell::new(None),
            accepted: None,
        });
    CHOICE.scope(snapshot, work)
}

fn from_query(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|pair| pair.strip_prefix("lang="))
        .find_map(Lang::parse)
}

/// Middleware: settle the request's language, answer in it, and say so.
pub async fn negotiate(request: Request, next: Next) -> Response {
    let choice = Choice {
        explicit: from_query(request.uri().query()),
        agency: Cell::new(None),
        accepted: request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(i18n::from_accept_language),
    };
    CHOICE
        .scope(choice, async move {
            let mut response = next.run(request).await;
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(current().code()),
            );
            h.append(header::VARY, HeaderValue::from_static("accept-language"));
            response
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_the_language() {
        assert_eq!(from_query(Some("lang=fr")), Some(Lang::Fr));
        assert_eq!(from_query(Some("profile=x&lang=en")), Some(Lang::En));
        assert_eq!(from_query(Some("lang=de")), None);
        assert_eq!(from_query(None), None);
    }
}

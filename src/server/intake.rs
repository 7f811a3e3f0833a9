//! The intake steps the upload API and the upload page share: checking the
//! kind and quarter a form or URL names, and validating then storing a staged
//! upload through the same code as `safecount submit`.

use super::upload::{self, StagedFile};
use super::{AppState, Problem};
use crate::i18n::Message;
use crate::schema::{ExtractKind, Quarter};
use crate::store::{SubmitError, SubmitOutcome};
use axum::http::StatusCode;

/// A body that is not multipart/form-data (or has no boundary).
pub(super) fn not_multipart() -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "bad-form",
        "problem-bad-form",
        Message::new("problem-bad-form-detail"),
    )
}

pub(super) fn parse_kind(kind: &str) -> Result<ExtractKind, Problem> {
    match kind {
        "cases" | "" => Ok(ExtractKind::Cases),
        "returns" => Ok(ExtractKind::Returns),
        _ => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-kind",
            "problem-bad-kind",
            Message::new("problem-bad-kind-detail"),
        )),
    }
}

pub(super) fn check_quarter(quarter: &str) -> Result<Quarter, Problem> {
    quarter.parse::<Quarter>().map_err(|_| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-quarter",
            "problem-bad-quarter",
            Message::new("problem-bad-quarter-detail"),
        )
    })
}

/// What a stored, repeated or refused upload answers: (status, JSON body).
pub(super) enum Outcome {
    Stored(crate::store::Receipt),
    Already(crate::store::Receipt),
    Rejected(Box<crate::ingest::Report>),
}

/// Validate and store a staged upload through the same code as `safecount submit`.
pub(super) async fn submit(
    state: &AppState,
    agency: &str,
    profile_id: Option<&str>,
    kind: ExtractKind,
    quarter: Quarter,
    file_name: &str,
    staged: StagedFile,
) -> Result<Outcome, Problem> {
    let (id, profile) = state.profile_for(agency, profile_id)?;
    let permit = state.check_permit().await?;
    let _timer = super::metrics::CheckTimer::start(&state.0.metrics);
    let store = state.0.store.clone();
    let (sha, name) = (staged.sha256.clone(), file_name.to_string());
    // The check holds its slot to its end, even if the client has gone.
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        store.submit_staged(staged.staged, &sha, &name, &profile, kind, quarter)
    })
    .await
    .map_err(|_| Problem::internal("check"))?;
    match result {
        Ok(SubmitOutcome::Stored(r)) => Ok(Outcome::Stored(r)),
        Ok(SubmitOutcome::AlreadyStored(r)) => Ok(Outcome::Already(r)),
        Ok(SubmitOutcome::Rejected(mut report)) => {
            report.profile = id;
            Ok(Outcome::Rejected(report))
        }
        Err(SubmitError::Ingest(e)) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable",
            "problem-unreadable",
            Message::new("problem-unreadable-detail").with("reason", e.message()),
        )),
        Err(SubmitError::TooLarge(_)) => Err(upload::too_large(state.0.max_upload)),
        Err(SubmitError::MissingInput(_) | SubmitError::Store(_)) => {
            Err(Problem::internal("store"))
        }
    }
}

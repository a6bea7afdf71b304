//! PORTOS' error body: an RFC 7807 problem with all seven members (`instance` may be null),
//! plus `errors` on a validation problem.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// One member a validation problem names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberError {
    pub member_name: &'static str,
    pub message: String,
    pub code: &'static str,
}

/// A problem as PORTOS reports it: what the handler knows. `type`, `title` and `traceId` are
/// added on the way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub error_code: &'static str,
    pub detail: String,
    pub instance: Option<String>,
    pub errors: Option<Vec<MemberError>>,
}

/// The body on the wire.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: &'a str,
    instance: Option<&'a str>,
    trace_id: String,
    error_code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [MemberError]>,
}

/// Where each status is defined, as `type`.
fn type_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        401 => "https://tools.ietf.org/html/rfc7235#section-3.1",
        404 => "https://tools.ietf.org/html/rfc7231#section-6.5.4",
        405 => "https://tools.ietf.org/html/rfc7231#section-6.5.5",
        413 => "https://tools.ietf.org/html/rfc7231#section-6.5.11",
        415 => "https://tools.ietf.org/html/rfc7231#section-6.5.13",
        422 => "https://tools.ietf.org/html/rfc4918#section-11.2",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        _ => "about:blank",
    }
}

/// A W3C trace id, different for every problem.
fn trace_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let seed = NEXT.fetch_add(1, Ordering::Relaxed) ^ std::process::id() as u64;
    let mut rng = crate::rng::Rng::new(seed);
    format!(
        "00-{:016x}{:016x}-{:016x}-00",
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64()
    )
}

impl Problem {
    /// A problem with `status`, a machine-readable `error_code` and a readable `detail`.
    pub fn new(status: StatusCode, error_code: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            status: status.as_u16(),
            error_code,
            detail: detail.into(),
            instance: None,
            errors: None,
        }
    }

    /// 400: the request's members are missing or wrong.
    pub fn validation(errors: Vec<MemberError>) -> Self {
        Problem {
            errors: Some(errors),
            ..Problem::new(
                StatusCode::BAD_REQUEST,
                "ValidationFailed",
                "One or more validation errors occurred.",
            )
        }
    }

    /// 400: the query or body is not one PORTOS understands.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "InvalidRequest", detail)
    }

    /// 401: no usable token.
    pub fn unauthorized(error_code: &'static str, detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, error_code, detail)
    }

    /// 404 for the resource at `path`.
    pub fn not_found(error_code: &'static str, detail: impl Into<String>, path: &str) -> Self {
        Problem {
            instance: Some(path.to_string()),
            ..Problem::new(StatusCode::NOT_FOUND, error_code, detail)
        }
    }

    /// The code a status stands for when nothing more specific is known.
    pub fn for_status(status: StatusCode, detail: impl Into<String>) -> Self {
        let code = match status.as_u16() {
            400 => "InvalidRequest",
            401 => "Unauthorized",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            429 => "TooManyRequests",
            s if s >= 500 => "InternalError",
            _ => "Error",
        };
        Problem::new(status, code, detail)
    }
}

impl From<rusqlite::Error> for Problem {
    fn from(err: rusqlite::Error) -> Self {
        // The cause goes to the server log only.
        eprintln!("roster-sandbox: PORTOS database error: {err}");
        Problem::for_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not complete the request",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = Body {
            kind: type_of(status),
            title: status.canonical_reason().unwrap_or("Error"),
            status: self.status,
            detail: &self.detail,
            instance: self.instance.as_deref(),
            trace_id: trace_id(),
            error_code: self.error_code,
            errors: self.errors.as_deref(),
        };
        let body = serde_json::to_string(&body).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

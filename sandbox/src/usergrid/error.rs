//! Usergrid's error body: `{"error": "snake_case_code", "error_description": "…"}` with a 4xx
//! or 5xx status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error as Usergrid reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UgError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
}

impl UgError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        UgError {
            status,
            code,
            description: description.into(),
        }
    }

    /// The code a status stands for when nothing more specific is known.
    pub fn for_status(status: StatusCode, description: impl Into<String>) -> Self {
        let code = match status.as_u16() {
            401 => "unauthorized",
            404 => "service_resource_not_found",
            405 => "method_not_allowed",
            413 => "request_too_large",
            429 => "too_many_requests",
            s if s >= 500 => "internal_error",
            _ => "illegal_argument",
        };
        UgError::new(status, code, description)
    }

    pub fn unauthorized(description: impl Into<String>) -> Self {
        UgError::new(StatusCode::UNAUTHORIZED, "unauthorized", description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        UgError::new(
            StatusCode::NOT_FOUND,
            "service_resource_not_found",
            description,
        )
    }

    pub fn bad(code: &'static str, description: impl Into<String>) -> Self {
        UgError::new(StatusCode::BAD_REQUEST, code, description)
    }
}

impl From<rusqlite::Error> for UgError {
    fn from(err: rusqlite::Error) -> Self {
        eprintln!("roster-sandbox: Usergrid database error: {err}");
        UgError::for_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not complete the request",
        )
    }
}

impl IntoResponse for UgError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({ "error": self.code, "error_description": self.description })),
        )
            .into_response()
    }
}

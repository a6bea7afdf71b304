//! The authenticated-sessions API's error body: `{"Error": "err_…", "Message": "…"}` with a
//! 4xx or 5xx status (API.md sections 3 and 5).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error as this API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub status: StatusCode,
    /// `err_NoActiveSession`, `err_InvalidPaging`…
    pub code: &'static str,
    pub message: String,
}

impl ErrorBody {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ErrorBody {
            status,
            code,
            message: message.into(),
        }
    }

    /// The code a status stands for when nothing more specific is known.
    pub fn for_status(status: StatusCode, message: impl Into<String>) -> Self {
        let code = match status.as_u16() {
            401 => "err_Unauthorized",
            404 => "err_NotFound",
            405 => "err_MethodNotAllowed",
            413 => "err_RequestTooLarge",
            429 => "err_TooManyRequests",
            s if s >= 500 => "err_Internal",
            _ => "err_InvalidRequest",
        };
        ErrorBody::new(status, code, message)
    }
}

impl From<rusqlite::Error> for ErrorBody {
    fn from(err: rusqlite::Error) -> Self {
        // The cause goes to the server log only.
        eprintln!("roster-sandbox: authenticated sessions database error: {err}");
        ErrorBody::for_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not complete the request",
        )
    }
}

impl IntoResponse for ErrorBody {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({ "Error": self.code, "Message": self.message })),
        )
            .into_response()
    }
}

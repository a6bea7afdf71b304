//! The JourneyApps error body and the status that goes with each error type.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// Where the JourneyApps documentation describes its error responses; sent as `see`.
const SEE: &str =
    "https://docs.journeyapps.com/reference/backend-api/api-reference/error-responses";

/// Every error `type` the sandbox can answer with (API.md, "Errors").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    InvalidApiRequest,
    AuthenticationFailed,
    ObjectNotFound,
    RouteError,
    AccountNotFound,
    InvalidValue,
    TooManyRequests,
    InternalServerError,
    /// Only inside a batch result: an operation skipped after an earlier failure.
    NotExecuted,
}

impl ErrorType {
    /// All types, for parsing and for tests that walk the table.
    pub const ALL: [ErrorType; 9] = [
        ErrorType::InvalidApiRequest,
        ErrorType::AuthenticationFailed,
        ErrorType::ObjectNotFound,
        ErrorType::RouteError,
        ErrorType::AccountNotFound,
        ErrorType::InvalidValue,
        ErrorType::TooManyRequests,
        ErrorType::InternalServerError,
        ErrorType::NotExecuted,
    ];

    /// The wire value of `type`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorType::InvalidApiRequest => "INVALID_API_REQUEST",
            ErrorType::AuthenticationFailed => "AUTHENTICATION_FAILED",
            ErrorType::ObjectNotFound => "OBJECT_NOT_FOUND",
            ErrorType::RouteError => "ROUTE_ERROR",
            ErrorType::AccountNotFound => "ACCOUNT_NOT_FOUND",
            ErrorType::InvalidValue => "INVALID_VALUE",
            ErrorType::TooManyRequests => "TOO_MANY_REQUESTS",
            ErrorType::InternalServerError => "INTERNAL_SERVER_ERROR",
            ErrorType::NotExecuted => "NOT_EXECUTED",
        }
    }

    /// Parses a wire value of `type`.
    pub fn from_code(code: &str) -> Option<ErrorType> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The type a status stands for when nothing more specific is known (a framework's
    /// rejection, a fault injected into another API's shape).
    pub fn for_status(status: StatusCode) -> ErrorType {
        match status.as_u16() {
            401 => ErrorType::AuthenticationFailed,
            404 | 405 => ErrorType::RouteError,
            422 => ErrorType::InvalidValue,
            429 => ErrorType::TooManyRequests,
            s if s >= 500 => ErrorType::InternalServerError,
            _ => ErrorType::InvalidApiRequest,
        }
    }

    /// The HTTP status that carries this type.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorType::InvalidApiRequest => StatusCode::BAD_REQUEST,
            ErrorType::AuthenticationFailed => StatusCode::UNAUTHORIZED,
            ErrorType::ObjectNotFound | ErrorType::RouteError | ErrorType::AccountNotFound => {
                StatusCode::NOT_FOUND
            }
            ErrorType::InvalidValue | ErrorType::NotExecuted => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorType::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorType::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(self) -> &'static str {
        match self {
            ErrorType::InvalidApiRequest => "Invalid API request",
            ErrorType::AuthenticationFailed => "Authentication failed",
            ErrorType::ObjectNotFound => "Object not found",
            ErrorType::RouteError => "Route not found",
            ErrorType::AccountNotFound => "Account not found",
            ErrorType::InvalidValue => "Invalid value",
            ErrorType::TooManyRequests => "Too many requests",
            ErrorType::InternalServerError => "Internal server error",
            ErrorType::NotExecuted => "Not executed",
        }
    }
}

/// An error as the API reports it: a type and a human-readable detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorType,
    pub detail: String,
}

/// The JSON error body, also used inside batch results.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub see: &'static str,
}

impl ApiError {
    pub fn new(kind: ErrorType, detail: impl Into<String>) -> Self {
        ApiError {
            kind,
            detail: detail.into(),
        }
    }

    pub fn invalid_request(detail: impl Into<String>) -> Self {
        Self::new(ErrorType::InvalidApiRequest, detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(ErrorType::InvalidValue, detail)
    }

    pub fn user_not_found(user_id: &str) -> Self {
        Self::new(
            ErrorType::ObjectNotFound,
            format!("No user with id {user_id}"),
        )
    }

    pub fn session_not_found(user_id: &str, session_id: &str) -> Self {
        Self::new(
            ErrorType::ObjectNotFound,
            format!("User {user_id} has no session with id {session_id}"),
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            kind: self.kind.code(),
            title: self.kind.title(),
            detail: self.detail.clone(),
            see: SEE,
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        // The cause goes to the server log only; clients get a generic detail.
        eprintln!("roster-sandbox: database error: {err}");
        ApiError::new(
            ErrorType::InternalServerError,
            "The server could not complete the request",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.kind.status(), Json(self.body())).into_response()
    }
}

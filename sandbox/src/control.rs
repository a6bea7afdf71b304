//! Sandbox-only routes under `/sandbox` (answering in JourneyApps' error shape): a device scanning an enrollment code, and test controls
//! (injected faults, a movable clock). None of these exist on a real backend.

use crate::journeyapps::db::{self, EnrollingDevice};
use crate::journeyapps::error::{ApiError, ErrorType};
use crate::state::{AppState, FaultKind};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The most requests one injected fault may cover.
pub const MAX_FAULT_COUNT: u64 = 1_000_000;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/enroll", post(enroll).get(enroll_page))
        .route("/enroll.js", get(enroll_script))
        .route("/enroll.css", get(enroll_style))
        .route("/faults", post(faults))
        .route("/clock", post(clock))
        .fallback(crate::journeyapps::api::route_error)
}

/// Refuses a body that is not declared JSON: a page on another site can only send text/plain
/// or form bodies without asking first (CORS), so it cannot reach a JSON-only route.
fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().starts_with("application/json"));
    if declared {
        Ok(())
    } else {
        Err(ApiError::invalid_request(
            "The request body must be JSON (Content-Type: application/json)",
        ))
    }
}

fn text_field(
    fields: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<String>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(_) => Err(ApiError::invalid_value(format!(
            "{name} must be a non-empty string"
        ))),
    }
}

/// `POST /sandbox/enroll {"token","label","platform"}`: plays a device scanning the QR code.
/// JSON only, and rate limited like the API.
async fn enroll(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !state.enroll_bucket.try_take() {
        return Err(ApiError::new(
            ErrorType::TooManyRequests,
            "Rate limit exceeded: wait at least one second before retrying",
        ));
    }
    require_json(&headers)?;
    let fields = crate::journeyapps::api::json_object(&body)?;
    let token = text_field(&fields, "token")?
        .ok_or_else(|| ApiError::invalid_request("token is required"))?;
    let (session_id, device_id) = state.new_uuid();
    let device = EnrollingDevice {
        session_id,
        device_id,
        label: text_field(&fields, "label")?.unwrap_or_else(|| "Sandbox device".into()),
        platform: text_field(&fields, "platform")?
            .unwrap_or_else(|| "ANDROID".into())
            .to_uppercase(),
    };
    let now = state.clock.now();
    let (user_id, session) = state
        .journeyapps()
        .transaction(|tx| db::enroll(tx, &token, &device, now))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "user_id": user_id, "session": session })),
    )
        .into_response())
}

/// `GET /sandbox/enroll?k=TOKEN`: where the enrollment QR code leads in the sandbox. A real
/// deployment's code opens the JourneyApps container; this page lets a phone stand in for it.
/// Its script is a file of its own, so the page runs under a policy without inline scripts.
async fn enroll_page(Query(query): Query<HashMap<String, String>>) -> Response {
    let token: String = query
        .get("k")
        .map(|k| k.chars().filter(char::is_ascii_digit).take(16).collect())
        .unwrap_or_default();
    let page = Html(format!(
        r#"<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Roster sandbox enrollment</title>
<link rel="stylesheet" href="/sandbox/enroll.css">
<h1>Enroll a sandbox device</h1>
<p>On a real deployment this code opens the JourneyApps app. Here you can enroll this browser as a demo device with token <strong>{token}</strong>.</p>
<button id="go" data-token="{token}">Enroll this device</button>
<p id="out" role="status"></p>
<script src="/sandbox/enroll.js"></script>"#
    ));
    (
        [(
            axum::http::header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )],
        page,
    )
        .into_response()
}

/// The enroll page's script: posts the token as JSON, as a device scanning the code would.
async fn enroll_script() -> Response {
    const SCRIPT: &str = r#"document.getElementById('go').addEventListener('click', async (e) => {
  e.target.disabled = true;
  const r = await fetch('/sandbox/enroll', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({token: e.target.dataset.token, label: navigator.platform || 'Browser', platform: 'CHROME'})});
  const b = await r.json();
  document.getElementById('out').textContent = r.ok ? 'Enrolled.' : (b.detail || 'Enrollment failed.');
});
"#;
    (
        [(axum::http::header::CONTENT_TYPE, "text/javascript")],
        SCRIPT,
    )
        .into_response()
}

/// The enroll page's look.
async fn enroll_style() -> Response {
    const STYLE: &str = "body{font:18px system-ui;max-width:30em;margin:2em auto;padding:0 1em}\
                         button{font-size:1.2em;min-height:48px;padding:0 1.5em}";
    ([(axum::http::header::CONTENT_TYPE, "text/css")], STYLE).into_response()
}

/// `POST /sandbox/faults {"type","count"}`: the next `count` API requests (1 to a million; 1
/// when absent) fail with `type`: an error type of the API, MALFORMED (a body that is not
/// JSON), LOST_ANSWER (it runs, then the answer is cut off), DROPPED (cut off without
/// running), HUGE_TOTAL or ENDLESS_PAGES (listings that lie about their size), or SLOW (it
/// runs 1.5 s late). Needs API credentials.
async fn faults(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    require_credentials(&state, &headers)?;
    let fields = crate::journeyapps::api::json_object(&body)?;
    let kind = match fields.get("type").and_then(Value::as_str) {
        Some(code) => FaultKind::parse(code)
            .ok_or_else(|| ApiError::invalid_value(format!("unknown type {code}")))?,
        None => return Err(ApiError::invalid_request("type is required")),
    };
    let count = match fields.get("count") {
        None | Some(Value::Null) => 1,
        Some(count) => count
            .as_u64()
            .filter(|n| (1..=MAX_FAULT_COUNT).contains(n))
            .ok_or_else(|| {
                ApiError::invalid_value(format!(
                    "count must be a whole number from 1 to {MAX_FAULT_COUNT}"
                ))
            })?,
    };
    state.inject_fault(kind, u32::try_from(count).unwrap_or(u32::MAX));
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /sandbox/clock {"advance_seconds": N}`: moves the sandbox's "now". Needs API credentials.
async fn clock(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_credentials(&state, &headers)?;
    let fields = crate::journeyapps::api::json_object(&body)?;
    let seconds = fields
        .get("advance_seconds")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiError::invalid_request("advance_seconds (an integer) is required"))?;
    state
        .clock
        .advance(seconds)
        .map_err(ApiError::invalid_value)?;
    Ok(Json(json!({ "now": crate::clock::format(state.clock.now()) })).into_response())
}

/// The credentials of any of the APIs: a test of one drives the controls with its own.
fn require_credentials(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if crate::journeyapps::authorized(state, headers)
        || crate::authsessions::authorized(state, headers)
        || crate::portos::caller(state, headers).is_ok()
        || crate::usergrid::caller(state, headers)
            .is_ok_and(|holder| !matches!(holder, crate::usergrid::store::Holder::User(_)))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorType::AuthenticationFailed,
            "The sandbox controls need the API credentials",
        ))
    }
}

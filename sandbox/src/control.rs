//! Sandbox-only routes under `/sandbox`: a device scanning an enrollment code, and test controls
//! (injected faults, a movable clock). None of these exist on a real backend.

use crate::db::{self, EnrollingDevice};
use crate::error::{ApiError, ErrorType};
use crate::server::{AppState, FaultKind};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/enroll", post(enroll).get(enroll_page))
        .route("/faults", post(faults))
        .route("/clock", post(clock))
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
async fn enroll(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, ApiError> {
    let fields = crate::api::json_object(&body)?;
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
    let mut store = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let (user_id, session) = store.transaction(|tx| db::enroll(tx, &token, &device, now))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "user_id": user_id, "session": session })),
    )
        .into_response())
}

/// `GET /sandbox/enroll?k=TOKEN`: where the enrollment QR code leads in the sandbox. A real
/// deployment's code opens the JourneyApps container; this page lets a phone stand in for it.
async fn enroll_page(Query(query): Query<HashMap<String, String>>) -> Html<String> {
    let token: String = query
        .get("k")
        .map(|k| k.chars().filter(char::is_ascii_digit).collect())
        .unwrap_or_default();
    Html(format!(
        r#"<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Roster sandbox enrollment</title>
<body style="font:18px system-ui;max-width:30em;margin:2em auto;padding:0 1em">
<h1>Enroll a sandbox device</h1>
<p>On a real deployment this code opens the JourneyApps app. Here you can enroll this browser as a demo device with token <strong>{token}</strong>.</p>
<button id="go" style="font-size:1.2em;min-height:48px;padding:0 1.5em">Enroll this device</button>
<p id="out" role="status"></p>
<script>
document.getElementById('go').onclick = async (e) => {{
  e.target.disabled = true;
  const r = await fetch('/sandbox/enroll', {{method: 'POST', headers: {{'Content-Type': 'application/json'}},
    body: JSON.stringify({{token: '{token}', label: navigator.platform || 'Browser', platform: 'CHROME'}})}});
  const b = await r.json();
  document.getElementById('out').textContent = r.ok ? 'Enrolled.' : (b.detail || 'Enrollment failed.');
}};
</script>"#
    ))
}

/// `POST /sandbox/faults {"type","count"}`: the next `count` API requests fail with `type`
/// (an error type of the API, or MALFORMED for a body that is not JSON). Needs API credentials.
async fn faults(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    require_credentials(&state, &headers)?;
    let fields = crate::api::json_object(&body)?;
    let kind = match fields.get("type").and_then(Value::as_str) {
        Some("MALFORMED") => FaultKind::Malformed,
        Some(code) => FaultKind::Error(
            ErrorType::from_code(code)
                .ok_or_else(|| ApiError::invalid_value(format!("unknown type {code}")))?,
        ),
        None => return Err(ApiError::invalid_request("type is required")),
    };
    let count = fields.get("count").and_then(Value::as_u64).unwrap_or(1);
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
    let fields = crate::api::json_object(&body)?;
    let seconds = fields
        .get("advance_seconds")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiError::invalid_request("advance_seconds (an integer) is required"))?;
    state.clock.advance(seconds);
    Ok(Json(json!({ "now": crate::clock::format(state.clock.now()) })).into_response())
}

fn require_credentials(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if state.authorized(headers) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorType::AuthenticationFailed,
            "The sandbox controls need the API credentials",
        ))
    }
}

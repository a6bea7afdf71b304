//! Fuzzing the sandbox with whatever a client might send: any method, path, query, headers
//! and body, straight into its router (in this process, no network). The bar: no panic (with
//! `panic = "abort"` any one would kill the server), and every answer of the API and the
//! sandbox's own routes that is an error is JSON in the documented shape (PORTOS': a full
//! RFC 7807 problem).
//!
//! `cargo test -p roster-sandbox --test fuzz` runs a short pass; `bash .ci/fuzz` a million
//! cases.

use axum::body::Body;
use axum::http::{header, Request};
use proptest::prelude::*;
use roster_sandbox::server::router;
use roster_sandbox::state::AppState;
use roster_sandbox::Config;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

const TOKEN: &str = "fuzz-token";
const DEPLOYMENT: &str = "64f1a2b3c4d5e6f708192a3b";

/// One sandbox for every case, as a server lives on from request to request (what one case
/// changes, the next case meets), the runtime that drives it, and a PORTOS token.
type Fuzzed = (tokio::runtime::Runtime, axum::Router, String, String);

fn sandbox() -> &'static Fuzzed {
    static SANDBOX: OnceLock<Fuzzed> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let app = router(state());
        let login = Request::post("/portos/api/auth")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r#"{"UserName":"admin","Password":"fuzz-password","DeviceName":"fuzz"}"#,
            ))
            .unwrap();
        let answer = runtime.block_on(app.clone().oneshot(login)).unwrap();
        let body = runtime
            .block_on(axum::body::to_bytes(answer.into_body(), 1 << 20))
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let token = body["tokenId"].as_str().unwrap().to_string();
        let grant = Request::post("/usergrid/roster/sandbox/token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r#"{"grant_type":"password","username":"admin","password":"fuzz-password"}"#,
            ))
            .unwrap();
        let answer = runtime.block_on(app.clone().oneshot(grant)).unwrap();
        let body = runtime
            .block_on(axum::body::to_bytes(answer.into_body(), 1 << 20))
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let usergrid = body["access_token"].as_str().unwrap().to_string();
        (runtime, app, token, usergrid)
    })
}

/// A sandbox state with a few demo users.
fn state() -> Arc<AppState> {
    let config = Config::from_args([
        "--db",
        ":memory:",
        "--demo-users",
        "20",
        "--rate",
        "0",
        "--api-token",
        TOKEN,
        "--api-password",
        "fuzz-password",
        "--portos-token-ttl",
        "31536000",
        "--deployment-id",
        DEPLOYMENT,
    ])
    .unwrap();
    Arc::new(AppState::open(config, "http://127.0.0.1:8080".into()).unwrap())
}

/// Paths a client could ask for: the API's routes with odd segments, the sandbox's own, and
/// anything at all.
fn path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("users".to_string()),
        Just("sessions".to_string()),
        Just("lock".to_string()),
        Just("unlock".to_string()),
        Just("wipe".to_string()),
        Just("re-authenticate".to_string()),
        Just("authentication-token".to_string()),
        Just("batch.json".to_string()),
        Just("objects".to_string()),
        Just("user.json".to_string()),
        Just("api".to_string()),
        Just("auth".to_string()),
        Just("refresh".to_string()),
        Just("v1".to_string()),
        Just("authenticated-sessions".to_string()),
        Just("list".to_string()),
        Just("user-sessions".to_string()),
        Just("revoke".to_string()),
        Just("token".to_string()),
        Just("me".to_string()),
        Just("devices".to_string()),
        Just("deactivate".to_string()),
        Just("revoketokens".to_string()),
        Just("83bde819-ec08-4cee-b635-884145630d0b".to_string()),
        Just("%FF".to_string()),
        Just("%00".to_string()),
        Just("..".to_string()),
        "[a-zA-Z0-9%._~-]{0,12}",
    ];
    let base = prop_oneof![
        Just(format!("/api/v4/{DEPLOYMENT}")),
        Just("/api/v4/other".to_string()),
        Just("/sandbox".to_string()),
        Just("/portos".to_string()),
        Just("/core/api/admin/v1/authenticated-sessions".to_string()),
        Just("/usergrid/roster/sandbox".to_string()),
        Just(String::new()),
    ];
    (base, proptest::collection::vec(segment, 0..6)).prop_map(|(base, segments)| {
        let mut path = base;
        for segment in segments {
            path.push('/');
            path.push_str(&segment);
        }
        if path.is_empty() {
            path.push('/');
        }
        path
    })
}

fn query() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("18446744073709551615".to_string()),
        Just("-1".to_string()),
        Just("1e3".to_string()),
        "[0-9]{0,20}",
        "[a-z%&=]{0,8}",
        "(eq|ne|gt|ge|lt|le|ct|xx):[a-zA-Z0-9%:;.+-]{0,24}",
        "-?(startedAt|sessionId|identity.userName|x)(:desc|:asc)?(,-?startedAt)?",
        Just("ge:2023-08-04T11%253A19%253A39.98Z;lt:9999-12-31T23:59:59.9999999Z".to_string()),
        "(select%20\\*%20)?(where%20)?(name|email|created|disabled|x)%20(contains|=|%3C|%3E%3D)%20('[a-z%27\\*]{0,6}'|[0-9]{1,4}|true)(%20(and|or)%20%28?name%20=%20'x'%29?)?(%20order%20by%20created%20desc)?",
    ];
    let key = prop_oneof![
        Just("limit".to_string()),
        Just("skip".to_string()),
        Just("k".to_string()),
        Just("page".to_string()),
        Just("ql".to_string()),
        Just("cursor".to_string()),
        Just("pageSize".to_string()),
        Just("$skip".to_string()),
        Just("$take".to_string()),
        Just("$sort".to_string()),
        Just("$count".to_string()),
        Just("sessionId".to_string()),
        Just("identity.deviceName".to_string()),
        Just("startedAt".to_string()),
        "[a-z]{0,5}",
    ];
    proptest::collection::vec((key, value), 0..4).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Bodies: JSON shaped like the API's requests with odd values, or anything.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let number = prop_oneof![
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        ".{0,6}".prop_map(serde_json::Value::from),
    ];
    let operation = (
        prop_oneof![
            Just("users/lock"),
            Just("users/unlock"),
            Just("users/sessions/wipe"),
            Just("users/sessions/re-authenticate"),
            Just("users/authentication-token"),
            Just("nope"),
        ],
        ".{0,8}",
        number.clone(),
    )
        .prop_map(|(method, id, wipe)| {
            serde_json::json!({"method": method, "user_id": id, "session_id": id, "wipe": wipe})
        });
    prop_oneof![
        proptest::collection::vec(operation, 0..5).prop_map(|ops| {
            serde_json::json!({"operations": ops})
                .to_string()
                .into_bytes()
        }),
        (number.clone(), number.clone(), ".{0,10}").prop_map(|(a, b, t)| {
            serde_json::json!({"UserName": a, "Password": t, "DeviceName": b, "tokenId": t,
                               "refreshToken": a, "Session": b, "grant_type": t,
                               "username": t, "password": t, "disabled": a, "activated": b})
            .to_string()
            .into_bytes()
        }),
        (number.clone(), number.clone(), ".{0,10}").prop_map(|(a, b, t)| {
            serde_json::json!({"advance_seconds": a, "count": b, "type": t, "token": t, "wipe": a})
                .to_string()
                .into_bytes()
        }),
        proptest::collection::vec(any::<u8>(), 0..128),
    ]
}

fn method() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("GET"),
        Just("POST"),
        Just("PUT"),
        Just("DELETE"),
        Just("OPTIONS"),
        Just("PATCH")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_request_panics_the_sandbox_and_every_error_is_json(
        method in method(),
        path in path(),
        query in query(),
        body in body(),
        json in any::<bool>(),
        authorized in 0..5u8,
    ) {
        let (runtime, app, portos_token, usergrid_token) = sandbox();
        let app = app.clone();
        let uri = if query.is_empty() { path.clone() } else { format!("{path}?{query}") };
        let mut request = Request::builder().method(method).uri(&uri);
        if json {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        match authorized {
            1 => request = request.header(header::AUTHORIZATION, format!("Bearer O:{TOKEN}")),
            2 => request = request.header(header::AUTHORIZATION, format!("Bearer {portos_token}")),
            3 => request = request.header(header::AUTHORIZATION, format!("Bearer {TOKEN}")),
            4 => request = request.header(header::AUTHORIZATION, format!("Bearer {usergrid_token}")),
            _ => {}
        }
        let Ok(request) = request.body(Body::from(body)) else {
            // Not even an HTTP request (an invalid URI): hyper refuses it before the sandbox.
            return Ok(());
        };
        let response = runtime.block_on(app.oneshot(request)).unwrap();
        let status = response.status();
        let portos = path.starts_with("/portos");
        let authsessions = path.starts_with("/core/api/admin");
        let usergrid = path.starts_with("/usergrid/roster/sandbox");
        let api = path.starts_with("/api") || path.starts_with("/sandbox") || portos || authsessions || usergrid;
        if api && (status.is_client_error() || status.is_server_error()) {
            let kind = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|t| t.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let expected = if portos { "application/problem+json" } else { "application/json" };
            prop_assert!(kind.starts_with(expected), "{status} {uri}: {kind}");
            let bytes = runtime
                .block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
                .unwrap();
            let error: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            if usergrid {
                prop_assert!(error["error"].is_string() && error["error_description"].is_string(), "{uri}: {error}");
                return Ok(());
            }
            if authsessions {
                prop_assert!(error["Error"].is_string() && error["Message"].is_string(), "{uri}: {error}");
                return Ok(());
            }
            prop_assert!(error["type"].is_string() && error["detail"].is_string(), "{uri}: {error}");
            if portos {
                let members = ["title", "status", "instance", "traceId", "errorCode"];
                prop_assert!(members.iter().all(|m| error.get(m).is_some()), "{uri}: {error}");
                prop_assert_eq!(error["status"].as_u64(), Some(u64::from(status.as_u16())));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the admin types into the users view, the console's `ql` for it is one the
    /// sandbox's parser reads: the text stays inside its quoted strings.
    #[test]
    fn the_consoles_ql_for_any_view_parses(
        search in ".{0,200}",
        disabled in proptest::option::of(any::<bool>()),
        activated in proptest::option::of(any::<bool>()),
        days in proptest::option::of(-100_000i32..100_000),
        sort in 0usize..16,
        descending in any::<bool>(),
    ) {
        use roster_core::table::users::{UserColumn, UsersView};
        use roster_core::table::Column;
        let day = days.and_then(|d| chrono::NaiveDate::from_num_days_from_ce_opt(730_000 + d));
        let view = UsersView {
            search,
            disabled,
            activated,
            created_after: day,
            created_before: day,
            sort: UserColumn::ALL[sort % UserColumn::ALL.len()],
            descending,
            ..UsersView::default()
        };
        let ql = roster_core::backend::usergrid::ql::for_view(&view);
        let parsed = roster_sandbox::usergrid::ql::parse(&ql);
        prop_assert!(parsed.is_ok(), "{ql}: {parsed:?}");
    }
}

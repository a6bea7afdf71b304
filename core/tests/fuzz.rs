//! Fuzzing what the console reads from outside: every response parser of every backend, the
//! whole loading path against a backend answering anything, the bulk runner against lost and
//! broken answers, and what comes from the URL, config.json and storage. The bar is zero
//! panics and loads that end.
//!
//! `cargo test -p roster-core --test fuzz` runs a short pass (256 cases a property);
//! `bash .ci/fuzz` runs a million cases a property.

use futures::executor::block_on;
use proptest::prelude::*;
use roster_core::backend::authsessions::{self, AuthSessions};
use roster_core::backend::journeyapps::{
    error_from_response, parse_batch_results, parse_enrollment_token, parse_page, parse_session,
    parse_user, JourneyApps, UserRecord,
};
use roster_core::backend::paging::MAX_PAGES;
use roster_core::backend::portos::{self, Portos};
use roster_core::backend::run::{run_bulk, settle_unknowns};
use roster_core::backend::usergrid::{self, Usergrid};
use roster_core::backend::{
    Api, Connection, Credentials, HttpRequest, HttpResponse, Transport, TransportError,
};
use roster_core::bulk::BulkRun;
use roster_core::model::action::ActionKind;
use roster_core::model::activity::Entry;
use roster_core::model::{Session, SessionState, User};
use roster_core::table::sessions::SessionsView;
use roster_core::table::users::UsersView;
use roster_core::table::TableView;
use serde_json::{Map, Value};
use std::cell::Cell;

/// Field names the parsers look for, so that generated JSON reaches their every branch.
const FIELDS: &[&str] = &[
    "objects",
    "total",
    "more",
    "count",
    "id",
    "sessions",
    "state",
    "enrolled",
    "locked",
    "last_connected_at",
    "created_at",
    "last_authenticated_at",
    "signed_out_at",
    "container",
    "platform",
    "version",
    "bundle_id",
    "runtime",
    "device",
    "label",
    "sync_status",
    "last_full_sync",
    "display",
    "operations",
    "success",
    "error",
    "type",
    "title",
    "detail",
    "token",
    "url",
    "backends",
    "name",
    "kind",
    "base_url",
    "credentials",
    "NamedToken",
    "Basic",
    "user",
    "password",
    "at",
    "backend",
    "action",
    "targets",
    "target_count",
    "outcome",
    "items",
    "totalCount",
    "sessionId",
    "identity",
    "userName",
    "deviceName",
    "envName",
    "authenticationType",
    "startedAt",
    "expiresAt",
    "lastAccessAt",
    "tokenId",
    "refreshToken",
    "errorCode",
    "errors",
    "message",
    "Items",
    "TotalCount",
    "UserGuid",
    "UserName",
    "SessionCount",
    "IsOperator",
    "ID",
    "LastUpdated",
    "ExpirationDate",
    "Smartphone",
    "OperatingSystem",
    "Application",
    "Error",
    "Message",
    "entities",
    "cursor",
    "uuid",
    "username",
    "email",
    "activated",
    "disabled",
    "created",
    "modified",
    "access_token",
    "expires_in",
    "error_description",
];

/// Any JSON, leaning on the names and shapes the parsers know.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            ".{0,12}",
            Just("2017-08-18T13:33:23Z".to_string()),
            Just("ENROLLED".to_string()),
            Just("journeyapps".to_string()),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        let key = prop_oneof![
            proptest::sample::select(FIELDS).prop_map(str::to_string),
            ".{0,6}"
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A body: JSON text, or any bytes read as text the way the transport does.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        json().prop_map(|v| v.to_string()),
        proptest::collection::vec(any::<u8>(), 0..256)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ]
}

fn response(status: u16, body: String) -> HttpResponse {
    HttpResponse { status, body }
}

/// A backend answering each request with the next of `answers`, round and round, counting.
struct Answers {
    answers: Vec<(u16, String)>,
    sent: Cell<usize>,
}

impl Transport for Answers {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let n = self.sent.get();
        self.sent.set(n + 1);
        let (status, body) = &self.answers[n % self.answers.len()];
        if *status == 0 {
            return Err(TransportError::Failed("connection reset".into()));
        }
        Ok(response(*status, body.clone()))
    }

    async fn sleep(&self, _millis: u32) {}
}

fn answers() -> impl Strategy<Value = Vec<(u16, String)>> {
    let status = prop_oneof![
        Just(0u16),
        Just(200u16),
        Just(200u16),
        Just(204u16),
        Just(401u16),
        Just(404u16),
        Just(429u16),
        Just(500u16),
        100u16..600,
    ];
    proptest::collection::vec((status, body()), 1..6)
}

fn backend() -> JourneyApps {
    JourneyApps::new(
        "https://backend.example/api/v4/dep",
        Credentials::NamedToken("t".into()),
    )
}

fn users_with_sessions() -> Vec<User> {
    (0..5)
        .map(|i| User {
            id: format!("u{i}").into(),
            display_name: Some(format!("User {i}")),
            sessions: vec![Session {
                id: format!("s{i}").into(),
                state: SessionState::Enrolled,
                ..Session::default()
            }],
            ..User::default()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_backend_parser_reads_anything_without_panicking(status in 100u16..600, text in body()) {
        let answer = response(status, text.clone());
        let _ = parse_page(&answer, UserRecord::user);
        let _ = parse_batch_results(&answer);
        let _ = parse_enrollment_token(&answer);
        let _ = error_from_response(&answer).message();
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            let _ = parse_user(&value).status();
            let _ = parse_session(&value);
            let _ = portos::parse_session(&value);
            let _ = authsessions::parse_user(&value);
            let _ = authsessions::parse_session(&value);
        }
        let _ = authsessions::error_of(&answer).message();
        let _ = usergrid::error_of(&answer).message();
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            let _ = usergrid::parse_user(&value).status();
            let _ = usergrid::parse_device(&value);
        }
        let _ = authsessions::reported(Some(&text));
        let _ = portos::parse_listing(&answer, 0);
        let _ = portos::error_of(&answer).message();
    }

    #[test]
    fn what_comes_from_config_storage_and_the_url_never_panics(text in body(), pairs in proptest::collection::vec((".{0,8}", ".{0,12}"), 0..10)) {
        let _ = roster_core::config::parse_presets(&text);
        let _ = serde_json::from_str::<Connection>(&text);
        let _ = serde_json::from_str::<Vec<Entry>>(&text);
        let _ = roster_core::csv::field(&text);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let users = UsersView::from_query(pairs.iter().copied());
        prop_assert_eq!(UsersView::from_query(users.to_query().iter().map(|(k, v)| (*k, v.as_str()))), users);
        let _ = SessionsView::from_query(pairs.iter().copied());
        let _ = usergrid::ql::for_view(&UsersView::from_query(pairs.iter().copied()));
    }

    #[test]
    fn loading_from_a_backend_answering_anything_ends(answers in answers()) {
        let transport = Answers { answers, sent: Cell::new(0) };
        let _ = block_on(backend().load_users(&transport, &|_| {}));
        // Two listings (users and names), each bounded in pages; reads retry a few times.
        prop_assert!(transport.sent.get() <= 2 * (MAX_PAGES + 8) * 5);
        let _ = block_on(backend().user(&transport, &"u1".into(), &|_| {}));
        let _ = block_on(backend().check(&transport));
        let _ = block_on(backend().enrollment_token(&transport, &"u1".into()));

        let portos = Portos::new(
            "https://pos.example",
            Credentials::PortosSession { token_id: "t".into(), refresh_token: "r".into() },
        );
        let before = transport.sent.get();
        let _ = block_on(portos.load_users(&transport, &|_| {}));
        let view = SessionsView::default();
        let _ = block_on(portos.count_sessions(&transport, &view, chrono::Utc::now()));
        let _ = block_on(portos.user(&transport, &"999".into(), &|_| {}));
        let _ = block_on(portos.all_sessions(&transport, &view, chrono::Utc::now(), &|_| {}));
        let revoke = roster_core::model::action::Action::RevokeSession { user: "999".into(), session: "s".into() };
        let _ = block_on(portos.perform(&transport, &revoke));
        prop_assert!(transport.sent.get() - before <= 4 * (MAX_PAGES + 8) * 5 + 8);

        let admin = AuthSessions::new("https://app.example/api/admin", Credentials::BearerToken("t".into()));
        let before = transport.sent.get();
        let _ = block_on(admin.load_users(&transport, &|_| {}));
        let _ = block_on(admin.user(&transport, &"83bde819-ec08-4cee-b635-884145630d0b".into(), &|_| {}));
        let revoke = roster_core::model::action::Action::RevokeSession { user: "u".into(), session: "275".into() };
        let _ = block_on(admin.perform(&transport, &revoke));
        prop_assert!(transport.sent.get() - before <= 2 * (MAX_PAGES + 8) * 5 + 1);

        let app = Usergrid::new(
            "https://api.example/org/app",
            Credentials::UsergridToken { token: "t".into(), expires_at: None },
        );
        let before = transport.sent.get();
        let _ = block_on(app.load_users(&transport, &|_| {}));
        let _ = block_on(app.query_users(&transport, &UsersView::default(), &roster_core::table::server::PageAt::Start));
        let _ = block_on(app.user(&transport, &"u".into(), &|_| {}));
        let disable = roster_core::model::action::Action::Disable { user: "u".into() };
        let _ = block_on(app.perform(&transport, &disable));
        prop_assert!(transport.sent.get() - before <= (MAX_PAGES + 8) * 5 + 8);
    }

    #[test]
    fn a_bulk_run_against_anything_ends_with_every_target_accounted_for(answers in answers()) {
        let users = users_with_sessions();
        let mut run = BulkRun::for_sessions(
            ActionKind::ReAuthenticateSession,
            users.iter().flat_map(|u| u.sessions.iter().map(move |s| (u, s))),
        );
        let transport = Answers { answers, sent: Cell::new(0) };
        let _ = block_on(run_bulk(&backend(), &transport, &mut run, &|_| {}, &|| false));
        let _ = block_on(settle_unknowns(&backend(), &transport, &mut run));
        let progress = run.progress();
        prop_assert!(progress.finished() <= progress.total);
        prop_assert!(transport.sent.get() < 100);
        let _ = run.results_csv();
    }
}

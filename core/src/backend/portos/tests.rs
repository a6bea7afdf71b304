//! PORTOS against the seed's samples and a scripted server.

use super::*;
use crate::backend::testing::{answer, ok, Scripted};
use crate::backend::TransportError;
use futures::executor::block_on;
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};

const LIST: &str = include_str!("../../../fixtures/portos/list_sessions.json");
const GET: &str = include_str!("../../../fixtures/portos/get_session.json");
const DELETE: &str = include_str!("../../../fixtures/portos/delete_session.json");

const BASE: &str = "https://pos.example/portos";

fn at(text: &str) -> Option<DateTime<Utc>> {
    Some(time::parse(text).unwrap())
}

#[test]
fn every_sample_of_the_seed_parses_exactly() {
    let page = parse_listing(&ok(LIST), 0).unwrap();
    assert_eq!(page.total, Some(2));
    assert_eq!(page.next, None);
    assert_eq!(page.items.len(), 2);
    let first = &page.items[0];
    assert_eq!(first.user.id, "999");
    assert_eq!(first.user.label(), "999");
    assert_eq!(
        first.session,
        Session {
            id: "soZIt6uj62fzs8ep4UvnNSxRXFryUiq3".into(),
            state: SessionState::Active,
            label: Some("P01".into()),
            environment: Some("CashRegister".into()),
            auth_type: Some("Bearer".into()),
            created_at: at("2023-08-04T11:19:38.015Z"),
            expires_at: at("2023-08-04T23:19:38.015Z"),
            last_connected_at: at("2023-08-04T11:19:39.980Z"),
            ..Session::default()
        }
    );
    assert_eq!(
        page.items[1].session.last_connected_at,
        at("2023-08-04T21:21:11.578Z")
    );
    for sample in [GET, DELETE] {
        let row = parse_session(&serde_json::from_str(sample).unwrap());
        assert_eq!(row.session.id, "Hq6563mjODIOwNa87Cgi295uNPlKeOqA");
        assert_eq!(row.session.environment.as_deref(), Some("BackOffice"));
        assert_eq!(row.session.created_at, at("2023-08-04T21:21:07.66Z"));
    }
}

#[test]
fn fractional_seconds_of_any_length_parse() {
    let base = at("2023-08-04T11:19:39Z").unwrap();
    for (digits, nanos) in [
        ("", 0),
        (".9", 900_000_000),
        (".98", 980_000_000),
        (".015", 15_000_000),
        (".1234567", 123_456_700),
    ] {
        let parsed = time::parse(&format!("2023-08-04T11:19:39{digits}Z"));
        assert_eq!(
            parsed,
            Some(base + Duration::nanoseconds(nanos)),
            "{digits:?}"
        );
    }
}

#[test]
fn odd_sessions_never_fail_or_drop_a_row() {
    let body = r#"{"items": [{"sessionId": 5, "identity": null}, {"identity": {"envName": "Kiosk"},
        "startedAt": "soon"}, "text"], "count": 3}"#;
    let page = parse_listing(&ok(body), 0).unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.items[1].session.environment.as_deref(), Some("Kiosk"));
    assert_eq!(page.items[1].session.created_at, None);
    assert_eq!(page.total, None);
    assert_eq!(
        page.next,
        Some(PageAt::Offset(3)),
        "no total: another page may come"
    );
    for broken in ["<html>", r#"{"sessions": []}"#] {
        assert!(matches!(
            parse_listing(&ok(broken), 0),
            Err(ApiError::Unexpected { .. })
        ));
    }
}

#[test]
fn problems_map_to_errors_with_their_words() {
    let problem = |status, code: &str| HttpResponse {
        status,
        body: format!(
            r#"{{"type":"https://tools.ietf.org/html/rfc7231","title":"Bad","status":{status},
            "detail":"d-{code}","instance":null,"traceId":"t","errorCode":"{code}",
            "errors":[{{"memberName":"DeviceName","message":"DeviceName is required.","code":"Required"}}]}}"#
        ),
    };
    assert!(error_of(&problem(401, "Unauthorized")).needs_reconnect());
    assert_eq!(error_of(&problem(429, "TooMany")), ApiError::RateLimited);
    assert!(matches!(
        error_of(&problem(404, "NotFound")),
        ApiError::NotFound { .. }
    ));
    assert_eq!(
        error_of(&problem(400, "Validation")),
        ApiError::Backend {
            status: 400,
            kind: "Validation".into(),
            detail: "d-Validation DeviceName is required.".into()
        }
    );
    assert!(matches!(
        error_of(&answer(502, "Bad gateway")),
        ApiError::Unexpected { status: 502, .. }
    ));
}

/// A scripted PORTOS: login, profile (the session ends at `expires`), refresh (rotating the
/// tokens), sessions (each token's requests are counted).
struct Server {
    /// The tokens it accepts now.
    token: std::cell::RefCell<String>,
    refreshes: Cell<usize>,
    expires: &'static str,
    /// 401 on the next request with the current token.
    expire_next: Cell<bool>,
    /// Every refresh refused: the session was deleted.
    deleted: Cell<bool>,
}

impl Server {
    fn new(expires: &'static str) -> Server {
        Server {
            token: std::cell::RefCell::new("t1".into()),
            refreshes: Cell::new(0),
            expires,
            expire_next: Cell::new(false),
            deleted: Cell::new(false),
        }
    }

    fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = request.url.strip_prefix(BASE).unwrap_or_default();
        let bearer = request.authorization.clone().unwrap_or_default();
        let authorized = bearer == format!("Bearer {}", self.token.borrow());
        Ok(
            match (request.method, path.split('?').next().unwrap_or_default()) {
                (Method::Post, "/api/auth") => {
                    let body: Value =
                        serde_json::from_str(request.json_body.as_deref().unwrap()).unwrap();
                    if body["Password"] != "p4ss" {
                        answer(401, r#"{"title":"Unauthorized","status":401}"#)
                    } else {
                        ok(r#"{"tokenId":"t1","refreshToken":"r1","user":{"userName":"admin"}}"#)
                    }
                }
                (Method::Post, "/api/auth/refresh") => {
                    let body: Value =
                        serde_json::from_str(request.json_body.as_deref().unwrap()).unwrap();
                    let n = self.refreshes.get();
                    let expected = if n == 0 {
                        "r1".to_string()
                    } else {
                        format!("r{}", n + 1)
                    };
                    if body["refreshToken"] != expected.as_str() || self.deleted.get() {
                        return Ok(answer(401, r#"{"title":"Unauthorized","status":401}"#));
                    }
                    self.refreshes.set(n + 1);
                    *self.token.borrow_mut() = format!("t{}", n + 2);
                    ok(&format!(
                        r#"{{"tokenId":"t{0}","refreshToken":"r{0}"}}"#,
                        n + 2
                    ))
                }
                _ if !authorized || self.expire_next.replace(false) || self.deleted.get() => {
                    answer(401, r#"{"title":"Unauthorized","status":401}"#)
                }
                (Method::Get, "/api/auth") => ok(&format!(
                    r#"{{"sessionId":"own","expiresAt":"{}","user":{{"userName":"admin"}}}}"#,
                    self.expires
                )),
                (Method::Get, "/sessions") => ok(LIST),
                (Method::Delete, path) if path.ends_with("/gone") => answer(
                    404,
                    r#"{"title":"Not Found","status":404,"errorCode":"NotFound"}"#,
                ),
                (Method::Delete, _) => ok(DELETE),
                _ => answer(404, "{}"),
            },
        )
    }
}

thread_local! {
    static NOW: AtomicI64 = const { AtomicI64::new(0) };
}

fn test_now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW.with(|n| n.load(Ordering::Relaxed)), 0).unwrap()
}

fn set_now(text: &str) {
    NOW.with(|n| n.store(time::parse(text).unwrap().timestamp(), Ordering::Relaxed));
}

fn login() -> Portos {
    Portos::new(
        BASE,
        Credentials::PortosLogin {
            user: "admin".into(),
            password: "p4ss".into(),
            device: "Roster console".into(),
        },
    )
    .with_clock(test_now)
}

#[test]
fn a_login_keeps_the_session_and_forgets_the_password() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T12:15:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    let kept = block_on(portos.sign_in(&transport)).unwrap();
    assert_eq!(
        kept,
        Credentials::PortosSession {
            token_id: "t1".into(),
            refresh_token: "r1".into()
        }
    );
    let first = transport.sent.borrow()[0].clone();
    let login: Value = serde_json::from_str(first.json_body.as_deref().unwrap()).unwrap();
    assert_eq!(
        login,
        serde_json::json!({"UserName": "admin", "Password": "p4ss", "DeviceName": "Roster console"})
    );
    assert_eq!(first.authorization, None);
    assert_eq!(
        portos.own_session(),
        Some("own".into()),
        "learned from the profile"
    );

    let wrong = Portos::new(
        BASE,
        Credentials::PortosLogin {
            user: "admin".into(),
            password: "guess".into(),
            device: "d".into(),
        },
    );
    assert!(block_on(wrong.sign_in(&transport))
        .unwrap_err()
        .needs_reconnect());
}

#[test]
fn tokens_are_refreshed_a_minute_before_they_end() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T12:15:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    block_on(portos.sign_in(&transport)).unwrap();
    let view = SessionsView::default();

    set_now("2026-11-24T12:13:59Z");
    block_on(portos.query_sessions(&transport, &view, &PageAt::Start, test_now())).unwrap();
    assert_eq!(server.refreshes.get(), 0, "more than a minute left");

    set_now("2026-11-24T12:14:30Z");
    block_on(portos.query_sessions(&transport, &view, &PageAt::Start, test_now())).unwrap();
    assert_eq!(server.refreshes.get(), 1, "refreshed before the request");
    assert_eq!(
        portos.credentials(),
        Credentials::PortosSession {
            token_id: "t2".into(),
            refresh_token: "r2".into()
        },
        "the new tokens are the ones to keep"
    );
    let last = transport.sent.borrow().last().unwrap().clone();
    assert_eq!(last.authorization.as_deref(), Some("Bearer t2"));
}

#[test]
fn a_refused_token_is_refreshed_once_and_the_request_sent_again() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T13:00:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    block_on(portos.sign_in(&transport)).unwrap();

    // The server's clock moved: the token ended early. One refresh, and the read succeeds.
    server.expire_next.set(true);
    let page = block_on(portos.query_sessions(
        &transport,
        &SessionsView::default(),
        &PageAt::Start,
        test_now(),
    ))
    .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(server.refreshes.get(), 1);

    // A refresh that is refused too (the session was deleted) ends it: no loop, and every
    // later call says why without sending anything.
    server.deleted.set(true);
    let before = transport.sent.borrow().len();
    let refused = block_on(portos.count_sessions(&transport, &SessionsView::default(), test_now()));
    assert_eq!(refused, Err(ApiError::SessionEnded { why: SESSION_ENDED }));
    assert!(refused.unwrap_err().needs_reconnect());
    assert_eq!(
        transport.sent.borrow().len() - before,
        2,
        "request, refresh, nothing more"
    );
    let later = block_on(portos.load_users(&transport, &|_| {}));
    assert_eq!(later, Err(ApiError::SessionEnded { why: SESSION_ENDED }));
    assert_eq!(transport.sent.borrow().len() - before, 2);
}

#[test]
fn revoking_its_own_session_signs_the_console_out() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T13:00:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    block_on(portos.sign_in(&transport)).unwrap();
    let other = Action::RevokeSession {
        user: "999".into(),
        session: "someone-else".into(),
    };
    block_on(portos.perform(&transport, &other)).unwrap();
    assert_eq!(portos.own_session(), Some("own".into()), "still signed in");
    let own = Action::RevokeSession {
        user: "admin".into(),
        session: "own".into(),
    };
    assert_eq!(
        block_on(portos.perform(&transport, &own)),
        Ok(Performed::Done)
    );
    let sent = transport.sent.borrow().len();
    let next = block_on(portos.count_sessions(&transport, &SessionsView::default(), test_now()));
    assert_eq!(
        next,
        Err(ApiError::SessionEnded {
            why: OWN_SESSION_REVOKED
        })
    );
    assert!(next
        .unwrap_err()
        .message()
        .contains("own session was revoked"));
    assert_eq!(
        transport.sent.borrow().len(),
        sent,
        "nothing sent with a dead token"
    );
    assert_eq!(
        block_on(portos.sign_out(&transport)),
        Ok(()),
        "nothing left to end"
    );
}

#[test]
fn signing_out_ends_the_session_on_the_server() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T13:00:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    block_on(portos.sign_in(&transport)).unwrap();
    block_on(portos.sign_out(&transport)).unwrap();
    let sent = transport.sent.borrow().last().unwrap().clone();
    assert_eq!(
        (sent.method, sent.url.as_str()),
        (Method::Delete, format!("{BASE}/api/auth").as_str())
    );
    assert_eq!(sent.authorization.as_deref(), Some("Bearer t1"));
    assert!(portos.token().is_none(), "forgotten, whatever the answer");
}

#[test]
fn requests_refused_at_once_share_one_refresh() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T13:00:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    block_on(portos.sign_in(&transport)).unwrap();
    *server.token.borrow_mut() = "t-rotated-elsewhere".into();
    // Both are refused, both want a refresh: the second waits and reuses the first's.
    server.refreshes.set(0);
    *server.token.borrow_mut() = "t0".into();
    let view = SessionsView::default();
    let (a, b) = block_on(futures::future::join(
        portos.query_sessions(&transport, &view, &PageAt::Start, test_now()),
        portos.query_sessions(&transport, &view, &PageAt::Start, test_now()),
    ));
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    assert_eq!(server.refreshes.get(), 1);
}

#[test]
fn a_revoke_is_one_delete_and_a_session_already_gone_is_said_so() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T13:00:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    block_on(portos.sign_in(&transport)).unwrap();
    let revoke = |session: &str| Action::RevokeSession {
        user: "999".into(),
        session: session.into(),
    };
    assert_eq!(
        block_on(portos.perform(&transport, &revoke("a/b"))),
        Ok(Performed::Done)
    );
    let sent = transport.sent.borrow().last().unwrap().clone();
    assert_eq!(sent.method, Method::Delete);
    assert_eq!(sent.url, format!("{BASE}/sessions/a%2Fb"));
    assert_eq!(
        block_on(portos.perform(&transport, &revoke("gone"))),
        Ok(Performed::AlreadyDone(ALREADY_GONE))
    );
    let lock = Action::Lock {
        user: "999".into(),
        wipe: false,
    };
    assert_eq!(
        block_on(portos.perform(&transport, &lock)),
        Err(ApiError::Unsupported)
    );
}

#[test]
fn pages_count_and_users_come_from_the_server() {
    set_now("2026-11-24T12:00:00Z");
    let server = Server::new("2026-11-24T13:00:00Z");
    let transport = Scripted::new(|r: &HttpRequest, _| server.answer(r));
    let portos = login();
    block_on(portos.sign_in(&transport)).unwrap();
    let view = SessionsView {
        environment: Some("PDA".into()),
        ..SessionsView::default()
    };
    block_on(portos.query_sessions(&transport, &view, &PageAt::Offset(200), test_now())).unwrap();
    let url = transport.sent.borrow().last().unwrap().url.clone();
    assert!(
        url.starts_with(&format!("{BASE}/sessions?identity.envName=eq%3APDA&$sort=")),
        "{url}"
    );
    assert!(url.ends_with("&$skip=200&$take=100"), "{url}");

    let users = block_on(portos.load_users(&transport, &|_| {})).unwrap();
    assert_eq!(users.users.len(), 1, "both sample sessions are user 999's");
    let user = &users.users[0];
    assert_eq!(user.sessions.len(), 2);
    assert_eq!(user.devices(), ["BackOffice", "P01"]);
    assert_eq!(user.environments(), ["BackOffice", "CashRegister"]);
    assert_eq!(user.last_connected_at, at("2023-08-04T21:21:11.578Z"));
    assert_eq!(users.notice, None);

    let all = block_on(portos.all_sessions(&transport, &view, test_now(), &|_| {})).unwrap();
    assert_eq!(all.rows.len(), 2);
    let url = transport.sent.borrow().last().unwrap().url.clone();
    assert!(
        url.contains("identity.envName=eq%3APDA") && url.ends_with("&$skip=0&$take=1000"),
        "{url}"
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let portos = login();
    let text = format!("{portos:?}");
    assert!(!text.contains("p4ss"), "{text}");
}

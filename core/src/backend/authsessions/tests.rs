//! The authenticated-sessions API against the seed's samples and a scripted server.

use super::*;
use crate::backend::testing::{answer, ok, Scripted};
use crate::table::Cell;
use futures::executor::block_on;
use serde_json::json;

const LIST: &str = include_str!("../../../fixtures/authsessions/list.json");
const LIST_AS_WRITTEN: &str = include_str!("../../../fixtures/authsessions/list_as_written.txt");
const SESSIONS: &str = include_str!("../../../fixtures/authsessions/user_sessions.json");
const SESSIONS_AS_WRITTEN: &str =
    include_str!("../../../fixtures/authsessions/user_sessions_as_written.txt");

const BASE: &str = "https://app.example/core/api/admin";

fn api() -> AuthSessions {
    AuthSessions::new(BASE, Credentials::BearerToken("s3cret".into()))
}

#[test]
fn the_seeds_samples_parse_as_written_and_as_bare_arrays() {
    for body in [LIST, LIST_AS_WRITTEN] {
        let listing = parse_listing(&ok(body)).unwrap();
        assert!(!listing.paged);
        let users: Vec<User> = listing.items.iter().map(parse_user).collect();
        assert_eq!(users.len(), 2);
        assert_eq!(users[0].id, "83bde819-ec08-4cee-b635-884145630d0b");
        assert_eq!(users[0].label(), "user");
        assert_eq!(users[0].session_total(), 1);
        assert!(users[0].operator && !users[1].operator);
        assert_eq!(users[1].session_count, Some(4));
    }
    for body in [SESSIONS, SESSIONS_AS_WRITTEN] {
        let listing = parse_listing(&ok(body)).unwrap();
        let session = parse_session(&listing.items[0]);
        assert_eq!(session.id, "275");
        assert_eq!(session.state, SessionState::Active);
        assert_eq!(
            session.last_connected_at,
            time::parse("2020-09-21T10:42:50Z")
        );
        assert_eq!(session.expires_at, time::parse("2020-09-23T10:42:50Z"));
        // "-" and "Other- v. " are placeholders: unknown, not data.
        assert_eq!(
            (session.label.as_deref(), session.platform.as_deref()),
            (None, None)
        );
        assert_eq!(session.application, None);
        let user = parse_user(&listing.items[0]);
        for column in [
            SessionColumn::Smartphone,
            SessionColumn::OperatingSystem,
            SessionColumn::Application,
        ] {
            assert_eq!(column.cell(&user, &session), Cell::Unknown, "{column:?}");
            assert_eq!(column.csv_value(&user, &session), "");
        }
    }
    let envelope = r#"{"Items": [{"UserGuid": "A-B", "UserName": "x"}], "Page": 1, "PageSize": 50, "TotalCount": 7}"#;
    let listing = parse_listing(&ok(envelope)).unwrap();
    assert!(listing.paged);
    assert_eq!(listing.total, Some(7));
    assert_eq!(
        parse_user(&listing.items[0]).id,
        "a-b",
        "guids compare in lower case"
    );
    for broken in ["<html>", "{}", r#""text""#, "{ {} }"] {
        assert!(parse_listing(&ok(broken)).is_err(), "{broken}");
    }
}

#[test]
fn placeholders_are_unknown_and_real_values_stay() {
    for placeholder in [
        None,
        Some(""),
        Some("  "),
        Some("-"),
        Some("—"),
        Some("Other- v. "),
        Some("Other"),
        Some("other- v."),
    ] {
        assert_eq!(reported(placeholder), None, "{placeholder:?}");
    }
    for value in [
        "Android v. 13",
        "Other- v. 11",
        "iPhone",
        "Samsung SM-G991B",
    ] {
        assert_eq!(reported(Some(value)).as_deref(), Some(value));
    }
}

/// A page of `n` listed users from `from`, with `total` in the envelope.
fn users_page(from: usize, n: usize, total: usize, page: u64) -> String {
    let items: Vec<Value> = (from..from + n)
        .map(|i| json!({"UserGuid": format!("00000000-0000-4000-8000-{i:012}"), "UserName": format!("u{i}"), "SessionCount": 1, "IsOperator": false}))
        .collect();
    json!({"Items": items, "Page": page, "PageSize": 500, "TotalCount": total}).to_string()
}

#[test]
fn users_are_read_a_page_of_500_at_a_time_up_to_the_total() {
    let transport = Scripted::new(|request: &HttpRequest, i| {
        assert_eq!(request.authorization.as_deref(), Some("Bearer s3cret"));
        Ok(match i {
            0 => ok(&users_page(0, 500, 700, 1)),
            1 => ok(&users_page(500, 200, 700, 2)),
            _ => ok(&users_page(0, 0, 700, 3)),
        })
    });
    let load = block_on(api().load_users(&transport, &|_| {})).unwrap();
    assert_eq!(load.users.len(), 700);
    assert_eq!(load.notice, None);
    assert_eq!(
        transport.urls(),
        [
            format!("{BASE}/v1/authenticated-sessions/list?page=1&pageSize=500"),
            format!("{BASE}/v1/authenticated-sessions/list?page=2&pageSize=500"),
        ]
    );

    // A bare array is the whole list: one request.
    let bare = Scripted::new(|_: &HttpRequest, _| Ok(ok(LIST)));
    assert_eq!(
        block_on(api().load_users(&bare, &|_| {}))
            .unwrap()
            .users
            .len(),
        2
    );
    assert_eq!(bare.sent.borrow().len(), 1);

    // A server that repeats its first page whatever the page: stopped, said so.
    let endless = Scripted::new(|_: &HttpRequest, _| {
        let page: Value = serde_json::from_str(&users_page(0, 500, 0, 1)).unwrap();
        let mut page = page.as_object().unwrap().clone();
        page.remove("TotalCount");
        Ok(ok(&Value::Object(page).to_string()))
    });
    let load = block_on(api().load_users(&endless, &|_| {})).unwrap();
    assert_eq!(load.users.len(), 500);
    assert!(load.notice.unwrap().contains("same users again"));
}

#[test]
fn a_users_sessions_carry_its_name_and_none_left_is_no_sessions() {
    let transport = Scripted::new(|request: &HttpRequest, _| {
        Ok(if request.url.contains("/user-sessions/83bde819") {
            ok(&json!({"Items": serde_json::from_str::<Value>(SESSIONS).unwrap(), "Page": 1, "PageSize": 500, "TotalCount": 1}).to_string())
        } else if request.url.contains("/user-sessions/00000000") {
            ok(r#"{"Items": [], "Page": 1, "PageSize": 500, "TotalCount": 0}"#)
        } else {
            answer(
                404,
                r#"{"Error": "err_UserNotFound", "Message": "No user has this guid"}"#,
            )
        })
    });
    let id = UserId::from("83bde819-ec08-4cee-b635-884145630d0b");
    let user = block_on(api().user(&transport, &id, &|_| {})).unwrap();
    assert_eq!((user.id.clone(), user.label()), (id.clone(), "user"));
    assert!(user.operator);
    assert_eq!(user.sessions.len(), 1);
    assert_eq!(user.session_total(), 1);
    assert_eq!(user.last_connected_at, time::parse("2020-09-21T10:42:50Z"));
    assert_eq!(
        transport.urls()[0],
        format!("{BASE}/v1/authenticated-sessions/user-sessions/{id}?page=1&pageSize=500")
    );

    let left = UserId::from("00000000-0000-4000-8000-000000000000");
    let none = block_on(api().user(&transport, &left, &|_| {})).unwrap();
    assert_eq!((none.sessions.len(), none.session_total()), (0, 0));
    let gone = block_on(api().user(
        &transport,
        &"11111111-0000-4000-8000-000000000000".into(),
        &|_| {},
    ));
    assert!(matches!(gone, Err(ApiError::NotFound { .. })));
}

#[test]
fn a_revoke_is_one_post_and_no_active_session_is_already_gone() {
    let transport = Scripted::new(|request: &HttpRequest, _| {
        let body: Value = serde_json::from_str(request.json_body.as_deref().unwrap()).unwrap();
        Ok(match body["Session"].as_i64() {
            Some(275) => ok(r#"{"Success": true}"#),
            _ => answer(
                404,
                r#"{"Error": "err_NoActiveSession", "Message": "No active session was found for the provided session ID"}"#,
            ),
        })
    });
    let revoke = |session: &str| Action::RevokeSession {
        user: "u".into(),
        session: session.into(),
    };
    assert_eq!(
        block_on(api().perform(&transport, &revoke("275"))),
        Ok(Performed::Done)
    );
    let sent = transport.sent.borrow()[0].clone();
    assert_eq!(
        (sent.method, sent.url.as_str()),
        (
            Method::Post,
            format!("{BASE}/v1/authenticated-sessions/revoke").as_str()
        )
    );
    assert_eq!(sent.json_body.as_deref(), Some(r#"{"Session":275}"#));
    assert_eq!(
        block_on(api().perform(&transport, &revoke("276"))),
        Ok(Performed::AlreadyDone(ALREADY_GONE))
    );
    // Not a number: nothing is sent.
    assert!(block_on(api().perform(&transport, &revoke("abc"))).is_err());
    assert_eq!(transport.sent.borrow().len(), 2);
    let lock = Action::Lock {
        user: "u".into(),
        wipe: false,
    };
    assert_eq!(
        block_on(api().perform(&transport, &lock)),
        Err(ApiError::Unsupported)
    );
}

#[test]
fn errors_map_to_what_the_console_does_about_them() {
    let error = |status, body: &str| error_of(&answer(status, body));
    assert!(error(401, r#"{"Error": "err_Unauthorized", "Message": "x"}"#).needs_reconnect());
    assert_eq!(
        error(429, r#"{"Error": "err_TooManyRequests"}"#),
        ApiError::RateLimited
    );
    assert_eq!(
        error(
            400,
            r#"{"Error": "err_InvalidPaging", "Message": "pageSize must be from 1 to 500"}"#
        ),
        ApiError::Backend {
            status: 400,
            kind: "InvalidPaging".into(),
            detail: "pageSize must be from 1 to 500".into()
        }
    );
    assert!(matches!(
        error(502, "<html>"),
        ApiError::Unexpected { status: 502, .. }
    ));
    assert!(
        !format!("{:?}", api()).contains("s3cret"),
        "tokens never in debug output"
    );
}

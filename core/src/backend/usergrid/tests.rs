//! Usergrid against the seed's entity fields and a scripted server.

use super::*;
use crate::backend::testing::{answer, ok, Scripted};
use futures::executor::block_on;
use serde_json::json;
use std::sync::atomic::{AtomicI64, Ordering};

const BASE: &str = "https://api.example/roster/sandbox";

thread_local! {
    static NOW: AtomicI64 = const { AtomicI64::new(1_790_000_000) };
}

fn test_now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW.with(|n| n.load(Ordering::Relaxed)), 0).unwrap()
}

fn advance(seconds: i64) {
    NOW.with(|n| n.fetch_add(seconds, Ordering::Relaxed));
}

fn with(grant: UsergridGrant) -> Usergrid {
    Usergrid::new(BASE, Credentials::UsergridGrant(grant)).with_clock(test_now)
}

fn client() -> Usergrid {
    with(UsergridGrant::Client {
        id: "roster-console".into(),
        secret: "s3cret".into(),
    })
}

fn admin() -> Usergrid {
    with(UsergridGrant::Password {
        username: "admin".into(),
        password: "pa55".into(),
    })
}

/// An envelope of `entities`, with `cursor` when another page follows.
fn envelope(entities: Vec<Value>, cursor: Option<&str>) -> String {
    let mut body =
        json!({"action": "get", "entities": entities, "count": 0, "timestamp": 1, "duration": 0});
    if let Some(cursor) = cursor {
        body["cursor"] = json!(cursor);
    }
    body.to_string()
}

fn user(n: usize) -> Value {
    json!({"uuid": format!("u-{n}"), "type": "user", "username": format!("user{n}"), "created": 1_700_000_000_000i64 + n as i64, "modified": 1_700_000_000_000i64})
}

#[test]
fn the_seeds_entity_fields_parse_with_milliseconds_and_optional_names() {
    let full = json!({
        "uuid": "5dd5…", "type": "user", "created": 1_503_062_003_123i64, "modified": 1_503_062_004_000i64,
        "username": "ann", "email": "ann@example.com", "name": "Ann Lee", "activated": true,
        "disabled": false, "firstname": "Ann", "middlename": "", "lastname": "Lee",
        "picture": "https://example.com/ann.png"
    });
    let ann = parse_user(&full);
    assert_eq!(ann.id, "5dd5…");
    assert_eq!(
        (ann.label(), ann.username.as_deref(), ann.email.as_deref()),
        ("Ann Lee", Some("ann"), Some("ann@example.com"))
    );
    assert_eq!(
        ann.created_at,
        DateTime::from_timestamp_millis(1_503_062_003_123)
    );
    assert_eq!(
        ann.created_at.unwrap().timestamp(),
        1_503_062_003,
        "milliseconds, not seconds"
    );
    assert_eq!((ann.activated, ann.disabled), (Some(true), false));
    assert_eq!(ann.status(), crate::model::UserStatus::Active);

    let parts = parse_user(
        &json!({"uuid": "x", "username": "bo", "firstname": "Bo", "lastname": "Kim", "disabled": true}),
    );
    assert_eq!(parts.label(), "Bo Kim");
    assert_eq!(parts.status(), crate::model::UserStatus::Disabled);
    let bare = parse_user(&json!({"uuid": "y", "username": "cy", "activated": false}));
    assert_eq!(bare.label(), "cy", "no name: the username");
    assert_eq!(bare.status(), crate::model::UserStatus::NotActivated);
    assert_eq!(bare.created_at, None);
    let odd = parse_user(&json!({"uuid": 5, "created": "yesterday", "name": "  "}));
    assert_eq!(
        (odd.id.as_str(), odd.display_name, odd.created_at),
        ("", None, None)
    );

    let device = parse_device(
        &json!({"uuid": "d-1", "type": "device", "created": 1_503_062_003_000i64, "modified": 1_503_062_009_000i64, "name": "Pixel 7"}),
    );
    assert_eq!((device.id.as_str(), device.device()), ("d-1", "Pixel 7"));
    assert_eq!(device.last_connected_at.unwrap().timestamp(), 1_503_062_009);
}

#[test]
fn pages_follow_the_cursor_until_there_is_none() {
    let transport = Scripted::new(|request: &HttpRequest, _| {
        Ok(if request.url.ends_with("/token") {
            ok(r#"{"access_token": "t1", "expires_in": 3600, "application": {}}"#)
        } else if request.url.contains("cursor=c2") {
            ok(&envelope((1000..1500).map(user).collect(), None))
        } else if request.url.contains("limit=1000") {
            ok(&envelope((0..1000).map(user).collect(), Some("c2")))
        } else {
            ok(&envelope((0..100).map(user).collect(), Some("c/1=")))
        })
    });
    let api = client();
    block_on(api.sign_in(&transport)).unwrap();
    let view = UsersView {
        search: "ann".into(),
        ..UsersView::default()
    };
    let page = block_on(api.query_users(&transport, &view, &PageAt::Start)).unwrap();
    assert_eq!((page.items.len(), page.total), (100, None));
    assert_eq!(page.next, Some(PageAt::Cursor("c/1=".into())));
    let url = transport.urls().last().unwrap().clone();
    assert!(
        url.starts_with(&format!(
            "{BASE}/users?limit=100&ql=select%20%2A%20where%20%28name%20contains%20%27ann%2A%27"
        )),
        "{url}"
    );
    block_on(api.query_users(&transport, &view, &PageAt::Cursor("c/1=".into()))).unwrap();
    assert!(transport
        .urls()
        .last()
        .unwrap()
        .ends_with("&cursor=c%2F1%3D"));

    let all = block_on(api.all_users(&transport, &view, &|_| {})).unwrap();
    assert_eq!((all.users.len(), all.notice), (1500, None));
    let sent = transport.urls();
    assert!(sent[sent.len() - 1].contains("cursor=c2"));
    assert!(!sent
        .iter()
        .any(|u| u.contains("cursor=") && !u.contains("cursor=c")));
}

#[test]
fn a_password_is_used_once_and_an_expired_token_means_signing_in_again() {
    let transport = Scripted::new(|request: &HttpRequest, _| {
        Ok(if request.url.ends_with("/token") {
            ok(r#"{"access_token": "t1", "expires_in": 3600, "user": {"username": "admin"}}"#)
        } else {
            ok(&envelope(vec![user(1)], None))
        })
    });
    let api = admin();
    let kept = block_on(api.sign_in(&transport)).unwrap();
    let Credentials::UsergridToken { token, expires_at } = kept else {
        panic!("a token is kept")
    };
    assert_eq!(
        (token.as_str(), expires_at),
        ("t1", Some(test_now().timestamp() + 3600))
    );
    let grant: Value =
        serde_json::from_str(transport.sent.borrow()[0].json_body.as_deref().unwrap()).unwrap();
    assert_eq!(
        grant,
        json!({"grant_type": "password", "username": "admin", "password": "pa55"})
    );
    assert!(api.grant().is_none(), "the password is not kept");
    assert!(!format!("{:?} {:?}", api, api.credentials()).contains("pa55"));

    advance(3600 - 59);
    let sent = transport.sent.borrow().len();
    let ended = block_on(api.query_users(&transport, &UsersView::default(), &PageAt::Start));
    assert_eq!(ended, Err(ApiError::SessionEnded { why: TOKEN_ENDED }));
    assert_eq!(
        transport.sent.borrow().len(),
        sent,
        "nothing sent with an ending token"
    );
    advance(59);
}

#[test]
fn client_credentials_get_a_new_token_before_expiry_and_once_on_a_refusal() {
    let tokens = std::cell::Cell::new(0);
    let transport = Scripted::new(|request: &HttpRequest, _| {
        Ok(if request.url.ends_with("/token") {
            tokens.set(tokens.get() + 1);
            ok(&format!(
                r#"{{"access_token": "t{}", "expires_in": 3600}}"#,
                tokens.get()
            ))
        } else if request.authorization.as_deref() == Some("Bearer t2")
            && request.url.contains("/users/u-1")
        {
            answer(
                401,
                r#"{"error": "unauthorized", "error_description": "revoked"}"#,
            )
        } else {
            ok(&envelope(vec![user(1)], None))
        })
    });
    let api = client();
    block_on(api.sign_in(&transport)).unwrap();
    advance(3600 - 30);
    block_on(api.query_users(&transport, &UsersView::default(), &PageAt::Start)).unwrap();
    assert_eq!(tokens.get(), 2, "renewed a minute ahead");
    // t2 refused: one new token, the request sent again.
    block_on(api.user(&transport, &"u-1".into(), &|_| {})).unwrap();
    assert_eq!(tokens.get(), 3);
    assert_eq!(
        api.credentials(),
        Credentials::UsergridToken {
            token: "t3".into(),
            expires_at: Some(test_now().timestamp() + 3600)
        }
    );
    advance(30);
}

#[test]
fn each_action_is_its_request_and_errors_say_what_they_are() {
    let transport = Scripted::new(|request: &HttpRequest, _| {
        Ok(if request.url.ends_with("/token") {
            ok(r#"{"access_token": "t1", "expires_in": 3600}"#)
        } else {
            ok(&envelope(vec![user(1)], None))
        })
    });
    let api = client();
    block_on(api.sign_in(&transport)).unwrap();
    let id = UserId::from("u 1");
    for (action, method, path, body) in [
        (
            Action::Disable { user: id.clone() },
            Method::Put,
            "/users/u%201",
            Some(r#"{"disabled":true}"#),
        ),
        (
            Action::Enable { user: id.clone() },
            Method::Put,
            "/users/u%201",
            Some(r#"{"disabled":false}"#),
        ),
        (
            Action::Deactivate { user: id.clone() },
            Method::Post,
            "/users/u%201/deactivate",
            None,
        ),
        (
            Action::RevokeTokens { user: id.clone() },
            Method::Put,
            "/users/u%201/revoketokens",
            None,
        ),
    ] {
        assert_eq!(
            block_on(api.perform(&transport, &action)),
            Ok(Performed::Done)
        );
        let sent = transport.sent.borrow().last().unwrap().clone();
        assert_eq!((sent.method, sent.url), (method, format!("{BASE}{path}")));
        assert_eq!(sent.json_body.as_deref(), body);
        assert_eq!(sent.authorization.as_deref(), Some("Bearer t1"));
    }
    let lock = Action::Lock {
        user: id,
        wipe: false,
    };
    assert_eq!(
        block_on(api.perform(&transport, &lock)),
        Err(ApiError::Unsupported)
    );

    let error = |status, body: &str| error_of(&answer(status, body));
    assert!(error(
        400,
        r#"{"error": "invalid_grant", "error_description": "x"}"#
    )
    .needs_reconnect());
    assert!(error(401, r#"{"error": "invalid_client"}"#).needs_reconnect());
    assert!(matches!(
        error(404, r#"{"error": "service_resource_not_found"}"#),
        ApiError::NotFound { .. }
    ));
    assert_eq!(
        error(
            400,
            r#"{"error": "query_parse", "error_description": "bad"}"#
        ),
        ApiError::Backend {
            status: 400,
            kind: "query_parse".into(),
            detail: "bad".into()
        }
    );
    assert_eq!(error(429, "{}"), ApiError::RateLimited);
}

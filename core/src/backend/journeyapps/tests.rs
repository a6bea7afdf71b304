//! The backend against the documented sample responses and a scripted transport.

use super::*;
use crate::backend::http::TransportError;
use crate::backend::run::{run_bulk, BulkEnd, BulkEvent};
use crate::backend::testing::{ok, Scripted};
use crate::bulk::{BulkRun, TargetOutcome, CHUNK_SIZE};
use chrono::{DateTime, Utc};
use futures::executor::block_on;
use std::cell::RefCell;

const LIST_USERS: &str = include_str!("../../../fixtures/journeyapps/list_users.json");
const GET_USER: &str = include_str!("../../../fixtures/journeyapps/get_user.json");
const GET_SESSION: &str = include_str!("../../../fixtures/journeyapps/get_session.json");
const TOKEN: &str = include_str!("../../../fixtures/journeyapps/authentication_token.json");

fn at(text: &str) -> Option<DateTime<Utc>> {
    Some(time::parse(text).unwrap())
}

#[test]
fn parses_the_documented_user_list_exactly() {
    let page = parse_page(&ok(LIST_USERS), UserRecord::user).unwrap();
    assert_eq!(page.total, Some(47));
    assert!(page.more);
    assert_eq!(page.objects.len(), 2);

    let first = &page.objects[0];
    assert_eq!(first.id, "c8c8c4f8-5013-11e7-a8c7-04017e679e01");
    assert_eq!(first.last_connected_at, at("2017-08-18T13:33:23Z"));
    assert!(!first.enrolled && !first.locked);
    assert_eq!(
        first.sessions,
        vec![Session {
            id: "9469407e-8417-11e7-825d-040151508301".into(),
            state: SessionState::Locked,
            created_at: at("2017-08-18T13:17:26Z"),
            last_authenticated_at: at("2017-08-18T13:17:26Z"),
            signed_out_at: at("2017-08-18T13:33:23Z"),
            last_connected_at: at("2017-08-18T13:33:23Z"),
            platform: Some("IOS".into()),
            container_version: Some("20.6.1".into()),
            bundle_id: Some("xyz.appinstall.myapp".into()),
            runtime_version: Some("4.82.0".into()),
            device_id: Some("1234-1234-1234-1234".into()),
            label: Some("Apple iPhone7,2".into()),
            last_full_sync: at("2018-07-31T12:17:58Z"),
            ..Session::default()
        }]
    );

    let second = &page.objects[1];
    assert!(second.enrolled);
    assert_eq!(second.sessions.len(), 2);
    let android = &second.sessions[0];
    assert_eq!(android.state, SessionState::Enrolled);
    assert_eq!(android.signed_out_at, None);
    assert_eq!(android.last_full_sync, None, "no sync_status in the sample");
    assert_eq!(android.label.as_deref(), Some("Sony C6903"));
    let chrome = &second.sessions[1];
    assert_eq!(chrome.created_at, None);
    assert_eq!(chrome.last_authenticated_at, None);
    assert_eq!(chrome.platform.as_deref(), Some("CHROME"));
    assert_eq!(second.platforms(), ["ANDROID", "CHROME"]);
}

#[test]
fn parses_the_documented_single_user_and_session() {
    let user = parse_user(&serde_json::from_str(GET_USER).unwrap());
    assert_eq!(user.id, "c8c8c4f8-5013-11e7-a8c7-04017e679e01");
    assert_eq!(user.sessions.len(), 1);
    assert_eq!(
        user.sessions[0].device_id.as_deref(),
        Some("3456-3456-3456-3456")
    );

    let session = parse_session(&serde_json::from_str(GET_SESSION).unwrap());
    assert_eq!(session, user.sessions[0]);
}

#[test]
fn reads_odd_data_without_failing_or_dropping_rows() {
    let body = r#"{"objects": [
        {"id": "a", "enrolled": "yes", "locked": null, "last_connected_at": "not a date",
         "sessions": [{"id": "s", "state": "SUSPENDED", "container": null, "extra": [1, 2]}]},
        {"id": 42},
        "not even an object"
    ], "more": false}"#;
    let page = parse_page(&ok(body), UserRecord::user).unwrap();
    assert_eq!(page.total, None);
    assert_eq!(page.objects.len(), 3);
    let odd = &page.objects[0];
    assert_eq!(odd.last_connected_at, None);
    assert!(!odd.locked);
    assert!(
        !odd.enrolled,
        "a mistyped `enrolled` falls back to the sessions"
    );
    assert_eq!(odd.sessions[0].state.label(), "SUSPENDED");
    assert_eq!(odd.sessions[0].platform, None);
    assert_eq!(page.objects[1].id, "");
}

#[test]
fn a_response_that_is_not_this_api_is_an_error() {
    for body in [
        "<html>Welcome</html>",
        "{\"users\": []}",
        "{\"objects\": [trunc",
    ] {
        match parse_page(&ok(body), UserRecord::user) {
            Err(ApiError::Unexpected { status: 200, .. }) => {}
            other => panic!("{body}: {other:?}"),
        }
    }
}

fn error_body(kind: &str) -> String {
    format!(r#"{{"type":"{kind}","title":"t","detail":"d-{kind}","see":"https://x"}}"#)
}

#[test]
fn errors_map_from_status_and_type() {
    let response = |status, kind: &str| HttpResponse {
        status,
        body: error_body(kind),
    };
    assert_eq!(
        error_from_response(&response(401, "AUTHENTICATION_FAILED")),
        ApiError::Unauthorized {
            detail: "d-AUTHENTICATION_FAILED".into()
        }
    );
    assert!(matches!(
        error_from_response(&response(404, "ACCOUNT_NOT_FOUND")),
        ApiError::AccountNotFound { .. }
    ));
    assert!(matches!(
        error_from_response(&response(404, "OBJECT_NOT_FOUND")),
        ApiError::NotFound { .. }
    ));
    assert_eq!(
        error_from_response(&response(429, "TOO_MANY_REQUESTS")),
        ApiError::RateLimited
    );
    for (status, kind) in [
        (400, "INVALID_API_REQUEST"),
        (404, "ROUTE_ERROR"),
        (422, "INVALID_VALUE"),
        (500, "INTERNAL_SERVER_ERROR"),
    ] {
        assert_eq!(
            error_from_response(&response(status, kind)),
            ApiError::Backend {
                status,
                kind: kind.into(),
                detail: format!("d-{kind}")
            }
        );
    }
    let html = HttpResponse {
        status: 404,
        body: "<h1>Not Found</h1>".into(),
    };
    assert!(matches!(
        error_from_response(&html),
        ApiError::Unexpected { status: 404, .. }
    ));
}

/// A listing of `total` users (or name objects) served in pages, like the sandbox does.
fn listing(url: &str, total: u64, with_total: bool) -> HttpResponse {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let (skip, limit) = (param("skip").unwrap_or(0), param("limit").unwrap_or(1000));
    let names = url.contains("/objects/user.json");
    let objects: Vec<Value> = (skip..(skip + limit).min(total))
        .map(|i| {
            if names {
                serde_json::json!({"id": format!("u{i}"), "type": "user", "display": format!("User {i}")})
            } else {
                serde_json::json!({"id": format!("u{i}"), "enrolled": false, "locked": false, "sessions": []})
            }
        })
        .collect();
    let mut body = serde_json::json!({"count": objects.len(), "more": skip + limit < total, "objects": objects});
    if with_total {
        body["total"] = total.into();
    }
    ok(&body.to_string())
}

fn connector() -> JourneyApps {
    JourneyApps::new(
        "https://backend.example/api/v4/dep/",
        Credentials::NamedToken("t".into()),
    )
}

#[test]
fn loads_every_page_and_joins_display_names() {
    let transport = Scripted::new(|r: &HttpRequest, _| Ok(listing(&r.url, 2500, true)));
    let progress = RefCell::new(Vec::new());
    let load =
        block_on(connector().load_users(&transport, &|e| progress.borrow_mut().push(e))).unwrap();
    assert_eq!(load.users.len(), 2500);
    assert_eq!(load.notice, None);
    assert_eq!(load.users[0].label(), "User 0");
    assert_eq!(load.users[2499].id, "u2499");
    assert_eq!(load.users[2499].label(), "User 2499");
    let urls = transport.urls();
    for skip in [0, 1000, 2000] {
        let url = format!("https://backend.example/api/v4/dep/users?limit=1000&skip={skip}");
        assert_eq!(urls.iter().filter(|u| **u == url).count(), 1, "{url}");
    }
    assert_eq!(urls.len(), 6, "three pages of users and three of names");
    assert_eq!(
        progress.borrow().last(),
        Some(&LoadEvent::Progress {
            loaded: 2500,
            total: Some(2500)
        })
    );
    assert!(transport
        .sent
        .borrow()
        .iter()
        .all(|r| r.authorization.as_deref() == Some("Bearer O:t")));
}

#[test]
fn without_total_it_follows_more() {
    let transport = Scripted::new(|r: &HttpRequest, _| Ok(listing(&r.url, 2100, false)));
    let load = block_on(connector().load_users(&transport, &|_| {})).unwrap();
    assert_eq!(load.users.len(), 2100);
    assert_eq!(
        load.users
            .iter()
            .map(|u| u.id.clone())
            .collect::<std::collections::HashSet<_>>()
            .len(),
        2100
    );
}

#[test]
fn waits_at_least_a_second_after_429_then_retries() {
    let transport = Scripted::new(|r: &HttpRequest, index| {
        if index < 2 && r.url.contains("/users?") {
            Ok(HttpResponse {
                status: 429,
                body: error_body("TOO_MANY_REQUESTS"),
            })
        } else {
            Ok(listing(&r.url, 3, true))
        }
    });
    let waits = RefCell::new(Vec::new());
    let load = block_on(connector().load_users(&transport, &|e| {
        if let LoadEvent::Waiting { millis } = e {
            waits.borrow_mut().push(millis)
        }
    }))
    .unwrap();
    assert_eq!(load.users.len(), 3);
    assert!(transport.slept.borrow().iter().all(|&ms| ms >= 1000));
    assert!(!transport.slept.borrow().is_empty());
    assert_eq!(*waits.borrow(), *transport.slept.borrow());
}

#[test]
fn gives_up_on_429_after_a_few_tries_and_never_retries_a_401() {
    let limited = Scripted::new(|_: &HttpRequest, _| {
        Ok(HttpResponse {
            status: 429,
            body: error_body("TOO_MANY_REQUESTS"),
        })
    });
    assert_eq!(
        block_on(connector().check(&limited)),
        Err(ApiError::RateLimited)
    );
    assert_eq!(limited.sent.borrow().len(), 5);

    let refused = Scripted::new(|_: &HttpRequest, _| {
        Ok(HttpResponse {
            status: 401,
            body: error_body("AUTHENTICATION_FAILED"),
        })
    });
    assert!(block_on(connector().check(&refused))
        .unwrap_err()
        .needs_reconnect());
    assert_eq!(refused.sent.borrow().len(), 1);
}

#[test]
fn users_still_load_when_names_fail() {
    let transport = Scripted::new(|r: &HttpRequest, _| {
        if r.url.contains("/objects/") {
            Ok(HttpResponse {
                status: 404,
                body: error_body("ROUTE_ERROR"),
            })
        } else {
            Ok(listing(&r.url, 5, true))
        }
    });
    let load = block_on(connector().load_users(&transport, &|_| {})).unwrap();
    assert_eq!(load.users.len(), 5);
    assert_eq!(load.users[0].label(), "u0");
    let notice = load.notice.unwrap();
    assert!(
        notice.starts_with("Display names are unavailable") && notice.contains("404"),
        "{notice}"
    );
}

#[test]
fn refused_credentials_on_the_names_refuse_the_whole_load() {
    let transport = Scripted::new(|r: &HttpRequest, _| {
        if r.url.contains("/objects/") {
            Ok(HttpResponse {
                status: 401,
                body: error_body("AUTHENTICATION_FAILED"),
            })
        } else {
            Ok(listing(&r.url, 5, true))
        }
    });
    let result = block_on(connector().load_users(&transport, &|_| {}));
    assert!(
        matches!(result, Err(ApiError::Unauthorized { .. })),
        "{result:?}"
    );
}

#[test]
fn a_network_failure_is_reported_as_such() {
    let down =
        Scripted::new(|_: &HttpRequest, _| Err(TransportError::Failed("Failed to fetch".into())));
    assert_eq!(
        block_on(connector().check(&down)),
        Err(ApiError::Network {
            detail: "Failed to fetch".into()
        })
    );
}

#[test]
fn check_asks_for_one_user() {
    let transport = Scripted::new(|r: &HttpRequest, _| Ok(listing(&r.url, 250, true)));
    block_on(connector().check(&transport)).unwrap();
    assert_eq!(
        transport.urls(),
        ["https://backend.example/api/v4/dep/users?limit=1&skip=0"]
    );
}

#[test]
fn actions_go_to_the_documented_routes() {
    let c = connector();
    let base = "https://backend.example/api/v4/dep";
    let request = |action: Action| c.action_request(&action).unwrap();
    let lock = request(Action::Lock {
        user: "u1".into(),
        wipe: true,
    });
    assert_eq!(
        (lock.method, lock.url.as_str()),
        (Method::Post, &*format!("{base}/users/u1/lock"))
    );
    assert_eq!(lock.json_body.as_deref(), Some(r#"{"wipe":true}"#));
    let keep = request(Action::Lock {
        user: "u1".into(),
        wipe: false,
    });
    assert_eq!(keep.json_body.as_deref(), Some(r#"{"wipe":false}"#));
    let unlock = request(Action::Unlock { user: "u1".into() });
    assert_eq!(unlock.url, format!("{base}/users/u1/unlock"));
    let wipe = request(Action::WipeSession {
        user: "u1".into(),
        session: "s/1".into(),
    });
    assert_eq!(wipe.url, format!("{base}/users/u1/sessions/s%2F1/wipe"));
    let reauth = request(Action::ReAuthenticateSession {
        user: "u1".into(),
        session: "s1".into(),
    });
    assert_eq!(
        reauth.url,
        format!("{base}/users/u1/sessions/s1/re-authenticate")
    );
    assert!([&lock, &unlock, &wipe, &reauth]
        .iter()
        .all(|r| r.authorization.as_deref() == Some("Bearer O:t")));

    // An action this API does not have is never sent.
    let revoke = Action::RevokeSession {
        user: "u1".into(),
        session: "s1".into(),
    };
    assert_eq!(c.action_request(&revoke), None);
    assert_eq!(c.batch_request(&[&revoke]), None);
    let transport = Scripted::new(|_, _| Ok(ok("{}")));
    assert_eq!(
        block_on(c.perform(&transport, &revoke)),
        Err(ApiError::Unsupported)
    );
    assert!(transport.sent.borrow().is_empty());
}

#[test]
fn an_action_is_sent_once_even_when_it_fails() {
    let action = Action::WipeSession {
        user: "u1".into(),
        session: "s1".into(),
    };
    for (status, kind) in [
        (429, "TOO_MANY_REQUESTS"),
        (500, "INTERNAL_SERVER_ERROR"),
        (404, "OBJECT_NOT_FOUND"),
    ] {
        let transport = Scripted::new(|_: &HttpRequest, _| {
            Ok(HttpResponse {
                status,
                body: error_body(kind),
            })
        });
        let outcome = block_on(connector().perform(&transport, &action));
        assert!(outcome.is_err(), "{status}");
        assert_eq!(transport.sent.borrow().len(), 1, "{status} was retried");
        assert!(transport.slept.borrow().is_empty());
    }
    let done = Scripted::new(|_: &HttpRequest, _| {
        Ok(HttpResponse {
            status: 204,
            body: String::new(),
        })
    });
    assert_eq!(
        block_on(connector().perform(&done, &action)),
        Ok(Performed::Done)
    );
}

#[test]
fn reads_one_user_and_reports_one_that_is_gone() {
    let found = Scripted::new(|_: &HttpRequest, _| Ok(ok(GET_USER)));
    let user = block_on(connector().user(
        &found,
        &"c8c8c4f8-5013-11e7-a8c7-04017e679e01".into(),
        &|_| {},
    ))
    .unwrap();
    assert_eq!(user.sessions.len(), 1);
    assert_eq!(
        found.urls()[0],
        "https://backend.example/api/v4/dep/users/c8c8c4f8-5013-11e7-a8c7-04017e679e01"
    );

    let gone = Scripted::new(|_: &HttpRequest, _| {
        Ok(HttpResponse {
            status: 404,
            body: error_body("OBJECT_NOT_FOUND"),
        })
    });
    assert!(matches!(
        block_on(connector().user(&gone, &"x".into(), &|_| {})),
        Err(ApiError::NotFound { .. })
    ));
    let odd = Scripted::new(|_: &HttpRequest, _| Ok(ok("[1, 2]")));
    assert!(matches!(
        block_on(connector().user(&odd, &"x".into(), &|_| {})),
        Err(ApiError::Unexpected { .. })
    ));
}

#[test]
fn parses_the_documented_enrollment_token_exactly() {
    let issued = parse_enrollment_token(&ok(TOKEN)).unwrap();
    assert_eq!(issued.token, "12345678");
    assert_eq!(
        issued.url,
        "https://embark.mobi/enroll?h=internal-testing.journeyapps.com&k=12345678&t=j"
    );
}

#[test]
fn an_enrollment_token_without_both_fields_is_unexpected() {
    for body in [
        r#"{"token":"12345678"}"#,
        r#"{"token":"","url":"https://x"}"#,
        r#"{"token":12345678,"url":"https://x"}"#,
        "<html>",
    ] {
        assert!(
            matches!(
                parse_enrollment_token(&ok(body)),
                Err(ApiError::Unexpected { .. })
            ),
            "{body}"
        );
    }
}

#[test]
fn enrollment_token_is_one_post_and_a_locked_user_gets_the_api_error() {
    let api = JourneyApps::new("https://x/api/v4/d/", Credentials::NamedToken("t".into()));
    let request = api.enrollment_token_request(&"a b".into());
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://x/api/v4/d/users/a%20b/authentication-token"
    );

    let refused = HttpResponse {
        status: 422,
        body: r#"{"type":"INVALID_VALUE","title":"Invalid value","detail":"User u is locked"}"#
            .into(),
    };
    let transport = Scripted::new(|_, _| Ok(refused.clone()));
    let err = block_on(api.enrollment_token(&transport, &"u".into())).unwrap_err();
    assert!(
        err.message().contains("User u is locked"),
        "{}",
        err.message()
    );
    assert_eq!(transport.urls().len(), 1);
}

#[test]
fn one_user_gets_its_name_from_its_object_once_then_from_memory() {
    let api = connector();
    assert!(api
        .user_object_request(&"a/b".into())
        .url
        .ends_with("/objects/user/a%2Fb.json"));
    let answer = |r: &HttpRequest, _| {
        Ok(if r.url.contains("/objects/user/") {
            ok(r#"{"id":"c8c8c4f8-5013-11e7-a8c7-04017e679e01","type":"user","display":"Ann Lee"}"#)
        } else {
            ok(GET_USER)
        })
    };
    let id: UserId = "c8c8c4f8-5013-11e7-a8c7-04017e679e01".into();
    let transport = Scripted::new(answer);
    let user = block_on(api.user(&transport, &id, &|_| {})).unwrap();
    assert_eq!(user.label(), "Ann Lee");
    assert_eq!(transport.urls().len(), 2, "the user, then its name");
    let again = Scripted::new(answer);
    let user = block_on(api.user(&again, &id, &|_| {})).unwrap();
    assert_eq!(user.label(), "Ann Lee");
    assert_eq!(again.urls().len(), 1, "the name is remembered");

    // A name that cannot be read leaves the user shown by id.
    let broken = Scripted::new(|r: &HttpRequest, _| {
        Ok(if r.url.contains("/objects/user/") {
            ok("<html>")
        } else {
            ok(GET_USER)
        })
    });
    let user = block_on(connector().user(&broken, &id, &|_| {})).unwrap();
    assert_eq!(user.label(), id.as_str());
}

#[test]
fn names_from_the_listing_are_remembered_for_one_user() {
    let api = connector();
    let listing_transport = Scripted::new(|r: &HttpRequest, _| Ok(listing(&r.url, 3, true)));
    block_on(api.load_users(&listing_transport, &|_| {})).unwrap();
    let one = Scripted::new(|_: &HttpRequest, _| {
        Ok(ok(
            r#"{"id": "u2", "enrolled": false, "locked": false, "sessions": []}"#,
        ))
    });
    let user = block_on(api.user(&one, &"u2".into(), &|_| {})).unwrap();
    assert_eq!(user.label(), "User 2");
    assert_eq!(one.urls().len(), 1);
}

fn reauth_targets(n: usize) -> BulkRun {
    BulkRun::new((0..n).map(|i| {
        (
            Action::ReAuthenticateSession {
                user: format!("u{}", i / 3).into(),
                session: format!("s{i}").into(),
            },
            format!("u{}", i / 3),
        )
    }))
}

/// The operations a batch request carries.
fn operations(request: &HttpRequest) -> Vec<Value> {
    let body: Value = serde_json::from_str(request.json_body.as_deref().unwrap()).unwrap();
    assert_eq!(body["stop_on_error"], false);
    body["operations"].as_array().unwrap().clone()
}

/// A batch answer where the operation on session `fail` (if present) fails.
fn batch_answer(request: &HttpRequest, fail: &str) -> HttpResponse {
    let results: Vec<Value> = operations(request)
        .into_iter()
        .map(|op| {
            if op["session_id"] == fail {
                serde_json::json!({"method": op["method"], "success": false,
                    "error": {"type": "OBJECT_NOT_FOUND", "title": "Not found", "detail": "No session s7"}})
            } else {
                serde_json::json!({"method": op["method"], "success": true})
            }
        })
        .collect();
    ok(&serde_json::json!({"stop_on_error": false, "operations": results}).to_string())
}

#[test]
fn bulk_runs_in_chunks_of_at_most_1000_and_records_each_outcome() {
    let transport = Scripted::new(|request, _| Ok(batch_answer(request, "s7")));
    let mut run = reauth_targets(2500);
    let progress = RefCell::new(Vec::new());
    let end = block_on(run_bulk(
        &connector(),
        &transport,
        &mut run,
        &|event| progress.borrow_mut().push(event),
        &|| false,
    ));
    assert_eq!(end, BulkEnd::Finished);
    let sent = transport.sent.borrow();
    let sizes: Vec<usize> = sent.iter().map(|r| operations(r).len()).collect();
    assert_eq!(sizes, [1000, 1000, 500]);
    assert!(sent.iter().all(|r| r.url.ends_with("/batch.json")));
    let first = &operations(&sent[0])[0];
    assert_eq!(first["method"], "users/sessions/re-authenticate");
    assert_eq!(first["user_id"], "u0");
    assert_eq!(first["session_id"], "s0");
    assert_eq!(run.progress().done, 2499);
    assert_eq!(
        run.targets[7].outcome,
        TargetOutcome::Failed("Object not found: No session s7".into())
    );
    assert_eq!(
        progress.borrow().last(),
        Some(&BulkEvent::Progress(run.progress()))
    );
}

#[test]
fn bulk_resumes_after_429_without_resending_what_ran() {
    let too_many = HttpResponse {
        status: 429,
        body: r#"{"type":"TOO_MANY_REQUESTS","title":"Too many requests"}"#.into(),
    };
    // The second and third requests are refused; everything else runs.
    let transport = Scripted::new(|request, index| {
        if index == 1 || index == 2 {
            Ok(too_many.clone())
        } else {
            Ok(batch_answer(request, ""))
        }
    });
    let mut run = reauth_targets(1800);
    let end = block_on(run_bulk(
        &connector(),
        &transport,
        &mut run,
        &|_| {},
        &|| false,
    ));
    assert_eq!(end, BulkEnd::Finished);
    assert_eq!(run.progress().done, 1800);
    let sent = transport.sent.borrow();
    assert_eq!(sent.len(), 4);
    // Requests that ran (0 and 3) carry every target exactly once between them.
    let mut ran: Vec<String> = [&sent[0], &sent[3]]
        .iter()
        .flat_map(|r| operations(r))
        .map(|op| op["session_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ran.len(), 1800);
    ran.sort();
    ran.dedup();
    assert_eq!(ran.len(), 1800, "no target ran twice");
    let slept = transport.slept.borrow();
    assert_eq!(slept.len(), 2);
    assert!(slept[0] >= 1000 && slept[1] > slept[0], "{slept:?}");
}

#[test]
fn bulk_stops_on_refused_credentials_and_cancels_between_chunks() {
    let refused = HttpResponse {
        status: 401,
        body: r#"{"type":"AUTHENTICATION_FAILED","title":"Unauthorized"}"#.into(),
    };
    let transport = Scripted::new(|_, _| Ok(refused.clone()));
    let mut run = reauth_targets(10);
    let end = block_on(run_bulk(
        &connector(),
        &transport,
        &mut run,
        &|_| {},
        &|| false,
    ));
    assert!(matches!(
        end,
        BulkEnd::Stopped(ApiError::Unauthorized { .. })
    ));
    assert_eq!(run.progress().finished(), 0);

    let transport = Scripted::new(|request, _| Ok(batch_answer(request, "")));
    let mut run = reauth_targets(2500);
    let chunks_done = RefCell::new(0);
    let end = block_on(run_bulk(
        &connector(),
        &transport,
        &mut run,
        &|event| {
            if let BulkEvent::Progress(_) = event {
                *chunks_done.borrow_mut() += 1;
            }
        },
        &|| *chunks_done.borrow() == 1,
    ));
    assert_eq!(end, BulkEnd::Cancelled);
    assert_eq!(transport.sent.borrow().len(), 1);
    assert_eq!(run.progress().done, 1000);
    assert_eq!(
        run.next_chunk(CHUNK_SIZE).len(),
        1000,
        "the rest is still pending"
    );
}

#[test]
fn a_lost_or_broken_batch_answer_leaves_its_chunk_unknown_and_unsent_again() {
    let answers: [fn() -> Result<HttpResponse, TransportError>; 4] = [
        || Ok(ok("<html>proxy error</html>")),
        || Ok(ok(r#"{"operations": [tru"#)),
        || Err(TransportError::Failed("connection reset".into())),
        || {
            Ok(HttpResponse {
                status: 502,
                body: "Bad gateway".into(),
            })
        },
    ];
    for answer in answers {
        let transport = Scripted::new(|_, _| answer());
        let mut run = reauth_targets(5);
        let end = block_on(run_bulk(
            &connector(),
            &transport,
            &mut run,
            &|_| {},
            &|| false,
        ));
        assert_eq!(end, BulkEnd::Finished);
        assert_eq!(run.progress().unknown, 5, "{:?}", answer());
        assert_eq!(transport.sent.borrow().len(), 1);
        assert!(run.retry_failed().targets.is_empty());
    }
}

#[test]
fn a_batch_refused_as_a_whole_fails_its_chunk() {
    let transport = Scripted::new(|_, _| {
        Ok(HttpResponse {
            status: 400,
            body: error_body("INVALID_API_REQUEST"),
        })
    });
    let mut run = reauth_targets(5);
    block_on(run_bulk(
        &connector(),
        &transport,
        &mut run,
        &|_| {},
        &|| false,
    ));
    assert_eq!(run.progress().failed, 5);
    assert_eq!(run.retry_failed().targets.len(), 5);
}

/// A users page at `skip` as a hostile backend sends it: `objects` made by `make(skip)`, and
/// `envelope` for `total` and `more`.
fn hostile_page(url: &str, objects: Vec<Value>, envelope: Value) -> HttpResponse {
    let mut body = envelope;
    body["objects"] = Value::Array(objects);
    if url.contains("/objects/user.json") {
        body["objects"] = Value::Array(Vec::new());
    }
    ok(&body.to_string())
}

fn skip_of(url: &str) -> u64 {
    url.split("skip=")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn user_json(i: u64) -> Value {
    serde_json::json!({"id": format!("u{i}"), "sessions": []})
}

#[test]
fn a_huge_total_plans_nothing_up_front_and_says_what_came() {
    for total in [
        serde_json::json!(1_000_000_000_000u64),
        serde_json::json!(u64::MAX),
    ] {
        // One object per page, 40 real users, then empty pages; `total` and `more` lie.
        let transport = Scripted::new(|r: &HttpRequest, _| {
            let skip = skip_of(&r.url);
            let objects = if skip < 40 {
                vec![user_json(skip)]
            } else {
                vec![]
            };
            let envelope = serde_json::json!({"total": total, "more": true});
            Ok(hostile_page(&r.url, objects, envelope))
        });
        let load = block_on(connector().load_users(&transport, &|_| {})).unwrap();
        assert_eq!(load.users.len(), 40);
        let sent = transport.sent.borrow().len();
        assert!(sent < 100, "{sent} requests for 40 users");
        let notice = load.notice.unwrap();
        assert!(
            notice.contains("announced") && notice.contains("but sent 40"),
            "{notice}"
        );
    }
}

#[test]
fn endless_new_pages_stop_at_the_bound_with_what_was_loaded() {
    // A new user on every page, forever: one object a page, `more` always true.
    let transport = Scripted::new(|r: &HttpRequest, _| {
        let skip = skip_of(&r.url);
        Ok(hostile_page(
            &r.url,
            vec![user_json(skip)],
            serde_json::json!({"more": true}),
        ))
    });
    let load = block_on(connector().load_users(&transport, &|_| {})).unwrap();
    assert_eq!(load.users.len(), crate::backend::paging::MAX_PAGES);
    assert!(transport.sent.borrow().len() <= crate::backend::paging::MAX_PAGES + 2);
    let notice = load.notice.unwrap();
    assert!(
        notice.contains("keeps sending pages; stopped after 1000 users"),
        "{notice}"
    );
}

#[test]
fn the_same_page_again_and_again_stops_at_once() {
    for envelope in [
        serde_json::json!({"more": true}),
        serde_json::json!({"more": true, "total": 1e12}),
        serde_json::json!({"more": true, "total": 5000}),
    ] {
        // Whatever the skip, the same three users.
        let transport = Scripted::new(|r: &HttpRequest, _| {
            let objects = (0..3).map(user_json).collect();
            Ok(hostile_page(&r.url, objects, envelope.clone()))
        });
        let load = block_on(connector().load_users(&transport, &|_| {})).unwrap();
        assert_eq!(load.users.len(), 3, "{envelope}");
        assert!(transport.sent.borrow().len() <= 7, "{envelope}");
        assert!(load.notice.unwrap().contains("the same users again"));
    }
}

#[test]
fn a_read_retries_only_passing_overloads() {
    for (status, retried) in [
        (503, true),
        (502, true),
        (429, true),
        (500, false),
        (504, false),
    ] {
        let transport = Scripted::new(move |r: &HttpRequest, index| {
            Ok(if index == 0 {
                HttpResponse {
                    status,
                    body: error_body("X"),
                }
            } else {
                listing(&r.url, 1, true)
            })
        });
        let checked = block_on(connector().check(&transport));
        assert_eq!(checked.is_ok(), retried, "{status}");
        assert_eq!(
            transport.sent.borrow().len(),
            if retried { 2 } else { 1 },
            "{status}"
        );
    }
}

/// A sandbox-like deployment of `total` users u0…: the listing in pages, and one user by id
/// (u{total} and beyond are gone).
fn deployment(url: &str, total: u64) -> HttpResponse {
    if url.contains("/users?") {
        return listing(url, total, true);
    }
    let id = url.rsplit('/').next().unwrap_or_default();
    let known = id
        .strip_prefix('u')
        .and_then(|n| n.parse::<u64>().ok())
        .is_some_and(|n| n < total);
    if known {
        ok(&serde_json::json!({"id": id, "locked": true, "sessions": []}).to_string())
    } else {
        HttpResponse {
            status: 404,
            body: error_body("OBJECT_NOT_FOUND"),
        }
    }
}

fn ids(range: std::ops::Range<u64>) -> Vec<UserId> {
    range.map(|i| UserId::from(format!("u{i}"))).collect()
}

#[test]
fn many_users_are_read_back_from_the_listing_when_its_pages_are_fewer() {
    let transport = Scripted::new(|r: &HttpRequest, _| Ok(deployment(&r.url, 3000)));
    // 400 users, one of them gone: three pages of the listing instead of 400 requests.
    let wanted = ids(2601..3001);
    let read = block_on(connector().read_back(&transport, &wanted)).unwrap();
    assert_eq!(transport.urls().len(), 3, "{:?}", transport.urls());
    assert!(transport
        .urls()
        .iter()
        .all(|u| u.contains("/users?limit=1000")));
    assert_eq!(read.len(), 400);
    assert!(matches!(&read[0], ReadBack::Found(u) if u.id == "u2601"));
    assert_eq!(
        read[399],
        ReadBack::Gone,
        "u3000 is not in a complete listing"
    );
}

#[test]
fn users_are_read_one_by_one_when_they_are_few_or_the_listing_is_longer() {
    // A handful: one request each, never the listing.
    let transport = Scripted::new(|r: &HttpRequest, _| Ok(deployment(&r.url, 50_000)));
    let read = block_on(connector().read_back(&transport, &ids(10..13))).unwrap();
    assert_eq!(transport.urls().len(), 3);
    assert!(read.iter().all(|r| matches!(r, ReadBack::Found(_))));

    // 20 users of 50,000 (50 pages): the first page says so, then one request each.
    let transport = Scripted::new(|r: &HttpRequest, _| Ok(deployment(&r.url, 50_000)));
    let mut wanted = ids(49_990..50_010);
    wanted.reverse();
    let read = block_on(connector().read_back(&transport, &wanted)).unwrap();
    let urls = transport.urls();
    assert_eq!(urls.len(), 21, "{urls:?}");
    assert_eq!(urls.iter().filter(|u| u.contains("/users?")).count(), 1);
    assert_eq!(read[0], ReadBack::Gone, "u50009 does not exist");
    assert!(matches!(&read[19], ReadBack::Found(u) if u.id == "u49990"));
}

#[test]
fn a_listing_cut_short_leaves_the_users_it_lacks_unknown() {
    // The listing claims 3000 but ends after its first page: a user not in it may exist.
    let transport = Scripted::new(|r: &HttpRequest, _| {
        let short = r
            .url
            .replace("skip=1000", "skip=999999")
            .replace("skip=2000", "skip=999999");
        Ok(deployment(&short, 3000))
    });
    let read = block_on(connector().read_back(&transport, &ids(990..1010))).unwrap();
    assert!(matches!(&read[0], ReadBack::Found(_)));
    assert_eq!(read[19], ReadBack::Unreadable, "{read:?}");
}

#[test]
fn refused_credentials_end_a_read_back() {
    let transport = Scripted::new(|_: &HttpRequest, _| {
        Ok(HttpResponse {
            status: 401,
            body: error_body("AUTHENTICATION_FAILED"),
        })
    });
    let err = block_on(connector().read_back(&transport, &ids(0..20))).unwrap_err();
    assert!(err.needs_reconnect());
}

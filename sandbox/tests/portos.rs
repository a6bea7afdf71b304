//! The PORTOS API of the sandbox over real HTTP: login, refresh, logout and profile; the
//! sessions listing with NData paging, sort, filters and count, checked against the whole
//! table; get and delete; errors as full RFC 7807 problems; its own rate limit; the shared
//! faults and clock; every rule API.md section 5 decides.

use reqwest::{Client, Method, StatusCode};
use roster_sandbox::{start, Config, RunningSandbox};
use serde_json::{json, Value};
use std::collections::HashSet;

const PASSWORD: &str = "test-password";
const SAMPLE_SESSION: &str = include_str!("../../core/fixtures/portos/get_session.json");
const SAMPLE_LIST: &str = include_str!("../../core/fixtures/portos/list_sessions.json");

struct Sandbox {
    server: RunningSandbox,
    base: String,
    client: Client,
}

/// An answer: status, JSON body (Null when empty) and headers.
struct Answer {
    status: StatusCode,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer {
        status,
        body,
        headers,
    }
}

/// A sandbox with `sessions` PORTOS sessions; `extra` arguments override defaults.
async fn sandbox(sessions: u32, extra: &[&str]) -> Sandbox {
    let count = sessions.to_string();
    let mut args = vec![
        "--addr",
        "127.0.0.1:0",
        "--db",
        ":memory:",
        "--demo-users",
        "5",
        "--portos-sessions",
        &count,
        "--rate",
        "0",
        "--api-password",
        PASSWORD,
    ];
    args.extend_from_slice(extra);
    let server = start(Config::from_args(args).unwrap()).await.unwrap();
    Sandbox {
        base: server.portos_url(),
        server,
        client: Client::new(),
    }
}

/// The console's tokens.
#[derive(Clone, Debug)]
struct Login {
    token: String,
    refresh: String,
}

impl Sandbox {
    async fn login_as(&self, body: Value) -> Answer {
        send(
            self.client
                .post(format!("{}/api/auth", self.base))
                .json(&body),
        )
        .await
    }

    async fn login(&self) -> Login {
        let answer = self
            .login_as(
                json!({"UserName": "admin", "Password": PASSWORD, "DeviceName": "Roster console"}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        Login {
            token: answer.body["tokenId"].as_str().unwrap().into(),
            refresh: answer.body["refreshToken"].as_str().unwrap().into(),
        }
    }

    async fn call(&self, method: Method, path: &str, token: &str) -> Answer {
        send(
            self.client
                .request(method, format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    async fn get(&self, path: &str, login: &Login) -> Answer {
        self.call(Method::GET, path, &login.token).await
    }

    async fn refresh(&self, login: &Login) -> Answer {
        send(
            self.client
                .post(format!("{}/api/auth/refresh", self.base))
                .json(&json!({"tokenId": login.token, "refreshToken": login.refresh})),
        )
        .await
    }

    async fn advance(&self, seconds: i64, login: &Login) {
        let url = format!("{}/sandbox/clock", self.server.url());
        let answer = send(
            self.client
                .post(url)
                .bearer_auth(&login.token)
                .json(&json!({ "advance_seconds": seconds })),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }

    async fn fault(&self, kind: &str, count: u32, login: &Login) {
        let url = format!("{}/sandbox/faults", self.server.url());
        let answer = send(
            self.client
                .post(url)
                .bearer_auth(&login.token)
                .json(&json!({ "type": kind, "count": count })),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    }

    /// Every session, 1000 at a time, in the default order.
    async fn all(&self, login: &Login) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let page = self
                .get(&format!("/sessions?$take=1000&$skip={}", all.len()), login)
                .await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let items = page.body["items"].as_array().unwrap().clone();
            let total = page.body["totalCount"].as_u64().unwrap() as usize;
            all.extend(items);
            if all.len() >= total {
                return all;
            }
        }
    }

    /// The ids a query lists, every page of it.
    async fn ids(&self, query: &str, login: &Login) -> Vec<String> {
        let page = self
            .get(&format!("/sessions?{query}&$take=1000"), login)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
        let items = page.body["items"].as_array().unwrap();
        assert_eq!(page.body["count"].as_u64(), Some(items.len() as u64));
        assert!(items.len() < 1000, "the test data fits one page");
        items.iter().map(|s| id(s).to_string()).collect()
    }
}

fn id(session: &Value) -> &str {
    session["sessionId"].as_str().unwrap()
}

/// A full RFC 7807 problem: all seven members, with the status.
fn assert_problem(answer: &Answer, status: u16) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    let body = answer
        .body
        .as_object()
        .unwrap_or_else(|| panic!("{}", answer.body));
    for member in [
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "traceId",
        "errorCode",
    ] {
        assert!(body.contains_key(member), "{member} in {}", answer.body);
    }
    assert_eq!(body["status"], status);
    for member in ["type", "title", "detail"] {
        assert!(
            body[member].as_str().is_some_and(|s| !s.is_empty()),
            "{member}"
        );
    }
    assert!(answer.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
}

/// `2023-08-04T11:19:39.98Z`: UTC, `Z`, 0 to 7 fractional digits.
fn is_portos_datetime(text: &str) -> bool {
    let (whole, fraction) = match text.strip_suffix('Z').and_then(|t| t.split_once('.')) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.strip_suffix('Z').unwrap_or("x"), None),
    };
    let b = whole.as_bytes();
    let whole_ok = b.len() == 19
        && b[4] == b'-'
        && b[10] == b'T'
        && b[16] == b':'
        && chrono::NaiveDateTime::parse_from_str(whole, "%Y-%m-%dT%H:%M:%S").is_ok();
    let fraction_ok = fraction.is_none_or(|f| {
        (1..=7).contains(&f.len()) && f.bytes().all(|c| c.is_ascii_digit()) && !f.ends_with('0')
    });
    whole_ok && fraction_ok
}

fn instant(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).unwrap().into()
}

/// The keys and value types of the seed's sample, nothing more or less.
fn assert_seed_shape(sample: &Value, actual: &Value, at: &str) {
    match (sample, actual) {
        (Value::Object(s), Value::Object(a)) => {
            let (sk, ak): (HashSet<_>, HashSet<_>) = (s.keys().collect(), a.keys().collect());
            assert_eq!(sk, ak, "{at}");
            for (key, value) in s {
                assert_seed_shape(value, &a[key], &format!("{at}.{key}"));
            }
        }
        (Value::String(_), Value::String(text)) if at.ends_with("At") => {
            assert!(is_portos_datetime(text), "{at} = {text}")
        }
        (Value::String(_), Value::String(_)) | (Value::Number(_), Value::Number(_)) => {}
        (s, a) => panic!("type at {at}: sample {s}, sandbox {a}"),
    }
}

#[tokio::test]
async fn login_gives_tokens_and_a_session_of_its_own() {
    let sb = sandbox(50, &[]).await;
    let answer = sb
        .login_as(json!({"UserName": "admin", "Password": PASSWORD, "DeviceName": "Till 9"}))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let user = &answer.body["user"];
    assert_eq!(user["userName"], "admin");
    assert!(user["id"].is_number() && user["name"].is_string() && user["rights"].is_array());
    assert_eq!(
        user["device"],
        json!({"name": "Till 9", "envName": "BackOffice"})
    );
    let login = Login {
        token: answer.body["tokenId"].as_str().unwrap().into(),
        refresh: answer.body["refreshToken"].as_str().unwrap().into(),
    };
    assert_ne!(login.token, login.refresh);

    let profile = sb.get("/api/auth", &login).await;
    assert_eq!(profile.status, StatusCode::OK);
    let own = sb
        .get(
            &format!("/sessions/{}", profile.body["sessionId"].as_str().unwrap()),
            &login,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(
        own.body["identity"],
        json!({"userName": "admin", "deviceName": "Till 9", "envName": "BackOffice",
               "authenticationType": "Bearer"})
    );
    let started = instant(own.body["startedAt"].as_str().unwrap());
    let expires = instant(own.body["expiresAt"].as_str().unwrap());
    assert_eq!((expires - started).num_seconds(), 900, "the default TTL");
    assert_eq!(profile.body["expiresAt"], own.body["expiresAt"]);
    assert_eq!(sb.all(&login).await.len(), 51, "the login is listed");
}

#[tokio::test]
async fn a_wrong_or_missing_login_is_refused_in_the_documented_shapes() {
    let sb = sandbox(5, &[]).await;
    for wrong in [
        json!({"UserName": "admin", "Password": "nope", "DeviceName": "x"}),
        json!({"UserName": "admin", "DeviceName": "x"}),
        json!({"UserName": "999", "Password": PASSWORD, "DeviceName": "x"}),
        json!({"UserName": "Admin", "Password": PASSWORD, "DeviceName": "x"}),
    ] {
        assert_problem(&sb.login_as(wrong).await, 401);
    }
    for (body, missing) in [
        (
            json!({"Password": PASSWORD, "DeviceName": "x"}),
            vec!["UserName"],
        ),
        (
            json!({"UserName": "admin", "Password": PASSWORD, "DeviceName": ""}),
            vec!["DeviceName"],
        ),
        (
            json!({"UserName": " ", "Password": PASSWORD}),
            vec!["UserName", "DeviceName"],
        ),
        (
            json!({"UserName": 7, "Password": PASSWORD, "DeviceName": null}),
            vec!["UserName", "DeviceName"],
        ),
    ] {
        let answer = sb.login_as(body).await;
        assert_problem(&answer, 400);
        let named: Vec<&str> = answer.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert!(e["message"].is_string() && e["code"].is_string());
                e["memberName"].as_str().unwrap()
            })
            .collect();
        assert_eq!(named, missing);
    }
    let text = send(
        sb.client
            .post(format!("{}/api/auth", sb.base))
            .body("UserName=admin"),
    )
    .await;
    assert_problem(&text, 400);
}

#[tokio::test]
async fn tokens_expire_refresh_rotates_them_and_logout_ends_the_session() {
    let sb = sandbox(5, &["--portos-token-ttl", "600"]).await;
    let first = sb.login().await;
    let session = sb.get("/api/auth", &first).await.body["sessionId"]
        .as_str()
        .unwrap()
        .to_string();
    let before = sb.get(&format!("/sessions/{session}"), &first).await.body;

    // Refresh without an Authorization header: same session, new tokens, later end, _v + 1.
    sb.advance(300, &first).await;
    let answer = sb.refresh(&first).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let second = Login {
        token: answer.body["tokenId"].as_str().unwrap().into(),
        refresh: answer.body["refreshToken"].as_str().unwrap().into(),
    };
    assert_ne!(second.token, first.token);
    assert_ne!(second.refresh, first.refresh);
    let after = sb.get(&format!("/sessions/{session}"), &second).await.body;
    assert_eq!(after["_v"].as_i64(), before["_v"].as_i64().map(|v| v + 1));
    let moved = instant(after["expiresAt"].as_str().unwrap())
        - instant(before["expiresAt"].as_str().unwrap());
    assert!((299..=302).contains(&moved.num_seconds()), "{moved}");
    // The old ones are refused from now on.
    assert_problem(&sb.get("/sessions", &first).await, 401);
    assert_problem(&sb.refresh(&first).await, 401);

    // Expired: refused, but refreshable for 24 hours.
    sb.advance(601, &second).await;
    let expired = sb.get("/sessions", &second).await;
    assert_problem(&expired, 401);
    assert_eq!(expired.body["errorCode"], "TokenExpired");
    let answer = sb.refresh(&second).await;
    assert_eq!(answer.status, StatusCode::OK);
    let third = Login {
        token: answer.body["tokenId"].as_str().unwrap().into(),
        refresh: answer.body["refreshToken"].as_str().unwrap().into(),
    };
    assert_eq!(
        sb.get("/sessions?$take=1", &third).await.status,
        StatusCode::OK
    );
    let keep = sb.login().await;
    sb.advance(600 + 24 * 3600 + 1, &keep).await;
    assert_problem(&sb.refresh(&third).await, 401);

    // Logout: 204, the session leaves the list, its token stops working.
    let fourth = sb.login().await;
    let own = sb.get("/api/auth", &fourth).await.body["sessionId"].clone();
    let out = sb.call(Method::DELETE, "/api/auth", &fourth.token).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_problem(&sb.get("/sessions", &fourth).await, 401);
    let fifth = sb.login().await;
    assert!(!sb.all(&fifth).await.iter().any(|s| s["sessionId"] == own));

    // No token, or one never issued.
    for token in ["", "made-up"] {
        assert_problem(&sb.call(Method::GET, "/sessions", token).await, 401);
    }
    let bare = send(sb.client.get(format!("{}/sessions", sb.base))).await;
    assert_problem(&bare, 401);
    assert_problem(
        &sb.refresh(&Login {
            token: "x".into(),
            refresh: "y".into(),
        })
        .await,
        401,
    );
    let missing = send(
        sb.client
            .post(format!("{}/api/auth/refresh", sb.base))
            .json(&json!({"tokenId": fifth.token})),
    )
    .await;
    assert_problem(&missing, 400);
}

#[tokio::test]
async fn the_listing_pages_and_sorts_like_the_seed_says() {
    let sb = sandbox(700, &[]).await;
    let login = sb.login().await;
    let all = sb.all(&login).await;
    assert_eq!(all.len(), 701);

    // The seed's shape, the datetimes' format, and the default order: newest first, ties by id.
    let sample: Value = serde_json::from_str(SAMPLE_LIST).unwrap();
    let first = sb.get("/sessions", &login).await;
    assert_eq!(
        first.body["items"].as_array().unwrap().len(),
        50,
        "$take defaults to 50"
    );
    assert_eq!(
        (
            first.body["count"].as_u64(),
            first.body["totalCount"].as_u64()
        ),
        (Some(50), Some(701))
    );
    let mut keys: Vec<&String> = first.body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["count", "items", "totalCount"]);
    for item in first.body["items"].as_array().unwrap() {
        assert_seed_shape(&sample["items"][0], item, "item");
    }
    let key = |s: &Value| {
        (
            std::cmp::Reverse(instant(s["startedAt"].as_str().unwrap())),
            id(s).to_string(),
        )
    };
    assert!(all.windows(2).all(|w| key(&w[0]) <= key(&w[1])));

    // Pages put together are the whole list.
    let mut paged = Vec::new();
    for skip in (0..701).step_by(97) {
        let page = sb
            .get(&format!("/sessions?$skip={skip}&$take=97"), &login)
            .await;
        paged.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| id(s).to_string()),
        );
    }
    assert_eq!(
        paged,
        all.iter().map(|s| id(s).to_string()).collect::<Vec<_>>()
    );
    let past = sb.get("/sessions?$skip=5000", &login).await;
    assert_eq!(
        (
            past.body["count"].as_u64(),
            past.body["totalCount"].as_u64()
        ),
        (Some(0), Some(701))
    );

    // Sort keys: `-key` and `key:desc` alike, several at once, the id last.
    let by_user = sb
        .ids("$sort=identity.userName,-lastAccessAt", &login)
        .await;
    assert_eq!(by_user.len(), 701);
    let mut expected = all.clone();
    expected.sort_by(|a, b| {
        let user = |s: &Value| s["identity"]["userName"].as_str().unwrap().to_string();
        let access = |s: &Value| instant(s["lastAccessAt"].as_str().unwrap());
        user(a)
            .cmp(&user(b))
            .then(access(b).cmp(&access(a)))
            .then(id(a).cmp(id(b)))
    });
    assert_eq!(
        by_user,
        expected
            .iter()
            .map(|s| id(s).to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        sb.ids("$sort=identity.userName,lastAccessAt:desc", &login)
            .await,
        by_user
    );
    let mut expected = all.clone();
    expected.sort_by(|a, b| {
        let expiry = |s: &Value| instant(s["expiresAt"].as_str().unwrap());
        expiry(b).cmp(&expiry(a)).then(id(a).cmp(id(b)))
    });
    assert_eq!(
        sb.ids("$sort=-expiresAt", &login).await,
        expected
            .iter()
            .map(|s| id(s).to_string())
            .collect::<Vec<_>>(),
        "ties by id, ascending"
    );

    // Only counting.
    let count = sb
        .get("/sessions?$count=true&identity.envName=eq:PDA", &login)
        .await;
    assert_eq!(count.body.as_object().unwrap().len(), 2);
    assert_eq!(count.body["count"], 0);
    let pdas = all
        .iter()
        .filter(|s| s["identity"]["envName"] == "PDA")
        .count();
    assert_eq!(count.body["totalCount"].as_u64(), Some(pdas as u64));
    assert!(pdas > 0);
}

#[tokio::test]
async fn filters_match_what_they_say_on_every_member() {
    let sb = sandbox(600, &[]).await;
    let login = sb.login().await;
    let all = sb.all(&login).await;
    let text = |s: &Value, member: &str| -> String {
        match member.strip_prefix("identity.") {
            Some(field) => s["identity"][field].as_str().unwrap().to_string(),
            None => s[member].as_str().unwrap().to_string(),
        }
    };
    let sample = &all[all.len() / 3];
    let middle = instant(sample["startedAt"].as_str().unwrap());
    type Keep<'a> = Box<dyn Fn(&Value) -> bool + 'a>;
    let cases: Vec<(String, Keep)> = vec![
        (
            "identity.envName=eq:CashRegister".into(),
            Box::new(|s: &Value| text(s, "identity.envName") == "CashRegister"),
        ),
        (
            "identity.envName=ne:CashRegister;ne:PDA".into(),
            Box::new(|s: &Value| {
                !["CashRegister", "PDA"].contains(&text(s, "identity.envName").as_str())
            }),
        ),
        (
            // Case-insensitive beyond ASCII: "NOVÁK" finds "Novák".
            "identity.userName=ct:NOV%25C3%2581K".into(),
            Box::new(|s: &Value| {
                text(s, "identity.userName")
                    .to_lowercase()
                    .contains("novák")
            }),
        ),
        (
            "identity.deviceName=ct:bACK&identity.userName=eq:999".into(),
            Box::new(|s: &Value| {
                text(s, "identity.deviceName")
                    .to_lowercase()
                    .contains("back")
                    && text(s, "identity.userName") == "999"
            }),
        ),
        (
            "identity.deviceName=ge:P1;lt:P2".into(),
            Box::new(|s: &Value| {
                let d = text(s, "identity.deviceName");
                d.as_str() >= "P1" && d.as_str() < "P2"
            }),
        ),
        (
            format!("sessionId=le:{}", id(sample)),
            Box::new(|s: &Value| id(s) <= id(sample)),
        ),
        (
            format!("sessionId=gt:{}", id(sample)),
            Box::new(|s: &Value| id(s) > id(sample)),
        ),
        (
            // An instant in another offset and precision compares as the same instant.
            format!(
                "startedAt=ge:{}",
                (middle.with_timezone(&chrono::FixedOffset::east_opt(7200).unwrap()))
                    .to_rfc3339_opts(chrono::SecondsFormat::Nanos, false)
                    .replace('+', "%252B")
            ),
            Box::new(move |s: &Value| instant(s["startedAt"].as_str().unwrap()) >= middle),
        ),
        (
            format!(
                "lastAccessAt=lt:{}",
                sample["lastAccessAt"].as_str().unwrap()
            ),
            Box::new(|s: &Value| {
                instant(s["lastAccessAt"].as_str().unwrap())
                    < instant(sample["lastAccessAt"].as_str().unwrap())
            }),
        ),
        (
            format!("expiresAt=eq:{}", sample["expiresAt"].as_str().unwrap()),
            Box::new(|s: &Value| s["expiresAt"] == sample["expiresAt"]),
        ),
    ];
    for (query, keep) in cases {
        let expected: Vec<String> = all
            .iter()
            .filter(|s| keep(s))
            .map(|s| id(s).to_string())
            .collect();
        assert!(
            !expected.is_empty(),
            "{query} should match something in the demo"
        );
        assert_eq!(sb.ids(&query, &login).await, expected, "{query}");
    }
}

#[tokio::test]
async fn what_ndata_does_not_know_is_a_400_problem() {
    let sb = sandbox(20, &[]).await;
    let login = sb.login().await;
    for query in [
        "$take=0",
        "$take=1001",
        "$take=-1",
        "$take=2.5",
        "$skip=-1",
        "$skip=abc",
        "$sort=password",
        "$sort=identity.userName:sideways",
        "$count=maybe",
        "$filter=x",
        "identity.password=eq:x",
        "identity.userName=like:x",
        "identity.userName=x",
        "startedAt=ct:2023",
        "startedAt=gt:yesterday",
        "sessionId=eq:%25E0%25A4",
    ] {
        assert_problem(&sb.get(&format!("/sessions?{query}"), &login).await, 400);
    }
    assert_eq!(
        sb.get("/sessions?$take=1000", &login).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_session_is_read_and_deleted_once_and_its_token_ends_with_it() {
    let sb = sandbox(30, &[]).await;
    let login = sb.login().await;
    let all = sb.all(&login).await;
    let target = all
        .iter()
        .find(|s| s["identity"]["userName"] != "admin")
        .unwrap();
    let path = format!("/sessions/{}", id(target));

    let one = sb.get(&path, &login).await;
    assert_eq!(&one.body, target);
    assert_seed_shape(
        &serde_json::from_str(SAMPLE_SESSION).unwrap(),
        &one.body,
        "session",
    );

    let deleted = sb.call(Method::DELETE, &path, &login.token).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.body["sessionId"], target["sessionId"]);
    assert_eq!(
        deleted.body["_v"].as_i64(),
        target["_v"].as_i64().map(|v| v + 1)
    );
    assert_eq!(deleted.body["identity"], target["identity"]);
    for method in [Method::GET, Method::DELETE] {
        let gone = sb.call(method, &path, &login.token).await;
        assert_problem(&gone, 404);
        assert_eq!(gone.body["instance"], format!("/portos{path}"));
    }
    assert_eq!(sb.all(&login).await.len(), all.len() - 1);

    // Deleting a session whose token is in use ends that token at once.
    let other = sb.login().await;
    let own = sb.get("/api/auth", &other).await.body["sessionId"]
        .as_str()
        .unwrap()
        .to_string();
    let revoked = sb
        .call(Method::DELETE, &format!("/sessions/{own}"), &login.token)
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert_problem(&sb.get("/sessions", &other).await, 401);
    assert_problem(&sb.refresh(&other).await, 401);
}

#[tokio::test]
async fn errors_of_every_kind_are_problems_and_the_rate_limit_is_its_own() {
    let sb = sandbox(20, &["--rate", "1", "--burst", "8", "--api-token", "t"]).await;
    let login = sb.login().await;
    assert_problem(&sb.get("/nothing/here", &login).await, 404);
    assert_problem(&sb.call(Method::PUT, "/sessions", &login.token).await, 405);
    assert_problem(&sb.get("/sessions/%FF", &login).await, 400);
    let big = send(
        sb.client
            .post(format!("{}/api/auth", sb.base))
            .header("Content-Type", "application/json")
            .body(vec![b' '; 3 * 1024 * 1024]),
    )
    .await;
    assert_problem(&big, 413);

    // Over PORTOS' limit: a problem without Retry-After, while JourneyApps still answers.
    let mut limited = None;
    for _ in 0..10 {
        let answer = sb.get("/sessions?$take=1", &login).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(answer);
            break;
        }
    }
    let limited = limited.expect("the bucket runs dry");
    assert_problem(&limited, 429);
    assert!(limited.headers.get("retry-after").is_none());
    let journeyapps = send(
        sb.client
            .get(format!("{}/users?limit=1", sb.server.base_url()))
            .header("Authorization", "Bearer O:t"),
    )
    .await;
    assert_eq!(journeyapps.status, StatusCode::OK);
}

#[tokio::test]
async fn faults_and_the_clock_work_with_portos_credentials_and_answer_in_its_shape() {
    let sb = sandbox(120, &[]).await;
    let login = sb.login().await;
    sb.fault("INTERNAL_SERVER_ERROR", 1, &login).await;
    assert_problem(&sb.get("/sessions", &login).await, 500);
    sb.fault("TOO_MANY_REQUESTS", 1, &login).await;
    assert_problem(&sb.get("/sessions", &login).await, 429);

    sb.fault("MALFORMED", 1, &login).await;
    let malformed = sb.get("/sessions", &login).await;
    assert_eq!(malformed.status, StatusCode::OK);
    assert!(malformed.body.is_string(), "not JSON: {}", malformed.body);

    sb.fault("HUGE_TOTAL", 1, &login).await;
    let huge = sb.get("/sessions?$skip=100", &login).await;
    assert_eq!(huge.body["totalCount"].as_u64(), Some(1_000_000_000_000));
    assert_eq!(huge.body["items"].as_array().unwrap().len(), 21);

    sb.fault("ENDLESS_PAGES", 1, &login).await;
    let endless = sb.get("/sessions?$skip=100&$take=10", &login).await;
    assert!(endless.body.get("totalCount").is_none());
    let first = sb.get("/sessions?$take=10", &login).await;
    let ids = |page: &Answer| -> Vec<String> {
        page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| id(s).to_string())
            .collect()
    };
    assert_eq!(ids(&endless), ids(&first), "the first page again");

    // LOST_ANSWER on a delete: it ran, the answer never arrived whole.
    let target = first.body["items"][3].clone();
    sb.fault("LOST_ANSWER", 1, &login).await;
    let cut = sb
        .client
        .delete(format!("{}/sessions/{}", sb.base, id(&target)))
        .bearer_auth(&login.token)
        .send()
        .await;
    assert!(match cut {
        Ok(response) => response.text().await.is_err(),
        Err(_) => true,
    });
    assert_problem(
        &sb.get(&format!("/sessions/{}", id(&target)), &login).await,
        404,
    );

    // Faults go to whichever API asks next; a failed login does not take one.
    assert_problem(
        &sb.login_as(json!({"UserName": "admin", "Password": "x", "DeviceName": "x"}))
            .await,
        401,
    );
    assert_eq!(
        sb.get("/sessions?$take=1", &login).await.status,
        StatusCode::OK
    );

    // Controls refuse a token that is not valid.
    let refused = send(
        sb.client
            .post(format!("{}/sandbox/clock", sb.server.url()))
            .bearer_auth("not-a-token")
            .json(&json!({"advance_seconds": 1})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn demo_data_is_sized_by_the_demo_flag_and_the_same_every_time() {
    let a = sandbox(0, &[]).await;
    let login = a.login().await;
    assert_eq!(a.all(&login).await.len(), 1, "only the login");

    async fn sized(n: &str) -> RunningSandbox {
        let args = [
            "--addr",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--demo-users",
            n,
            "--api-password",
            PASSWORD,
            "--rate",
            "0",
        ];
        start(Config::from_args(args).unwrap()).await.unwrap()
    }
    let (one, two) = (sized("40").await, sized("40").await);
    assert_eq!(
        one.state.portos().session_count().unwrap(),
        40,
        "as many as --demo-users"
    );
    let listed = |sb: RunningSandbox| async move {
        let sb = Sandbox {
            base: sb.portos_url(),
            server: sb,
            client: Client::new(),
        };
        let login = sb.login().await;
        let mut sessions = sb.all(&login).await;
        sessions.retain(|s| s["identity"]["userName"] != "admin");
        sessions
            .iter()
            .map(|s| (id(s).to_string(), s["identity"].clone(), s["_v"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(listed(one).await, listed(two).await);
}

//! The authenticated-sessions API of the sandbox over real HTTP: `list`, `user-sessions` and
//! `revoke` in the envelope, order and paging API.md section 5 decides, activity on the sandbox
//! clock, its errors, its own rate limit, and the shared faults in its shape.

use reqwest::{Client, StatusCode};
use roster_sandbox::{start, Config, RunningSandbox};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};

const TOKEN: &str = "test-token";

struct Sandbox {
    server: RunningSandbox,
    base: String,
    client: Client,
}

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
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        body,
        headers,
    }
}

async fn sandbox(users: u32, extra: &[&str]) -> Sandbox {
    let users = users.to_string();
    let mut args = vec![
        "--addr",
        "127.0.0.1:0",
        "--db",
        ":memory:",
        "--demo-users",
        &users,
        "--portos-sessions",
        "0",
        "--rate",
        "0",
        "--api-token",
        TOKEN,
    ];
    args.extend_from_slice(extra);
    let server = start(Config::from_args(args).unwrap()).await.unwrap();
    Sandbox {
        base: format!("{}/v1/authenticated-sessions", server.authsessions_url()),
        server,
        client: Client::new(),
    }
}

impl Sandbox {
    async fn get(&self, path: &str) -> Answer {
        send(
            self.client
                .get(format!("{}{path}", self.base))
                .bearer_auth(TOKEN),
        )
        .await
    }

    async fn revoke(&self, body: Value) -> Answer {
        send(
            self.client
                .post(format!("{}/revoke", self.base))
                .bearer_auth(TOKEN)
                .json(&body),
        )
        .await
    }

    /// Every listed user, page by page.
    async fn listed(&self) -> Vec<Value> {
        let mut all = Vec::new();
        for page in 1.. {
            let answer = self.get(&format!("/list?page={page}&pageSize=500")).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            let items = answer.body["Items"].as_array().unwrap().clone();
            if items.is_empty() {
                return all;
            }
            all.extend(items);
        }
        unreachable!()
    }

    /// A user's active sessions as listed.
    async fn sessions_of(&self, guid: &str) -> Vec<Value> {
        let answer = self
            .get(&format!("/user-sessions/{guid}?pageSize=500"))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.body["Items"].as_array().unwrap().clone()
    }

    fn now(&self) -> i64 {
        self.server.state.clock.now().timestamp()
    }
}

/// An error of this API: the status and `{"Error": code, "Message": …}`.
fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["Error"], code, "{}", answer.body);
    assert!(answer.body["Message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

fn iso(text: &Value) -> chrono::DateTime<chrono::Utc> {
    let text = text.as_str().unwrap();
    assert!(text.ends_with('Z') && text.len() == 20, "{text}");
    chrono::DateTime::parse_from_rfc3339(text).unwrap().into()
}

/// The keys of the seed's samples.
fn keys(value: &Value) -> HashSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn list_is_the_users_with_active_sessions_by_name_in_the_envelope() {
    let sb = sandbox(300, &[]).await;
    let first = sb.get("/list").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        keys(&first.body),
        HashSet::from(["Items", "Page", "PageSize", "TotalCount"])
    );
    assert_eq!(
        (first.body["Page"].as_i64(), first.body["PageSize"].as_i64()),
        (Some(1), Some(50))
    );
    assert_eq!(first.body["Items"].as_array().unwrap().len(), 50);
    let listed = sb.listed().await;
    assert_eq!(first.body["TotalCount"].as_u64(), Some(listed.len() as u64));
    for user in &listed {
        assert_eq!(
            keys(user),
            HashSet::from(["UserGuid", "UserName", "SessionCount", "IsOperator"])
        );
    }
    // Ordered by name, then guid; only users with an active session, each counted.
    let order: Vec<(String, String)> = listed
        .iter()
        .map(|u| {
            (
                u["UserName"].as_str().unwrap().into(),
                u["UserGuid"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let now = sb.now();
    let mut active: BTreeMap<String, u64> = BTreeMap::new();
    for s in sb.server.state.authsessions().all_sessions().unwrap() {
        if !s.revoked && s.expiration_date > now {
            *active.entry(s.user_guid).or_default() += 1;
        }
    }
    let counted: BTreeMap<String, u64> = listed
        .iter()
        .map(|u| {
            (
                u["UserGuid"].as_str().unwrap().into(),
                u["SessionCount"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counted, active);
    assert!(listed.len() < 300, "some users have no active session");
    assert!(listed.iter().any(|u| u["IsOperator"] == true));

    // Pages put together are the list; past the end is empty.
    let mut paged = Vec::new();
    for page in 1..=listed.len().div_ceil(37) {
        let answer = sb.get(&format!("/list?page={page}&pageSize=37")).await;
        assert_eq!(answer.body["Page"], page);
        paged.extend(answer.body["Items"].as_array().unwrap().clone());
    }
    assert_eq!(paged, listed);
    let past = sb.get("/list?page=999").await;
    assert_eq!(past.body["Items"], json!([]));
}

#[tokio::test]
async fn paging_and_guids_are_checked() {
    let sb = sandbox(20, &[]).await;
    for query in [
        "page=0",
        "page=-2",
        "pageSize=0",
        "pageSize=501",
        "page=one",
        "pageSize=1.5",
    ] {
        assert_error(
            &sb.get(&format!("/list?{query}")).await,
            400,
            "err_InvalidPaging",
        );
    }
    assert_eq!(sb.get("/list?pageSize=500").await.status, StatusCode::OK);
    assert_error(
        &sb.get("/user-sessions/not-a-guid").await,
        400,
        "err_InvalidGuid",
    );
    assert_error(
        &sb.get("/user-sessions/00000000-0000-4000-8000-000000000000")
            .await,
        404,
        "err_UserNotFound",
    );
}

#[tokio::test]
async fn a_users_sessions_are_its_active_ones_latest_updated_first() {
    let sb = sandbox(200, &[]).await;
    let sample: Value = serde_json::from_str(include_str!(
        "../../core/fixtures/authsessions/user_sessions.json"
    ))
    .unwrap();
    let listed = sb.listed().await;
    let busy = listed
        .iter()
        .find(|u| u["SessionCount"].as_u64() > Some(1))
        .unwrap();
    let guid = busy["UserGuid"].as_str().unwrap();
    let sessions = sb.sessions_of(guid).await;
    assert_eq!(
        sessions.len() as u64,
        busy["SessionCount"].as_u64().unwrap()
    );
    for s in &sessions {
        assert_eq!(keys(s), keys(&sample[0]));
        assert_eq!(s["UserGuid"], guid);
        assert_eq!(s["UserName"], busy["UserName"]);
        assert!(iso(&s["ExpirationDate"]).timestamp() > sb.now());
        iso(&s["LastUpdated"]);
    }
    let updated: Vec<i64> = sessions
        .iter()
        .map(|s| iso(&s["LastUpdated"]).timestamp())
        .collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "{updated:?}");
    // Upper-case guids are the same user.
    assert_eq!(sb.sessions_of(&guid.to_uppercase()).await, sessions);

    // The seed's odd values are there, as they come.
    let mut all = Vec::new();
    for user in &listed {
        all.extend(sb.sessions_of(user["UserGuid"].as_str().unwrap()).await);
    }
    assert!(all.iter().any(|s| s["Smartphone"] == "-"));
    assert!(all.iter().any(|s| s["OperatingSystem"] == "Other- v. "));
    assert!(all.iter().any(|s| s["Application"].is_null()));
}

#[tokio::test]
async fn revoking_ends_a_session_once_and_a_user_without_any_drops_out() {
    let sb = sandbox(200, &[]).await;
    let listed = sb.listed().await;
    let user = listed.iter().find(|u| u["SessionCount"] == 1).unwrap();
    let guid = user["UserGuid"].as_str().unwrap();
    let session = sb.sessions_of(guid).await[0]["ID"].as_i64().unwrap();

    let done = sb.revoke(json!({ "Session": session })).await;
    assert_eq!(
        (done.status, done.body.clone()),
        (StatusCode::OK, json!({"Success": true}))
    );
    assert_error(
        &sb.revoke(json!({ "Session": session })).await,
        404,
        "err_NoActiveSession",
    );
    assert_error(
        &sb.revoke(json!({ "Session": 1 })).await,
        404,
        "err_NoActiveSession",
    );
    // The user is known but has nothing active: no items, and it leaves the list.
    assert_eq!(sb.sessions_of(guid).await, Vec::<Value>::new());
    let after = sb.listed().await;
    assert_eq!(after.len(), listed.len() - 1);
    assert!(!after.iter().any(|u| u["UserGuid"] == guid));

    for body in [
        json!({}),
        json!({"Session": "12"}),
        json!({"Session": 1.5}),
        json!([12]),
    ] {
        assert_error(&sb.revoke(body).await, 400, "err_InvalidRequest");
    }
    let text = send(
        sb.client
            .post(format!("{}/revoke", sb.base))
            .bearer_auth(TOKEN)
            .body("Session=12"),
    )
    .await;
    assert_error(&text, 400, "err_InvalidRequest");
}

#[tokio::test]
async fn sessions_expire_on_the_sandbox_clock() {
    let sb = sandbox(200, &[]).await;
    let now = sb.now();
    let all = sb.server.state.authsessions().all_sessions().unwrap();
    let ending = all
        .iter()
        .find(|s| !s.revoked && s.expiration_date > now && s.expiration_date < now + 3600)
        .expect("a session ending within the hour");
    let ids = |sessions: Vec<Value>| -> Vec<i64> {
        sessions.iter().map(|s| s["ID"].as_i64().unwrap()).collect()
    };
    assert!(ids(sb.sessions_of(&ending.user_guid).await).contains(&ending.id));
    sb.server.state.clock.advance(3601).unwrap();
    assert!(!ids(sb.sessions_of(&ending.user_guid).await).contains(&ending.id));
    assert_error(
        &sb.revoke(json!({"Session": ending.id})).await,
        404,
        "err_NoActiveSession",
    );
}

#[tokio::test]
async fn tokens_rate_limits_routes_and_faults_answer_in_its_shape() {
    let sb = sandbox(30, &["--rate", "1", "--burst", "6"]).await;
    for token in ["", "wrong", "O:test-token"] {
        let answer = send(
            sb.client
                .get(format!("{}/list", sb.base))
                .bearer_auth(token),
        )
        .await;
        assert_error(&answer, 401, "err_Unauthorized");
    }
    assert_error(
        &send(sb.client.get(format!("{}/list", sb.base))).await,
        401,
        "err_Unauthorized",
    );
    assert_error(&sb.get("/nothing").await, 404, "err_NotFound");
    let wrong_method = send(
        sb.client
            .delete(format!("{}/list", sb.base))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_error(&wrong_method, 405, "err_MethodNotAllowed");

    let mut limited = None;
    for _ in 0..12 {
        let answer = sb.get("/list?pageSize=1").await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(answer);
            break;
        }
    }
    let limited = limited.expect("the bucket runs dry");
    assert_error(&limited, 429, "err_TooManyRequests");
    assert!(limited.headers.get("retry-after").is_none());
    // Its own bucket: JourneyApps still answers.
    let other = send(
        sb.client
            .get(format!("{}/users?limit=1", sb.server.base_url()))
            .header("Authorization", format!("Bearer O:{TOKEN}")),
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn faults_answer_in_its_shape_and_make_listings_lie() {
    let sb = sandbox(120, &[]).await;
    let fault = |kind: &'static str| {
        let client = sb.client.clone();
        let url = format!("{}/sandbox/faults", sb.server.url());
        async move {
            let answer = send(
                client
                    .post(url)
                    .bearer_auth(TOKEN)
                    .json(&json!({"type": kind})),
            )
            .await;
            assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
        }
    };
    fault("INTERNAL_SERVER_ERROR").await;
    assert_error(&sb.get("/list").await, 500, "err_Internal");
    fault("HUGE_TOTAL").await;
    assert_eq!(
        sb.get("/list?page=2").await.body["TotalCount"].as_u64(),
        Some(1_000_000_000_000)
    );
    fault("ENDLESS_PAGES").await;
    let endless = sb.get("/list?page=3&pageSize=10").await;
    assert!(endless.body.get("TotalCount").is_none());
    let first = sb.get("/list?pageSize=10").await;
    assert_eq!(
        endless.body["Items"], first.body["Items"],
        "the first page again"
    );
}

#[tokio::test]
async fn config_json_presets_it() {
    let sb = sandbox(5, &["--dist", env!("CARGO_MANIFEST_DIR")]).await;
    let config: Value = reqwest::get(format!("{}/config.json", sb.server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let preset = config["backends"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "authsessions")
        .unwrap()
        .clone();
    assert_eq!(preset["base_url"], "core/api/admin");
    assert_eq!(
        format!(
            "{}/{}",
            sb.server.url(),
            preset["base_url"].as_str().unwrap()
        ),
        sb.server.authsessions_url()
    );
}

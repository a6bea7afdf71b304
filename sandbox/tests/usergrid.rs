//! Usergrid in the sandbox over real HTTP: both grants and their errors, token rules (user
//! tokens read only `/users/me`, expiry on the sandbox clock, disabled and revoked tokens),
//! users with `limit`, `cursor` and `ql`, one user, devices, disable/enable, deactivate and
//! revoketokens in the envelope API.md section 5 decides, its rate limit and faults.

use reqwest::{Client, Method, StatusCode};
use roster_sandbox::{start, Config, RunningSandbox};
use serde_json::{json, Value};
use std::collections::HashSet;

const TOKEN: &str = "test-token";
const PASSWORD: &str = "test-password";

struct Sandbox {
    server: RunningSandbox,
    base: String,
    client: Client,
}

struct Answer {
    status: StatusCode,
    body: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
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
        "5",
        "--portos-sessions",
        "0",
        "--usergrid-users",
        &users,
        "--rate",
        "0",
        "--api-token",
        TOKEN,
        "--api-password",
        PASSWORD,
    ];
    args.extend_from_slice(extra);
    let server = start(Config::from_args(args).unwrap()).await.unwrap();
    Sandbox {
        base: server.usergrid_url(),
        server,
        client: Client::new(),
    }
}

fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["error"], code, "{}", answer.body);
    assert!(answer.body["error_description"].is_string());
}

impl Sandbox {
    async fn grant(&self, body: Value) -> Answer {
        send(self.client.post(format!("{}/token", self.base)).json(&body)).await
    }

    async fn admin(&self) -> String {
        let answer = self
            .grant(json!({"grant_type": "password", "username": "admin", "password": PASSWORD}))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.body["access_token"].as_str().unwrap().to_string()
    }

    async fn call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Answer {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        send(match body {
            Some(body) => request.json(&body),
            None => request,
        })
        .await
    }

    async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, token, None).await
    }

    /// The usernames a `ql` query lists, every page of it, 1000 at a time.
    async fn usernames(&self, ql: &str, token: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut cursor = String::new();
        loop {
            let url = format!("{}/users", self.base);
            let answer = send(self.client.get(url).bearer_auth(token).query(&[
                ("limit", "1000"),
                ("ql", ql),
                ("cursor", cursor.as_str()),
            ]))
            .await;
            assert_eq!(answer.status, StatusCode::OK, "{ql}: {}", answer.body);
            for user in answer.body["entities"].as_array().unwrap() {
                names.push(user["username"].as_str().unwrap().to_string());
            }
            match answer.body["cursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => return names,
            }
        }
    }

    fn users(&self) -> Vec<roster_sandbox::usergrid::store::User> {
        let all = roster_sandbox::usergrid::ql::parse("").unwrap();
        self.server
            .state
            .usergrid()
            .list(&all, 0, 1_000_000)
            .unwrap()
            .0
    }
}

#[tokio::test]
async fn both_grants_and_their_errors() {
    let sb = sandbox(50, &[]).await;
    let admin = sb
        .grant(json!({"grant_type": "password", "username": "admin", "password": PASSWORD}))
        .await;
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(admin.body["expires_in"], 3600);
    assert_eq!(admin.body["user"]["username"], "admin");
    let client = sb
        .grant(json!({"grant_type": "client_credentials", "client_id": "roster-console", "client_secret": TOKEN}))
        .await;
    assert_eq!(client.status, StatusCode::OK);
    assert!(client.body["application"].is_object());
    assert!(client.body.get("user").is_none());

    assert_error(
        &sb.grant(json!({"grant_type": "password", "username": "admin", "password": "no"}))
            .await,
        400,
        "invalid_grant",
    );
    assert_error(
        &sb.grant(json!({"grant_type": "password", "username": "nobody", "password": "demo"}))
            .await,
        400,
        "invalid_grant",
    );
    assert_error(
        &sb.grant(json!({"grant_type": "client_credentials", "client_id": "roster-console", "client_secret": "no"})).await,
        401,
        "invalid_client",
    );
    for grant in [json!({"grant_type": "authorization_code"}), json!({})] {
        assert_error(&sb.grant(grant).await, 400, "unsupported_grant_type");
    }
    // Demo users sign in with "demo"; a disabled or not activated one cannot.
    let users = sb.users();
    let ok = users.iter().find(|u| u.activated && !u.disabled).unwrap();
    let user = sb
        .grant(json!({"grant_type": "password", "username": ok.username, "password": "demo"}))
        .await;
    assert_eq!(user.status, StatusCode::OK);
    assert_eq!(user.body["user"]["uuid"], ok.uuid.as_str());
    for blocked in [
        users.iter().find(|u| u.disabled).unwrap(),
        users.iter().find(|u| !u.activated).unwrap(),
    ] {
        assert_error(
            &sb.grant(
                json!({"grant_type": "password", "username": blocked.username, "password": "demo"}),
            )
            .await,
            400,
            "invalid_grant",
        );
    }
}

#[tokio::test]
async fn token_rules_user_tokens_me_and_expiry() {
    let sb = sandbox(50, &[]).await;
    let admin = sb.admin().await;
    let users = sb.users();
    let ok = users.iter().find(|u| u.activated && !u.disabled).unwrap();
    let user_token = sb
        .grant(json!({"grant_type": "password", "username": ok.username, "password": "demo"}))
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let me = sb.get("/users/me", &user_token).await;
    assert_eq!(me.body["entities"][0]["uuid"], ok.uuid.as_str());
    assert_error(&sb.get("/users", &user_token).await, 401, "unauthorized");
    assert_error(
        &sb.get(&format!("/users/{}", ok.uuid), &user_token).await,
        401,
        "unauthorized",
    );
    assert_eq!(
        sb.get("/users/me", &admin).await.body["entities"][0]["username"],
        "admin"
    );
    let client = sb
        .grant(json!({"grant_type": "client_credentials", "client_id": "roster-console", "client_secret": TOKEN}))
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_error(
        &sb.get("/users/me", &client).await,
        404,
        "service_resource_not_found",
    );
    assert_eq!(sb.get("/users", &client).await.status, StatusCode::OK);
    for token in ["", "YWMtnot-a-token"] {
        assert_error(&sb.get("/users", token).await, 401, "unauthorized");
    }
    assert_error(
        &send(sb.client.get(format!("{}/users", sb.base))).await,
        401,
        "unauthorized",
    );

    // Tokens end after 3600 s on the sandbox clock (which also moves with real time: the
    // margin keeps a slow machine from ending the token early).
    sb.server.state.clock.advance(3590).unwrap();
    assert_eq!(sb.get("/users", &admin).await.status, StatusCode::OK);
    sb.server.state.clock.advance(11).unwrap();
    assert_error(&sb.get("/users", &admin).await, 401, "unauthorized");
    assert_error(&sb.get("/users/me", &user_token).await, 401, "unauthorized");
}

#[tokio::test]
async fn users_page_by_cursor_in_the_envelope() {
    let sb = sandbox(57, &[]).await;
    let admin = sb.admin().await;
    let first = sb.get("/users", &admin).await;
    let keys: HashSet<&str> = first
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        HashSet::from([
            "action",
            "path",
            "uri",
            "entities",
            "cursor",
            "count",
            "timestamp",
            "duration",
            "organization",
            "applicationName"
        ])
    );
    assert_eq!(
        first.body["entities"].as_array().unwrap().len(),
        10,
        "limit defaults to 10"
    );
    assert_eq!(first.body["count"], 10);
    assert_eq!(
        (
            first.body["organization"].as_str(),
            first.body["applicationName"].as_str()
        ),
        (Some("roster"), Some("sandbox"))
    );
    assert_eq!(first.body["path"], "/users");
    assert!(
        first.body["timestamp"].as_i64().unwrap() > 1_000_000_000_000,
        "milliseconds"
    );
    // Every user once, in creation order, the last page without a cursor.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/users?limit=20&cursor={c}"),
            None => "/users?limit=20".to_string(),
        };
        let page = sb.get(&path, &admin).await;
        pages += 1;
        for u in page.body["entities"].as_array().unwrap() {
            seen.push((
                u["created"].as_i64().unwrap(),
                u["uuid"].as_str().unwrap().to_string(),
            ));
        }
        match page.body["cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (3, 57));
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    // Limits are clamped, cursors checked.
    assert_eq!(sb.get("/users?limit=5000", &admin).await.body["count"], 57);
    assert_eq!(sb.get("/users?limit=0", &admin).await.body["count"], 1);
    assert_error(
        &sb.get("/users?limit=ten", &admin).await,
        400,
        "illegal_argument",
    );
    assert_error(
        &sb.get("/users?cursor=not-ours", &admin).await,
        400,
        "illegal_argument",
    );
}

#[tokio::test]
async fn ql_filters_and_orders_as_decided() {
    let sb = sandbox(400, &[]).await;
    let admin = sb.admin().await;
    let users = sb.users();
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let has_word = |u: &roster_sandbox::usergrid::store::User, f: &dyn Fn(&str) -> bool| {
        u.name
            .as_deref()
            .is_some_and(|n| words(n).iter().any(|w| f(w)))
    };
    let names = |keep: &dyn Fn(&roster_sandbox::usergrid::store::User) -> bool| -> Vec<String> {
        users
            .iter()
            .filter(|u| keep(u))
            .map(|u| u.username.clone())
            .collect()
    };
    let prefix = names(&|u| has_word(u, &|w| w.starts_with("ann")));
    assert!(!prefix.is_empty());
    assert_eq!(
        sb.usernames("select * where name contains 'ann*'", &admin)
            .await,
        prefix
    );
    let whole = names(&|u| has_word(u, &|w| w == "ann"));
    assert!(whole.len() < prefix.len());
    assert_eq!(sb.usernames("name contains 'ANN'", &admin).await, whole);
    // and binds tighter than or; parentheses group.
    let grouped = names(&|u| (u.disabled || !u.activated) && u.name.is_some());
    assert_eq!(
        sb.usernames(
            "(disabled = true or activated = false) and name contains '*'",
            &admin
        )
        .await,
        grouped
    );
    let flat = names(&|u| u.disabled || (!u.activated && u.name.is_some()));
    assert_eq!(
        sb.usernames(
            "disabled = true or activated = false and name contains '*'",
            &admin
        )
        .await,
        flat
    );
    // Comparisons on milliseconds, and order.
    let middle = users[200].created;
    let after = names(&|u| u.created >= middle);
    assert_eq!(
        sb.usernames(&format!("created >= {middle}"), &admin).await,
        after
    );
    let mut by_email: Vec<&roster_sandbox::usergrid::store::User> = users.iter().collect();
    by_email.sort_by(|a, b| b.email.cmp(&a.email).then(a.uuid.cmp(&b.uuid)));
    let expected: Vec<String> = by_email.iter().map(|u| u.username.clone()).collect();
    assert_eq!(sb.usernames("order by email desc", &admin).await, expected);
    // Quoting: a search for a quote finds O'Brien's by a word, and an injection finds nothing.
    let irish = names(&|u| has_word(u, &|w| w == "brien"));
    assert!(!irish.is_empty());
    assert_eq!(
        sb.usernames(r"name contains 'o\'brien'", &admin).await,
        Vec::<String>::new()
    );
    assert_eq!(sb.usernames("name contains 'brien'", &admin).await, irish);
    assert_eq!(
        sb.usernames(r"name = '\' or 1=1 --'", &admin).await,
        Vec::<String>::new()
    );
    for bad in [
        "' or 1=1",
        "name = ",
        "password = 'x'",
        "select name",
        "(((name = 'x'",
    ] {
        let answer = send(
            sb.client
                .get(format!("{}/users", sb.base))
                .bearer_auth(&admin)
                .query(&[("ql", bad)]),
        )
        .await;
        assert_error(&answer, 400, "query_parse");
    }
}

#[tokio::test]
async fn one_user_devices_disable_deactivate_and_revoke() {
    let sb = sandbox(60, &[]).await;
    let admin = sb.admin().await;
    let users = sb.users();
    let target = users
        .iter()
        .find(|u| u.activated && !u.disabled && u.name.is_some())
        .unwrap()
        .clone();
    let by_uuid = sb.get(&format!("/users/{}", target.uuid), &admin).await;
    let by_name = sb.get(&format!("/users/{}", target.username), &admin).await;
    assert_eq!(by_uuid.body["entities"], by_name.body["entities"]);
    let entity = &by_uuid.body["entities"][0];
    assert_eq!(
        (entity["type"].as_str(), entity["username"].as_str()),
        (Some("user"), Some(target.username.as_str()))
    );
    assert_eq!(entity["created"].as_i64(), Some(target.created));
    assert_error(
        &sb.get("/users/nobody-at-all", &admin).await,
        404,
        "service_resource_not_found",
    );
    let devices = sb
        .get(&format!("/users/{}/devices", target.username), &admin)
        .await;
    let expected = sb.server.state.usergrid().devices(&target.uuid).unwrap();
    assert_eq!(
        devices.body["entities"].as_array().unwrap().len(),
        expected.len()
    );
    for d in devices.body["entities"].as_array().unwrap() {
        assert_eq!(d["type"], "device");
        assert!(d["name"].is_string() && d["created"].is_i64() && d["modified"].is_i64());
    }

    // A user token, to see each change reach it.
    let sign_in = || {
        sb.grant(json!({"grant_type": "password", "username": target.username, "password": "demo"}))
    };
    let token = sign_in().await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/users/{}", target.uuid);
    let put = |body: Value| sb.call(Method::PUT, &path, &admin, Some(body));

    let disabled = put(json!({"disabled": true})).await;
    assert_eq!(disabled.body["entities"][0]["disabled"], true);
    assert!(disabled.body["entities"][0]["modified"].as_i64() > Some(target.modified));
    assert_error(&sb.get("/users/me", &token).await, 401, "unauthorized");
    assert_error(&sign_in().await, 400, "invalid_grant");
    put(json!({"disabled": false})).await;
    assert_eq!(
        sb.get("/users/me", &token).await.status,
        StatusCode::OK,
        "back while enabled"
    );
    assert_error(
        &put(json!({"disabled": "yes"})).await,
        400,
        "illegal_argument",
    );
    assert_error(
        &put(json!({"nickname": "x"})).await,
        400,
        "illegal_argument",
    );

    // revoketokens: the token stops at once; signing in again works.
    let revoked = sb
        .call(
            Method::PUT,
            &format!("/users/{}/revoketokens", target.uuid),
            &admin,
            None,
        )
        .await;
    assert_eq!(revoked.body["action"], "revoked user tokens");
    assert_error(&sb.get("/users/me", &token).await, 401, "unauthorized");
    let token = sign_in().await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();

    // Deactivate: not activated, the time said, every token ended, no new one.
    let gone = sb
        .call(
            Method::POST,
            &format!("/users/{}/deactivate", target.uuid),
            &admin,
            None,
        )
        .await;
    assert_eq!(gone.body["action"], "Deactivate user");
    let user = &gone.body["entities"][0];
    assert_eq!(user["activated"], false);
    assert!(user["deactivated"].as_i64() > Some(1_000_000_000_000));
    assert_error(&sb.get("/users/me", &token).await, 401, "unauthorized");
    assert_error(&sign_in().await, 400, "invalid_grant");
    let back = put(json!({"activated": true})).await;
    assert!(back.body["entities"][0].get("deactivated").is_none());
    assert_eq!(sign_in().await.status, StatusCode::OK);
}

#[tokio::test]
async fn errors_rate_limit_and_faults_answer_in_its_shape() {
    let sb = sandbox(30, &["--rate", "1", "--burst", "12"]).await;
    let admin = sb.admin().await;
    assert_error(
        &sb.get("/nothing", &admin).await,
        404,
        "service_resource_not_found",
    );
    assert_error(
        &sb.call(Method::DELETE, "/users", &admin, None).await,
        405,
        "method_not_allowed",
    );
    // Faults, in this API's shape; listings lie with a cursor on every page.
    let fault = |kind: &'static str| {
        let (client, url, admin) = (
            sb.client.clone(),
            format!("{}/sandbox/faults", sb.server.url()),
            admin.clone(),
        );
        async move {
            let answer = send(
                client
                    .post(url)
                    .bearer_auth(admin)
                    .json(&json!({"type": kind})),
            )
            .await;
            assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
        }
    };
    fault("INTERNAL_SERVER_ERROR").await;
    assert_error(&sb.get("/users", &admin).await, 500, "internal_error");
    fault("ENDLESS_PAGES").await;
    let endless = sb.get("/users?limit=100", &admin).await;
    assert!(
        endless.body["cursor"].is_string(),
        "a cursor even on the last page"
    );
    let mut limited = None;
    for _ in 0..20 {
        let answer = sb.get("/users?limit=1", &admin).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(answer);
            break;
        }
    }
    assert_error(
        &limited.expect("the bucket runs dry"),
        429,
        "too_many_requests",
    );
}

#[tokio::test]
async fn the_consoles_queries_parse_here_and_select_what_the_view_means() {
    use roster_core::backend::usergrid::ql::for_view;
    use roster_core::table::users::{start_of, UserColumn, UsersView};
    let sb = sandbox(300, &[]).await;
    let admin = sb.admin().await;
    let users = sb.users();
    let day = chrono::DateTime::from_timestamp_millis(users[150].created)
        .unwrap()
        .date_naive();
    let views = [
        UsersView {
            search: "ann".into(),
            ..UsersView::default()
        },
        UsersView {
            search: "O'Brien".into(),
            disabled: Some(false),
            ..UsersView::default()
        },
        UsersView {
            search: "' or 1=1 --".into(),
            ..UsersView::default()
        },
        UsersView {
            search: r"\' or ''='".into(),
            ..UsersView::default()
        },
        UsersView {
            activated: Some(false),
            sort: UserColumn::Email,
            descending: true,
            ..UsersView::default()
        },
        UsersView {
            created_after: Some(day),
            sort: UserColumn::Created,
            ..UsersView::default()
        },
        UsersView {
            created_before: Some(day),
            disabled: Some(true),
            ..UsersView::default()
        },
    ];
    let words = |text: &Option<String>| -> Vec<String> {
        text.as_deref()
            .unwrap_or("")
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    for view in views {
        let ql = for_view(&view);
        let listed = sb.usernames(&ql, &admin).await;
        let search: Vec<String> = view
            .search
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut expected: Vec<&roster_sandbox::usergrid::store::User> = users
            .iter()
            .filter(|u| {
                let fields = [
                    words(&u.name),
                    words(&Some(u.username.clone())),
                    words(&u.email),
                ];
                search
                    .iter()
                    .all(|w| fields.iter().flatten().any(|f| f.starts_with(w.as_str())))
                    && view.disabled.is_none_or(|d| u.disabled == d)
                    && view.activated.is_none_or(|a| u.activated == a)
                    && view
                        .created_after
                        .is_none_or(|d| u.created >= start_of(d).timestamp_millis())
                    && view
                        .created_before
                        .is_none_or(|d| u.created < start_of(d).timestamp_millis())
            })
            .collect();
        let mut names: Vec<String> = expected.iter().map(|u| u.username.clone()).collect();
        let mut got = listed.clone();
        names.sort();
        got.sort();
        assert_eq!(got, names, "{ql}");
        if view.sort == UserColumn::Email {
            expected.sort_by(|a, b| b.email.cmp(&a.email).then(a.uuid.cmp(&b.uuid)));
            let ordered: Vec<String> = expected.iter().map(|u| u.username.clone()).collect();
            assert_eq!(listed, ordered, "{ql}");
        }
    }
}

#[tokio::test]
async fn the_sdks_singular_paths_reach_users_and_devices() {
    let sb = sandbox(20, &[]).await;
    let admin = sb.admin().await;
    let target = sb.users().into_iter().next().unwrap();
    for path in [
        format!("/user/{}", target.uuid),
        format!("/users/{}", target.uuid),
        format!("/user/{}", target.username),
    ] {
        let answer = sb.get(&path, &admin).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        assert_eq!(answer.body["entities"][0]["uuid"], target.uuid.as_str());
    }
    let plural = sb
        .get(&format!("/users/{}/devices", target.uuid), &admin)
        .await;
    for path in ["/user/{}/devices", "/user/{}/device", "/users/{}/device"] {
        let path = path.replace("{}", &target.uuid);
        let answer = sb.get(&path, &admin).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        assert_eq!(answer.body["entities"], plural.body["entities"], "{path}");
    }
    let listed = sb.get("/user?limit=5", &admin).await;
    assert_eq!(listed.body["entities"].as_array().unwrap().len(), 5);
    assert_error(
        &sb.get("/usr/x", &admin).await,
        404,
        "service_resource_not_found",
    );
}

#[tokio::test]
async fn a_put_sets_the_documented_properties_and_refuses_the_rest_in_words() {
    let sb = sandbox(20, &[]).await;
    let admin = sb.admin().await;
    let users = sb.users();
    let (target, other) = (&users[0], &users[1]);
    let path = format!("/users/{}", target.uuid);
    let put = |body: Value| sb.call(Method::PUT, &path, &admin, Some(body));

    // Some properties, as the SDK's `user.set(…); user.save()` sends them.
    let named = put(json!({"name": "Ann Lee", "email": "ann@example.com"})).await;
    assert_eq!(named.status, StatusCode::OK, "{}", named.body);
    let entity = &named.body["entities"][0];
    assert_eq!(entity["name"], "Ann Lee");
    assert_eq!(entity["email"], "ann@example.com");
    assert_eq!(
        sb.get(&path, &admin).await.body["entities"][0]["name"],
        "Ann Lee"
    );

    // A whole entity sent back with a new name: the name is kept, what the server keeps
    // itself (created, modified, type, metadata) is ignored.
    let mut whole = sb.get(&path, &admin).await.body["entities"][0].clone();
    whole["name"] = json!("Ann Müller");
    whole["picture"] = Value::Null;
    whole["metadata"] = json!({"path": path});
    let saved = put(whole.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["entities"][0]["name"], "Ann Müller");
    assert_eq!(saved.body["entities"][0]["created"], whole["created"]);
    assert!(saved.body["entities"][0].get("picture").is_none());

    // A new username is a new key; one taken by another user is refused.
    let renamed = put(json!({"username": "ann.lee"})).await;
    assert_eq!(renamed.body["entities"][0]["username"], "ann.lee");
    assert_eq!(
        sb.get("/users/ann.lee", &admin).await.status,
        StatusCode::OK
    );
    let taken = put(json!({"username": other.username})).await;
    assert_error(&taken, 400, "duplicate_unique_property_exists");

    // Nothing is dropped without a word.
    for (body, says) in [
        (json!({"nickname": "x"}), "nickname"),
        (json!({"password": "secret"}), "password"),
        (json!({"uuid": other.uuid}), "uuid"),
        (json!({"name": 7}), "name"),
        (json!({"username": ""}), "username"),
        (json!({}), "Send a property"),
    ] {
        let refused = put(body.clone()).await;
        assert_error(&refused, 400, "illegal_argument");
        let why = refused.body["error_description"].as_str().unwrap();
        assert!(why.contains(says), "{body}: {why}");
    }
    assert_eq!(
        sb.get("/users/ann.lee", &admin).await.body["entities"][0]["name"],
        "Ann Müller"
    );
}

#[tokio::test]
async fn a_grants_ttl_in_milliseconds_is_honoured_within_a_week() {
    let sb = sandbox(5, &[]).await;
    let grant = |ttl: Value| {
        sb.grant(json!({"grant_type": "password", "username": "admin", "password": PASSWORD, "ttl": ttl}))
    };
    for (ttl, seconds) in [
        (json!(60_000), 60),
        (json!("120000"), 120),
        (json!(1), 1),
        (json!(0), 3600),
        (Value::Null, 3600),
        (json!(30_u64 * 24 * 3600 * 1000), 7 * 24 * 3600),
    ] {
        let answer = grant(ttl.clone()).await;
        assert_eq!(answer.status, StatusCode::OK, "{ttl}: {}", answer.body);
        assert_eq!(answer.body["expires_in"], seconds, "{ttl}");
    }
    assert_error(&grant(json!("soon")).await, 400, "illegal_argument");
    assert_error(&grant(json!(-5)).await, 400, "illegal_argument");

    // The token ends when it says.
    let token = grant(json!(60_000)).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    sb.server.state.clock.advance(59).unwrap();
    assert_eq!(
        sb.get("/users?limit=1", &token).await.status,
        StatusCode::OK
    );
    sb.server.state.clock.advance(2).unwrap();
    assert_error(&sb.get("/users?limit=1", &token).await, 401, "unauthorized");
}

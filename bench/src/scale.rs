//! The scale benchmark: one sandbox holding 10,000 JourneyApps users, 100,000 PORTOS sessions
//! and 100,000 Usergrid users, the console in headless Chromium, and for each backend the two
//! waits an admin feels: from pressing Connect to the first page of the main table, and from a
//! filter change (for Usergrid, a search keystroke) to its rows. JourneyApps' users table loads
//! every user and filters here; PORTOS' sessions and Usergrid's users are asked of the server
//! one page at a time.
//!
//! Every run opens a fresh browser (empty cache). Each time runs from the event's own
//! timestamp (the click, the change) to just after the frame that shows the expected table,
//! measured inside the page; the figure printed is the median over the runs.
//!
//! `trunk build --release && cargo run --release -p roster-bench --bin scale-bench`, with
//! `-- --runs N` (5 by default), `--users N` (10,000), `--sessions N` (100,000) and
//! `--app-users N` (Usergrid's, 100,000).

use fantoccini::{Client, Locator};
use roster_bench::{sandbox, TOKEN};
use roster_core::backend::usergrid::ql::for_view;
use roster_core::table::users::{UserColumn, UsersView};
use roster_e2e::Driver;
use roster_sandbox::portos::query;
use roster_sandbox::RunningSandbox;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const USERS: u32 = 10_000;
const SESSIONS: u32 = 100_000;
const APP_USERS: u32 = 100_000;
/// Searches typed into Usergrid's search before the keystroke measured: with the first letter
/// after them whose keystroke changes the first row.
const SEARCHES: &[&str] = &[
    "an", "ro", "ma", "ja", "we", "ha", "gr", "be", "co", "el", "fi", "th",
];
const PASSWORD: &str = "bench-password";
const PATIENCE: Duration = Duration::from_secs(120);

/// Installed in every page before its own scripts: `arm(event, css, text)` times the next
/// `event` (from its own timestamp) to just after the first frame in which the element at
/// `css` says `text` (or exists, for a null `text`).
const PROBE: &str = r#"(() => {
  const bench = (window.__bench = { result: null });
  const shows = (css, text) => {
    const found = document.querySelector(css);
    return found !== null && (text === null || found.textContent.trim() === text);
  };
  const afterNextFrame = (then) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => then(performance.now());
      channel.port2.postMessage(null);
    });
  bench.arm = (eventType, css, text) => {
    bench.result = null;
    document.addEventListener(eventType, (event) => {
      const start = event.timeStamp;
      const deadline = performance.now() + 60000;
      const check = () => {
        if (shows(css, text)) {
          afterNextFrame((at) => (bench.result = { ms: at - start }));
        } else if (performance.now() > deadline) {
          bench.result = { error: `${css} never said ${text}` };
        } else {
          requestAnimationFrame(check);
        }
      };
      requestAnimationFrame(check);
    }, { capture: true, once: true });
  };
})();"#;

/// One run's four figures, in milliseconds.
#[derive(Default)]
struct Run {
    journeyapps_first_page: f64,
    journeyapps_filter: f64,
    portos_first_page: f64,
    portos_filter: f64,
    usergrid_first_page: f64,
    usergrid_keystroke: f64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runs = option("--runs").unwrap_or(5);
    let users = option("--users").unwrap_or(USERS);
    let sessions = option("--sessions").unwrap_or(SESSIONS);
    let app_users = option("--app-users").unwrap_or(APP_USERS);
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist");
    assert!(
        dist.join("index.html").exists(),
        "dist/ is missing: build the app first with `trunk build --release`"
    );
    let (sessions_arg, app_users_arg) = (sessions.to_string(), app_users.to_string());
    let sandbox = sandbox(
        users,
        &[
            "--portos-sessions",
            &sessions_arg,
            "--usergrid-users",
            &app_users_arg,
            "--api-password",
            PASSWORD,
            "--rate",
            "0",
            "--dist",
            dist.to_str().unwrap(),
        ],
    )
    .await;
    println!(
        "Scale benchmark: {users} JourneyApps users, {sessions} PORTOS sessions and {app_users} \
         Usergrid users in one sandbox, {runs} cold runs; Chromium headless."
    );
    let driver = Driver::start().await;
    let mut results = Vec::new();
    for run in 0..runs {
        results.push(measure(&driver, &sandbox, run).await);
        eprintln!("  run {} of {runs} done", run + 1);
    }
    driver.stop().await;
    let median_of = |figure: fn(&Run) -> f64| {
        let mut values: Vec<f64> = results.iter().map(figure).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!();
    println!(
        "| median of {runs} runs | JourneyApps, {users} users | PORTOS, {sessions} sessions | \
         Usergrid, {app_users} users |"
    );
    println!("|---|---|---|---|");
    println!(
        "| Connect → first page of the table | {:.0} ms | {:.0} ms | {:.0} ms |",
        median_of(|r| r.journeyapps_first_page),
        median_of(|r| r.portos_first_page),
        median_of(|r| r.usergrid_first_page)
    );
    println!(
        "| Filter change (Usergrid: a search keystroke) → its rows | {:.0} ms | {:.0} ms | {:.0} ms |",
        median_of(|r| r.journeyapps_filter),
        median_of(|r| r.portos_filter),
        median_of(|r| r.usergrid_keystroke)
    );
    sandbox.stop().await;
}

/// `--name N` from the command line.
fn option(name: &str) -> Option<u32> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    let value = args.get(at + 1)?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} wants a number, not {value:?}")),
    )
}

/// One cold run: both backends, one after the other, in a fresh browser.
async fn measure(driver: &Driver, sandbox: &RunningSandbox, run: u32) -> Run {
    let profile =
        std::env::temp_dir().join(format!("roster-scale-bench-{}-{run}", std::process::id()));
    let browser = driver.browser(&profile).await;
    driver
        .cdp(
            &browser,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": PROBE }),
        )
        .await;
    let mut figures = Run::default();

    // JourneyApps: every user is loaded, then the status filter runs in the page.
    open_connect_screen(&browser, sandbox, "0").await;
    fill(&browser, "#token", TOKEN).await;
    figures.journeyapps_first_page = timed(
        &browser,
        "click",
        "table.users tbody tr",
        None,
        find(&browser, "button[type=submit]").await.click(),
    )
    .await;
    let locked = sandbox
        .state
        .journeyapps()
        .list_users(0, u64::MAX >> 1)
        .unwrap()
        .objects
        .iter()
        .filter(|u| u.locked)
        .count();
    let total = sandbox.state.journeyapps().user_count().unwrap();
    let caption = format!(
        "{} of {} users",
        roster_bench::grouped(locked as u64),
        roster_bench::grouped(total)
    );
    let filter = find(&browser, "#status-filter").await;
    figures.journeyapps_filter = timed(
        &browser,
        "change",
        "table.users caption",
        Some(&caption),
        filter.select_by_value("locked"),
    )
    .await;

    // PORTOS: a login, then one page at a time from the server.
    find(&browser, "button.disconnect")
        .await
        .click()
        .await
        .unwrap();
    open_connect_screen(&browser, sandbox, "1").await;
    fill(&browser, "#login-user", "admin").await;
    fill(&browser, "#login-password", PASSWORD).await;
    figures.portos_first_page = timed(
        &browser,
        "click",
        "table.all-sessions tbody tr",
        None,
        find(&browser, "button[type=submit]").await.click(),
    )
    .await;
    let pdas = {
        let pda = query::parse("identity.envName=eq:PDA").unwrap();
        sandbox.state.portos().count_matching(&pda).unwrap()
    };
    let caption = format!("{} sessions", roster_bench::grouped(pdas));
    let filter = find(&browser, "#environment-filter").await;
    figures.portos_filter = timed(
        &browser,
        "change",
        "table.all-sessions caption",
        Some(&caption),
        filter.select_by_value("PDA"),
    )
    .await;

    // Usergrid: a password grant, then pages (and searches) asked of the server.
    find(&browser, "button.disconnect")
        .await
        .click()
        .await
        .unwrap();
    open_connect_screen(&browser, sandbox, "3").await;
    fill(&browser, "#ug-user", "admin").await;
    fill(&browser, "#ug-password", PASSWORD).await;
    figures.usergrid_first_page = timed(
        &browser,
        "click",
        "table.users tbody tr",
        None,
        find(&browser, "button[type=submit]").await.click(),
    )
    .await;
    // The newest first: the first row a search shows, as the sandbox answers the console's
    // query, changes as the search narrows.
    browser
        .goto(&format!("{}/users?sort=created&dir=desc", sandbox.url()))
        .await
        .unwrap();
    find(&browser, "table.users tbody tr").await;
    let first_of = |text: &str| {
        let view = UsersView {
            search: text.into(),
            sort: UserColumn::Created,
            descending: true,
            ..UsersView::default()
        };
        let parsed = roster_sandbox::usergrid::ql::parse(&for_view(&view)).unwrap();
        let (users, _) = sandbox.state.usergrid().list(&parsed, 0, 1).unwrap();
        users.first().map(|u| u.username.clone())
    };
    let (typed, keystroke, before, after) = SEARCHES
        .iter()
        .find_map(|&typed| {
            let before = first_of(typed)?;
            ('a'..='z').find_map(|key| {
                let after = first_of(&format!("{typed}{key}"))?;
                (before != after).then(|| (typed, key.to_string(), before.clone(), after))
            })
        })
        .expect("a search whose last keystroke changes the first row");
    let search = find(&browser, "#user-search").await;
    search.send_keys(typed).await.unwrap();
    // The typed letters' rows are in before the keystroke measured.
    wait_for_text(
        &browser,
        "table.users tbody tr:first-child td.mono",
        &before,
    )
    .await;
    figures.usergrid_keystroke = timed(
        &browser,
        "keydown",
        "table.users tbody tr:first-child td.mono",
        Some(&after),
        search.send_keys(&keystroke),
    )
    .await;

    let _ = browser.close().await;
    let _ = std::fs::remove_dir_all(&profile);
    figures
}

/// Waits until the element at `css` says `text`.
async fn wait_for_text(browser: &Client, css: &str, text: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(found) = browser.find(Locator::Css(css)).await {
            if found.text().await.unwrap_or_default().trim() == text {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{css} never said {text}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Opens the connect screen and picks the sandbox's preset number `preset`.
async fn open_connect_screen(browser: &Client, sandbox: &RunningSandbox, preset: &str) {
    browser.goto(&format!("{}/", sandbox.url())).await.unwrap();
    // The presets are in once the picker lists both.
    let deadline = Instant::now() + PATIENCE;
    while browser
        .find_all(Locator::Css("#preset option"))
        .await
        .map_or(0, |o| o.len())
        < 4
    {
        assert!(Instant::now() < deadline, "the presets never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    find(browser, "#preset")
        .await
        .select_by_value(preset)
        .await
        .unwrap();
}

async fn find(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
}

async fn fill(browser: &Client, css: &str, text: &str) {
    let input = find(browser, css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Arms the probe for the next `event`, does `act`, and returns the time until `css` shows
/// `text`.
async fn timed<T, E: std::fmt::Debug>(
    browser: &Client,
    event: &str,
    css: &str,
    text: Option<&str>,
    act: impl std::future::Future<Output = Result<T, E>>,
) -> f64 {
    browser
        .execute(
            "window.__bench.arm(arguments[0], arguments[1], arguments[2])",
            vec![json!(event), json!(css), json!(text)],
        )
        .await
        .unwrap();
    act.await.unwrap();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let result: Value = browser
            .execute("return window.__bench.result", vec![])
            .await
            .unwrap();
        if let Some(ms) = result.get("ms").and_then(Value::as_f64) {
            return ms;
        }
        if let Some(error) = result.get("error") {
            panic!("{error}");
        }
        assert!(Instant::now() < deadline, "{css} never showed {text:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

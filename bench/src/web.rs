//! The web benchmark: Roster's users and sessions pages and hand-written plain-JavaScript
//! pages (`bench/baseline/`) side by side in headless Chromium, each served by its own
//! in-process sandboxes holding the same 10,000 demo users (and a second copy of them with
//! 30,000 sessions for the sessions pages).
//!
//! Every run opens a fresh browser (empty cache), so each load is cold. Per run it measures on
//! the users page: the load to the first users request, to the first users row painted and to
//! every user loaded (the `users-loaded` performance mark both pages set), the JS heap and WASM
//! memory once loaded (CDP), search keystrokes and sort clicks from the event's own timestamp to
//! just after the frame showing the expected result (checked against what the console's own
//! view code computes), and a scroll of the whole table down and back (CDP synthesized gesture)
//! for long tasks and dropped frames; then the same keystrokes and sort clicks on the sessions
//! page. The first-load transfer is the size of what the page fetches: raw, and the `.gz` and
//! `.br` copies the sandbox serves. Each figure printed is the median over the runs.
//!
//! `trunk build --release && cargo run --release -p roster-bench --bin web-bench`, with
//! `-- --runs N` (5 by default), `--users N` (10,000), `--dist DIR` (another build of the app),
//! `--without DIR` (builds without each optional backend, made by `.ci/bench`: prints the WASM
//! each backend adds) or `--profile` (where each page's time goes while loading, typing and
//! sorting, from a CPU profile; WASM functions have names only in a build that keeps them:
//! `data-keep-debug` and `data-wasm-opt="0"` on the rust link, given with `--dist`).

use fantoccini::{Client, Locator};
use roster_bench::{sandbox, Http, TOKEN};
use roster_core::backend::journeyapps::JourneyApps;
use roster_core::backend::{Api, Connection, Credentials, Kind};
use roster_core::model::User;
use roster_core::table::sessions::{SessionColumn, SessionsData, SessionsView};
use roster_core::table::users::{UserColumn, UsersData, UsersView};
use roster_core::table::{TableModel, TableView};
use roster_e2e::Driver;
use roster_sandbox::RunningSandbox;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const USERS: u32 = 10_000;
/// JourneyApps sessions per user in the sandbox the sessions tables are measured on (30,000
/// for 10,000 users).
const SESSIONS_PER_USER: u32 = 3;
/// Words typed into the search box per run, each a keystroke at a time and then erased.
const WORDS: usize = 5;
const LETTERS: usize = 4;
/// Clicks on the "Last connected" header per run, alternating the order.
const SORTS: usize = 10;
/// WebDriver's Backspace key.
const BACKSPACE: &str = "\u{e003}";
const PATIENCE: Duration = Duration::from_secs(60);
const MB: f64 = 1_000_000.0;

/// The two pages compared.
#[derive(Clone, Copy, PartialEq)]
enum Page {
    Roster,
    Baseline,
}

impl Page {
    fn name(self) -> &'static str {
        match self {
            Page::Roster => "Roster",
            Page::Baseline => "baseline",
        }
    }
}

/// The two tables measured.
#[derive(Clone, Copy, PartialEq)]
enum Table {
    Users,
    Sessions,
}

impl Table {
    /// Where the page with this table is, on Roster or the baseline.
    fn path(self, page: Page) -> &'static str {
        match (self, page) {
            (Table::Users, Page::Roster) => "/users",
            (Table::Users, Page::Baseline) => "/",
            (Table::Sessions, Page::Roster) => "/sessions",
            (Table::Sessions, Page::Baseline) => "/sessions.html",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::Sessions => "sessions",
        }
    }

    /// The table element and its search field.
    fn css(self) -> (&'static str, &'static str) {
        match self {
            Table::Users => ("table.users", "#user-search"),
            Table::Sessions => ("table.all-sessions", "#session-search"),
        }
    }

    /// Where the first row says which row it is: the user id cell, the session row's
    /// `data-session` attribute.
    fn first_id(self) -> Value {
        match self {
            Table::Users => json!({ "css": "table.users tbody tr:first-child td:nth-child(3)" }),
            Table::Sessions => json!({
                "css": "table.all-sessions tbody tr:first-child",
                "attribute": "data-session",
            }),
        }
    }
}

/// One page, the sandboxes serving it (10,000 users; the same users with 30,000 sessions) and
/// what its tables must show.
struct Site {
    page: Page,
    files: Vec<PathBuf>,
    users: Served,
    sessions: Served,
}

/// A sandbox and what the measured table shows on it.
struct Served {
    sandbox: RunningSandbox,
    expected: Expected,
}

/// What the table shows after each interaction, computed with the console's own view code.
struct Expected {
    table: Table,
    total: usize,
    /// Keys to send and the caption each must lead to.
    typing: Vec<(&'static str, String)>,
    /// After each click on "Last connected": descending?, and the first row's id (user or
    /// session).
    sorting: Vec<(bool, String)>,
}

/// One run's figures for one page.
#[derive(Default, Clone)]
struct Run {
    first_request_ms: f64,
    first_row_ms: f64,
    loaded_ms: f64,
    keystroke_ms: Vec<f64>,
    sort_ms: Vec<f64>,
    sessions_keystroke_ms: Vec<f64>,
    sessions_sort_ms: Vec<f64>,
    frames: f64,
    dropped_frames: f64,
    long_tasks: f64,
    long_task_ms: f64,
    heap_bytes: f64,
    wasm_bytes: f64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runs = option("--runs").unwrap_or(5) as usize;
    let users = option("--users").unwrap_or(USERS);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = text_option("--dist")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("dist"));
    assert!(
        dist.join("index.html").exists(),
        "dist/ is missing: build the app first with `trunk build --release`"
    );
    let baseline = baseline_dir(&root);
    println!(
        "Web benchmark: {users} users (and the same users with {} sessions), \
         {runs} cold runs per page; Chromium headless.",
        users * SESSIONS_PER_USER
    );

    let roster = site(Page::Roster, &dist, roster_files(&dist), users).await;
    let plain = site(
        Page::Baseline,
        &baseline,
        ["index.html", "common.js", "app.js", "main.css"]
            .map(|f| baseline.join(f))
            .to_vec(),
        users,
    )
    .await;
    let bench = Bench {
        driver: Driver::start().await,
        profile: std::env::args().any(|a| a == "--profile"),
    };

    let started = Instant::now();
    let mut results: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    for run in 0..runs {
        // Alternate which page goes first, so neither always meets a warmer machine.
        let order = if run % 2 == 0 {
            [&roster, &plain]
        } else {
            [&plain, &roster]
        };
        for site in order {
            let figures = bench.measure(site, run).await;
            results[site.page as usize].push(figures);
        }
        eprintln!(
            "  run {} of {runs} done ({:.0} s)",
            run + 1,
            started.elapsed().as_secs_f64()
        );
    }
    bench.driver.stop().await;
    print_table(&roster, &plain, &results, runs);
    if let Some(builds) = text_option("--without") {
        print_backend_sizes(&dist, Path::new(&builds));
    }
    for site in [roster, plain] {
        site.users.sandbox.stop().await;
        site.sessions.sandbox.stop().await;
    }
    let _ = std::fs::remove_dir_all(&baseline);
}

/// `--name N` from the command line.
fn option(name: &str) -> Option<u32> {
    let value = text_option(name)?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} wants a number, not {value:?}")),
    )
}

/// `--name value` from the command line.
fn text_option(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
}

/// What Roster's first load fetches: the page, its bootstrap, script, WASM and stylesheet.
fn roster_files(dist: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dist)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            // 404.html is for deep links on hosts without rules, not part of a first load.
            name != "404.html"
                && [".html", ".js", ".wasm", ".css"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
        })
        .collect();
    files.sort();
    files
}

/// The baseline page with Roster's stylesheet, and its `.br`/`.gz` copies made by the same
/// hook as Roster's, in a fresh directory.
fn baseline_dir(root: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("roster-baseline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (from, to) in [
        ("bench/baseline/index.html", "index.html"),
        ("bench/baseline/common.js", "common.js"),
        ("bench/baseline/app.js", "app.js"),
        ("bench/baseline/sessions.html", "sessions.html"),
        ("bench/baseline/sessions.js", "sessions.js"),
        ("style/main.css", "main.css"),
    ] {
        std::fs::copy(root.join(from), dir.join(to)).unwrap();
    }
    let compressed = std::process::Command::new("node")
        .arg(root.join(".ci/precompress.mjs"))
        .arg(&dir)
        .status()
        .expect("node runs (.ci/setup installs it)");
    assert!(compressed.success(), "precompress.mjs failed");
    dir
}

/// Starts the sandboxes serving `dir`, with `users` demo users (and a second with
/// `SESSIONS_PER_USER` sessions per user), without rate limiting (waits on 429 would measure the limiter, not the page), and
/// works out what their tables must show.
async fn site(page: Page, dir: &Path, files: Vec<PathBuf>, users: u32) -> Site {
    let serve = |more: Vec<String>, table: Table| async move {
        let dir = dir.to_str().unwrap();
        let mut args = vec!["--rate", "0", "--dist", dir];
        args.extend(more.iter().map(String::as_str));
        let sandbox = sandbox(users, &args).await;
        let api = JourneyApps::new(&sandbox.base_url(), Credentials::NamedToken(TOKEN.into()));
        let load = api
            .load_users(&Http::default(), &|_| {})
            .await
            .expect("the sandbox lists its users");
        let expected = match table {
            Table::Users => users_expected(&load.users),
            Table::Sessions => sessions_expected(load.users),
        };
        Served { sandbox, expected }
    };
    let sessions = (users * SESSIONS_PER_USER).to_string();
    Site {
        page,
        files,
        users: serve(Vec::new(), Table::Users).await,
        sessions: serve(
            vec!["--journeyapps-sessions".into(), sessions],
            Table::Sessions,
        )
        .await,
    }
}

/// The caption for `shown` of `total` rows of `table`, as the console words it in English.
fn caption(table: Table, shown: usize, total: usize) -> String {
    let noun = table.noun();
    match shown == total {
        true => format!("{} {noun}", roster_bench::grouped(total as u64)),
        false => format!(
            "{} of {} {noun}",
            roster_bench::grouped(shown as u64),
            roster_bench::grouped(total as u64)
        ),
    }
}

/// The users table's keystrokes and sort clicks.
fn users_expected(users: &[User]) -> Expected {
    let now = chrono::Utc::now();
    let data = UsersData::new(users.to_vec());
    let count = |search: &str| {
        let view = UsersView {
            search: search.into(),
            ..Default::default()
        };
        data.positions(&view, now).len()
    };
    let mut view = UsersView::default();
    let sorting = (0..SORTS)
        .map(|_| {
            view = view.sorted_by(UserColumn::LastConnected);
            let first = data.positions(&view, now)[0];
            (view.descending, users[first].id.to_string())
        })
        .collect();
    Expected {
        table: Table::Users,
        total: users.len(),
        typing: typing(Table::Users, users, users.len(), count),
        sorting,
    }
}

/// The sessions table's keystrokes and sort clicks.
fn sessions_expected(users: Vec<User>) -> Expected {
    let now = chrono::Utc::now();
    let data = SessionsData::new(users);
    let total = data.session_count();
    let count = |search: &str| {
        let view = SessionsView {
            search: search.into(),
            ..Default::default()
        };
        data.positions(&view, now).len()
    };
    let mut view = SessionsView::default();
    let sorting = (0..SORTS)
        .map(|_| {
            view = view.sorted_by(SessionColumn::LastConnected);
            let first = data.positions(&view, now)[0];
            let (_, session) = data.row(first).expect("a shown row exists");
            (view.descending, session.id.to_string())
        })
        .collect();
    Expected {
        table: Table::Sessions,
        total,
        typing: typing(Table::Sessions, data.users(), total, count),
        sorting,
    }
}

/// Words to type, taken from display names: each keystroke must change how many rows match
/// (`count` of a search), so each one has a table update to wait for.
fn typing(
    table: Table,
    users: &[User],
    total: usize,
    count: impl Fn(&str) -> usize,
) -> Vec<(&'static str, String)> {
    let mut typing = Vec::new();
    let mut words = 0;
    for user in users {
        let Some(name) = &user.display_name else {
            continue;
        };
        let word: Vec<char> = name.to_lowercase().chars().take(LETTERS).collect();
        if words == WORDS || word.len() < LETTERS || !word.iter().all(char::is_ascii_lowercase) {
            continue;
        }
        let counts: Vec<usize> = (1..=LETTERS)
            .map(|n| count(&word[..n].iter().collect::<String>()))
            .collect();
        let mut steps = vec![total];
        steps.extend(&counts);
        if !steps.windows(2).all(|pair| pair[1] < pair[0]) {
            continue;
        }
        for (letter, &n) in word.iter().zip(&counts) {
            typing.push((letter_key(*letter), caption(table, n, total)));
        }
        for &n in steps.iter().rev().skip(1) {
            typing.push((BACKSPACE, caption(table, n, total)));
        }
        words += 1;
    }
    assert_eq!(
        words, WORDS,
        "too few typeable display names in the demo data"
    );
    typing
}

/// The key for a lower-case ASCII letter, as a static string WebDriver can send.
fn letter_key(letter: char) -> &'static str {
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";
    let at = letter as usize - 'a' as usize;
    &LETTERS[at..at + 1]
}

/// ChromeDriver, and a fresh headless Chromium per measured run.
struct Bench {
    driver: Driver,
    /// Print where the page's time went (CDP CPU profile) while loading and typing in run 1.
    profile: bool,
}

impl Bench {
    /// One cold run of `site`: the users page's load, memory, typing, sorting and scrolling,
    /// then typing and sorting on the sessions page.
    async fn measure(&self, site: &Site, run: usize) -> Run {
        let mut figures = Run::default();
        let profiling = self.profile && run == 0;
        let name = site.page.name();
        let (browser, profile) = self.open(site, &site.users, run).await;
        if profiling {
            self.start_profile(&browser).await;
        }
        self.show(&browser, site, &site.users).await;
        figures.first_row_ms = script(&browser, "return window.__bench.firstRow", json!(null))
            .await
            .as_f64()
            .unwrap();
        // When the page asked for its first users: before it, a page is only getting started.
        figures.first_request_ms = script(
            &browser,
            "return Math.min(...performance.getEntriesByType('resource') \
             .filter(e => e.name.includes('/users?')).map(e => e.startTime))",
            json!(null),
        )
        .await
        .as_f64()
        .expect("the page requested its users");
        figures.loaded_ms = script(
            &browser,
            "return performance.getEntriesByName('users-loaded')[0].startTime",
            json!(null),
        )
        .await
        .as_f64()
        .expect("the page set its users-loaded mark");

        if profiling {
            self.print_profile(&browser, &format!("{name}, cold load"))
                .await;
        }
        self.driver
            .cdp(&browser, "HeapProfiler.collectGarbage", json!({}))
            .await;
        figures.heap_bytes = self
            .driver
            .cdp(&browser, "Runtime.getHeapUsage", json!({}))
            .await["usedSize"]
            .as_f64()
            .unwrap();
        figures.wasm_bytes = self.wasm_memory(&browser).await;

        if profiling {
            self.start_profile(&browser).await;
        }
        (figures.keystroke_ms, figures.sort_ms) =
            self.interact(&browser, &site.users.expected).await;
        if profiling {
            let what = format!("{name}, users: typing and sorting");
            self.print_profile(&browser, &what).await;
        }

        let scrolled = self.scroll_the_table(&browser).await;
        figures.frames = scrolled["frames"].as_f64().unwrap();
        figures.dropped_frames = scrolled["dropped"].as_f64().unwrap();
        figures.long_tasks = scrolled["longTasks"].as_f64().unwrap();
        figures.long_task_ms = scrolled["longTaskMs"].as_f64().unwrap();
        let _ = browser.close().await;
        let _ = std::fs::remove_dir_all(&profile);

        let (browser, profile) = self.open(site, &site.sessions, run).await;
        self.show(&browser, site, &site.sessions).await;
        if profiling {
            self.start_profile(&browser).await;
        }
        (figures.sessions_keystroke_ms, figures.sessions_sort_ms) =
            self.interact(&browser, &site.sessions.expected).await;
        if profiling {
            let what = format!("{name}, sessions: typing and sorting");
            self.print_profile(&browser, &what).await;
        }
        let _ = browser.close().await;
        let _ = std::fs::remove_dir_all(&profile);
        figures
    }

    /// A fresh browser (with its profile directory) whose pages on `served`'s origin get the
    /// probe and a connection to it.
    async fn open(&self, site: &Site, served: &Served, run: usize) -> (Client, PathBuf) {
        let profile = std::env::temp_dir().join(format!(
            "roster-web-bench-{}-{run}-{}-{}",
            std::process::id(),
            site.page as usize,
            served.expected.table.noun(),
        ));
        let browser = self.driver.browser(&profile).await;
        let connection = Connection {
            kind: Kind::JourneyApps,
            base_url: served.sandbox.base_url(),
            credentials: Credentials::NamedToken(TOKEN.into()),
        };
        let probe = include_str!("probe.js")
            .replace("__ORIGIN__", &json!(served.sandbox.url()).to_string())
            .replace(
                "__CONNECTION__",
                &json!(serde_json::to_string(&connection).unwrap()).to_string(),
            );
        self.driver
            .cdp(
                &browser,
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": probe }),
            )
            .await;
        (browser, profile)
    }

    /// Opens the page of `served`'s table and waits until it shows every row.
    async fn show(&self, browser: &Client, site: &Site, served: &Served) {
        let expected = &served.expected;
        let path = expected.table.path(site.page);
        browser
            .goto(&format!("{}{path}", served.sandbox.url()))
            .await
            .unwrap();
        let everyone = caption(expected.table, expected.total, expected.total);
        wait_until(
            browser,
            "return window.__bench.firstRow > 0 \
             && document.querySelector(arguments[0][0] + ' caption')?.textContent.trim() === arguments[0][1]",
            json!([expected.table.css().0, everyone]),
            &format!("the full {} table", expected.table.noun()),
        )
        .await;
    }

    /// Types the expected words and clicks "Last connected" the expected times: the time of
    /// each keystroke and each click to the frame showing its result.
    async fn interact(&self, browser: &Client, expected: &Expected) -> (Vec<f64>, Vec<f64>) {
        let (table, search) = expected.table.css();
        let field = browser.find(Locator::Css(search)).await.unwrap();
        let mut keystrokes = Vec::new();
        for (key, caption) in &expected.typing {
            let want = json!({ "table": table, "caption": caption });
            script(browser, "window.__bench.arm('keydown', arguments[0])", want).await;
            field.send_keys(key).await.unwrap();
            keystrokes.push(result(browser).await);
        }
        let everyone = caption(expected.table, expected.total, expected.total);
        let sort = browser
            .find(Locator::Css(&format!(
                "{table} button.sort[data-sort=last_connected]"
            )))
            .await
            .unwrap();
        let mut sorts = Vec::new();
        for (descending, first_id) in &expected.sorting {
            let want = json!({
                "table": table,
                "caption": everyone,
                "sortKey": "last_connected",
                "ariaSort": if *descending { "descending" } else { "ascending" },
                "first": expected.table.first_id(),
                "firstId": first_id,
            });
            script(browser, "window.__bench.arm('click', arguments[0])", want).await;
            sort.click().await.unwrap();
            sorts.push(result(browser).await);
        }
        (keystrokes, sorts)
    }

    async fn start_profile(&self, browser: &Client) {
        self.driver.cdp(browser, "Profiler.enable", json!({})).await;
        self.driver
            .cdp(
                browser,
                "Profiler.setSamplingInterval",
                json!({ "interval": 100 }),
            )
            .await;
        self.driver.cdp(browser, "Profiler.start", json!({})).await;
    }

    /// Stops the CPU profile and prints the functions that took the most time themselves.
    async fn print_profile(&self, browser: &Client, what: &str) {
        let profile = self.driver.cdp(browser, "Profiler.stop", json!({})).await;
        let nodes = profile["profile"]["nodes"].as_array().unwrap();
        let sample_ms = 0.1;
        let mut by_function: std::collections::HashMap<String, f64> = Default::default();
        for node in nodes {
            let name = node["callFrame"]["functionName"].as_str().unwrap_or("");
            let name = if name.is_empty() { "(anonymous)" } else { name };
            *by_function
                .entry(name.chars().take(120).collect())
                .or_default() += node["hitCount"].as_f64().unwrap_or(0.0) * sample_ms;
        }
        let mut top: Vec<(String, f64)> = by_function.into_iter().collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1));
        println!("\nCPU profile: {what} (self time, top 25)");
        for (name, ms) in top.iter().take(25) {
            println!("  {ms:8.1} ms  {name}");
        }
    }

    /// Bytes of every WebAssembly memory the page holds (none for plain JavaScript).
    async fn wasm_memory(&self, browser: &Client) -> f64 {
        let prototype = self
            .driver
            .cdp(
                browser,
                "Runtime.evaluate",
                json!({ "expression": "WebAssembly.Memory.prototype" }),
            )
            .await;
        let memories = self
            .driver
            .cdp(
                browser,
                "Runtime.queryObjects",
                json!({ "prototypeObjectId": prototype["result"]["objectId"] }),
            )
            .await;
        let total = self
            .driver
            .cdp(
                browser,
                "Runtime.callFunctionOn",
                json!({
                    "objectId": memories["objects"]["objectId"],
                    "functionDeclaration":
                        "function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }",
                    "returnByValue": true,
                }),
            )
            .await;
        total["result"]["value"].as_f64().unwrap()
    }

    /// Scrolls from the top of the page to the bottom of the table and back with a synthesized
    /// wheel gesture, returning the probe's frame and long task counts.
    async fn scroll_the_table(&self, browser: &Client) -> Value {
        let distance = script(
            browser,
            "window.scrollTo(0, 0); \
             return document.scrollingElement.scrollHeight - window.innerHeight",
            json!(null),
        )
        .await
        .as_f64()
        .unwrap();
        assert!(
            distance > 0.0,
            "the table fits the window: nothing to scroll"
        );
        script(browser, "window.__bench.watchFrames()", json!(null)).await;
        for direction in [-1.0, 1.0] {
            self.driver
                .cdp(
                    browser,
                    "Input.synthesizeScrollGesture",
                    json!({
                        "x": 683, "y": 400, "yDistance": direction * distance,
                        "speed": 2000, "gestureSourceType": "mouse",
                    }),
                )
                .await;
            let at = script(browser, "return window.scrollY", json!(null))
                .await
                .as_f64()
                .unwrap();
            let wanted = if direction < 0.0 { distance } else { 0.0 };
            assert!(
                (at - wanted).abs() < 2.0,
                "the gesture scrolled to {at}, not {wanted}"
            );
        }
        script(browser, "return window.__bench.stopFrames()", json!(null)).await
    }
}

/// Runs `code` in the page with `arg` as `arguments[0]`.
async fn script(browser: &Client, code: &str, arg: Value) -> Value {
    browser
        .execute(code, vec![arg])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{code}"))
}

/// Waits until `code` returns true.
async fn wait_until(browser: &Client, code: &str, arg: Value, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while script(browser, code, arg.clone()).await != json!(true) {
        assert!(Instant::now() < deadline, "never saw {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The armed interaction's time in milliseconds, once the probe has it.
async fn result(browser: &Client) -> f64 {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let result = script(browser, "return window.__bench.result", json!(null)).await;
        if let Some(ms) = result.get("ms").and_then(Value::as_f64) {
            return ms;
        }
        if let Some(error) = result.get("error") {
            panic!("the table never showed the expected result: {error}");
        }
        assert!(Instant::now() < deadline, "the interaction never finished");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The `p`-th percentile (nearest rank) of `values`.
fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank - 1]
}

fn median(values: &[f64]) -> f64 {
    percentile(values, 50.0)
}

/// Bytes of `files` as they are, gzipped and brotli-compressed (their `.gz` and `.br` copies).
fn transfer(files: &[PathBuf]) -> [f64; 3] {
    let size = |path: PathBuf| {
        std::fs::metadata(&path)
            .unwrap_or_else(|_| panic!("{} is missing", path.display()))
            .len() as f64
    };
    let with = |ext: &str| -> f64 {
        files
            .iter()
            .map(|f| size(PathBuf::from(format!("{}{ext}", f.display()))))
            .sum()
    };
    [with(""), with(".gz"), with(".br")]
}

/// One figure of a run.
type Figure = fn(&Run) -> f64;

/// How a Roster figure stands against its target.
enum Target {
    None,
    /// At most this many (same unit as the figure).
    AtMost(f64, &'static str),
    /// At most this times the baseline's figure.
    Times(f64),
}

fn print_table(roster: &Site, plain: &Site, results: &[Vec<Run>; 2], runs: usize) {
    let per_run = |page: Page, figure: Figure| -> f64 {
        median(
            &results[page as usize]
                .iter()
                .map(figure)
                .collect::<Vec<_>>(),
        )
    };
    let kb = 1000.0;
    let [roster_raw, roster_gz, roster_br] = transfer(&roster.files);
    let [plain_raw, plain_gz, plain_br] = transfer(&plain.files);
    let rows: Vec<(&str, f64, f64, &str, Target)> = {
        let both = |figure: Figure| {
            (
                per_run(Page::Roster, figure),
                per_run(Page::Baseline, figure),
            )
        };
        let mut rows = vec![
            (
                "1. first load, raw",
                roster_raw / kb,
                plain_raw / kb,
                "KB",
                Target::None,
            ),
            (
                "1. first load, gzip",
                roster_gz / kb,
                plain_gz / kb,
                "KB",
                Target::None,
            ),
            (
                "1. first load, brotli",
                roster_br / kb,
                plain_br / kb,
                "KB",
                Target::AtMost(250.0, "KB"),
            ),
        ];
        // Figures measured per run: the median over the runs is printed.
        let measured: [(&str, Figure, &str, Target); 18] = [
            (
                "2. cold load to first users request",
                |r| r.first_request_ms,
                "ms",
                Target::None,
            ),
            (
                "2. cold load to first row painted",
                |r| r.first_row_ms,
                "ms",
                Target::Times(1.1),
            ),
            (
                "2. cold load to all users loaded",
                |r| r.loaded_ms,
                "ms",
                Target::None,
            ),
            (
                "3. search keystroke to table, p50",
                |r| percentile(&r.keystroke_ms, 50.0),
                "ms",
                Target::Times(1.0),
            ),
            (
                "3. search keystroke to table, p95",
                |r| percentile(&r.keystroke_ms, 95.0),
                "ms",
                Target::Times(1.0),
            ),
            (
                "4. sort by last connected, p50",
                |r| percentile(&r.sort_ms, 50.0),
                "ms",
                Target::Times(1.0),
            ),
            (
                "4. sort by last connected, max",
                |r| percentile(&r.sort_ms, 100.0),
                "ms",
                Target::Times(1.0),
            ),
            ("5. scroll: frames drawn", |r| r.frames, "", Target::None),
            (
                "5. scroll: dropped frames",
                |r| r.dropped_frames,
                "",
                Target::Times(1.0),
            ),
            (
                "5. scroll: long tasks",
                |r| r.long_tasks,
                "",
                Target::Times(1.0),
            ),
            (
                "5. scroll: long task time",
                |r| r.long_task_ms,
                "ms",
                Target::Times(1.0),
            ),
            (
                "6. JS heap after loading",
                |r| r.heap_bytes / MB,
                "MB",
                Target::None,
            ),
            (
                "6. WASM memory after loading",
                |r| r.wasm_bytes / MB,
                "MB",
                Target::None,
            ),
            (
                "6. JS heap + WASM memory",
                |r| (r.heap_bytes + r.wasm_bytes) / MB,
                "MB",
                Target::AtMost(30.0, "MB"),
            ),
            (
                "7. sessions: search keystroke, p50",
                |r| percentile(&r.sessions_keystroke_ms, 50.0),
                "ms",
                Target::Times(1.0),
            ),
            (
                "7. sessions: search keystroke, p95",
                |r| percentile(&r.sessions_keystroke_ms, 95.0),
                "ms",
                Target::Times(1.0),
            ),
            (
                "8. sessions: sort by last connected, p50",
                |r| percentile(&r.sessions_sort_ms, 50.0),
                "ms",
                Target::Times(1.0),
            ),
            (
                "8. sessions: sort by last connected, max",
                |r| percentile(&r.sessions_sort_ms, 100.0),
                "ms",
                Target::Times(1.0),
            ),
        ];
        for (label, figure, unit, target) in measured {
            let (r, p) = both(figure);
            rows.push((label, r, p, unit, target));
        }
        rows
    };
    println!();
    let (users, sessions) = (&roster.users.expected, &roster.sessions.expected);
    println!(
        "{} users, then {} sessions; medians of {runs} cold runs; per table and run {} \
         keystrokes and {} sort clicks",
        users.total,
        sessions.total,
        users.typing.len(),
        users.sorting.len()
    );
    println!();
    println!("| measure | Roster | baseline | Roster ÷ baseline | target | met |");
    println!("|---|---:|---:|---:|---|---|");
    for (label, r, p, unit, target) in rows {
        let ratio = if p > 0.0 {
            format!("{:.2}", r / p)
        } else {
            "–".into()
        };
        let (target, met) = match target {
            Target::None => ("".to_string(), ""),
            Target::AtMost(limit, unit) => (format!("≤ {limit} {unit}"), verdict(r <= limit)),
            // Equal counts (0 and 0 long tasks) meet a "no worse" target.
            Target::Times(times) => (
                format!("≤ {times}× baseline"),
                verdict(r <= p * times || r == p),
            ),
        };
        println!(
            "| {label} | {} | {} | {ratio} | {target} | {met} |",
            amount(r, unit),
            amount(p, unit)
        );
    }
    println!();
    println!(
        "Transfer counts {} for Roster and {} for the baseline.",
        names(&roster.files),
        names(&plain.files)
    );
}

/// The backends a build can leave out (cargo features of the app), each with its name.
const OPTIONAL_BACKENDS: [(&str, &str); 3] = [
    ("portos", "PORTOS"),
    ("authsessions", "Authenticated sessions"),
    ("usergrid", "Apache Usergrid"),
];
/// The most WASM (brotli) one backend may add.
const BACKEND_BUDGET_KB: f64 = 15.0;

/// What each optional backend adds to the first load: the full build's WASM against one built
/// without that backend (`builds/without-<feature>/`, made by `.ci/bench`), and against one
/// with JourneyApps alone (`builds/journeyapps-only/`).
fn print_backend_sizes(full: &Path, builds: &Path) {
    let wasm_br = |dist: &Path| -> f64 {
        let wasm: Vec<PathBuf> = roster_files(dist)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "wasm"))
            .collect();
        transfer(&wasm)[2] / 1000.0
    };
    let all = wasm_br(full);
    println!();
    println!("WASM (brotli) each backend adds to the first load");
    println!();
    println!("| build | WASM, brotli | the backend adds | target | met |");
    println!("|---|---:|---:|---|---|");
    println!("| every backend | {all:.1} KB | | | |");
    for (feature, name) in OPTIONAL_BACKENDS {
        let without = wasm_br(&builds.join(format!("without-{feature}")));
        let adds = all - without;
        println!(
            "| without {name} | {without:.1} KB | {adds:.1} KB | ≤ {BACKEND_BUDGET_KB} KB | {} |",
            verdict(adds <= BACKEND_BUDGET_KB)
        );
    }
    let alone = wasm_br(&builds.join("journeyapps-only"));
    println!(
        "| JourneyApps alone | {alone:.1} KB | the three others: {:.1} KB | | |",
        all - alone
    );
}

fn verdict(met: bool) -> &'static str {
    if met {
        "yes"
    } else {
        "NO"
    }
}

fn amount(value: f64, unit: &str) -> String {
    match unit {
        "" => format!("{value:.0}"),
        "KB" | "MB" => format!("{value:.1} {unit}"),
        _ => format!("{value:.1} {unit}"),
    }
}

fn names(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};
    use roster_core::model::Session;

    fn user(n: usize, name: &str, days_ago: Option<i64>) -> User {
        User {
            id: format!("u-{n}").into(),
            display_name: Some(name.into()),
            last_connected_at: days_ago.map(|d| Utc::now() - Duration::days(d)),
            ..User::default()
        }
    }

    /// Per word, users named by its first 1, 2, 3 and 4 letters: 4, 3, 2, 1 matches. User
    /// `u-n` last connected n + 1 days ago.
    fn people() -> Vec<User> {
        let words = ["abcd", "efgh", "ijkl", "mnop", "qrst"];
        words
            .iter()
            .flat_map(|w| (1..=4).map(move |n| &w[..n]))
            .enumerate()
            .map(|(n, name)| user(n, name, Some(n as i64 + 1)))
            .collect()
    }

    #[test]
    fn every_keystroke_changes_the_count_and_erasing_returns_to_all() {
        let users = people();
        let expected = users_expected(&users);
        assert_eq!(expected.typing.len(), WORDS * 2 * LETTERS);
        let first_word: Vec<(&str, &str)> = expected.typing[..8]
            .iter()
            .map(|(key, caption)| (*key, caption.as_str()))
            .collect();
        assert_eq!(
            first_word,
            [
                ("a", "4 of 20 users"),
                ("b", "3 of 20 users"),
                ("c", "2 of 20 users"),
                ("d", "1 of 20 users"),
                (BACKSPACE, "2 of 20 users"),
                (BACKSPACE, "3 of 20 users"),
                (BACKSPACE, "4 of 20 users"),
                (BACKSPACE, "20 users"),
            ]
        );
        assert_eq!(expected.typing[8].0, "e");
    }

    #[test]
    fn sort_clicks_alternate_oldest_and_newest_first() {
        let mut users = people();
        // Never connected sorts as the oldest.
        users[9].last_connected_at = None;
        let expected = users_expected(&users);
        let clicks: Vec<(bool, &str)> = expected.sorting[..3]
            .iter()
            .map(|(descending, id)| (*descending, id.as_str()))
            .collect();
        assert_eq!(
            clicks,
            [(false, "u-9"), (true, "u-0"), (false, "u-9")],
            "ascending starts with the never connected, descending with the newest"
        );
    }

    #[test]
    fn the_sessions_table_counts_sessions_and_names_its_first_row_by_session_id() {
        let mut users = people();
        for (n, user) in users.iter_mut().enumerate() {
            // Two sessions per user; session `s-n-1` connected most recently of all.
            user.sessions = (0..2)
                .map(|k| Session {
                    id: format!("s-{n}-{k}").into(),
                    last_connected_at: Some(Utc::now() - Duration::hours((40 - n as i64) * 2 - k)),
                    ..Session::default()
                })
                .collect();
        }
        let expected = sessions_expected(users);
        assert_eq!(expected.total, 40);
        assert_eq!(expected.typing[0], ("a", "8 of 40 sessions".to_string()));
        let first: Vec<(bool, &str)> = expected.sorting[..2]
            .iter()
            .map(|(descending, id)| (*descending, id.as_str()))
            .collect();
        assert_eq!(first, [(false, "s-0-0"), (true, "s-19-1")]);
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 10.0);
        assert_eq!(percentile(&values, 95.0), 19.0);
        assert_eq!(percentile(&values, 100.0), 20.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn captions_say_how_many_of_how_many() {
        assert_eq!(caption(Table::Users, 10_000, 10_000), "10,000 users");
        assert_eq!(caption(Table::Users, 12, 10_000), "12 of 10,000 users");
        assert_eq!(caption(Table::Sessions, 3, 30_000), "3 of 30,000 sessions");
        assert_eq!(letter_key('q'), "q");
    }
}

//! Roster's browser harness, written once for the end-to-end journeys (`tests/journeys/`) and
//! the web benchmark (`roster-bench`): a ChromeDriver, headless Chromium sessions with their
//! own empty profiles, the DevTools Protocol, the browser's console, and a [`Harness`] that
//! puts the sandbox (in this process, on a free loopback port, serving the built `dist/`) and
//! one browser together with the waits a journey needs. A journey fails on any error the
//! browser's console shows (a panic above all) unless it declared that error beforehand.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use roster_sandbox::{start, Config, RunningSandbox};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// Credentials of the test sandbox.
pub const TOKEN: &str = "e2e-token";
pub const PASSWORD: &str = "e2e-password";
pub const DEPLOYMENT: &str = "64f1a2b3c4d5e6f708192a3b";

/// Rows per page of the app's tables.
pub const PAGE_ROWS: usize = 100;

/// How long a journey waits for something to appear before failing.
const PATIENCE: Duration = Duration::from_secs(20);

/// Tries `attempt` every 100 ms until it succeeds, failing the test with its last complaint
/// once [`PATIENCE`] has passed: the one way the harness waits for the page.
async fn until<T, Fut>(mut attempt: impl FnMut() -> Fut) -> T
where
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        match attempt().await {
            Ok(done) => return done,
            Err(why) => assert!(Instant::now() < deadline, "{why}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How long a browser may take to start on a busy machine.
const BROWSER_START: Duration = Duration::from_secs(60);

/// Installed in every page before its own scripts: records each Content Security Policy
/// violation in localStorage, so that one surviving navigations can be read at the end, and
/// keeps the timing of every request (not only the first 250) for [`Harness::requested`].
const PAGE_SETUP: &str = "performance.setResourceTimingBufferSize(100000);
document.addEventListener('securitypolicyviolation', (e) => {
  try {
    const seen = JSON.parse(localStorage.getItem('roster-e2e-csp') || '[]');
    seen.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' on ' + location.pathname);
    localStorage.setItem('roster-e2e-csp', JSON.stringify(seen));
  } catch (_) {}
});";

/// The repository's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// ChromeDriver, from which headless Chromium sessions are started.
pub struct Driver {
    process: Child,
    port: u16,
    http: reqwest::Client,
}

impl Driver {
    /// Starts `$CHROMEDRIVER` (or `chromedriver` on PATH) on a free port.
    pub async fn start() -> Driver {
        let port = free_port();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let process = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {chromedriver} ({e}); .ci/setup --tests installs it")
            });
        Driver {
            process,
            port,
            http: reqwest::Client::new(),
        }
    }

    /// A new headless Chromium with its own empty profile under `profile`, saving downloads to
    /// [`downloads_in`]`(profile)`, at desktop size.
    pub async fn browser(&self, profile: &Path) -> Client {
        std::fs::create_dir_all(downloads_in(profile)).expect("a profile directory");
        let deadline = Instant::now() + BROWSER_START;
        for attempt in 1.. {
            // A fresh user data dir per attempt: a Chromium that exited at start may leave its
            // directory locked, and the next try must not trip over it.
            let data_dir = profile.join(format!("chromium-{attempt}"));
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities(profile, &data_dir))
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(client) => return client,
                // ChromeDriver takes a moment to listen; Chromium may fail to start when busy.
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(err) => panic!("cannot start a browser session through chromedriver: {err}"),
            }
        }
        unreachable!("the attempts only end by returning or panicking")
    }

    /// Sends a Chrome DevTools Protocol command to `browser`.
    pub async fn cdp(&self, browser: &Client, command: &str, params: Value) -> Value {
        let session = browser
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let url = format!(
            "http://127.0.0.1:{}/session/{session}/goog/cdp/execute",
            self.port
        );
        let answer: Value = self
            .http
            .post(url)
            .json(&json!({ "cmd": command, "params": params }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        match answer.get("value") {
            Some(value) if value.get("error").is_none() => value.clone(),
            _ => panic!("{command} failed: {answer}"),
        }
    }

    /// What `browser`'s console has shown since the last call (ChromeDriver hands each entry
    /// over once): errors and warnings the page logged, uncaught exceptions, failed requests.
    pub async fn console(&self, browser: &Client) -> Vec<ConsoleEntry> {
        let Ok(Some(session)) = browser.session_id().await else {
            return Vec::new();
        };
        let url = format!("http://127.0.0.1:{}/session/{session}/se/log", self.port);
        let answer: Value = match self
            .http
            .post(url)
            .json(&json!({ "type": "browser" }))
            .send()
            .await
        {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(err) => panic!("the browser's console could not be read: {err}"),
        };
        let entries = answer.get("value").and_then(Value::as_array);
        let entries = entries.unwrap_or_else(|| panic!("the browser's console: {answer}"));
        entries
            .iter()
            .map(|e| ConsoleEntry {
                level: e["level"].as_str().unwrap_or_default().to_string(),
                message: e["message"].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    }

    /// Stops ChromeDriver (and with it any browser left).
    pub async fn stop(mut self) {
        let _ = self.process.kill().await;
    }
}

/// One entry of the browser's console.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleEntry {
    /// `SEVERE` (an error), `WARNING`, `INFO` or `DEBUG`.
    pub level: String,
    pub message: String,
}

impl ConsoleEntry {
    /// Whether a journey fails on it: an error, or a panic's words at any level.
    pub fn is_failure(&self) -> bool {
        self.level == "SEVERE" || PANIC_WORDS.iter().any(|w| self.message.contains(w))
    }
}

/// What a Rust panic in the console's WASM leaves in the console (the panic hook's message,
/// then the trap), whatever the level it was logged at.
const PANIC_WORDS: &[&str] = &["panicked at", "RuntimeError: unreachable"];

/// Where the browser of `profile` saves downloads (CSV exports).
pub fn downloads_in(profile: &Path) -> PathBuf {
    profile.join("downloads")
}

/// What ChromeDriver is asked for: headless Chromium with its own user data dir `data_dir`,
/// none of its background traffic (this machine's network is closed), downloads saved under
/// `profile`.
fn capabilities(profile: &Path, data_dir: &Path) -> serde_json::Map<String, Value> {
    let chromium = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--window-size=1366,768",
                format!("--user-data-dir={}", data_dir.display()),
            ],
            "prefs": {
                "download.default_directory": downloads_in(profile).display().to_string(),
                "download.prompt_for_download": false,
            }
        }),
    );
    // The console's entries, every level: the harness decides what fails a journey.
    capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    capabilities
}

/// Screen sizes the screenshots are taken at.
#[derive(Clone, Copy, Debug)]
pub enum Screen {
    /// 1366×768.
    Desktop,
    /// 768×1024, portrait 10-inch tablet.
    Tablet,
}

impl Screen {
    fn size(self) -> (u32, u32) {
        match self {
            Screen::Desktop => (1366, 768),
            Screen::Tablet => (768, 1024),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Screen::Desktop => "desktop",
            Screen::Tablet => "tablet",
        }
    }
}

/// One journey's world: the sandbox, a driver and one browser.
pub struct Harness {
    pub sandbox: RunningSandbox,
    pub browser: Client,
    pub driver: Driver,
    profile: PathBuf,
    /// The console's failures read so far, and the parts of messages this journey expects.
    console: Mutex<(Vec<ConsoleEntry>, Vec<String>)>,
}

impl Harness {
    /// Starts everything with `demo_users` users in a fresh in-memory sandbox.
    pub async fn start(demo_users: u32) -> Harness {
        Harness::start_with(demo_users, &[]).await
    }

    /// Starts everything with `demo_users` users and `more` sandbox arguments.
    pub async fn start_with(demo_users: u32, more: &[&str]) -> Harness {
        let dist = repo_root().join("dist");
        assert!(
            dist.join("index.html").exists(),
            "dist/ is missing: build the app first (trunk build --release), as .ci/test does"
        );
        let demo_users = demo_users.to_string();
        let dist = dist.display().to_string();
        let mut args = vec![
            "--addr",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--demo-users",
            &demo_users,
            "--deployment-id",
            DEPLOYMENT,
            "--api-token",
            TOKEN,
            "--api-password",
            PASSWORD,
            "--dist",
            &dist,
        ];
        args.extend_from_slice(more);
        let config = Config::from_args(args).expect("valid sandbox arguments");
        let sandbox = start(config).await.expect("sandbox starts");
        let driver = Driver::start().await;
        // Unique per process and port, so no leftover of an earlier run is ever reused.
        let profile = std::env::temp_dir().join(format!(
            "roster-e2e-{}-{}",
            std::process::id(),
            sandbox.addr.port()
        ));
        let browser = driver.browser(&profile).await;
        driver
            .cdp(
                &browser,
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": PAGE_SETUP }),
            )
            .await;
        Harness {
            sandbox,
            browser,
            driver,
            profile,
            console: Mutex::default(),
        }
    }

    /// Declares that this journey makes the browser's console show an error containing `part`
    /// (the 401 of a deliberately wrong token, the 500 of an injected fault): such an entry
    /// does not fail it. Anything else at level error, and any panic, still does.
    pub fn expect_console_error(&self, part: &str) {
        self.console.lock().unwrap().1.push(part.to_string());
    }

    /// The console's entries so far that fail the journey: errors it did not declare, and any
    /// panic (a panic is never expected).
    pub async fn console_failures(&self) -> Vec<String> {
        let fresh = self.driver.console(&self.browser).await;
        let mut console = self.console.lock().unwrap();
        console
            .0
            .extend(fresh.into_iter().filter(ConsoleEntry::is_failure));
        let expected = &console.1;
        console
            .0
            .iter()
            .filter(|e| {
                let panic = PANIC_WORDS.iter().any(|w| e.message.contains(w));
                panic || !expected.iter().any(|part| e.message.contains(part))
            })
            .map(|e| format!("{}: {}", e.level, e.message))
            .collect()
    }

    /// Fails the journey now if the browser's console showed anything it did not declare.
    pub async fn assert_console_clean(&self) {
        let failures = self.console_failures().await;
        assert!(
            failures.is_empty(),
            "the browser's console showed {} error(s):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// Waits until a policy violation has been recorded, returning every one so far.
    pub async fn wait_for_violation(&self) -> Vec<String> {
        until(move || async move {
            let seen = self.csp_violations().await;
            match seen.is_empty() {
                false => Ok(seen),
                true => Err("no violation was recorded".to_string()),
            }
        })
        .await
    }

    /// Every Content Security Policy violation the pages of this origin have seen.
    pub async fn csp_violations(&self) -> Vec<String> {
        let seen = self
            .script("return localStorage.getItem('roster-e2e-csp') || '[]';")
            .await;
        serde_json::from_str(seen.as_str().unwrap_or("[]")).unwrap_or_default()
    }

    /// The app's address.
    pub fn app_url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    /// How many users the sandbox holds, read from its database.
    pub fn sandbox_user_count(&self) -> u64 {
        self.sandbox.state.journeyapps().user_count().unwrap()
    }

    /// Every user as the sandbox holds it now, in its order.
    pub fn sandbox_users(&self) -> Vec<roster_sandbox::journeyapps::db::User> {
        let store = self.sandbox.state.journeyapps();
        store.list_users(0, 1000).unwrap().objects
    }

    /// Opens the page of the unlocked user with the most sessions (every session action on
    /// show) and waits for their sessions; returns the user.
    pub async fn open_busiest_user(&self) -> roster_sandbox::journeyapps::db::User {
        let busiest = self
            .sandbox_users()
            .into_iter()
            .filter(|u| !u.locked)
            .max_by_key(|u| u.sessions.len())
            .expect("the sandbox has an unlocked user");
        let page = self.app_url(&format!("/users/{}", busiest.id));
        self.browser.goto(&page).await.unwrap();
        self.wait_for_text("table.sessions caption", "session")
            .await;
        busiest
    }

    /// Opens the app, waits for the preset base URL, connects with the demo token and waits for
    /// the users table.
    pub async fn connect_with_token(&self) {
        self.browser.goto(&self.app_url("/")).await.unwrap();
        self.wait_for_value("#base-url", &self.sandbox.base_url())
            .await;
        self.fill("#token", TOKEN).await;
        self.find("button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        self.find("table.users tbody tr").await;
    }

    /// Opens the app, picks the sandbox's PORTOS preset, signs in as the admin (device name as
    /// prefilled) and waits for the sessions table.
    pub async fn connect_to_portos(&self) {
        self.browser.goto(&self.app_url("/")).await.unwrap();
        self.wait_for_value("#base-url", &self.sandbox.base_url())
            .await;
        self.find("#preset")
            .await
            .select_by_value("1")
            .await
            .unwrap();
        self.wait_for_value("#base-url", &self.sandbox.portos_url())
            .await;
        self.wait_for_value("#device-name", "Roster console").await;
        self.fill("#login-user", "admin").await;
        self.fill("#login-password", PASSWORD).await;
        self.click("button[type=submit]").await;
        self.find("table.all-sessions tbody tr").await;
    }

    /// Opens the app, picks the sandbox's authenticated-sessions preset, connects with the
    /// demo token and waits for the users table.
    pub async fn connect_to_authsessions(&self) {
        self.browser.goto(&self.app_url("/")).await.unwrap();
        self.wait_for_value("#base-url", &self.sandbox.base_url())
            .await;
        self.find("#preset")
            .await
            .select_by_value("2")
            .await
            .unwrap();
        self.wait_for_value("#base-url", &self.sandbox.authsessions_url())
            .await;
        self.fill("#bearer-token", TOKEN).await;
        self.click("button[type=submit]").await;
        self.find("table.users tbody tr").await;
    }

    /// Opens the app, picks the sandbox's Usergrid preset, signs in with `grant` ("password":
    /// the administrator; "client": the client credentials) and waits for the users table.
    pub async fn connect_to_usergrid(&self, grant: &str) {
        self.browser.goto(&self.app_url("/")).await.unwrap();
        self.wait_for_value("#base-url", &self.sandbox.base_url())
            .await;
        self.find("#preset")
            .await
            .select_by_value("3")
            .await
            .unwrap();
        self.wait_for_value("#base-url", &self.sandbox.usergrid_url())
            .await;
        if grant == "client" {
            self.click("#auth-client").await;
            self.fill("#client-id", "roster-console").await;
            self.fill("#client-secret", TOKEN).await;
        } else {
            self.fill("#ug-user", "admin").await;
            self.fill("#ug-password", PASSWORD).await;
        }
        self.click("button[type=submit]").await;
        self.find("table.users tbody tr").await;
    }

    /// The addresses of every request the page has made whose URL contains `part`, oldest
    /// first, as the browser's resource timing recorded them.
    pub async fn requested(&self, part: &str) -> Vec<String> {
        let urls = self
            .script(
                "return performance.getEntriesByType('resource').map(e => e.name)\
                 .filter(n => n.includes(arguments[0]));"
                    .replace("arguments[0]", &serde_json::to_string(part).unwrap())
                    .as_str(),
            )
            .await;
        serde_json::from_value(urls).unwrap_or_default()
    }

    /// The display name the sandbox's data model gives a user.
    pub fn display_name(&self, user_id: &str) -> Option<String> {
        let store = self.sandbox.state.journeyapps();
        let names = store.list_user_objects(0, 1000).unwrap().objects;
        names
            .into_iter()
            .find(|o| o.id == user_id)
            .and_then(|o| o.display)
    }

    /// The texts of the cells matching `cell_css` on every page of a paged table, clicking
    /// "Next" until it is disabled.
    pub async fn cells_on_every_page(&self, cell_css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        loop {
            let first = self.find(cell_css).await.text().await.unwrap();
            for cell in self.browser.find_all(Locator::Css(cell_css)).await.unwrap() {
                texts.push(cell.text().await.unwrap());
            }
            let Ok(next) = self.browser.find(Locator::Css(".pager .next-page")).await else {
                return texts;
            };
            if next.prop("disabled").await.unwrap().as_deref() == Some("true") {
                return texts;
            }
            next.click().await.unwrap();
            // The page has turned once the first cell changed.
            let first = &first;
            until(move || async move {
                match self.find(cell_css).await.text().await.unwrap() == *first {
                    true => Err("the next page never showed".to_string()),
                    false => Ok(()),
                }
            })
            .await;
        }
    }

    /// Waits until the browser has saved a download named `name`, returning its text.
    pub async fn downloaded(&self, name: &str) -> String {
        let dir = downloads_in(&self.profile);
        let path = dir.join(name);
        let deadline = Instant::now() + PATIENCE;
        let mut last_size = None;
        loop {
            // Chromium writes to a .crdownload file and renames it when done; the final file
            // can also appear empty first. Done: no partial file, and the same size twice.
            let partial = std::fs::read_dir(&dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
                })
                .unwrap_or(false);
            let size = std::fs::metadata(&path).map(|m| m.len()).ok();
            if !partial && size.is_some_and(|n| n > 0) && size == last_size {
                return std::fs::read_to_string(&path).unwrap();
            }
            last_size = size;
            assert!(Instant::now() < deadline, "{name} was never downloaded");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for an element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Clicks the element matching `css`, once it is there.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Whether an element matching `css` is on the page now.
    pub async fn exists(&self, css: &str) -> bool {
        !self
            .browser
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
            .is_empty()
    }

    /// Replaces the text of the input matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// The current value of the field `css`.
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn script(&self, script: &str) -> Value {
        self.browser.execute(script, vec![]).await.unwrap()
    }

    /// Waits until `script` returns `expected` (`what` says what for, if it never does).
    pub async fn wait_for_script(&self, script: &str, expected: Value, what: &str) {
        let expected = &expected;
        until(move || async move {
            let got = self.script(script).await;
            match got == *expected {
                true => Ok(()),
                false => Err(format!(
                    "timed out waiting for {what}: {got}, never {expected}"
                )),
            }
        })
        .await
    }

    /// Waits until `check` of the elements matching `css` holds, returning them.
    pub async fn wait_for_all(
        &self,
        css: &str,
        what: &str,
        check: impl Fn(&[Element]) -> bool,
    ) -> Vec<Element> {
        let check = &check;
        until(move || async move {
            let found = self
                .browser
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default();
            match check(&found) {
                true => Ok(found),
                false => Err(format!(
                    "timed out waiting for {what} ({css}: {} found)",
                    found.len()
                )),
            }
        })
        .await
    }

    /// Waits until the element matching `css` has text containing `expected`, returning the text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        until(move || async move {
            let Ok(element) = self.browser.find(Locator::Css(css)).await else {
                return Err(format!("no {css} appeared while waiting for {expected:?}"));
            };
            let text = element.text().await.unwrap_or_default();
            match text.contains(expected) {
                true => Ok(text),
                false => Err(format!("{css} says {text:?}, never {expected:?}")),
            }
        })
        .await
    }

    /// Waits until the input matching `css` holds exactly `expected`.
    pub async fn wait_for_value(&self, css: &str, expected: &str) {
        until(move || async move {
            let value = self
                .find(css)
                .await
                .prop("value")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            match value == expected {
                true => Ok(()),
                false => Err(format!("{css} holds {value:?}, never {expected:?}")),
            }
        })
        .await
    }

    /// Waits until the browser's path is `expected`.
    pub async fn wait_for_path(&self, expected: &str) {
        until(move || async move {
            let path = self.browser.current_url().await.unwrap().path().to_string();
            match path == expected {
                true => Ok(()),
                false => Err(format!("the page is {path}, never {expected}")),
            }
        })
        .await
    }

    /// Presses `key` (a character, or a `fantoccini::key::Key` as char) wherever the focus is,
    /// as a person would: down and up, with no element targeted.
    pub async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.browser.perform_actions(keys).await.unwrap();
    }

    /// The serious and critical accessibility violations axe-core finds on the page as it is
    /// now (dialogs included), each as "rule: what is wrong (where)".
    pub async fn accessibility_violations(&self) -> Vec<String> {
        static AXE: OnceLock<String> = OnceLock::new();
        let axe = AXE.get_or_init(|| {
            let path = repo_root().join("e2e/node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (bash .ci/setup --tests installs it)",
                    path.display()
                )
            })
        });
        if self.script("return typeof window.axe;").await != json!("object") {
            self.browser.execute(axe, vec![]).await.unwrap();
        }
        let found = self
            .browser
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 axe.run(document, { resultTypes: ['violations'] }).then(r => done( \
                   r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical') \
                     .map(v => `${v.id}: ${v.help} (${v.nodes.slice(0, 3) \
                       .map(n => n.target.join(' ')).join('; ')})`)), \
                   e => done([`axe failed: ${e}`]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Makes the browser prefer language `tag` ("sk"), as a browser set up in that language
    /// would: its `navigator.languages` and its default locale. Pages opened after it see it.
    pub async fn prefer_language(&self, tag: &str) {
        let agent = self.script("return navigator.userAgent;").await;
        self.driver
            .cdp(
                &self.browser,
                "Network.setUserAgentOverride",
                json!({ "userAgent": agent, "acceptLanguage": tag }),
            )
            .await;
        self.driver
            .cdp(
                &self.browser,
                "Emulation.setLocaleOverride",
                json!({ "locale": tag }),
            )
            .await;
    }

    /// Presses Ctrl with `key`, as one chord.
    pub async fn press_with_ctrl(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let ctrl: char = Key::Control.into();
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: ctrl })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: ctrl });
        self.browser.perform_actions(keys).await.unwrap();
    }

    /// Sizes the window as `screen`.
    pub async fn set_screen(&self, screen: Screen) {
        let (width, height) = screen.size();
        self.browser.set_window_size(width, height).await.unwrap();
    }

    /// Makes the page see a touch screen (a coarse pointer, as on a tablet), or a mouse again.
    pub async fn emulate_touch(&self, on: bool) {
        self.driver
            .cdp(
                &self.browser,
                "Emulation.setTouchEmulationEnabled",
                json!({ "enabled": on, "maxTouchPoints": if on { 5 } else { 1 } }),
            )
            .await;
    }

    /// Saves a screenshot of the current page at `screen` size into `tests/output/`.
    pub async fn screenshot(&self, page: &str, screen: Screen) -> PathBuf {
        self.set_screen(screen).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let png = self.browser.screenshot().await.unwrap();
        let dir = repo_root().join("tests").join("output");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{page}-{}.png", screen.name()));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Checks that no page broke the security policy and that the browser's console showed no
    /// error the journey did not declare (a moment after the last step, for late ones), then
    /// closes the browser, the driver and the sandbox.
    pub async fn finish(self) {
        let url = self.browser.current_url().await.ok();
        if url.is_some_and(|u| u.scheme() == "http") {
            let violations = self.csp_violations().await;
            assert!(violations.is_empty(), "CSP violations: {violations:?}");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.assert_console_clean().await;
        self.close().await;
    }

    /// Closes the browser, the driver and the sandbox, checking nothing: for a journey that
    /// tests the checks themselves.
    pub async fn close(self) {
        let _ = self.browser.clone().close().await;
        self.driver.stop().await;
        let _ = std::fs::remove_dir_all(&self.profile);
        self.sandbox.stop().await;
    }
}

/// The kinds of static host the console must work on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Host {
    /// The recipe as shipped: every path that is not a file gets `index.html` (nginx
    /// `try_files`, Netlify's `/* /index.html 200`, Cloudflare Pages, CloudFront's function).
    Rewrites,
    /// No rules at all (GitHub Pages, plain S3): a path that is not a file gets `404.html`,
    /// and no security headers are sent.
    NoRules,
}

/// A web server of the hosting recipes (nginx or Caddy), run for one journey with its recipe
/// from `hosting/`, serving a copy of dist/ at a mount point ("" for the site root).
pub struct WebServer {
    process: Child,
    pub port: u16,
    dir: PathBuf,
}

impl WebServer {
    /// A folder holding dist/'s files (linked) at `mount` with `config_json` beside them, as a
    /// deployment would put them.
    fn site(dir: &Path, mount: &str, config_json: &str) -> PathBuf {
        let site = dir.join("www");
        let console = site.join(mount.trim_start_matches('/'));
        std::fs::create_dir_all(&console).unwrap();
        for entry in std::fs::read_dir(repo_root().join("dist"))
            .unwrap()
            .flatten()
            // The deployment's own config.json replaces dist's empty one (never written
            // through a link into dist/).
            .filter(|e| !e.file_name().to_string_lossy().starts_with("config.json"))
        {
            std::os::unix::fs::symlink(entry.path(), console.join(entry.file_name())).unwrap();
        }
        std::fs::write(console.join("config.json"), config_json).unwrap();
        site
    }

    /// The recipe `hosting/{name}` with its placeholders made real: the port, the folder, the
    /// mount point (the recipes' `/roster`) and the backend's address.
    fn recipe(name: &str, port: u16, site: &Path, mount: &str, backend: &str) -> String {
        std::fs::read_to_string(repo_root().join("hosting").join(name))
            .unwrap()
            .replace("/roster", mount)
            .replace("8080", &port.to_string())
            .replace("/srv/www", &site.display().to_string())
            .replace("127.0.0.1:8081", backend)
    }

    /// nginx serving the console at `mount` as a `host` of that kind (the shipped recipe for
    /// [`Host::Rewrites`]), with the API proxied to `backend` under `{mount}/api/`.
    pub async fn nginx(config_json: &str, backend: &str, mount: &str, host: Host) -> WebServer {
        let port = free_port();
        let dir = temp_dir("nginx", port);
        let site = WebServer::site(&dir, mount, config_json);
        let server = match host {
            Host::Rewrites => WebServer::recipe("nginx.conf", port, &site, mount, backend)
                .replace("listen ", "listen 127.0.0.1:"),
            Host::NoRules => format!(
                "server {{ listen 127.0.0.1:{port}; root {};\n\
                 location {mount}/ {{ error_page 404 {mount}/404.html; }}\n\
                 location {mount}/api/ {{ proxy_pass http://{backend}/api/; }} }}",
                site.display()
            ),
        };
        let temp = dir.display();
        let conf = format!(
            "daemon off; pid {temp}/nginx.pid; error_log {temp}/error.log;\n\
             events {{}}\n\
             http {{ include /etc/nginx/mime.types; access_log off;\n\
             client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;\n\
             fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;\n\
             {server}\n}}\n"
        );
        let path = dir.join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let process = Command::new("nginx")
            .arg("-c")
            .arg(&path)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("nginx runs (.ci/setup --tests installs it)");
        WebServer::ready(process, port, dir).await
    }

    /// Caddy with `hosting/Caddyfile`, the console under `/roster/`.
    pub async fn caddy(config_json: &str, backend: &str) -> WebServer {
        let port = free_port();
        let dir = temp_dir("caddy", port);
        let site = WebServer::site(&dir, "/roster", config_json);
        let caddyfile = format!(
            "{{\n\tadmin off\n\tauto_https off\n\tstorage file_system {}\n}}\n{}",
            dir.join("data").display(),
            WebServer::recipe("Caddyfile", port, &site, "/roster", backend)
        );
        let path = dir.join("Caddyfile");
        std::fs::write(&path, caddyfile).unwrap();
        let process = Command::new("caddy")
            .args(["run", "--adapter", "caddyfile", "--config"])
            .arg(&path)
            .env("HOME", &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("caddy runs (.ci/setup --tests installs it)");
        WebServer::ready(process, port, dir).await
    }

    /// Waits until the server answers on `port`.
    async fn ready(process: Child, port: u16, dir: PathBuf) -> WebServer {
        until(|| async {
            std::net::TcpStream::connect(("127.0.0.1", port))
                .map_err(|_| format!("the web server never listened on {port}"))
        })
        .await;
        WebServer { process, port, dir }
    }

    /// `http://127.0.0.1:port{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Stops the server (asking first, so that nginx stops its workers too) and removes its
    /// files.
    pub async fn stop(mut self) {
        if let Some(pid) = self.process.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
            let stopped = tokio::time::timeout(PATIENCE, self.process.wait()).await;
            if stopped.is_err() {
                let _ = self.process.kill().await;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh folder for one server of this process.
fn temp_dir(what: &str, port: u16) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("roster-{what}-{}-{port}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

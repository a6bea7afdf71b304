//! The browser's console is part of every journey: the harness reads it, and a journey fails on
//! any error or panic it did not declare. Here the check itself is tested: a clean start stays
//! clean, and what a page logs (an error, a panic's words at any level, an uncaught exception)
//! is reported with its message, while a declared error is not. The release build keeps panic
//! messages readable, so a panic a journey meets says where it came from.

use futures::FutureExt;
use roster_e2e::{repo_root, Harness};
use std::panic::AssertUnwindSafe;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_check_reports_what_a_page_logs_and_only_what_was_not_declared() {
    let h = Harness::start(5).await;
    h.browser.goto(&h.app_url("/")).await.unwrap();
    h.find("#base-url").await;
    // The connect screen starts without an error (it panicked on every start before).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    h.assert_console_clean().await;

    h.expect_console_error("roster-e2e: a declared error");
    h.script(
        "console.error('roster-e2e: an error the page logged');
         console.log('panicked at src/made/up.rs:1:1: roster-e2e: a panic logged as info');
         console.error('roster-e2e: a declared error');
         setTimeout(() => { throw new Error('roster-e2e: an uncaught exception'); }, 0);
         return 0;",
    )
    .await;
    let expected = [
        "an error the page logged",
        "panicked at src/made/up.rs:1:1",
        "an uncaught exception",
    ];
    let mut failures = Vec::new();
    for _ in 0..50 {
        failures = h.console_failures().await;
        if expected
            .iter()
            .all(|e| failures.iter().any(|f| f.contains(e)))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for e in expected {
        assert!(
            failures.iter().any(|f| f.contains(e)),
            "{e} in {failures:?}"
        );
    }
    assert!(
        !failures.iter().any(|f| f.contains("a declared error")),
        "{failures:?}"
    );

    // The journey's check fails, and says what the console showed.
    let check = AssertUnwindSafe(h.assert_console_clean())
        .catch_unwind()
        .await;
    let said = check.expect_err("the check must fail");
    let said = said.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(said.contains("an error the page logged"), "{said}");
    assert!(said.contains("a panic logged as info"), "{said}");
    h.close().await;
}

#[test]
fn the_release_build_keeps_panic_messages_readable() {
    let dist = repo_root().join("dist");
    let wasm = std::fs::read_dir(&dist)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .expect("dist/ holds the console's WASM");
    let bytes = std::fs::read(wasm).unwrap();
    let has = |text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    // The panic's own words and where it happened: gone with `panic_immediate_abort` or
    // `-Zlocation-detail=none`, which would leave a journey's failure saying only
    // "unreachable".
    assert!(has("panicked at"), "the WASM formats no panic message");
    assert!(has("src/"), "the WASM names no source file of a panic");
}

//! `roster-proxy`: serves the built console and forwards its calls to one real backend; prints
//! what a newcomer needs to open it.

use clap::Parser;
use roster_sandbox::proxy::{start, ProxyConfig, MOUNT};
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let config = ProxyConfig::parse();
    let log = Arc::new(|line: String| println!("{line}"));
    let proxy = match start(config.clone(), log).await {
        Ok(proxy) => proxy,
        Err(err) => {
            eprintln!("roster-proxy: could not start: {err}");
            std::process::exit(1);
        }
    };
    println!(
        "Roster proxy is running: the console talks to {} through it.",
        config.upstream
    );
    println!("  Open the console:  {}/", proxy.url());
    println!("  Base URL (preset): {}{MOUNT}", proxy.url());
    println!("Press Ctrl+C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    proxy.stop().await;
}

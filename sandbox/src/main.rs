//! `roster-sandbox`: starts the sandbox and prints what a newcomer needs to connect.

use clap::Parser;
use roster_sandbox::{start, Config};

#[tokio::main]
async fn main() {
    let config = Config::parse();
    let sandbox = match start(config.clone()).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("roster-sandbox: could not start: {err}");
            std::process::exit(1);
        }
    };
    let users = sandbox.state.journeyapps().user_count().unwrap_or(0);
    let sessions = sandbox.state.portos().session_count().unwrap_or(0);
    let signed_in = sandbox.state.authsessions().user_count().unwrap_or(0);
    let app_users = sandbox.state.usergrid().user_count().unwrap_or(0);
    let db = config
        .db_path()
        .map(|p| p.display().to_string())
        .unwrap_or("in memory".into());
    println!(
        "Roster sandbox is running ({users} JourneyApps users, {sessions} PORTOS sessions, \
         {signed_in} authenticated-sessions users, {app_users} Usergrid users; database: {db})."
    );
    match &config.dist {
        Some(_) => println!("  Open the console:  {}/", sandbox.url()),
        None => println!("  (API only: start with --dist dist to serve the console)"),
    }
    println!("  JourneyApps");
    println!("    Base URL:        {}", sandbox.base_url());
    println!("    Named Token:     {}", config.api_token);
    println!(
        "    or Basic auth:   user {}  password {}",
        config.deployment_id, config.api_password
    );
    println!("  PORTOS");
    println!("    Server address:  {}", sandbox.portos_url());
    println!(
        "    Login:           user admin  password {}  (any device name)",
        config.api_password
    );
    println!("  Authenticated sessions");
    println!("    Base URL:        {}", sandbox.authsessions_url());
    println!("    Bearer token:    {}", config.api_token);
    println!("  Usergrid");
    println!("    Base URL:        {}", sandbox.usergrid_url());
    println!(
        "    Login:           user admin  password {}  (or client roster-console, secret {})",
        config.api_password, config.api_token
    );
    println!("Press Ctrl+C to stop.");
    if config.open && config.dist.is_some() {
        open_in_browser(&format!("{}/", sandbox.url()));
    }
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
}

/// Best effort: a desktop opens the URL; elsewhere the printed URL is the way in.
fn open_in_browser(url: &str) {
    let opened = ["xdg-open", "open", "sensible-browser"]
        .iter()
        .any(|opener| {
            std::process::Command::new(opener)
                .arg(url)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .is_ok()
        });
    if !opened {
        println!("(No browser could be started here: open {url} yourself.)");
    }
}

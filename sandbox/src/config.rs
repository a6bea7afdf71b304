//! Command-line options of `roster-sandbox`.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Roster's sandbox: the JourneyApps Backend API v4 over SQLite, with demo data, serving the app.
#[derive(Debug, Clone, Parser)]
#[command(name = "roster-sandbox", version, args_override_self = true)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// SQLite database file, or `:memory:` for a throwaway one.
    #[arg(long, default_value = "data/roster-sandbox.sqlite3")]
    pub db: String,

    /// Number of demo users created when the database is empty.
    #[arg(long, default_value_t = 250)]
    pub demo_users: u32,

    /// The backend deployment id in the base URL (also the Basic auth user name).
    #[arg(long, default_value = "64f1a2b3c4d5e6f708192a3b")]
    pub deployment_id: String,

    /// Named Token accepted as `Authorization: Bearer O:<token>`.
    #[arg(long, default_value = "roster-demo-token")]
    pub api_token: String,

    /// API password accepted with HTTP Basic auth.
    #[arg(long, default_value = "roster-demo-password")]
    pub api_password: String,

    /// Built app to serve at `/` (Trunk's `dist/`); without it only the API is served.
    #[arg(long)]
    pub dist: Option<PathBuf>,

    /// Sustained API requests per second per deployment (0 turns rate limiting off).
    #[arg(long, default_value_t = 50.0)]
    pub rate: f64,

    /// Requests allowed at once above the sustained rate.
    #[arg(long, default_value_t = 200)]
    pub burst: u32,

    /// A browser origin allowed to call the API cross-origin (CORS); repeat for more.
    #[arg(long = "cors-origin")]
    pub cors_origins: Vec<String>,

    /// Open the console in the default browser once the server is up.
    #[arg(long)]
    pub open: bool,

    /// Seconds an enrollment token stays valid.
    #[arg(long, default_value_t = 300)]
    pub token_ttl: i64,
}

impl Config {
    /// A config from arguments as they would be typed after the program name.
    pub fn from_args<I, S>(args: I) -> Result<Config, clap::Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<std::ffi::OsString> + Clone,
    {
        let program = std::iter::once(std::ffi::OsString::from("roster-sandbox"));
        Config::try_parse_from(program.chain(args.into_iter().map(Into::into)))
    }

    /// Where the database lives, or None for an in-memory one.
    pub fn db_path(&self) -> Option<PathBuf> {
        (self.db != ":memory:").then(|| PathBuf::from(&self.db))
    }
}

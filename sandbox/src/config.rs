//! Command-line options of `roster-sandbox`.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Roster's sandbox: the supported backend APIs over SQLite, with demo data, serving the app.
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

    /// JourneyApps demo sessions in all, dealt out over the demo users in turn; default: about
    /// 1.6 per user (none for some users, up to four for others).
    #[arg(long)]
    pub journeyapps_sessions: Option<u32>,

    /// PORTOS demo sessions created when its table is empty; default: as many as
    /// --demo-users.
    #[arg(long)]
    pub portos_sessions: Option<u32>,

    /// Usergrid demo users created when its database is empty; default: as many as
    /// --demo-users.
    #[arg(long)]
    pub usergrid_users: Option<u32>,

    /// Seconds a PORTOS token lasts after login or refresh.
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(i64).range(1..=31_536_000))]
    pub portos_token_ttl: i64,

    /// The origin (`http://host:port`) that URLs the sandbox hands out are built from, such as
    /// enrollment links in QR codes; default: the address it listens on. Set it to an address
    /// phones can reach when they scan codes. The request's Host header is never used.
    #[arg(long)]
    pub public_origin: Option<String>,
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

    /// The origin URLs are built from, for a sandbox listening on `addr`: the one configured
    /// (checked to be a bare `http(s)://host[:port]`), or `http://addr` (loopback when it
    /// listens on every interface).
    pub fn public_origin(&self, addr: SocketAddr) -> Result<String, String> {
        let Some(origin) = &self.public_origin else {
            let host = match addr.ip() {
                ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
                ip if ip.is_unspecified() => "[::1]".to_string(),
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                ip => ip.to_string(),
            };
            return Ok(format!("http://{host}:{}", addr.port()));
        };
        let origin = origin.trim().trim_end_matches('/');
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        match rest {
            Some(host)
                if !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)) =>
            {
                Ok(origin.to_string())
            }
            _ => Err(format!(
                "--public-origin must look like http://host:port, not {origin:?}"
            )),
        }
    }

    /// How many PORTOS demo sessions an empty database gets.
    pub fn portos_sessions(&self) -> u32 {
        self.portos_sessions.unwrap_or(self.demo_users)
    }

    /// How many Usergrid demo users an empty database gets.
    pub fn usergrid_users(&self) -> u32 {
        self.usergrid_users.unwrap_or(self.demo_users)
    }

    /// Where the database lives, or None for an in-memory one.
    pub fn db_path(&self) -> Option<PathBuf> {
        (self.db != ":memory:").then(|| PathBuf::from(&self.db))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_origin_is_configured_or_the_listen_address_never_anything_else() {
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let config = |more: &[&str]| Config::from_args(more.iter().copied()).unwrap();
        assert_eq!(
            config(&[]).public_origin(addr).unwrap(),
            "http://127.0.0.1:8080"
        );
        let any: SocketAddr = "0.0.0.0:9000".parse().unwrap();
        assert_eq!(
            config(&[]).public_origin(any).unwrap(),
            "http://127.0.0.1:9000"
        );
        let set = config(&["--public-origin", "https://roster.example.com:8443/"]);
        assert_eq!(
            set.public_origin(addr).unwrap(),
            "https://roster.example.com:8443"
        );
        for bad in [
            "roster.example.com",
            "http://",
            "http://x/path",
            "javascript:alert(1)",
        ] {
            assert!(
                config(&["--public-origin", bad])
                    .public_origin(addr)
                    .is_err(),
                "{bad}"
            );
        }
    }
}

//! Serving the built console the way a static host that reads `_headers` and `_redirects`
//! (Netlify, Cloudflare Pages) would, so that every end-to-end journey exercises the two files
//! dist/ ships: their headers on every file, their rule for any path that is not a file (a
//! rewrite, status 200: the deep link gets the console's page at its own address; or a
//! redirect, a 3xx to where the rule says). Besides: the `.br` /
//! `.gz` copies Trunk's build leaves beside each file when the browser accepts them, a year of
//! caching for content-hashed files, and revalidation for the rest so a new build is picked up
//! at once.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, LOCATION, VARY};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// For files whose name carries a content hash: they never change under that name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else (index.html, config.json): use it, but ask first.
const REVALIDATE: &str = "no-cache";

/// Whether the last path segment carries a Trunk content hash: `name-<16 hex>` then `.` or
/// `_` (`roster-c77350d274df6928_bg.wasm`, `main-a3a95ac1a9f936ea.css`).
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).as_bytes();
    name.iter().enumerate().any(|(i, &b)| {
        b == b'-'
            && name.len() > i + 17
            && name[i + 1..i + 17].iter().all(u8::is_ascii_hexdigit)
            && matches!(name[i + 17], b'.' | b'_')
    })
}

/// The rules of a `_headers` file: a path pattern (`/*` or an exact path) and its headers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeaderRules(Vec<(String, Vec<(String, String)>)>);

impl HeaderRules {
    /// Reads `_headers`: a pattern line, then its `Name: value` lines indented; `#` comments.
    pub fn parse(text: &str) -> HeaderRules {
        let mut rules: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !line.starts_with(char::is_whitespace) {
                rules.push((trimmed.to_string(), Vec::new()));
            } else if let (Some(rule), Some((name, value))) =
                (rules.last_mut(), trimmed.split_once(':'))
            {
                rule.1
                    .push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        HeaderRules(rules)
    }

    /// The headers for `path`, in file order.
    pub fn for_path(&self, path: &str) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .filter(|(pattern, _)| matches_pattern(pattern, path).is_some())
            .flat_map(|(_, headers)| headers.iter().map(|(n, v)| (n.as_str(), v.as_str())))
            .collect()
    }
}

/// The rules of a `_redirects` file: from (exact, or a prefix ending in `*`), to (where
/// `:splat` stands for what the `*` matched) and the status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RedirectRules(Vec<(String, String, u16)>);

impl RedirectRules {
    /// Reads `_redirects`: `from to [status]` a line (302 when left out); `#` comments.
    pub fn parse(text: &str) -> RedirectRules {
        let rules = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let (from, to) = (words.next()?, words.next()?);
                let status = words.next().and_then(|s| s.parse().ok()).unwrap_or(302);
                Some((from.to_string(), to.to_string(), status))
            })
            .collect();
        RedirectRules(rules)
    }

    /// Where `path` (with `query`, like `?q=x` or empty) is sent, and with which status. The
    /// query travels with the target: into its fragment when it has one.
    pub fn target(&self, path: &str, query: &str) -> Option<(String, u16)> {
        self.0.iter().find_map(|(from, to, status)| {
            let splat = matches_pattern(from, path)?;
            let to = to.replace(":splat", splat);
            Some((format!("{to}{query}"), *status))
        })
    }
}

/// What `*` matched when `pattern` matches `path` ("" for an exact match).
fn matches_pattern<'a>(pattern: &str, path: &'a str) -> Option<&'a str> {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.strip_prefix(prefix),
        None => (pattern == path).then_some(""),
    }
}

/// What serving a dist/ folder needs: its rules, and where it is.
struct Site {
    dist: PathBuf,
    headers: HeaderRules,
    redirects: RedirectRules,
}

impl Site {
    /// Whether `path` names a file of dist/ ("/" is its index.html).
    fn has_file(&self, path: &str) -> bool {
        if path == "/" || path.ends_with("/index.html") {
            return true;
        }
        let relative = Path::new(path.trim_start_matches('/'));
        relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            && self.dist.join(relative).is_file()
    }
}

async fn static_site(site: Arc<Site>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let hashed = is_content_hashed(&path);
    let mut response = match (site.has_file(&path), site.redirects.target(&path, &query)) {
        (false, Some((target, 200))) => {
            // A rewrite: the target's file at this address (its query is the request's own).
            let file = target.split(['?', '#']).next().unwrap_or_default();
            match file.parse() {
                Ok(uri) => *request.uri_mut() = uri,
                Err(_) => return StatusCode::BAD_REQUEST.into_response(),
            }
            next.run(request).await
        }
        (false, Some((target, status))) => redirect(&target, status),
        _ => next.run(request).await,
    };
    let policy = if hashed && response.status().is_success() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    if !headers.contains_key(VARY) {
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    for (name, value) in site.headers.for_path(&path) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}

fn redirect(target: &str, status: u16) -> Response {
    let status = StatusCode::from_u16(status)
        .ok()
        .filter(StatusCode::is_redirection)
        .unwrap_or(StatusCode::FOUND);
    match HeaderValue::from_str(target) {
        Ok(location) => (status, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The files of `dist`, served as described above; a path that is neither a file nor
/// redirected gets `index.html`.
pub fn service(dist: &Path) -> Router {
    let read = |name: &str| std::fs::read_to_string(dist.join(name)).unwrap_or_default();
    let site = Arc::new(Site {
        dist: dist.to_path_buf(),
        headers: HeaderRules::parse(&read("_headers")),
        redirects: RedirectRules::parse(&read("_redirects")),
    });
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(move |request, next| {
            static_site(site.clone(), request, next)
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_content_hashed("/roster-c77350d274df6928_bg.wasm"));
        assert!(is_content_hashed("/roster-c77350d274df6928.js"));
        assert!(is_content_hashed("/main-a3a95ac1a9f936ea.css"));
        assert!(is_content_hashed("/boot-a3a95ac1a9f936ea.js"));
        assert!(is_content_hashed("/a-b/main-a3a95ac1a9f936ea.css"));
        assert!(!is_content_hashed("/"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/config.json"));
        assert!(!is_content_hashed(
            "/users/c8c8c4f8-5013-11e7-a8c7-04017e679e01"
        ));
        assert!(!is_content_hashed("/main-a3a95ac1a9f936eZ.css"));
        assert!(!is_content_hashed("/é-a3a95ac1a9f936ea"));
    }

    #[test]
    fn the_shipped_headers_file_reads_as_netlify_would() {
        let rules = HeaderRules::parse(include_str!("../../hosting/_headers"));
        let headers = rules.for_path("/users/abc");
        let csp = headers
            .iter()
            .find(|(name, _)| *name == "Content-Security-Policy")
            .unwrap()
            .1;
        assert!(
            csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-")
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(headers.contains(&("X-Content-Type-Options", "nosniff")));
        assert!(headers.contains(&("Referrer-Policy", "no-referrer")));
        let exact = HeaderRules::parse("/a\n  X-A: 1\n/*\n  X-B: 2\n");
        assert_eq!(exact.for_path("/a"), [("X-A", "1"), ("X-B", "2")]);
        assert_eq!(exact.for_path("/b"), [("X-B", "2")]);
    }

    #[test]
    fn the_shipped_rule_rewrites_deep_links_to_the_console_and_others_redirect() {
        let rules = RedirectRules::parse(include_str!("../../hosting/_redirects"));
        assert_eq!(
            rules.target("/users/abc", "?q=ann"),
            Some(("/index.html?q=ann".to_string(), 200))
        );
        let sub = RedirectRules::parse("/roster/*  /roster/#/roster/:splat  301");
        assert_eq!(
            sub.target("/roster/sessions", ""),
            Some(("/roster/#/roster/sessions".to_string(), 301))
        );
        assert_eq!(sub.target("/elsewhere", ""), None);
    }
}

//! Serving the built console: the `.br` / `.gz` copies Trunk's build leaves beside each file
//! when the browser accepts them, a year of caching for content-hashed files, and revalidation
//! for the rest so a new build is picked up at once.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// For files whose name carries a content hash: they never change under that name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else (index.html, config.json): use it, but ask first.
const REVALIDATE: &str = "no-cache";

/// Whether the last path segment carries a Trunk content hash: `name-<16 hex>` then `.` or
/// `_` (`roster-c77350d274df6928_bg.wasm`, `main-a3a95ac1a9f936ea.css`).
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.match_indices('-').any(|(i, _)| {
        let rest = &name[i + 1..];
        rest.len() > 16
            && rest[..16].bytes().all(|b| b.is_ascii_hexdigit())
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
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
    response
}

/// The files of `dist`, with `index.html` for every other path (the console's routes).
pub fn service(dist: &Path) -> Router {
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_content_hashed("/roster-c77350d274df6928_bg.wasm"));
        assert!(is_content_hashed("/roster-c77350d274df6928.js"));
        assert!(is_content_hashed("/main-a3a95ac1a9f936ea.css"));
        assert!(is_content_hashed("/a-b/main-a3a95ac1a9f936ea.css"));
        assert!(!is_content_hashed("/"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/config.json"));
        assert!(!is_content_hashed(
            "/users/c8c8c4f8-5013-11e7-a8c7-04017e679e01"
        ));
        assert!(!is_content_hashed("/main-a3a95ac1a9f936eZ.css"));
    }
}

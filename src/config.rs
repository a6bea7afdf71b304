//! Fetching the optional `config.json` beside `index.html` (read by `roster_core::config`).

use roster_core::config::{parse_presets, Presets};

/// Fetches `/config.json`; no file means no presets.
pub async fn fetch_presets() -> Result<Presets, String> {
    let Ok(response) = gloo_net::http::Request::get("/config.json").send().await else {
        return Ok(Presets::default());
    };
    // A static host without the file answers 404, or the app's own index.html: no presets.
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.contains("json"));
    if !response.ok() || !is_json {
        return Ok(Presets::default());
    }
    parse_presets(&response.text().await.unwrap_or_default())
}

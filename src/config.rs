//! Fetching the optional `config.json` beside `index.html` (read by `roster_core::config`). A
//! relative base URL in it is resolved against the file's own address, so one file works on
//! whatever host and path serves it.

use roster_core::config::{parse_presets, Presets};

/// Fetches `config.json` beside the console's `index.html`; no file means no presets.
pub async fn fetch_presets() -> Result<Presets, String> {
    let at = format!("{}/config.json", crate::routes::mount_point());
    let Ok(response) = gloo_net::http::Request::get(&at).send().await else {
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
    let at = response.url();
    let mut found = parse_presets(&response.text().await.unwrap_or_default())?;
    for preset in &mut found.presets {
        preset.base_url = resolve(&preset.base_url, &at);
    }
    Ok(found)
}

/// `url` made absolute against `base`, without a trailing slash; as it was if it cannot be.
fn resolve(url: &str, base: &str) -> String {
    web_sys::Url::new_with_base(url.trim(), base)
        .map(|resolved| resolved.href())
        .map(|href| href.trim_end_matches('/').to_string())
        .unwrap_or_else(|_| url.to_string())
}

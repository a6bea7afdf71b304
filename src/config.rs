//! The optional `config.json` beside `index.html`: named backends to preset on the connect
//! screen, so one build can be hosted for many deployments. It never holds secrets.

use serde::Deserialize;

/// One preset backend.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Preset {
    pub name: String,
    pub base_url: String,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    backends: Vec<Preset>,
}

/// Reads `config.json`; unknown fields are ignored, a broken file is an error to show.
pub fn parse_presets(text: &str) -> Result<Vec<Preset>, String> {
    serde_json::from_str::<ConfigFile>(text)
        .map(|file| file.backends)
        .map_err(|err| format!("config.json could not be read ({err}); presets are unavailable."))
}

/// Fetches `/config.json`; no file means no presets.
pub async fn fetch_presets() -> Result<Vec<Preset>, String> {
    let Ok(response) = gloo_net::http::Request::get("/config.json").send().await else {
        return Ok(Vec::new());
    };
    // A static host without the file answers 404, or the app's own index.html: no presets.
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.contains("json"));
    if !response.ok() || !is_json {
        return Ok(Vec::new());
    }
    parse_presets(&response.text().await.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_presets_and_ignores_unknown_fields() {
        let text = r#"{"backends": [{"name": "Prod EU", "kind": "journeyapps",
            "base_url": "https://a.backend.eu.journeyapps.com/api/v4/123"}], "theme": "dark"}"#;
        let presets = parse_presets(text).unwrap();
        assert_eq!(presets.len(), 1);
        assert_eq!(presets[0].name, "Prod EU");
        assert_eq!(parse_presets("{}").unwrap(), vec![]);
    }

    #[test]
    fn a_broken_file_is_a_readable_error() {
        assert!(parse_presets("{\"backends\": 3}")
            .unwrap_err()
            .starts_with("config.json could not"));
    }
}

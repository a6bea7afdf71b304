//! The optional `config.json` beside `index.html`: named backends to preset on the connect
//! screen, so one build can be hosted for many deployments. It never holds secrets.

use crate::backend::Kind;
use serde::Deserialize;

/// One preset backend.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub name: String,
    pub kind: Kind,
    pub base_url: String,
}

#[derive(Deserialize)]
struct PresetEntry {
    name: String,
    /// Presets written before kinds existed are JourneyApps ones.
    #[serde(default)]
    kind: Option<String>,
    base_url: String,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    backends: Vec<PresetEntry>,
}

/// What `config.json` says: the presets of kinds this console knows, and a note when some
/// were left out.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Presets {
    pub presets: Vec<Preset>,
    pub skipped: Option<String>,
}

/// Reads `config.json`; unknown fields are ignored, a broken file is an error to show.
pub fn parse_presets(text: &str) -> Result<Presets, String> {
    let file = serde_json::from_str::<ConfigFile>(text).map_err(|err| {
        format!("config.json could not be read ({err}); presets are unavailable.")
    })?;
    let mut found = Presets::default();
    let mut unknown = Vec::new();
    for entry in file.backends {
        let kind = match entry.kind.as_deref() {
            None => Some(Kind::default()),
            Some(key) => Kind::parse(key),
        };
        match kind {
            Some(kind) => found.presets.push(Preset {
                name: entry.name,
                kind,
                base_url: entry.base_url,
            }),
            None => unknown.push(entry.name),
        }
    }
    if !unknown.is_empty() {
        found.skipped = Some(format!(
            "config.json names backends of a kind this console does not know: {}.",
            unknown.join(", ")
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_presets_with_their_kind_and_ignores_unknown_fields() {
        let text = r#"{"backends": [{"name": "Prod EU", "kind": "journeyapps",
            "base_url": "https://a.backend.eu.journeyapps.com/api/v4/123"},
            {"name": "Old", "base_url": "https://b/api/v4/9"}], "theme": "dark"}"#;
        let found = parse_presets(text).unwrap();
        assert_eq!(found.presets.len(), 2);
        assert_eq!(found.presets[0].name, "Prod EU");
        assert_eq!(found.presets[0].kind, Kind::JourneyApps);
        assert_eq!(
            found.presets[1].kind,
            Kind::JourneyApps,
            "no kind: JourneyApps"
        );
        assert_eq!(found.skipped, None);
        assert_eq!(parse_presets("{}").unwrap(), Presets::default());
    }

    #[test]
    fn presets_of_unknown_kinds_are_left_out_and_named() {
        let text = r#"{"backends": [{"name": "Mainframe", "kind": "cobol", "base_url": "x"}]}"#;
        let found = parse_presets(text).unwrap();
        assert!(found.presets.is_empty());
        assert!(found.skipped.unwrap().contains("Mainframe"));
    }

    #[test]
    fn a_broken_file_is_a_readable_error() {
        assert!(parse_presets("{\"backends\": 3}")
            .unwrap_err()
            .starts_with("config.json could not"));
    }
}

//! Light or dark: the system's choice unless the admin picks one, remembered on this device.

use leptos::prelude::*;

const STORAGE_KEY: &str = "roster.theme";

/// The admin's theme choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system preference.
    System,
    Light,
    Dark,
}

impl Theme {
    /// The next choice of the toggle: System → Light → Dark → System.
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    /// What the toggle shows.
    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "Theme: system",
            Theme::Light => "Theme: light",
            Theme::Dark => "Theme: dark",
        }
    }

    /// The `data-theme` value on `<html>` and in storage; None follows the system.
    pub fn key(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// The choice a stored key stands for; anything unknown follows the system.
    pub fn from_key(key: Option<&str>) -> Theme {
        match key {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The choice saved on this device.
pub fn saved() -> Theme {
    let key = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    Theme::from_key(key.as_deref())
}

/// Applies `theme` to the page and saves it on this device (a preference, not a secret).
pub fn apply(theme: Theme) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match theme.key() {
            Some(key) => root.set_attribute("data-theme", key),
            None => root.remove_attribute("data-theme"),
        };
    }
    if let Some(storage) = local_storage() {
        let _ = match theme.key() {
            Some(key) => storage.set_item(STORAGE_KEY, key),
            None => storage.remove_item(STORAGE_KEY),
        };
    }
}

/// The top bar's button that cycles the theme.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(saved());
    Effect::new(move |_| apply(theme.get()));
    view! {
        <button
            type="button"
            class="quiet theme"
            id="theme-toggle"
            title="Change the colour theme"
            on:click=move |_| theme.update(|t| *t = t.next())
        >
            {move || theme.get().label()}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_toggle_cycles_through_every_choice_and_keys_round_trip() {
        let mut seen = vec![Theme::System];
        for _ in 0..3 {
            seen.push(seen.last().unwrap().next());
        }
        assert_eq!(
            seen,
            [Theme::System, Theme::Light, Theme::Dark, Theme::System]
        );
        for theme in [Theme::System, Theme::Light, Theme::Dark] {
            assert_eq!(Theme::from_key(theme.key()), theme);
        }
        assert_eq!(Theme::from_key(Some("purple")), Theme::System);
    }
}

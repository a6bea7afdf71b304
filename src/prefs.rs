//! Display preferences the admin picks in the top bar and this device remembers (preferences,
//! not secrets): the colour theme and the density. Each follows the device until chosen, and
//! lives as a `data-*` attribute on `<html>` that the stylesheet reads (the density's always
//! set: following the device, it is compact with a mouse and comfortable with a finger).

use crate::browser::local_storage;
use leptos::prelude::*;

/// A choice cycled by one top-bar button, kept in localStorage and on `<html>`.
pub trait Preference: Copy + PartialEq + Send + Sync + 'static {
    /// Where this device keeps it.
    const STORAGE_KEY: &'static str;
    /// The attribute on `<html>` the stylesheet reads.
    const ATTRIBUTE: &'static str;
    /// Every choice in the button's order; the first follows the device.
    const ALL: &'static [Self];
    /// The media query following the device reads, if the page has to follow it (the
    /// stylesheet follows the others itself).
    const DEVICE: Option<&'static str> = None;

    /// The stored value; None follows the device.
    fn key(self) -> Option<&'static str>;

    /// The attribute's value on this device: the choice, or what following the device means
    /// here (None leaves it to the stylesheet).
    fn effective(self) -> Option<&'static str> {
        self.key()
    }

    /// What the button shows, in the admin's language.
    fn label(self) -> String;

    /// The next choice of the button, back to the first after the last.
    fn next(self) -> Self {
        let at = Self::ALL.iter().position(|&p| p == self).unwrap_or(0);
        Self::ALL[(at + 1) % Self::ALL.len()]
    }

    /// The choice a stored key stands for; anything unknown follows the device.
    fn from_key(key: Option<&str>) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.key().is_some() && p.key() == key)
            .unwrap_or(Self::ALL[0])
    }
}

/// Light or dark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system preference.
    System,
    Light,
    Dark,
}

impl Preference for Theme {
    const STORAGE_KEY: &'static str = "roster.theme";
    const ATTRIBUTE: &'static str = "data-theme";
    const ALL: &'static [Theme] = &[Theme::System, Theme::Light, Theme::Dark];

    fn key(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    fn label(self) -> String {
        match self {
            Theme::System => tr!(prefs.theme_system),
            Theme::Light => tr!(prefs.theme_light),
            Theme::Dark => tr!(prefs.theme_dark),
        }
    }
}

/// A finger as the primary pointer.
const COARSE: &str = "(pointer: coarse)";

/// How tightly tables and controls are packed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Density {
    /// Follow the pointer: compact with a mouse, 44 px targets for a finger.
    Auto,
    /// Small rows and controls, for a desk.
    Compact,
    /// 44 px targets everywhere, for a finger.
    Comfortable,
}

impl Preference for Density {
    const STORAGE_KEY: &'static str = "roster.density";
    const ATTRIBUTE: &'static str = "data-density";
    const ALL: &'static [Density] = &[Density::Auto, Density::Compact, Density::Comfortable];
    const DEVICE: Option<&'static str> = Some(COARSE);

    fn key(self) -> Option<&'static str> {
        match self {
            Density::Auto => None,
            Density::Compact => Some("compact"),
            Density::Comfortable => Some("comfortable"),
        }
    }

    /// Auto is compact unless the primary pointer is a finger.
    fn effective(self) -> Option<&'static str> {
        let coarse = || crate::browser::matches_media(COARSE);
        match self {
            Density::Auto if coarse() => Density::Comfortable.key(),
            Density::Auto => Density::Compact.key(),
            chosen => chosen.key(),
        }
    }

    fn label(self) -> String {
        match self {
            Density::Auto => tr!(prefs.density_auto),
            Density::Compact => tr!(prefs.density_compact),
            Density::Comfortable => tr!(prefs.density_comfortable),
        }
    }
}

/// The choice saved on this device.
pub fn saved<P: Preference>() -> P {
    let key = local_storage().and_then(|s| s.get_item(P::STORAGE_KEY).ok().flatten());
    P::from_key(key.as_deref())
}

/// Applies `choice` to the page and saves it on this device.
pub fn apply<P: Preference>(choice: P) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match choice.effective() {
            Some(key) => root.set_attribute(P::ATTRIBUTE, key),
            None => root.remove_attribute(P::ATTRIBUTE),
        };
    }
    if let Some(storage) = local_storage() {
        let _ = match choice.key() {
            Some(key) => storage.set_item(P::STORAGE_KEY, key),
            None => storage.remove_item(P::STORAGE_KEY),
        };
    }
}

/// A preference's current choice, shared by the whole console (the top bar's button and the
/// command palette both change it).
#[derive(Clone, Copy)]
struct Chosen<P: Preference>(RwSignal<P>);

/// Starts preference `P` for everything below (once, in the app): the saved choice, applied to
/// the page and saved again whenever it changes, and applied again when the device changes (a
/// mouse plugged into a tablet).
pub fn provide_preference<P: Preference>() {
    let choice = RwSignal::new(saved::<P>());
    let device = P::DEVICE.map(crate::browser::media_signal);
    Effect::new(move |_| {
        if let Some(device) = device {
            device.track();
        }
        apply(choice.get())
    });
    provide_context(Chosen(choice));
}

/// Preference `P`'s choice; outside the app (a component test), one of its own.
pub fn use_preference<P: Preference>() -> RwSignal<P> {
    match use_context::<Chosen<P>>() {
        Some(Chosen(choice)) => choice,
        None => RwSignal::new(saved::<P>()),
    }
}

/// Moves preference `P` on to its next choice.
pub fn cycle<P: Preference>() {
    use_preference::<P>().update(|c| *c = c.next());
}

/// The top bar's button that cycles a preference; `id` names it for tests and `title` says
/// what it changes.
#[component]
pub fn PreferenceToggle<P: Preference>(
    id: &'static str,
    title: String,
    #[prop(optional)] _choice: std::marker::PhantomData<P>,
) -> impl IntoView {
    let choice = use_preference::<P>();
    view! {
        <button
            type="button"
            class="quiet preference"
            id=id
            title=title
            on:click=move |_| choice.update(|c| *c = c.next())
        >
            {move || choice.get().label()}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle<P: Preference + std::fmt::Debug>() {
        let mut seen = vec![P::ALL[0]];
        for _ in 0..P::ALL.len() {
            seen.push(seen.last().unwrap().next());
        }
        let mut expected = P::ALL.to_vec();
        expected.push(P::ALL[0]);
        assert_eq!(seen, expected);
        for &choice in P::ALL {
            assert_eq!(P::from_key(choice.key()), choice);
        }
        assert_eq!(P::from_key(Some("purple")), P::ALL[0]);
        assert_eq!(P::from_key(None), P::ALL[0]);
    }

    #[test]
    fn each_toggle_cycles_through_every_choice_and_keys_round_trip() {
        cycle::<Theme>();
        cycle::<Density>();
        assert_eq!(Theme::ALL[1].key(), Some("light"));
        assert_eq!(Density::ALL[1].key(), Some("compact"));
    }
}

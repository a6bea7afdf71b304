//! The console's addresses, typed: every link and navigation is built here from a [`Route`],
//! never spelled out in a page. `App` declares the same paths to the router.
//!
//! The console works wherever `index.html` is served: at the site root or under any sub-path
//! (its *mount point*), and at any of its routes (a host that rewrites every path to
//! `index.html`). The mount point is found before anything loads, by the boot script in
//! `index.html`: it strips a known route from the address and sets `<base href>` to what is
//! left, so every asset loads from the mount point wherever the page was served; [`mount`]
//! reads it from there. A deep link reloaded on a host without rewrites comes back to the
//! mount point with its path in the fragment (`404.html` sends it so); [`mount`] puts it back
//! in the address.

use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use roster_core::backend::http::{encode_component, query_string};
use roster_core::backend::Section;
use roster_core::model::UserId;
use std::sync::{Arc, OnceLock};

/// The mount point, without a trailing slash: "" at the site root, "/roster" under a sub-path.
static MOUNT: OnceLock<String> = OnceLock::new();

/// A page of the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Connect,
    Users,
    User(UserId),
    Sessions,
    Policy,
    Activity,
}

impl Route {
    /// The path of this page below the mount point: what the router's `navigate` takes (it
    /// adds the mount point itself).
    pub fn path(&self) -> String {
        match self {
            Route::Connect => "/".to_string(),
            Route::Users => "/users".to_string(),
            Route::User(id) => format!("/users/{}", encode_component(id.as_str())),
            Route::Sessions => "/sessions".to_string(),
            Route::Policy => "/policy".to_string(),
            Route::Activity => "/activity".to_string(),
        }
    }

    /// The address of this page, mount point included: what a plain `<a href>` takes.
    pub fn href(&self) -> String {
        format!("{}{}", mount_point(), self.path())
    }

    /// The address of this page with `query`, mount point included: what a plain `<a href>`
    /// takes.
    pub fn href_with_query(&self, query: &[(&str, String)]) -> String {
        format!("{}{}", mount_point(), self.with_query(query))
    }

    /// The path with `query` (already in pairs), for the router's `navigate`.
    pub fn with_query(&self, query: &[(&str, String)]) -> String {
        match query_string(query) {
            query if query.is_empty() => self.path(),
            query => format!("{}?{query}", self.path()),
        }
    }

    /// The page of a top-bar section.
    pub fn of(section: Section) -> Route {
        match section {
            Section::Users => Route::Users,
            Section::Sessions => Route::Sessions,
            Section::Policy => Route::Policy,
            Section::Activity => Route::Activity,
        }
    }
}

/// A section's name in the top bar, in the admin's language.
pub fn section_label(section: Section) -> String {
    match section {
        Section::Users => tr!(sections.users),
        Section::Sessions => tr!(sections.sessions),
        Section::Policy => tr!(sections.policy),
        Section::Activity => tr!(sections.activity),
    }
}

/// The mount point found at start ("" before, and at the site root).
pub fn mount_point() -> &'static str {
    MOUNT.get().map(String::as_str).unwrap_or_default()
}

/// Whether the top bar's link to `section_href` is the page the admin is on (at `path`): the
/// section itself, or a page below it (a user below the users).
pub fn is_current(section_href: &str, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let section = section_href.trim_end_matches('/');
    path == section
        || path
            .strip_prefix(section)
            .is_some_and(|below| below.starts_with('/'))
}

/// The router's navigation, as a value a page keeps.
type Navigate = Arc<dyn Fn(&str, NavigateOptions) + Send + Sync>;

/// Going to a page of the console: the one way pages navigate.
#[derive(Clone)]
pub struct Go(Navigate);

/// The way to a page, for the component being built.
pub fn use_go() -> Go {
    let navigate = use_navigate();
    Go(Arc::new(move |path: &str, options| navigate(path, options)))
}

impl Go {
    /// Opens `route` as a new history entry.
    pub fn to(&self, route: &Route) {
        (self.0)(&route.path(), NavigateOptions::default());
    }

    /// Opens `route` with `query` as a new history entry.
    pub fn to_query(&self, route: &Route, query: &[(&str, String)]) {
        (self.0)(&route.with_query(query), NavigateOptions::default());
    }

    /// Shows `route` with another `query` in place of the history entry, staying where the
    /// admin is on the page: typing a search should not leave an entry per keystroke, nor
    /// scroll to the top.
    pub fn replace_query(&self, route: &Route, query: &[(&str, String)]) {
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        (self.0)(&route.with_query(query), options);
    }
}

/// Finds the mount point from the `<base href>` the boot script set (else from the address
/// the console was loaded at), and puts a deep link carried in the fragment back into the
/// address. Called once, before the router starts.
pub fn mount() -> &'static str {
    let Some(window) = web_sys::window() else {
        return mount_point();
    };
    let location = window.location();
    let base = window
        .document()
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|uri| web_sys::Url::new(&uri).ok())
        .map(|url| url.pathname());
    let path = base.unwrap_or_else(|| location.pathname().unwrap_or_default());
    let mount = mount_point_of(&path);
    let (hash, search) = (
        location.hash().unwrap_or_default(),
        location.search().unwrap_or_default(),
    );
    if let Some(target) = deep_link(&hash, &search, &mount) {
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&target));
        }
    }
    MOUNT.get_or_init(|| mount)
}

/// The mount point of a console loaded at `path` (its `index.html` or the folder holding it).
pub fn mount_point_of(path: &str) -> String {
    path.rfind('/')
        .map(|slash| path[..slash].to_string())
        .unwrap_or_default()
}

/// The address a fragment such as `#/roster/users/abc?q=x` carries back, if it is a path below
/// `mount`: the query comes from the fragment, or else from the address (hosts differ). Any
/// other fragment is not a deep link, and nothing leaves the console's own origin.
pub fn deep_link(hash: &str, search: &str, mount: &str) -> Option<String> {
    let target = hash.strip_prefix('#')?;
    let below = target.strip_prefix(mount)?;
    let safe = below.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(char::is_control);
    if !safe {
        return None;
    }
    Some(if target.contains('?') || search.is_empty() {
        target.to_string()
    } else {
        format!("{target}{search}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_encode_ids_and_queries() {
        assert_eq!(Route::User("a/b c".into()).path(), "/users/a%2Fb%20c");
        assert_eq!(Route::Users.with_query(&[]), "/users");
        assert_eq!(
            Route::Sessions.with_query(&[("q", "ann lee".into()), ("dir", "desc".into())]),
            "/sessions?q=ann%20lee&dir=desc"
        );
        assert_eq!(Route::of(Section::Policy), Route::Policy);
    }

    #[test]
    fn a_section_link_is_current_on_its_page_and_below_it() {
        assert!(is_current("/roster/users", "/roster/users"));
        assert!(is_current("/roster/users", "/roster/users/"));
        assert!(is_current("/roster/users", "/roster/users/abc"));
        assert!(is_current("/users", "/users/a%2Fb"));
        assert!(!is_current("/roster/users", "/roster/usersx"));
        assert!(!is_current("/roster/users", "/roster/sessions"));
        assert!(!is_current("/roster/users", "/roster/"));
    }

    #[test]
    fn the_mount_point_is_the_folder_index_html_was_loaded_from() {
        assert_eq!(mount_point_of("/"), "");
        assert_eq!(mount_point_of("/index.html"), "");
        assert_eq!(mount_point_of("/roster/"), "/roster");
        assert_eq!(mount_point_of("/roster/index.html"), "/roster");
        assert_eq!(mount_point_of("/tools/roster/"), "/tools/roster");
        assert_eq!(mount_point_of(""), "");
    }

    #[test]
    fn a_deep_link_in_the_fragment_comes_back_below_the_mount_point_only() {
        let back = |hash, search, mount| deep_link(hash, search, mount);
        assert_eq!(
            back("#/roster/users/abc?q=x", "", "/roster").as_deref(),
            Some("/roster/users/abc?q=x")
        );
        assert_eq!(
            back("#/users/abc", "?q=x", "").as_deref(),
            Some("/users/abc?q=x"),
            "a host that kept the query outside the fragment"
        );
        assert_eq!(back("#/sessions", "", "").as_deref(), Some("/sessions"));
        for (hash, mount) in [
            ("", ""),
            ("#", ""),
            ("#top", ""),
            ("#//evil.example/x", ""),
            ("#/\\evil.example", ""),
            ("#/other/users", "/roster"),
            ("#/rosterx/users", "/roster"),
            ("#/users/\u{0}", ""),
        ] {
            assert_eq!(back(hash, "", mount), None, "{hash:?} below {mount:?}");
        }
    }
}

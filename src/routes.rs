//! The console's addresses, typed: every link and navigation is built here from a [`Route`],
//! never spelled out in a page. `App` declares the same paths to the router.

use roster_core::backend::http::encode_component;
use roster_core::backend::http::query_string;
use roster_core::backend::Section;
use roster_core::model::UserId;

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
    /// The path of this page.
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

    /// The path with `query` (already in pairs), as a link or navigation target.
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

/// A section's name in the top bar.
pub fn section_label(section: Section) -> &'static str {
    match section {
        Section::Users => "Users",
        Section::Sessions => "Sessions",
        Section::Policy => "Policy",
        Section::Activity => "Activity",
    }
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
}

//! The README shows the hosting recipes exactly as the journeys test them.

use roster_e2e::repo_root;

#[test]
fn the_readme_shows_each_tested_recipe_as_it_is() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for recipe in [
        "nginx.conf",
        "Caddyfile",
        "_headers",
        "_redirects",
        "cloudfront-function.js",
    ] {
        let text = std::fs::read_to_string(repo_root().join("hosting").join(recipe)).unwrap();
        assert!(
            readme.contains(&text),
            "README.md does not show hosting/{recipe} as it is"
        );
    }
}

//! Generates the `i18n` module from `locales/*.json` (leptos_i18n): every key becomes a typed
//! accessor, so a key used in the code but missing from English does not compile.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // Texts with values are made into Strings (the console's `tr!`), not only into views.
    let options = ParseOptions::new().interpolate_display(true);
    let config = Config::new("en")?
        .add_locale("sk")?
        .add_locale("de")?
        .parse_options(options);
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}

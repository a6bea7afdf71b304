//! Keyboard shortcuts for every table page: `/` to the search, `j`/`k` or the arrow keys
//! through the rows, `Enter` opens the current row, `x` selects it, `?` lists them, and Ctrl+K
//! (Cmd+K) opens the command palette. None but the palette fires while the admin types in a
//! field, and none while Alt is held.

use super::{Modal, Palette};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    FocusSearch,
    NextRow,
    PreviousRow,
    OpenRow,
    SelectRow,
    Help,
    Palette,
}

/// Which modifier keys are held with a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    Nothing,
    /// Ctrl, or Cmd on a Mac, alone.
    Command,
    /// Anything else (Alt, or more than one).
    Other,
}

/// Every shortcut with its keys and what it does, as the help lists them.
pub fn shortcuts() -> [(&'static str, String); 7] {
    [
        ("/", tr!(shortcuts.search)),
        ("j, ↓", tr!(shortcuts.next_row)),
        ("k, ↑", tr!(shortcuts.previous_row)),
        ("Enter", tr!(shortcuts.open_row)),
        ("x", tr!(shortcuts.select_row)),
        ("?", tr!(shortcuts.help)),
        ("Ctrl+K, ⌘K", tr!(shortcuts.palette)),
    ]
}

/// The shortcut `key` stands for with `held`; while typing in a field only the palette's (the
/// browser's and the system's own shortcuts stay theirs).
pub fn shortcut_for(key: &str, typing: bool, held: Held) -> Option<Shortcut> {
    match held {
        Held::Command if key.eq_ignore_ascii_case("k") => return Some(Shortcut::Palette),
        Held::Nothing if !typing => {}
        _ => return None,
    }
    Some(match key {
        "/" => Shortcut::FocusSearch,
        "j" | "ArrowDown" => Shortcut::NextRow,
        "k" | "ArrowUp" => Shortcut::PreviousRow,
        "Enter" => Shortcut::OpenRow,
        "x" => Shortcut::SelectRow,
        "?" => Shortcut::Help,
        _ => return None,
    })
}

/// The row after (or before) `current` among `len` rows: the first (or last) when none is
/// current, and no further than the ends.
pub fn step(current: Option<usize>, len: usize, forward: bool) -> Option<usize> {
    let last = len.checked_sub(1)?;
    Some(match (current, forward) {
        (None, true) => 0,
        (None, false) => last,
        (Some(at), true) => (at + 1).min(last),
        (Some(at), false) => at.saturating_sub(1).min(last),
    })
}

/// The rows of the page's tables (dialogs aside: keys there are the dialog's).
fn rows() -> Vec<HtmlElement> {
    let Some(found) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("main table tbody tr").ok())
    else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn active() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// Whether keys now go into a field (or anything editable); a checkbox or a button is not one.
fn typing(target: Option<&Element>) -> bool {
    target.is_some_and(|el| match el.tag_name().as_str() {
        "INPUT" => !matches!(
            el.get_attribute("type").as_deref(),
            Some("checkbox" | "radio" | "button" | "submit" | "file")
        ),
        "SELECT" | "TEXTAREA" => true,
        _ => el
            .dyn_ref::<HtmlElement>()
            .is_some_and(|h| h.is_content_editable()),
    })
}

/// Clicks the first element inside `row` matching `css`.
fn click_in(row: &HtmlElement, css: &str) {
    if let Some(el) = row
        .query_selector(css)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        el.click();
    }
}

/// Listens for the shortcuts on the whole console and shows their list on `?`.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let help = RwSignal::new(false);
    let palette = RwSignal::new(false);
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        let held = match (ev.ctrl_key(), ev.meta_key(), ev.alt_key()) {
            (false, false, false) => Held::Nothing,
            (true, false, false) | (false, true, false) => Held::Command,
            _ => Held::Other,
        };
        let in_dialog = target
            .as_ref()
            .is_some_and(|t| t.closest("[role=dialog]").ok().flatten().is_some());
        let Some(shortcut) = shortcut_for(&ev.key(), typing(target.as_ref()), held) else {
            return;
        };
        if in_dialog || help.get_untracked() || palette.get_untracked() {
            return;
        }
        let rows = rows();
        // The current row is the one holding the focus.
        let focused = active();
        let current = rows.iter().position(|r| {
            focused
                .as_ref()
                .is_some_and(|f| r.contains(Some(f.unchecked_ref())))
        });
        match shortcut {
            Shortcut::FocusSearch => {
                let search = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector("main input[type=search]").ok().flatten())
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok());
                if let Some(search) = search {
                    ev.prevent_default();
                    let _ = search.focus();
                }
            }
            Shortcut::NextRow | Shortcut::PreviousRow => {
                let forward = shortcut == Shortcut::NextRow;
                if let Some(at) = step(current, rows.len(), forward) {
                    ev.prevent_default();
                    let row = &rows[at];
                    row.set_tab_index(-1);
                    let _ = row.focus();
                }
            }
            // Enter on a link or button already does what it says; on a row it opens it.
            Shortcut::OpenRow => {
                let on_row = |at: &usize| {
                    let row: &Element = rows[*at].unchecked_ref();
                    focused.as_ref() == Some(row)
                };
                if let Some(at) = current.filter(on_row) {
                    ev.prevent_default();
                    click_in(&rows[at], "a[href]");
                }
            }
            Shortcut::SelectRow => {
                if let Some(at) = current {
                    ev.prevent_default();
                    click_in(&rows[at], "input[type=checkbox]");
                }
            }
            Shortcut::Help => {
                ev.prevent_default();
                help.set(true);
            }
            Shortcut::Palette => {
                ev.prevent_default();
                palette.set(true);
            }
        }
    });
    on_cleanup(move || handle.remove());
    let help_list = move || {
        help.get().then(|| {
            view! {
                <Modal title=tr!(shortcuts.title) on_close=move |_| help.set(false)>
                    <dl class="shortcuts">
                        {shortcuts()
                            .into_iter()
                            .map(|(keys, words)| view! {
                                <dt><kbd>{keys}</kbd></dt>
                                <dd>{words}</dd>
                            })
                            .collect_view()}
                    </dl>
                    <div class="dialog-buttons">
                        <button type="button" class="primary" on:click=move |_| help.set(false)>
                            {tr!(common.close)}
                        </button>
                    </div>
                </Modal>
            }
        })
    };
    view! {
        <Palette open=palette on_shortcuts=move |_| help.set(true) />
        {help_list}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_shortcuts_only_outside_fields_and_without_modifiers() {
        use Held::*;
        assert_eq!(
            shortcut_for("/", false, Nothing),
            Some(Shortcut::FocusSearch)
        );
        assert_eq!(shortcut_for("j", false, Nothing), Some(Shortcut::NextRow));
        assert_eq!(
            shortcut_for("ArrowUp", false, Nothing),
            Some(Shortcut::PreviousRow)
        );
        assert_eq!(shortcut_for("?", false, Nothing), Some(Shortcut::Help));
        assert_eq!(shortcut_for("x", true, Nothing), None, "typed into a field");
        assert_eq!(shortcut_for("q", false, Nothing), None);
        assert_eq!(shortcut_for("k", false, Command), Some(Shortcut::Palette));
        assert_eq!(
            shortcut_for("K", true, Command),
            Some(Shortcut::Palette),
            "the palette opens from a field too"
        );
        assert_eq!(
            shortcut_for("k", false, Other),
            None,
            "Ctrl+Alt+K is not ours"
        );
        assert_eq!(
            shortcut_for("j", false, Command),
            None,
            "Ctrl+J stays the browser's"
        );
    }

    #[test]
    fn rows_step_within_the_table() {
        assert_eq!(step(None, 3, true), Some(0));
        assert_eq!(step(None, 3, false), Some(2));
        assert_eq!(step(Some(1), 3, true), Some(2));
        assert_eq!(step(Some(2), 3, true), Some(2), "the last row stays");
        assert_eq!(step(Some(0), 3, false), Some(0), "the first row stays");
        assert_eq!(
            step(Some(7), 3, true),
            Some(2),
            "a row beyond the table is the last"
        );
        assert_eq!(step(None, 0, true), None, "no rows, no row");
    }
}

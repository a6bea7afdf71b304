//! Saved views of a table: pick one, save the current search, filters and sort under a name,
//! delete one, and export or import them all as JSON to share with the team. They are kept per
//! backend in this device's localStorage (views hold no secrets).

use super::table::TableController;
use crate::browser::{self, local_storage};
use crate::client::use_client;
use crate::task::Tasks;
use crate::text;
use leptos::prelude::*;
use roster_core::table::{TableModel, TableView};
use roster_core::views::{SavedView, SavedViews, MAX_VIEWS};
use wasm_bindgen::JsCast;

fn load(key: &str) -> SavedViews {
    local_storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .and_then(|text| SavedViews::from_json(&text))
        .unwrap_or_default()
}

/// Edits `views` with `edit` and keeps the result under `key`.
fn change<R>(
    views: RwSignal<SavedViews>,
    key: &str,
    edit: impl FnOnce(&mut SavedViews) -> R,
) -> Option<R> {
    let result = views.try_update(edit);
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, &views.with_untracked(SavedViews::to_json));
    }
    result
}

/// The saved views of `table`'s page, named `name` (`users`, `sessions`).
#[component]
pub fn SavedViewsBar<M: TableModel>(table: TableController<M>, name: &'static str) -> impl IntoView
where
    M::View: TableView,
{
    let Some(key) = use_client().views_key() else {
        return ().into_any();
    };
    let views = RwSignal::new(load(&key));
    let picked = RwSignal::new(String::new());
    let naming = RwSignal::new(None::<String>);
    let said = RwSignal::new(None::<String>);
    let key = StoredValue::new(key);
    let scope = Tasks::here();

    let pick = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        picked.set(chosen.clone());
        let query = views.with_untracked(|v| v.find(name, &chosen).map(|v| v.query.clone()));
        if let Some(query) = query {
            table.show(M::View::from_query(
                query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ));
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(title) = naming.get_untracked() else {
            return;
        };
        let query = table
            .view
            .with_untracked(|v| v.to_query())
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let title = title.trim().to_string();
        let view = SavedView {
            name: title.clone(),
            table: name.to_string(),
            query,
        };
        if change(views, &key.get_value(), |v| v.save(view)) == Some(true) {
            picked.set(title);
            naming.set(None);
            said.set(None);
        } else {
            said.set(Some(tr!(views.needs_name, max = MAX_VIEWS)));
        }
    };
    let delete = move |_| {
        let chosen = picked.get_untracked();
        change(views, &key.get_value(), |v| v.remove(name, &chosen));
        picked.set(String::new());
    };
    let export = move |_| {
        let text = views.with_untracked(SavedViews::to_json);
        browser::download("roster-views.json", "application/json", &text);
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Emptied, so that choosing the same file again (after editing it) is a change too.
        input.set_value("");
        scope.spawn(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            match text.as_deref().and_then(SavedViews::from_json) {
                Some(read) => {
                    let added = change(views, &key.get_value(), |v| v.merge(read)).unwrap_or(0);
                    said.set(Some(tr!(
                        views.imported,
                        views = text::count(added as u64, "views")
                    )));
                }
                None => said.set(Some(tr!(views.not_views))),
            }
        });
    };

    view! {
        <div class="saved-views" role="group" aria-label=tr!(views.group)>
            <label>
                {tr!(views.view)}
                <select id="saved-view" prop:value=move || picked.get() on:change=pick>
                    <option value="">{tr!(views.saved)}</option>
                    {move || views.with(|v| {
                        v.of(name)
                            .map(|view| view.name.clone())
                            .map(|title| {
                                let value = title.clone();
                                view! { <option value=value>{title}</option> }
                            })
                            .collect_view()
                    })}
                </select>
            </label>
            <button type="button" id="save-view" on:click=move |_| naming.set(Some(String::new()))>
                {tr!(views.save_view)}
            </button>
            <button
                type="button"
                id="delete-view"
                prop:disabled=move || picked.with(String::is_empty)
                on:click=delete
            >
                {tr!(views.delete)}
            </button>
            <button type="button" id="export-views" on:click=export>{tr!(views.export)}</button>
            <label class="import">
                {tr!(views.import)}
                <input type="file" id="import-views" accept=".json,application/json" on:change=import />
            </label>
            {move || naming.get().is_some().then(|| view! {
                <form class="name-view" on:submit=save>
                    <label>
                        {tr!(views.name)}
                        <input
                            id="view-name"
                            maxlength="100"
                            prop:value=move || naming.get().unwrap_or_default()
                            on:input=move |ev| naming.set(Some(event_target_value(&ev)))
                        />
                    </label>
                    <button type="submit" class="primary">{tr!(views.save)}</button>
                    <button type="button" on:click=move |_| naming.set(None)>{tr!(common.cancel)}</button>
                </form>
            })}
            {move || said.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        </div>
    }
    .into_any()
}

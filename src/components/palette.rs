//! The command palette (Ctrl+K or Cmd+K): one field that goes to any user by name or id, to
//! any page the backend offers and runs the console's own actions. Users come from the backend:
//! asked of the server where it searches them, else from the users this console has loaded.

use super::Modal;
use crate::client::{use_client, use_requests};
use crate::prefs::{self, Density, Theme};
use crate::routes::{section_label, use_go, Route};
use crate::task::Load;
use leptos::prelude::*;
use roster_core::backend::{Api, Section};
use roster_core::model::{User, UserId};
use roster_core::palette::rank;
use roster_core::table::server::PageAt;
use roster_core::table::users::UsersView;

/// How many users the palette lists at once.
const USERS_SHOWN: usize = 8;

/// A user the console has loaded: id, name, and both in lower case (what the palette
/// searches, made once rather than per keystroke).
#[derive(Clone, Debug, PartialEq)]
struct Known {
    id: UserId,
    name: String,
    searched: String,
}

/// The users this console has loaded, for the palette to find by name or id.
#[derive(Clone, Copy)]
struct KnownUsers(RwSignal<Vec<Known>>);

/// Keeps the users of the connected backend for the palette (once, in the app).
pub fn provide_known_users() {
    provide_context(KnownUsers(RwSignal::new(Vec::new())));
}

/// Tells the palette which users the backend has (after they load in full).
pub fn remember_users(users: &[User]) {
    if let Some(KnownUsers(known)) = use_context::<KnownUsers>() {
        known.set(
            users
                .iter()
                .map(|u| Known {
                    id: u.id.clone(),
                    name: u.label().to_string(),
                    searched: format!("{} {}", u.label(), u.id.as_str()).to_lowercase(),
                })
                .collect(),
        );
    }
}

/// What an entry does.
#[derive(Clone, Debug, PartialEq)]
enum Command {
    Go(Route),
    FindUsers(String),
    FindSessions(String),
    Theme,
    Density,
    Shortcuts,
    Disconnect,
}

/// One line of the palette: what it says, what kind of thing it is, what it does.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    label: String,
    kind: String,
    command: Command,
}

/// The palette, open while `open` is true; `on_shortcuts` shows the keyboard shortcuts.
#[component]
pub fn Palette(open: RwSignal<bool>, #[prop(into)] on_shortcuts: Callback<()>) -> impl IntoView {
    move || {
        open.get()
            .then(|| view! { <PaletteDialog open=open on_shortcuts=on_shortcuts /> })
    }
}

#[component]
fn PaletteDialog(open: RwSignal<bool>, on_shortcuts: Callback<()>) -> impl IntoView {
    let client = use_client();
    let requests = use_requests();
    let go = use_go();
    let known = use_context::<KnownUsers>().map(|KnownUsers(k)| k);
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);

    // The users the query finds: the server's first page where it searches, else the loaded
    // users ranked here.
    let found = Load::new(move || {
        let q = query.get();
        let on_server = client.capabilities().is_some_and(|c| c.users_on_server);
        let has_users = client
            .capabilities()
            .is_some_and(|c| c.sections.contains(&Section::Users));
        async move {
            if q.trim().is_empty() || !has_users {
                return Vec::new();
            }
            if on_server {
                let view = UsersView {
                    search: q.trim().to_string(),
                    ..UsersView::default()
                };
                let page = requests
                    .read(move |backend, transport| async move {
                        backend.query_users(&transport, &view, &PageAt::Start).await
                    })
                    .await;
                let users = page.map(|p| p.items).unwrap_or_default();
                return users
                    .iter()
                    .take(USERS_SHOWN)
                    .map(|u| (u.id.clone(), u.label().to_string()))
                    .collect();
            }
            let Some(known) = known else {
                return Vec::new();
            };
            known.with_untracked(|users| {
                let texts = users.iter().map(|u| u.searched.as_str());
                rank(&q, texts, USERS_SHOWN)
                    .into_iter()
                    .filter_map(|at| users.get(at))
                    .map(|u| (u.id.clone(), u.name.clone()))
                    .collect::<Vec<_>>()
            })
        }
    });

    let entries = Memo::new(move |_| {
        let q = query.get();
        let typed = q.trim().to_string();
        let mut entries: Vec<Entry> = found
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|(id, name)| Entry {
                label: if name == id.as_str() {
                    name
                } else {
                    format!("{name} · {}", id.as_str())
                },
                kind: tr!(palette.user),
                command: Command::Go(Route::User(id)),
            })
            .collect();
        let sections = client.capabilities().map_or(&[][..], |c| c.sections);
        // Then the pages and actions the query names, then the query itself as an id or a search.
        let mut fixed: Vec<Entry> = sections
            .iter()
            .map(|&s| Entry {
                label: section_label(s),
                kind: tr!(palette.page),
                command: Command::Go(Route::of(s)),
            })
            .collect();
        fixed.extend([
            entry(tr!(palette.theme), Command::Theme),
            entry(tr!(palette.density), Command::Density),
            entry(tr!(shortcuts.title), Command::Shortcuts),
        ]);
        if client.is_connected() {
            fixed.push(entry(tr!(top.disconnect), Command::Disconnect));
        }
        let picked = rank(&q, fixed.iter().map(|e| e.label.as_str()), fixed.len());
        entries.extend(picked.into_iter().map(|at| fixed[at].clone()));
        if !typed.is_empty() && sections.contains(&Section::Users) {
            entries.push(Entry {
                label: tr!(palette.open_id, id = typed.clone()),
                kind: tr!(palette.user),
                command: Command::Go(Route::User(UserId::from(typed.clone()))),
            });
            entries.push(Entry {
                label: tr!(palette.find_users, text = typed.clone()),
                kind: tr!(palette.search),
                command: Command::FindUsers(typed.clone()),
            });
        }
        if !typed.is_empty() && sections.contains(&Section::Sessions) {
            entries.push(Entry {
                label: tr!(palette.find_sessions, text = typed.clone()),
                kind: tr!(palette.search),
                command: Command::FindSessions(typed.clone()),
            });
        }
        entries
    });
    // A new list starts at its first entry.
    Effect::new(move |_| {
        entries.track();
        active.set(0);
    });

    let run = move |command: Command| {
        open.set(false);
        match command {
            Command::Go(route) => go.to(&route),
            Command::FindUsers(q) => go.to_query(&Route::Users, &[("q", q)]),
            Command::FindSessions(q) => go.to_query(&Route::Sessions, &[("q", q)]),
            Command::Theme => prefs::cycle::<Theme>(),
            Command::Density => prefs::cycle::<Density>(),
            Command::Shortcuts => on_shortcuts.run(()),
            Command::Disconnect => {
                client.sign_out();
                go.to(&Route::Connect);
            }
        }
    };
    let run_active = {
        let run = run.clone();
        move || {
            let command = entries.with_untracked(|e| e.get(active.get_untracked()).cloned());
            if let Some(entry) = command {
                run(entry.command);
            }
        }
    };
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        let len = entries.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if len > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % len);
            }
            "ArrowUp" if len > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + len - 1) % len);
            }
            "Enter" => {
                ev.prevent_default();
                run_active();
            }
            _ => {}
        }
    };
    let option_id = |at: usize| format!("palette-option-{at}");

    view! {
        <Modal title=tr!(palette.title) on_close=move |_| open.set(false)>
            <input
                type="search"
                class="palette-input"
                role="combobox"
                aria-label=tr!(palette.placeholder)
                aria-expanded="true"
                aria-controls="palette-options"
                aria-autocomplete="list"
                aria-activedescendant=move || option_id(active.get())
                placeholder=tr!(palette.placeholder)
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=keydown
            />
            <ul id="palette-options" class="palette-options" role="listbox" aria-label=tr!(palette.results)>
                {move || {
                    let run = run.clone();
                    entries
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(at, entry)| {
                            let run = run.clone();
                            let command = entry.command.clone();
                            view! {
                                <li
                                    id=option_id(at)
                                    role="option"
                                    aria-selected=move || (active.get() == at).to_string()
                                    class:active=move || active.get() == at
                                    on:click=move |_| run(command.clone())
                                    on:mousemove=move |_| active.set(at)
                                >
                                    <span class="palette-label">{entry.label}</span>
                                    <span class="palette-kind">{entry.kind}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Modal>
    }
}

fn entry(label: String, command: Command) -> Entry {
    Entry {
        label,
        kind: tr!(palette.action),
        command,
    }
}

//! The cells of one session's row: a cell per column, and the session's action buttons where
//! the columns put them; the console's own session says so by its device. The all-sessions
//! table and the user page both use it.

use super::table::CellView;
use super::SessionActionButtons;
use crate::client::use_client;
use leptos::prelude::*;
use roster_core::backend::Capabilities;
use roster_core::model::action::{Action, Scope};
use roster_core::model::{Session, User};
use roster_core::table::sessions::SessionColumn;
use roster_core::table::Column;

/// A cell per column of `columns` for `session` of `user`; the action buttons offer what
/// `caps` offers on sessions.
#[component]
pub fn SessionCells(
    user: User,
    session: Session,
    columns: &'static [SessionColumn],
    caps: &'static Capabilities,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_action: Callback<(Session, Action)>,
) -> impl IntoView {
    let own = use_client().own_session().as_ref() == Some(&session.id);
    columns
        .iter()
        .map(|&column| {
            // Each cell carries its column's name: below a width the rows become cards, and a
            // card's cell says what it is itself.
            let label = crate::text::said_static(column.header());
            if own && column == SessionColumn::Device {
                view! {
                    <td class="own-session" data-label=label>
                        {session.device().to_string()}
                        " "
                        <span class="badge own" title=tr!(sessions.own_title)>
                            {tr!(sessions.own)}
                        </span>
                    </td>
                }
                .into_any()
            } else if column == SessionColumn::Actions {
                view! {
                    <SessionActionButtons
                        label=label
                        user=user.clone()
                        session=session.clone()
                        actions=caps.actions_on(Scope::Session).collect()
                        busy=busy
                        on_action=on_action
                    />
                }
                .into_any()
            } else {
                view! { <CellView label=label cell=column.cell(&user, &session) /> }.into_any()
            }
        })
        .collect_view()
}

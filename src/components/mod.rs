//! Pieces shared by the pages.

mod create_user;
mod delete_user;
mod role_form;
mod status;
mod text_field;

pub use create_user::CreateUser;
pub use delete_user::{DeleteButton, DeleteDialog, PendingDelete};
pub use role_form::{report_role_changes, ConfirmAdminDialog, RoleForm};
pub use status::{Status, StatusRegion};
pub use text_field::{FieldError, TextField};

use crate::directory::UserQuery;
use leptos::prelude::*;

/// Hidden fields that carry the table's search, filter, sort and page through a GET
/// form, so opening a dialog without JavaScript keeps the view.
#[component]
pub fn QueryFields(query: UserQuery) -> impl IntoView {
    let default = UserQuery::default();
    let page = (query.page > 1).then(|| query.page.to_string());
    let sort = (query.sort != default.sort).then(|| query.sort.as_param());
    let fields = [
        ("q", (!query.q.is_empty()).then_some(query.q)),
        ("role", (!query.role.is_empty()).then_some(query.role)),
        ("sort", sort),
        ("page", page),
    ];
    fields
        .into_iter()
        .filter_map(|(name, value)| {
            value.map(|value| view! { <input type="hidden" name=name value=value /> })
        })
        .collect_view()
}

/// Opens a `<dialog>` as a modal (focus moves into it; Esc closes it; closing returns
/// focus to where it was).
pub fn show_modal(dialog: NodeRef<leptos::html::Dialog>) {
    if let Some(dialog) = dialog.get_untracked() {
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
    }
}

pub fn close(dialog: NodeRef<leptos::html::Dialog>) {
    if let Some(dialog) = dialog.get_untracked() {
        dialog.close();
    }
}

/// Whether a dialog's form was submitted by its Cancel button (`formmethod="dialog"`),
/// which closes the dialog natively, with or without JavaScript.
pub fn submitted_by_cancel(ev: &leptos::ev::SubmitEvent) -> bool {
    ev.submitter()
        .and_then(|button| button.get_attribute("formmethod"))
        .is_some_and(|method| method == "dialog")
}

//! Changing a user's role: a select and an Apply button. Granting admin asks first
//! (in the browser with a confirm, without JavaScript with a second form).

use super::Status;
use crate::{
    admin::{ChangeRole, Outcome},
    axiom::{RoleRef, User},
};
use leptos::{html, prelude::*};

const ADMIN_WARNING: &str =
    "Admins can manage every user and setting of the organization, including yours.";

#[component]
pub fn RoleForm(
    user: User,
    roles: Vec<RoleRef>,
    back: String,
    action: ServerAction<ChangeRole>,
) -> impl IntoView {
    let select = NodeRef::<html::Select>::new();
    let select_id = format!("role-{}", user.id);
    let current = user.role.clone();
    let on_offer = roles.iter().any(|r| r.id == current.id);
    let id = user.id.clone();
    let name = user.name.clone();
    let back_for_submit = back.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role = select
            .get_untracked()
            .map(|s| s.value())
            .unwrap_or_default();
        if role == "admin" {
            let question = format!("Make {name} an admin? {ADMIN_WARNING}");
            let confirmed = window().confirm_with_message(&question).unwrap_or(false);
            if !confirmed {
                return;
            }
        }
        action.dispatch(ChangeRole {
            id: id.clone(),
            role,
            confirmed: true,
            back: back_for_submit.clone(),
        });
    };
    view! {
        <form method="post" action="/api/change_role" class="role-form" on:submit=on_submit>
            <input type="hidden" name="id" value=user.id.clone() />
            <input type="hidden" name="back" value=back />
            <input type="hidden" name="confirmed" value="false" />
            <label for=select_id.clone() class="visually-hidden">{format!("Role for {}", user.name)}</label>
            <select node_ref=select id=select_id name="role">
                {(!on_offer)
                    .then(|| view! { <option value=current.id.clone() selected disabled>{current.name.clone()}</option> })}
                {roles
                    .into_iter()
                    .map(|r| {
                        let selected = r.id == current.id;
                        view! { <option value=r.id selected=selected>{r.name}</option> }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="secondary">
                "Apply" <span class="visually-hidden">{format!(" role for {}", user.name)}</span>
            </button>
        </form>
    }
}

/// The no-JavaScript confirmation for granting admin, shown after the first post.
#[component]
pub fn ConfirmAdminDialog(user: User, back: String) -> impl IntoView {
    view! {
        <dialog open aria-labelledby="confirm-admin-title" class="confirm">
            <form method="post" action="/api/change_role">
                <h2 id="confirm-admin-title">{format!("Make {} an admin?", user.name)}</h2>
                <p>{ADMIN_WARNING}</p>
                <input type="hidden" name="id" value=user.id />
                <input type="hidden" name="role" value="admin" />
                <input type="hidden" name="confirmed" value="true" />
                <input type="hidden" name="back" value=back />
                <div class="actions">
                    <button type="submit" class="primary">"Make admin"</button>
                    <button type="submit" formmethod="dialog" class="secondary">"Cancel"</button>
                </div>
            </form>
        </dialog>
    }
}

/// Shows the outcome of role changes in the page's status line.
pub fn report_role_changes(action: ServerAction<ChangeRole>, status: RwSignal<Option<Status>>) {
    Effect::new(move |_| match action.value().get() {
        Some(Ok(Outcome::Done(notice))) => status.set(Some(Status::Done(notice))),
        Some(Ok(Outcome::Failed(error))) | Some(Err(error)) => {
            status.set(Some(Status::Failed(error)))
        }
        Some(Ok(_)) | None => {}
    });
}

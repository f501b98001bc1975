//! Deleting a user: a "Delete <name>" button and one confirmation dialog per page.
//! Without JavaScript the button reloads the page with the dialog open (`?delete=<id>`).

use super::{close, show_modal, submitted_by_cancel, QueryFields, Status};
use crate::{
    admin::{DeleteUser, Outcome},
    axiom::User,
    directory::UserQuery,
};
use leptos::{html, prelude::*};

/// The user awaiting confirmation, shared by the buttons and the dialog.
#[derive(Clone, Copy)]
pub struct PendingDelete {
    pub user: RwSignal<Option<User>>,
    pub dialog: NodeRef<html::Dialog>,
}

impl PendingDelete {
    pub fn new(initial: Option<User>) -> Self {
        Self {
            user: RwSignal::new(initial),
            dialog: NodeRef::new(),
        }
    }
}

#[component]
pub fn DeleteButton(
    user: User,
    pending: PendingDelete,
    status: RwSignal<Option<Status>>,
    /// The table view to keep when the dialog is opened without JavaScript.
    #[prop(optional)]
    query: UserQuery,
) -> impl IntoView {
    let id = user.id.clone();
    let name = user.name.clone();
    view! {
        <form method="get" action="" class="inline" on:submit=move |ev| {
            ev.prevent_default();
            status.set(None);
            pending.user.set(Some(user.clone()));
            show_modal(pending.dialog);
        }>
            <QueryFields query />
            <input type="hidden" name="delete" value=id />
            <button type="submit" class="danger">
                "Delete" <span class="visually-hidden">" " {name}</span>
            </button>
        </form>
    }
}

#[component]
pub fn DeleteDialog(
    pending: PendingDelete,
    /// Open at once (no JavaScript: `?delete=<id>`).
    open: bool,
    back: String,
    status: RwSignal<Option<Status>>,
    action: ServerAction<DeleteUser>,
) -> impl IntoView {
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(Outcome::Done(notice))) => {
            failure.set(None);
            close(pending.dialog);
            pending.user.set(None);
            status.set(Some(Status::Done(notice)));
        }
        Some(Ok(Outcome::Failed(error))) | Some(Err(error)) => failure.set(Some(error.to_string())),
        Some(Ok(_)) | None => {}
    });
    let back_for_submit = back.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if submitted_by_cancel(&ev) {
            failure.set(None);
            return;
        }
        ev.prevent_default();
        if let Some(user) = pending.user.get_untracked() {
            action.dispatch(DeleteUser {
                id: user.id,
                back: back_for_submit.clone(),
            });
        }
    };
    let who = move || {
        pending
            .user
            .get()
            .map(|u| (u.id, u.name, u.email))
            .unwrap_or_default()
    };

    view! {
        <dialog node_ref=pending.dialog aria-labelledby="delete-title" open=open class="confirm">
            <form method="post" action="/api/delete_user" on:submit=on_submit>
                <h2 id="delete-title">{move || format!("Delete {}?", who().1)}</h2>
                <p>
                    {move || {
                        let (_, name, email) = who();
                        format!(
                            "{name} ({email}) will be removed from the organization and lose access. This cannot be undone."
                        )
                    }}
                </p>
                <input type="hidden" name="id" value=move || who().0 />
                <input type="hidden" name="back" value=back />
                <div role="alert" class="form-error">
                    {move || failure.get().map(|e| view! { <p class="banner error">{e}</p> })}
                </div>
                <div class="actions">
                    <button type="submit" class="danger" disabled=move || action.pending().get()>
                        "Delete"
                    </button>
                    <button type="submit" formmethod="dialog" class="secondary">"Cancel"</button>
                </div>
            </form>
        </dialog>
    }
}

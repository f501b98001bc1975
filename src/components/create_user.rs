//! "New user": a button and the dialog it opens. Without JavaScript the button reloads
//! the page with the dialog open (`?new=1`) and the form posts like any other.

use super::{close, show_modal, submitted_by_cancel, FieldError, QueryFields, Status, TextField};
use crate::{
    admin::{CreateUser as CreateUserFn, FormEcho, Outcome},
    axiom::RoleRef,
    directory::UserQuery,
    errors::AppError,
    validation::{FieldErrors, NewUser},
};
use leptos::{html, prelude::*};

#[component]
pub fn CreateUser(
    roles: Vec<RoleRef>,
    /// Open at once (no-JavaScript: `?new=1`, or a failed plain post).
    open: bool,
    /// What a failed plain post had typed, and why it failed.
    failed: Option<(FormEcho, AppError)>,
    back: String,
    /// The table view to keep when the dialog is opened without JavaScript.
    query: UserQuery,
    status: RwSignal<Option<Status>>,
    action: ServerAction<CreateUserFn>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let form = NodeRef::<html::Form>::new();
    let name = NodeRef::<html::Input>::new();
    let email = NodeRef::<html::Input>::new();
    let role = NodeRef::<html::Select>::new();

    let (echo, first_error) = failed.unzip();
    let echo = echo.unwrap_or_default();
    let field_errors = RwSignal::new(
        first_error
            .as_ref()
            .and_then(|e| e.field_errors().cloned())
            .unwrap_or_default(),
    );
    let form_error = RwSignal::new(
        first_error
            .filter(|e| e.field_errors().is_none())
            .map(|e| e.to_string()),
    );
    let offered: Vec<String> = roles.iter().map(|r| r.id.clone()).collect();

    // The server's answer to a dispatched create.
    Effect::new(move |_| match action.value().get() {
        Some(Ok(Outcome::Done(notice))) => {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            field_errors.set(FieldErrors::default());
            form_error.set(None);
            close(dialog);
            status.set(Some(Status::Done(notice)));
        }
        Some(Ok(Outcome::FormFailed { error, .. })) | Some(Err(error)) => {
            match error.field_errors() {
                Some(fields) => field_errors.set(fields.clone()),
                None => form_error.set(Some(error.to_string())),
            }
        }
        Some(Ok(_)) | None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if submitted_by_cancel(&ev) {
            return;
        }
        ev.prevent_default();
        let value = |input: NodeRef<html::Input>| {
            input.get_untracked().map(|i| i.value()).unwrap_or_default()
        };
        let (name_value, email_value) = (value(name), value(email));
        let role_value = role.get_untracked().map(|s| s.value()).unwrap_or_default();
        let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
        // The same checks the server makes, for instant feedback; the server repeats them.
        match NewUser::parse(&name_value, &email_value, &role_value, &offered) {
            Err(errors) => {
                field_errors.set(errors);
                form_error.set(None);
            }
            Ok(_) => {
                field_errors.set(FieldErrors::default());
                form_error.set(None);
                action.dispatch(CreateUserFn {
                    name: name_value,
                    email: email_value,
                    role: role_value,
                    back: String::new(),
                });
            }
        }
    };

    let name_error = Signal::derive(move || field_errors.with(|f| f.name.clone()));
    let email_error = Signal::derive(move || field_errors.with(|f| f.email.clone()));
    let role_error = Signal::derive(move || field_errors.with(|f| f.role.clone()));
    let chosen_role = echo.role.clone();

    view! {
        <form method="get" action="/" class="inline" on:submit=move |ev| {
            ev.prevent_default();
            status.set(None);
            show_modal(dialog);
        }>
            <QueryFields query />
            <input type="hidden" name="new" value="1" />
            <button type="submit" class="primary">"New user"</button>
        </form>
        <dialog node_ref=dialog aria-labelledby="create-title" open=open>
            <form
                node_ref=form
                method="post"
                action="/api/create_user"
                novalidate
                on:submit=on_submit
            >
                <h2 id="create-title">"Invite a user"</h2>
                <p class="hint">"Axiom adds them to the organization and invites them by email."</p>
                <input type="hidden" name="back" value=back />
                <TextField label="Name" id="create-name" name="name" value=echo.name.clone() input_ref=name error=name_error />
                <TextField
                    label="Email"
                    id="create-email"
                    name="email"
                    kind="email"
                    value=echo.email.clone()
                    input_ref=email
                    error=email_error
                />
                <div class="field">
                    <label for="create-role">"Role"</label>
                    <select
                        node_ref=role
                        id="create-role"
                        name="role"
                        aria-invalid=move || role_error.get().map(|_| "true")
                        aria-describedby=move || role_error.get().map(|_| "create-role-error")
                    >
                        {roles
                            .into_iter()
                            .map(|r| {
                                let selected = if chosen_role.is_empty() { r.id == "user" } else { r.id == chosen_role };
                                view! { <option value=r.id selected=selected>{r.name}</option> }
                            })
                            .collect_view()}
                    </select>
                    <FieldError id="create-role-error".to_owned() error=role_error />
                </div>
                <div role="alert" class="form-error">
                    {move || form_error.get().map(|e| view! { <p class="banner error">{e}</p> })}
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating…" } else { "Create" }}
                    </button>
                    <button type="submit" formmethod="dialog" formnovalidate class="secondary">
                        "Cancel"
                    </button>
                </div>
            </form>
        </dialog>
    }
}

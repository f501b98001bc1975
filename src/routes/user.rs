//! `/users/:id`: one user, with their id to copy, and the role and delete actions.

use crate::{
    admin::{get_user, role_options, ChangeRole, DeleteUser, Outcome},
    components::{
        report_role_changes, ConfirmAdminDialog, DeleteButton, DeleteDialog, PendingDelete,
        RoleForm, Status, StatusRegion,
    },
    directory::encode,
    routes::users::AccessDenied,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let change_role = ServerAction::<ChangeRole>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let user = Resource::new(
        move || (id.get(), change_role.version().get()),
        |(id, _)| get_user(id),
    );
    let roles = Resource::new(|| (), |_| role_options());

    let outcome = query
        .with_untracked(|q| q.get(Outcome::PARAM))
        .and_then(|raw| Outcome::from_param(&raw));
    let (initial_status, confirm_admin) = match outcome {
        Some(Outcome::Done(notice)) => (Some(Status::Done(notice)), false),
        Some(Outcome::Failed(error)) => (Some(Status::Failed(error)), false),
        Some(Outcome::ConfirmAdmin { .. }) => (None, true),
        _ => (None, false),
    };
    let open_delete = query.with_untracked(|q| q.get("delete").is_some());
    let status = RwSignal::new(initial_status);
    report_role_changes(change_role, status);
    let pending_delete = PendingDelete::new(None);

    // Once this user is deleted, their page has nothing left to show.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(Outcome::Done(_))) = delete.value().get() {
            navigate("/", Default::default());
        }
    });

    view! {
        <section class="page" aria-labelledby="user-heading">
            <p class="crumbs"><a href="/">"← All users"</a></p>
            <StatusRegion status />
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let roles = roles.await.unwrap_or_default();
                    match user.await {
                        Ok(user) => {
                            let back = format!("/users/{}", encode(&user.id));
                            if open_delete {
                                pending_delete.user.set(Some(user.clone()));
                            }
                            view! {
                                <h1 id="user-heading">{user.name.clone()}</h1>
                                <dl class="details">
                                    <dt>"Email"</dt>
                                    <dd>{user.email.clone()}</dd>
                                    <dt>"Role"</dt>
                                    <dd>{user.role.name.clone()}</dd>
                                    <dt>"ID"</dt>
                                    <dd class="id"><code>{user.id.clone()}</code> <CopyButton text=user.id.clone() /></dd>
                                </dl>
                                <div class="row-actions">
                                    <RoleForm user=user.clone() roles back=back.clone() action=change_role />
                                    <DeleteButton user=user.clone() pending=pending_delete status />
                                </div>
                                <DeleteDialog pending=pending_delete open=open_delete back=back.clone() status action=delete />
                                {confirm_admin.then(|| view! { <ConfirmAdminDialog user=user.clone() back=back.clone() /> })}
                            }
                            .into_any()
                        }
                        Err(error) if error.is_access_denied() => view! {
                            <h1 id="user-heading">"User not available"</h1>
                            <AccessDenied error />
                        }
                        .into_any(),
                        Err(error) => view! {
                            <h1 id="user-heading">"User not available"</h1>
                            <div class="banner error" role="alert">
                                <p>{error.to_string()}</p>
                                <a href="/">"Back to all users"</a>
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Copies text to the clipboard; it only appears once the page is interactive.
#[component]
fn CopyButton(text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <button
            type="button"
            class="secondary small"
            hidden=move || !hydrated.get()
            on:click=move |_| {
                let clipboard = window().navigator().clipboard();
                let _ = clipboard.write_text(&text);
                copied.set(true);
            }
        >
            {move || if copied.get() { "Copied" } else { "Copy ID" }}
        </button>
        <span class="visually-hidden" role="status">{move || copied.get().then_some("ID copied")}</span>
    }
}

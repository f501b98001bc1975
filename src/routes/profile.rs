//! `/profile`: who you are signed in as, and renaming yourself with your own PAT.

use crate::{
    account::RenameSelf,
    admin::Outcome,
    app::Account,
    components::{Status, StatusRegion, TextField},
    validation::{FieldErrors, PersonName},
};
use leptos::{html, prelude::*};
use leptos_router::{components::Redirect, hooks::use_query_map};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let account = expect_context::<Account>();
    let query = use_query_map();
    let outcome = query
        .with_untracked(|q| q.get(Outcome::PARAM))
        .and_then(|raw| Outcome::from_param(&raw));
    let (initial_status, echo, initial_errors) = match outcome {
        Some(Outcome::Done(notice)) => (Some(Status::Done(notice)), None, FieldErrors::default()),
        Some(Outcome::FormFailed { error, echo }) => {
            let fields = error.field_errors().cloned();
            let status = fields.is_none().then_some(Status::Failed(error));
            (status, Some(echo.name), fields.unwrap_or_default())
        }
        Some(Outcome::Failed(error)) => (Some(Status::Failed(error)), None, FieldErrors::default()),
        _ => (None, None, FieldErrors::default()),
    };
    let status = RwSignal::new(initial_status);
    let field_errors = RwSignal::new(initial_errors);
    let action = ServerAction::<RenameSelf>::new();
    let name = NodeRef::<html::Input>::new();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(Outcome::Done(notice))) => {
            field_errors.set(FieldErrors::default());
            status.set(Some(Status::Done(notice)));
            account.changed();
        }
        Some(Ok(Outcome::FormFailed { error, .. }))
        | Some(Ok(Outcome::Failed(error)))
        | Some(Err(error)) => match error.field_errors() {
            Some(fields) => field_errors.set(fields.clone()),
            None => status.set(Some(Status::Failed(error))),
        },
        _ => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = name.get_untracked().map(|n| n.value()).unwrap_or_default();
        // The same check the server makes, before anything is sent.
        match PersonName::parse(&value) {
            Err(e) => field_errors.set(FieldErrors {
                name: Some(e),
                ..Default::default()
            }),
            Ok(_) => {
                field_errors.set(FieldErrors::default());
                status.set(None);
                action.dispatch(RenameSelf { name: value });
            }
        }
    };
    let name_error = Signal::derive(move || field_errors.with(|f| f.name.clone()));

    view! {
        <section class="page narrow" aria-labelledby="profile-heading">
            <h1 id="profile-heading">"Your profile"</h1>
            <StatusRegion status />
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
                {move || {
                    let echo = echo.clone();
                    Suspend::new(async move {
                        match account.me.await {
                            Ok(Some(user)) => view! {
                                <dl class="details">
                                    <dt>"Name"</dt>
                                    <dd>{user.name.clone()}</dd>
                                    <dt>"Email"</dt>
                                    <dd>{user.email.clone()}</dd>
                                    <dt>"Role"</dt>
                                    <dd>{user.role.name.clone()}</dd>
                                </dl>
                                <form method="post" action="/api/rename_self" class="card" novalidate on:submit=on_submit>
                                    <h2>"Change your name"</h2>
                                    <TextField
                                        label="Name"
                                        id="profile-name"
                                        name="name"
                                        value=echo.unwrap_or(user.name)
                                        input_ref=name
                                        error=name_error
                                    />
                                    <div class="actions">
                                        <button type="submit" class="primary" disabled=move || action.pending().get()>
                                            "Save"
                                        </button>
                                    </div>
                                </form>
                            }
                            .into_any(),
                            _ => view! { <Redirect path="/login?next=/profile" /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

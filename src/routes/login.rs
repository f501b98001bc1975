//! `/login`: sign in with an Axiom personal access token.

use crate::validation::local_path;
use crate::{account::SignIn, admin::Outcome, app::Account, components::submitted_by_cancel};
use leptos::{html, prelude::*};
use leptos_router::hooks::{use_navigate, use_query_map};

/// Where to go after signing in: a local path only, never another site.
fn local_next(raw: Option<String>) -> String {
    raw.filter(|next| local_path(next).is_some())
        .unwrap_or_else(|| "/".to_owned())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let account = expect_context::<Account>();
    let query = use_query_map();
    let next = local_next(query.with_untracked(|q| q.get("next")));
    let from_url = query
        .with_untracked(|q| q.get(Outcome::PARAM))
        .and_then(|raw| Outcome::from_param(&raw));
    let error = RwSignal::new(match from_url {
        Some(Outcome::Failed(error)) => Some(error.to_string()),
        _ => None,
    });
    let action = ServerAction::<SignIn>::new();
    let token = NodeRef::<html::Input>::new();
    let navigate = use_navigate();
    let next_after = next.clone();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(Outcome::Done(_))) => {
            account.changed();
            navigate(&next_after, Default::default());
        }
        Some(Ok(Outcome::Failed(e))) | Some(Err(e)) => error.set(Some(e.to_string())),
        _ => {}
    });
    let next_for_submit = next.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if submitted_by_cancel(&ev) {
            return;
        }
        ev.prevent_default();
        let value = token.get_untracked().map(|t| t.value()).unwrap_or_default();
        error.set(None);
        action.dispatch(SignIn {
            token: value,
            next: next_for_submit.clone(),
        });
    };

    view! {
        <section class="page narrow" aria-labelledby="login-heading">
            <h1 id="login-heading">"Sign in"</h1>
            <p class="hint">
                "Sign in with one of your Axiom personal access tokens (Settings → Profile → Personal access tokens). "
                "Roster keeps it on its server, encrypted, and uses it only to act as you."
            </p>
            <form method="post" action="/api/sign_in" class="card" on:submit=on_submit>
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="login-token">"Personal access token"</label>
                    <input
                        node_ref=token
                        id="login-token"
                        name="token"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        required
                        aria-describedby="login-error"
                    />
                </div>
                <div role="alert" id="login-error">
                    {move || error.get().map(|e| view! { <p class="banner error">{e}</p> })}
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Sign in"
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::local_next;

    #[test]
    fn next_is_always_a_local_path() {
        assert_eq!(local_next(Some("/profile".into())), "/profile");
        assert_eq!(local_next(Some("//evil.example".into())), "/");
        assert_eq!(local_next(Some("https://evil.example".into())), "/");
        assert_eq!(local_next(None), "/");
    }
}

//! The error type of Roster's server functions: what the browser may be told, in the
//! words it is shown with. Every failure a page displays goes through here.

use crate::{axiom::AxiomError, validation::FieldErrors};
use leptos::{
    prelude::ServerFnError,
    server_fn::{
        codec::JsonEncoding,
        error::{FromServerFnError, ServerFnErrorErr},
    },
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Axiom refused or failed; its own words come from `AxiomError`.
    #[error("{0}")]
    Axiom(#[from] AxiomError),
    /// A form had bad input; each field's message is shown next to it.
    #[error("Check the highlighted fields; nothing was sent to Axiom.")]
    Invalid(FieldErrors),
    /// The change would leave the organization without an owner.
    #[error(
        "This is the organization's last owner. Every organization needs an owner, so they \
         cannot be removed or given another role; make someone else an owner in Axiom first."
    )]
    LastOwner,
    /// Owners are managed in Axiom itself: an API token may not grant or remove `owner`.
    #[error("Roster cannot grant or take away the owner role; an owner can do that in Axiom.")]
    OwnerRole,
    /// A sign-in with a token Axiom does not accept. One message for every reason, so
    /// it tells a guesser nothing.
    #[error("That token was not accepted.")]
    TokenNotAccepted,
    /// Too many sign-in attempts from one address.
    #[error("Too many attempts. Try again in {retry_after_secs} s.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The action needs a signed-in person.
    #[error("Sign in to do this.")]
    SignInRequired,
    /// `ADMIN_ACCESS=signed-in-admins` and the signed-in person is not an owner or admin.
    #[error("Only the organization's owners and admins may manage users here.")]
    AdminsOnly,
    /// The audit trail's database could not be read.
    #[error("The audit trail could not be read just now. Try again; if it keeps failing, Roster's log says why.")]
    AuditUnavailable,
    /// The request between the browser and Roster failed (network, bad arguments).
    #[error(
        "Roster's server could not be reached or did not understand the request. \
         Reload the page and try again."
    )]
    Transport,
}

impl AppError {
    /// Whether this is a refusal of access (a 403 page), not a failure.
    pub fn is_access_denied(&self) -> bool {
        matches!(self, Self::SignInRequired | Self::AdminsOnly)
    }

    /// The per-field messages, when the error is about form input.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Self::Invalid(fields) => Some(fields),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        // The detail can name internals; it goes to the log, not to the page.
        leptos::logging::warn!("server function transport error: {error}");
        Self::Transport
    }
}

impl From<ServerFnError> for AppError {
    fn from(_: ServerFnError) -> Self {
        Self::Transport
    }
}

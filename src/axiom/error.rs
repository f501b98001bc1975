//! Everything that can go wrong talking to Axiom, in words an admin understands.
//!
//! This enum crosses to the browser, so it holds only what is safe to show: our own
//! words, the operation, and Axiom's `message` field as plain text. Never a credential
//! and never an upstream body.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The call Roster was making, so that errors can say what it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    ListUsers,
    GetUser,
    CreateUser,
    UpdateRole,
    RemoveUser,
    CurrentUser,
    Rename,
    ListRoles,
}

impl Operation {
    /// The API-token permission Axiom checks for this call, if any (the others need a PAT).
    pub fn permission(self) -> Option<&'static str> {
        match self {
            Self::ListUsers | Self::GetUser => Some("users|read"),
            Self::CreateUser => Some("users|create"),
            Self::UpdateRole => Some("users|update"),
            Self::RemoveUser => Some("users|delete"),
            Self::ListRoles => Some("rbac|read"),
            Self::CurrentUser | Self::Rename => None,
        }
    }

    /// Whether sending the request twice does no more than sending it once. A create is
    /// not: a repeated invite could invite twice.
    pub fn safe_to_retry(self) -> bool {
        !matches!(self, Self::CreateUser | Self::Rename)
    }

    fn describe(self) -> &'static str {
        match self {
            Self::ListUsers => "list users",
            Self::GetUser => "read a user",
            Self::CreateUser => "invite users",
            Self::UpdateRole => "change roles",
            Self::RemoveUser => "remove users",
            Self::CurrentUser => "read your own user",
            Self::Rename => "rename you",
            Self::ListRoles => "list roles",
        }
    }
}

/// Why Axiom could not be reached or did not answer usefully.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unavailable {
    /// Axiom answered with this 5xx status.
    Status(u16),
    /// No connection could be made.
    Unreachable,
    /// No answer within the deadline.
    TimedOut,
}

/// An Axiom call that did not succeed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AxiomError {
    /// 401/403: the credential was rejected or lacks the permission the operation needs.
    Refused {
        operation: Operation,
        message: Option<String>,
    },
    /// 404.
    NotFound { message: Option<String> },
    /// 409.
    AlreadyExists { message: Option<String> },
    /// 400/422: Axiom found the request itself wrong.
    Rejected { message: Option<String> },
    /// 429, with how long to wait when Axiom said.
    RateLimited { retry_after_secs: Option<u64> },
    /// 5xx, refused connection or timeout, after any retries.
    Unavailable(Unavailable),
    /// An answer that is not JSON, not the documented shape, or an unexpected status.
    InvalidResponse { detail: String },
}

impl AxiomError {
    /// Whether the same request may succeed if simply sent again later.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::RateLimited { .. })
    }
}

fn axiom_said(f: &mut fmt::Formatter<'_>, message: &Option<String>) -> fmt::Result {
    match message {
        Some(message) => write!(f, " Axiom said: “{message}”"),
        None => Ok(()),
    }
}

impl fmt::Display for AxiomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused { operation, message } => {
                match operation.permission() {
                    Some(permission) => write!(
                        f,
                        "Axiom refused to {}: the API token was not accepted or lacks the \
                         “{permission}” permission. Check the token in Axiom's settings.",
                        operation.describe()
                    )?,
                    None => write!(
                        f,
                        "Axiom refused to {}: the personal access token was not accepted.",
                        operation.describe()
                    )?,
                }
                axiom_said(f, message)
            }
            Self::NotFound { message } => {
                f.write_str("Axiom has no such user; they may have been removed already.")?;
                axiom_said(f, message)
            }
            Self::AlreadyExists { message } => {
                f.write_str("That email address is already a member of the organization.")?;
                axiom_said(f, message)
            }
            Self::Rejected { message } => {
                f.write_str("Axiom rejected the request.")?;
                axiom_said(f, message)
            }
            Self::RateLimited {
                retry_after_secs: Some(secs),
            } => write!(
                f,
                "Axiom is rate limiting requests. Try again in {secs} s."
            ),
            Self::RateLimited {
                retry_after_secs: None,
            } => f.write_str("Axiom is rate limiting requests. Try again in a minute."),
            Self::Unavailable(Unavailable::Status(status)) => write!(
                f,
                "Axiom is unavailable (it answered {status}). Nothing was changed; try again shortly."
            ),
            Self::Unavailable(Unavailable::Unreachable) => f.write_str(
                "Axiom could not be reached. Check the network and AXIOM_URL, then try again.",
            ),
            Self::Unavailable(Unavailable::TimedOut) => {
                f.write_str("Axiom did not answer in time. Try again shortly.")
            }
            Self::InvalidResponse { detail } => write!(
                f,
                "Axiom sent an answer Roster does not understand ({detail}). Check AXIOM_URL."
            ),
        }
    }
}

impl std::error::Error for AxiomError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_missing_permission() {
        let err = AxiomError::Refused {
            operation: Operation::CreateUser,
            message: Some("forbidden".into()),
        };
        let text = err.to_string();
        assert!(text.contains("users|create"), "{text}");
        assert!(text.contains("“forbidden”"), "{text}");
    }

    #[test]
    fn rate_limits_say_how_long_to_wait() {
        let err = AxiomError::RateLimited {
            retry_after_secs: Some(7),
        };
        assert!(err.to_string().contains("7 s"));
    }

    #[test]
    fn only_idempotent_operations_are_retried() {
        assert!(!Operation::CreateUser.safe_to_retry());
        assert!(Operation::ListUsers.safe_to_retry());
        assert!(Operation::UpdateRole.safe_to_retry());
        assert!(Operation::RemoveUser.safe_to_retry());
    }
}

//! What a form post led to. With JavaScript the page learns it from the server
//! function's answer; without, the server redirects back with it in the URL
//! (`?outcome=…`), so the page can show the same message or reopen the same form.

use crate::{directory::encode, errors::AppError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A success worth telling the admin about, announced in the page's status region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    Invited {
        name: String,
        email: String,
    },
    RoleChanged {
        name: String,
        role: String,
    },
    Removed {
        name: String,
        email: String,
    },
    /// Axiom no longer knew the user: someone removed them first.
    AlreadyRemoved,
    /// The list was fetched afresh from Axiom.
    Refreshed,
    SignedIn {
        name: String,
    },
    SignedOut,
    Renamed {
        name: String,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invited { name, email } => write!(f, "Invited {name} ({email})."),
            Self::RoleChanged { name, role } => write!(f, "{name} is now {role}."),
            Self::Removed { name, email } => {
                write!(f, "Removed {name} ({email}) from the organization.")
            }
            Self::AlreadyRemoved => {
                f.write_str("That user was already removed from the organization.")
            }
            Self::SignedIn { name } => write!(f, "Signed in as {name}."),
            Self::Refreshed => f.write_str("The list is fresh from Axiom."),
            Self::SignedOut => f.write_str("You are signed out."),
            Self::Renamed { name } => write!(f, "Your name is now {name}."),
        }
    }
}

/// What was typed into the create form, to put back after a failed plain post.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEcho {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// The result of a plain (JavaScript-free) form post, as carried in the URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Done(Notice),
    Failed(AppError),
    /// A form failed (create, rename): show it again with what was typed and why.
    FormFailed {
        error: AppError,
        echo: FormEcho,
    },
    /// Granting admin needs a second, confirming post.
    ConfirmAdmin {
        id: String,
    },
}

impl Outcome {
    /// The URL parameter that carries an outcome.
    pub const PARAM: &'static str = "outcome";

    /// `back` (a local path, perhaps with a query) with this outcome added.
    pub fn append_to(&self, back: &str) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let separator = if back.contains('?') { '&' } else { '?' };
        format!("{back}{separator}{}={}", Self::PARAM, encode(&json))
    }

    /// Reads an outcome from its URL parameter; anything malformed is ignored.
    pub fn from_param(raw: &str) -> Option<Self> {
        serde_json::from_str(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_through_the_url() {
        let outcome = Outcome::FormFailed {
            error: AppError::LastOwner,
            echo: FormEcho {
                name: "Hedy & co".into(),
                email: "hedy@example.com".into(),
                role: "user".into(),
            },
        };
        let url = outcome.append_to("/?q=a");
        assert!(url.starts_with("/?q=a&outcome="), "{url}");
        let raw = url.split("outcome=").nth(1).unwrap();
        let decoded = percent_decode(raw);
        assert_eq!(Outcome::from_param(&decoded), Some(outcome));
        assert_eq!(Outcome::from_param("garbage"), None);
        assert!(Outcome::ConfirmAdmin { id: "u".into() }
            .append_to("/users/u")
            .starts_with("/users/u?outcome="));
    }

    fn percent_decode(raw: &str) -> String {
        let bytes = raw.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&raw[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
}

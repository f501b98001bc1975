//! What Roster accepts as a name or an email, in one place: the server checks with it
//! before calling Axiom, and the browser with the same code for instant feedback.
//! Each type can only hold a valid value ("parse, don't validate").

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest name Roster accepts, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A person's display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

/// An email address that is well-formed (`local@domain.tld`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

/// Why a value was not accepted, in words to show next to the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum InvalidInput {
    #[error("Enter a name.")]
    NameMissing,
    #[error("Use at most {MAX_NAME_CHARS} characters.")]
    NameTooLong,
    #[error("Remove the control characters (such as tabs or line breaks).")]
    NameHasControlCharacters,
    #[error("Enter an email address.")]
    EmailMissing,
    #[error("Enter an email address such as name@example.com.")]
    EmailMalformed,
    #[error("Choose one of the roles on offer.")]
    RoleNotOffered,
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let name = raw.trim();
        if name.is_empty() {
            Err(InvalidInput::NameMissing)
        } else if name.chars().count() > MAX_NAME_CHARS {
            Err(InvalidInput::NameTooLong)
        } else if name.chars().any(char::is_control) {
            Err(InvalidInput::NameHasControlCharacters)
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let email = raw.trim();
        if email.is_empty() {
            return Err(InvalidInput::EmailMissing);
        }
        if email.len() > 254 {
            return Err(InvalidInput::EmailMalformed);
        }
        let (local, domain) = email.split_once('@').ok_or(InvalidInput::EmailMalformed)?;
        if is_local_part(local) && is_domain(domain) {
            Ok(Self(email.to_owned()))
        } else {
            Err(InvalidInput::EmailMalformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || SPECIALS.contains(c)
                || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
        })
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// The per-field problems of a form, each shown next to its field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors {
    pub name: Option<InvalidInput>,
    pub email: Option<InvalidInput>,
    pub role: Option<InvalidInput>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.role.is_none()
    }
}

/// An invitation that passed every check: who, at which address, with which role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub name: PersonName,
    pub email: EmailAddress,
    pub role_id: String,
}

impl NewUser {
    /// Checks all three fields at once, so every problem is reported together.
    /// `offered` lists the role ids the form offers.
    pub fn parse(
        name: &str,
        email: &str,
        role_id: &str,
        offered: &[&str],
    ) -> Result<Self, FieldErrors> {
        let name = PersonName::parse(name);
        let email = EmailAddress::parse(email);
        let role_ok = offered.contains(&role_id);
        match (name, email, role_ok) {
            (Ok(name), Ok(email), true) => Ok(Self {
                name,
                email,
                role_id: role_id.to_owned(),
            }),
            (name, email, role_ok) => Err(FieldErrors {
                name: name.err(),
                email: email.err(),
                role: (!role_ok).then_some(InvalidInput::RoleNotOffered),
            }),
        }
    }
}

/// `raw` if it is a path on this site, never another origin (`//host`, `https://…`,
/// `/\\host`): the only places Roster redirects to after a form.
pub fn local_path(raw: &str) -> Option<&str> {
    let local = raw.starts_with('/') && !raw.starts_with("//") && !raw.contains('\\');
    local.then_some(raw)
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PersonName::parse("  Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert_eq!(PersonName::parse("   "), Err(InvalidInput::NameMissing));
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse(&"é".repeat(101)),
            Err(InvalidInput::NameTooLong)
        );
        assert_eq!(
            PersonName::parse("Ada\nLovelace"),
            Err(InvalidInput::NameHasControlCharacters)
        );
        assert_eq!(
            PersonName::parse("Ada\u{7}"),
            Err(InvalidInput::NameHasControlCharacters)
        );
    }

    #[test]
    fn emails_must_be_well_formed() {
        for good in ["ada@example.com", "a.b+tag@mail.example.co.uk", " x@y.io "] {
            assert!(EmailAddress::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "a b@example.com",
            "ada@exa mple.com",
            ".ada@example.com",
            "ada..l@example.com",
            "ada@-x.com",
            "ada@example.c0m",
            "ada@example..com",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(InvalidInput::EmailMalformed),
                "{bad}"
            );
        }
        assert_eq!(EmailAddress::parse(""), Err(InvalidInput::EmailMissing));
    }

    #[test]
    fn a_new_user_reports_every_bad_field_at_once() {
        let offered = ["admin", "user"];
        let ok = NewUser::parse(" Hedy ", "hedy@example.com", "user", &offered).unwrap();
        assert_eq!((ok.name.as_str(), ok.role_id.as_str()), ("Hedy", "user"));
        let errors = NewUser::parse("", "nope", "owner", &offered).unwrap_err();
        assert_eq!(
            errors,
            FieldErrors {
                name: Some(InvalidInput::NameMissing),
                email: Some(InvalidInput::EmailMalformed),
                role: Some(InvalidInput::RoleNotOffered),
            }
        );
    }

    #[test]
    fn html_is_just_text_in_a_name() {
        // Escaping is the renderer's job; the name keeps exactly what was typed.
        assert_eq!(PersonName::parse("<b>x</b>").unwrap().as_str(), "<b>x</b>");
    }
}

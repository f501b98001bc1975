//! A wrapper for credentials, so that no `{:?}`, `{}` or log line can print one.

use std::fmt;

/// A credential held by the server: Roster's API token or a person's PAT.
///
/// It has no `Display`, its `Debug` prints a placeholder, and it is not `Serialize`,
/// so it cannot reach a page, a server-function answer or a log line by accident.
/// Reading it takes an explicit [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The credential itself, for the one place that sends it: an HTTP header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("xaat-very-secret");
        let printed = format!("{secret:?} {:#?}", Some(&secret));
        assert!(!printed.contains("very-secret"), "{printed}");
    }
}

//! Search, filter, sort and paging over the org's user list. `GET /v2/users` has none
//! of these, so Roster does them itself, in plain Rust that unit tests reach.

use crate::axiom::User;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

/// What the users table shows, as it appears in the URL (`?q=&role=&sort=&page=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserQuery {
    /// Case-insensitive substring of the name or the email.
    pub q: String,
    /// A role id, or empty for every role.
    pub role: String,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    #[default]
    Name,
    Email,
    Role,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// Parses `name`, `-email` and so on; anything else is the default order.
    pub fn parse(raw: &str) -> Self {
        let (descending, key) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let key = match key {
            "email" => SortKey::Email,
            "role" => SortKey::Role,
            _ => SortKey::Name,
        };
        Self { key, descending }
    }

    pub fn as_param(self) -> String {
        let key = match self.key {
            SortKey::Name => "name",
            SortKey::Email => "email",
            SortKey::Role => "role",
        };
        if self.descending {
            format!("-{key}")
        } else {
            key.to_owned()
        }
    }
}

impl UserQuery {
    /// Reads the query from URL parameters; missing or malformed ones take defaults.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            q: get("q").unwrap_or_default().trim().to_owned(),
            role: get("role").unwrap_or_default(),
            sort: Sort::parse(&get("sort").unwrap_or_default()),
            page: get("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// The URL query string for this view, leaving out defaults.
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode(&self.q)));
        }
        if !self.role.is_empty() {
            parts.push(format!("role={}", encode(&self.role)));
        }
        if self.sort != Sort::default() {
            parts.push(format!("sort={}", self.sort.as_param()));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        query_string(&parts)
    }
}

/// One page of the table, with the counts the page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub rows: Vec<User>,
    /// Users in the org.
    pub total: usize,
    /// Users matching the search and filter.
    pub matching: usize,
    /// The page shown (clamped to the pages there are).
    pub page: usize,
    pub pages: usize,
}

/// Applies a query to the whole org's list.
pub fn apply(users: &[User], query: &UserQuery) -> UsersPage {
    let needle = query.q.to_lowercase();
    let mut matching: Vec<&User> = users
        .iter()
        .filter(|u| query.role.is_empty() || u.role.id == query.role)
        .filter(|u| {
            needle.is_empty()
                || contains_folded(&u.name, &needle)
                || contains_folded(&u.email, &needle)
        })
        .collect();
    let compare = |a: &&User, b: &&User| -> Ordering {
        let primary = match query.sort.key {
            SortKey::Name => cmp_folded(&a.name, &b.name),
            SortKey::Email => cmp_folded(&a.email, &b.email),
            SortKey::Role => cmp_folded(&a.role.name, &b.role.name),
        };
        let primary = if query.sort.descending {
            primary.reverse()
        } else {
            primary
        };
        // Ties read by name, then id, in ascending order whichever way the column
        // sorts, so the order is stable across requests.
        primary
            .then_with(|| cmp_folded(&a.name, &b.name))
            .then_with(|| a.id.cmp(&b.id))
    };
    matching.sort_unstable_by(compare);
    let pages = matching.len().div_ceil(PAGE_SIZE).max(1);
    let page = query.page.clamp(1, pages);
    let rows = matching
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|u| (*u).clone())
        .collect();
    UsersPage {
        rows,
        total: users.len(),
        matching: matching.len(),
        page,
        pages,
    }
}

/// Case-insensitive substring test that allocates only for non-ASCII text.
fn contains_folded(haystack: &str, lowercase_needle: &str) -> bool {
    if haystack.is_ascii() && lowercase_needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), lowercase_needle.as_bytes());
        n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        haystack.to_lowercase().contains(lowercase_needle)
    }
}

fn cmp_folded(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
    }
}

/// `?a=1&b=2` from already-encoded `key=value` parts; nothing at all for none.
pub fn query_string(parts: &[String]) -> String {
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters: safe in a query
/// value and in a path segment alike (an id can never change which endpoint is called).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axiom::RoleRef;

    fn user(id: &str, name: &str, email: &str, role: &str) -> User {
        User {
            id: id.into(),
            name: name.into(),
            email: email.into(),
            role: RoleRef {
                id: role.into(),
                name: role.into(),
            },
        }
    }

    fn org() -> Vec<User> {
        vec![
            user("1", "Ada Lovelace", "ada@example.com", "owner"),
            user("2", "grace Hopper", "grace@navy.mil", "admin"),
            user("3", "Alan Turing", "alan@example.com", "user"),
            user("4", "Émile Borel", "emile@example.fr", "user"),
        ]
    }

    fn names(page: &UsersPage) -> Vec<&str> {
        page.rows.iter().map(|u| u.name.as_str()).collect()
    }

    #[test]
    fn searches_name_and_email_ignoring_case() {
        let q = |text: &str| UserQuery {
            q: text.into(),
            ..Default::default()
        };
        assert_eq!(names(&apply(&org(), &q("ADA"))), ["Ada Lovelace"]);
        assert_eq!(names(&apply(&org(), &q("navy"))), ["grace Hopper"]);
        assert_eq!(names(&apply(&org(), &q("émile"))), ["Émile Borel"]);
        let none = apply(&org(), &q("zzz"));
        assert_eq!(
            (none.matching, none.total, none.pages, none.page),
            (0, 4, 1, 1)
        );
    }

    #[test]
    fn filters_by_role() {
        let page = apply(
            &org(),
            &UserQuery {
                role: "user".into(),
                ..Default::default()
            },
        );
        assert_eq!(names(&page), ["Alan Turing", "Émile Borel"]);
        assert_eq!(page.matching, 2);
    }

    #[test]
    fn sorts_both_ways_case_insensitively() {
        let sorted = |sort: &str| {
            names(&apply(
                &org(),
                &UserQuery {
                    sort: Sort::parse(sort),
                    ..Default::default()
                },
            ))
            .join(",")
        };
        assert_eq!(
            sorted("name"),
            "Ada Lovelace,Alan Turing,grace Hopper,Émile Borel"
        );
        assert_eq!(
            sorted("-name"),
            "Émile Borel,grace Hopper,Alan Turing,Ada Lovelace"
        );
        assert_eq!(
            sorted("email"),
            "Ada Lovelace,Alan Turing,Émile Borel,grace Hopper"
        );
        assert_eq!(
            sorted("-role"),
            "Alan Turing,Émile Borel,Ada Lovelace,grace Hopper"
        );
    }

    #[test]
    fn pages_hold_fifty_and_clamp() {
        let many: Vec<User> = (0..120)
            .map(|n| {
                user(
                    &format!("{n:03}"),
                    &format!("User {n:03}"),
                    &format!("u{n}@x.io"),
                    "user",
                )
            })
            .collect();
        let page = |n| {
            apply(
                &many,
                &UserQuery {
                    page: n,
                    ..Default::default()
                },
            )
        };
        assert_eq!(page(1).rows.len(), 50);
        assert_eq!(page(3).rows.len(), 20);
        assert_eq!(page(3).rows[0].name, "User 100");
        assert_eq!(page(99).page, 3, "past the end shows the last page");
        assert_eq!(page(1).pages, 3);
    }

    #[test]
    fn the_url_round_trips() {
        let query = UserQuery {
            q: "a&b c".into(),
            role: "read-only".into(),
            sort: Sort::parse("-email"),
            page: 2,
        };
        let text = query.to_query_string();
        assert_eq!(text, "?q=a%26b%20c&role=read-only&sort=-email&page=2");
        assert_eq!(UserQuery::default().to_query_string(), "");
        let parsed = UserQuery::from_params(|k| match k {
            "q" => Some("a&b c".into()),
            "role" => Some("read-only".into()),
            "sort" => Some("-email".into()),
            "page" => Some("2".into()),
            _ => None,
        });
        assert_eq!(parsed, query);
        assert_eq!(
            UserQuery::from_params(|k| (k == "page").then(|| "-3".into())).page,
            1
        );
    }
}

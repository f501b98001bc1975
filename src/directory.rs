//! Search, filter, sort and paging over the org's user list. `GET /v2/users` has none
//! of these, so Roster does them itself, in plain Rust that unit tests reach.

use crate::axiom::User;
use serde::{Deserialize, Serialize};

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

/// The org's users, prepared for the table: each user's name, email and role name
/// folded to lowercase once, and each sort order computed on first use. One is built
/// per fetched list and kept in the user-list cache, so a page view sorts nothing: it
/// walks a ready order, filters, and takes fifty.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default)]
pub struct Directory {
    users: Vec<User>,
    folded: Vec<Folded>,
    /// Indexes into `users`, one order per sort key and direction.
    orders: [std::sync::OnceLock<Vec<u32>>; 6],
    /// Set at a sort's first view: that view selects its page instead of sorting
    /// everyone, so a freshly fetched list (every view, with the cache off) answers
    /// sooner; the full order is built at the second.
    viewed: [std::sync::OnceLock<()>; 6],
}

#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
struct Folded {
    name: String,
    email: String,
    role: String,
}

#[cfg(feature = "ssr")]
impl std::ops::Deref for Directory {
    type Target = [User];

    fn deref(&self) -> &[User] {
        &self.users
    }
}

#[cfg(feature = "ssr")]
impl Directory {
    pub fn new(users: Vec<User>) -> Self {
        let folded = users
            .iter()
            .map(|u| Folded {
                name: fold(&u.name),
                email: fold(&u.email),
                role: fold(&u.role.name),
            })
            .collect();
        Self {
            users,
            folded,
            orders: Default::default(),
            viewed: Default::default(),
        }
    }

    /// Changes the list (a change made through Roster); the orders follow on next use.
    pub fn edit(&mut self, change: impl FnOnce(&mut Vec<User>)) {
        let mut users = std::mem::take(&mut self.users);
        change(&mut users);
        *self = Self::new(users);
    }

    /// How users `a` and `b` compare in `sort`'s order (the rule `order` sorts by).
    fn compare(&self, sort: Sort, a: usize, b: usize) -> std::cmp::Ordering {
        let (fa, fb) = (&self.folded[a], &self.folded[b]);
        let primary = match sort.key {
            SortKey::Name => fa.name.cmp(&fb.name),
            SortKey::Email => fa.email.cmp(&fb.email),
            SortKey::Role => fa.role.cmp(&fb.role),
        };
        let primary = if sort.descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| (&fa.name, &self.users[a].id).cmp(&(&fb.name, &self.users[b].id)))
    }

    /// The users' indexes in `sort`'s order. Ties read by name, then id, ascending
    /// whichever way the column sorts, so the order is stable across requests.
    fn order(&self, sort: Sort) -> &[u32] {
        let slot = sort.key as usize * 2 + usize::from(sort.descending);
        self.orders[slot].get_or_init(|| {
            let key = |i: u32| -> &str {
                let folded = &self.folded[i as usize];
                match sort.key {
                    SortKey::Name => &folded.name,
                    SortKey::Email => &folded.email,
                    SortKey::Role => &folded.role,
                }
            };
            // Sorting (key, name, id, index) side by side keeps the comparisons in cache.
            let mut keyed: Vec<(&str, &str, &str, u32)> = (0..self.users.len() as u32)
                .map(|i| {
                    let n = i as usize;
                    (key(i), &*self.folded[n].name, &*self.users[n].id, i)
                })
                .collect();
            keyed.sort_unstable_by(|a, b| {
                let primary = a.0.cmp(b.0);
                let primary = if sort.descending {
                    primary.reverse()
                } else {
                    primary
                };
                primary.then_with(|| (a.1, a.2).cmp(&(b.1, b.2)))
            });
            keyed.into_iter().map(|(_, _, _, i)| i).collect()
        })
    }

    /// One page of the table for `query`.
    pub fn page(&self, query: &UserQuery) -> UsersPage {
        let needle = fold(&query.q);
        let filtered = !query.role.is_empty() || !needle.is_empty();
        let matches = |i: usize| {
            (query.role.is_empty() || self.users[i].role.id == query.role)
                && (needle.is_empty()
                    || self.folded[i].name.contains(&needle)
                    || self.folded[i].email.contains(&needle))
        };
        let matching = if filtered {
            (0..self.users.len()).filter(|&i| matches(i)).count()
        } else {
            self.users.len()
        };
        let pages = matching.div_ceil(PAGE_SIZE).max(1);
        let page = query.page.clamp(1, pages);
        let slot = query.sort.key as usize * 2 + usize::from(query.sort.descending);
        let first_view = self.orders[slot].get().is_none() && self.viewed[slot].set(()).is_ok();
        let rows = if first_view {
            // Select the users up to this page's end, then sort just those.
            let mut candidates: Vec<usize> = (0..self.users.len())
                .filter(|&i| !filtered || matches(i))
                .collect();
            let start = (page - 1) * PAGE_SIZE;
            let end = (start + PAGE_SIZE).min(candidates.len());
            let compare = |a: &usize, b: &usize| self.compare(query.sort, *a, *b);
            if end < candidates.len() {
                candidates.select_nth_unstable_by(end, compare);
                candidates.truncate(end);
            }
            candidates.sort_unstable_by(compare);
            candidates[start.min(end)..]
                .iter()
                .map(|&i| self.users[i].clone())
                .collect()
        } else {
            self.order(query.sort)
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| !filtered || matches(i))
                .skip((page - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
                .map(|i| self.users[i].clone())
                .collect()
        };
        UsersPage {
            rows,
            total: self.users.len(),
            matching,
            page,
            pages,
        }
    }
}

/// Applies a query to a list, preparing it first (the tests' way in).
/// Text as the table compares it: lowercase, with accents dropped, so "Émile" sorts
/// among the e's and a search for "emile" or "garcia" finds "Émile" and "García".
#[cfg(feature = "ssr")]
fn fold(text: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
fn apply(users: &[User], query: &UserQuery) -> UsersPage {
    Directory::new(users.to_vec()).page(query)
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
        // Accents are ignored either way: the name, not the email, matches these.
        assert_eq!(names(&apply(&org(), &q("emile bo"))), ["Émile Borel"]);
        assert_eq!(names(&apply(&org(), &q("ÉMILE BÓ"))), ["Émile Borel"]);
        let none = apply(&org(), &q("zzz"));
        assert_eq!(
            (none.matching, none.total, none.pages, none.page),
            (0, 4, 1, 1)
        );
    }

    #[test]
    fn a_prepared_list_follows_its_edits() {
        let mut directory = Directory::new(org());
        let by_name = UserQuery::default();
        assert_eq!(names(&directory.page(&by_name))[0], "Ada Lovelace");
        directory.edit(|users| {
            users.push(user("5", "aaron Zed", "aaron@example.com", "user"));
            users.retain(|u| u.id != "1");
        });
        let page = directory.page(&by_name);
        assert_eq!(
            names(&page),
            ["aaron Zed", "Alan Turing", "Émile Borel", "grace Hopper"]
        );
        let search = UserQuery {
            q: "AARON".into(),
            ..Default::default()
        };
        assert_eq!(names(&directory.page(&search)), ["aaron Zed"]);
    }

    #[test]
    fn a_first_view_selects_the_same_page_the_full_order_gives() {
        // 317 users with repeating names, so ties (broken by id) matter too.
        let users: Vec<User> = (0..317)
            .map(|n| {
                let name = format!("{} {}", ["Émile", "ada", "Zoë", "bo"][n % 4], n % 7);
                let role = ["user", "admin", "read-only"][n % 3];
                user(
                    &format!("usr_{n:03}"),
                    &name,
                    &format!("p{}@x.org", n % 11),
                    role,
                )
            })
            .collect();
        for sort in ["name", "-name", "email", "-email", "role", "-role"] {
            for page in 1..=8 {
                for q in ["", "ada", "zoe"] {
                    let query = UserQuery {
                        q: q.into(),
                        sort: Sort::parse(sort),
                        page,
                        ..Default::default()
                    };
                    let directory = Directory::new(users.clone());
                    let selected = directory.page(&query);
                    let ordered = directory.page(&query);
                    assert!(directory.orders.iter().any(|o| o.get().is_some()));
                    assert_eq!(selected, ordered, "{sort} page {page} q={q}");
                }
            }
        }
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
            "Ada Lovelace,Alan Turing,Émile Borel,grace Hopper"
        );
        assert_eq!(
            sorted("-name"),
            "grace Hopper,Émile Borel,Alan Turing,Ada Lovelace"
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

//! One module per page.

mod users;

pub use users::UsersPage;

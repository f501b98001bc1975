//! One module per page.

mod user;
mod users;

pub use user::UserPage;
pub use users::UsersPage;

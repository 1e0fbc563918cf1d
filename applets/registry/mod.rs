//! Registry commands: pull, push, login/logout, search, and the server.

pub mod gc;
pub mod login;
pub mod logout;
pub mod pull;
pub mod push;
pub mod search;
pub mod serve;

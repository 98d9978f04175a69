//! What the API and the pages share as faces of HTTP: how an error becomes a
//! status, the session and CSRF cookies, who is calling from where, and the headers
//! every response carries. Both faces use this module; neither uses the other.
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod headers;
pub mod metrics;
pub mod session;

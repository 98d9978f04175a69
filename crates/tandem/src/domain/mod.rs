//! Newtypes and rules: what a valid value is, and what may happen next.
pub mod lifecycle;
pub mod values;

pub use lifecycle::*;
pub use values::*;

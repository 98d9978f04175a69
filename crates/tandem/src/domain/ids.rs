//! Ids that say what they name. Ids are opaque strings everywhere (SPEC §5); where
//! a function takes ids of different things, each comes wrapped in the kind it
//! is, so that two passed in the wrong order do not compile:
//! `used_capacity(db, ProgramId(p), PersonId(m))`. They borrow the string they name.
//!
//! ```compile_fail
//! use tandem::domain::ids::{PersonId, ProgramId};
//! fn places_taken(program: ProgramId<'_>, mentor: PersonId<'_>) {}
//! let (program, mentor) = ("p-1", "u-7");
//! places_taken(PersonId(mentor), ProgramId(program)); // swapped: does not compile
//! ```
//!
//! ```
//! use tandem::domain::ids::{PersonId, ProgramId};
//! fn places_taken(program: ProgramId<'_>, mentor: PersonId<'_>) {}
//! let (program, mentor) = ("p-1", "u-7");
//! places_taken(ProgramId(program), PersonId(mentor));
//! ```
macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name<'a>(pub &'a str);

        impl<'a> $name<'a> {
            pub fn as_str(self) -> &'a str {
                self.0
            }
        }

        impl std::fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
    )+};
}

ids!(
    /// An account: a mentor, a mentee, a coordinator, an author.
    PersonId,
    ProgramId,
    MentorshipId,
    MeetingId,
    RoundId,
);

/// A mentor and a mentee, named, so that neither can be taken for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairing<'a> {
    pub mentor: PersonId<'a>,
    pub mentee: PersonId<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_the_string_it_names() {
        let id = ProgramId("p-1");
        assert_eq!(id.as_str(), "p-1");
        assert_eq!(id.to_string(), "p-1");
        let pair = Pairing {
            mentor: PersonId("a"),
            mentee: PersonId("b"),
        };
        assert_ne!(pair.mentor, pair.mentee);
    }
}

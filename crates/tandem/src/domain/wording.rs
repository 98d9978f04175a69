//! Words written for whoever reads them: the mentee reads about the mentor, the
//! mentor about the mentee (in the third person), someone who oversees about both.
//! The engine's "why this match" sentences follow the same readers
//! (`tandem_match::Reader`); the pages take their headings from here.

/// Who reads a relationship's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Mentee,
    Mentor,
    /// A coordinator or admin: status and dates, never the request's texts.
    Overseer,
}

impl Reader {
    /// The reader of a relationship, by the role they hold in it (if any).
    pub fn of_role(role: Option<crate::domain::wire::Role>) -> Reader {
        match role {
            Some(crate::domain::wire::Role::Mentor) => Reader::Mentor,
            Some(_) => Reader::Mentee,
            None => Reader::Overseer,
        }
    }

    /// The engine's reader of "why this match".
    pub fn engine(self) -> tandem_match::Reader {
        match self {
            Reader::Mentee => tandem_match::Reader::Mentee,
            Reader::Mentor => tandem_match::Reader::Mentor,
            Reader::Overseer => tandem_match::Reader::Coordinator,
        }
    }
}

/// The headings of a request's three texts (introduction, reasons, ask), for `reader`;
/// `mentee` and `mentor` are the two people's names.
pub fn request_headings(reader: Reader, mentee: &str, mentor: &str) -> [String; 3] {
    match reader {
        Reader::Mentee => [
            "How you introduced yourself".into(),
            format!("Why you asked {mentor}"),
            "What you ask".into(),
        ],
        Reader::Mentor => [
            format!("How {mentee} introduces themselves"),
            "Why they ask you".into(),
            "What they ask of you".into(),
        ],
        Reader::Overseer => [
            format!("{mentee}'s introduction"),
            format!("Why {mentee} asked {mentor}"),
            format!("What {mentee} asks"),
        ],
    }
}

/// How a count reads: "1 mentee", "3 mentees", "no mentees".
pub fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mentee_reads_about_their_own_request() {
        let h = request_headings(Reader::Mentee, "Ada", "Grace");
        assert_eq!(h[0], "How you introduced yourself");
        assert_eq!(h[1], "Why you asked Grace");
    }

    #[test]
    fn the_mentor_reads_about_the_mentee_in_the_third_person() {
        let h = request_headings(Reader::Mentor, "Ada", "Grace");
        assert_eq!(h[0], "How Ada introduces themselves");
        assert_eq!(h[2], "What they ask of you");
        assert!(!h.iter().any(|s| s.contains("yourself")));
    }

    #[test]
    fn someone_who_oversees_reads_names_not_you() {
        for h in request_headings(Reader::Overseer, "Ada", "Grace") {
            assert!(!h.to_lowercase().contains("you"), "{h}");
        }
    }

    #[test]
    fn counts_read_right() {
        assert_eq!(count(1, "mentee", "mentees"), "1 mentee");
        assert_eq!(count(2, "mentee", "mentees"), "2 mentees");
        assert_eq!(count(0, "mentee", "mentees"), "no mentees");
    }

    #[test]
    fn readers_by_role() {
        use crate::domain::wire::Role;
        assert_eq!(Reader::of_role(Some(Role::Mentor)), Reader::Mentor);
        assert_eq!(Reader::of_role(Some(Role::Mentee)), Reader::Mentee);
        assert_eq!(Reader::of_role(None), Reader::Overseer);
    }
}

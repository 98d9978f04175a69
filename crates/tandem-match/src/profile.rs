//! What the engine knows about people and programs: profiles, program kind, weights.

use std::collections::BTreeMap;

/// Seniority levels in increasing order of experience (SPEC §5 profile).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seniority {
    Student,
    Junior,
    Mid,
    Senior,
    Lead,
    Executive,
}

impl Seniority {
    /// 0 for `student` … 5 for `executive`.
    pub fn level(self) -> i32 {
        self as i32
    }
    /// The wire name (`"mid"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Seniority::Student => "student",
            Seniority::Junior => "junior",
            Seniority::Mid => "mid",
            Seniority::Senior => "senior",
            Seniority::Lead => "lead",
            Seniority::Executive => "executive",
        }
    }
}

/// How a person learns best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LearningStyle {
    Visual,
    Auditory,
    ReadingWriting,
    Kinesthetic,
}

impl LearningStyle {
    /// Words for a sentence: "by seeing", …
    pub fn describe(self) -> &'static str {
        match self {
            LearningStyle::Visual => "by seeing (visual)",
            LearningStyle::Auditory => "by listening (auditory)",
            LearningStyle::ReadingWriting => "by reading and writing",
            LearningStyle::Kinesthetic => "by doing (kinesthetic)",
        }
    }
}

/// How a person prefers to meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MeetingPreference {
    Video,
    InPerson,
    Phone,
    Chat,
    Any,
}

impl MeetingPreference {
    /// Words for a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            MeetingPreference::Video => "video calls",
            MeetingPreference::InPerson => "meeting in person",
            MeetingPreference::Phone => "phone calls",
            MeetingPreference::Chat => "chat",
            MeetingPreference::Any => "any way of meeting",
        }
    }
}

/// The program's kind decides which seniority direction fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProgramKind {
    /// Mentor more experienced.
    Traditional,
    /// Within one level of each other.
    Peer,
    /// Mentor more junior than the mentee.
    Reverse,
    /// One mentor, several mentees; mentor more experienced.
    Group,
}

/// A person's profile as far as matching needs it. Lists are compared case-insensitively
/// after trimming.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Stable identifier (e.g. the account id); the same id on both sides (compared
    /// trimmed and lower-cased) is "oneself".
    pub id: String,
    /// E-mail address, compared with the other person's `manager_email`.
    pub email: String,
    /// E-mail address of the person's manager, if known.
    pub manager_email: Option<String>,
    pub field: Option<String>,
    pub seniority: Option<Seniority>,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub values: Vec<String>,
    /// Highest education, e.g. "MSc computer science".
    pub education: Option<String>,
    /// Background tags, e.g. "career changer", "first-generation student".
    pub background: Vec<String>,
    pub languages: Vec<String>,
    /// Current UTC offset in minutes (see [`crate::utc_offset_minutes`] for IANA names).
    pub utc_offset_minutes: Option<i32>,
    pub learning_style: Option<LearningStyle>,
    pub meeting_preference: Option<MeetingPreference>,
    pub hours_per_month: Option<u32>,
}

/// A mentee in a program: the profile and the skills they want to learn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mentee {
    pub profile: Profile,
    pub wants_skills: Vec<String>,
}

/// A mentor in a program: the profile and how many more mentees they can take now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mentor {
    pub profile: Profile,
    /// Places left (program capacity minus relationships already using it).
    pub capacity: u32,
}

/// The criteria, in a fixed order, with their names as used in program `weights`.
pub const CRITERIA: [&str; 10] = [
    "skills",
    "field",
    "values",
    "seniority",
    "interests",
    "background",
    "learning_style",
    "meeting_preference",
    "availability",
    "timezone",
];

/// Weight of each criterion, 0…10; 0 switches a criterion off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights(pub [u8; 10]);

impl Default for Weights {
    /// skills 5, field 3, values 3, seniority 3, the others 1.
    fn default() -> Self {
        Weights([5, 3, 3, 3, 1, 1, 1, 1, 1, 1])
    }
}

impl Weights {
    /// Weight of a named criterion, `None` for an unknown name.
    pub fn get(&self, criterion: &str) -> Option<u8> {
        CRITERIA
            .iter()
            .position(|&c| c == criterion)
            .map(|k| self.0[k])
    }

    /// Defaults overridden by the given map; unknown names and values above 10 are refused
    /// with a message a coordinator understands.
    pub fn from_map(map: &BTreeMap<String, u8>) -> Result<Self, String> {
        let mut w = Weights::default();
        for (name, &v) in map {
            let Some(k) = CRITERIA.iter().position(|&c| c == name) else {
                return Err(format!(
                    "unknown criterion {name:?}; known: {}",
                    CRITERIA.join(", ")
                ));
            };
            if v > 10 {
                return Err(format!("{name} must be a whole number from 0 to 10"));
            }
            w.0[k] = v;
        }
        Ok(w)
    }

    pub(crate) fn total(&self) -> u32 {
        self.0.iter().map(|&w| u32::from(w)).sum()
    }
}

//! Sealed columns (SPEC §7): one declaration per column, in [`sealed_columns!`]
//! below, makes it a [`Sealed`] field of its entity — stored as a ciphertext
//! bound to its table, column and row, opened as it is read — and a row of
//! [`SEALED`], which the sealing of old rows, `tandem keys rotate` and `tandem
//! keys check` walk. A new content column is sealed by adding it there and
//! giving its entity field the marker's type.
//!
//! The key is the process's: [`install`] puts it in place before the store is
//! used (the server does at start, after checking it against the database).
use super::columns::TextList;
use crate::sealing::{Keyring, Place};
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value};
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

static KEYRING: RwLock<Option<Arc<Keyring>>> = RwLock::new(None);

/// Makes `keys` the ones values are sealed with from now on; what was installed
/// before still opens (a rotation, or a process that opens several databases).
pub fn install(keys: Keyring) {
    let mut slot = KEYRING.write().unwrap_or_else(|e| e.into_inner());
    let merged = match slot.as_deref() {
        Some(before) => keys.also_opening(before),
        None => keys,
    };
    *slot = Some(Arc::new(merged));
}

/// The installed keys; `None` before [`install`].
pub fn installed() -> Option<Arc<Keyring>> {
    KEYRING.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn keys() -> Arc<Keyring> {
    installed().expect("the store seals content only once a key is installed (sealing::install)")
}

/// The installed keys, or the error a read gets without them.
fn keys_to_open() -> Result<Arc<Keyring>, TryGetError> {
    installed().ok_or_else(|| {
        TryGetError::DbErr(DbErr::Type(
            "no key is loaded, so sealed content cannot be opened".into(),
        ))
    })
}

/// Values opened (or sealed) before, by where they are and what is stored, so
/// that a row read again unchanged — the relationship every request of a pair
/// loads, after each write moves the read caches on — is not opened again. A
/// ciphertext found in another row or column is another key here, and is
/// opened (and refused) as anywhere else. In memory only, bounded in size.
struct Opened {
    entries: moka::sync::Cache<OpenedAt, Arc<str>>,
}

#[derive(Clone, Hash, PartialEq, Eq)]
struct OpenedAt {
    table: &'static str,
    column: &'static str,
    row: String,
    stored: String,
}

impl OpenedAt {
    fn of<C: SealedColumn>(row: String, stored: String) -> OpenedAt {
        OpenedAt {
            table: C::TABLE,
            column: C::COLUMN,
            row,
            stored,
        }
    }
}

/// Bytes of opened text (with their keys) kept at most.
const OPENED_BYTES: u64 = 32 << 20;

static OPENED: std::sync::LazyLock<Opened> = std::sync::LazyLock::new(|| Opened {
    entries: moka::sync::Cache::builder()
        .max_capacity(OPENED_BYTES)
        .weigher(|at: &OpenedAt, text: &Arc<str>| {
            (64 + at.row.len() + at.stored.len() + text.len())
                .try_into()
                .unwrap_or(u32::MAX)
        })
        .build(),
});

/// Forgets every text kept opened (after an erasure: nothing deleted lingers
/// there, though nothing deleted could be asked for again).
pub fn forget_opened() {
    OPENED.entries.invalidate_all();
}

impl Opened {
    fn remember(&self, at: OpenedAt, text: Arc<str>) {
        // Nothing to keep for the empty text, which opens to itself.
        if !at.stored.is_empty() {
            self.entries.insert(at, text);
        }
    }
}

/// What a sealed column holds, as text before it is sealed.
pub trait SealedValue: Clone + PartialEq + Eq + Default + Send + Sync + 'static {
    fn to_text(&self) -> String;
    fn from_text(text: &str) -> Option<Self>;
}

impl SealedValue for String {
    fn to_text(&self) -> String {
        self.clone()
    }
    fn from_text(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

impl SealedValue for TextList {
    fn to_text(&self) -> String {
        if self.0.is_empty() {
            // As the column's default: nothing to hide.
            return String::new();
        }
        serde_json::to_string(self).expect("a list of strings serialises")
    }
    fn from_text(text: &str) -> Option<Self> {
        if text.is_empty() {
            return Some(TextList::default());
        }
        serde_json::from_str(text).ok()
    }
}

/// One sealed column: where it is, how its row is named, what it holds.
pub trait SealedColumn: Send + Sync + 'static {
    type Value: SealedValue;
    const TABLE: &'static str;
    const COLUMN: &'static str;
    /// The columns that name a row, joined by `/` in the associated data.
    const ROW: &'static [&'static str];
}

/// A sealed column as the batch work sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumnInfo {
    pub table: &'static str,
    pub column: &'static str,
    pub row: &'static [&'static str],
}

/// The value of a sealed column: its text, and the row it belongs to. Built
/// with [`Sealed::new`] (or [`Sealed::replaced`] for a new text in the same
/// row); sealed when written, opened when read.
pub struct Sealed<C: SealedColumn> {
    value: C::Value,
    row: String,
    /// What the database holds for this value, when it came from there unchanged.
    stored: Option<String>,
    _column: PhantomData<C>,
}

impl<C: SealedColumn> Sealed<C> {
    /// `value`, to be written in the row named `row` (its id, or its key columns
    /// joined by `/`: see [`row_of`]).
    pub fn new(row: impl Into<String>, value: impl Into<C::Value>) -> Self {
        Sealed {
            value: value.into(),
            row: row.into(),
            stored: None,
            _column: PhantomData,
        }
    }

    /// Another value in the same row.
    pub fn replaced(&self, value: impl Into<C::Value>) -> Self {
        Sealed::new(self.row.clone(), value)
    }

    pub fn value(&self) -> &C::Value {
        &self.value
    }

    pub fn into_value(self) -> C::Value {
        self.value
    }

    fn place(&self) -> Place<'_> {
        Place {
            table: C::TABLE,
            column: C::COLUMN,
            row: &self.row,
        }
    }

    fn stored_text(&self) -> String {
        match &self.stored {
            Some(s) => s.clone(),
            None => {
                let text = self.value.to_text();
                let stored = keys().seal(self.place(), &text);
                // Read back after the write (a returning insert), it opens from memory.
                OPENED.remember(
                    OpenedAt::of::<C>(self.row.clone(), stored.clone()),
                    text.into(),
                );
                stored
            }
        }
    }
}

/// The row name of a table keyed by several columns.
pub fn row_of(parts: &[&str]) -> String {
    parts.join("/")
}

impl<C: SealedColumn> Clone for Sealed<C> {
    fn clone(&self) -> Self {
        Sealed {
            value: self.value.clone(),
            row: self.row.clone(),
            stored: self.stored.clone(),
            _column: PhantomData,
        }
    }
}

impl<C: SealedColumn> std::ops::Deref for Sealed<C> {
    type Target = C::Value;
    fn deref(&self) -> &C::Value {
        &self.value
    }
}

/// Changing the value in place: it is sealed afresh when written.
impl<C: SealedColumn> std::ops::DerefMut for Sealed<C> {
    fn deref_mut(&mut self) -> &mut C::Value {
        self.stored = None;
        &mut self.value
    }
}

impl<C: SealedColumn> PartialEq for Sealed<C> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<C: SealedColumn> Eq for Sealed<C> {}

/// The text, where a page or an e-mail shows it.
impl<C: SealedColumn<Value = String>> std::fmt::Display for Sealed<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.value)
    }
}

impl<C: SealedColumn> AsRef<C::Value> for Sealed<C> {
    fn as_ref(&self) -> &C::Value {
        &self.value
    }
}

/// Never the text: a debug print may end up in a log.
impl<C: SealedColumn> std::fmt::Debug for Sealed<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({}.{} of {})", C::TABLE, C::COLUMN, self.row)
    }
}

impl<C: SealedColumn> From<Sealed<C>> for Value {
    fn from(v: Sealed<C>) -> Value {
        Value::String(Some(v.stored_text()))
    }
}

fn unopenable(column: impl std::fmt::Debug, row: &str, why: impl std::fmt::Display) -> TryGetError {
    TryGetError::DbErr(DbErr::Type(format!(
        "column {column:?} of row {row} does not open: {why}"
    )))
}

impl<C: SealedColumn> TryGetable for Sealed<C> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        let stored = String::try_get_by(res, idx)?;
        // Read with a prefix ("m_agenda"): the row's key columns carry the same one.
        let name = idx.as_str().ok_or_else(|| {
            TryGetError::DbErr(DbErr::Type(format!(
                "{}.{} is read by name, with its row's key",
                C::TABLE,
                C::COLUMN
            )))
        })?;
        let prefix = name.strip_suffix(C::COLUMN).unwrap_or("");
        let mut parts = Vec::with_capacity(C::ROW.len());
        for key in C::ROW {
            parts.push(res.try_get::<String>(prefix, key).map_err(|_| {
                TryGetError::DbErr(DbErr::Type(format!(
                    "{}.{} is read without its row's {key}",
                    C::TABLE,
                    C::COLUMN
                )))
            })?);
        }
        let row = if parts.len() == 1 {
            parts.pop().unwrap_or_default()
        } else {
            parts.join("/")
        };
        let at = OpenedAt::of::<C>(row, stored);
        let known = if at.stored.is_empty() {
            Some(Arc::from(""))
        } else {
            OPENED.entries.get(&at)
        };
        let text = match known {
            Some(text) => text,
            None => {
                let place = Place {
                    table: C::TABLE,
                    column: C::COLUMN,
                    row: &at.row,
                };
                let text: Arc<str> = keys_to_open()?
                    .open(place, &at.stored)
                    .map_err(|e| unopenable(idx, &at.row, e))?
                    .into();
                OPENED.remember(at.clone(), text.clone());
                text
            }
        };
        let OpenedAt { row, stored, .. } = at;
        let value = C::Value::from_text(&text)
            .ok_or_else(|| unopenable(idx, &row, "what it holds is not what the column keeps"))?;
        Ok(Sealed {
            value,
            row,
            stored: Some(stored),
            _column: PhantomData,
        })
    }
}

/// Values come back from `Value` only on sea-orm's dynamic path (a model's
/// changed columns set one by one): they keep what is stored, as it is.
impl<C: SealedColumn> ValueType for Sealed<C> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        let stored = <String as ValueType>::try_from(v)?;
        Ok(Sealed {
            value: C::Value::default(),
            row: String::new(),
            stored: Some(stored),
            _column: PhantomData,
        })
    }
    fn type_name() -> String {
        format!("Sealed<{}.{}>", C::TABLE, C::COLUMN)
    }
    fn array_type() -> ArrayType {
        ArrayType::String
    }
    fn column_type() -> ColumnType {
        ColumnType::Text
    }
}

impl<C: SealedColumn> Nullable for Sealed<C> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<C: SealedColumn> IntoActiveValue<Sealed<C>> for Sealed<C> {
    fn into_active_value(self) -> sea_orm::ActiveValue<Sealed<C>> {
        sea_orm::ActiveValue::Set(self)
    }
}

/// Declares the sealed columns: for each, a marker type (the entity field is
/// `Sealed<Marker>`) and a row of [`SEALED`].
macro_rules! sealed_columns {
    ($($table:literal $row:tt {
        $($marker:ident: $column:literal => $value:ty),+ $(,)?
    })+) => {
        $($(
            #[doc = concat!("`", $table, ".", $column, "`, sealed.")]
            pub struct $marker;
            impl SealedColumn for $marker {
                type Value = $value;
                const TABLE: &'static str = $table;
                const COLUMN: &'static str = $column;
                const ROW: &'static [&'static str] = &$row;
            }
        )+)+
        /// Every sealed column, in the order the batch work walks them.
        pub const SEALED: &[SealedColumnInfo] = &[
            $($(SealedColumnInfo { table: $table, column: $column, row: &$row },)+)+
        ];
    };
}

sealed_columns! {
    "users" ["id"] {
        UserCalendarToken: "calendar_token" => String,
    }
    "mentorships" ["id"] {
        MentorshipIntro: "intro" => String,
        MentorshipReasons: "reasons" => String,
        MentorshipAsk: "ask" => String,
        MentorshipDeclineReason: "decline_reason" => String,
        MentorshipEndNote: "end_note" => String,
    }
    "agreements" ["mentorship_id"] {
        AgreementGoals: "goals" => String,
        AgreementChannel: "channel" => String,
        AgreementBoundaries: "boundaries" => String,
        AgreementConfidentiality: "confidentiality" => String,
    }
    "meetings" ["id"] {
        MeetingLocation: "location" => String,
        MeetingAgenda: "agenda" => TextList,
        MeetingSharedNotes: "shared_notes" => String,
    }
    "private_notes" ["meeting_id", "author_id"] {
        PrivateNoteBody: "body" => String,
    }
    "action_items" ["id"] {
        ActionItemTitle: "title" => String,
    }
    "goals" ["id"] {
        GoalTitle: "title" => String,
        GoalDescription: "description" => String,
    }
    "milestones" ["id"] {
        MilestoneTitle: "title" => String,
        MilestoneDescription: "description" => String,
    }
    "feedback" ["id"] {
        FeedbackWentWell: "went_well" => String,
        FeedbackToImprove: "to_improve" => String,
        FeedbackEncouragement: "encouragement" => String,
    }
    "kudos" ["id"] {
        KudosMessage: "message" => String,
    }
    "messages" ["id"] {
        MessageBody: "body" => String,
    }
    "introductions" ["id"] {
        IntroductionNote: "note" => String,
    }
    "reflections" ["mentorship_id", "user_id"] {
        ReflectionText: "text" => String,
    }
    "checkin_answers" ["checkin_id", "question_id"] {
        CheckinAnswerText: "text" => String,
    }
    "surveys" ["id"] {
        SurveyComment: "comment" => String,
    }
    // What an e-mail to a member quotes of the pair's content, until it is sent.
    "emails" ["id"] {
        EmailSubject: "subject" => String,
        EmailBody: "body" => String,
        EmailCalendar: "calendar" => String,
    }
}

/// The text columns that are not sealed, and why: everything else a table holds
/// as text is in [`SEALED`]. A test holds the schema to the two lists, so a new
/// text column is sealed or said here why not.
pub const NOT_SEALED: &[(&str, &[&str], &str)] = &[
    (
        "*",
        &[
            "id",
            "user_id",
            "program_id",
            "mentorship_id",
            "meeting_id",
            "goal_id",
            "author_id",
            "owner_id",
            "person_id",
            "mentor_id",
            "mentee_id",
            "round_id",
            "question_id",
            "checkin_id",
            "session_id",
            "actor_id",
            "object_id",
            "created_by",
            "updated_by",
            "merged_into",
            "key",
        ],
        "ids",
    ),
    (
        "*",
        &[
            "status",
            "origin",
            "role",
            "kind",
            "purpose",
            "part",
            "horizon",
            "health",
            "end_reason",
            "objective",
            "action",
            "object_type",
            "seniority",
            "learning_style",
            "meeting_preference",
            "context",
            "version",
            "month",
        ],
        "closed sets and versions: states, not words anyone wrote",
    ),
    (
        "*",
        &[
            "token_hash",
            "password_hash",
            "hash",
            "calendar_token_hash",
            "check_value",
        ],
        "hashes, and the sealed value a key is checked with",
    ),
    (
        "users",
        &["email", "name"],
        "who a person is: signing in and being found need them readable",
    ),
    (
        "profiles",
        &[
            "field",
            "headline",
            "bio",
            "known_for",
            "skills",
            "interests",
            "values",
            "education",
            "languages",
            "timezone",
            "location",
            "department",
            "manager_email",
        ],
        "a person's profile, shown to the programs they join and matched on",
    ),
    (
        "directory_words",
        &["word"],
        "the profile's words, for finding mentors",
    ),
    (
        "enrollments",
        &["wants_skills", "goals_summary", "sort_key"],
        "what a person enrols with, for matching",
    ),
    (
        "plans",
        &[
            "strengths",
            "improve",
            "short_term_goals",
            "long_term_goals",
        ],
        "one person's own career plan, before any pair",
    ),
    (
        "availability",
        &["timezone", "location", "windows"],
        "a mentor's office hours, shown to every mentee",
    ),
    ("away", &["note"], "what a person shows others while away"),
    (
        "shortlist_entries",
        &["connection"],
        "a person's own note on whom they shortlisted",
    ),
    (
        "programs",
        &["name", "description", "weights"],
        "the program, as its coordinators describe it",
    ),
    (
        "checkin_questions",
        &["text"],
        "the coordinators' questions",
    ),
    (
        "checkin_answers",
        &["number"],
        "a scale's answer, counted in the report",
    ),
    ("rounds", &["unmatched_mentee_ids"], "ids"),
    (
        "round_pairs",
        &["explanation"],
        "scores drawn from profiles",
    ),
    (
        "introductions",
        &["contact_name", "contact_email"],
        "whom an introduction goes to, as an e-mail is addressed",
    ),
    (
        "emails",
        &["to_name", "to_address", "last_error"],
        "how an e-mail is addressed and why it failed",
    ),
    (
        "sessions",
        &["user_agent"],
        "the browser a session was signed in from, for its list",
    ),
    (
        "login_failures",
        &["throttle_key"],
        "what sign-ins are throttled by",
    ),
    ("seaql_migrations", &["version"], "the schema's migrations"),
    ("sealing_keys", &["key_id"], "which key, never the key"),
];

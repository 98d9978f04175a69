//! How the domain's values sit in columns: closed sets as their wire names, lists
//! and weights as JSON text. A value a column cannot hold back is an error that
//! names the column and what it found, never a silent default.
use crate::domain::office_hours::Windows;
use crate::domain::values::Weights;
use crate::domain::wire::{
    Criterion, EndReason, GoalStatus, Health, Horizon, LearningStyle, MeetingPreference,
    MeetingStatus, MentorshipStatus, MilestoneStatus, Notification, Objective, Origin,
    ProgramContext, ProgramKind, QuestionKind, Role, RoundStatus, Seniority,
};
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value};

/// The error for a value a column cannot hold, naming the row by its `id` where
/// the query read one.
fn unreadable(
    res: &QueryResult,
    column: impl std::fmt::Debug,
    found: &str,
    wanted: &str,
) -> TryGetError {
    let row = match res.try_get::<String>("", "id") {
        Ok(id) => format!("row {id}: "),
        Err(_) => String::new(),
    };
    TryGetError::DbErr(DbErr::Type(format!(
        "{row}column {column:?} holds {found:?}, which is not {wanted}"
    )))
}

/// Declares how a value sits in a text column: written as `to_text`, read back by
/// `from_text`, refused with `wanted` in the error when it does not read.
macro_rules! text_column {
    ($t:ty, $column_type:expr, $to_text:expr, $from_text:expr, $wanted:expr) => {
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::String(Some($to_text(&v)))
            }
        }
        impl TryGetable for $t {
            fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
                let raw = String::try_get_by(res, idx)?;
                $from_text(&raw).ok_or_else(|| unreadable(res, idx, &raw, $wanted))
            }
        }
        impl ValueType for $t {
            fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
                let raw = <String as ValueType>::try_from(v)?;
                $from_text(&raw).ok_or(ValueTypeErr)
            }
            fn type_name() -> String {
                stringify!($t).to_string()
            }
            fn array_type() -> ArrayType {
                ArrayType::String
            }
            fn column_type() -> ColumnType {
                $column_type
            }
        }
        impl Nullable for $t {
            fn null() -> Value {
                Value::String(None)
            }
        }
        impl IntoActiveValue<$t> for $t {
            fn into_active_value(self) -> sea_orm::ActiveValue<$t> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    };
}

/// A closed set, by its wire names (exactly as written, nothing trimmed).
macro_rules! wire_columns {
    ($($t:ident => $len:literal),+ $(,)?) => {$(
        text_column!(
            $t,
            ColumnType::String(StringLen::N($len)),
            |v: &$t| v.as_str().to_string(),
            |raw: &str| $t::ALL.iter().copied().find(|v| v.as_str() == raw),
            concat!("a ", stringify!($t))
        );
    )+};
}

wire_columns!(
    Role => 10,
    ProgramKind => 20,
    ProgramContext => 20,
    Seniority => 20,
    LearningStyle => 20,
    MeetingPreference => 20,
    Origin => 20,
    EndReason => 30,
    MentorshipStatus => 20,
    RoundStatus => 12,
    Objective => 10,
    Criterion => 30,
    Horizon => 10,
    GoalStatus => 12,
    MilestoneStatus => 12,
    MeetingStatus => 12,
    Health => 20,
    Notification => 40,
    QuestionKind => 10,
);

/// A value kept as JSON text.
macro_rules! json_columns {
    ($($t:ty => $what:literal),+ $(,)?) => {$(
        text_column!(
            $t,
            ColumnType::Text,
            |v: &$t| serde_json::to_string(v).expect("serialises"),
            |raw: &str| serde_json::from_str::<$t>(raw).ok(),
            $what
        );
    )+};
}

/// A list of strings (skills, languages, ids…), kept as a JSON array.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct TextList(pub Vec<String>);

impl From<Vec<String>> for TextList {
    fn from(v: Vec<String>) -> Self {
        TextList(v)
    }
}

json_columns!(
    TextList => "a JSON list of strings",
    Weights => "a JSON object of the ten criteria's weights",
    Windows => "a JSON list of weekly windows",
);

/// A typed id is bound as the string it names.
macro_rules! id_values {
    ($($id:ident),+) => {$(
        impl From<crate::domain::ids::$id<'_>> for Value {
            fn from(id: crate::domain::ids::$id<'_>) -> Value {
                id.0.into()
            }
        }
    )+};
}
id_values!(PersonId, ProgramId, MentorshipId, MeetingId, RoundId);

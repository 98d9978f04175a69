//! The mentor directory's words: each person's name and searchable profile texts
//! cut into words (`domain::words`), one row a word, so that "starts a word" is a
//! range over an index on both databases. Every write of a name or a profile
//! ends in [`reindex`], here, so the words never lag what they index; an erased
//! account's words go with it (their foreign key cascades).
use super::entities::{directory_word, profile, user};
use super::sql::{col, model, rows, select_prefixed, IN_CHUNK};
use crate::domain::words::{language_key, prefix_bound, words};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter};

/// Where in a person's profile a word stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Name, headline, known for, bio.
    Text,
    Field,
    Skill,
    /// A whole language, lower-cased (matched whole, never by its start).
    Language,
}

impl Part {
    const fn as_str(self) -> &'static str {
        match self {
            Part::Text => "text",
            Part::Field => "field",
            Part::Skill => "skill",
            Part::Language => "language",
        }
    }
}

/// The parts free text (`q`) looks in.
pub const FREE_TEXT: &[Part] = &[Part::Text, Part::Field, Part::Skill];

/// Rows per insert: three values a row, well under both databases' limits.
const INSERT_ROWS: usize = 5_000;

/// A person's rows, `(part, word)`, each once.
fn rows_of(name: &str, p: Option<&profile::Model>) -> Vec<(Part, String)> {
    let mut out: Vec<(Part, String)> = Vec::new();
    let mut add = |part: Part, word: String| {
        if !out.iter().any(|(p, w)| *p == part && *w == word) {
            out.push((part, word));
        }
    };
    words(name).into_iter().for_each(|w| add(Part::Text, w));
    let Some(p) = p else { return out };
    for text in [&p.headline, &p.known_for, &p.bio] {
        words(text).into_iter().for_each(|w| add(Part::Text, w));
    }
    words(&p.field)
        .into_iter()
        .for_each(|w| add(Part::Field, w));
    for skill in &p.skills.0 {
        words(skill).into_iter().for_each(|w| add(Part::Skill, w));
    }
    for language in &p.languages.0 {
        let key = language_key(language);
        if !key.is_empty() {
            add(Part::Language, key);
        }
    }
    out
}

/// Rewrites these people's words from their names and profiles as they stand
/// in this transaction. Every writer of a name or a profile calls it.
pub async fn reindex(db: &impl ConnectionTrait, people: &[String]) -> Result<(), DbErr> {
    for chunk in people.chunks(IN_CHUNK) {
        let mut q = Query::select();
        q.from_as(user::Entity, Alias::new("u"))
            .join_as(
                JoinType::LeftJoin,
                profile::Entity,
                Alias::new("p"),
                col("p", "user_id").equals((Alias::new("u"), Alias::new("id"))),
            )
            .expr_as(col("u", "id"), Alias::new("id"))
            .expr_as(col("u", "name"), Alias::new("name"))
            .expr_as(col("p", "user_id").is_not_null(), Alias::new("has_profile"))
            .and_where(col("u", "id").is_in(chunk.iter().cloned()));
        select_prefixed::<profile::Entity>(&mut q, "p", "p_");
        let mut fresh: Vec<directory_word::ActiveModel> = Vec::new();
        for r in rows(db, &q).await? {
            let id: String = r.try_get("", "id")?;
            let name: String = r.try_get("", "name")?;
            let has_profile: bool = r.try_get("", "has_profile")?;
            let p = if has_profile {
                Some(model::<profile::Entity>(&r, "p_")?)
            } else {
                None
            };
            for (part, word) in rows_of(&name, p.as_ref()) {
                fresh.push(
                    directory_word::Model {
                        person_id: id.clone(),
                        part: part.as_str().to_string(),
                        word,
                    }
                    .into_active_model(),
                );
            }
        }
        directory_word::Entity::delete_many()
            .filter(directory_word::Column::PersonId.is_in(chunk.iter().cloned()))
            .exec(db)
            .await?;
        for rows in fresh.chunks(INSERT_ROWS) {
            directory_word::Entity::insert_many(rows.to_vec())
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(())
}

/// The people with a word in one of `parts` that starts with `prefix` (a word
/// of `domain::words`), as a subquery.
pub fn starting_with(parts: &[Part], prefix: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(directory_word::Column::PersonId)
        .from(directory_word::Entity)
        .and_where(Expr::col(directory_word::Column::Word).gte(prefix))
        .and_where(Expr::col(directory_word::Column::Word).lt(prefix_bound(prefix)))
        .and_where(Expr::col(directory_word::Column::Part).is_in(parts.iter().map(|p| p.as_str())));
    q
}

/// The people who speak `language` (compared whole, lower-cased), as a subquery.
pub fn speaking(language: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(directory_word::Column::PersonId)
        .from(directory_word::Entity)
        .and_where(Expr::col(directory_word::Column::Word).eq(language_key(language)))
        .and_where(Expr::col(directory_word::Column::Part).eq(Part::Language.as_str()));
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::columns::TextList;

    #[test]
    fn a_person_is_indexed_by_name_texts_field_skills_and_whole_languages() {
        let mut p = profile::Model::empty("x");
        p.headline = "Leads data teams".into();
        p.field = "Software Engineering".into();
        p.skills = TextList(vec!["Public speaking".into(), "Leadership".into()]);
        p.languages = TextList(vec![" English ".into(), "Brazilian Portuguese".into()]);
        let rows = rows_of("Ada Lovelace", Some(&p));
        for (part, word) in [
            (Part::Text, "ada"),
            (Part::Text, "leads"),
            (Part::Field, "software"),
            (Part::Field, "engineering"),
            (Part::Skill, "leadership"),
            (Part::Language, "english"),
            (Part::Language, "brazilian portuguese"),
        ] {
            assert!(
                rows.iter().any(|(p, w)| *p == part && w == word),
                "{part:?} {word} in {rows:?}"
            );
        }
        assert!(!rows.iter().any(|(_, w)| w == "portuguese"));
    }

    #[test]
    fn without_a_profile_only_the_name_is_indexed() {
        assert_eq!(
            rows_of("Grace Hopper", None),
            [(Part::Text, "grace".into()), (Part::Text, "hopper".into())]
        );
    }
}

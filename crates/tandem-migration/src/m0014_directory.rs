//! The mentor directory's words (SPEC §7 Finding a mentor): each person's name
//! and searchable profile texts cut into lower-cased words, one row a word, so
//! that "the start of any word" is a range over an index on both databases
//! (`word >= 'soft' AND word < 'soft' || U+10FFFF`). On PostgreSQL the words
//! compare by code point (`COLLATE "C"`), as SQLite's `BINARY` does, so the range
//! means the same on both and its index serves it.
//!
//! The rows written so far are indexed here. The application keeps the table in
//! step from then on (its store rewrites a person's words whenever their name or
//! profile is written); the normaliser below is a copy of its rule as it stands
//! now, frozen with this migration like the rest of it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// People indexed a batch at a time.
const BATCH: u64 = 500;

/// The words of `text`: lower-cased (Unicode), split on what is neither a
/// letter nor a digit, each once.
fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() && !out.iter().any(|w| w == word) {
            out.push(word.to_string());
        }
    }
    out
}

/// A JSON list of texts as the profiles keep them; nothing when it is not one.
fn list(raw: Option<String>) -> Vec<String> {
    raw.and_then(|r| serde_json::from_str::<Vec<String>>(&r).ok())
        .unwrap_or_default()
}

/// One person's rows: `(part, word)`.
fn rows_of(
    name: &str,
    texts: &[Option<String>],
    field: Option<String>,
    skills: Vec<String>,
    languages: Vec<String>,
) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut add = |part: &'static str, word: String| {
        if !out.iter().any(|(p, w)| *p == part && *w == word) {
            out.push((part, word));
        }
    };
    for w in words(name) {
        add("text", w);
    }
    for t in texts.iter().flatten() {
        for w in words(t) {
            add("text", w);
        }
    }
    for w in words(field.as_deref().unwrap_or("")) {
        add("field", w);
    }
    for s in &skills {
        for w in words(s) {
            add("skill", w);
        }
    }
    for l in &languages {
        let key = l.trim().to_lowercase();
        if !key.is_empty() {
            add("language", key);
        }
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let backend = m.get_database_backend();
        let mut word = text("word");
        if backend == DatabaseBackend::Postgres {
            word.extra("COLLATE \"C\"");
        }
        m.create_table(
            Table::create()
                .table("directory_words")
                .col(string_len("person_id", 36))
                .col(string_len("part", 10))
                .col(word)
                .primary_key(Index::create().col("person_id").col("part").col("word"))
                .foreign_key(
                    ForeignKey::create()
                        .from("directory_words", "person_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("directory_words_by_word")
                .table("directory_words")
                .col("word")
                .col("part")
                .col("person_id")
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let mut last = String::new();
        loop {
            let (u, p) = (Alias::new("u"), Alias::new("p"));
            let mut read = Query::select();
            read.column((u.clone(), Alias::new("id")))
                .column((u.clone(), Alias::new("name")))
                .columns(
                    [
                        "headline",
                        "known_for",
                        "bio",
                        "field",
                        "skills",
                        "languages",
                    ]
                    .map(|c| (p.clone(), Alias::new(c))),
                )
                .from_as(Alias::new("users"), u.clone())
                .join_as(
                    JoinType::LeftJoin,
                    Alias::new("profiles"),
                    p.clone(),
                    Expr::col((p.clone(), Alias::new("user_id")))
                        .equals((u.clone(), Alias::new("id"))),
                )
                .and_where(Expr::col((u.clone(), Alias::new("id"))).gt(last.clone()))
                .order_by((u.clone(), Alias::new("id")), Order::Asc)
                .limit(BATCH);
            let people = db.query_all(&read).await?;
            if people.is_empty() {
                break;
            }
            let mut values: Vec<(String, &'static str, String)> = Vec::new();
            for r in &people {
                let id: String = r.try_get("", "id")?;
                let name: String = r.try_get("", "name")?;
                let texts = [
                    r.try_get::<Option<String>>("", "headline")?,
                    r.try_get::<Option<String>>("", "known_for")?,
                    r.try_get::<Option<String>>("", "bio")?,
                ];
                for (part, w) in rows_of(
                    &name,
                    &texts,
                    r.try_get("", "field")?,
                    list(r.try_get("", "skills")?),
                    list(r.try_get("", "languages")?),
                ) {
                    values.push((id.clone(), part, w));
                }
                last = id;
            }
            for chunk in values.chunks(5_000) {
                let mut insert = Query::insert();
                insert
                    .into_table("directory_words")
                    .columns(["person_id", "part", "word"]);
                for (id, part, w) in chunk {
                    insert
                        .values([id.clone().into(), (*part).into(), w.clone().into()])
                        .map_err(|e| DbErr::Custom(e.to_string()))?;
                }
                m.exec_stmt(insert).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("directory_words").to_owned())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_indexed_by_name_texts_field_skills_and_whole_languages() {
        let rows = rows_of(
            "Ada Lovelace",
            &[Some("Leads data teams".into()), None, None],
            Some("Software Engineering".into()),
            vec!["Public speaking".into()],
            vec![" English ".into(), "Português".into()],
        );
        for expected in [
            ("text", "ada"),
            ("text", "leads"),
            ("field", "engineering"),
            ("skill", "speaking"),
            ("language", "english"),
            ("language", "português"),
        ] {
            assert!(
                rows.iter().any(|(p, w)| (*p, w.as_str()) == expected),
                "{expected:?} in {rows:?}"
            );
        }
    }

    #[test]
    fn words_are_lower_cased_with_unicode_and_split_on_non_alphanumerics() {
        assert_eq!(words("ÉCOLE, C++/Rust"), ["école", "c", "rust"]);
    }
}

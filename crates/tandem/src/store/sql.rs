//! Small pieces the named queries are built from: prefixed columns for joined
//! rows, keyset conditions, LIKE patterns that match literally, and rows read in
//! bulk as one JSON text.
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, SelectStatement};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult,
};

/// `table.column` as an expression.
pub fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// Selects every column of `E` from `table`, named `prefix` + column, so that
/// `E::Model::from_query_result(row, prefix)` reads it back.
pub fn select_prefixed<E: EntityTrait>(q: &mut SelectStatement, table: &str, prefix: &str) {
    for c in E::Column::iter() {
        let name = c.as_str();
        q.expr_as(col(table, name), Alias::new(format!("{prefix}{name}")));
    }
}

/// Reads the model of `E` from a joined row.
pub fn model<E: EntityTrait>(row: &QueryResult, prefix: &str) -> Result<E::Model, DbErr>
where
    E::Model: FromQueryResult,
{
    E::Model::from_query_result(row, prefix)
}

/// Runs a select and returns its rows.
pub async fn rows(
    db: &impl ConnectionTrait,
    q: &SelectStatement,
) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all(q).await
}

/// `lower(expr)`.
pub fn lower(expr: Expr) -> Expr {
    Func::lower(expr).into()
}

/// Rows that sort after `(key, id)` when ordered by `key ASC, id ASC`.
pub fn after_asc<V: Into<sea_orm::Value> + Clone>(
    key: Expr,
    id: Expr,
    at: V,
    at_id: String,
) -> Expr {
    key.clone().gt(at.clone()).or(key.eq(at).and(id.gt(at_id)))
}

/// Rows that sort after `(key, id)` when ordered by `key DESC, id DESC`.
pub fn after_desc<V: Into<sea_orm::Value> + Clone>(
    key: Expr,
    id: Expr,
    at: V,
    at_id: String,
) -> Expr {
    key.clone().lt(at.clone()).or(key.eq(at).and(id.lt(at_id)))
}

/// A LIKE pattern matching `needle` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains(needle: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(needle.len() + 2);
    escaped.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}

/// Rows read in bulk as JSON that the database builds: a statement's rows as one
/// JSON text, or each row as one. SQLite's driver hands every value of every row
/// from its thread to the caller's on its own, copied; for the tens of thousands
/// of rows of a program's report that costs more than the query itself. The
/// fragments given are this module's own SQL (columns and sub-selects written
/// in the store), never a value: values are bound in the statement around them.
pub mod json {
    use sea_orm::sea_query::{Alias, Expr, SelectStatement};
    use sea_orm::{ConnectionTrait, DbBackend, DbErr, StreamTrait};
    use serde::de::DeserializeOwned;

    /// The name of the one column a JSON statement selects.
    const COLUMN: &str = "json";

    /// `[a, b, …]` of the fragments, a row's values in order.
    pub fn array(backend: DbBackend, items: &[&str]) -> String {
        let items = items.join(", ");
        match backend {
            DbBackend::Postgres => format!("json_build_array({items})"),
            _ => format!("json_array({items})"),
        }
    }

    /// The JSON array of the plain value `item` over a sub-select's rows, in
    /// `order`: `(SELECT … FROM from WHERE filter)`, kept as JSON inside an array.
    /// An empty one is `[]` on SQLite and `null` on PostgreSQL.
    pub fn list(backend: DbBackend, item: &str, from: &str, filter: &str, order: &str) -> String {
        match backend {
            DbBackend::Postgres => {
                format!("(SELECT json_agg({item} ORDER BY {order}) FROM {from} WHERE {filter})")
            }
            // json() keeps it JSON: a sub-select's result reaches json_array as text.
            _ => format!(
                "json((SELECT json_group_array({item} ORDER BY {order}) FROM {from} WHERE {filter}))"
            ),
        }
    }

    /// Selects `row` (a JSON array of a row's values) as the statement's one
    /// column: every row's array in one JSON array when `whole`, else one a row.
    /// The whole array comes in no particular order.
    pub fn select(q: &mut SelectStatement, backend: DbBackend, row: &str, whole: bool) {
        let sql = match (backend, whole) {
            (DbBackend::Postgres, true) => format!("json_agg({row})::text"),
            (DbBackend::Postgres, false) => format!("({row})::text"),
            (_, true) => format!("json_group_array({row})"),
            (_, false) => row.to_string(),
        };
        q.expr_as(Expr::cust(sql), Alias::new(COLUMN));
    }

    fn parse<T: DeserializeOwned>(text: &str) -> Result<T, DbErr> {
        serde_json::from_str(text).map_err(|e| DbErr::Type(format!("a JSON row: {e}")))
    }

    /// The rows of a statement whose column `select` made `whole`.
    pub async fn all<T: DeserializeOwned>(
        db: &impl ConnectionTrait,
        q: &SelectStatement,
    ) -> Result<Vec<T>, DbErr> {
        let Some(row) = db.query_one(q).await? else {
            return Ok(Vec::new());
        };
        // No row at all: SQLite's `[]`, PostgreSQL's null.
        match row.try_get::<Option<String>>("", COLUMN)? {
            Some(text) => parse(&text),
            None => Ok(Vec::new()),
        }
    }

    /// The rows of a statement whose column `select` made one a row, one at a
    /// time as they arrive.
    pub async fn each<T: DeserializeOwned>(
        db: &(impl ConnectionTrait + StreamTrait),
        q: &SelectStatement,
        mut each: impl FnMut(T),
    ) -> Result<(), DbErr> {
        use futures_util::StreamExt;
        let mut stream = std::pin::pin!(db.stream(q).await?);
        while let Some(row) = stream.next().await {
            let text: String = row?.try_get("", COLUMN)?;
            each(parse(&text)?);
        }
        Ok(())
    }

    /// Reads a time as either database writes it into JSON: RFC 3339 with `T`
    /// or a blank between date and time, and an offset (a time without one is UTC).
    pub fn time<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error> {
        use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
        use serde::de::{Deserialize, Error};
        // Times hold no character JSON escapes, so they are read in place.
        let Some(text) = Option::<&'de str>::deserialize(d)? else {
            return Ok(None);
        };
        if let Ok(t) = text.parse::<DateTime<FixedOffset>>() {
            return Ok(Some(t.with_timezone(&Utc)));
        }
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(|t| Some(t.and_utc()))
            .ok_or_else(|| D::Error::custom(format!("not a time: {text:?}")))
    }

    /// `time` for a column that is never null.
    pub fn time_given<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<chrono::DateTime<chrono::Utc>, D::Error> {
        time(d)?.ok_or_else(|| serde::de::Error::custom("a time is missing"))
    }
}

/// Ids in chunks that stay well under both databases' limits on bound values.
pub const IN_CHUNK: usize = 900;

/// Writes the columns in which `after` differs from `before`, and only those: a
/// concurrent change to another column survives. Nothing changed, nothing written.
pub async fn update_changed<E>(
    db: &impl ConnectionTrait,
    before: E::Model,
    after: E::Model,
) -> Result<E::Model, DbErr>
where
    E: EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel> + Clone,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    use sea_orm::{ActiveModelTrait, IntoActiveModel, ModelTrait};
    let mut row = before.clone().into_active_model();
    let mut changed = false;
    for c in E::Column::iter() {
        let new = after.get(c);
        if before.get(c) != new {
            row.set(c, new);
            changed = true;
        }
    }
    if !changed {
        return Ok(before);
    }
    row.update(db).await
}

/// Inserts the row, or writes it over the one with its key when `exists`.
pub async fn put<E>(
    db: &impl ConnectionTrait,
    model: E::Model,
    exists: bool,
) -> Result<E::Model, DbErr>
where
    E: EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let row = model.into_active_model().reset_all();
    if exists {
        row.update(db).await
    } else {
        row.insert(db).await
    }
}

/// A row of a shared text that two people may edit: it carries a version raised by
/// every change (SPEC §7).
pub trait Versioned {
    fn version(&self) -> i32;
    fn set_version(&mut self, version: i32);
}

/// Writes the columns that changed and raises the version when anything did: the
/// one way a shared text is written.
pub async fn update_versioned<E>(
    db: &impl ConnectionTrait,
    before: E::Model,
    mut after: E::Model,
) -> Result<E::Model, DbErr>
where
    E: EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel> + Clone + PartialEq + Versioned,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    after.set_version(before.version());
    let changed = after != before;
    after.set_version(crate::domain::versions::next(before.version(), changed));
    update_changed::<E>(db, before, after).await
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    fn read(json: &str) -> Result<Option<DateTime<Utc>>, serde_json::Error> {
        super::json::time(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn times_read_as_either_database_writes_them_into_json() {
        let at = Utc.with_ymd_and_hms(2027, 3, 8, 9, 30, 5).unwrap()
            + chrono::Duration::milliseconds(80);
        // SQLite: the text the server wrote; PostgreSQL: its own rendering, in
        // whatever time zone the session has.
        for text in [
            "2027-03-08T09:30:05.080+00:00",
            "2027-03-08 09:30:05.08+00:00",
            "2027-03-08T10:30:05.08+01:00",
            "2027-03-08T09:30:05.080Z",
            "2027-03-08T09:30:05.080",
            "2027-03-08 09:30:05.080",
        ] {
            assert_eq!(read(&format!("{text:?}")).unwrap(), Some(at), "{text}");
        }
        assert_eq!(read("null").unwrap(), None);
        assert!(read("\"8 March 2027\"").is_err());
        assert!(read("12").is_err());
    }
}

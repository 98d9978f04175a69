//! Small pieces the named queries are built from: prefixed columns for joined
//! rows, keyset conditions, and LIKE patterns that match literally.
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

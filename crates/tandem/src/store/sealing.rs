//! The sealing's batch work over [`SEALED`]: which keys the database says its
//! content is under, and the content written before sealing existed, found
//! and sealed a batch at a time.
use super::sealed::{installed, SealedColumnInfo};
use crate::sealing::Place;
use sea_orm::DbErr;

/// The keys the database says its content is under.
pub async fn registered_keys(
    db: &impl sea_orm::ConnectionTrait,
) -> Result<Vec<super::entities::sealing_key::Model>, DbErr> {
    use sea_orm::EntityTrait;
    super::entities::sealing_key::Entity::find().all(db).await
}

/// Where a key's check value sits (its associated data).
pub fn check_place(key_id: &str) -> Place<'_> {
    Place {
        table: "sealing_keys",
        column: "check_value",
        row: key_id,
    }
}

/// Records that content is sealed under the installed sealing key (once).
pub async fn register_sealing_key(
    db: &impl sea_orm::ConnectionTrait,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    use super::entities::sealing_key;
    use sea_orm::{EntityTrait, IntoActiveModel};
    let Some(keys) = installed() else {
        return Err(DbErr::Custom("no key is loaded to register".into()));
    };
    let id = keys.sealing_id().to_string();
    let row = sealing_key::Model {
        check_value: keys.seal(check_place(&id), "tandem key check"),
        key_id: id,
        created_at: at,
    };
    sealing_key::Entity::insert(row.into_active_model())
        .on_conflict_do_nothing_on([sealing_key::Column::KeyId])
        .exec(db)
        .await?;
    Ok(())
}

/// Up to `limit` values of `column` written before sealing, in the order of
/// their rows' keys, after the row `after`: `(row, text)`.
pub async fn unsealed(
    db: &impl sea_orm::ConnectionTrait,
    column: &SealedColumnInfo,
    after: Option<&[String]>,
    limit: u64,
) -> Result<Vec<(Vec<String>, String)>, DbErr> {
    use sea_orm::sea_query::ExprTrait;
    let mut q = values_of(column, after, limit);
    q.and_where(stored(column).not_like(format!("{}%", crate::sealing::PREFIX)));
    read_rows(db, column, &q).await
}

/// The non-empty values of `column` with their rows' keys, in the order of
/// those keys, after the row `after` (a batch goes on from where the one before
/// it ended, rather than passing over what that one did), `limit` at a time.
fn values_of(
    column: &SealedColumnInfo,
    after: Option<&[String]>,
    limit: u64,
) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SimpleExpr};
    let mut q = Query::select();
    q.from(Alias::new(column.table));
    for key in column.row {
        q.column(Alias::new(*key))
            .order_by(Alias::new(*key), Order::Asc);
    }
    q.column(Alias::new(column.column))
        .and_where(stored(column).is_not_null())
        .and_where(stored(column).ne(""))
        .limit(limit);
    if let Some(after) = after {
        let keys: Vec<SimpleExpr> = column
            .row
            .iter()
            .map(|k| Expr::col(Alias::new(*k)))
            .collect();
        let values: Vec<SimpleExpr> = after.iter().map(|v| Expr::val(v.as_str())).collect();
        q.and_where(Expr::tuple(keys).gt(Expr::tuple(values)));
    }
    q
}

fn stored(column: &SealedColumnInfo) -> sea_orm::sea_query::Expr {
    sea_orm::sea_query::Expr::col(sea_orm::sea_query::Alias::new(column.column))
}

/// Writes `sealed` over `was` in one row of `column` (nothing when the row
/// changed meanwhile).
pub async fn replace_stored(
    db: &impl sea_orm::ConnectionTrait,
    column: &SealedColumnInfo,
    row: &[String],
    was: &str,
    sealed: String,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let mut q = Query::update();
    q.table(Alias::new(column.table))
        .value(Alias::new(column.column), sealed)
        .and_where(Expr::col(Alias::new(column.column)).eq(was));
    for (key, value) in column.row.iter().zip(row) {
        q.and_where(Expr::col(Alias::new(*key)).eq(value.as_str()));
    }
    db.execute(&q).await?;
    Ok(())
}

/// Seals `text` for `row` of `column` under the installed key.
pub fn seal_for(column: &SealedColumnInfo, row: &[String], text: &str) -> String {
    let row = row.join("/");
    installed()
        .expect("old content is sealed only once a key is installed")
        .seal(
            Place {
                table: column.table,
                column: column.column,
                row: &row,
            },
            text,
        )
}

/// Up to `limit` stored values of `column` after the row `after` (in the order
/// of the row's key): `(row, stored)`, empty values left out.
pub async fn stored_after(
    db: &impl sea_orm::ConnectionTrait,
    column: &SealedColumnInfo,
    after: Option<&[String]>,
    limit: u64,
) -> Result<Vec<(Vec<String>, String)>, DbErr> {
    read_rows(db, column, &values_of(column, after, limit)).await
}

/// Up to `limit` values of `column` not sealed under the key `key_id`, after
/// the row `after`.
pub async fn not_under(
    db: &impl sea_orm::ConnectionTrait,
    column: &SealedColumnInfo,
    key_id: &str,
    after: Option<&[String]>,
    limit: u64,
) -> Result<Vec<(Vec<String>, String)>, DbErr> {
    use sea_orm::sea_query::ExprTrait;
    let mut q = values_of(column, after, limit);
    q.and_where(stored(column).not_like(format!("{}{key_id}.%", crate::sealing::PREFIX)));
    read_rows(db, column, &q).await
}

async fn read_rows(
    db: &impl sea_orm::ConnectionTrait,
    column: &SealedColumnInfo,
    q: &sea_orm::sea_query::SelectStatement,
) -> Result<Vec<(Vec<String>, String)>, DbErr> {
    let mut out = Vec::new();
    for r in super::sql::rows(db, q).await? {
        let mut parts = Vec::with_capacity(column.row.len());
        for key in column.row {
            parts.push(r.try_get::<String>("", key)?);
        }
        out.push((parts, r.try_get::<String>("", column.column)?));
    }
    Ok(out)
}

/// The place of one row of `column` (its associated data).
pub fn place_of<'a>(column: &'a SealedColumnInfo, row: &'a str) -> Place<'a> {
    Place {
        table: column.table,
        column: column.column,
        row,
    }
}

/// Forgets every registered key but `keep` (a rotation's end).
pub async fn forget_keys_but(db: &impl sea_orm::ConnectionTrait, keep: &str) -> Result<(), DbErr> {
    use super::entities::sealing_key;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    sealing_key::Entity::delete_many()
        .filter(sealing_key::Column::KeyId.ne(keep))
        .exec(db)
        .await?;
    Ok(())
}

/// Seals every value of `db` written before sealing, on one connection (a
/// backup's scratch copy); the live database goes batch by batch instead
/// (`service::sealing`). Refused without a key.
pub async fn seal_unsealed(db: &impl sea_orm::ConnectionTrait) -> Result<u64, DbErr> {
    let mut sealed = 0u64;
    for column in super::sealed::SEALED {
        let mut after = None;
        while let Some(batch) = seal_next(db, column, after.as_deref(), 500).await? {
            sealed += batch.sealed;
            after = Some(batch.last);
        }
    }
    Ok(sealed)
}

/// What one batch of [`seal_next`] sealed.
pub struct Batch {
    /// How many values.
    pub sealed: u64,
    /// The last row, where the next batch goes on.
    pub last: Vec<String>,
}

/// Seals up to `limit` values of `column` written before sealing, after the
/// row `after`; `None` when none was left. Refused without a key when there is
/// any.
pub async fn seal_next(
    db: &impl sea_orm::ConnectionTrait,
    column: &SealedColumnInfo,
    after: Option<&[String]>,
    limit: u64,
) -> Result<Option<Batch>, DbErr> {
    let found = unsealed(db, column, after, limit).await?;
    if !found.is_empty() && installed().is_none() {
        return Err(DbErr::Custom(
            "its content is not sealed yet, and no key is loaded to seal it with: \
             give the key file (TANDEM_KEY_FILE) or TANDEM_KEY"
                .into(),
        ));
    }
    for (row, text) in &found {
        let value = seal_for(column, row, text);
        replace_stored(db, column, row, text, value).await?;
    }
    let sealed = found.len() as u64;
    Ok(found
        .into_iter()
        .last()
        .map(|(last, _)| Batch { sealed, last }))
}

//! A server's key against its database (SPEC §7 Sealed content): the key is
//! loaded (or, for a database with nothing sealed yet, created), checked against
//! the keys the database says its content is under, and installed; content
//! written before sealing existed is sealed then, in batches.
use crate::sealing::keyfile::{self, KeySource, Loaded};
use crate::sealing::{Key, Keyring};
use crate::store::db::Store;
use crate::store::sealed::{self, SEALED};
use crate::store::sealing as batch;
use anyhow::{bail, Context};

/// Rows sealed per write transaction when sealing old content.
const BATCH: u64 = 200;

/// Loads, checks and installs the key for `store`; seals what was written
/// before sealing existed. An error names the key's source and what to do.
pub async fn prepare(store: &Store, source: &KeySource) -> anyhow::Result<()> {
    let registered = batch::registered_keys(store.read())
        .await
        .context("reading which keys the database is sealed under")?;
    let keys = match keyfile::load(source).map_err(anyhow::Error::msg)? {
        Loaded::Keys(keys) => keys,
        Loaded::Missing => {
            let KeySource::File(path) = source else {
                unreachable!("an inline key is never missing")
            };
            if let Some(r) = registered.first() {
                bail!(
                    "the key file {} is missing, and this database's content is sealed under \
                     key {}: put that key file back (or point TANDEM_KEY_FILE at it, or give \
                     the key as TANDEM_KEY) and start again",
                    path.display(),
                    r.key_id
                );
            }
            let key = Key::generate();
            keyfile::create(path, &key).map_err(anyhow::Error::msg)?;
            tracing::info!(file = %path.display(), key = %key.id(), "created a new key file");
            Keyring::new(key)
        }
    };
    check_registered(&registered, &keys, source)?;
    sealed::install(keys);
    if registered.is_empty() {
        seal_old_content(store).await?;
        let tx = store.write().await?;
        batch::register_sealing_key(&tx, chrono::Utc::now()).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Seals every value written before sealing existed, a batch per transaction so
/// the write lock is never held for long. Returns how many were sealed.
pub async fn seal_old_content(store: &Store) -> anyhow::Result<u64> {
    let mut sealed_count = 0u64;
    for column in SEALED {
        let mut after: Option<Vec<String>> = None;
        loop {
            let tx = store.write().await?;
            let done = batch::seal_next(&tx, column, after.as_deref(), BATCH)
                .await
                .with_context(|| format!("sealing {}.{}", column.table, column.column))?;
            let Some(done) = done else {
                break;
            };
            tx.commit().await?;
            sealed_count += done.sealed;
            after = Some(done.last);
        }
    }
    if sealed_count > 0 {
        tracing::info!(
            values = sealed_count,
            "sealed content written before sealing"
        );
        // No page of the file, nor of its write-ahead log, keeps it in the clear.
        store.rewrite_file().await?;
    }
    Ok(sealed_count)
}

/// Rows read per batch by `keys check` and `keys rotate`.
const WALK: u64 = 500;

/// What `tandem keys check` found in one sealed column.
#[derive(Debug, Default, Clone)]
pub struct ColumnCheck {
    pub table: &'static str,
    pub column: &'static str,
    /// Values that open with the loaded keys.
    pub opened: u64,
    /// Rows whose value does not open, with why (the first few).
    pub failing: Vec<String>,
    pub failed: u64,
}

/// How far a long walk over the sealed columns has come (a progress bar).
pub trait Walking: Send + Sync {
    fn column(&self, table: &str, column: &str);
    fn advance(&self, rows: u64);
}

/// Shows nothing.
pub struct Quietly;
impl Walking for Quietly {
    fn column(&self, _: &str, _: &str) {}
    fn advance(&self, _: u64) {}
}

/// Opens every sealed value with `keys` (nothing is written): `tandem keys check`.
pub async fn check(
    store: &Store,
    keys: &Keyring,
    progress: &dyn Walking,
) -> anyhow::Result<Vec<ColumnCheck>> {
    let mut report = Vec::new();
    for column in SEALED {
        progress.column(column.table, column.column);
        let mut found = ColumnCheck {
            table: column.table,
            column: column.column,
            ..ColumnCheck::default()
        };
        let mut after: Option<Vec<String>> = None;
        loop {
            let rows = batch::stored_after(store.read(), column, after.as_deref(), WALK)
                .await
                .with_context(|| format!("reading {}.{}", column.table, column.column))?;
            let Some((last, _)) = rows.last() else { break };
            let last = last.clone();
            for (row, stored) in &rows {
                let row = row.join("/");
                match keys.open(batch::place_of(column, &row), stored) {
                    Ok(_) => found.opened += 1,
                    Err(why) => {
                        found.failed += 1;
                        if found.failing.len() < 5 {
                            found.failing.push(format!("row {row}: {why}"));
                        }
                    }
                }
            }
            progress.advance(rows.len() as u64);
            after = Some(last);
        }
        report.push(found);
    }
    Ok(report)
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotated {
    pub from: String,
    pub to: String,
    pub resealed: u64,
    /// It went on from a rotation that had been interrupted.
    pub resumed: bool,
}

/// `tandem keys rotate` (the server stopped): a new key in the key file, the
/// old one kept as `<file>.old` until every row is sealed under the new one;
/// run again after an interruption, it goes on where it stopped.
pub async fn rotate(
    store: &Store,
    source: &KeySource,
    progress: &dyn Walking,
) -> anyhow::Result<Rotated> {
    let KeySource::File(path) = source else {
        bail!(
            "a rotation writes the new key to a key file: put the key TANDEM_KEY holds in a \
             file readable by its owner only, give it as TANDEM_KEY_FILE (without TANDEM_KEY) \
             and run again"
        );
    };
    let old_path = keyfile::old_file(path);
    let resumed = old_path.exists();
    if !resumed {
        let Loaded::Keys(current) = keyfile::load(source).map_err(anyhow::Error::msg)? else {
            bail!("there is no key file at {} to rotate", path.display());
        };
        let registered = batch::registered_keys(store.read()).await?;
        check_registered(&registered, &current, source)?;
        let new = Key::generate();
        let mut staged = path.as_os_str().to_owned();
        staged.push(".new");
        let staged = std::path::PathBuf::from(staged);
        std::fs::remove_file(&staged).ok();
        keyfile::create(&staged, &new).map_err(anyhow::Error::msg)?;
        std::fs::rename(path, &old_path)
            .with_context(|| format!("keeping the old key as {}", old_path.display()))?;
        std::fs::rename(&staged, path)
            .with_context(|| format!("putting the new key in {}", path.display()))?;
    }
    let Loaded::Keys(keys) = keyfile::load(source).map_err(anyhow::Error::msg)? else {
        bail!("the new key file {} is missing", path.display());
    };
    let old_id =
        match keyfile::load(&KeySource::File(old_path.clone())).map_err(anyhow::Error::msg)? {
            Loaded::Keys(old) => old.sealing_id().to_string(),
            Loaded::Missing => bail!("the old key file {} is missing", old_path.display()),
        };
    let new_id = keys.sealing_id().to_string();
    sealed::install(keys.clone());
    // Registered first: a server started mid-rotation holds both keys and knows both.
    let tx = store.write().await?;
    batch::register_sealing_key(&tx, chrono::Utc::now()).await?;
    tx.commit().await?;

    let mut resealed = 0u64;
    for column in SEALED {
        progress.column(column.table, column.column);
        let mut after: Option<Vec<String>> = None;
        loop {
            let tx = store.write().await?;
            let rows = batch::not_under(&tx, column, &new_id, after.as_deref(), WALK)
                .await
                .with_context(|| format!("reading {}.{}", column.table, column.column))?;
            if rows.is_empty() {
                break;
            }
            for (row, stored) in &rows {
                let joined = row.join("/");
                let text = keys
                    .open(batch::place_of(column, &joined), stored)
                    .map_err(|why| {
                        anyhow::anyhow!(
                            "{}.{} of row {joined} does not open ({why}); nothing of it was \
                             changed: `tandem keys check` lists every such row",
                            column.table,
                            column.column
                        )
                    })?;
                let value = batch::seal_for(column, row, &text);
                batch::replace_stored(&tx, column, row, stored, value).await?;
            }
            tx.commit().await?;
            resealed += rows.len() as u64;
            progress.advance(rows.len() as u64);
            after = rows.into_iter().last().map(|(row, _)| row);
        }
    }
    let tx = store.write().await?;
    batch::forget_keys_but(&tx, &new_id).await?;
    tx.commit().await?;
    store.scrub().await;
    std::fs::remove_file(&old_path)
        .with_context(|| format!("removing the old key file {}", old_path.display()))?;
    Ok(Rotated {
        from: old_id,
        to: new_id,
        resealed,
        resumed,
    })
}

/// Refuses keys that do not open what the database says it is sealed under.
fn check_registered(
    registered: &[crate::store::entities::sealing_key::Model],
    keys: &Keyring,
    source: &KeySource,
) -> anyhow::Result<()> {
    for r in registered {
        if keys
            .open(batch::check_place(&r.key_id), &r.check_value)
            .is_err()
        {
            bail!(
                "{} holds key {}, but this database's content is sealed under key {}: start \
                 with the key file (or TANDEM_KEY) this database was sealed with",
                source.describe(),
                keys.sealing_id(),
                r.key_id
            );
        }
    }
    Ok(())
}

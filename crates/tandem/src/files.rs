//! Files that hold a pair's content or the way to it (the SQLite database and
//! its write-ahead log, the e-mail outbox) are readable by their owner only.
use std::io;
use std::path::Path;

/// Creates `path` empty, readable and writable by its owner only, unless it is
/// there; either way it ends owner-only (an older install's 0644 file too).
pub fn owner_only_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?;
    restrict(path, 0o600)
}

/// `path` made owner-only when it exists (a database's `-wal` and `-shm`).
pub fn owner_only_if_there(path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(_) => restrict(path, 0o600),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates the folder `path` (and its parents) unless it is there, and makes it
/// owner-only: nobody else may list or open what is in it.
pub fn owner_only_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)?;
    restrict(path, 0o700)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let now = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if now & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(now & mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_and_folders_end_owner_only_whether_new_or_there_before() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.db");
        owner_only_file(&new).unwrap();
        assert_eq!(mode(&new), 0o600);

        let old = dir.path().join("old.db");
        std::fs::write(&old, b"kept").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        owner_only_file(&old).unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read(&old).unwrap(), b"kept");

        owner_only_if_there(&dir.path().join("absent-wal")).unwrap();

        let outbox = dir.path().join("outbox");
        owner_only_dir(&outbox).unwrap();
        assert_eq!(mode(&outbox), 0o700);
    }
}

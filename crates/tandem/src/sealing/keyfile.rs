//! Where the key comes from: `TANDEM_KEY` (the key itself, base64) or the key
//! file (`TANDEM_KEY_FILE`, by default `tandem.key` in the working directory),
//! created readable by its owner only when there is none yet and nothing is
//! sealed, and refused when others may read it. During a rotation the previous
//! key waits beside it as `<file>.old`.
use super::{Key, Keyring};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where this server's key is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `TANDEM_KEY`: the key itself.
    Inline(String),
    File(PathBuf),
}

impl KeySource {
    /// How an admin would name it in a message.
    pub fn describe(&self) -> String {
        match self {
            KeySource::Inline(_) => "TANDEM_KEY".to_string(),
            KeySource::File(p) => p.display().to_string(),
        }
    }
}

/// The previous key's file during a rotation: `<file>.old`.
pub fn old_file(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".old");
    PathBuf::from(name)
}

/// What a key source holds.
#[derive(Debug)]
pub enum Loaded {
    /// The key (and, mid-rotation, the one before it).
    Keys(Keyring),
    /// No key file yet.
    Missing,
}

/// Reads the key (and a rotation's older key) from `source`; a file others may
/// read, or one that holds no key, is refused with a message naming it.
pub fn load(source: &KeySource) -> Result<Loaded, String> {
    match source {
        KeySource::Inline(text) => Key::from_base64(text)
            .map(|k| Loaded::Keys(Keyring::new(k)))
            .map_err(|e| format!("TANDEM_KEY is not a Tandem key: {e}")),
        KeySource::File(path) => {
            let Some(key) = read_key_file(path)? else {
                return Ok(Loaded::Missing);
            };
            let mut keys = Keyring::new(key);
            if let Some(older) = read_key_file(&old_file(path))? {
                keys = keys.with_older(older);
            }
            Ok(Loaded::Keys(keys))
        }
    }
}

/// The key in `path`; `None` when there is no such file.
fn read_key_file(path: &Path) -> Result<Option<Key>, String> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("the key file {shown} cannot be read: {e}")),
    };
    refuse_if_others_may_read(path, &meta)?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("the key file {shown} cannot be read: {e}"))?;
    Key::from_base64(&text)
        .map(Some)
        .map_err(|e| format!("the key file {shown} is not a Tandem key: {e}"))
}

#[cfg(unix)]
fn refuse_if_others_may_read(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "the key file {shown} may be read by others (mode {mode:o}); make it readable \
             by its owner only (chmod 600 {shown}) and start again",
            shown = path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_if_others_may_read(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

/// Writes `key` to a new file at `path`, readable by its owner only; never
/// over an existing file.
pub fn create(path: &Path, key: &Key) -> Result<(), String> {
    let shown = path.display();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("the key file {shown} cannot be created: {e}"))?;
    let text = format!(
        "# Tandem's key: what the database's sealed content opens with. Keep a copy\n\
         # apart from the backups; without it they cannot be read.\n{}\n",
        key.to_base64()
    );
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("the key file {shown} cannot be written: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_file_is_its_owners_only_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tandem.key");
        let source = KeySource::File(path.clone());
        assert!(matches!(load(&source), Ok(Loaded::Missing)));
        let key = Key::generate();
        create(&path, &key).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let Ok(Loaded::Keys(keys)) = load(&source) else {
            panic!("the key reads back")
        };
        assert_eq!(keys.sealing_id(), key.id());
        // Never over an existing file.
        assert!(create(&path, &Key::generate()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_refused_with_what_to_do() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tandem.key");
        create(&path, &Key::generate()).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load(&KeySource::File(path.clone())).unwrap_err();
        assert!(err.contains("chmod 600"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
    }

    #[test]
    fn a_rotation_under_way_loads_the_older_key_beside_the_new() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tandem.key");
        let (old, new) = (Key::generate(), Key::generate());
        create(&old_file(&path), &old).unwrap();
        create(&path, &new).unwrap();
        let Ok(Loaded::Keys(keys)) = load(&KeySource::File(path)) else {
            panic!("both keys load")
        };
        assert_eq!(keys.sealing_id(), new.id());
        let place = super::super::Place {
            table: "t",
            column: "c",
            row: "r",
        };
        let before = Keyring::new(old).seal(place, "kept");
        assert_eq!(keys.open(place, &before).as_deref(), Ok("kept"));
    }

    #[test]
    fn garbage_and_a_bad_inline_key_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tandem.key");
        std::fs::write(&path, "not a key\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let err = load(&KeySource::File(path)).unwrap_err();
        assert!(err.contains("is not a Tandem key"), "{err}");
        let err = load(&KeySource::Inline("short".into())).unwrap_err();
        assert!(err.starts_with("TANDEM_KEY"), "{err}");
    }
}

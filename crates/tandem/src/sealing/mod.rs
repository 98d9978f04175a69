//! Sealed content (SPEC §7): what a pair writes is stored as an AEAD ciphertext
//! (XChaCha20-Poly1305, a fresh random nonce per write) under a key kept outside
//! the database. The associated data binds each value to its table, column and
//! row, so a value copied into another row does not open. Each value names the
//! key it was sealed under, so a rotation can move row by row.
//!
//! A sealed value, as it sits in a text column:
//!
//! ```text
//! tdm1.<key id: 8 hex digits>.<base64url(nonce ‖ ciphertext ‖ tag)>
//! ```
//!
//! The empty text is stored as the empty text: it says nothing, and it is what a
//! new column's default and an erasure write.
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

pub mod keyfile;

/// What every sealed value starts with.
pub const PREFIX: &str = "tdm1.";
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

/// Which key sealed a value: the first four bytes of a hash of the key, so the
/// same key (from a file or `TANDEM_KEY`) always has the same id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct KeyId([u8; 4]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl KeyId {
    fn parse(text: &str) -> Option<KeyId> {
        let bytes = hex::decode(text).ok()?;
        Some(KeyId(bytes.try_into().ok()?))
    }
}

/// One key: 256 random bits.
#[derive(Clone)]
pub struct Key {
    id: KeyId,
    bytes: [u8; KEY_LEN],
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.id)
    }
}

impl Key {
    /// A new random key.
    pub fn generate() -> Key {
        let mut bytes = [0u8; KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Key::from_bytes(bytes)
    }

    fn from_bytes(bytes: [u8; KEY_LEN]) -> Key {
        let digest = Sha256::new()
            .chain_update(b"tandem key id\0")
            .chain_update(bytes)
            .finalize();
        let id = KeyId([digest[0], digest[1], digest[2], digest[3]]);
        Key { id, bytes }
    }

    /// A key written as base64 (as `TANDEM_KEY` and the key file hold it); blank
    /// lines and lines starting with `#` around it are ignored.
    pub fn from_base64(text: &str) -> Result<Key, String> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or("it holds no key")?;
        let bytes = STANDARD
            .decode(line)
            .map_err(|_| "it is not base64".to_string())?;
        let bytes: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("it holds {} bytes, not {KEY_LEN}", b.len()))?;
        Ok(Key::from_bytes(bytes))
    }

    /// The key as base64, for its file.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.bytes).into())
    }
}

/// Where a value sits; the associated data of its ciphertext.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub table: &'a str,
    pub column: &'a str,
    /// The row's key (its id, or its key columns joined by `/`).
    pub row: &'a str,
}

impl Place<'_> {
    fn associated_data(&self) -> Vec<u8> {
        let mut aad =
            Vec::with_capacity(16 + self.table.len() + self.column.len() + self.row.len());
        for part in ["tandem sealed v1", self.table, self.column, self.row] {
            aad.extend_from_slice(part.as_bytes());
            aad.push(0);
        }
        aad
    }
}

/// Why a stored value does not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unopenable {
    /// It is not a sealed value at all (plain text, or garbled).
    NotSealed,
    /// It was sealed under a key this server does not hold.
    UnknownKey(String),
    /// The key is held, but the value does not open under it here: changed, or
    /// moved from another row or column.
    Refused,
}

impl fmt::Display for Unopenable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unopenable::NotSealed => f.write_str("it is not sealed"),
            Unopenable::UnknownKey(id) => {
                write!(f, "it was sealed under key {id}, which is not loaded")
            }
            Unopenable::Refused => {
                f.write_str("it does not open here (changed, or copied from another row)")
            }
        }
    }
}

/// The key values are sealed under, and every key they may be opened with.
#[derive(Debug, Clone)]
pub struct Keyring {
    sealing: Key,
    /// Older keys, during a rotation.
    older: Vec<Key>,
}

impl Keyring {
    pub fn new(sealing: Key) -> Keyring {
        Keyring {
            sealing,
            older: Vec::new(),
        }
    }

    /// Also opens what `older` sealed (a rotation under way).
    pub fn with_older(mut self, older: Key) -> Keyring {
        if older.id != self.sealing.id {
            self.older.push(older);
        }
        self
    }

    /// These keys, also opening whatever `other` opens.
    pub fn also_opening(mut self, other: &Keyring) -> Keyring {
        for key in std::iter::once(&other.sealing).chain(&other.older) {
            if self.key(key.id).is_none() {
                self.older.push(key.clone());
            }
        }
        self
    }

    pub fn sealing_id(&self) -> KeyId {
        self.sealing.id
    }

    fn key(&self, id: KeyId) -> Option<&Key> {
        std::iter::once(&self.sealing)
            .chain(&self.older)
            .find(|k| k.id == id)
    }

    /// `plain` sealed for `place` under the sealing key; the empty text stays empty.
    pub fn seal(&self, place: Place<'_>, plain: &str) -> String {
        if plain.is_empty() {
            return String::new();
        }
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let aad = place.associated_data();
        let sealed = self
            .sealing
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 seals any text that fits in memory");
        let mut raw = Vec::with_capacity(NONCE_LEN + sealed.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&sealed);
        format!(
            "{PREFIX}{}.{}",
            self.sealing.id,
            URL_SAFE_NO_PAD.encode(raw)
        )
    }

    /// The text `stored` at `place` holds; the empty text is empty.
    pub fn open(&self, place: Place<'_>, stored: &str) -> Result<String, Unopenable> {
        if stored.is_empty() {
            return Ok(String::new());
        }
        let (id, body) = split(stored).ok_or(Unopenable::NotSealed)?;
        let key = self
            .key(id)
            .ok_or_else(|| Unopenable::UnknownKey(id.to_string()))?;
        let raw = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| Unopenable::NotSealed)?;
        if raw.len() < NONCE_LEN {
            return Err(Unopenable::NotSealed);
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let aad = place.associated_data();
        let plain = key
            .cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| Unopenable::Refused)?;
        String::from_utf8(plain).map_err(|_| Unopenable::Refused)
    }
}

/// The key id and body of a sealed value; `None` for anything else.
fn split(stored: &str) -> Option<(KeyId, &str)> {
    let rest = stored.strip_prefix(PREFIX)?;
    let (id, body) = rest.split_once('.')?;
    Some((KeyId::parse(id)?, body))
}

/// The key a stored value names, if it is a sealed value.
pub fn key_of(stored: &str) -> Option<KeyId> {
    split(stored).map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(row: &str) -> Place<'_> {
        Place {
            table: "messages",
            column: "body",
            row,
        }
    }

    #[test]
    fn a_value_opens_where_it_was_sealed_and_nowhere_else() {
        let keys = Keyring::new(Key::generate());
        let sealed = keys.seal(place("m1"), "I am thinking of leaving my team");
        assert!(sealed.starts_with(PREFIX), "{sealed}");
        assert!(!sealed.contains("leaving"));
        assert_eq!(
            keys.open(place("m1"), &sealed).as_deref(),
            Ok("I am thinking of leaving my team")
        );
        // Moved to another row, column or table, it does not open.
        assert_eq!(keys.open(place("m2"), &sealed), Err(Unopenable::Refused));
        let other_column = Place {
            column: "title",
            ..place("m1")
        };
        assert_eq!(keys.open(other_column, &sealed), Err(Unopenable::Refused));
        let other_table = Place {
            table: "goals",
            ..place("m1")
        };
        assert_eq!(keys.open(other_table, &sealed), Err(Unopenable::Refused));
    }

    #[test]
    fn every_write_has_its_own_nonce() {
        let keys = Keyring::new(Key::generate());
        assert_ne!(
            keys.seal(place("m1"), "same"),
            keys.seal(place("m1"), "same")
        );
    }

    #[test]
    fn a_changed_byte_or_another_key_does_not_open() {
        let keys = Keyring::new(Key::generate());
        let sealed = keys.seal(place("m1"), "hello");
        let mut bytes = sealed.clone().into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).unwrap();
        assert_eq!(keys.open(place("m1"), &changed), Err(Unopenable::Refused));

        let stranger = Keyring::new(Key::generate());
        assert!(matches!(
            stranger.open(place("m1"), &sealed),
            Err(Unopenable::UnknownKey(_))
        ));
        assert_eq!(
            keys.open(place("m1"), "plain text"),
            Err(Unopenable::NotSealed)
        );
    }

    #[test]
    fn during_a_rotation_both_keys_open_and_the_new_one_seals() {
        let (old, new) = (Key::generate(), Key::generate());
        let before = Keyring::new(old.clone()).seal(place("m1"), "kept");
        let rotating = Keyring::new(new.clone()).with_older(old);
        assert_eq!(rotating.open(place("m1"), &before).as_deref(), Ok("kept"));
        let after = rotating.seal(place("m1"), "kept");
        assert_eq!(key_of(&after), Some(new.id()));
    }

    #[test]
    fn a_key_reads_back_from_its_base64_with_the_same_id() {
        let key = Key::generate();
        let text = format!("# Tandem's key\n{}\n", key.to_base64());
        let again = Key::from_base64(&text).unwrap();
        assert_eq!(again.id(), key.id());
        assert!(Key::from_base64("c2hvcnQ=").unwrap_err().contains("bytes"));
        assert!(Key::from_base64("").is_err());
    }

    #[test]
    fn the_empty_text_stays_empty() {
        let keys = Keyring::new(Key::generate());
        assert_eq!(keys.seal(place("m1"), ""), "");
        assert_eq!(keys.open(place("m1"), "").as_deref(), Ok(""));
    }
}

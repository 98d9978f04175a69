//! The audit log's rules (SPEC §6, §7): what is recorded (who, what, when, on
//! what object; never content), and the chain that shows an edit: each entry's
//! `hash` is the SHA-256 of the previous entry's hash and this entry's fields.
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

/// What an admin or a coordinator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    ProgramCreated,
    ProgramChanged,
    ProgramArchived,
    ProgramRestored,
    CoordinatorAppointed,
    PersonEnrolled,
    PairProposed,
    ParticipantsImported,
    CheckinsSet,
    RoundCreated,
    RoundChanged,
    RoundPublished,
    AccountDisabled,
    AccountEnabled,
    AdminGranted,
    AdminRevoked,
    AccountCreated,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::ProgramCreated => "program.created",
            AuditAction::ProgramChanged => "program.changed",
            AuditAction::ProgramArchived => "program.archived",
            AuditAction::ProgramRestored => "program.restored",
            AuditAction::CoordinatorAppointed => "program.coordinator_appointed",
            AuditAction::PersonEnrolled => "program.person_enrolled",
            AuditAction::PairProposed => "program.pair_proposed",
            AuditAction::ParticipantsImported => "program.participants_imported",
            AuditAction::CheckinsSet => "program.checkins_set",
            AuditAction::RoundCreated => "round.created",
            AuditAction::RoundChanged => "round.changed",
            AuditAction::RoundPublished => "round.published",
            AuditAction::AccountDisabled => "account.disabled",
            AuditAction::AccountEnabled => "account.enabled",
            AuditAction::AdminGranted => "account.admin_granted",
            AuditAction::AdminRevoked => "account.admin_revoked",
            AuditAction::AccountCreated => "account.created",
        }
    }
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
}

/// A time as entries keep it: whole microseconds (what both databases store).
pub fn entry_time(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    at.trunc_subsecs(6)
}

/// The entry's hash after `previous`: every field, each on its own line, so no
/// two different entries read alike.
pub fn chain_hash(previous: &str, entry: &Entry) -> String {
    let mut h = Sha256::new();
    for part in [
        previous,
        &entry.seq.to_string(),
        &entry.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        &entry.actor_id,
        &entry.action,
        &entry.object_type,
        &entry.object_id,
    ] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Entries with these numbers are missing (removed) before `seq`.
    Missing { from: i64, to: i64 },
    /// This entry's fields or hash are not what was written, or it was put in.
    Changed { seq: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Missing { from, to } if from == to => {
                write!(f, "entry {from} was removed")
            }
            Break::Missing { from, to } => write!(f, "entries {from} to {to} were removed"),
            Break::Changed { seq } => write!(
                f,
                "entry {seq} was changed or inserted: its hash does not follow from the entry before it"
            ),
        }
    }
}

/// Follows the chain entry by entry, in order of `seq`.
#[derive(Debug)]
pub struct Checker {
    previous_hash: String,
    previous_seq: i64,
    pub checked: u64,
}

impl Default for Checker {
    fn default() -> Self {
        Checker {
            previous_hash: GENESIS.to_string(),
            previous_seq: 0,
            checked: 0,
        }
    }
}

impl Checker {
    /// Takes the next entry and its stored hash; the first break, if this is it.
    pub fn next(&mut self, entry: &Entry, stored_hash: &str) -> Result<(), Break> {
        if entry.seq != self.previous_seq + 1 {
            if entry.seq > self.previous_seq + 1 {
                return Err(Break::Missing {
                    from: self.previous_seq + 1,
                    to: entry.seq - 1,
                });
            }
            return Err(Break::Changed { seq: entry.seq });
        }
        if chain_hash(&self.previous_hash, entry) != stored_hash {
            return Err(Break::Changed { seq: entry.seq });
        }
        self.previous_hash = stored_hash.to_string();
        self.previous_seq = entry.seq;
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, action: &str) -> Entry {
        Entry {
            seq,
            at: DateTime::parse_from_rfc3339("2027-03-01T09:00:00.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            actor_id: "a".into(),
            action: action.into(),
            object_type: "program".into(),
            object_id: "p".into(),
        }
    }

    fn chain(entries: &[Entry]) -> Vec<String> {
        let mut previous = GENESIS.to_string();
        entries
            .iter()
            .map(|e| {
                previous = chain_hash(&previous, e);
                previous.clone()
            })
            .collect()
    }

    #[test]
    fn a_whole_chain_holds_and_every_edit_is_named() {
        let entries: Vec<Entry> = (1..=4).map(|i| entry(i, "program.changed")).collect();
        let hashes = chain(&entries);
        let check = |entries: &[Entry], hashes: &[String]| {
            let mut c = Checker::default();
            for (e, h) in entries.iter().zip(hashes) {
                c.next(e, h)?;
            }
            Ok::<u64, Break>(c.checked)
        };
        assert_eq!(check(&entries, &hashes), Ok(4));

        let mut changed = entries.clone();
        changed[2].action = "program.created".into();
        assert_eq!(check(&changed, &hashes), Err(Break::Changed { seq: 3 }));

        let mut removed = entries.clone();
        let mut removed_hashes = hashes.clone();
        removed.remove(1);
        removed_hashes.remove(1);
        assert_eq!(
            check(&removed, &removed_hashes),
            Err(Break::Missing { from: 2, to: 2 })
        );

        // An entry put in with the next number and its hashes recomputed from
        // there on still breaks where the old entries' stored hashes stop matching.
        let mut inserted = entries.clone();
        inserted.insert(2, entry(3, "account.disabled"));
        for (i, e) in inserted.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        let mut inserted_hashes = hashes.clone();
        inserted_hashes.insert(2, chain(&inserted)[2].clone());
        assert_eq!(
            check(&inserted, &inserted_hashes),
            Err(Break::Changed { seq: 4 })
        );
    }

    #[test]
    fn times_are_kept_to_the_microsecond() {
        let at = DateTime::parse_from_rfc3339("2027-03-01T09:00:00.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            entry_time(at).to_rfc3339_opts(SecondsFormat::Micros, true),
            "2027-03-01T09:00:00.123456Z"
        );
    }
}

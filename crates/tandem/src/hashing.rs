//! Password hashing on a few threads of its own. Argon2id is slow and hungry on
//! purpose (19 MiB a hash by default), so how many run at once is bounded, sized
//! from the machine's cores and memory; a caller waits its turn for a while and is
//! then told to come back (503), instead of a crowd of sign-ups taking the memory.
//! Fixed threads also keep the allocator from growing an arena per request.
use anyhow::Context;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

/// The most memory the hashes in flight may take together.
const MEMORY_BUDGET_KIB: u64 = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hasher stayed busy for the whole wait.
    #[error("too many passwords are being checked right now")]
    Busy { retry_after: u64 },
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

enum Job {
    Hash(String, oneshot::Sender<anyhow::Result<String>>),
    Verify(String, String, oneshot::Sender<anyhow::Result<bool>>),
}

pub struct Hasher {
    jobs: mpsc::Sender<Job>,
    slots: Arc<Semaphore>,
    wait: Duration,
    threads: usize,
}

impl Hasher {
    /// Starts the hashing threads: as many as the cores, and no more than the
    /// memory budget holds hashes of `memory_kib`; at least one.
    pub fn new(memory_kib: u32, iterations: u32, wait: Duration) -> anyhow::Result<Hasher> {
        let params = Params::new(memory_kib, iterations, 1, None)
            .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let by_memory = (MEMORY_BUDGET_KIB / u64::from(memory_kib.max(1))) as usize;
        let threads = cores.min(by_memory).max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for k in 0..threads {
            let queue = queue.clone();
            let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
            std::thread::Builder::new()
                .name(format!("tandem-hash-{k}"))
                .spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(Job::Hash(password, reply)) => {
                            let _ = reply.send(hash(&argon, &password));
                        }
                        Ok(Job::Verify(password, stored, reply)) => {
                            let _ = reply.send(verify(&argon, &password, &stored));
                        }
                        Err(_) => return,
                    }
                })
                .context("starting a password-hashing thread")?;
        }
        Ok(Hasher {
            jobs,
            slots: Arc::new(Semaphore::new(threads)),
            wait,
            threads,
        })
    }

    /// How many hashes may run at once.
    pub fn threads(&self) -> usize {
        self.threads
    }

    async fn run<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<anyhow::Result<T>>) -> Job,
    ) -> Result<T, HashError> {
        let slot = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy {
                retry_after: self.wait.as_secs().max(1),
            })?
            .map_err(|_| anyhow::anyhow!("the hashing threads are gone"))?;
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(job(reply))
            .map_err(|_| anyhow::anyhow!("the hashing threads are gone"))?;
        let out = answer
            .await
            .map_err(|_| anyhow::anyhow!("a hashing thread stopped"))?;
        drop(slot);
        Ok(out?)
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = password.to_string();
        self.run(|reply| Job::Hash(password, reply)).await
    }

    /// Whether the password matches the stored hash.
    pub async fn verify(&self, password: &str, stored: &str) -> Result<bool, HashError> {
        let (password, stored) = (password.to_string(), stored.to_string());
        self.run(|reply| Job::Verify(password, stored, reply)).await
    }
}

fn hash(argon: &Argon2<'_>, password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

fn verify(argon: &Argon2<'_>, password: &str, stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    Ok(argon.verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_a_full_pool_says_come_back() {
        let hasher = Hasher::new(1024, 1, Duration::from_millis(50)).unwrap();
        let h = hasher.hash("correct horse").await.unwrap();
        assert!(hasher.verify("correct horse", &h).await.unwrap());
        assert!(!hasher.verify("wrong horse", &h).await.unwrap());
        // Hold every slot: the next caller waits, then is told to come back.
        let held: Vec<_> = (0..hasher.threads())
            .map(|_| hasher.slots.clone().try_acquire_owned().unwrap())
            .collect();
        assert!(matches!(
            hasher.hash("x").await,
            Err(HashError::Busy { .. })
        ));
        drop(held);
        assert!(hasher.hash("x").await.is_ok());
    }
}

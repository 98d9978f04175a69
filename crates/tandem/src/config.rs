//! One `Config`, read from flags and `TANDEM_*` environment variables (flags win).
use clap::{Args, FromArgMatches};
use ipnet::IpNet;

/// A proxy's address or network: `10.0.0.5`, `10.0.0.0/8`, `::1`.
fn proxy(raw: &str) -> Result<IpNet, String> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{raw:?} is not an IP address or a network such as 10.0.0.0/8"))
}

/// Who may sign up on their own (SPEC §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// Anyone.
    Open,
    /// Addresses at these domains (lower case, without `@`).
    Domains(Vec<String>),
    /// Nobody: accounts are made by an admin, `tandem user create` or an import.
    Invite,
}

impl Registration {
    pub fn parse(raw: &str) -> Result<Registration, String> {
        let raw = raw.trim();
        match raw.to_ascii_lowercase().as_str() {
            "open" => return Ok(Registration::Open),
            "invite" => return Ok(Registration::Invite),
            _ => {}
        }
        let Some(list) = raw.strip_prefix("domains:") else {
            return Err(format!(
                "{raw:?}: say open, invite, or domains:example.org,example.com"
            ));
        };
        let domains: Vec<String> = list
            .split(',')
            .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        if domains.is_empty() || domains.iter().any(|d| !d.contains('.') || d.contains('@')) {
            return Err(format!(
                "{raw:?}: list whole domains after domains:, e.g. domains:example.org,example.com"
            ));
        }
        Ok(Registration::Domains(domains))
    }

    /// Whether someone may sign up with this (already checked) e-mail address on
    /// their own. Subdomains are not the domain: `domains:example.org` admits
    /// `ada@example.org`, not `ada@mail.example.org`.
    pub fn admits(&self, email: &str) -> bool {
        match self {
            Registration::Open => true,
            Registration::Invite => false,
            Registration::Domains(domains) => {
                let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
                domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
            }
        }
    }

    /// What the sign-up page says about it.
    pub fn describe(&self) -> Option<String> {
        match self {
            Registration::Open => None,
            Registration::Invite => Some(
                "Sign-up is by invitation: ask your program's coordinator or this site's admin for an account."
                    .into(),
            ),
            Registration::Domains(domains) => Some(format!(
                "Sign-up is open to addresses at {}.",
                domains
                    .iter()
                    .map(|d| format!("@{d}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "TANDEM_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Database URL: `sqlite://path.db` (created if missing) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "TANDEM_DATABASE_URL",
        default_value = "sqlite://tandem.db"
    )]
    pub database_url: String,
    /// Public base URL, used for links in e-mails and calendar feeds.
    #[arg(long, env = "TANDEM_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: String,
    /// SMTP server for outgoing e-mail (e.g. `smtp://127.0.0.1:2525`); without it e-mails go to ./outbox/.
    #[arg(long, env = "TANDEM_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Where e-mails are written as `.eml` files when no SMTP server is configured.
    #[arg(long, env = "TANDEM_OUTBOX_DIR", default_value = "outbox")]
    pub outbox_dir: String,
    /// Failed sign-ins allowed per client IP address within the window.
    #[arg(long, env = "TANDEM_LOGIN_MAX_FAILURES_PER_IP", default_value_t = 20)]
    pub login_max_failures_per_ip: u32,
    /// Failed sign-ins allowed per account within the window.
    #[arg(
        long,
        env = "TANDEM_LOGIN_MAX_FAILURES_PER_ACCOUNT",
        default_value_t = 5
    )]
    pub login_max_failures_per_account: u32,
    /// Length of the sign-in throttling window, in seconds.
    #[arg(long, env = "TANDEM_LOGIN_WINDOW_SECONDS", default_value_t = 900)]
    pub login_window_seconds: u32,
    /// Who may sign up on their own: `open` (anyone), `domains:example.org,example.com`
    /// (addresses at those domains only), or `invite` (only accounts made by an admin,
    /// `tandem user create` or an import). The first account may always sign up.
    #[arg(long, env = "TANDEM_REGISTRATION", default_value = "open", value_parser = Registration::parse)]
    pub registration: Registration,
    /// Sign-ups allowed per client IP address within the sign-in throttling window.
    /// High, so that a whole office behind one address can join on launch day; the
    /// password hashers' own limit (503 with Retry-After) holds a crowd back.
    #[arg(long, env = "TANDEM_SIGNUP_MAX_PER_IP", default_value_t = 500)]
    pub signup_max_per_ip: u32,
    /// How long a sign-up or sign-in waits for a free password hasher before it is
    /// told to come back (503 with Retry-After), in seconds.
    #[arg(long, env = "TANDEM_HASH_WAIT_SECONDS", default_value_t = 10)]
    pub hash_wait_seconds: u32,
    /// How long a session or API token stays valid, in days.
    #[arg(long, env = "TANDEM_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,
    /// Argon2id memory cost in KiB (OWASP's minimum is 19456).
    #[arg(long, env = "TANDEM_ARGON2_MEMORY_KIB", default_value_t = 19456)]
    pub argon2_memory_kib: u32,
    /// Argon2id iterations.
    #[arg(long, env = "TANDEM_ARGON2_ITERATIONS", default_value_t = 2)]
    pub argon2_iterations: u32,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed,
    /// comma-separated addresses or networks (e.g. `127.0.0.1,10.0.0.0/8`).
    #[arg(long, env = "TANDEM_TRUSTED_PROXIES", value_delimiter = ',', value_parser = proxy)]
    pub trusted_proxies: Vec<IpNet>,
    /// Keep hot reads (sessions, relationships, programs) in memory, exactly in step
    /// with every write, here and on other servers; `false` reads everything from the database.
    #[arg(long, env = "TANDEM_READ_CACHE", default_value_t = true, action = clap::ArgAction::Set)]
    pub read_cache: bool,
    /// When set, `GET /metrics` needs `Authorization: Bearer <this token>`.
    #[arg(long, env = "TANDEM_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    #[command(flatten)]
    pub keys: KeyArgs,
}

/// Where the key that seals a pair's content is (SPEC §7).
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// The key file: created, readable by its owner only, on the first start;
    /// keep a copy apart from the backups, which cannot be read without it.
    #[arg(
        long = "key-file",
        env = "TANDEM_KEY_FILE",
        default_value = "tandem.key"
    )]
    pub key_file: std::path::PathBuf,
    /// The key itself (base64), instead of a file: how several servers share one.
    #[arg(long = "key", env = "TANDEM_KEY", hide_env_values = true)]
    pub key: Option<String>,
}

impl KeyArgs {
    pub fn source(&self) -> crate::sealing::keyfile::KeySource {
        use crate::sealing::keyfile::KeySource;
        match &self.key {
            Some(k) => KeySource::Inline(k.clone()),
            None => KeySource::File(self.key_file.clone()),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// The defaults (those of the flags above, not read from the environment) for
    /// a given database, listening on any free port; what tests and tools start from.
    pub fn for_database(database_url: &str) -> Self {
        let command = Config::augment_args(clap::Command::new("tandem"))
            .mut_args(|arg| arg.env(None::<&str>));
        let matches = command
            .try_get_matches_from(["tandem"])
            .expect("every flag has a default");
        let mut config = Config::from_arg_matches(&matches).expect("the defaults parse");
        config.bind = "127.0.0.1:0".into();
        config.database_url = database_url.into();
        config
    }

    /// Whether session cookies must carry `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_flags_defaults() {
        let config = Config::for_database("sqlite://x.db");
        assert_eq!(config.database_url, "sqlite://x.db");
        assert_eq!(config.bind, "127.0.0.1:0");
        assert!(
            config.signup_max_per_ip >= 200,
            "a whole office behind one address joins on launch day"
        );
        assert_eq!(config.registration, Registration::Open);
        assert_eq!(config.argon2_memory_kib, 19456);
        assert!(config.read_cache);
        assert!(config.trusted_proxies.is_empty());
        assert_eq!(config.smtp_url, None);
    }

    #[test]
    fn registration_reads_open_invite_and_domains() {
        assert_eq!(Registration::parse("open"), Ok(Registration::Open));
        assert_eq!(Registration::parse("Invite"), Ok(Registration::Invite));
        let domains = Registration::parse("domains:Example.org, @uni.edu").unwrap();
        assert!(domains.admits("ada@example.org"));
        assert!(domains.admits("Ada@EXAMPLE.ORG"));
        assert!(domains.admits("grace@uni.edu"));
        assert!(!domains.admits("eve@mail.example.org"));
        assert!(!domains.admits("eve@example.org.evil.com"));
        assert!(!Registration::Invite.admits("ada@example.org"));
        assert!(Registration::parse("domains:").is_err());
        assert!(Registration::parse("closed").is_err());
    }
}

//! The `tandem` command: serve, migrate, user management, jobs, matching files,
//! backup and restore.
use anyhow::Context;
use clap::{Parser, Subcommand};
use tandem::config::{Config, LogFormat};
use tandem::service::accounts::{self, RegisterIn};

#[derive(Parser)]
#[command(name = "tandem", version, about = "Tandem: self-hosted mentorship programs", long_about = None)]
struct Cli {
    /// Log lines as `text` (coloured only when stderr is a terminal) or `json` (one
    /// object a line, for a log collector).
    #[arg(
        long,
        global = true,
        env = "TANDEM_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (JSON API under /api/v1, pages under /).
    Serve {
        #[command(flatten)]
        config: Config,
        /// Fill an empty instance with a demo program and print the accounts to sign in with.
        #[arg(long)]
        demo: bool,
    },
    /// The key that seals what pairs write: check it opens every row, or rotate it.
    #[command(after_long_help = KEYS_HELP)]
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        config: Config,
    },
    /// Run the matching engine on files (for scripting and benchmarks).
    ///
    /// Either `--mentors` and `--edges` (scores given), or `--people` (profiles; candidates
    /// and scores are computed with the hard rules). Writes `mentee,mentor` rows to `--out`
    /// and prints one JSON line of figures on stdout; progress goes to stderr.
    #[command(after_long_help = MATCH_FILES_HELP)]
    Match(MatchArgs),
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import participants into a program from a CSV file, all or nothing.
    ///
    /// The header is `email,name,role,field,seniority,skills,wants_skills,languages,
    /// timezone,capacity` (email, name and role required; lists `;`-separated; an empty
    /// cell leaves what is stored). People are found by e-mail: a re-import updates
    /// them, never duplicates. New accounts are invited by e-mail to choose a password
    /// (sent by the server's jobs, or `tandem jobs run`). With any wrong line nothing
    /// is imported: every line's problem goes to stderr and the exit status is 1.
    #[command(
        after_long_help = "EXAMPLES\n  tandem import --program 6f1c0e2a-… people.csv\n  TANDEM_DATABASE_URL=postgres://tandem@db/tandem tandem import --program 6f1c… people.csv"
    )]
    Import {
        #[command(flatten)]
        config: Config,
        /// The program's id (from its page's address, or GET /api/v1/programs).
        #[arg(long)]
        program: String,
        /// The CSV file.
        file: std::path::PathBuf,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check the audit log's hash chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Run the background jobs (the server runs them every minute by itself).
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Write a consistent copy of the database to a file while the server runs, or verify one.
    ///
    /// The backup is a SQLite file with Tandem's schema, whichever database it came from,
    /// so a backup of PostgreSQL restores into SQLite and the other way round, and
    /// `sqlite3` reads it. Beside it goes FILE.manifest.json: `{schema_version,
    /// created_at, tables: {<table>: rows}, sha256}`. Both are written under temporary
    /// names and renamed once complete, so a failed backup leaves no half file.
    #[command(
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true,
        after_long_help = BACKUP_HELP
    )]
    Backup(BackupArgs),
    /// Load a backup into an empty database.
    ///
    /// The database (created or brought to the current schema first) must hold no row;
    /// a non-empty one is refused with exit status 1 and left as it was. The backup may
    /// come from either database and from an older Tandem (its schema is brought up to
    /// date on a copy); one from a newer Tandem is refused. All or nothing: one
    /// transaction.
    #[command(after_long_help = RESTORE_HELP)]
    Restore {
        #[command(flatten)]
        config: Config,
        /// The backup file, as `tandem backup --to` wrote it.
        #[arg(long, value_name = "FILE")]
        from: std::path::PathBuf,
        /// No progress on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
}

const KEYS_HELP: &str = "\
EXAMPLES
  tandem keys check                          # exit status 0 when every row opens
  tandem keys rotate                         # with the server stopped
  TANDEM_KEY_FILE=/etc/tandem/key tandem keys rotate";

#[derive(Subcommand)]
enum KeysCommand {
    /// Open every sealed value with the key (nothing is written): exit status 0 when
    /// all open, 1 naming the columns and rows that do not.
    Check {
        #[command(flatten)]
        config: Config,
        /// No progress on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Seal every row under a new key, with the server stopped. The key file gets
    /// the new key and the old one waits beside it as FILE.old until every row is
    /// sealed again; interrupted, run it again and it goes on where it stopped.
    Rotate {
        #[command(flatten)]
        config: Config,
        /// No progress on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
}

/// A spinner per sealed column, with the rows done.
struct Walk {
    quiet: bool,
    bar: std::sync::Mutex<Option<indicatif::ProgressBar>>,
}

impl Walk {
    fn new(quiet: bool) -> Walk {
        Walk {
            quiet,
            bar: std::sync::Mutex::new(None),
        }
    }
}

impl tandem::service::sealing::Walking for Walk {
    fn column(&self, table: &str, column: &str) {
        use indicatif::{ProgressBar, ProgressStyle};
        if self.quiet {
            return;
        }
        let mut bar = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(done) = bar.take() {
            done.finish();
        }
        let spinner = ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{prefix:>32} {spinner} {pos} rows {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_prefix(format!("{table}.{column}"));
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        *bar = Some(spinner);
    }

    fn advance(&self, rows: u64) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            bar.inc(rows);
        }
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish();
        }
    }
}

/// `tandem keys check` and `tandem keys rotate`.
async fn run_keys(command: KeysCommand) -> anyhow::Result<()> {
    use tandem::sealing::keyfile::{load, Loaded};
    use tandem::service::sealing;
    let started = std::time::Instant::now();
    match command {
        KeysCommand::Check { config, quiet } => {
            let source = config.keys.source();
            let Loaded::Keys(keys) = load(&source).map_err(anyhow::Error::msg)? else {
                anyhow::bail!("there is no key at {} to check", source.describe());
            };
            let store = tandem::store::db::Store::connect(&config.database_url, false).await?;
            store.migrate().await?;
            let report = {
                let walk = Walk::new(quiet);
                sealing::check(&store, &keys, &walk).await?
            };
            store.close().await;
            let opened: u64 = report.iter().map(|c| c.opened).sum();
            let failing: Vec<String> = report
                .iter()
                .filter(|c| c.failed > 0)
                .map(|c| {
                    format!(
                        "{}.{}: {} do not open ({})",
                        c.table,
                        c.column,
                        c.failed,
                        c.failing.join("; ")
                    )
                })
                .collect();
            if !failing.is_empty() {
                anyhow::bail!(
                    "{} values open with key {}, but not these: {}",
                    opened,
                    keys.sealing_id(),
                    failing.join(" | ")
                );
            }
            println!(
                "every sealed value opens with key {}: {opened} values in {} columns ({:.1}s)",
                keys.sealing_id(),
                report.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        KeysCommand::Rotate { config, quiet } => {
            let store = tandem::store::db::Store::connect(&config.database_url, false).await?;
            store.migrate().await?;
            let rotated = {
                let walk = Walk::new(quiet);
                sealing::rotate(&store, &config.keys.source(), &walk).await
            };
            store.close().await;
            let rotated = rotated?;
            println!(
                "{}key {} replaced by key {} in {}: {} values sealed again ({:.1}s); keep a \
                 copy of the new key apart from the backups",
                if rotated.resumed { "(went on) " } else { "" },
                rotated.from,
                rotated.to,
                config.keys.source().describe(),
                rotated.resealed,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

const BACKUP_HELP: &str = "\
EXAMPLES
  tandem backup --to backups/tandem-2027-03-08.db
  TANDEM_DATABASE_URL=postgres://tandem@db/tandem tandem backup --to tandem.db
  tandem backup --to nightly.db --force      # replace the last one
  tandem backup verify backups/tandem-2027-03-08.db";

const RESTORE_HELP: &str = "\
EXAMPLES
  tandem restore --from backups/tandem-2027-03-08.db --database-url sqlite://tandem.db
  TANDEM_DATABASE_URL=postgres://tandem@db/tandem tandem restore --from tandem.db";

#[derive(clap::Args)]
struct BackupArgs {
    #[command(subcommand)]
    command: Option<BackupCommand>,
    #[command(flatten)]
    config: Config,
    /// Where to write the backup; its manifest goes to FILE.manifest.json.
    #[arg(long, value_name = "FILE", required = true)]
    to: Option<std::path::PathBuf>,
    /// Replace FILE (and its manifest) when it exists.
    #[arg(long)]
    force: bool,
    /// No progress on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Check a backup against its manifest: the checksum, the file's integrity, and a
    /// restore into a scratch database with the manifest's row counts. Exit status 0
    /// when all agree, 1 naming what differs.
    #[command(after_long_help = "EXAMPLES\n  tandem backup verify backups/tandem-2027-03-08.db")]
    Verify {
        /// The backup file; its manifest is FILE.manifest.json.
        file: std::path::PathBuf,
        /// No progress on stderr.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        keys: tandem::config::KeyArgs,
    },
}

/// Progress bars on stderr, one a table (none with --quiet, nor when stderr is
/// not a terminal).
struct Bars {
    quiet: bool,
    current: std::sync::Mutex<Option<indicatif::ProgressBar>>,
}

impl Bars {
    fn new(quiet: bool) -> Self {
        Bars {
            quiet,
            current: std::sync::Mutex::new(None),
        }
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Option<indicatif::ProgressBar>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl tandem::store::backup::Progress for Bars {
    fn begin(&self, step: &str, rows: Option<u64>) {
        use indicatif::{ProgressBar, ProgressStyle};
        if self.quiet {
            return;
        }
        let bar = match rows {
            Some(rows) => ProgressBar::new(rows).with_style(
                ProgressStyle::with_template("{prefix:>24} [{bar:32}] {pos}/{len} rows")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            ),
            None => {
                let spinner = ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{prefix:>24} {spinner} {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                spinner.enable_steady_tick(std::time::Duration::from_millis(120));
                spinner
            }
        };
        bar.set_prefix(step.to_string());
        *self.current() = Some(bar);
    }

    fn advance(&self, rows: u64) {
        if let Some(bar) = self.current().as_ref() {
            bar.inc(rows);
        }
    }

    fn end(&self) {
        if let Some(bar) = self.current().take() {
            bar.finish();
        }
    }
}

fn rows_in(tables: &std::collections::BTreeMap<String, u64>) -> u64 {
    tables.values().sum()
}

/// The key, for commands that copy sealed rows (backup, restore): loaded and
/// installed when there is one, never created; without it, a copy that meets
/// sealed content stops with an error that says so.
fn load_keys(keys: &tandem::config::KeyArgs) -> anyhow::Result<()> {
    use tandem::sealing::keyfile::{load, Loaded};
    if let Loaded::Keys(keys) = load(&keys.source()).map_err(anyhow::Error::msg)? {
        tandem::store::sealed::install(keys);
    }
    Ok(())
}

async fn run_backup(args: BackupArgs) -> anyhow::Result<()> {
    use tandem::store::backup;
    let started = std::time::Instant::now();
    if let Some(BackupCommand::Verify { file, quiet, keys }) = args.command {
        load_keys(&keys)?;
        let checked = backup::verify(&file, &Bars::new(quiet)).await?;
        if !checked.differences.is_empty() {
            anyhow::bail!(
                "{} does not verify: {}",
                file.display(),
                checked.differences.join("; ")
            );
        }
        println!(
            "{} verifies: checksum, integrity, and {} rows in {} tables as its manifest says \
             (schema {}, {:.1}s)",
            file.display(),
            rows_in(&checked.manifest.tables),
            checked.manifest.tables.len(),
            checked.manifest.schema_version,
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let to = args.to.context("give --to FILE")?;
    load_keys(&args.config.keys)?;
    let written = backup::backup(
        &args.config.database_url,
        &to,
        args.force,
        &Bars::new(args.quiet),
    )
    .await?;
    println!(
        "backed up {} rows in {} tables to {} ({} bytes, schema {}, {:.1}s); manifest {}",
        rows_in(&written.manifest.tables),
        written.manifest.tables.len(),
        to.display(),
        written.bytes,
        written.manifest.schema_version,
        started.elapsed().as_secs_f64(),
        written.manifest_path.display()
    );
    Ok(())
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Follow the audit log's hash chain from the first entry: exit status 0 when it
    /// is whole, 1 naming the first entry that was changed, removed or inserted.
    Verify {
        #[command(flatten)]
        config: Config,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Run every due job once and exit: requests that expired, reminders (requests
    /// waiting half their time, meetings within 24 hours, action items due), health
    /// alerts and weekly digests, then deliver the e-mail they queued. Each piece
    /// of work is done once, however often this runs and on however many servers.
    /// Prints what was done as one JSON line; exit status 1 when a job failed.
    #[command(
        after_long_help = "EXAMPLES\n  tandem jobs run\n  tandem jobs run --now 2027-03-08T09:00:00Z   # as of that time (tests, catching up)"
    )]
    Run {
        #[command(flatten)]
        config: Config,
        /// Run the jobs as of this time (RFC 3339, e.g. 2027-03-08T09:00:00Z)
        /// instead of now.
        #[arg(long, value_parser = parse_instant)]
        now: Option<chrono::DateTime<chrono::Utc>>,
    },
}

fn parse_instant(raw: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{raw:?} is not an RFC 3339 time such as 2027-03-08T09:00:00Z"))
}

const MATCH_FILES_HELP: &str = "\
FILES
  mentors.csv  header `mentor,capacity`: one row per mentor, capacity a whole number.
  edges.csv    header `mentee,mentor,mentee_score,mentor_score`: the pairs that may be
               matched; ids are strings, scores decimals. `optimal` maximises matched
               mentees, then the sum of mentee_score + mentor_score; `stable` ranks mentors
               by mentee_score on the mentee's side and mentees by mentor_score on the
               mentor's side.
  people.csv   header `id,role,capacity,email,manager_email,field,seniority,skills,
               wants_skills,interests,values,education,languages,timezone,learning_style,
               meeting_preference,hours_per_month`: role is mentor or mentee; lists are
               `;`-separated; timezone is an IANA name; capacity is for mentors.

EXAMPLES
  tandem match --mentors mentors.csv --edges edges.csv --objective optimal --out pairs.csv
  tandem match --people people.csv --kind traditional --objective stable --out pairs.csv";

#[derive(clap::Args)]
struct MatchArgs {
    /// `mentor,capacity` CSV (with --edges).
    #[arg(long, requires = "edges", conflicts_with = "people")]
    mentors: Option<std::path::PathBuf>,
    /// `mentee,mentor,mentee_score,mentor_score` CSV (with --mentors).
    #[arg(long, requires = "mentors")]
    edges: Option<std::path::PathBuf>,
    /// A people CSV with profiles instead of scored edges.
    #[arg(long, required_unless_present = "mentors")]
    people: Option<std::path::PathBuf>,
    /// What to maximise.
    #[arg(long, value_enum)]
    objective: tandem::matchfile::Objective,
    /// With --edges: count scores in exactly this many decimal places; a score with more
    /// is an error. Default: as many places as the most precise score has (never rounded).
    #[arg(long, value_name = "PLACES", value_parser = clap::value_parser!(u32).range(0..=9))]
    precision: Option<u32>,
    /// Where to write the `mentee,mentor` rows.
    #[arg(long)]
    out: std::path::PathBuf,
    /// With --people: the program kind, which sets the seniority direction.
    #[arg(long, value_enum, default_value = "traditional")]
    kind: KindArg,
    /// With --people: the largest time-zone gap allowed, in hours.
    #[arg(long, default_value_t = 12)]
    max_timezone_gap_hours: u32,
    /// With --people: candidate mentors kept per mentee.
    #[arg(long, default_value_t = 50)]
    candidates: usize,
    /// Prove the result against the best possible: certify an optimum with dual prices
    /// and check them independently of the solver; adds `max_pairs`, `best_total` and
    /// `certified` to the summary (for `stable`, the optimum it is compared with).
    #[arg(long)]
    verify: bool,
    /// No progress on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum KindArg {
    Traditional,
    Peer,
    Reverse,
    Group,
}

fn run_match(args: MatchArgs) -> anyhow::Result<()> {
    use std::time::Instant;
    use tandem::matchfile::{self, PeopleOptions, Progress};
    let progress = Progress::new(args.quiet);
    let started = Instant::now();
    let (problem, candidate_seconds) = match (&args.mentors, &args.edges, &args.people) {
        (Some(mentors), Some(edges), _) => {
            let scale = match args.precision {
                Some(places) => matchfile::Scale::fixed(places),
                None => matchfile::Scale::from_input(),
            };
            (
                matchfile::load_edges(mentors, edges, scale, &progress)?,
                None,
            )
        }
        (_, _, Some(people)) => {
            let kind = match args.kind {
                KindArg::Traditional => tandem_match::ProgramKind::Traditional,
                KindArg::Peer => tandem_match::ProgramKind::Peer,
                KindArg::Reverse => tandem_match::ProgramKind::Reverse,
                KindArg::Group => tandem_match::ProgramKind::Group,
            };
            let options = PeopleOptions {
                kind,
                max_timezone_gap_hours: args.max_timezone_gap_hours,
                weights: tandem_match::Weights::default(),
                candidates_per_mentee: args.candidates,
                at: chrono::Utc::now(),
            };
            let (problem, seconds) = matchfile::load_people(people, &options, &progress)?;
            (problem, Some(seconds))
        }
        _ => anyhow::bail!("give --mentors and --edges, or --people"),
    };
    let load_seconds = started.elapsed().as_secs_f64() - candidate_seconds.unwrap_or(0.0);
    progress.say("solving");
    let solving = Instant::now();
    let assignment = matchfile::solve(&problem, args.objective);
    let solve_seconds = solving.elapsed().as_secs_f64();
    progress.say(format_args!(
        "solved in {solve_seconds:.3}s; writing {}",
        args.out.display()
    ));
    matchfile::write_assignment(&args.out, &problem, &assignment)?;
    let mut summary = matchfile::summary(&problem, &assignment, load_seconds, solve_seconds);
    summary.candidate_seconds = candidate_seconds;
    if args.verify {
        progress.say("certifying the optimum");
        summary.bound = Some(matchfile::verify(&problem, args.objective, &assignment)?);
    }
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account.
    Create {
        #[command(flatten)]
        config: Config,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The password; read from TANDEM_PASSWORD when not given.
        #[arg(long, env = "TANDEM_PASSWORD", hide_env_values = true)]
        password: String,
        /// Make the account an instance admin.
        #[arg(long)]
        admin: bool,
    },
}

async fn run_import(
    config: Config,
    program: &str,
    file: &std::path::Path,
    quiet: bool,
) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
    let app = tandem::build(config).await?;
    let bar = ProgressBar::with_draw_target(
        None,
        if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{spinner} importing {pos}/{len} lines [{bar:30}] {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let done =
        tandem::service::programs::import::import_from_shell(&app.state, program, &text, &progress)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.public_message()))?;
    bar.finish_and_clear();
    if !done.out.errors.is_empty() {
        for e in &done.out.errors {
            eprintln!("{}:{}: {}", file.display(), e.line, e.message);
        }
        anyhow::bail!(
            "nothing was imported: {} line(s) are wrong",
            done.out.errors.len()
        );
    }
    println!(
        "imported {}: {} enrolled, {} updated, {} invited by e-mail{}",
        file.display(),
        done.out.created,
        done.out.updated,
        done.invited,
        if done.invited > 0 {
            " (sent by the server's jobs within a minute, or now by `tandem jobs run`)"
        } else {
            ""
        }
    );
    Ok(())
}

/// Large allocations (Argon2's 19 MiB a hash) always come from the system and go
/// back to it when freed. glibc otherwise raises its threshold after the first
/// such free and keeps serving them from its heaps, which grow with a crowd of
/// sign-ups and never shrink (a probe: +457 MiB after 50 sign-ups, against +40 MiB).
fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called once, before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let log_format = cli.log_format;
    let result = match cli.command {
        // The engine on files needs neither the async runtime (its threads) nor the
        // allocator setting for password hashes: it runs on this thread alone.
        Command::Match(args) => run_match(args),
        command => {
            return_large_allocations();
            match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime.block_on(async {
                    start_logging(log_format);
                    run(command).await
                }),
                Err(e) => Err(anyhow::anyhow!("cannot start the async runtime: {e}")),
            }
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole chain of context on one line, without a backtrace.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Log lines on stderr, filtered by `RUST_LOG`; colour only for a terminal.
fn start_logging(format: LogFormat) {
    use std::io::IsTerminal;
    // The database and mail libraries log statements with their values and whole
    // SMTP conversations: personal data and content. They are held at `warn`,
    // whatever RUST_LOG says.
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,tower_http=info".into());
    for quiet in [
        "sqlx=warn",
        "sea_orm=warn",
        "sea_orm_migration=warn",
        "lettre=warn",
    ] {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let lines = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => lines.json().init(),
        LogFormat::Text => lines.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Match(args) => run_match(args),
        Command::Serve { config, demo } => {
            let bind = config.bind.clone();
            let app = tandem::build(config).await?;
            if demo {
                tandem::demo::seed(&app.state).await?;
            }
            let listener = tokio::net::TcpListener::bind(&bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            tracing::info!("Tandem is listening on http://{}", listener.local_addr()?);
            app.run(listener, tandem::shutdown_signal()).await
        }
        Command::Jobs {
            command: JobsCommand::Run { config, now },
        } => {
            let app = tandem::build(config).await?;
            if let Some(now) = now {
                app.state.clock.set(now);
            }
            let done = tandem::service::jobs::run_due(&app.state).await;
            println!("{}", serde_json::to_string(&done)?);
            if done.failures.is_empty() {
                Ok(())
            } else {
                anyhow::bail!(
                    "{} job(s) failed: {}",
                    done.failures.len(),
                    done.failures.join("; ")
                )
            }
        }
        Command::Import {
            config,
            program,
            file,
            quiet,
        } => run_import(config, &program, &file, quiet).await,
        Command::Audit {
            command: AuditCommand::Verify { config },
        } => {
            let app = tandem::build(config).await?;
            match tandem::service::audit::verify(&app.state).await? {
                Ok(entries) => {
                    println!("the audit log is whole: {entries} entries");
                    Ok(())
                }
                Err(broken) => anyhow::bail!("the audit log is not whole: {broken}"),
            }
        }
        Command::Backup(args) => run_backup(args).await,
        Command::Keys { command } => run_keys(command).await,
        Command::Restore {
            config,
            from,
            quiet,
        } => {
            let started = std::time::Instant::now();
            load_keys(&config.keys)?;
            let restored =
                tandem::store::backup::restore(&config.database_url, &from, &Bars::new(quiet))
                    .await?;
            println!(
                "restored {} rows in {} tables from {} (schema {}{}, {:.1}s)",
                rows_in(&restored.tables),
                restored.tables.len(),
                from.display(),
                restored.schema_version,
                match &restored.upgraded_from {
                    Some(old) => format!(", brought up from {old}"),
                    None => String::new(),
                },
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Migrate { config } => {
            tandem::migrate(&config.database_url).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    config,
                    email,
                    name,
                    password,
                    admin,
                },
        } => {
            let app = tandem::build(config).await?;
            let user = accounts::create_user(
                &app.state,
                &RegisterIn {
                    email,
                    password,
                    name,
                },
                admin,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.public_message()))?;
            println!(
                "created {} <{}>{}",
                user.name,
                user.email,
                if user.is_admin { " (admin)" } else { "" }
            );
            Ok(())
        }
    }
}

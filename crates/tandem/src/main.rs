//! The `tandem` command: serve, migrate, user management.
use anyhow::Context;
use clap::{Parser, Subcommand};
use tandem::config::Config;
use tandem::service::accounts::{self, RegisterIn};

#[derive(Parser)]
#[command(name = "tandem", version, about = "Tandem: self-hosted mentorship programs", long_about = None)]
struct Cli {
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
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        config: Config,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,tower_http=info".into()),
        )
        .with_target(false)
        .init();
    match Cli::parse().command {
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
        Command::Migrate { config } => {
            let store = tandem::store::Store::connect(&config.database_url).await?;
            store.migrate().await?;
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

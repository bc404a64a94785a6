//! `consent-gate`: the site owner's and the server's side of consent-gate, with core's own rules.
//!
//! `consent-gate csp --config config.json [--cookie HEADER] [--gpc]` prints the lockdown
//! Content-Security-Policy for the visitor who sent that `Cookie` header (README, "Lockdown").

use clap::{Parser, Subcommand};
use consent_gate::core::config::Config;
use consent_gate::core::server::Visitor;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Parser)]
#[command(
    name = "consent-gate",
    version,
    about = "consent-gate's tools for site owners and servers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the lockdown Content-Security-Policy for one visitor.
    Csp {
        /// The site's config (the JSON of its consent-gate-config element).
        #[arg(long)]
        config: std::path::PathBuf,
        /// The request's Cookie header; without it, the visitor has not decided.
        #[arg(long)]
        cookie: Option<String>,
        /// The request carried `Sec-GPC: 1`.
        #[arg(long)]
        gpc: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Csp {
            config,
            cookie,
            gpc,
        } => {
            let config = match read_config(&config) {
                Ok(config) => config,
                Err(message) => {
                    eprintln!("{message}");
                    return ExitCode::FAILURE;
                }
            };
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let visitor = Visitor::from_request(&config, cookie.as_deref(), gpc, now);
            println!("{}", visitor.content_security_policy());
            ExitCode::SUCCESS
        }
    }
}

/// The config at `path`, or every problem with it, one per line.
fn read_config(path: &std::path::Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot be read: {e}", path.display()))?;
    Config::from_json(&text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}: {e}", path.display()))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

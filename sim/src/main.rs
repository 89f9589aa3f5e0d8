//! `lexware-sim --port N`: runs the simulator until Ctrl-C.

use std::process::ExitCode;

use clap::Parser;
use lexware_sim::{Sim, SimConfig};

/// A loopback stand-in for the Lexware Office API and its OAuth 2.1 server.
#[derive(Parser)]
#[command(name = "lexware-sim", version)]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[arg(long)]
    client_id: Option<String>,
    #[arg(long)]
    client_secret: Option<String>,
    /// companyName in GET /v1/profile.
    #[arg(long)]
    company: Option<String>,
    /// expires_in of issued access tokens, in seconds.
    #[arg(long)]
    access_ttl: Option<i64>,
    /// Pad issued access tokens to this many characters (Lexware's may be up to 4,096).
    #[arg(long, value_name = "N")]
    access_token_chars: Option<usize>,
    /// Turn off the 2 requests/second/client rate limit.
    #[arg(long)]
    no_rate_limit: bool,
    /// Refuse http:// callback URLs (https only), even on loopback.
    #[arg(long)]
    no_http_callbacks: bool,
    /// Several callback URLs per event type (409 only for an identical subscription). This is
    /// the default now; the flag stays for older scripts.
    #[arg(long, conflicts_with = "reject_duplicate_event_types")]
    allow_duplicate_event_types: bool,
    /// Stricter than the contract: 409 for a second subscription of the same event type, even
    /// with another callback URL.
    #[arg(long)]
    reject_duplicate_event_types: bool,
    /// RSA private key (PEM, PKCS#8 or PKCS#1) that signs webhook deliveries; default: the
    /// shipped test key. Its public key is served at /_sim/webhook-public-key.
    #[arg(long, value_name = "PEM_FILE")]
    webhook_key: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut cfg = SimConfig::default();
    if let Some(v) = args.client_id {
        cfg.client_id = v;
    }
    if let Some(v) = args.client_secret {
        cfg.client_secret = v;
    }
    if let Some(v) = args.company {
        cfg.company_name = v;
    }
    if let Some(v) = args.access_ttl {
        cfg.access_ttl_secs = v;
    }
    cfg.rate_limit = !args.no_rate_limit;
    cfg.allow_http_callbacks = !args.no_http_callbacks;
    cfg.reject_duplicate_event_types =
        args.reject_duplicate_event_types && !args.allow_duplicate_event_types;

    if let Some(path) = args.webhook_key {
        match std::fs::read_to_string(&path) {
            Ok(pem) => cfg.webhook_key_pem = Some(pem),
            Err(e) => {
                eprintln!("lexware-sim: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }

    let sim = match Sim::start_on(cfg, args.port).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("lexware-sim: cannot start on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    sim.control()
        .set_access_token_chars(args.access_token_chars);
    println!("lexware-sim listening on {}", sim.url());
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("lexware-sim: cannot wait for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    drop(sim);
    ExitCode::SUCCESS
}

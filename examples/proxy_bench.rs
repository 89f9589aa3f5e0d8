//! The local API proxy's cost and fairness (a benchmark, not a test: it asserts nothing).
//! The engine and its proxy run in process against the simulator on loopback:
//!   1. overhead: `GET /v1/profile` sent directly and through the proxy, one every 600 ms (so
//!      the 2 requests/second budget never makes a request wait), p50 and p99 of each;
//!   2. fairness: 10 clients call through the proxy as fast as it lets them for 30 s; how many
//!      requests each got through and how long they waited.
//!
//! Run: `cargo run --release --example proxy_bench`. Prints Markdown for docs/performance.md.

use lexguard::config::Config;
use lexguard::store::MemoryStore;
use lexguard::{Engine, EngineOptions, Home, Lang, SystemClock};
use lexware_sim::{Sim, SimConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SAMPLES: usize = 100;

#[tokio::main]
async fn main() {
    let sim = Sim::start(SimConfig::default()).await.expect("simulator");
    let home = tempfile::tempdir().expect("home");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut config = Config::default();
    config.lexware.auth_url = sim.url();
    config.lexware.api_url = sim.url();
    config.lexware.client_id = Some(SimConfig::default().client_id);
    config.lexware.redirect_uri = Some(format!("{}/copy-code", sim.url()));
    config.share.proxy = Some(format!("127.0.0.1:{port}"));
    let engine = Engine::new(EngineOptions {
        home: Home::at(home.path()),
        config,
        store: Arc::new(MemoryStore::new()),
        clock: Arc::new(SystemClock),
        lang: Lang::En,
        client_secret: Some(lexguard::ClientSecret::new(
            SimConfig::default().client_secret,
        )),
        schedule_override: None,
    });
    let url = engine.login_url().await.expect("login url");
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let redirect = plain.get(url).send().await.expect("authorize");
    let location = redirect.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    engine.connect(&location).await.expect("connect");
    let bearer = engine.access_token().await.expect("token");
    let key = lexguard::share::local_key::get_or_create(home.path(), None).expect("key");
    tokio::spawn(lexguard::share::proxy::run(engine.clone()));
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let client = reqwest::Client::new();
    let direct_url = format!("{}/v1/profile", sim.url());
    let proxy_url = format!("http://127.0.0.1:{port}/v1/profile");

    let mut direct = Vec::new();
    let mut proxied = Vec::new();
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let r = client
            .get(&direct_url)
            .bearer_auth(&bearer)
            .send()
            .await
            .expect("direct");
        let _ = r.bytes().await;
        direct.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(600)).await;
        let t = Instant::now();
        let r = client
            .get(&proxy_url)
            .bearer_auth(&key)
            .send()
            .await
            .expect("proxy");
        assert_eq!(r.status().as_u16(), 200);
        let _ = r.bytes().await;
        proxied.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    println!("| `GET /v1/profile`, {SAMPLES} each, spaced 600 ms | p50 | p99 |");
    println!("|---|---|---|");
    for (name, v) in [
        ("direct to the simulator", &mut direct),
        ("through the proxy", &mut proxied),
    ] {
        v.sort();
        println!(
            "| {name} | {:.2} ms | {:.2} ms |",
            ms(pct(v, 50)),
            ms(pct(v, 99))
        );
    }

    let until = Instant::now() + Duration::from_secs(30);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            let (url, key) = (proxy_url.clone(), key.clone());
            tokio::spawn(async move {
                let mut done = 0u32;
                let mut waits = Vec::new();
                while Instant::now() < until {
                    let t = Instant::now();
                    let r = client.get(&url).bearer_auth(&key).send().await;
                    if r.is_ok_and(|r| r.status().is_success()) {
                        done += 1;
                        waits.push(t.elapsed());
                    }
                }
                (done, waits)
            })
        })
        .collect();
    let mut counts = Vec::new();
    let mut all_waits = Vec::new();
    for t in tasks {
        let (done, waits) = t.await.expect("client");
        counts.push(done);
        all_waits.extend(waits);
    }
    all_waits.sort();
    let total: u32 = counts.iter().sum();
    println!();
    println!("| 10 clients through the proxy for 30 s | value |");
    println!("|---|---|");
    println!(
        "| requests answered (all clients) | {total} ({:.2}/s) |",
        f64::from(total) / 30.0
    );
    println!("| per client | {counts:?} |");
    println!(
        "| fewest / most per client | {} / {} |",
        counts.iter().min().unwrap_or(&0),
        counts.iter().max().unwrap_or(&0)
    );
    println!(
        "| time per request, p50 / p99 | {:.0} ms / {:.0} ms |",
        ms(pct(&all_waits, 50)),
        ms(pct(&all_waits, 99))
    );
    println!(
        "| 429 at the simulator | {} |",
        sim.control().counters().rate_limited
    );
}

fn pct(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) * p / 100).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

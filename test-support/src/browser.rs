//! The person's browser in tests: opens the login link at the simulator (which consents at
//! once) and goes where Lexware sends it. Every request has a timeout, so a test that meets a
//! silent server fails instead of hanging.

use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(20);

fn client(follow: bool) -> reqwest::Client {
    let policy = if follow {
        reqwest::redirect::Policy::limited(5)
    } else {
        reqwest::redirect::Policy::none()
    };
    reqwest::Client::builder()
        .redirect(policy)
        .timeout(TIMEOUT)
        .build()
        .expect("http client")
}

/// Opens the login link without following Lexware's redirect and returns the address the
/// browser would land on: `…/callback?code=…&state=…` (absolute, as the redirect names it),
/// the text a person pastes into lexguard.
pub async fn follow_login(login_url: &str) -> String {
    let resp = client(false)
        .get(login_url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {login_url}: {e}"));
    assert!(
        resp.status().is_redirection(),
        "the login link answered {} instead of a redirect",
        resp.status()
    );
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .expect("a Location");
    url::Url::parse(login_url)
        .and_then(|base| base.join(location))
        .expect("a valid Location")
        .to_string()
}

/// Opens the login link and follows every redirect, as a browser does: with a loopback
/// redirect address this lands on lexguard's own listener. Returns the page shown at the end.
pub async fn open_login(login_url: &str) -> String {
    get_text(&client(true), login_url).await
}

/// Lands on the copy-code page (the redirect address of the demo) and reads the code shown
/// there, as a person would before pasting it.
pub async fn code_from_copy_page(login_url: &str) -> String {
    let page_url = follow_login(login_url).await;
    assert_eq!(
        url::Url::parse(&page_url).expect("url").path(),
        "/copy-code",
        "redirected to {page_url}"
    );
    let page = get_text(&client(false), &page_url).await;
    let start = r#"<code id="auth-code">"#;
    let from = page
        .find(start)
        .map(|i| i + start.len())
        .unwrap_or_else(|| panic!("no {start} on the copy-code page: {page}"));
    let len = page[from..].find("</code>").expect("</code>");
    page[from..from + len].trim().to_string()
}

/// The `code` of a redirect address.
pub fn code_of(redirect: &str) -> String {
    url::Url::parse(redirect)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code in redirect")
}

async fn get_text(client: &reqwest::Client, url: &str) -> String {
    client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .text()
        .await
        .expect("page text")
}

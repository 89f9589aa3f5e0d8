//! The OAuth 2.1 server as the contract describes it.

mod common;

use common::*;
use lexware_sim::{Sim, SimConfig};
use reqwest::StatusCode;

#[tokio::test]
async fn authorize_redirects_back_with_code_and_state() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let resp = authorize_raw(
        &sim,
        &http,
        &[
            ("client_id", CLIENT_ID),
            ("redirect_uri", "http://127.0.0.1:53682/callback?keep=1"),
            ("response_type", "code"),
            ("state", "xyz-state"),
            ("code_challenge", &p.challenge),
            ("code_challenge_method", "S256"),
            ("scope", "profile.read"),
            ("connection_name", "Mein Shop"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = location(&resp);
    assert_eq!(loc.host_str(), Some("127.0.0.1"));
    assert_eq!(loc.port(), Some(53682));
    assert_eq!(loc.path(), "/callback");
    assert!(loc.query_pairs().any(|(k, v)| k == "keep" && v == "1"));
    let (code, state) = code_and_state(&loc);
    assert_eq!(state, "xyz-state");
    assert!(
        !code.is_empty() && code.len() <= 128,
        "code size {}",
        code.len()
    );
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "URL-safe code"
    );
}

#[tokio::test]
async fn authorize_refuses_without_s256_or_for_unknown_client() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let redirect = redirect_uri();
    let base = [
        ("client_id", CLIENT_ID),
        ("redirect_uri", redirect.as_str()),
        ("response_type", "code"),
        ("state", "s"),
        ("code_challenge", p.challenge.as_str()),
    ];
    let cases: Vec<Vec<(&str, &str)>> = vec![
        // PKCE method missing
        base.to_vec(),
        // plain refused
        [base.as_slice(), &[("code_challenge_method", "plain")]].concat(),
        // unknown client
        {
            let mut v = [base.as_slice(), &[("code_challenge_method", "S256")]].concat();
            v[0] = ("client_id", "someone-else");
            v
        },
        // challenge missing
        vec![
            ("client_id", CLIENT_ID),
            ("redirect_uri", redirect.as_str()),
            ("response_type", "code"),
            ("state", "s"),
            ("code_challenge_method", "S256"),
        ],
    ];
    for params in cases {
        let resp = authorize_raw(&sim, &http, &params).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{params:?}");
        assert!(resp.headers().get("location").is_none());
    }
}

#[tokio::test]
async fn code_exchange_answers_the_contract_token_response() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let t = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(t.body["token_type"], "Bearer");
    assert_eq!(t.body["expires_in"], 14399);
    assert!(t.body["scope"].is_string());
    let access = t.body["access_token"].as_str().expect("access_token");
    let refresh = t.body["refresh_token"].as_str().expect("refresh_token");
    assert!(!access.is_empty() && access.len() <= 4096);
    assert!(!refresh.is_empty() && refresh.len() <= 128);
    assert_eq!(
        t.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let ctl = sim.control();
    assert!(ctl.connection_active());
    assert_eq!(ctl.counters().code_exchanges, 1);

    let (status, body) = profile(&sim, &http, access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["connectionId"].as_str(),
        ctl.connection_id().as_deref()
    );
}

#[tokio::test]
async fn a_code_is_single_use() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let first = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_code_expires_after_five_minutes() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    sim.control().advance_clock(301);
    let t = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_code_is_still_good_within_five_minutes() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    sim.control().advance_clock(290);
    let t = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
}

#[tokio::test]
async fn a_wrong_verifier_burns_the_code() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let wrong = pkce();
    let t = exchange(&sim, &http, &code, &redirect_uri(), &wrong.verifier).await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.body["error"], "invalid_grant");
    let t = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.body["error"], "invalid_grant");
    assert!(!sim.control().connection_active());
}

#[tokio::test]
async fn a_redirect_mismatch_burns_the_code() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let t = exchange(
        &sim,
        &http,
        &code,
        "http://127.0.0.1:53682/other",
        &p.verifier,
    )
    .await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.body["error"], "invalid_grant");
    let t = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.body["error"], "invalid_grant");
}

#[tokio::test]
async fn the_client_authenticates_with_http_basic_only() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1:53682/callback"),
        ("code_verifier", p.verifier.as_str()),
    ];
    // No Basic at all.
    let t = token(&sim, &http, None, &form).await;
    assert_eq!(t.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.body["error"], "invalid_client");
    // Wrong secret.
    let t = token(&sim, &http, Some(&basic(CLIENT_ID, "wrong")), &form).await;
    assert_eq!(t.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.body["error"], "invalid_client");
    // Credentials in the form are not accepted.
    let with_creds = [
        form.as_slice(),
        &[("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)],
    ]
    .concat();
    let t = token(&sim, &http, None, &with_creds).await;
    assert_eq!(t.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.body["error"], "invalid_client");
    assert_eq!(sim.control().counters().failed_token_requests, 3);
    // Failed client authentication does not consume the code.
    let t = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
}

#[tokio::test]
async fn basic_credentials_may_be_form_urlencoded() {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    let sim = Sim::start(SimConfig {
        rate_limit: false,
        client_secret: "s3c:r+t&%".to_owned(),
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    let http = http();
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let t = token(
        &sim,
        &http,
        Some(&basic(CLIENT_ID, "s3c%3Ar%2Bt%26%25")),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect_uri()),
            ("code_verifier", &p.verifier),
        ],
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
}

#[tokio::test]
async fn other_grant_types_are_unsupported() {
    let sim = start_unlimited().await;
    let http = http();
    let t = token(
        &sim,
        &http,
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_refresh_token_revokes_the_connection() {
    let sim = start_unlimited().await;
    let http = http();
    let first = login(&sim, &http).await;

    let r = refresh(&sim, &http, &first.refresh).await;
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 14399);
    let second = tokens_of(&r);
    assert_ne!(second.refresh, first.refresh);
    assert_ne!(second.access, first.access);
    assert_eq!(sim.control().counters().refreshes, 1);

    // One access token per connection: the old one is dead, the new one works.
    assert_eq!(
        profile(&sim, &http, &first.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(profile(&sim, &http, &second.access).await.0, StatusCode::OK);

    // The rotated refresh token is dead, and presenting it kills the connection.
    let replay = refresh(&sim, &http, &first.refresh).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(replay.body["error"], "invalid_grant");
    assert!(!sim.control().connection_active());
    let r = refresh(&sim, &http, &second.refresh).await;
    assert_eq!(r.body["error"], "invalid_grant");
    assert_eq!(
        profile(&sim, &http, &second.access).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn unknown_refresh_token_is_invalid_grant() {
    let sim = start_unlimited().await;
    let http = http();
    let r = refresh(&sim, &http, "no-such-token").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"], "invalid_grant");
}

#[tokio::test]
async fn lexware_side_revocation_kills_refresh_and_access() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control().revoke_connection();
    assert!(!sim.control().connection_active());
    let r = refresh(&sim, &http, &t.refresh).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"], "invalid_grant");
    let (status, body) = profile(&sim, &http, &t.access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, serde_json::json!({"message": "Unauthorized"}));
}

#[tokio::test]
async fn revoke_endpoint_kills_the_connection_and_accepts_unknown_tokens() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let revoke = |token: String| {
        let http = http.clone();
        let url = format!("{}/oauth2/revoke", sim.url());
        async move {
            http.post(url)
                .header("authorization", basic(CLIENT_ID, CLIENT_SECRET))
                .form(&[("token", token)])
                .send()
                .await
                .expect("revoke request")
                .status()
        }
    };
    assert_eq!(revoke("never-issued".into()).await, StatusCode::OK);
    assert!(sim.control().connection_active());
    assert_eq!(revoke(t.refresh.clone()).await, StatusCode::OK);
    assert!(!sim.control().connection_active());
    assert_eq!(
        profile(&sim, &http, &t.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&sim, &http, &t.refresh).await.body["error"],
        "invalid_grant"
    );
    assert_eq!(sim.control().counters().revocations, 2);

    // Without client authentication: invalid_client.
    let resp = http
        .post(format!("{}/oauth2/revoke", sim.url()))
        .form(&[("token", "x")])
        .send()
        .await
        .expect("revoke request");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn revoking_the_access_token_kills_the_whole_connection() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let resp = http
        .post(format!("{}/oauth2/revoke", sim.url()))
        .header("authorization", basic(CLIENT_ID, CLIENT_SECRET))
        .form(&[("token", t.access.as_str())])
        .send()
        .await
        .expect("revoke request");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        refresh(&sim, &http, &t.refresh).await.body["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn access_tokens_can_die_early_while_refresh_still_works() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control().invalidate_access_tokens();
    assert_eq!(
        profile(&sim, &http, &t.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let fresh = tokens_of(&refresh(&sim, &http, &t.refresh).await);
    assert_eq!(profile(&sim, &http, &fresh.access).await.0, StatusCode::OK);
}

#[tokio::test]
async fn access_tokens_expire_on_the_sim_clock() {
    let sim = start_unlimited().await;
    let http = http();
    sim.control().set_access_ttl(60);
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let answer = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(answer.body["expires_in"], 60);
    let t = tokens_of(&answer);
    assert_eq!(profile(&sim, &http, &t.access).await.0, StatusCode::OK);
    sim.control().advance_clock(61);
    assert_eq!(
        profile(&sim, &http, &t.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let fresh = tokens_of(&refresh(&sim, &http, &t.refresh).await);
    assert_eq!(profile(&sim, &http, &fresh.access).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_deactivated_client_gets_unauthorized_client() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control().deactivate_client();
    let r = refresh(&sim, &http, &t.refresh).await;
    assert!(
        r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::UNAUTHORIZED,
        "{}",
        r.status
    );
    assert_eq!(r.body["error"], "unauthorized_client");
    assert_eq!(
        profile(&sim, &http, &t.access).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_new_authorization_replaces_the_previous_connection() {
    let sim = start_unlimited().await;
    let http = http();
    let old = login(&sim, &http).await;
    let old_id = sim.control().connection_id().expect("connected");
    let new = login(&sim, &http).await;
    let new_id = sim.control().connection_id().expect("connected");
    assert_ne!(old_id, new_id);
    assert_eq!(
        refresh(&sim, &http, &old.refresh).await.body["error"],
        "invalid_grant"
    );
    assert_eq!(
        profile(&sim, &http, &old.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = profile(&sim, &http, &new.access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["connectionId"], new_id.as_str());
}

#[tokio::test]
async fn copy_code_page_shows_the_code() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let redirect = format!("{}/copy-code", sim.url());
    let resp = authorize_raw(
        &sim,
        &http,
        &[
            ("client_id", CLIENT_ID),
            ("redirect_uri", &redirect),
            ("response_type", "code"),
            ("state", "s1"),
            ("code_challenge", &p.challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = location(&resp);
    assert!(loc.as_str().starts_with(&redirect));
    let (code, _) = code_and_state(&loc);
    let page = http.get(loc.as_str()).send().await.expect("copy-code page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains(&format!("<code id=\"auth-code\">{code}</code>")),
        "{html}"
    );
    let t = exchange(&sim, &http, &code, &redirect, &p.verifier).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
}

#[tokio::test]
async fn authorize_code_shortcut_yields_an_exchangeable_code() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let code = sim
        .control()
        .authorize_code("st", &p.challenge, &redirect_uri());
    let t = exchange(&sim, &http, &code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
}

#[tokio::test]
async fn token_endpoint_wants_a_form_body() {
    let sim = start_unlimited().await;
    let http = http();
    let resp = http
        .post(format!("{}/oauth2/token", sim.url()))
        .header("authorization", basic(CLIENT_ID, CLIENT_SECRET))
        .json(&serde_json::json!({"grant_type": "refresh_token", "refresh_token": "x"}))
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "invalid_request");
}

//! What a person pastes after logging in at Lexware: the bare code, or the whole address the
//! browser ended on. Both become a code (and maybe a `state`) or a clear error, before
//! anything is sent.

use crate::error::{Error, Result};
use crate::secret::AuthCode;

/// The contract: authorization codes are at most 128 characters.
pub const MAX_CODE_LEN: usize = crate::contract::MAX_CODE_CHARS;
/// Anything longer than a long URL is not a paste of ours.
const MAX_PASTE_LEN: usize = crate::limits::PASTE_MAX_CHARS as usize;

#[derive(Debug)]
pub struct Pasted {
    pub code: AuthCode,
    pub state: Option<String>,
}

pub fn parse(input: &str) -> Result<Pasted> {
    let text = input
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '<' || c == '>');
    if text.is_empty() {
        return Err(Error::invalid(
            "Es wurde nichts eingefügt. Bitte kopieren Sie den Code (oder die ganze Adresse) von der Lexware-Seite und fügen Sie ihn ein.",
            "Nothing was pasted. Please copy the code (or the whole address) from the Lexware page and paste it.",
        ));
    }
    if text.len() > MAX_PASTE_LEN {
        return Err(Error::invalid(
            "Der eingefügte Text ist viel zu lang für einen Code. Bitte kopieren Sie nur den Code oder die Adresse.",
            "The pasted text is far too long for a code. Please copy only the code or the address.",
        ));
    }
    if text.contains("://") || text.starts_with('?') || text.contains("code=") {
        return from_url(text);
    }
    check_code(text)?;
    Ok(Pasted {
        code: AuthCode::new(text),
        state: None,
    })
}

fn from_url(text: &str) -> Result<Pasted> {
    let query = match url::Url::parse(text) {
        Ok(u) => u.query().unwrap_or_default().to_string(),
        Err(_) => text.split_once('?').map_or(text, |(_, q)| q).to_string(),
    };
    let mut code = None;
    let mut state = None;
    let mut error = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            _ => {}
        }
    }
    if let Some(err) = error {
        return Err(if err == "access_denied" {
            Error::invalid(
                "Die Anmeldung wurde bei Lexware abgebrochen oder abgelehnt. Bitte öffnen Sie den Anmeldelink erneut und bestätigen Sie den Zugriff.",
                "The login was cancelled or denied at Lexware. Please open the login link again and confirm the access.",
            )
        } else {
            Error::invalid(
                format!(
                    "Lexware meldet einen Fehler bei der Anmeldung ({err}). Bitte öffnen Sie den Anmeldelink erneut."
                ),
                format!("Lexware reports a login error ({err}). Please open the login link again."),
            )
        });
    }
    let Some(code) = code else {
        return Err(Error::invalid(
            "In der eingefügten Adresse steht kein Code (code=…). Bitte kopieren Sie die vollständige Adresse, auf der Lexware Sie nach der Anmeldung abgesetzt hat.",
            "The pasted address holds no code (code=…). Please copy the complete address Lexware sent you to after logging in.",
        ));
    };
    // Lexware always sends `state` back with the code. An address without it cannot be
    // checked against the login that was opened, so it might be someone else's (login CSRF).
    let Some(state) = state.filter(|s| !s.is_empty()) else {
        return Err(Error::invalid(
            "In der eingefügten Adresse fehlt „state=…“, daher lässt sich nicht prüfen, ob sie zu Ihrer Anmeldung gehört. Bitte kopieren Sie die vollständige Adresse aus der Adresszeile des Browsers – oder nur den Code allein.",
            "The pasted address has no \"state=…\", so lexguard cannot check that it belongs to your login. Please copy the complete address from the browser's address bar – or just the code on its own.",
        ));
    };
    check_code(&code)?;
    Ok(Pasted {
        code: AuthCode::new(code),
        state: Some(state),
    })
}

fn check_code(code: &str) -> Result<()> {
    if code.len() > MAX_CODE_LEN {
        return Err(Error::invalid(
            format!(
                "Der Code ist zu lang ({} Zeichen, höchstens {MAX_CODE_LEN}). Bitte kopieren Sie nur den Code.",
                code.len()
            ),
            format!(
                "The code is too long ({} characters, at most {MAX_CODE_LEN}). Please copy only the code.",
                code.len()
            ),
        ));
    }
    if let Some(bad) = code
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~+/=".contains(*c)))
    {
        let shown = if bad.is_whitespace() {
            "ein Leerzeichen".to_string()
        } else {
            format!("„{bad}“")
        };
        let shown_en = if bad.is_whitespace() {
            "a space".to_string()
        } else {
            format!("'{bad}'")
        };
        return Err(Error::invalid(
            format!(
                "Der Code enthält {shown}, das in einem Code von Lexware nicht vorkommt. Bitte kopieren Sie den Code erneut, ohne zusätzlichen Text."
            ),
            format!(
                "The code contains {shown_en}, which a Lexware code never has. Please copy the code again, without extra text."
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_code() {
        let p = parse("  abcDEF-123_x.y~z \n").expect("code");
        assert_eq!(p.code.expose(), "abcDEF-123_x.y~z");
        assert!(p.state.is_none());
    }

    #[test]
    fn whole_redirect_url() {
        let p = parse("https://shop.example/cb?code=C0DE&state=st%2B1").expect("url");
        assert_eq!(p.code.expose(), "C0DE");
        assert_eq!(p.state.as_deref(), Some("st+1"));
    }

    #[test]
    fn an_address_without_state_is_refused_the_bare_code_is_not() {
        for pasted in [
            "https://shop.example/cb?code=C0DE",
            "http://127.0.0.1:8080/callback?code=C0DE&state=",
            "?code=C0DE",
            "code=C0DE",
        ] {
            let e = parse(pasted).expect_err(pasted);
            assert!(e.message(crate::Lang::De).contains("state="), "{pasted}");
            assert!(e.message(crate::Lang::En).contains("state="), "{pasted}");
        }
        assert_eq!(parse("C0DE").expect("bare code").code.expose(), "C0DE");
        let p = parse("?code=C0DE&state=s1").expect("query with state");
        assert_eq!(p.state.as_deref(), Some("s1"));
    }

    #[test]
    fn denied_login_is_explained() {
        let e = parse("http://127.0.0.1:9/cb?error=access_denied&state=x").expect_err("denied");
        assert!(e.message(crate::Lang::De).contains("abgelehnt"));
    }

    #[test]
    fn garbage_is_refused_with_the_reason() {
        assert!(parse("").is_err());
        assert!(parse("hallo welt").is_err());
        assert!(parse(&"a".repeat(129)).is_err());
        assert!(parse("https://shop.example/cb?state=x").is_err());
        assert!(parse(&"x".repeat(5000)).is_err());
        let e = parse("abc;drop").expect_err("semicolon");
        assert!(e.message(crate::Lang::En).contains("';'"));
    }

    #[test]
    fn the_code_never_shows_in_debug() {
        let p = parse("SECRETCODE").expect("code");
        assert!(!format!("{p:?}").contains("SECRETCODE"));
    }
}

//! Connections and their tokens: authorization creates one (revoking the previous), refresh
//! rotates, revocation ends it and announces `token.revoked`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::state::{AccessRecord, Connection, Grant, Inner, RefreshRecord};
use crate::util::{add_secs, random_urlsafe, uuid_v4};

impl Inner {
    /// All tokens of the connection die; later refreshes answer `invalid_grant`. A live
    /// connection's end is announced as a `token.revoked` event (resourceId = connectionId).
    pub(crate) fn revoke_connection(&mut self, connection_id: &str) {
        let Some(c) = self.connections.get_mut(connection_id) else {
            return;
        };
        let was_active = c.active;
        c.active = false;
        c.access_token = None;
        if was_active {
            self.queue_event("token.revoked", connection_id);
        }
    }

    pub(crate) fn revoke_client_connections(&mut self, client_id: &str) {
        let ids: Vec<String> = self
            .connections
            .values()
            .filter(|c| c.client_id == client_id && c.active)
            .map(|c| c.id.clone())
            .collect();
        for id in ids {
            self.revoke_connection(&id);
        }
    }

    /// The connection currently authorized for the configured client, if any.
    pub(crate) fn current_connection(&self) -> Option<&Connection> {
        self.connections
            .values()
            .find(|c| c.client_id == self.cfg.client_id && c.active)
    }

    /// A new authorization of the same client and organization replaces the old connection.
    pub(crate) fn create_connection(
        &mut self,
        client_id: &str,
        scope: &str,
        name: Option<String>,
    ) -> String {
        self.revoke_client_connections(client_id);
        let id = uuid_v4();
        self.connections.insert(
            id.clone(),
            Connection {
                id: id.clone(),
                client_id: client_id.to_owned(),
                scope: scope.to_owned(),
                name,
                active: true,
                access_token: None,
            },
        );
        id
    }

    /// Issues a fresh access and refresh token for the connection. The previous refresh
    /// token becomes "rotated" and the previous access token dies: one of each at a time.
    pub(crate) fn issue_tokens(
        &mut self,
        connection_id: &str,
        scope: Option<&str>,
    ) -> Option<Grant> {
        let now = self.now();
        let ttl = self.cfg.access_ttl_secs;
        let conn = self.connections.get(connection_id)?.clone();
        let scope = scope.unwrap_or(&conn.scope).to_owned();
        for rec in self.refresh_tokens.values_mut() {
            if rec.connection_id == connection_id {
                rec.current = false;
            }
        }
        let refresh_token = random_urlsafe(48);
        self.refresh_tokens.insert(
            refresh_token.clone(),
            RefreshRecord {
                connection_id: connection_id.to_owned(),
                current: true,
            },
        );
        let expires_at = add_secs(now, ttl);
        let access_token = self.jwt_like(&conn, &scope, now, expires_at);
        self.access_tokens.insert(
            access_token.clone(),
            AccessRecord {
                connection_id: connection_id.to_owned(),
                expires_at,
            },
        );
        if let Some(c) = self.connections.get_mut(connection_id) {
            c.access_token = Some(access_token.clone());
        }
        Some(Grant {
            access_token,
            refresh_token,
            expires_in: ttl,
            scope,
        })
    }

    /// Lexware's access tokens are JWTs of several hundred characters; the simulator's look
    /// alike (RS256-sized random signature) so clients store and send realistic sizes.
    /// Clients must treat them as opaque.
    fn jwt_like(
        &self,
        conn: &Connection,
        scope: &str,
        now: DateTime<Utc>,
        exp: DateTime<Utc>,
    ) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": "lexware-sim"});
        let claims = json!({
            "iss": self.issuer,
            "sub": self.user.id,
            "aud": "lexware-api",
            "client_id": conn.client_id,
            "connection_id": conn.id,
            "organization_id": self.organization_id,
            "scope": scope,
            "iat": now.timestamp(),
            "exp": exp.timestamp(),
            "jti": uuid_v4(),
        });
        let mut token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            random_urlsafe(256)
        );
        if let Some(chars) = self.access_token_chars {
            // A longer signature: the token stays unique and opaque to the client. Never
            // shorter than its natural length.
            let natural = token.len();
            while token.len() < chars {
                token.push_str(&random_urlsafe(48));
            }
            token.truncate(chars.max(natural));
        }
        token
    }
}

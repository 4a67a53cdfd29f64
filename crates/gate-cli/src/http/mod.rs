//! The HTTP client gate's two network commands share (`supply db update`, `protect apply` and
//! `protect check --fetch`): proxies from the environment, loopback and `NO_PROXY` hosts reached
//! directly, and timeouts.
//!
//! The client itself (ureq with rustls) is the `network` feature, on by default. A build without
//! it (`cargo install --no-default-features`, for CI that reads only local files) keeps every
//! other command and answers these with an error saying how to get them.

#[cfg(feature = "network")]
mod client;

use std::path::Path;
use std::time::Duration;

use crate::environment::Environment;

/// The methods the REST APIs are called with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}

/// A REST API's answer: any status, with its body as text (an error's message is in it).
pub struct ApiResponse {
    pub status: u16,
    pub text: String,
}

/// Streams `url` into `path` (created or truncated), at most `limit` bytes, giving up after
/// `timeout` in all or after a minute without a byte (`GATE_HTTP_IDLE_TIMEOUT_SECS`); returns the
/// byte count.
pub fn download(
    url: &str,
    path: &Path,
    limit: u64,
    timeout: Duration,
    environment: &Environment,
) -> anyhow::Result<u64> {
    #[cfg(feature = "network")]
    {
        client::download(url, path, limit, timeout, environment)
    }
    #[cfg(not(feature = "network"))]
    {
        let _ = (path, limit, timeout, environment);
        Err(without_network(url))
    }
}

/// A client for one REST API: a status outside 2xx is an answer to read (the API's error
/// message), not an error.
pub struct ApiClient {
    #[cfg(feature = "network")]
    agent: client::Agent,
    /// Without the `network` feature no client can be made: [`ApiClient::new`] is an error.
    #[cfg(not(feature = "network"))]
    impossible: std::convert::Infallible,
}

impl ApiClient {
    /// A client for requests to `url`'s host, each giving up after `timeout`.
    pub fn new(
        url: &str,
        timeout: Duration,
        environment: &Environment,
    ) -> anyhow::Result<ApiClient> {
        #[cfg(feature = "network")]
        {
            Ok(ApiClient {
                agent: client::Agent::new(url, timeout, environment)?,
            })
        }
        #[cfg(not(feature = "network"))]
        {
            let _ = (timeout, environment);
            Err(without_network(url))
        }
    }

    /// Sends one request with `headers` and, for writes, a JSON `body`.
    pub fn call(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> anyhow::Result<ApiResponse> {
        #[cfg(feature = "network")]
        {
            self.agent.call(method, url, headers, body)
        }
        #[cfg(not(feature = "network"))]
        {
            let _ = (method, url, headers, body);
            match self.impossible {}
        }
    }
}

/// The error of a build without the `network` feature.
#[cfg(not(feature = "network"))]
fn without_network(url: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot reach {url}: this gate was built without the `network` feature; install a \
         release build (or `cargo install` with default features), or give gate the files it \
         would download (`--db DIR` for advisories, `--current FILE` for protection settings)"
    )
}

/// The host of a URL (`example.org` in `https://user@example.org:8443/x`).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port
            .split_once(']')
            .map_or(host_port, |(h, _)| &host_port[..=h.len()]);
    }
    host_port.split(':').next().unwrap_or(host_port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_of("http://127.0.0.1:8080/PyPI/all.zip"), "127.0.0.1");
        assert_eq!(host_of("https://u:p@example.org:8443/x"), "example.org");
        assert_eq!(host_of("http://[::1]:80/x"), "[::1]");
    }
}

#[cfg(all(test, not(feature = "network")))]
mod without_network {
    use super::*;

    #[test]
    fn downloads_and_api_calls_say_how_to_get_them() {
        let environment = Environment::default();
        let path = std::env::temp_dir().join("gate-never-written.zip");
        let url = "http://127.0.0.1:9/PyPI/all.zip";
        let error = download(url, &path, 1, Duration::from_secs(1), &environment).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("built without the `network` feature"),
            "{message}"
        );
        assert!(message.contains("--db DIR"), "{message}");
        assert!(!path.exists());
        let api = ApiClient::new(
            "https://api.github.com",
            Duration::from_secs(1),
            &environment,
        );
        assert!(api.is_err());
    }
}

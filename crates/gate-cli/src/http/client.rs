//! The `network` feature's client: ureq with rustls. Only this file names ureq.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;

use super::{ApiResponse, Method, host_of};
use crate::environment::Environment;

/// Streams `url` into `path`; see [`super::download`].
pub fn download(
    url: &str,
    path: &Path,
    limit: u64,
    timeout: Duration,
    environment: &Environment,
) -> anyhow::Result<u64> {
    let agent: ureq::Agent = builder(url, environment, timeout)?.build().into();
    let idle = idle_timeout(environment);
    let mut response = agent
        .get(url)
        .call()
        .map_err(|error| explain(error, idle))
        .with_context(|| format!("cannot download {url}"))?;
    let mut reader = response.body_mut().with_config().limit(limit).reader();
    let mut file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let bytes = std::io::copy(&mut reader, &mut file)
        .map_err(|error| explain(error, idle))
        .with_context(|| format!("cannot download {url}"))?;
    file.flush()
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(bytes)
}

/// An agent for a REST API: a status outside 2xx is a response to read, not an error.
pub struct Agent {
    agent: ureq::Agent,
}

impl Agent {
    pub fn new(url: &str, timeout: Duration, environment: &Environment) -> anyhow::Result<Agent> {
        let agent = builder(url, environment, timeout)?
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Agent { agent })
    }

    pub fn call(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> anyhow::Result<ApiResponse> {
        let mut response = match method {
            Method::Get => {
                let mut request = self.agent.get(url);
                for (name, value) in headers {
                    request = request.header(*name, value);
                }
                request.call()?
            }
            Method::Post | Method::Put => {
                let mut request = if method == Method::Post {
                    self.agent.post(url)
                } else {
                    self.agent.put(url)
                };
                for (name, value) in headers {
                    request = request.header(*name, value);
                }
                request.send(body.unwrap_or_default())?
            }
        };
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .context("cannot read the response")?;
        Ok(ApiResponse { status, text })
    }
}

/// The settings both kinds of agent share: the proxy choice and the timeouts.
fn builder(
    url: &str,
    environment: &Environment,
    timeout: Duration,
) -> anyhow::Result<ureq::config::ConfigBuilder<ureq::typestate::AgentScope>> {
    let proxy = match proxy_for(url, environment) {
        Some(proxy) => {
            Some(ureq::Proxy::new(proxy).with_context(|| format!("invalid proxy `{proxy}`"))?)
        }
        None => None,
    };
    let idle = idle_timeout(environment);
    Ok(ureq::Agent::config_builder()
        .proxy(proxy)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_per_read(Some(idle))
        .timeout_per_write(Some(idle))
        .timeout_global(Some(timeout)))
}

/// `error` (from sending a request or reading its body) as the message to show: a server that
/// went quiet for `idle` (the agent's [`idle_timeout`]) is named as such, where ureq would say
/// only "timeout: per read".
fn explain(error: impl Into<anyhow::Error>, idle: Duration) -> anyhow::Error {
    let error = error.into();
    // A body read reports ureq's error inside an `io::Error`.
    let cause = error.downcast_ref::<ureq::Error>().or_else(|| {
        error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .and_then(|inner| inner.downcast_ref::<ureq::Error>())
    });
    if matches!(
        cause,
        Some(ureq::Error::Timeout(
            ureq::Timeout::PerRead | ureq::Timeout::PerWrite
        ))
    ) {
        return anyhow::anyhow!(
            "the server stopped answering: no data for {} s (idle timeout)",
            idle.as_secs()
        );
    }
    error
}

/// How long a connection may pass without a byte either way. The overall limits are long (a
/// large export on a slow link), so without this a server that stops answering holds gate for
/// the whole of them; a live server sends something well within a minute.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the agents wait without a byte: [`IDLE_TIMEOUT`] unless the environment says.
fn idle_timeout(environment: &Environment) -> Duration {
    environment.http_idle_timeout.unwrap_or(IDLE_TIMEOUT)
}

/// The proxy to use for `url`: none for loopback hosts and hosts `NO_PROXY` lists.
fn proxy_for<'a>(url: &str, environment: &'a Environment) -> Option<&'a str> {
    let proxy = environment.proxy.as_deref()?;
    let host = host_of(url);
    if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return None;
    }
    let bypassed = environment.no_proxy.as_deref().is_some_and(|list| {
        list.split(',').map(str::trim).any(|entry| {
            entry == "*"
                || (!entry.is_empty()
                    && (host == entry.trim_start_matches('.')
                        || host.ends_with(&format!(".{}", entry.trim_start_matches('.')))))
        })
    });
    (!bypassed).then_some(proxy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_no_proxy_hosts_are_reached_directly() {
        let environment = Environment {
            proxy: Some("http://proxy:3128".into()),
            no_proxy: Some("internal.example, .corp".into()),
            ..Environment::default()
        };
        assert_eq!(proxy_for("http://127.0.0.1:1/x", &environment), None);
        assert_eq!(
            proxy_for("https://a.internal.example/x", &environment),
            None
        );
        assert_eq!(proxy_for("https://db.corp/x", &environment), None);
        assert_eq!(
            proxy_for("https://osv.example/x", &environment),
            Some("http://proxy:3128")
        );
    }
}

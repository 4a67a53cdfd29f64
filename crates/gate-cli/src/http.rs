//! The HTTP client gate's two network commands share (`supply db update`, `protect apply`):
//! proxies from the environment, loopback and `NO_PROXY` hosts reached directly, and timeouts.

use std::time::Duration;

use anyhow::Context as _;

use crate::environment::Environment;

/// How long a connection may pass without a byte either way. The overall limits are long (a
/// large export on a slow link), so without this a server that stops answering holds gate for
/// the whole of them; a live server sends something well within a minute.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// An agent for requests to `url`, through the environment's proxy unless `url`'s host is
/// exempt, giving up after `timeout` in all or after [`idle_timeout`] without a byte.
pub fn agent(
    url: &str,
    environment: &Environment,
    timeout: Duration,
) -> anyhow::Result<ureq::Agent> {
    Ok(builder(url, environment, timeout)?.build().into())
}

/// An agent for a REST API: like [`agent`], but a status outside 2xx is a response to read
/// (the API's error message), not an error.
pub fn api_agent(
    url: &str,
    environment: &Environment,
    timeout: Duration,
) -> anyhow::Result<ureq::Agent> {
    Ok(builder(url, environment, timeout)?
        .http_status_as_error(false)
        .build()
        .into())
}

/// The settings both agents share: the proxy choice and the timeouts.
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

/// How long the agents wait without a byte: [`IDLE_TIMEOUT`] unless the environment says.
pub fn idle_timeout(environment: &Environment) -> Duration {
    environment.http_idle_timeout.unwrap_or(IDLE_TIMEOUT)
}

/// `error` (from sending a request or reading its body) as the message to show: a server that
/// went quiet for `idle` (the agent's [`idle_timeout`]) is named as such, where ureq would say
/// only "timeout: per read".
pub fn explain(error: impl Into<anyhow::Error>, idle: Duration) -> anyhow::Error {
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
    fn hosts_and_proxies() {
        assert_eq!(host_of("http://127.0.0.1:8080/PyPI/all.zip"), "127.0.0.1");
        assert_eq!(host_of("https://u:p@example.org:8443/x"), "example.org");
        assert_eq!(host_of("http://[::1]:80/x"), "[::1]");
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

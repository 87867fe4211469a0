//! Where a webhook may be sent: never into the network kefu runs in
//! (loopback, private, link-local, cloud metadata), unless an admin listed
//! the host in `[webhooks] allowed_hosts`. Checked when a webhook is saved
//! and again at every delivery, on the addresses the name resolves to then,
//! so that a name re-pointed inside after it was saved is refused too.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use kefu_core::FieldError;
use kefu_core::net::is_internal;
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// A name that does not answer in this time is left to the delivery.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(3);

/// The hosts an admin allowed inside the network, lowercased.
#[derive(Debug, Clone, Default)]
pub struct Allowed(Arc<Vec<String>>);

impl Allowed {
    pub fn new(hosts: &[String]) -> Self {
        let hosts = hosts
            .iter()
            .map(|h| normal_host(h.trim()))
            .filter(|h| !h.is_empty())
            .collect();
        Self(Arc::new(hosts))
    }

    fn allows(&self, host: &str) -> bool {
        let host = normal_host(host);
        self.0.contains(&host)
    }
}

/// `[::1]` and `::1`, `Hooks.Example.` and `hooks.example` are the same host.
fn normal_host(host: &str) -> String {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host = host.strip_suffix('.').unwrap_or(host).to_lowercase();
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => host,
    }
}

fn refused(host: &str, ip: IpAddr) -> String {
    format!(
        "{host} is an address inside the network ({ip}); an admin may allow it with \
         allowed_hosts under [webhooks] in kefu.toml"
    )
}

/// The URL's host, and the address it names if it is written as one.
fn host_of(url: &Url) -> Option<(String, Option<IpAddr>)> {
    match url.host()? {
        url::Host::Domain(d) => Some((d.to_owned(), None)),
        url::Host::Ipv4(ip) => Some((ip.to_string(), Some(IpAddr::V4(ip)))),
        url::Host::Ipv6(ip) => Some((ip.to_string(), Some(IpAddr::V6(ip)))),
    }
}

/// When a webhook is saved: its URL must not point inside, as written or as
/// its name resolves now. A name that does not resolve yet is accepted; its
/// deliveries are checked when they are sent.
pub async fn check(url: &str, allowed: &Allowed) -> Result<(), FieldError> {
    let bad = |message: String| FieldError::new("url", "internal_address", message);
    let parsed = Url::parse(url).map_err(|e| {
        FieldError::new(
            "url",
            "invalid_url",
            format!("url is not a web address: {e}"),
        )
    })?;
    let Some((host, literal)) = host_of(&parsed) else {
        return Err(FieldError::new("url", "invalid_url", "url names no host"));
    };
    if allowed.allows(&host) {
        return Ok(());
    }
    if let Some(ip) = literal {
        return match is_internal(ip) {
            true => Err(bad(refused(&host, ip))),
            false => Ok(()),
        };
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let lookup = tokio::net::lookup_host((host.as_str(), port));
    if let Ok(Ok(addrs)) = tokio::time::timeout(LOOKUP_TIMEOUT, lookup).await {
        for a in addrs {
            if is_internal(a.ip()) {
                return Err(bad(refused(&host, a.ip())));
            }
        }
    }
    Ok(())
}

/// When a delivery is sent to an address written in its URL (no name to
/// resolve): the reason it may not be, if so.
pub fn refuse_literal(url: &str, allowed: &Allowed) -> Option<String> {
    let parsed = Url::parse(url).ok()?;
    let (host, ip) = host_of(&parsed)?;
    let ip = ip?;
    (is_internal(ip) && !allowed.allows(&host)).then(|| refused(&host, ip))
}

/// The resolver deliveries use: a name resolves only to addresses outside,
/// unless it is allowed.
pub(super) struct OutsideOnly(pub Allowed);

impl Resolve for OutsideOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if allowed.allows(&host) {
                return Ok(Box::new(all.into_iter()) as Addrs);
            }
            let outside: Vec<SocketAddr> = all
                .iter()
                .copied()
                .filter(|a| !is_internal(a.ip()))
                .collect();
            match (outside.is_empty(), all.first()) {
                (true, Some(first)) => Err(refused(&host, first.ip()).into()),
                _ => Ok(Box::new(outside.into_iter()) as Addrs),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_compared_as_hosts() {
        let a = Allowed::new(&["Hooks.Example.".into(), "[::1]".into(), "10.1.2.3".into()]);
        assert!(a.allows("hooks.example"));
        assert!(a.allows("::1") && a.allows("0:0:0:0:0:0:0:1"));
        assert!(a.allows("10.1.2.3") && !a.allows("10.1.2.4"));
    }

    #[test]
    fn an_address_written_in_the_url_is_judged_as_written() {
        let none = Allowed::default();
        for url in [
            "http://127.0.0.1:5432/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://0.0.0.0/",
            "http://2130706433/",
        ] {
            assert!(refuse_literal(url, &none).is_some(), "{url}");
        }
        assert!(refuse_literal("https://1.1.1.1/hook", &none).is_none());
        assert!(refuse_literal("https://dms.example.com/hook", &none).is_none());
        let local = Allowed::new(&["127.0.0.1".into()]);
        assert!(refuse_literal("http://127.0.0.1:9000/hook", &local).is_none());
    }
}

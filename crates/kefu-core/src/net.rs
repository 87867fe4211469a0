//! Network addresses as kefu's rules need them: the ranges an admin lists
//! (trusted proxies), which client a forwarded request came from, and which
//! addresses lie inside a network that a webhook must never be sent into.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::FieldError;

/// An address or a CIDR range: `10.0.0.1`, `10.0.0.0/8`, `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrRange {
    addr: IpAddr,
    prefix: u8,
}

impl AddrRange {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad = || {
            FieldError::new(
                "trusted_proxies",
                "invalid_address",
                format!("{raw:?} is not an IP address or a range such as 10.0.0.0/8"),
            )
        };
        let (addr, prefix) = match raw.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let most = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= most)
                .ok_or_else(bad)?,
            None => most,
        };
        Ok(Self { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 one.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// The client a request came from. `X-Forwarded-For` is believed only as far
/// as it was written by proxies the admin listed: walking from the peer
/// backwards, the first address that is not a trusted proxy is the client.
/// Without trusted proxies, the header is ignored (anyone can write it).
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[AddrRange]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|r| r.contains(ip));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    let Some(header) = forwarded_for else {
        return client;
    };
    for hop in header.rsplit(',') {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            // A hop that is not an address: nothing before it can be believed.
            return client;
        };
        client = canonical(ip);
        if !is_trusted(client) {
            return client;
        }
    }
    client
}

/// Addresses inside the machine or a private network, which an address from
/// outside (a webhook's URL) must never lead to: loopback, private ranges,
/// link-local (and with it the cloud metadata service at 169.254.169.254),
/// carrier-grade NAT, unspecified, multicast and broadcast, the IPv6
/// unique-local and link-local ranges, and IPv4 written inside IPv6.
pub fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // 100.64.0.0/10, carrier-grade NAT.
        || (a == 100 && (64..128).contains(&b))
        // 192.0.0.0/24, IETF protocol assignments; 198.18.0.0/15, benchmarks.
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        // 240.0.0.0/4, reserved.
        || a >= 240
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // fc00::/7 unique local, fe80::/10 link-local.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // ::/96 IPv4-compatible, 64:ff9b::/96 NAT64: an IPv4 address inside.
        || ip.to_ipv4().is_some_and(is_internal_v4)
        || (ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
            && is_internal_v4(Ipv4Addr::from(
                (u32::from(ip.segments()[6]) << 16) | u32::from(ip.segments()[7]),
            )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn ranges_parse_and_contain() {
        let r = AddrRange::parse("10.0.0.0/8").expect("range");
        assert!(r.contains(ip("10.200.3.4")));
        assert!(r.contains(ip("::ffff:10.1.1.1")));
        assert!(!r.contains(ip("11.0.0.1")));
        let one = AddrRange::parse("127.0.0.1").expect("address");
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let all = AddrRange::parse("0.0.0.0/0").expect("everything");
        assert!(all.contains(ip("8.8.8.8")));
        let v6 = AddrRange::parse("fd00::/8").expect("v6");
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "fd00::/129",
            "proxy.example",
            "10.0.0/8",
            "1.2.3.4/x",
        ] {
            let e = AddrRange::parse(bad).expect_err(bad);
            assert_eq!(
                (e.field.as_str(), e.code),
                ("trusted_proxies", "invalid_address")
            );
        }
    }

    #[test]
    fn the_client_is_the_first_hop_no_trusted_proxy_wrote() {
        let proxies = [AddrRange::parse("10.0.0.0/8").expect("range")];
        let c = |peer, header| client_address(ip(peer), header, &proxies).to_string();
        // Straight from the client: the header is the client's own words.
        assert_eq!(c("203.0.113.9", Some("1.1.1.1")), "203.0.113.9");
        // Through the proxy: the last address the proxy added.
        assert_eq!(c("10.0.0.2", Some("198.51.100.7")), "198.51.100.7");
        // A client that writes its own header cannot hide behind it.
        assert_eq!(c("10.0.0.2", Some("6.6.6.6, 198.51.100.7")), "198.51.100.7");
        // Two proxies of ours.
        assert_eq!(
            c("10.0.0.2", Some("198.51.100.7, 10.0.0.3")),
            "198.51.100.7"
        );
        // Nothing forwarded, or rubbish: the proxy itself.
        assert_eq!(c("10.0.0.2", None), "10.0.0.2");
        assert_eq!(c("10.0.0.2", Some("unknown")), "10.0.0.2");
        // No proxies trusted: the header is ignored.
        assert_eq!(
            client_address(ip("127.0.0.1"), Some("1.2.3.4"), &[]).to_string(),
            "127.0.0.1"
        );
    }

    #[test]
    fn internal_addresses() {
        for inside in [
            "127.0.0.1",
            "127.8.9.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_internal(ip(inside)), "{inside}");
        }
        for outside in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2400:3200::1",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_internal(ip(outside)), "{outside}");
        }
    }
}

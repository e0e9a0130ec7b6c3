//! Who is asking: the client's address and the scheme it used, read from
//! the connection, or from the forwarding headers of a reverse proxy the
//! site trusts ([`TrustedProxies`]).
//!
//! Anybody can send `X-Forwarded-For`, so the headers are believed only
//! when the connection comes from a trusted proxy, and only as far as the
//! chain of trusted proxies goes: the client is the right-most address
//! that is not itself a trusted proxy.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::ConnectInfo;
use http::{Extensions, HeaderMap};
use ipnet::IpNet;

/// The reverse proxies whose `Forwarded`, `X-Forwarded-For` and
/// `X-Forwarded-Proto` headers the site believes; none by default.
///
/// ```
/// let proxies: admin::TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
/// assert!(proxies.contains("10.1.2.3".parse().unwrap()));
/// assert!(!proxies.contains("192.0.2.1".parse().unwrap()));
/// assert!("10.0.0.0/33".parse::<admin::TrustedProxies>().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A proxy address or network that does not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not an IP address or network (write 127.0.0.1, ::1 or 10.0.0.0/8)")]
pub struct InvalidProxy(String);

impl TrustedProxies {
    /// Trusts the given networks (a single address is a /32 or /128).
    pub fn new(networks: impl IntoIterator<Item = IpNet>) -> TrustedProxies {
        TrustedProxies(networks.into_iter().collect())
    }

    /// Whether `address` is one of the trusted proxies.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromStr for TrustedProxies {
    type Err = InvalidProxy;

    /// A comma- or space-separated list of addresses and networks.
    fn from_str(list: &str) -> Result<TrustedProxies, InvalidProxy> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| InvalidProxy(item.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

/// The scheme a request came in with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `http`.
    Http,
    /// `https`.
    Https,
}

impl Scheme {
    /// The port a URL of this scheme means when it names none.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    /// `http` or `https`, in any case.
    pub fn parse(text: &str) -> Option<Scheme> {
        match text.trim().to_ascii_lowercase().as_str() {
            "http" => Some(Scheme::Http),
            "https" => Some(Scheme::Https),
            _ => None,
        }
    }
}

/// The client behind a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address; `None` when the server was not given the
    /// connection's (a router called without `ConnectInfo`).
    pub address: Option<IpAddr>,
    /// The scheme the client used.
    pub scheme: Scheme,
}

impl ClientInfo {
    /// Reads the client of a request. `secure` is the scheme to assume
    /// without a trusted proxy's word: HTTPS for a site that marks its
    /// cookies `Secure` (so it says it is served over HTTPS), HTTP otherwise.
    pub fn of(
        extensions: &Extensions,
        headers: &HeaderMap,
        trusted: &TrustedProxies,
        secure: bool,
    ) -> ClientInfo {
        let own_scheme = if secure { Scheme::Https } else { Scheme::Http };
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let Some(peer) = peer.filter(|peer| trusted.contains(*peer)) else {
            return ClientInfo {
                address: peer,
                scheme: own_scheme,
            };
        };
        let hops = forwarded_hops(headers);
        // From the right: the last hop that is not a trusted proxy is the
        // client; every hop to its right is a proxy we trust.
        let client = hops
            .iter()
            .rev()
            .find(|hop| hop.address.is_none_or(|address| !trusted.contains(address)))
            .or(hops.first());
        let scheme = client
            .and_then(|hop| hop.scheme)
            .or_else(|| forwarded_proto(headers))
            .unwrap_or(own_scheme);
        ClientInfo {
            address: client.and_then(|hop| hop.address).or(Some(peer)),
            scheme,
        }
    }
}

/// One entry of the forwarding chain.
#[derive(Debug, PartialEq)]
struct Hop {
    /// `None` for an obfuscated or unknown node (`for=unknown`, `_hidden`).
    address: Option<IpAddr>,
    /// The scheme of that hop's request (`Forwarded: proto=`).
    scheme: Option<Scheme>,
}

/// The chain from `Forwarded` (RFC 7239) or, without it, `X-Forwarded-For`,
/// left (the client's side) to right, over every header line.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Hop> {
    let lines = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let forwarded = lines("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .map(|element| forwarded_hop(element))
            .collect();
    }
    lines("x-forwarded-for")
        .iter()
        .map(|node| Hop {
            address: node_address(node),
            scheme: None,
        })
        .collect()
}

/// One element of `Forwarded`: `for=192.0.2.60;proto=https;by=203.0.113.43`.
fn forwarded_hop(element: &str) -> Hop {
    let mut hop = Hop {
        address: None,
        scheme: None,
    };
    for pair in element.split(';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match name.trim().to_ascii_lowercase().as_str() {
            "for" => hop.address = node_address(value),
            "proto" => hop.scheme = Scheme::parse(value),
            _ => {}
        }
    }
    hop
}

/// An address as proxies write it: `192.0.2.60`, `192.0.2.60:4711`,
/// `2001:db8::1`, `[2001:db8::1]:4711`.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(address) = node.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(socket) = node.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(inside, _)| inside.parse().ok())
}

/// `X-Forwarded-Proto`: the left-most value, the scheme the client used
/// with the first proxy.
fn forwarded_proto(headers: &HeaderMap) -> Option<Scheme> {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(Scheme::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, headers: &[(&str, &str)]) -> (Extensions, HeaderMap) {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        (extensions, map)
    }

    fn client(peer: &str, headers: &[(&str, &str)], trusted: &str) -> ClientInfo {
        let (extensions, headers) = request(peer, headers);
        ClientInfo::of(&extensions, &headers, &trusted.parse().unwrap(), false)
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let headers = [
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ];
        let info = client("198.51.100.7:5000", &headers, "");
        assert_eq!(info.address, ip("198.51.100.7"));
        assert_eq!(info.scheme, Scheme::Http);
        let info = client("198.51.100.7:5000", &headers, "127.0.0.1");
        assert_eq!(info.address, ip("198.51.100.7"));
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_hop() {
        // The client forged the first entry; the trusted proxy appended
        // the address it saw.
        let headers = [("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.2")];
        let info = client("127.0.0.1:40000", &headers, "127.0.0.1, 10.0.0.0/8");
        assert_eq!(info.address, ip("203.0.113.9"));
        // Several header lines form one list.
        let headers = [
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.9"),
        ];
        assert_eq!(
            client("127.0.0.1:1", &headers, "127.0.0.1").address,
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_chain_of_trusted_hops_gives_its_first() {
        let headers = [("x-forwarded-for", "10.0.0.5, 10.0.0.2")];
        let info = client("127.0.0.1:1", &headers, "127.0.0.1, 10.0.0.0/8");
        assert_eq!(info.address, ip("10.0.0.5"));
    }

    #[test]
    fn forwarded_gives_address_and_scheme() {
        let headers = [(
            "forwarded",
            "for=1.2.3.4, for=\"[2001:db8::1]:4711\";proto=https;by=10.0.0.1",
        )];
        let info = client("127.0.0.1:1", &headers, "127.0.0.1");
        assert_eq!(info.address, ip("2001:db8::1"));
        assert_eq!(info.scheme, Scheme::Https);
    }

    #[test]
    fn forwarded_proto_from_a_trusted_proxy() {
        let headers = [
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ];
        assert_eq!(
            client("127.0.0.1:1", &headers, "127.0.0.1").scheme,
            Scheme::Https
        );
        // Without the header the site's own scheme holds.
        let (extensions, headers) = request("127.0.0.1:1", &[]);
        let info = ClientInfo::of(&extensions, &headers, &"127.0.0.1".parse().unwrap(), true);
        assert_eq!(
            (info.address, info.scheme),
            (ip("127.0.0.1"), Scheme::Https)
        );
    }

    #[test]
    fn proxy_lists_parse_or_say_what_is_wrong() {
        let proxies: TrustedProxies = " 127.0.0.1 ,::1 10.0.0.0/8,".parse().unwrap();
        assert_eq!(proxies.0.len(), 3);
        assert!(proxies.contains("::1".parse().unwrap()));
        assert_eq!(
            "127.0.0.1, nginx".parse::<TrustedProxies>(),
            Err(InvalidProxy("nginx".into()))
        );
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
    }
}

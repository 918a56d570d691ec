//! Where the edge may send a site's data: https anywhere, plain http only to this machine.

/// The hosts plain http may name: the machine itself, for development and local test receivers.
const LOOPBACK_HOSTS: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

/// Whether `url` is `https://…`, or `http://` to a loopback host (`127.0.0.1`, `localhost`,
/// `[::1]`, any port). A webhook or a token check over plain http to anywhere else could be
/// read or changed on the way.
pub fn is_secure_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return true;
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // `http://localhost@evil.example` goes to evil.example: the host is after the last `@`.
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    let port_ok = host_port[host.len()..].strip_prefix(':').map_or(host_port.len() == host.len(), |port| port.bytes().all(|b| b.is_ascii_digit()));
    port_ok && LOOPBACK_HOSTS.contains(&host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        for ok in [
            "https://hooks.example.com/x",
            "HTTPS://a.example",
            "http://127.0.0.1:9/hook",
            "http://localhost/x",
            "http://[::1]:8080/v?x=1",
            "http://LOCALHOST",
        ] {
            assert!(is_secure_url(ok), "{ok}");
        }
        for bad in [
            "http://hooks.example.com/x",
            "http://localhost@evil.example/x",
            "http://localhost.evil.example/",
            "http://127.0.0.1.nip.io/",
            "http://[::1].evil/",
            "http://127.0.0.1:80@evil.example/",
            "ftp://127.0.0.1/",
            "//127.0.0.1/",
            "",
        ] {
            assert!(!is_secure_url(bad), "{bad}");
        }
    }
}

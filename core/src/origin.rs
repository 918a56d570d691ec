//! A web origin, the unit a site allows to send feedback.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::Serialize;

use crate::validate::ValidationError;

/// A web origin, `scheme://host[:port]`, lowercase, as browsers send it in `Origin`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Origin(String);

impl Origin {
    /// Checks an origin such as `https://example.com` or `http://127.0.0.1:8080`.
    pub fn parse(raw: &str) -> Result<Origin, ValidationError> {
        let invalid = || ValidationError::InvalidOrigin(raw.chars().take(100).collect());
        let lower = raw.to_ascii_lowercase();
        let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).ok_or_else(invalid)?;
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-']);
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok_and(|n| n > 0));
        if host_ok && port_ok {
            // Browsers never send a scheme's default port: https://x.com:443 is https://x.com.
            let default_port = if lower.starts_with("https://") { ":443" } else { ":80" };
            Ok(Origin(lower.strip_suffix(default_port).map(str::to_owned).unwrap_or(lower)))
        } else {
            Err(invalid())
        }
    }

    /// The origin of a full URL, as from a `Referer` header.
    pub fn of_url(url: &str) -> Result<Origin, ValidationError> {
        let scheme_end = url.find("://").map(|i| i + 3).ok_or_else(|| ValidationError::InvalidOrigin(String::new()))?;
        let end = url[scheme_end..].find(['/', '?', '#']).map_or(url.len(), |i| scheme_end + i);
        Origin::parse(&url[..end])
    }

    /// The origin as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(Origin::parse("HTTPS://Example.com").map(|o| o.0), Ok("https://example.com".to_owned()));
        assert!(Origin::parse("http://127.0.0.1:8080").is_ok());
        assert_eq!(Origin::parse("https://x.com:443").map(|o| o.0), Ok("https://x.com".to_owned()));
        assert_eq!(Origin::parse("http://x.com:80").map(|o| o.0), Ok("http://x.com".to_owned()));
        assert_eq!(Origin::parse("http://x.com:443").map(|o| o.0), Ok("http://x.com:443".to_owned()));
        for bad in ["example.com", "ftp://x.com", "https://", "https://x.com/", "https://x.com:0", "https://x.com:99999", "https://a b.com"] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Origin::of_url("https://x.com:8443/a/b?c#d").map(|o| o.0), Ok("https://x.com:8443".to_owned()));
        assert!(Origin::of_url("/relative").is_err());
    }
}

//! The network a visitor is rate limited by: an IPv4 address, or the /64 of an IPv6 address.
//!
//! One household or phone gets a whole IPv6 /64 and may pick any address in it, so keying on
//! the full IPv6 address would let one client take a new bucket per request. Headers (user
//! agent, privacy signals) are the client's to change and play no part.

use alloc::format;
use alloc::string::String;
use core::net::IpAddr;

/// The prefix of every address that does not parse: all of them share one bucket, so sending
/// garbage (or nothing) is never a way out of the limit.
pub const UNKNOWN_NETWORK: &str = "unknown";

/// The network of `address` (as `CF-Connecting-IP` gives it) as a stable text: `4:a.b.c.d` for
/// IPv4 (also when written IPv4-mapped, `::ffff:a.b.c.d`), `6:` and the first four groups for
/// IPv6, `UNKNOWN_NETWORK` for anything else.
pub fn network_prefix(address: &str) -> String {
    let Ok(ip) = address.trim().parse::<IpAddr>() else {
        return String::from(UNKNOWN_NETWORK);
    };
    match ip {
        IpAddr::V4(v4) => format!("4:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("4:{v4}"),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("6:{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::Ipv6Addr;
    use proptest::prelude::*;

    #[test]
    fn ipv4_is_exact_and_ipv6_is_its_64() {
        assert_eq!(network_prefix("203.0.113.7"), "4:203.0.113.7");
        assert_ne!(network_prefix("203.0.113.7"), network_prefix("203.0.113.8"));
        assert_eq!(network_prefix(" 203.0.113.7 "), "4:203.0.113.7");
        assert_eq!(network_prefix("::ffff:203.0.113.7"), "4:203.0.113.7");
        assert_eq!(network_prefix("2001:db8:1:2:aaaa::1"), "6:2001:db8:1:2::/64");
        assert_eq!(network_prefix("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff"), "6:2001:db8:1:2::/64");
        assert_ne!(network_prefix("2001:db8:1:2::1"), network_prefix("2001:db8:1:3::1"));
    }

    #[test]
    fn garbage_and_nothing_share_the_unknown_bucket() {
        for address in ["", "  ", "unknown", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4, 5.6.7.8", "fe80::1%eth0", "[::1]", "::g", "😀"] {
            assert_eq!(network_prefix(address), UNKNOWN_NETWORK, "{address:?}");
        }
    }

    proptest! {
        #[test]
        fn any_two_addresses_of_one_64_share_a_prefix(network in any::<u64>(), host_a in any::<u64>(), host_b in any::<u64>()) {
            let address = |host: u64| Ipv6Addr::from((u128::from(network) << 64) | u128::from(host));
            let (a, b) = (address(host_a), address(host_b));
            // An IPv4-mapped address is IPv4, keyed exactly (its /64 is ::ffff:0:0/96's).
            prop_assume!(a.to_ipv4_mapped().is_none() && b.to_ipv4_mapped().is_none());
            prop_assert_eq!(network_prefix(&format!("{a}")), network_prefix(&format!("{b}")));
        }

        #[test]
        fn different_64s_differ(a in any::<u128>(), b in any::<u128>()) {
            prop_assume!(a >> 64 != b >> 64);
            let (a, b) = (Ipv6Addr::from(a), Ipv6Addr::from(b));
            prop_assume!(a.to_ipv4_mapped().is_none() && b.to_ipv4_mapped().is_none());
            prop_assert_ne!(network_prefix(&format!("{a}")), network_prefix(&format!("{b}")));
        }

        #[test]
        fn ipv4_is_keyed_exactly(a in any::<u32>(), b in any::<u32>()) {
            let (a4, b4) = (core::net::Ipv4Addr::from(a), core::net::Ipv4Addr::from(b));
            prop_assert_eq!(network_prefix(&format!("{a4}")) == network_prefix(&format!("{b4}")), a == b);
        }

        /// The key cannot be reset by respelling: an address is parsed, never compared as text.
        /// (Headers cannot reset it either: the address is the only input there is.)
        #[test]
        fn every_spelling_of_one_network_is_one_key(network in any::<u64>(), host in any::<u64>(), v4 in any::<u32>(), upper in any::<bool>(), pad in " {0,2}") {
            let case = |text: String| if upper { text.to_uppercase() } else { text };
            let v6 = Ipv6Addr::from((u128::from(network) << 64) | u128::from(host));
            prop_assume!(v6.to_ipv4_mapped().is_none());
            let expanded = v6.segments().map(|group| format!("{group:04x}")).join(":");
            let key = network_prefix(&format!("{v6}"));
            for spelling in [case(format!("{v6}")), case(expanded), format!("{pad}{v6}{pad}")] {
                prop_assert_eq!(network_prefix(&spelling), key.clone(), "{}", spelling);
            }
            let v4 = core::net::Ipv4Addr::from(v4);
            let key = network_prefix(&format!("{v4}"));
            for spelling in [case(format!("::ffff:{v4}")), case(format!("0:0:0:0:0:ffff:{v4}")), format!("{pad}{v4}{pad}")] {
                prop_assert_eq!(network_prefix(&spelling), key.clone(), "{}", spelling);
            }
        }

        #[test]
        fn never_panics_on_any_string(address in any::<String>()) {
            let prefix = network_prefix(&address);
            prop_assert!(prefix == UNKNOWN_NETWORK || prefix.starts_with("4:") || prefix.starts_with("6:"));
        }

        #[test]
        fn never_panics_on_address_like_strings(address in "[0-9a-fA-F:.%\\[\\] ]{0,60}") {
            let _ = network_prefix(&address);
        }
    }
}

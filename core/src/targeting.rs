//! Which pages the snippet's own widget appears on: the owner's URL patterns.

use crate::config::Triggers;

/// Whether a page path matches a pattern in which `*` matches any run of characters.
/// (On bytes, without `str` slicing, whose panic messages would cost the widget kilobytes;
/// matching UTF-8 byte runs is the same as matching the characters.)
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.as_bytes().split(|b| *b == b'*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.as_bytes().strip_prefix(first) else { return false };
    let mut parts = parts.peekable();
    if parts.peek().is_none() {
        return rest.is_empty();
    }
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return rest.ends_with(part);
        }
        match (0..=rest.len().saturating_sub(part.len())).find(|&at| rest.get(at..at + part.len()) == Some(part)) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    true
}

/// Whether the snippet's widget belongs on `path`: it matches an `include` pattern (or there
/// are none) and no `exclude` pattern.
pub fn page_wanted(triggers: &Triggers, path: &str) -> bool {
    let included = triggers.include.is_empty() || triggers.include.iter().any(|p| path_matches(p, path));
    included && !triggers.exclude.iter().any(|p| path_matches(p, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_paths_with_stars_for_any_run() {
        assert!(path_matches("/", "/"));
        assert!(!path_matches("/", "/docs"));
        assert!(path_matches("/docs/*", "/docs/intro"));
        assert!(path_matches("/docs/*", "/docs/"));
        assert!(!path_matches("/docs/*", "/blog/docs/x"));
        assert!(path_matches("*/pricing", "/en/pricing"));
        assert!(path_matches("/a*b*c", "/axxbyyc"));
        assert!(!path_matches("/a*b*c", "/axxbyy"));
        assert!(path_matches("*", "/anything"));
        let triggers = Triggers { include: alloc::vec!["/docs/*".into()], exclude: alloc::vec!["/docs/private*".into()], ..Triggers::default() };
        assert!(page_wanted(&triggers, "/docs/a"));
        assert!(!page_wanted(&triggers, "/docs/private/a"));
        assert!(!page_wanted(&triggers, "/blog"));
        assert!(page_wanted(&Triggers::default(), "/blog"));
        assert!(path_matches("/*/ü", "/x/ü") && !path_matches("/*/ü", "/x/u"));
    }
}

//! Which pages the snippet's own widget appears on: the owner's URL patterns.

use crate::config::Triggers;

/// Whether a page path matches a pattern in which `*` matches any run of characters.
/// (On bytes: matching UTF-8 byte runs is the same as matching the characters.) The classic
/// wildcard match: on a mismatch, the last `*` takes one byte more, so it takes at most
/// pattern × path steps, and is a third the code of matching part by part.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let (pattern, path) = (pattern.as_bytes(), path.as_bytes());
    // `i` in the pattern, `j` in the path; the last `*` seen, and where in the path its run ends.
    let (mut i, mut j, mut star, mut run_end) = (0, 0, None, 0);
    while let Some(&c) = path.get(j) {
        match pattern.get(i) {
            Some(b'*') => (star, run_end, i) = (Some(i), j, i + 1),
            Some(&p) if p == c => (i, j) = (i + 1, j + 1),
            _ => match star {
                Some(at) => (i, run_end, j) = (at + 1, run_end + 1, run_end + 1),
                None => return false,
            },
        }
    }
    pattern.get(i..).unwrap_or_default().iter().all(|&p| p == b'*')
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
        assert!(path_matches("/a*", "/a") && path_matches("**", "") && !path_matches("/a", "") && !path_matches("", "/"));
        assert!(path_matches("*ab", "/aab") && path_matches("/*a*a", "/aaa") && !path_matches("/*a*a", "/a"));
    }
}

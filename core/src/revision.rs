//! How far one submission may be revised: the most revisions stored per submission, and the
//! highest `rev` a sender may claim.

/// The most revisions one submission may have stored (the first send counts as one): a
/// visitor adds a comment or corrects a rating a few times, never dozens.
pub const REVISIONS_MAX: u32 = 10;

/// The highest `rev` a submission may carry. The widget counts up from 0 once per change of
/// the same submission (a newer revision may replace an unsent one, so numbers can skip), so it
/// never comes near; a claim above it is not a revision but an attempt to jump ahead of one.
pub const REV_MAX: u32 = 1000;

/// Whether `rev` is one a sender may claim.
pub fn rev_in_bounds(rev: u32) -> bool {
    rev <= REV_MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_admits_every_revision_a_widget_makes_and_nothing_near_u32_max() {
        assert!(rev_in_bounds(0) && rev_in_bounds(REVISIONS_MAX) && rev_in_bounds(REV_MAX));
        assert!(!rev_in_bounds(REV_MAX + 1) && !rev_in_bounds(u32::MAX));
    }
}

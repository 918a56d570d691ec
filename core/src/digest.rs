//! The weekly digest: when it is due (Mondays 08:00 UTC), the days it covers, and what it says,
//! built from the summaries of the week and of the week before, so every number in it is the
//! summary's own (`GET …/summary?from=&to=` answers the same).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::alarm::DAY_MS;
use crate::chat::chat_escape;
use crate::ranking::{compare, rank_pages, shown_step, Call};
use crate::scale::Scale;
use crate::summary::Summary;

/// When on its day the digest goes out (08:00 UTC).
pub const DIGEST_AT_MS: i64 = 8 * 3_600_000;
/// How many pages each end of the digest's ranking names, and how many unhappy comments it quotes.
pub const DIGEST_LIST: usize = 3;

/// The latest digest time (ms) at or before `now`: a Monday, 08:00 UTC.
pub fn last_due(now: i64) -> i64 {
    let day = now.div_euclid(DAY_MS);
    // 1970-01-05, day 4, was a Monday.
    let monday = day - (day - 4).rem_euclid(7);
    let at = monday * DAY_MS + DIGEST_AT_MS;
    if at <= now {
        at
    } else {
        at - 7 * DAY_MS
    }
}

/// The first and last day (days since 1970) a digest sent at `at` covers: the seven before its day.
pub fn days_before(at: i64) -> (i64, i64) {
    let day = at.div_euclid(DAY_MS);
    (day - 7, day - 1)
}

/// The weekly digest, as the `digest` field of its event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    /// First day counted (`YYYY-MM-DD`, UTC).
    pub from: String,
    /// Last day counted.
    pub to: String,
    /// Ratings, all scales (the summary's `total`).
    pub total: u64,
    /// Of those, with a comment (the summary's `comments`).
    pub comments: u64,
    /// Per scale with ratings: its score and the change from the seven days before.
    pub scales: Vec<DigestScale>,
    /// The best pages on the main scale among those with enough ratings (`ranking::rank_pages`).
    pub top_pages: Vec<DigestPage>,
    /// The pages that need attention, by the same rule, worst first.
    pub bottom_pages: Vec<DigestPage>,
    /// The three latest unhappy ratings with a comment (thumbs down, 1–2 of five, NPS 0–6).
    pub unhappy: Vec<UnhappyComment>,
    /// Replies the owner sent in these days.
    pub replies_sent: u64,
}

/// A scale's week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigestScale {
    /// The scale.
    pub scale: Scale,
    /// Its ratings.
    pub ratings: u64,
    /// Its score (the summary's).
    pub score: f64,
    /// Its score in the seven days before, if it had ratings then.
    pub previous: Option<f64>,
    /// `score - previous`.
    pub change: Option<f64>,
    /// The dashboard's call on the change: `better`, `worse`, `no_clear_change` or `too_few`.
    pub call: Option<String>,
}

/// A page of the digest's ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigestPage {
    /// The page.
    pub page: String,
    /// Its ratings on the main scale.
    pub ratings: u64,
    /// Its score on it.
    pub score: f64,
}

/// An unhappy rating with its comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnhappyComment {
    /// The submission.
    pub id: String,
    /// Its scale.
    pub scale: Scale,
    /// Its value.
    pub value: u8,
    /// The comment.
    pub comment: String,
    /// The page.
    pub page: String,
    /// When it arrived (ms since 1970).
    pub received_at: i64,
}

fn call_name(call: Call) -> &'static str {
    match call {
        Call::Better => "better",
        Call::Worse => "worse",
        Call::NoClearChange => "no_clear_change",
        Call::TooFew => "too_few",
    }
}

/// The digest of `week` (a summary with its pages), compared with `before` (the seven days
/// before), quoting `unhappy` and counting `replies_sent`.
pub fn digest(week: &Summary, before: &Summary, unhappy: Vec<UnhappyComment>, replies_sent: u64) -> Digest {
    let scales = week
        .scales
        .iter()
        .map(|now| {
            let then = before.scales.iter().find(|s| s.scale == now.scale);
            let change = then.map(|then| compare(then, now));
            DigestScale {
                scale: now.scale,
                ratings: now.count,
                score: now.score,
                previous: then.map(|t| t.score),
                change: change.map(|c| c.delta),
                call: change.map(|c| call_name(c.call).into()),
            }
        })
        .collect();
    // The main scale, as the summary's best and worst page read it: the one with most ratings.
    let main = week.scales.iter().fold(None, |best: Option<&crate::summary::ScaleSummary>, s| match best {
        Some(b) if b.count >= s.count => Some(b),
        _ => Some(s),
    });
    let (mut top_pages, mut bottom_pages) = (Vec::new(), Vec::new());
    if let Some(main) = main {
        let ranked = rank_pages(&week.pages, main.scale, main.score).ranked;
        let page = |p: &crate::ranking::RankedPage<'_>| DigestPage { page: p.page.into(), ratings: p.count, score: p.score };
        // No page at both ends: the better half may fill the top, the rest the bottom.
        let top = DIGEST_LIST.min(ranked.len().div_ceil(2));
        let bottom = DIGEST_LIST.min(ranked.len() / 2);
        top_pages = ranked.iter().rev().take(top).map(page).collect();
        bottom_pages = ranked.iter().take(bottom).map(page).collect();
    }
    Digest {
        from: week.from.clone().unwrap_or_default(),
        to: week.to.clone().unwrap_or_default(),
        total: week.total,
        comments: week.comments,
        scales,
        top_pages,
        bottom_pages,
        unhappy,
        replies_sent,
    }
}

/// A score as the dashboard shows it: one decimal for stars and faces, whole points else.
pub fn shown(scale: Scale, score: f64) -> String {
    if shown_step(scale) < 1.0 {
        format!("{score:.1}")
    } else {
        format!("{score:.0}")
    }
}

impl Digest {
    /// The digest for chat tools (`text`): every page, comment and the site's name escaped.
    pub fn text(&self, site_name: &str) -> String {
        let mut text = format!(
            "Weekly digest for {}, {} to {}: {} ratings, {} with a comment, {} replies sent.",
            chat_escape(site_name),
            self.from,
            self.to,
            self.total,
            self.comments,
            self.replies_sent
        );
        for s in &self.scales {
            let change = s.change.map(|c| format!(" ({}{} from the week before)", if c >= 0.0 { "+" } else { "" }, shown(s.scale, c)));
            text.push_str(&format!("\n{}: {}{}, {} ratings", s.scale.as_str(), shown(s.scale, s.score), change.unwrap_or_default(), s.ratings));
        }
        let pages = |title: &str, list: &[DigestPage], scale: Scale| {
            let names: Vec<String> = list.iter().map(|p| format!("{} ({})", chat_escape(&p.page), shown(scale, p.score))).collect();
            format!("\n{title}: {}", names.join(", "))
        };
        let main = self.scales.iter().fold(None, |best: Option<&DigestScale>, s| match best {
            Some(b) if b.ratings >= s.ratings => Some(b),
            _ => Some(s),
        });
        if let (Some(main), false) = (main, self.top_pages.is_empty()) {
            text.push_str(&pages("Best pages", &self.top_pages, main.scale));
            if !self.bottom_pages.is_empty() {
                text.push_str(&pages("Needs attention", &self.bottom_pages, main.scale));
            }
        }
        for u in &self.unhappy {
            text.push_str(&format!("\n{}/{} on {}: \u{201c}{}\u{201d}", u.value, u.scale.highest(), chat_escape(&u.page), chat_escape(&u.comment)));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::{Breakdown, Tally};
    use crate::day::{format_day, parse_day};
    use crate::scale::Rating;
    use crate::summary::PagesWindow;

    fn at(day: &str, hour: i64) -> i64 {
        parse_day(day).expect("a day") * DAY_MS + hour * 3_600_000
    }

    #[test]
    fn the_digest_is_due_mondays_at_eight_for_the_week_before() {
        // 2026-11-30 is a Monday.
        assert_eq!(last_due(at("2026-11-30", 8)), at("2026-11-30", 8));
        assert_eq!(last_due(at("2026-11-30", 7)), at("2026-11-23", 8));
        assert_eq!(last_due(at("2026-12-06", 23)), at("2026-11-30", 8));
        let (from, to) = days_before(at("2026-11-30", 8));
        assert_eq!((format_day(from), format_day(to)), ("2026-11-23".into(), "2026-11-29".into()));
    }

    fn week(ratings: &[(&str, u8, u64)]) -> Summary {
        let mut b = Breakdown::default();
        for &(page, value, n) in ratings {
            let rating = Rating::new(Scale::Stars, i64::from(value)).expect("stars");
            b.add("2026-11-24", page, rating, Tally { ratings: n, comments: 1 });
            b.add_ranked(page, rating, Tally { ratings: n, comments: 1 });
        }
        b.summary("s", Some("2026-11-23"), Some("2026-11-29"), None, &PagesWindow::default())
    }

    #[test]
    fn the_digest_says_what_the_summary_says() {
        let now = week(&[("/good", 5, 40), ("/ok", 4, 20), ("/bad", 1, 30), ("/few", 1, 2)]);
        let before = week(&[("/good", 5, 40)]);
        let d = digest(&now, &before, Vec::new(), 2);
        assert_eq!((d.total, d.comments, d.from.as_str(), d.to.as_str()), (now.total, now.comments, "2026-11-23", "2026-11-29"));
        assert_eq!(d.scales[0].score, now.scales[0].score);
        assert_eq!(d.scales[0].previous, Some(5.0));
        assert_eq!(d.scales[0].call.as_deref(), Some("worse"));
        let names = |pages: &[DigestPage]| pages.iter().map(|p| p.page.clone()).collect::<Vec<_>>();
        assert_eq!(names(&d.top_pages), ["/good", "/ok"], "/few has too few ratings to rank");
        assert_eq!(names(&d.bottom_pages), ["/bad"]);
        let text = d.text("<!channel> Docs");
        assert!(text.starts_with("Weekly digest for &lt;!channel&gt; Docs, 2026-11-23 to 2026-11-29: 92 ratings"), "{text}");
        assert!(text.contains("Best pages: /good (5.0), /ok (4.0)") && text.contains("Needs attention: /bad (1.0)"), "{text}");
    }
}

//! A site's alert rules (score drops, watched words, the weekly digest switch): their limits,
//! their checks, and the pure rules deciding when a score drop fires and which words a comment
//! holds. The object's alarm and its submission write call these; nothing here does IO.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::ranking::per_rating;
use crate::scale::Scale;
use crate::validate::ValidationError;

/// The most score-drop rules a site may have.
pub const SCORE_DROPS_MAX: usize = 5;
/// The most watched words a site may have.
pub const WORDS_MAX: usize = 20;
/// The fewest characters of a watched word.
pub const WORD_MIN_CHARS: usize = 2;
/// The most characters of a watched word.
pub const WORD_MAX_CHARS: usize = 32;
/// The most ratings a rule may ask for before it is judged.
pub const MIN_RATINGS_MAX: u32 = 100_000;
/// How many days before a window its baseline covers.
pub const BASELINE_DAYS: i64 = 30;

/// What a site is told of besides each matching submission: `alerts` in the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRules {
    /// Up to `SCORE_DROPS_MAX` rules: a window's score below its 30-day baseline.
    #[serde(default)]
    pub score_drops: Vec<ScoreDrop>,
    /// Up to `WORDS_MAX` words (or phrases); a comment holding one, as a whole word in any
    /// case, sends an alert. Stored lowercased, each once.
    #[serde(default)]
    pub words: Vec<String>,
    /// A weekly digest event, Mondays at 08:00 UTC, of the seven days before.
    #[serde(default)]
    pub digest: bool,
}

/// Which days a score-drop rule reads. The counts are per UTC day, so a window is whole days:
/// `day` is the current UTC day so far, `week` it and the six days before; the baseline is the
/// `BASELINE_DAYS` days before the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Window {
    /// The current UTC day.
    Day,
    /// The current UTC day and the six before it.
    Week,
}

impl Window {
    /// How many days it covers.
    pub fn days(self) -> i64 {
        match self {
            Window::Day => 1,
            Window::Week => 7,
        }
    }

    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Day => "day",
            Window::Week => "week",
        }
    }

    /// The window's first and last day and the baseline's (days since 1970) on day `today`.
    pub fn ranges(self, today: i64) -> ((i64, i64), (i64, i64)) {
        let first = today - self.days() + 1;
        ((first, today), (first - BASELINE_DAYS, first - 1))
    }
}

/// "The score over `window` falls below its 30-day baseline by `drop` with at least
/// `min_ratings` ratings".
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreDrop {
    /// The days judged.
    pub window: Window,
    /// The scale judged; absent: the widget's scale.
    #[serde(default)]
    pub scale: Option<Scale>,
    /// How many score points below the baseline fire it (stars and faces: 0.1 to 4; thumbs and
    /// CSAT %: up to 100; NPS: up to 200).
    pub drop: f64,
    /// The fewest ratings in the window, and in the baseline, for the rule to be judged at all.
    pub min_ratings: u32,
}

// A checked rule's `drop` is finite (JSON has no NaN), so equality is reflexive.
impl Eq for ScoreDrop {}

/// How far a scale's score can move: the most a drop can be.
fn score_span(scale: Option<Scale>) -> f64 {
    match scale {
        Some(Scale::Stars | Scale::Emoji) => 4.0,
        Some(Scale::Thumbs | Scale::Csat) => 100.0,
        Some(Scale::Nps) | None => 200.0,
    }
}

/// The refusal of score drops or the digest on a sharded site (the object's, so it crosses to
/// the Worker as itself: `refusal.rs`).
pub const NEED_ONE_SHARD: ValidationError = ValidationError::InvalidAlerts {
    field: "alerts",
    reason: "score drops and the weekly digest need a site of one shard (watched words work on any site)",
};

fn refused(field: &'static str, reason: &'static str) -> ValidationError {
    ValidationError::InvalidAlerts { field, reason }
}

impl AlertRules {
    /// Whether any rule needs the alarm (score drops are judged hourly, the digest weekly).
    pub fn needs_alarm(&self) -> bool {
        !self.score_drops.is_empty() || self.digest
    }

    /// Checks every limit; answers the rules as stored (words trimmed, lowercased, each once).
    pub fn validate(&self) -> Result<AlertRules, ValidationError> {
        if self.score_drops.len() > SCORE_DROPS_MAX {
            return Err(refused("alerts.score_drops", "at most 5 score-drop rules"));
        }
        for (i, rule) in self.score_drops.iter().enumerate() {
            if !rule.drop.is_finite() || rule.drop <= 0.0 || rule.drop > score_span(rule.scale) {
                return Err(refused("alerts.score_drops", "drop must be above 0 and at most the scale's span (4 for stars, 100 for %, 200 for NPS)"));
            }
            if !(1..=MIN_RATINGS_MAX).contains(&rule.min_ratings) {
                return Err(refused("alerts.score_drops", "min_ratings must be 1 to 100000"));
            }
            if self.score_drops[..i].iter().any(|r| (r.window, r.scale) == (rule.window, rule.scale)) {
                return Err(refused("alerts.score_drops", "one rule per window and scale"));
            }
        }
        if self.words.len() > WORDS_MAX {
            return Err(refused("alerts.words", "at most 20 words"));
        }
        let mut words: Vec<String> = Vec::new();
        for word in &self.words {
            let word = word.trim().to_lowercase();
            let chars = word.chars().count();
            if !(WORD_MIN_CHARS..=WORD_MAX_CHARS).contains(&chars) || word.chars().any(char::is_control) || !word.chars().any(char::is_alphanumeric) {
                return Err(refused("alerts.words", "each word must be 2 to 32 characters, with a letter or digit"));
            }
            if !words.contains(&word) {
                words.push(word);
            }
        }
        Ok(AlertRules { score_drops: self.score_drops.clone(), words, digest: self.digest })
    }

    /// The watched words `comment` holds, each as a whole word (no letter or digit on either
    /// side), in any case: `refund` is in "Refund, please" and not in "refunded".
    pub fn words_in(&self, comment: &str) -> Vec<String> {
        let text = comment.to_lowercase();
        self.words.iter().filter(|word| holds_word(&text, word)).cloned().collect()
    }
}

/// Whether `text` holds `word` with a boundary on both sides (both already lowercased).
fn holds_word(text: &str, word: &str) -> bool {
    let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word).any(|(at, found)| !word_char(text[..at].chars().next_back()) && !word_char(text[at + found.len()..].chars().next()))
}

/// A scale's ratings over some days: how many, and their headline score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Ratings.
    pub count: u64,
    /// Their score: the mean of `ranking::per_rating`, the summary's own rule.
    pub score: f64,
}

/// The score of `counts` (value, ratings) on `scale`; `None` without ratings.
pub fn scored(scale: Scale, counts: impl IntoIterator<Item = (u8, u64)>) -> Option<Scored> {
    let (mut n, mut sum) = (0u64, 0.0);
    for (value, ratings) in counts {
        n += ratings;
        sum += per_rating(scale, value) * ratings as f64;
    }
    (n > 0).then(|| Scored { count: n, score: sum / n as f64 })
}

/// What a score-drop rule says of its window now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The score is down by the rule's drop or more: an alert, unless this episode sent one.
    Fire,
    /// The score is back within half the drop of its baseline: the episode is over, the next
    /// drop alerts again. (Half, not all: a score wobbling around the line would alert hourly.)
    Rearm,
    /// Too few ratings to judge, or between the lines: nothing changes.
    Hold,
}

/// Judges `rule` on its window's and its baseline's ratings.
pub fn judge(rule: &ScoreDrop, window: Option<Scored>, baseline: Option<Scored>) -> Verdict {
    let enough = |s: Option<Scored>| s.filter(|s| s.count >= u64::from(rule.min_ratings));
    let (Some(window), Some(baseline)) = (enough(window), enough(baseline)) else { return Verdict::Hold };
    let fell = baseline.score - window.score;
    // A hair of float error must not decide a drop given to one decimal.
    if fell >= rule.drop - 1e-9 {
        Verdict::Fire
    } else if fell < rule.drop / 2.0 {
        Verdict::Rearm
    } else {
        Verdict::Hold
    }
}

/// The key a fired rule's episode is kept under (`stars:day`): rules are matched by what they
/// judge, so reordering or editing a rule's drop keeps its episode.
pub fn episode_key(scale: Scale, window: Window) -> String {
    let mut key = scale.as_str().to_owned();
    key.push(':');
    key.push_str(window.as_str());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(drop: f64, min_ratings: u32) -> ScoreDrop {
        ScoreDrop { window: Window::Day, scale: Some(Scale::Stars), drop, min_ratings }
    }

    fn stars(count: u64, score: f64) -> Option<Scored> {
        Some(Scored { count, score })
    }

    #[test]
    fn a_drop_fires_only_with_enough_ratings_on_both_sides() {
        let r = rule(1.0, 10);
        assert_eq!(judge(&r, stars(10, 2.0), stars(300, 3.0)), Verdict::Fire);
        assert_eq!(judge(&r, stars(9, 1.0), stars(300, 3.0)), Verdict::Hold, "too few today");
        assert_eq!(judge(&r, stars(50, 1.0), stars(9, 3.0)), Verdict::Hold, "too little baseline");
        assert_eq!(judge(&r, None, stars(300, 3.0)), Verdict::Hold);
        assert_eq!(judge(&r, stars(50, 2.1), stars(300, 3.0)), Verdict::Hold, "between the lines");
        assert_eq!(judge(&r, stars(50, 2.6), stars(300, 3.0)), Verdict::Rearm);
        assert_eq!(judge(&r, stars(50, 3.4), stars(300, 3.0)), Verdict::Rearm, "a rise is no drop");
    }

    #[test]
    fn the_score_is_the_summarys_rule() {
        assert_eq!(scored(Scale::Stars, [(1, 3), (4, 5), (5, 9)]).map(|s| (s.count, s.score)), Some((17, 4.0)));
        assert_eq!(scored(Scale::Nps, [(0, 2), (6, 3), (7, 4), (9, 5), (10, 6)]).map(|s| s.score), Some(30.0));
        assert_eq!(scored(Scale::Thumbs, [(0, 3), (1, 7)]).map(|s| s.score), Some(70.0));
        assert_eq!(scored(Scale::Stars, []), None);
    }

    #[test]
    fn windows_end_today_and_baselines_are_the_thirty_days_before() {
        assert_eq!(Window::Day.ranges(100), ((100, 100), (70, 99)));
        assert_eq!(Window::Week.ranges(100), ((94, 100), (64, 93)));
    }

    #[test]
    fn words_match_whole_words_in_any_case_only() {
        let rules = AlertRules { words: alloc::vec!["  Refund ".into(), "refund".into(), "sign up".into()], ..AlertRules::default() }
            .validate()
            .expect("valid words");
        assert_eq!(rules.words, ["refund", "sign up"]);
        assert_eq!(rules.words_in("I want a REFUND."), ["refund"]);
        assert_eq!(rules.words_in("refunded, refunds, prerefund"), Vec::<String>::new());
        assert_eq!(rules.words_in("refunded, then refund"), ["refund"], "a later whole-word hit counts");
        assert_eq!(rules.words_in("Could not Sign Up; refund!"), ["refund", "sign up"]);
        assert_eq!(rules.words_in("signup"), Vec::<String>::new());
        let accents = AlertRules { words: alloc::vec!["café".into()], ..AlertRules::default() }.validate().expect("valid");
        assert_eq!(accents.words_in("Le CAFÉ est froid"), ["café"]);
        assert_eq!(accents.words_in("cafés"), Vec::<String>::new());
    }

    #[test]
    fn every_limit_is_refused_past_it() {
        let code = |rules: AlertRules| rules.validate().map(|_| ()).map_err(|e| (e.code(), e.field()));
        let bad = Err(("invalid_alerts", Some("alerts.score_drops".into())));
        assert_eq!(code(AlertRules { score_drops: alloc::vec![rule(1.0, 10)], ..AlertRules::default() }), Ok(()));
        assert_eq!(code(AlertRules { score_drops: alloc::vec![rule(0.0, 10)], ..AlertRules::default() }), bad);
        assert_eq!(code(AlertRules { score_drops: alloc::vec![rule(4.5, 10)], ..AlertRules::default() }), bad, "stars move 4 at most");
        assert_eq!(code(AlertRules { score_drops: alloc::vec![rule(1.0, 0)], ..AlertRules::default() }), bad);
        assert_eq!(code(AlertRules { score_drops: alloc::vec![rule(1.0, 10), rule(2.0, 5)], ..AlertRules::default() }), bad, "a rule twice");
        let nps = ScoreDrop { scale: Some(Scale::Nps), drop: 150.0, ..rule(1.0, 10) };
        let week = ScoreDrop { window: Window::Week, ..rule(1.0, 10) };
        assert_eq!(code(AlertRules { score_drops: alloc::vec![nps, week], ..AlertRules::default() }), Ok(()));
        assert_eq!(code(AlertRules { score_drops: alloc::vec![rule(1.0, 10); 6], ..AlertRules::default() }), bad);
        let words = |list: &[&str]| AlertRules { words: list.iter().map(|w| (*w).to_owned()).collect(), ..AlertRules::default() };
        let bad_words = Err(("invalid_alerts", Some("alerts.words".into())));
        assert_eq!(code(words(&["a"])), bad_words);
        assert_eq!(code(words(&["--"])), bad_words);
        assert_eq!(code(words(&[&"x".repeat(33)])), bad_words);
        assert_eq!(code(words(&["a\u{7}b"])), bad_words);
        assert_eq!(code(words(&["ok"; 21])), bad_words);
        assert_eq!(code(words(&[&"é".repeat(32)])), Ok(()), "characters, not bytes");
    }

    #[test]
    fn rules_read_from_json_as_the_api_documents_them() {
        let rules: AlertRules =
            serde_json::from_str(r#"{"score_drops":[{"window":"week","drop":0.5,"min_ratings":20}],"digest":true}"#).expect("a rule");
        assert_eq!(rules.score_drops[0], ScoreDrop { window: Window::Week, scale: None, drop: 0.5, min_ratings: 20 });
        assert!(rules.needs_alarm() && !AlertRules::default().needs_alarm());
        for bad in [r#"{"score_drops":[{"window":"month","drop":1,"min_ratings":1}]}"#, r#"{"sms":true}"#, r#"{"words":"refund"}"#] {
            assert!(serde_json::from_str::<AlertRules>(bad).is_err(), "{bad}");
        }
    }
}

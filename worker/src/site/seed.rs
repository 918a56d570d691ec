//! Bench builds only (`--features bench`): bulk-seeding a site with synthetic submissions (and,
//! when it has a webhook, their pending events) for the reads-at-scale benchmark and the
//! retention tests.

use super::webhooks::PENDING_MAX;
use super::SiteObject;
use crate::http::Failure;

/// `count` star ratings numbered from `?1` to `?2`, every tenth with a comment, received at `?3`.
/// (Numbers arrive from JavaScript as floats: cast, or the pages would read `/p/9.0`.)
const SEED: &str = "WITH RECURSIVE seq(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
    INSERT OR IGNORE INTO submission (id, scale, value, comment, page, locale, client_ts, widget_version, rev, received_at, updated_at)
    SELECT printf('00000000-0000-7000-8000-%012x', i), 'stars', 1 + i % 5,
           CASE WHEN i % 10 = 0 THEN 'seeded comment ' || i END, '/p/' || (i % 50), 'en',
           1763900000000 + i, '0.0.0-bench', 0, ?3, ?3
    FROM seq";
/// The pending webhook event, due at `?3`, of every commented one of the submissions numbered
/// `?1` to `?2` (ids in fixed-width hex sort as their numbers), while the queue holds fewer
/// than `?5`; `?4` is the site. Only what retention needs of an event: its submission.
const SEED_EVENTS: &str = "INSERT OR IGNORE INTO webhook_outbox (event, body, attempts, next_at, submission)
    SELECT id || ':0', json_object('type', 'feedback', 'event', id || ':0', 'site', ?4, 'submission', json_object('id', id)), 0, ?3, id
    FROM submission
    WHERE id BETWEEN printf('00000000-0000-7000-8000-%012x', ?1) AND printf('00000000-0000-7000-8000-%012x', ?2) AND comment IS NOT NULL
    LIMIT max(0, ?5 - (SELECT count(*) FROM webhook_outbox))";

/// How many page paths the realistic shape draws from (`/docs/page-0` is the most rated).
const PAGES: u32 = 10_000;
/// The year the realistic shape spreads its population over, in ms.
const YEAR_MS: i64 = 365 * 86_400_000;
/// Bands of the log-uniform draw: enough that each is nearly flat inside.
const BANDS: u32 = 64;
/// Width of one band bound in the bound tables (`1000 × (PAGES + 1)` has 8 digits).
const BOUND_WIDTH: usize = 9;
/// Width of one word in the vocabulary string (the longest word fits).
const WORD_WIDTH: usize = 12;

/// The words comments are made of (316, none longer than `WORD_WIDTH`), the most used first:
/// the draw is Zipf-like, so "checkout" is in most comments, and "zyzzyva" (the benchmark's
/// absent word) is in none.
const VOCABULARY: &str =
    "checkout page the slow great search button docs price login and to is it not works cart payment broken love useful confusing \
    example missing fast mobile link error thanks please helpful menu account shipping order form loading design clear easy hard find \
    help support email password reset signup pricing plan free trial upgrade invoice refund delivery address coupon discount code api \
    guide tutorial video image photo font color dark mode layout footer header sidebar scroll click tap screen phone tablet desktop \
    browser chrome firefox safari app update version release feature request bug crash freeze timeout retry again still never always \
    sometimes today yesterday week month year time minutes seconds wait quick nice good bad awful perfect okay fine better worse best \
    worst simple complex clean messy ugly pretty modern old new outdated accurate wrong typo spelling grammar translation language \
    english german french spanish japanese text title heading section paragraph table list chart graph number total sum count filter \
    sort results query keyword match relevant product item stock size fit quality material review rating stars score recommend friend \
    team company service customer agent chat call contact response answer question faq terms privacy policy cookie banner popup \
    annoying intrusive tracking secure safe trust scam spam notification alert message inbox download upload file pdf export import \
    sync backup restore settings profile avatar name username logout session expired token key access denied permission admin \
    dashboard report analytics data spinner gdpr consent opt out in for with on at of my your this that but very really so too much \
    more less could should would can cannot does did was were be have has had make made get got go went see saw use used try tried \
    need want like hate expect expected instead finally first last next back home top bottom left right small big tiny huge long \
    short step steps process flow journey experience overall detail details info note";

/// The two shapes of a seeded population.
#[derive(Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// Star ratings numbered `from`, every tenth with a comment, on 50 pages, all received
    /// `days_ago` days ago (the retention tests' shape).
    #[default]
    Numbered,
    /// A site as sites are: a year of days, Zipf pages, stars and NPS, some comments in words.
    Realistic,
}

/// Bench builds only: synthetic submissions.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Seed {
    /// First number.
    pub from: i64,
    /// How many.
    pub count: i64,
    /// How long ago they "arrived" (for the retention test); the realistic shape's year ends then.
    #[serde(default)]
    pub days_ago: i64,
    /// Which population.
    #[serde(default)]
    pub shape: Shape,
    /// The whole population the realistic shape spreads over its year (default `from + count`),
    /// so chunks of it seeded one by one land in time order.
    #[serde(default)]
    pub total: Option<i64>,
}

/// The answer to `Seed`.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Seeded {
    /// How many were asked for.
    pub seeded: i64,
}

impl SiteObject {
    /// Inserts the synthetic submissions, queues their events if the site has a webhook (due
    /// now; no alarm is armed for them; numbered shape only), then rebuilds the counts from the
    /// submissions, in one transaction.
    pub(super) fn seed(&self, seed: Seed) -> Result<Seeded, Failure> {
        let record = self.record()?;
        let now = worker::Date::now().as_millis() as i64;
        let received = now - seed.days_ago * 86_400_000;
        let last = seed.from + seed.count - 1;
        self.transaction(|| {
            match seed.shape {
                Shape::Numbered => {
                    self.sql.exec(SEED, vec![seed.from.into(), last.into(), received.into()])?;
                    if record.settings.webhook.is_some() {
                        let site = record.settings.site.clone();
                        self.sql.exec(SEED_EVENTS, vec![seed.from.into(), last.into(), now.into(), site.into(), PENDING_MAX.into()])?;
                    }
                }
                Shape::Realistic => {
                    let total = seed.total.unwrap_or(seed.from + seed.count).max(last + 1);
                    let tables = vec![bounds(PAGES).into(), bounds(VOCABULARY.split_whitespace().count() as u32).into(), vocabulary().into()];
                    let mut params = vec![seed.from.into(), last.into(), total.into(), received.into()];
                    params.extend(tables);
                    self.sql.exec(&realistic(), params)?;
                }
            }
            self.rebuild_counts()
        })?;
        Ok(Seeded { seeded: seed.count })
    }
}

/// A well-mixed number in `0..2^31 - 1` from the SQL integer `x` (below 2^40): an affine step
/// then two squarings modulo the Mersenne prime, every product below 2^62, so SQLite's
/// integers never overflow into floats.
fn mix(x: &str) -> String {
    let affine = format!("(({x}) * 48271 + 11) % 2147483647");
    let square = format!("(({affine}) * ({affine}) + 1013904223) % 2147483647");
    format!("((({square}) * ({square}) + 12345) % 2147483647)")
}

/// A rank in `0..n` drawn log-uniformly (`floor((n + 1)^u) - 1`, Zipf with s ≈ 1) from the
/// mixed number `h`, through the band bounds `table` (a parameter made by `bounds(n)`): the
/// low bits pick one of `BANDS` equally likely bands, the next ones a point inside it.
fn zipf_rank(table: &str, h: &str) -> String {
    let bound = |offset: usize| format!("CAST(substr({table}, (({h}) % {BANDS}) * {BOUND_WIDTH} + {offset}, {BOUND_WIDTH}) AS INTEGER)");
    let (lo, hi) = (bound(1), bound(BOUND_WIDTH + 1));
    format!("(({lo} + ({hi} - {lo}) * ((({h}) / {BANDS}) % 65536) / 65536) / 1000 - 1)")
}

/// The bounds `1000 × (n + 1)^(k / BANDS)` for k in `0..=BANDS`, fixed-width, for `zipf_rank`.
fn bounds(n: u32) -> String {
    (0..=BANDS)
        .map(|k| format!("{:0width$}", (1000.0 * f64::from(n + 1).powf(f64::from(k) / f64::from(BANDS))).round() as u64, width = BOUND_WIDTH))
        .collect()
}

/// The vocabulary as one fixed-width string, for `substr`.
fn vocabulary() -> String {
    VOCABULARY.split_whitespace().map(|word| format!("{word:WORD_WIDTH$}")).collect()
}

/// The realistic population numbered `?1` to `?2` of `?3`, its year ending at `?4` (ms), with
/// the page bounds `?5`, the word bounds `?6` and the vocabulary `?7`. Everything follows from
/// the number `i` alone, and `received_at` grows with it, so rows go in in time order. Numbers
/// arrive from JavaScript as floats: cast once, or every `%` and `/` after them is a float's.
fn realistic() -> String {
    let (h1, h2, h3) = (mix("3 * i"), mix("3 * i + 1"), mix("3 * i + 2"));
    let page = zipf_rank("?5", "h1");
    let word = format!("rtrim(substr(?7, {} * {WORD_WIDTH} + 1, {WORD_WIDTH}))", zipf_rank("?6", &mix("h3 + k")));
    format!(
        "WITH RECURSIVE seq(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ?2),
        word_number(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM word_number WHERE k < 20),
        hashed AS MATERIALIZED (SELECT i, CAST(?4 AS INTEGER) - {YEAR_MS} + i * {YEAR_MS} / CAST(?3 AS INTEGER) AS at, {h1} AS h1, {h2} AS h2, {h3} AS h3 FROM seq),
        drawn AS MATERIALIZED (
            SELECT i, at, h1, h3, {page} AS page_rank, h2 % 100 < 80 AS stars, (h2 / 100) % 100 AS v,
                   (h2 / 10000) % 100 < 15 AS commented, 3 + (h2 / 1000000) % 18 AS words, h3 % 100 AS l
            FROM hashed)
        INSERT OR IGNORE INTO submission (id, scale, value, comment, page, locale, client_ts, widget_version, rev, received_at, updated_at)
        SELECT printf('%08x-%04x-7%03x-%04x-%012x', at / 65536, at % 65536, h1 % 4096, 32768 + h3 % 16384, i),
               CASE WHEN stars THEN 'stars' ELSE 'nps' END,
               CASE WHEN stars THEN CASE WHEN v < 5 THEN 1 WHEN v < 10 THEN 2 WHEN v < 20 THEN 3 WHEN v < 50 THEN 4 ELSE 5 END
                    ELSE CASE WHEN v < 20 THEN v * 7 / 20 WHEN v < 50 THEN 7 + (v - 20) / 15 ELSE 9 + (v - 50) / 25 END END,
               CASE WHEN commented THEN (SELECT group_concat({word}, ' ') FROM word_number WHERE k <= words) END,
               '/docs/page-' || page_rank,
               CASE WHEN l < 60 THEN 'en' WHEN l < 75 THEN 'de' WHEN l < 85 THEN 'fr' WHEN l < 95 THEN 'es' ELSE 'ja' END,
               at - 1500, '0.0.0-bench', 0, at, at
        FROM drawn ORDER BY i"
    )
}

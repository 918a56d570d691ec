//! The SQL by which counts move, as macros every room that moves counts uses (declared first in
//! `mod.rs`, so they are in scope everywhere): `add_to_daily!`, the one way the per-day counts
//! change, and `page_counts!`, one set of per-page rollups kept from them by triggers.

/// One set of per-page counts kept from `daily` (`rollups.rs`, `recent.rs`): `$rating` by page
/// and rating, `$rank` by page and ranked by its `…_order` index, and the triggers that add
/// every change of a `daily` row they count (`$new`, `$old`: which rows, as a condition on the
/// row) to both. Deleting an empty row adds nothing.
macro_rules! page_counts {
    ($rating:literal, $rank:literal, $new:literal, $old:literal) => {
        concat!(
            "CREATE TABLE IF NOT EXISTS ",
            $rating,
            " (
  page TEXT NOT NULL, scale TEXT NOT NULL, value INTEGER NOT NULL, ratings INTEGER NOT NULL, comments INTEGER NOT NULL,
  PRIMARY KEY (page, scale, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ",
            $rank,
            " (page TEXT PRIMARY KEY, ratings INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ",
            $rank,
            "_order ON ",
            $rank,
            " (ratings DESC, page);
CREATE TRIGGER ",
            $rating,
            "_added AFTER INSERT ON daily WHEN ",
            $new,
            " BEGIN
  INSERT INTO ",
            $rating,
            " VALUES (new.page, new.scale, new.value, new.ratings, new.comments)
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
  INSERT INTO ",
            $rank,
            " VALUES (new.page, new.ratings) ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings;
END;
CREATE TRIGGER ",
            $rating,
            "_changed AFTER UPDATE OF ratings, comments ON daily WHEN ",
            $new,
            " BEGIN
  INSERT INTO ",
            $rating,
            " VALUES (new.page, new.scale, new.value, new.ratings - old.ratings, new.comments - old.comments)
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
  INSERT INTO ",
            $rank,
            " VALUES (new.page, new.ratings - old.ratings) ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings;
END;
CREATE TRIGGER ",
            $rating,
            "_removed AFTER DELETE ON daily WHEN (old.ratings <> 0 OR old.comments <> 0) AND ",
            $old,
            " BEGIN
  INSERT INTO ",
            $rating,
            " VALUES (old.page, old.scale, old.value, -old.ratings, -old.comments)
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
  INSERT INTO ",
            $rank,
            " VALUES (old.page, -old.ratings) ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings;
END;
"
        )
    };
}

/// The one way counts move: adds the rows of `$source` (day, page, scale, value, ratings,
/// comments) to the per-day counts, signed, so adding and taking away are the same statement.
macro_rules! add_to_daily {
    ($source:literal) => {
        concat!(
            "INSERT INTO daily (day, page, scale, value, ratings, comments) ",
            $source,
            " ON CONFLICT (day, page, scale, value) DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments"
        )
    };
}

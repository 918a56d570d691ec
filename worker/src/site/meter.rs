//! The object's SQL handle, metered in bench builds: every statement's cursor is kept until the
//! call ends, then its rows read and written (Cloudflare's billing units, which count index
//! and trigger writes too) are added to the instance's totals, read by `Meter`.

use worker::{SqlCursor, SqlStorage, SqlStorageValue};

/// `ctx.storage.sql`, with the bench builds' meter (a clone shares it: the export's stream
/// runs on a clone).
#[derive(Clone)]
pub struct Sql {
    storage: SqlStorage,
    #[cfg(feature = "bench")]
    meter: std::rc::Rc<bench::Meter>,
}

impl Sql {
    /// The object's storage, unmetered so far.
    pub fn new(storage: SqlStorage) -> Sql {
        Sql {
            storage,
            #[cfg(feature = "bench")]
            meter: std::rc::Rc::default(),
        }
    }

    /// Runs one statement (as `SqlStorage::exec`).
    pub fn exec(&self, query: &str, bindings: impl Into<Option<Vec<SqlStorageValue>>>) -> worker::Result<SqlCursor> {
        let cursor = self.storage.exec(query, bindings)?;
        #[cfg(feature = "bench")]
        self.meter.keep(&cursor);
        Ok(cursor)
    }

    /// Adds up the statements of the call that just ended (bench builds; else nothing).
    pub fn end_call(&self) {
        #[cfg(feature = "bench")]
        self.meter.end_call();
    }

    /// The totals since this instance started, with what streams ran since the last call
    /// ended (bench builds only).
    #[cfg(feature = "bench")]
    pub fn metered(&self) -> Metered {
        self.meter.add_open();
        self.meter.totals()
    }
}

/// Bench builds only: what the object's calls cost so far (a call; answered `Metered`).
#[cfg(feature = "bench")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Meter {}

/// Bench builds only: what the object's calls cost since its instance started.
#[cfg(feature = "bench")]
#[derive(Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Metered {
    /// Calls answered (this `Meter` call not counted).
    pub calls: u64,
    /// SQL rows read.
    pub rows_read: u64,
    /// SQL rows written.
    pub rows_written: u64,
}

#[cfg(feature = "bench")]
mod bench {
    use std::cell::{Cell, RefCell};

    use worker::SqlCursor;

    use super::Metered;

    /// The cursors of the running call and the totals of the ended ones.
    #[derive(Default)]
    pub struct Meter {
        open: RefCell<Vec<SqlCursor>>,
        totals: Cell<Metered>,
    }

    impl Meter {
        pub fn keep(&self, cursor: &SqlCursor) {
            self.open.borrow_mut().push(cursor.clone());
        }

        /// A cursor's counts are final once its call has read what it needs.
        pub fn end_call(&self) {
            self.add_open();
            let mut totals = self.totals.get();
            totals.calls += 1;
            self.totals.set(totals);
        }

        /// Adds the kept cursors' rows to the totals.
        pub fn add_open(&self) {
            let mut totals = self.totals.get();
            for cursor in self.open.borrow_mut().drain(..) {
                totals.rows_read += cursor.rows_read() as u64;
                totals.rows_written += cursor.rows_written() as u64;
            }
            self.totals.set(totals);
        }

        pub fn totals(&self) -> Metered {
            self.totals.get()
        }
    }
}

//! Progress and cancellation, shared by every engine. The engine reports through [`Progress`]; the command
//! line draws bars, the app turns the same reports into messages. The engine never knows who listens.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::data::Category;

/// A cancel switch handed to a running job; cheap to clone, checked between items and chunks.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A switch that is not yet flipped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the job to stop as soon as it safely can.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether stopping was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What a job is doing right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Counting what there is.
    Scanning,
    /// Copying items.
    Transferring,
    /// Writing indexes and the snapshot.
    Finishing,
    /// Reading everything back to check it.
    Verifying,
}

/// A moment in a job's life.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// What the job is doing.
    pub phase: Phase,
    /// The category being worked on, when there is one.
    pub category: Option<Category>,
    /// Items finished.
    pub items_done: u64,
    /// Items in all (0 while unknown).
    pub items_total: u64,
    /// Bytes finished.
    pub bytes_done: u64,
    /// Bytes in all (0 while unknown).
    pub bytes_total: u64,
    /// Recent throughput.
    pub bytes_per_second: f64,
    /// Time left at that throughput, when it can be guessed.
    pub eta: Option<Duration>,
    /// The same counts per category, for jobs that know them (backup and restore).
    pub categories: Vec<CategoryStatus>,
}

/// Progress of one category within a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CategoryStatus {
    /// Which category.
    pub category: Category,
    /// Items finished.
    pub items_done: u64,
    /// Items in all.
    pub items_total: u64,
    /// Bytes finished.
    pub bytes_done: u64,
    /// Bytes in all.
    pub bytes_total: u64,
}

/// Something a person should know about that did not stop the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// The item or category it is about.
    pub subject: String,
    /// What happened, as a sentence.
    pub message: String,
}

/// A listener for a job's progress. Calls come from worker threads, at most about ten times a second.
pub trait Progress: Send + Sync {
    /// Counters moved.
    fn update(&self, status: &Status);
    /// An item was skipped or a category is unavailable.
    fn notice(&self, notice: &Notice) {
        log::warn!("{}: {}", notice.subject, notice.message);
    }
}

/// A listener that ignores everything.
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _status: &Status) {}
    fn notice(&self, _notice: &Notice) {}
}

/// Counts work from many threads and reports it, throttled, to a [`Progress`].
pub struct Meter<'a> {
    sink: &'a dyn Progress,
    items_done: AtomicU64,
    bytes_done: AtomicU64,
    state: Mutex<MeterState>,
    // Kept apart from `state`, which reporters only try-lock: per-category counts must never be dropped.
    categories: Mutex<BTreeMap<Category, CategoryStatus>>,
}

struct MeterState {
    phase: Phase,
    category: Option<Category>,
    items_total: u64,
    bytes_total: u64,
    started: Instant,
    last_report: Option<Instant>,
    // Throughput is measured over a sliding window so a slow start does not spoil the ETA forever.
    window_start: Instant,
    window_bytes: u64,
    rate: f64,
}

const REPORT_EVERY: Duration = Duration::from_millis(100);
const RATE_WINDOW: Duration = Duration::from_secs(2);

impl<'a> Meter<'a> {
    /// A meter reporting to `sink`.
    pub fn new(sink: &'a dyn Progress) -> Self {
        let now = Instant::now();
        Self {
            sink,
            items_done: AtomicU64::new(0),
            bytes_done: AtomicU64::new(0),
            state: Mutex::new(MeterState {
                phase: Phase::Scanning,
                category: None,
                items_total: 0,
                bytes_total: 0,
                started: now,
                last_report: None,
                window_start: now,
                window_bytes: 0,
                rate: 0.0,
            }),
            categories: Mutex::new(BTreeMap::new()),
        }
    }

    /// Sets how much work each category holds (and the overall totals from them).
    pub fn category_totals(&self, totals: impl IntoIterator<Item = (Category, u64, u64)>) {
        if let Ok(mut categories) = self.categories.lock() {
            for (category, items, bytes) in totals {
                let entry = categories.entry(category).or_insert(CategoryStatus {
                    category,
                    items_done: 0,
                    items_total: 0,
                    bytes_done: 0,
                    bytes_total: 0,
                });
                entry.items_total += items;
                entry.bytes_total += bytes;
            }
            let (items, bytes) =
                categories.values().fold((0, 0), |(i, b), c| (i + c.items_total, b + c.bytes_total));
            drop(categories);
            self.totals(items, bytes);
        }
    }

    /// Counts finished bytes of an item of `category`.
    pub fn add_category_bytes(&self, category: Category, bytes: u64) {
        if let Ok(mut categories) = self.categories.lock()
            && let Some(entry) = categories.get_mut(&category)
        {
            entry.bytes_done += bytes;
        }
        self.add_bytes(bytes);
    }

    /// Counts one finished item of `category`.
    pub fn add_category_item(&self, category: Category) {
        if let Ok(mut categories) = self.categories.lock()
            && let Some(entry) = categories.get_mut(&category)
        {
            entry.items_done += 1;
        }
        self.add_item();
    }

    /// Enters a new phase and reports at once.
    pub fn phase(&self, phase: Phase) {
        if let Ok(mut state) = self.state.lock() {
            state.phase = phase;
        }
        self.report(true);
    }

    /// Names the category being worked on.
    pub fn category(&self, category: Option<Category>) {
        if let Ok(mut state) = self.state.lock() {
            state.category = category;
        }
    }

    /// Sets how much work there is.
    pub fn totals(&self, items: u64, bytes: u64) {
        if let Ok(mut state) = self.state.lock() {
            state.items_total = items;
            state.bytes_total = bytes;
        }
        self.report(true);
    }

    /// Counts finished bytes.
    pub fn add_bytes(&self, bytes: u64) {
        self.bytes_done.fetch_add(bytes, Ordering::Relaxed);
        self.report(false);
    }

    /// Counts one finished item.
    pub fn add_item(&self) {
        self.items_done.fetch_add(1, Ordering::Relaxed);
        self.report(false);
    }

    /// Passes a notice on.
    pub fn notice(&self, subject: impl Into<String>, message: impl Into<String>) {
        self.sink.notice(&Notice { subject: subject.into(), message: message.into() });
    }

    /// Items and bytes done so far.
    pub fn done(&self) -> (u64, u64) {
        (self.items_done.load(Ordering::Relaxed), self.bytes_done.load(Ordering::Relaxed))
    }

    /// Time since the meter was made.
    pub fn elapsed(&self) -> Duration {
        self.state.lock().map(|s| s.started.elapsed()).unwrap_or_default()
    }

    /// Reports now, whatever the throttle says (at the end of a job).
    pub fn flush(&self) {
        self.report(true);
    }

    fn report(&self, force: bool) {
        // `try_lock` keeps workers from queueing behind a slow listener: one of them reports, the rest go on.
        let Ok(mut state) = self.state.try_lock() else { return };
        let now = Instant::now();
        if !force && state.last_report.is_some_and(|last| now - last < REPORT_EVERY) {
            return;
        }
        state.last_report = Some(now);
        let bytes_done = self.bytes_done.load(Ordering::Relaxed);
        let window = now - state.window_start;
        if window >= RATE_WINDOW || state.rate == 0.0 && window >= REPORT_EVERY {
            state.rate = (bytes_done - state.window_bytes) as f64 / window.as_secs_f64();
            state.window_start = now;
            state.window_bytes = bytes_done;
        }
        let eta = (state.rate > 0.0 && state.bytes_total > bytes_done)
            .then(|| Duration::from_secs_f64((state.bytes_total - bytes_done) as f64 / state.rate));
        let status = Status {
            phase: state.phase,
            category: state.category,
            items_done: self.items_done.load(Ordering::Relaxed),
            items_total: state.items_total,
            bytes_done,
            bytes_total: state.bytes_total,
            bytes_per_second: state.rate,
            eta,
            categories: self.categories.lock().map(|c| c.values().copied().collect()).unwrap_or_default(),
        };
        drop(state);
        self.sink.update(&status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder(Mutex<Vec<Status>>);
    impl Progress for Recorder {
        fn update(&self, status: &Status) {
            self.0.lock().unwrap().push(status.clone());
        }
    }

    #[test]
    fn forced_reports_carry_totals_and_counts() {
        let recorder = Recorder(Mutex::new(Vec::new()));
        let meter = Meter::new(&recorder);
        meter.totals(3, 300);
        meter.add_bytes(100);
        meter.add_item();
        meter.flush();
        let seen = recorder.0.lock().unwrap();
        let last = seen.last().unwrap();
        assert_eq!((last.items_done, last.items_total), (1, 3));
        assert_eq!((last.bytes_done, last.bytes_total), (100, 300));
    }

    #[test]
    fn categories_add_up_to_the_totals() {
        let recorder = Recorder(Mutex::new(Vec::new()));
        let meter = Meter::new(&recorder);
        meter.category_totals([(Category::Photos, 2, 200), (Category::Contacts, 1, 10)]);
        meter.add_category_bytes(Category::Photos, 150);
        meter.add_category_item(Category::Photos);
        meter.flush();
        let seen = recorder.0.lock().unwrap();
        let last = seen.last().unwrap();
        assert_eq!((last.items_total, last.bytes_total, last.bytes_done), (3, 210, 150));
        let photos = last.categories.iter().find(|c| c.category == Category::Photos).unwrap();
        assert_eq!((photos.items_done, photos.bytes_done), (1, 150));
    }

    #[test]
    fn cancel_is_shared_between_clones() {
        let cancel = Cancel::new();
        let other = cancel.clone();
        other.cancel();
        assert!(cancel.is_cancelled());
    }
}

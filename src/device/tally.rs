//! Sinks shared by every device's survey: counting what a walk yields, and stopping a walk on Cancel.

use crate::data::{Category, CategorySet};
use crate::engine::Cancel;

use super::{CategorySummary, DeviceError, Entry, WalkSink};

/// Counts what a walk yields, per category.
pub(crate) struct Tally(pub(crate) Vec<CategorySummary>);

impl Tally {
    /// Empty counts for `categories`.
    pub(crate) fn new(categories: &CategorySet) -> Self {
        Self(
            categories
                .iter()
                .map(|category| CategorySummary { category, items: 0, bytes: 0, unavailable: None })
                .collect(),
        )
    }

    /// The summary of `category`, if it was asked for.
    pub(crate) fn get_mut(&mut self, category: Category) -> Option<&mut CategorySummary> {
        self.0.iter_mut().find(|s| s.category == category)
    }
}

impl WalkSink for Tally {
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
        if let Some(summary) = self.get_mut(entry.category) {
            summary.items += 1;
            summary.bytes += entry.size;
        }
        Ok(())
    }
    fn unavailable(&mut self, category: Category, reason: String) {
        if let Some(summary) = self.get_mut(category) {
            summary.unavailable = Some(reason);
        }
    }
    fn skipped(&mut self, _what: String, _reason: String) {}
}

/// Passes a walk on to `inner`, stopping it when `cancel` is flipped.
pub(crate) struct CancellableSink<'a> {
    pub(crate) inner: &'a mut dyn WalkSink,
    pub(crate) cancel: &'a Cancel,
}

impl WalkSink for CancellableSink<'_> {
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
        if self.cancel.is_cancelled() {
            return Err(DeviceError::Cancelled);
        }
        self.inner.entry(entry)
    }
    fn unavailable(&mut self, category: Category, reason: String) {
        self.inner.unavailable(category, reason);
    }
    fn skipped(&mut self, what: String, reason: String) {
        self.inner.skipped(what, reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ItemPath;
    use crate::device::{EntryKind, Meta};

    fn photo(size: u64) -> Entry {
        Entry {
            path: ItemPath::new("DCIM/a.jpg").expect("a valid path"),
            category: Category::Photos,
            kind: EntryKind::File,
            size,
            mtime_ns: None,
            mode: None,
            meta: Meta::new(),
        }
    }

    #[test]
    fn counts_only_the_categories_asked_for_and_keeps_the_reason_one_is_unavailable() {
        let mut tally = Tally::new(&CategorySet::from_iter([Category::Photos, Category::Calls]));
        tally.entry(photo(10)).expect("counted");
        tally.entry(photo(5)).expect("counted");
        tally.entry(Entry { category: Category::Contacts, ..photo(7) }).expect("ignored");
        tally.unavailable(Category::Calls, "refused".into());
        let photos = tally.0.iter().find(|s| s.category == Category::Photos).expect("photos");
        assert_eq!((photos.items, photos.bytes), (2, 15));
        let calls = tally.0.iter().find(|s| s.category == Category::Calls).expect("calls");
        assert_eq!(calls.unavailable.as_deref(), Some("refused"));
        assert!(tally.0.iter().all(|s| s.category != Category::Contacts));
    }

    #[test]
    fn a_cancelled_walk_stops_at_the_next_entry() {
        let mut tally = Tally::new(&CategorySet::from_iter([Category::Photos]));
        let cancel = Cancel::new();
        let mut sink = CancellableSink { inner: &mut tally, cancel: &cancel };
        sink.entry(photo(1)).expect("counted");
        cancel.cancel();
        assert!(matches!(sink.entry(photo(1)), Err(DeviceError::Cancelled)));
        assert_eq!(tally.0[0].items, 1);
    }
}

//! [`Collect`]: a [`WalkSink`] that keeps everything a device's walk reports, for tests that look at a walk
//! directly instead of through a backup.

use std::io::Read;

use lifeboat::data::{Category, CategorySet};
use lifeboat::device::{Device, DeviceError, Entry, WalkSink};

/// Everything one walk reported: the entries, the skipped items and the unavailable categories, in order.
#[derive(Debug, Default)]
pub struct Collect {
    pub entries: Vec<Entry>,
    pub skipped: Vec<(String, String)>,
    pub unavailable: Vec<(Category, String)>,
}

impl WalkSink for Collect {
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
        self.entries.push(entry);
        Ok(())
    }
    fn unavailable(&mut self, category: Category, reason: String) {
        self.unavailable.push((category, reason));
    }
    fn skipped(&mut self, what: String, reason: String) {
        self.skipped.push((what, reason));
    }
}

impl Collect {
    /// Walks `categories` of `device`, insisting the walk succeeds.
    pub fn walk(device: &dyn Device, categories: &CategorySet) -> Self {
        let mut collect = Collect::default();
        device.walk(categories, &mut collect).unwrap();
        collect
    }

    /// The entry at `path`; panics when the walk did not list it.
    pub fn find(&self, path: &str) -> &Entry {
        self.entries.iter().find(|e| e.path.as_str() == path).unwrap_or_else(|| panic!("{path} not walked"))
    }

    /// How many entries of `category` were listed.
    pub fn count(&self, category: Category) -> usize {
        self.entries.iter().filter(|e| e.category == category).count()
    }

    /// Why `category` was reported unavailable, if it was.
    pub fn reason(&self, category: Category) -> Option<&str> {
        self.unavailable.iter().find(|(c, _)| *c == category).map(|(_, r)| r.as_str())
    }

    /// The bytes of the entry at `path`, read from `device`; insists on the size the walk announced.
    pub fn read(&self, device: &dyn Device, path: &str) -> Vec<u8> {
        let entry = self.find(path);
        let mut bytes = Vec::new();
        device.open(entry).unwrap().read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes.len() as u64, entry.size, "{path} delivers the size it announced");
        bytes
    }
}

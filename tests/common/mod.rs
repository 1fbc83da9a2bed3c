//! Shared helpers for the data tests: where the real-world files are.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The peer-data folder: `$LIFEBOAT_PEER_DATA`, else `shared/peer-data` next to the crate (where CI has it).
pub fn peer_data() -> PathBuf {
    let root = std::env::var_os("LIFEBOAT_PEER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-data"));
    assert!(
        root.join("MANIFEST.tsv").is_file(),
        "peer data not found at {}; set LIFEBOAT_PEER_DATA to the folder holding MANIFEST.tsv",
        root.display()
    );
    root
}

/// A file inside peer-data.
pub fn peer_file(relative: &str) -> PathBuf {
    peer_data().join(relative)
}

/// Every file under `peer-data/<folder>` whose name ends in `.<extension>`, sorted.
pub fn files_with_extension(folder: &str, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![peer_data().join(folder)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension)) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

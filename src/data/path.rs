//! Item paths as stored in the vault: relative, `/`-separated, and checked so that no name coming from a
//! device or a file system can climb out of the place it is restored to.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a name cannot be used as an item path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Nothing to name.
    #[error("the name is empty")]
    Empty,
    /// `/etc/passwd` and friends.
    #[error("\"{0}\" is an absolute path; only names inside the backup are allowed")]
    Absolute(String),
    /// `..` or `.` as a component.
    #[error("\"{0}\" contains \"..\" or \".\", which could point outside the backup")]
    Traversal(String),
    /// `a//b` or a trailing slash.
    #[error("\"{0}\" has an empty component")]
    EmptyComponent(String),
    /// A NUL byte cannot be part of a file name anywhere.
    #[error("\"{0}\" contains a NUL byte")]
    Nul(String),
    /// File names longer than every common file system allows.
    #[error("a component of \"{0}\" is longer than 255 bytes")]
    TooLong(String),
}

/// A relative path of an item inside a snapshot, such as `DCIM/Camera/IMG_0001.jpg`.
///
/// Invariants: not empty, no leading `/`, no empty, `.` or `..` components, no NUL, every component at most 255
/// bytes. Backslashes are allowed because they are ordinary characters in Android and iOS file names; restoring
/// to a platform where they separate directories checks again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ItemPath(String);

impl ItemPath {
    /// Checks `path` and wraps it.
    pub fn new(path: impl Into<String>) -> Result<Self, PathError> {
        let path = path.into();
        if path.is_empty() {
            return Err(PathError::Empty);
        }
        if path.starts_with('/') {
            return Err(PathError::Absolute(path));
        }
        if path.contains('\0') {
            return Err(PathError::Nul(path.replace('\0', "\\0")));
        }
        for component in path.split('/') {
            match component {
                "" => return Err(PathError::EmptyComponent(path)),
                "." | ".." => return Err(PathError::Traversal(path)),
                c if c.len() > 255 => return Err(PathError::TooLong(path)),
                _ => {}
            }
        }
        Ok(Self(path))
    }

    /// Joins a checked `parent` and one more component.
    pub fn join(&self, name: &str) -> Result<Self, PathError> {
        if name.contains('/') {
            return Err(PathError::Traversal(format!("{}/{name}", self.0)));
        }
        Self::new(format!("{}/{name}", self.0))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The components, outermost first.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The last component.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The lower-cased extension of the last component, if it has one.
    pub fn extension(&self) -> Option<String> {
        let name = self.file_name();
        let (stem, ext) = name.rsplit_once('.')?;
        (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
    }
}

impl TryFrom<String> for ItemPath {
    type Error = PathError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<ItemPath> for String {
    fn from(value: ItemPath) -> Self {
        value.0
    }
}

impl fmt::Display for ItemPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_unicode_names() {
        let path = ItemPath::new("DCIM/Camera/Фото 01.JPG").unwrap();
        assert_eq!(path.file_name(), "Фото 01.JPG");
        assert_eq!(path.extension().as_deref(), Some("jpg"));
        assert_eq!(path.components().count(), 3);
        assert!(ItemPath::new("a\\b").is_ok(), "backslash is a plain character on phones");
    }

    #[test]
    fn refuses_names_that_escape() {
        assert!(matches!(ItemPath::new("../../x"), Err(PathError::Traversal(_))));
        assert!(matches!(ItemPath::new("a/./b"), Err(PathError::Traversal(_))));
        assert!(matches!(ItemPath::new("/etc/passwd"), Err(PathError::Absolute(_))));
        assert!(matches!(ItemPath::new("a//b"), Err(PathError::EmptyComponent(_))));
        assert!(matches!(ItemPath::new("a/"), Err(PathError::EmptyComponent(_))));
        assert!(matches!(ItemPath::new("a\0b"), Err(PathError::Nul(_))));
        assert!(matches!(ItemPath::new("x".repeat(256)), Err(PathError::TooLong(_))));
        assert!(ItemPath::new("a").unwrap().join("../b").is_err());
    }

    #[test]
    fn deserializing_checks_too() {
        assert!(serde_json::from_str::<ItemPath>("\"../x\"").is_err());
        assert!(serde_json::from_str::<ItemPath>("\"ok/x\"").is_ok());
    }
}

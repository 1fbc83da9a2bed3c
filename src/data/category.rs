//! The categories a person toggles before a backup: contacts, photos & videos, messages, call history,
//! settings, apps, and plain files for everything that fits none of them.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One kind of data on a device, chosen as a whole for backup and restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Address book entries (vCard on folders, the contacts provider on Android, AddressBook on iPhone).
    Contacts,
    /// Photos and videos: DCIM, Pictures, Movies and camera rolls.
    Photos,
    /// SMS, MMS and iMessage conversations with their attachments.
    Messages,
    /// Call history.
    Calls,
    /// System settings that can be carried to another phone.
    Settings,
    /// Installed applications (and optionally their packages).
    Apps,
    /// Every other file, kept as it is.
    Files,
}

impl Category {
    /// Every category, in the order the app shows them.
    pub const ALL: [Category; 7] = [
        Category::Contacts,
        Category::Photos,
        Category::Messages,
        Category::Calls,
        Category::Settings,
        Category::Apps,
        Category::Files,
    ];

    /// The stable name used on the command line, in JSON and inside the vault.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Contacts => "contacts",
            Category::Photos => "photos",
            Category::Messages => "messages",
            Category::Calls => "calls",
            Category::Settings => "settings",
            Category::Apps => "apps",
            Category::Files => "files",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A category name that Lifeboat does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a category; use contacts, photos, messages, calls, settings, apps or files")]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Accept the names people actually type, not only the canonical ones.
        match s.trim().to_ascii_lowercase().as_str() {
            "contacts" | "contact" | "vcard" => Ok(Category::Contacts),
            "photos" | "photo" | "videos" | "media" | "dcim" | "pictures" => Ok(Category::Photos),
            "messages" | "message" | "sms" | "mms" => Ok(Category::Messages),
            "calls" | "call-history" | "call-log" | "calllog" => Ok(Category::Calls),
            "settings" | "setting" => Ok(Category::Settings),
            "apps" | "app" | "applications" | "packages" => Ok(Category::Apps),
            "files" | "file" | "other" => Ok(Category::Files),
            _ => Err(UnknownCategory(s.to_string())),
        }
    }
}

/// A set of categories; empty means "nothing", [`CategorySet::all`] means everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CategorySet(BTreeSet<Category>);

impl CategorySet {
    /// Every category.
    pub fn all() -> Self {
        Self(Category::ALL.into_iter().collect())
    }

    /// No category.
    pub fn none() -> Self {
        Self(BTreeSet::new())
    }

    /// Whether `category` is chosen.
    pub fn contains(&self, category: Category) -> bool {
        self.0.contains(&category)
    }

    /// Chooses `category`.
    pub fn insert(&mut self, category: Category) {
        self.0.insert(category);
    }

    /// Leaves `category` out.
    pub fn remove(&mut self, category: Category) {
        self.0.remove(&category);
    }

    /// The chosen categories in display order.
    pub fn iter(&self) -> impl Iterator<Item = Category> + '_ {
        self.0.iter().copied()
    }

    /// Whether nothing is chosen.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses a comma-separated list such as `photos,contacts`.
    pub fn parse_list(list: &str) -> Result<Self, UnknownCategory> {
        list.split(',').filter(|part| !part.trim().is_empty()).map(Category::from_str).collect()
    }
}

impl FromIterator<Category> for CategorySet {
    fn from_iter<T: IntoIterator<Item = Category>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl fmt::Display for CategorySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Category::as_str).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_synonyms_and_lists() {
        assert_eq!("DCIM".parse::<Category>(), Ok(Category::Photos));
        assert_eq!("call-log".parse::<Category>(), Ok(Category::Calls));
        let set = CategorySet::parse_list("photos, contacts,").unwrap();
        assert_eq!(set.to_string(), "contacts,photos");
        assert!("selfies".parse::<Category>().is_err());
    }

    #[test]
    fn serializes_as_kebab_names() {
        let json = serde_json::to_string(&CategorySet::all()).unwrap();
        assert_eq!(json, r#"["contacts","photos","messages","calls","settings","apps","files"]"#);
    }
}

//! Reading one snapshot for the browser, on a job thread: its catalog, its record documents (contacts,
//! messages, calls, settings, apps) and the list of its pictures. Everything is read once and shared
//! (`Arc`) with the tabs, the exports and the thumbnail workers.

use std::io::Read;
use std::sync::Arc;

use iced::widget::image::Handle;

use crate::data::documents::{document_path, read_document};
use crate::data::vcard::parse_vcards;
use crate::data::{
    App, CallEntry, Category, Contact, PhotoContent, Setting, Thread, group_into_threads, normalize_address,
};
use crate::gui::jobs::SharedVault;
use crate::gui::screen::browse::photos::PhotoItem;
use crate::gui::thumbnails::key_of;
use crate::vault::{BlobReader, Index, Node, Snapshot};

/// A snapshot, read.
#[derive(Debug)]
pub struct Loaded {
    /// The snapshot.
    pub snapshot: Snapshot,
    /// The vault's index when it was read (for reading content later).
    pub index: Arc<Index>,
    /// Every item.
    pub nodes: Vec<Node>,
    /// Pictures and videos, newest first.
    pub photos: Vec<PhotoItem>,
    /// Contacts, by name.
    pub contacts: Vec<Contact>,
    /// Each contact's first inline photo, decoded lazily by the renderer.
    pub contact_photos: Vec<Option<Handle>>,
    /// Conversations, newest first.
    pub threads: Vec<Thread>,
    /// Calls, newest first.
    pub calls: Vec<CallEntry>,
    /// Settings.
    pub settings: Vec<Setting>,
    /// Apps, by name.
    pub apps: Vec<App>,
    /// Plain files (the "files" category).
    pub files: Vec<usize>,
    /// Documents that could not be read, as sentences.
    pub problems: Vec<String>,
}

impl Loaded {
    /// The node at `path`.
    pub fn node(&self, path: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.entry.path.as_str() == path)
    }
}

const PICTURE_EXTENSIONS: [&str; 9] = ["jpg", "jpeg", "png", "heic", "heif", "webp", "gif", "dng", "avif"];
const VIDEO_EXTENSIONS: [&str; 6] = ["mp4", "mov", "m4v", "3gp", "mkv", "webm"];

fn read_all(blobs: &BlobReader<'_>, node: &Node) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(node.entry.size as usize);
    let mut content = blobs.content(&node.chunks);
    content.read_to_end(&mut bytes).map_err(|e| match content.take_failure() {
        Some(vault) => vault.to_string(),
        None => e.to_string(),
    })?;
    Ok(bytes)
}

fn records<T: serde::de::DeserializeOwned>(
    blobs: &BlobReader<'_>,
    nodes: &[Node],
    category: Category,
    problems: &mut Vec<String>,
) -> Vec<T> {
    let Some(path) = document_path(category) else { return Vec::new() };
    // The document is found by its path whatever category the device filed it under: a folder device files
    // every JSON Lines document as a plain file.
    let Some(node) = nodes.iter().find(|n| n.entry.path.as_str() == path) else { return Vec::new() };
    let bytes = match read_all(blobs, node) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(format!("{path}: {e}"));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for record in read_document::<T, _>(bytes.as_slice()) {
        match record {
            Ok(record) => out.push(record),
            Err(e) => problems.push(format!("{path}: {e}")),
        }
    }
    out
}

/// Gives a conversation the phone stored without a name (Android keeps only numbers with messages) the name
/// of the backup's contact with that number, as the phone's own Messages app shows it.
fn name_threads(threads: &mut [Thread], contacts: &[Contact]) {
    use std::collections::HashMap;
    let mut names: HashMap<String, String> = HashMap::new();
    for contact in contacts {
        for phone in &contact.phones {
            names.entry(normalize_address(&phone.number)).or_insert_with(|| contact.display_name());
        }
        for email in &contact.emails {
            names.entry(normalize_address(&email.address)).or_insert_with(|| contact.display_name());
        }
    }
    for thread in threads.iter_mut().filter(|t| t.contact_name.is_none()) {
        let found: Vec<&String> =
            thread.participants.iter().filter_map(|p| names.get(&normalize_address(p))).collect();
        // A group is named only when every member is known; one unknown number stays a number.
        if !found.is_empty() && found.len() == thread.participants.len() {
            thread.contact_name = Some(found.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", "));
        }
    }
}

/// The pictures and videos among a snapshot's items, newest first.
pub fn photo_items(nodes: &[Node]) -> Vec<PhotoItem> {
    let mut photos: Vec<PhotoItem> = nodes
        .iter()
        .filter(|n| n.entry.is_file() && n.entry.category == Category::Photos)
        .filter_map(|n| {
            let extension = n.entry.path.extension().unwrap_or_default();
            let video = VIDEO_EXTENSIONS.contains(&extension.as_str());
            (video || PICTURE_EXTENSIONS.contains(&extension.as_str())).then(|| PhotoItem {
                key: key_of(&n.chunks),
                path: n.entry.path.to_string(),
                size: n.entry.size,
                mtime_ns: n.entry.mtime_ns,
                chunks: n.chunks.clone(),
                video,
            })
        })
        .collect();
    photos.sort_by(|a, b| b.mtime_ns.cmp(&a.mtime_ns).then_with(|| a.path.cmp(&b.path)));
    photos
}

/// Reads `snapshot` for browsing.
pub fn load(vault: &SharedVault, snapshot: Snapshot) -> Result<Loaded, String> {
    let index = Arc::new(vault.load_index().map_err(|e| e.to_string())?);
    let blobs = vault.blobs(&index);
    let nodes = vault.catalog(&snapshot, &blobs).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();

    let photos = photo_items(&nodes);

    let mut contacts: Vec<Contact> = records(&blobs, &nodes, Category::Contacts, &mut problems);
    for node in nodes.iter().filter(|n| {
        n.entry.is_file()
            && n.entry.category == Category::Contacts
            && n.entry.path.extension().as_deref() == Some("vcf")
    }) {
        match read_all(&blobs, node).and_then(|bytes| parse_vcards(&bytes).map_err(|e| e.to_string())) {
            Ok(import) => contacts.extend(import.contacts),
            Err(e) => problems.push(format!("{}: {e}", node.entry.path)),
        }
    }
    contacts.sort_by_key(|c| c.display_name().to_lowercase());
    let contact_photos = contacts
        .iter()
        .map(|c| {
            c.photos.iter().find_map(|p| match &p.content {
                PhotoContent::Inline { bytes, .. } => Some(Handle::from_bytes(bytes.clone())),
                PhotoContent::Uri(_) => None,
            })
        })
        .collect();

    let messages = records(&blobs, &nodes, Category::Messages, &mut problems);
    let mut threads = group_into_threads(messages);
    name_threads(&mut threads, &contacts);
    let mut calls: Vec<CallEntry> = records(&blobs, &nodes, Category::Calls, &mut problems);
    calls.sort_by_key(|c| std::cmp::Reverse(c.date));
    let settings = records(&blobs, &nodes, Category::Settings, &mut problems);
    let mut apps: Vec<App> = records(&blobs, &nodes, Category::Apps, &mut problems);
    apps.sort_by_key(|a| a.name.clone().unwrap_or_else(|| a.id.clone()).to_lowercase());
    let documents: Vec<&str> = Category::ALL.iter().filter_map(|c| document_path(*c)).collect();
    let files = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.entry.is_file()
                && n.entry.category == Category::Files
                && !documents.contains(&n.entry.path.as_str())
        })
        .map(|(i, _)| i)
        .collect();
    drop(blobs);
    Ok(Loaded {
        snapshot,
        index,
        nodes,
        photos,
        contacts,
        contact_photos,
        threads,
        calls,
        settings,
        apps,
        files,
        problems,
    })
}

/// Reads one item's bytes (a picture for the viewer, an MMS attachment).
pub fn read_item(vault: &SharedVault, index: &Index, node: &Node) -> Result<Vec<u8>, String> {
    read_all(&vault.blobs(index), node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversations_without_a_name_take_the_contacts_name() {
        let ada = Contact {
            formatted_name: Some("Ada Okafor".into()),
            phones: vec![crate::data::Phone {
                number: "+44 7700 900123".into(),
                meta: crate::data::FieldMeta::default(),
            }],
            ..Contact::default()
        };
        let thread = |participants: &[&str]| Thread {
            key: participants.join(","),
            participants: participants.iter().map(|p| p.to_string()).collect(),
            contact_name: None,
            messages: Vec::new(),
        };
        let mut threads = vec![thread(&["+447700900123"]), thread(&["+44 7700 900123", "+1 555 0100"])];
        name_threads(&mut threads, &[ada]);
        assert_eq!(threads[0].contact_name.as_deref(), Some("Ada Okafor"));
        assert_eq!(threads[1].contact_name, None, "a group with an unknown member keeps its numbers");
    }
}

//! The fidelity matrix: for every kind of source, kind of target and category, what can happen to the records.
//! Each cell is computed by running the rules of `fidelity.rs` (the ones [`super::plan`] uses) on the kinds of
//! record such a source holds, so the matrix cannot drift from the code; `docs/fidelity.md` prints it, and the
//! test below checks the document cell by cell.

use crate::data::{Category, Message, MessageFolder, MessageKind, Setting};

use super::fidelity::{
    Platform, Reason, Target, Transfer, category_rule, file_rule, message_rule, photo_rule, setting_rule,
};

/// The kinds of target the matrix has a table for, with the title of that table in `docs/fidelity.md`.
pub const TARGETS: [(&str, Target); 6] = [
    ("Onto Android 9 and later", Target { platform: Platform::Android, shows_heic: true }),
    ("Onto Android 8 and earlier", Target { platform: Platform::Android, shows_heic: false }),
    ("Onto an iPhone", Target { platform: Platform::Ios, shows_heic: true }),
    ("Onto a Windows Phone", Target { platform: Platform::WindowsPhone, shows_heic: false }),
    ("Onto a camera", Target { platform: Platform::Camera, shows_heic: false }),
    ("Into a folder", Target { platform: Platform::Files, shows_heic: true }),
];

/// The column titles of the sources, in [`Platform::ALL`] order.
pub const SOURCE_TITLES: [&str; 5] =
    ["from Android", "from an iPhone", "from a Windows Phone", "from a camera", "from a folder"];

/// What can happen to one category's records from one kind of source on one kind of target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    /// Some records transfer as they are.
    pub as_is: bool,
    /// Some are converted, for these reasons.
    pub converted: Vec<Reason>,
    /// Some transfer unchanged although the target may not show them, for these reasons.
    pub kept: Vec<Reason>,
    /// Some cannot transfer, for these reasons.
    pub impossible: Vec<Reason>,
}

impl Cell {
    fn add(&mut self, transfer: Transfer) {
        let push = |list: &mut Vec<Reason>, reason| {
            if !list.contains(&reason) {
                list.push(reason);
            }
        };
        match transfer {
            Transfer::AsIs => self.as_is = true,
            Transfer::Kept(reason) => push(&mut self.kept, reason),
            Transfer::Converted(reason) => push(&mut self.converted, reason),
            Transfer::Impossible(reason) => push(&mut self.impossible, reason),
        }
    }

    /// The cell as `docs/fidelity.md` writes it: `as is`, `converted: heic-to-jpeg`, `cannot: apps-reinstall`,
    /// joined by `; `, or `—` when such a source never holds such records.
    pub fn render(&self) -> String {
        let codes = |reasons: &[Reason]| reasons.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ");
        let mut parts = Vec::new();
        if self.as_is {
            parts.push("as is".to_string());
        }
        for (word, reasons) in
            [("converted", &self.converted), ("kept", &self.kept), ("cannot", &self.impossible)]
        {
            if !reasons.is_empty() {
                parts.push(format!("{word}: {}", codes(reasons)));
            }
        }
        if parts.is_empty() { "—".to_string() } else { parts.join("; ") }
    }
}

/// A kind of record a source holds, to run the rules on.
enum Sample {
    /// A record whose rule is its category's.
    Record,
    /// A message.
    Message(Box<Message>),
    /// A setting.
    Setting(Setting),
    /// A photo or video at this path.
    Photo(&'static str),
    /// A file at this path.
    File(&'static str),
}

fn message(origin: Option<&str>) -> Sample {
    Sample::Message(Box::new(Message {
        kind: MessageKind::Sms,
        folder: MessageFolder::Inbox,
        thread_id: None,
        conversation: vec!["+15550100".into()],
        addresses: Vec::new(),
        date: 0,
        date_sent: None,
        read: true,
        seen: None,
        status: None,
        locked: false,
        subject: None,
        body: Some("hello".into()),
        parts: Vec::new(),
        contact_name: None,
        subscription_id: None,
        origin: origin.map(Into::into),
        lost: Vec::new(),
        extra: Vec::new(),
        raw: None,
    }))
}

/// What a source of each kind holds of a category, as Lifeboat reads it: live Android phones and their
/// imports hold everything; iPhone backups give contacts, messages (SMS and iMessage), calls, photos and their
/// own files (not settings or apps yet); Windows Phones and folders give files and photos (folders also
/// contacts, as .vcf files and vCard imports); cameras only photos.
fn samples(source: Platform, category: Category) -> Vec<Sample> {
    use Platform::*;
    match (category, source) {
        (Category::Photos, _) => {
            vec![Sample::Photo("DCIM/IMG_0001.JPG"), Sample::Photo("DCIM/IMG_0002.HEIC")]
        }
        (Category::Contacts, Android | Ios | Files) => vec![Sample::Record],
        (Category::Messages, Android) => vec![message(None)],
        (Category::Messages, Ios) => vec![message(None), message(Some("imessage"))],
        (Category::Calls, Android | Ios) => vec![Sample::Record],
        (Category::Settings, Android) => vec![
            Sample::Setting(Setting::android("system", "screen_off_timeout", Some("60000".into()))),
            Sample::Setting(Setting::android("secure", "android_id", Some("0123".into()))),
        ],
        (Category::Apps, Android) => vec![Sample::Record],
        (Category::Files, Android) => vec![Sample::File("Download/a.pdf"), Sample::File("Raw/adb-backup/x")],
        (Category::Files, Ios) => vec![Sample::File("Raw/iphone-backup/Manifest.db")],
        (Category::Files, WindowsPhone | Files) => vec![Sample::File("Documents/a.pdf")],
        _ => Vec::new(),
    }
}

/// One cell of the matrix.
pub fn matrix_cell(source: Platform, target: Target, category: Category) -> Cell {
    let mut cell = Cell::default();
    for sample in samples(source, category) {
        cell.add(match &sample {
            Sample::Record => category_rule(category, target.platform),
            Sample::Message(m) => message_rule(m, target.platform),
            Sample::Setting(s) => setting_rule(s, source, target.platform),
            Sample::Photo(path) => photo_rule(path, target),
            Sample::File(path) => file_rule(path, target.platform),
        });
    }
    cell
}

/// The matrix as the Markdown tables of `docs/fidelity.md`.
pub fn matrix_markdown() -> String {
    let mut out = String::new();
    for (title, target) in TARGETS {
        out.push_str(&format!("### {title}\n\n| category | {} |\n|---|", SOURCE_TITLES.join(" | ")));
        out.push_str(&"---|".repeat(SOURCE_TITLES.len()));
        out.push('\n');
        for category in Category::ALL {
            let cells: Vec<String> =
                Platform::ALL.iter().map(|source| matrix_cell(*source, target, category).render()).collect();
            out.push_str(&format!("| {} | {} |\n", category.as_str(), cells.join(" | ")));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables of `docs/fidelity.md`, cell by cell: `(table title, category, source column) → text`.
    fn documented() -> Vec<(String, String, usize, String)> {
        let text = include_str!("../../docs/fidelity.md");
        let mut cells = Vec::new();
        let mut title = None;
        for line in text.lines() {
            if let Some(heading) = line.strip_prefix("### ") {
                title = Some(heading.trim().to_string());
                continue;
            }
            if line.starts_with("## ") {
                title = None;
                continue;
            }
            let Some(title) = &title else { continue };
            let Some(row) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) else { continue };
            let columns: Vec<&str> = row.split('|').map(str::trim).collect();
            if columns[0] == "category" || columns[0].starts_with("---") {
                continue;
            }
            for (index, cell) in columns[1..].iter().enumerate() {
                cells.push((title.clone(), columns[0].to_string(), index, cell.to_string()));
            }
        }
        cells
    }

    #[cfg(feature = "heic")]
    #[test]
    fn the_documented_matrix_is_the_code() {
        let documented = documented();
        let mut walked = 0;
        for (title, target) in TARGETS {
            for category in Category::ALL {
                for (index, source) in Platform::ALL.iter().enumerate() {
                    let expected = matrix_cell(*source, target, category).render();
                    let found = documented
                        .iter()
                        .find(|(t, c, i, _)| t == title && c == category.as_str() && *i == index)
                        .map(|(_, _, _, text)| text.as_str());
                    assert_eq!(
                        found,
                        Some(expected.as_str()),
                        "docs/fidelity.md, \"{title}\", {category}, {}; the tables should read:\n\n{}",
                        SOURCE_TITLES[index],
                        matrix_markdown()
                    );
                    walked += 1;
                }
            }
        }
        assert_eq!(walked, TARGETS.len() * Category::ALL.len() * Platform::ALL.len());
        assert_eq!(documented.len(), walked, "docs/fidelity.md has cells the code does not know");
    }

    #[test]
    fn every_reason_is_explained_in_the_document() {
        let text = include_str!("../../docs/fidelity.md");
        for reason in Reason::ALL {
            assert!(text.contains(&format!("| `{}` |", reason.code())), "{} is not explained", reason.code());
        }
    }

    #[test]
    fn cells_say_what_the_rules_say() {
        let old_android = TARGETS[1].1;
        let photos = matrix_cell(Platform::Ios, old_android, Category::Photos);
        assert!(photos.as_is, "JPEG photos go as they are");
        assert_eq!(
            photos.converted.len() + photos.kept.len(),
            1,
            "HEIC photos are converted or kept: {photos:?}"
        );
        let messages = matrix_cell(Platform::Ios, TARGETS[0].1, Category::Messages);
        assert_eq!(messages.render(), "as is; converted: imessage-flattened");
        assert_eq!(
            matrix_cell(Platform::Android, TARGETS[2].1, Category::Messages).render(),
            "cannot: iphone-needs-full-restore"
        );
        assert_eq!(matrix_cell(Platform::Camera, TARGETS[0].1, Category::Contacts).render(), "—");
        assert_eq!(matrix_cell(Platform::Android, TARGETS[5].1, Category::Apps).render(), "as is");
    }
}

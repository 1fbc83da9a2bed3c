//! Reading records from an Android phone: contacts (with photos), SMS and MMS (attachments streamed into a
//! spill folder), the call log, settings and the app list. The walk turns them into record documents; the
//! restorer reads the phone's own records to avoid duplicates.

use std::fs::File;
use std::io;
use std::path::PathBuf;

use crate::data::documents::{ATTACHMENTS_DIR, PACKAGES_DIR};
use crate::data::{
    App, AppPackage, AppPlatform, Contact, ItemPath, MessagePart, PackageFormat, PartContent, RawFormat,
    RawSource, Setting,
};

use super::content::{ContentRow, QueryError};
use super::device::{AndroidDevice, safe_name};
use super::merge::PhoneContact;
use super::records::{self, group_by};
use super::shell::command_line;
use super::sync::RemoteStat;

/// Attachments copied during a walk: item path, size, local copy.
pub(super) type Spilled = Vec<(ItemPath, u64, PathBuf)>;
/// APK files of apps: item path, phone path, stat.
pub(super) type PackageFiles = Vec<(ItemPath, String, RemoteStat)>;

impl AndroidDevice {
    /// Reads every contact (with photos when `photos`); data rows of contacts that do not exist are reported.
    pub(super) fn read_contacts(
        &self,
        photos: bool,
        skipped: &mut dyn FnMut(String, String),
    ) -> Result<Vec<Contact>, QueryError> {
        Ok(self.read_phone_contacts(photos, skipped)?.into_iter().map(|c| c.contact).collect())
    }

    /// Reads every contact with its raw contact id, so a restore can add to it.
    pub(super) fn read_phone_contacts(
        &self,
        photos: bool,
        skipped: &mut dyn FnMut(String, String),
    ) -> Result<Vec<PhoneContact>, QueryError> {
        let raws = self.connection().query(
            "content://com.android.contacts/raw_contacts",
            &records::RAW_CONTACT_COLUMNS,
            Some("deleted=0"),
        )?;
        let data =
            self.connection().query("content://com.android.contacts/data", &records::DATA_COLUMNS, None)?;
        let mut by_contact = group_by(data, "raw_contact_id");
        let mut contacts = Vec::with_capacity(raws.len());
        for raw in &raws {
            let id = raw.int("_id").unwrap_or(-1);
            let rows = by_contact.remove(&id).unwrap_or_default();
            let has_photo = rows
                .iter()
                .any(|r| r.get("mimetype") == Some(records::mime::PHOTO) && r.get("data15").is_some());
            let mut photo = |row: &ContentRow| -> Option<Vec<u8>> {
                if !photos || row.get("data15") != Some("BLOB") {
                    return None;
                }
                let uri = format!("content://com.android.contacts/raw_contacts/{id}/display_photo");
                let output =
                    self.connection().shell(&command_line(&["content", "read", "--uri", &uri])).ok()?;
                (output.stderr.is_empty() && !output.stdout.is_empty()).then_some(output.stdout)
            };
            let contact = records::contact_from_rows(raw, &rows, &mut photo);
            contacts.push(PhoneContact { raw_id: id, has_photo, contact });
        }
        for (orphan, rows) in by_contact {
            skipped(
                format!("contact data of raw contact {orphan}"),
                format!("{} rows belong to no contact", rows.len()),
            );
        }
        Ok(contacts)
    }

    /// Reads every SMS and MMS. Attachments are copied into the spill folder when `spill` is given
    /// (their item paths are returned with their sizes).
    pub(super) fn read_messages(
        &self,
        spill: Option<&std::path::Path>,
        skipped: &mut dyn FnMut(String, String),
    ) -> Result<(Vec<crate::data::Message>, Spilled), QueryError> {
        let mut messages: Vec<crate::data::Message> = self
            .connection()
            .query("content://sms", &records::SMS_COLUMNS, None)?
            .iter()
            .map(records::sms_from_row)
            .collect();
        let mut attachments = Vec::new();
        let pdus = match self.connection().query("content://mms", &records::MMS_COLUMNS, None) {
            Ok(pdus) => pdus,
            Err(QueryError::Refused(reason)) => {
                skipped("MMS".into(), format!("the phone refused to list multimedia messages: {reason}"));
                return Ok((messages, attachments));
            }
            Err(other) => return Err(other),
        };
        let parts = self.connection().query("content://mms/part", &records::PART_COLUMNS, None)?;
        let mut parts_by_message = group_by(parts, "mid");
        for pdu in &pdus {
            let id = pdu.int("_id").unwrap_or(-1);
            let addresses =
                self.connection().query(&format!("content://mms/{id}/addr"), &records::ADDR_COLUMNS, None)?;
            let mut message_parts = Vec::new();
            let mut raw_parts = Vec::new();
            for part in parts_by_message.remove(&id).unwrap_or_default() {
                raw_parts.push(part.to_json());
                let part_id = part.int("_id").unwrap_or(-1);
                let content_type = part.get("ct").unwrap_or("application/octet-stream").to_string();
                let content = if let Some(text) = part.get("text") {
                    PartContent::Text(text.to_string())
                } else if part.get("_data").is_some() {
                    let name = part.get("cl").or(part.get("name")).or(part.get("fn")).unwrap_or("part");
                    let path = format!("{ATTACHMENTS_DIR}/{id}/{part_id}-{}", safe_name(name));
                    match spill {
                        None => PartContent::Reference(path),
                        Some(dir) => match self.copy_part(part_id, dir) {
                            Ok((local, size)) => {
                                if let Ok(item) = ItemPath::new(path.clone()) {
                                    attachments.push((item, size, local));
                                }
                                PartContent::Reference(path)
                            }
                            Err(QueryError::Refused(reason)) => {
                                skipped(path, format!("the phone would not give this attachment: {reason}"));
                                PartContent::Empty
                            }
                            Err(other) => return Err(other),
                        },
                    }
                } else {
                    PartContent::Empty
                };
                message_parts.push(MessagePart {
                    content_type,
                    name: part.get("name").or(part.get("fn")).map(str::to_string),
                    charset: part.get("chset").map(str::to_string),
                    content_id: part.get("cid").map(str::to_string),
                    content_location: part.get("cl").map(str::to_string),
                    content,
                    extra: ["seq", "cd", "fn", "ctt_s", "ctt_t"]
                        .iter()
                        .filter_map(|c| part.get(c).map(|v| (c.to_string(), v.to_string())))
                        .collect(),
                });
            }
            messages.push(records::mms_from_rows(pdu, &addresses, message_parts, raw_parts));
        }
        for (orphan, rows) in parts_by_message {
            skipped(
                format!("MMS parts of message {orphan}"),
                format!("{} parts belong to no message", rows.len()),
            );
        }
        Ok((messages, attachments))
    }

    /// Streams one MMS part into the spill folder.
    fn copy_part(&self, part_id: i64, dir: &std::path::Path) -> Result<(PathBuf, u64), QueryError> {
        let uri = format!("content://mms/part/{part_id}");
        let mut reader =
            self.connection().shell_reader(&command_line(&["content", "read", "--uri", &uri]))?;
        let local = dir.join(format!("part-{part_id}"));
        let mut file = File::create(&local)
            .map_err(|e| QueryError::Refused(format!("cannot write the spill file: {e}")))?;
        let size =
            io::copy(&mut reader, &mut file).map_err(|e| QueryError::Adb(self.connection().io_failure(e)))?;
        let stderr = String::from_utf8_lossy(reader.stderr()).trim().to_string();
        if !stderr.is_empty() {
            let _ = std::fs::remove_file(&local);
            let message = stderr
                .lines()
                .find(|l| !l.starts_with("Error while") && !l.starts_with('\t'))
                .unwrap_or(&stderr);
            return Err(QueryError::Refused(message.to_string()));
        }
        Ok((local, size))
    }

    /// Reads the call log.
    pub(super) fn read_calls(&self) -> Result<Vec<crate::data::CallEntry>, QueryError> {
        Ok(self
            .connection()
            .query("content://call_log/calls", &records::CALL_COLUMNS, None)?
            .iter()
            .map(records::call_from_row)
            .collect())
    }

    /// Reads the three settings namespaces from the settings provider (one row per setting, so a value with a
    /// line break stays whole, which `settings list` cannot promise), falling back to `settings list`.
    pub(super) fn read_settings(&self) -> Result<Vec<Setting>, QueryError> {
        let mut settings = Vec::new();
        for namespace in ["system", "secure", "global"] {
            match self.connection().query(
                &format!("content://settings/{namespace}"),
                &["name", "value"],
                None,
            ) {
                Ok(rows) => {
                    for row in rows {
                        let Some(name) = row.get("name") else { continue };
                        let mut setting =
                            Setting::android(namespace, name, row.get("value").map(str::to_string));
                        setting.raw = Some(RawSource::from_text(
                            RawFormat::Other("android-settings-provider".into()),
                            row.to_json().to_string(),
                        ));
                        settings.push(setting);
                    }
                }
                Err(QueryError::Refused(_)) => {
                    let text = self.connection().run(&format!("settings list {namespace}"))?;
                    for line in text.lines() {
                        let Some((name, value)) = line.split_once('=') else { continue };
                        let value = (value != "null").then(|| value.to_string());
                        settings.push(Setting::android(namespace, name, value));
                    }
                }
                Err(other) => return Err(other),
            }
        }
        Ok(settings)
    }

    /// Lists third-party apps with their versions; with `apks`, also their package files (phone path, size).
    pub(super) fn read_apps(&self, apks: bool) -> Result<(Vec<App>, PackageFiles), QueryError> {
        let listing = self.connection().run("pm list packages -3 -f --show-versioncode")?;
        let mut apps = Vec::new();
        let mut files = Vec::new();
        for line in listing.lines() {
            let Some(rest) = line.trim().strip_prefix("package:") else { continue };
            let (rest, code) = match rest.rsplit_once(" versionCode:") {
                Some((rest, code)) => (rest, code.trim().parse::<i64>().ok()),
                None => (rest, None),
            };
            // `-f` prints `path=name`; paths may hold '=', package names never do.
            let (_, id) = rest.rsplit_once('=').unwrap_or(("", rest));
            if id.is_empty() {
                continue;
            }
            let dump = self.connection().run(&command_line(&["dumpsys", "package", id])).unwrap_or_default();
            let field = |key: &str| {
                dump.lines().find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
            };
            let mut app = App {
                platform: AppPlatform::Android,
                id: id.to_string(),
                name: None,
                version_name: field("versionName="),
                version_code: code,
                installer: field("installerPackageName=").filter(|i| i != "null"),
                system: false,
                package: None,
                raw: Some(RawSource::from_text(RawFormat::Other("android-pm-list".into()), line.to_string())),
            };
            if apks {
                let paths = self.connection().run(&command_line(&["pm", "path", id])).unwrap_or_default();
                let mut sync = self.connection().sync()?;
                let mut package_files = Vec::new();
                let mut size = 0;
                for phone_path in paths.lines().filter_map(|l| l.trim().strip_prefix("package:")) {
                    let file_name = phone_path.rsplit('/').next().unwrap_or("base.apk");
                    let Some(stat) = sync.stat(phone_path.as_bytes())? else { continue };
                    let Ok(item) =
                        ItemPath::new(format!("{PACKAGES_DIR}/{}/{}", safe_name(id), safe_name(file_name)))
                    else {
                        continue;
                    };
                    size += stat.size;
                    package_files.push(item.to_string());
                    files.push((item, phone_path.to_string(), stat));
                }
                sync.quit();
                if !package_files.is_empty() {
                    let format =
                        if package_files.len() > 1 { PackageFormat::SplitApks } else { PackageFormat::Apk };
                    app.package = Some(AppPackage { format, size, files: package_files });
                }
            }
            apps.push(app);
        }
        Ok((apps, files))
    }
}

//! Tests of the content providers on fresh databases.

use super::*;

fn providers() -> (tempfile::TempDir, Providers) {
    let dir = tempfile::tempdir().unwrap();
    let providers = Providers::open(dir.path(), dir.path().join("fs")).unwrap();
    (dir, providers)
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

fn sms(address: &str, body: &str, date: i64) -> Vec<(String, Value)> {
    vec![
        ("address".into(), text(address)),
        ("body".into(), text(body)),
        ("date".into(), Value::Integer(date)),
        ("type".into(), Value::Integer(1)),
    ]
}

#[test]
fn sms_inserts_find_or_create_threads_and_respect_the_app_op() {
    let (_dir, providers) = providers();
    assert_eq!(providers.insert("content://sms", &sms("+1", "ignored", 5), false).unwrap(), None);
    let uri = providers.insert("content://sms", &sms("+1", "first", 10), true).unwrap();
    assert_eq!(uri.as_deref(), Some("content://sms/1"));
    providers.insert("content://sms/sent", &sms("+1", "second", 20)[..3], true).unwrap();
    providers.insert("content://sms", &sms("+2", "other", 30), true).unwrap();
    let rows = providers
        .query("content://sms", Some(&["thread_id".into(), "type".into()]), None, Some("_id"))
        .unwrap();
    assert_eq!(
        rows.rows,
        vec![
            vec![Value::Integer(1), Value::Integer(1)],
            vec![Value::Integer(1), Value::Integer(2)],
            vec![Value::Integer(2), Value::Integer(1)]
        ],
        "content://sms/sent implies type 2; one thread per address"
    );
    let threads = providers
        .query(
            "content://mms-sms/conversations",
            Some(&["message_count".into(), "snippet".into()]),
            None,
            Some("_id"),
        )
        .unwrap();
    assert_eq!(threads.rows[0], vec![Value::Integer(2), text("second")]);
    assert_eq!(providers.delete("content://sms", Some("address = '+1'"), true).unwrap(), 2);
    let threads = providers
        .query("content://mms-sms/conversations", Some(&["message_count".into()]), None, Some("_id"))
        .unwrap();
    assert_eq!(threads.rows[0], vec![Value::Integer(0)]);
}

#[test]
fn uris_filter_and_where_and_sort_combine() {
    let (_dir, providers) = providers();
    for (i, body) in ["a", "b", "c"].iter().enumerate() {
        providers.insert("content://sms", &sms("+1", body, i as i64), true).unwrap();
    }
    let one = providers.query("content://sms/2", Some(&["body".into()]), None, None).unwrap();
    assert_eq!(one.rows, vec![vec![text("b")]]);
    let some = providers
        .query("content://sms/inbox", Some(&["body".into()]), Some("body != 'b'"), Some("date DESC"))
        .unwrap();
    assert_eq!(some.rows, vec![vec![text("c")], vec![text("a")]]);
    assert!(matches!(
        providers.query("content://sms", None, Some("body ==="), None),
        Err(ProviderError::Sql(_))
    ));
    assert!(matches!(
        providers.query("content://sms", None, Some("1); DROP TABLE sms; --"), None),
        Err(ProviderError::Sql(_))
    ));
    assert_eq!(
        providers.query("content://sms", None, None, None).unwrap().rows.len(),
        3,
        "the table survived"
    );
    assert!(matches!(
        providers.query("content://nope/x", None, None, None),
        Err(ProviderError::NoProvider(_))
    ));
    assert!(matches!(
        providers.query("content://sms/zebra", None, None, None),
        Err(ProviderError::UnknownUri(_))
    ));
}

#[test]
fn contacts_take_their_display_name_from_the_name_row_and_delete_with_their_data() {
    let (_dir, providers) = providers();
    providers
        .insert("content://com.android.contacts/raw_contacts", &[("account_type".into(), Value::Null)], false)
        .unwrap();
    let name = [
        ("raw_contact_id".into(), Value::Integer(1)),
        ("mimetype".into(), text(MIME_NAME)),
        ("data1".into(), text("Ada Lovelace")),
    ];
    providers.insert("content://com.android.contacts/data", &name, false).unwrap();
    let missing = providers.insert("content://com.android.contacts/data", &name[1..], false);
    assert!(matches!(missing, Err(ProviderError::Invalid(_))));
    let contacts = providers
        .query(
            "content://com.android.contacts/contacts",
            Some(&["_id".into(), "display_name".into()]),
            None,
            None,
        )
        .unwrap();
    assert_eq!(contacts.rows, vec![vec![Value::Integer(1), text("Ada Lovelace")]]);
    providers
        .write("content://com.android.contacts/raw_contacts/1/display_photo", b"\xff\xd8jpeg", false)
        .unwrap();
    assert_eq!(providers.read("content://com.android.contacts/contacts/1/photo").unwrap(), b"\xff\xd8jpeg");
    assert_eq!(providers.delete("content://com.android.contacts/raw_contacts/1", None, false).unwrap(), 1);
    assert!(
        providers.query("content://com.android.contacts/data", None, None, None).unwrap().rows.is_empty()
    );
}

#[test]
fn settings_insert_replaces_by_name() {
    let (_dir, providers) = providers();
    for value in ["1", "2"] {
        let values = [("name".into(), text("font_scale")), ("value".into(), text(value))];
        providers.insert("content://settings/system", &values, false).unwrap();
    }
    assert_eq!(
        providers.settings_list("system").unwrap(),
        vec![("font_scale".to_owned(), Some("2".to_owned()))]
    );
    let one =
        providers.query("content://settings/system/font_scale", Some(&["value".into()]), None, None).unwrap();
    assert_eq!(one.rows, vec![vec![text("2")]]);
}

#[test]
fn mms_parts_are_files_that_stay_inside_the_parts_folder() {
    let (dir, providers) = providers();
    providers.insert("content://mms", &[("msg_box".into(), Value::Integer(1))], true).unwrap();
    providers.insert("content://mms/1/part", &[("ct".into(), text("image/jpeg"))], true).unwrap();
    providers.write("content://mms/part/1", b"picture", true).unwrap();
    assert_eq!(providers.read("content://mms/part/1").unwrap(), b"picture");
    let stored = dir.path().join("fs/data/user_de/0/com.android.providers.telephony/app_parts/PART_1");
    assert_eq!(std::fs::read(stored).unwrap(), b"picture");
    let rows = providers.query("content://mms/1/part", Some(&["mid".into()]), None, None).unwrap();
    assert_eq!(rows.rows, vec![vec![Value::Integer(1)]]);
    providers
        .update("content://mms/part/1", &[("_data".into(), text("/data/../../etc/passwd"))], None, true)
        .unwrap();
    assert!(matches!(providers.read("content://mms/part/1"), Err(ProviderError::NotFound(_))));
}

//! Exports: the call history as CSV and message threads as a self-contained, escaped HTML page, built from
//! real peer-data backups.

mod common;

use lifeboat::data::export::{CALL_CSV_COLUMNS, HtmlOptions, write_calls_csv, write_threads_html};
use lifeboat::data::sms_xml::{BackupRecord, SmsXmlReader};
use lifeboat::data::{CallDirection, CallEntry, Message, MessagePart, PartContent, group_into_threads};

fn messages(name: &str) -> Vec<Message> {
    SmsXmlReader::open(&common::peer_file(&format!("sms/sms-backup-restore/{name}")))
        .unwrap()
        .filter_map(|r| match r {
            Ok(BackupRecord::Message(m)) => Some(m),
            _ => None,
        })
        .collect()
}

fn html(threads: &[lifeboat::data::Thread]) -> String {
    let mut out = Vec::new();
    let options = HtmlOptions { title: "Backup <of> Alice & Bob".into(), ..HtmlOptions::default() };
    write_threads_html(threads, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn threads_from_a_real_backup_become_one_page() {
    let messages = messages("devadvance_sms_and_mms.xml");
    assert_eq!(messages.len(), 49);
    let threads = group_into_threads(messages);
    let participants: Vec<_> = threads.iter().map(|t| t.participants.join("~")).collect();
    assert_eq!(threads.len(), 7, "{participants:?}");
    assert_eq!(threads.iter().map(|t| t.messages.len()).sum::<usize>(), 49);
    // The newest thread comes first: the RCS group chat or the picture messages from July 2024.
    assert!(threads[0].last_date() >= threads[1].last_date());
    let page = html(&threads);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>Backup &lt;of&gt; Alice &amp; Bob</title>"));
    assert_eq!(page.matches("<div class=\"msg ").count(), 49);
    assert_eq!(page.matches("<section id=\"thread-").count(), 7);
    assert!(page.contains("Body text 10<br>Body text 11<br>Body text 12"));
    assert!(page.contains("<time datetime=\"2017-12-02T14:49:27Z\">"));
    assert_eq!(page.matches("<img src=\"data:image/png;base64,iVBORw0KGgo").count(), 2);
    assert!(!page.contains("<smil>"), "the SMIL layout is not shown");
    assert!(!page.contains("<script"));
}

#[test]
fn hostile_text_and_attachments_are_escaped_or_refused() {
    let mut message = messages("devadvance_sample_mms_handwritten.xml").remove(0);
    message.body = Some("<script>alert(\"hi\")</script>\n<img src=x onerror=alert(1)>".into());
    message.subject = Some("\"><b>bold</b>".into());
    message.parts.push(MessagePart {
        content_type: "image/png".into(),
        name: Some("evil\".svg".into()),
        charset: None,
        content_id: None,
        content_location: None,
        content: PartContent::Bytes(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
        ),
        extra: Vec::new(),
    });
    message.lost.push("a <3 reaction".into());
    let page = html(&group_into_threads(vec![message]));
    assert!(!page.contains("<script>"));
    assert!(!page.contains("<img src=x"));
    assert!(!page.contains("<b>bold"));
    assert!(!page.contains("onload=\"alert"));
    assert!(page.contains(
        "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;<br>&lt;img src=x onerror=alert(1)&gt;"
    ));
    // The "PNG" that is really SVG is listed, not inlined; the real PNG is inlined.
    assert!(page.contains("Attachment: evil&quot;.svg (image/png, 59 bytes)"));
    assert_eq!(page.matches("<img src=\"data:").count(), 1);
    assert!(page.contains("Not kept: a &lt;3 reaction"));
}

#[test]
fn call_history_as_csv() {
    let call = |number: &str, name: Option<&str>, direction, date, duration| CallEntry {
        number: number.into(),
        name: name.map(Into::into),
        direction,
        date,
        duration_secs: duration,
        presentation: None,
        sim: Some("1".into()),
        account: None,
        extra: Vec::new(),
        raw: None,
    };
    let calls = vec![
        call("+15550000001", Some("Doe, John \"JD\""), CallDirection::Incoming, 1_512_226_167_463, 125),
        call("5550000002", None, CallDirection::Missed, 1_512_226_200_000, 0),
        call("", None, CallDirection::Blocked, 1_512_226_300_000, 0),
    ];
    let mut out = Vec::new();
    write_calls_csv(&calls, &mut out).unwrap();
    let mut reader = csv::Reader::from_reader(&out[..]);
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CALL_CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        ["2017-12-02T14:49:27Z", "+15550000001", "Doe, John \"JD\"", "incoming", "125", "1", ""]
    );
    assert_eq!(&rows[1][3], "missed");
    assert_eq!(&rows[2][3], "blocked");
}

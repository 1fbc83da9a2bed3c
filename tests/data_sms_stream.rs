//! Streaming: a 100,000-message backup is written and read back record by record, and the reader's peak heap
//! use is measured by counting allocations (not by timing) and must stay far below the file's size.
//!
//! This file holds a single test on purpose: the counting allocator is global to the test binary, and other
//! tests running in parallel would add their allocations to the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use lifeboat::data::sms_xml::{BackupKind, BackupRecord, SmsXmlReader, SmsXmlWriter, WriteOptions};
use lifeboat::data::{
    AddressRole, Message, MessageAddress, MessageFolder, MessageKind, MessagePart, PartContent,
};

struct CountingAllocator;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn record(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::SeqCst) + size;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            record(new_size - layout.size());
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const MESSAGES: usize = 100_000;
/// A 1×1 PNG, as phones attach.
const PIXEL: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn message(i: usize) -> Message {
    let incoming = !i.is_multiple_of(3);
    let address = format!("+1555{:07}", i % 500);
    let body =
        format!("Message {i}: see you at 7 & bring \"snacks\" 😀\nsecond line {}", "x".repeat(i % 120));
    let mms = i.is_multiple_of(10);
    Message {
        kind: if mms { MessageKind::Mms } else { MessageKind::Sms },
        folder: if incoming { MessageFolder::Inbox } else { MessageFolder::Sent },
        thread_id: None,
        conversation: vec![address.clone()],
        addresses: vec![MessageAddress {
            address,
            role: if incoming { AddressRole::From } else { AddressRole::To },
            extra: Vec::new(),
        }],
        date: 1_600_000_000_000 + i as i64 * 60_000,
        date_sent: incoming.then_some(1_600_000_000_000 + i as i64 * 60_000 - 2_000),
        read: true,
        seen: None,
        status: if mms { None } else { Some(-1) },
        locked: false,
        subject: None,
        body: Some(body.clone()),
        parts: if mms {
            vec![
                MessagePart {
                    content_type: "image/png".into(),
                    name: Some(format!("image_{i}.png")),
                    charset: None,
                    content_id: Some(format!("<image_{i}.png>")),
                    content_location: Some(format!("image_{i}.png")),
                    content: PartContent::Bytes(PIXEL.to_vec()),
                    extra: Vec::new(),
                },
                MessagePart {
                    content_type: "text/plain".into(),
                    name: None,
                    charset: Some("106".into()),
                    content_id: None,
                    content_location: None,
                    content: PartContent::Text(body),
                    extra: Vec::new(),
                },
            ]
        } else {
            Vec::new()
        },
        contact_name: Some(format!("Contact {}", i % 500)),
        subscription_id: None,
        origin: None,
        lost: Vec::new(),
        extra: Vec::new(),
        raw: None,
    }
}

#[test]
fn a_100_000_message_backup_streams_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sms-100k.xml");
    let started = Instant::now();
    let file = BufWriter::new(File::create(&path).unwrap());
    let mut writer =
        SmsXmlWriter::new(file, BackupKind::Messages, MESSAGES as u64, &WriteOptions::default()).unwrap();
    for i in 0..MESSAGES {
        writer.write_message(&message(i)).unwrap();
    }
    writer.finish().unwrap();
    let written_in = started.elapsed();
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    assert!(size > 20_000_000, "the file is {size} bytes");

    let baseline = CURRENT.load(Ordering::SeqCst);
    PEAK.store(baseline, Ordering::SeqCst);
    let started = Instant::now();
    let reader = SmsXmlReader::new(BufReader::new(File::open(&path).unwrap())).unwrap();
    let (mut sms, mut mms, mut body_bytes, mut last_date) = (0usize, 0usize, 0usize, 0i64);
    for (i, record) in reader.enumerate() {
        let BackupRecord::Message(message) = record.unwrap() else { panic!("record {i} is not a message") };
        match message.kind {
            MessageKind::Sms => sms += 1,
            MessageKind::Mms => mms += 1,
        }
        assert!(message.date > last_date, "record {i} is out of order");
        last_date = message.date;
        body_bytes += message.body.as_deref().map_or(0, str::len);
        if i == 54_321 {
            assert_eq!(message, {
                let mut m = self::message(i);
                m.raw = message.raw.clone();
                m.extra = message.extra.clone();
                m
            });
        }
    }
    let read_in = started.elapsed();
    let peak = PEAK.load(Ordering::SeqCst) - baseline;

    assert_eq!((sms, mms), (90_000, 10_000));
    assert!(body_bytes > 10_000_000);
    // The whole file is tens of megabytes; streaming holds one record (plus its raw XML) at a time.
    assert!(peak < 256 * 1024, "peak heap while reading: {peak} bytes for a {size}-byte file");
    println!(
        "100,000 messages: {size} bytes written in {written_in:?}, read in {read_in:?}, reader peak heap {peak} bytes"
    );
}

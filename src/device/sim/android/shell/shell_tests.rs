//! Tests of the shell on a freshly generated empty phone.

use super::*;
use crate::device::sim::android::{AndroidSimOptions, Profile, profile};

fn phone() -> (tempfile::TempDir, Phone) {
    let dir = tempfile::tempdir().unwrap();
    let options = AndroidSimOptions { profile: Profile::Empty, ..AndroidSimOptions::default() };
    profile::generate(dir.path(), &options).unwrap();
    let phone = Phone::open(dir.path()).unwrap();
    (dir, phone)
}

/// Runs a line; returns (stdout, stderr, status).
fn run(phone: &Phone, line: &str) -> (String, String, u8) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut stdin = io::empty();
    let status = run_line(phone, line, &mut ShellIo { out: &mut out, err: &mut err, stdin: &mut stdin });
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap(), status)
}

#[test]
fn redirections_and_pipes_write_through_the_phone() {
    let (dir, phone) = phone();
    assert_eq!(run(&phone, "echo hello > /sdcard/Download/a.txt; echo more >> /sdcard/Download/a.txt").2, 0);
    let host = dir.path().join("fs/storage/emulated/0/Download/a.txt");
    assert_eq!(std::fs::read_to_string(host).unwrap(), "hello\nmore\n");
    assert_eq!(run(&phone, "cat /sdcard/Download/a.txt | cat").0, "hello\nmore\n");
    assert_eq!(run(&phone, "cat < /sdcard/Download/a.txt").0, "hello\nmore\n");
    assert_eq!(run(&phone, "cat /nope 2>&1").0, "cat: /nope: No such file or directory\n");
    let (out, err, status) = run(&phone, "echo x > /system/x");
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("", "/system/bin/sh: /system/x: Read-only file system\n", 1)
    );
    assert_eq!(run(&phone, "sh -c 'exit 7'; echo $?").0, "7\n");
}

#[test]
fn ls_and_stat_print_like_toybox() {
    let (dir, phone) = phone();
    let file = dir.path().join("fs/storage/emulated/0/Download/n.txt");
    std::fs::write(&file, b"12345").unwrap();
    filetime::set_file_mtime(&file, filetime::FileTime::from_unix_time(1_700_000_000, 0)).unwrap();
    let (out, _, _) = run(&phone, "ls -l /sdcard/Download");
    assert_eq!(out, "total 4\n-rw-rw---- 1 u0_a182 media_rw 5 2023-11-14 22:13 n.txt\n");
    assert_eq!(run(&phone, "ls /sdcard/Download").0, "n.txt\n");
    let (out, _, _) = run(&phone, "ls -la /sdcard/Download");
    assert!(out.lines().nth(1).unwrap().ends_with(" ."), "{out}");
    assert_eq!(
        run(&phone, "stat -c '%s %Y %a %F %n' /sdcard/Download/n.txt").0,
        "5 1700000000 660 regular file /sdcard/Download/n.txt\n"
    );
    let full = run(&phone, "stat /sdcard/Download/n.txt").0;
    assert!(full.contains("Modify: 2023-11-14 22:13:20.000000000 +0000"), "{full}");
    assert_eq!(run(&phone, "ls -ld /sdcard").0.split(" -> ").nth(1), Some("/storage/emulated/0\n"));
    let denied = run(&phone, "ls /data/data");
    assert_eq!((denied.1.as_str(), denied.2), ("ls: /data/data: Permission denied\n", 1));
}

#[test]
fn system_commands_answer_like_android() {
    let (_dir, phone) = phone();
    assert_eq!(run(&phone, "getprop no.such.prop fallback").0, "fallback\n");
    assert_eq!(run(&phone, "/system/bin/getprop ro.build.version.release").0, "14\n");
    assert_eq!(run(&phone, "pm list packages -3").0, "", "an empty phone has no apps of its own");
    assert!(run(&phone, "pm list packages").0.lines().any(|l| l == "package:com.android.shell"));
    assert_eq!(
        run(&phone, "cmd package path com.android.shell").0,
        "package:/system/priv-app/Shell/Shell.apk\n"
    );
    assert_eq!(run(&phone, "settings get global nonexistent").0, "null\n");
    assert_eq!(run(&phone, "settings put global a b && settings delete global a").0, "Deleted 1 rows\n");
    assert_eq!(run(&phone, "settings list bogus").1, "Invalid namespace 'bogus'\n");
    let df = run(&phone, "df -h /sdcard").0;
    let lines: Vec<&str> = df.lines().collect();
    // toybox pads the first column to at least 14 characters.
    assert_eq!(lines[0], "Filesystem     Size  Used Avail Use% Mounted on");
    assert!(
        lines[1].starts_with("/dev/fuse      110G   20G   89G  19% ")
            && lines[1].ends_with(" /storage/emulated"),
        "{df}"
    );
    assert_eq!(run(&phone, "appops set com.no.such WRITE_SMS allow").2, 255);
    assert_eq!(run(&phone, "dumpsys package no.such").0, "Unable to find package: no.such\n");
    let usage = run(&phone, "content query");
    assert!(
        usage.0.ends_with("[ERROR] Content provider URI not specified. Did you specify --uri argument?\n"),
        "{}",
        usage.0
    );
    assert_eq!(
        run(&phone, "content query --uri content://nope").1.lines().nth(1),
        Some("java.lang.IllegalStateException: Could not find provider: nope")
    );
}

#[test]
fn a_phone_refusing_the_call_log_and_sms_writes_says_what_a_real_one_says() {
    let (_dir, mut phone) = phone();
    let (out, err, status) = run(&phone, "content query --uri content://call_log/calls");
    assert_eq!((out.as_str(), err.as_str(), status), ("No result found.\n", "", 0));
    assert_eq!(run(&phone, "appops set com.android.shell WRITE_SMS allow").2, 0);
    assert!(phone.shell_may_write_sms());

    phone.refuse(crate::device::sim::android::Refusal::parse_list("calls,sms-write").unwrap());
    let (out, err, status) = run(&phone, "content query --uri content://call_log/calls --projection _id");
    assert_eq!((out.as_str(), status), ("", 0), "the content tool exits 0 even when refused");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "Error while accessing provider:call_log");
    assert!(
        lines[1].starts_with("java.lang.SecurityException: Permission Denial: opening provider com.android.providers.contacts.CallLogProvider from (null) (pid=")
            && lines[1].ends_with("requires android.permission.READ_CALL_LOG or android.permission.WRITE_CALL_LOG"),
        "{err}"
    );
    assert!(lines[2..].iter().all(|l| l.starts_with("\tat ")), "{err}");
    assert!(
        run(&phone, "content insert --uri content://call_log/calls --bind number:s:1")
            .1
            .contains("Permission Denial")
    );
    assert_eq!(run(&phone, "content query --uri content://sms").1, "", "SMS can still be read");

    let (_, err, status) = run(&phone, "appops set com.android.shell WRITE_SMS allow");
    assert_eq!(status, 255);
    assert!(err.contains("Exception occurred while executing 'set':\njava.lang.SecurityException: uid 2000 does not have android.permission.MANAGE_APP_OPS_MODES."), "{err}");
    assert!(!phone.shell_may_write_sms(), "an app-op allowed earlier no longer helps");
    let (out, err, _) = run(&phone, "content insert --uri content://sms --bind address:s:1 --bind body:s:hi");
    assert_eq!((out.as_str(), err.as_str()), ("", ""), "the insert is ignored without a word, as on a phone");
    assert_eq!(run(&phone, "content query --uri content://sms").0, "No result found.\n");
}

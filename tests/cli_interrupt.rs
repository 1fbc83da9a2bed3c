//! Ctrl-C on a running `lifeboat backup`: the process stops cleanly, keeps what it copied as an incomplete
//! snapshot, exits 130, and the next backup goes on from there instead of starting again.

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// Whether the vault has written at least one pack file, i.e. the backup is copying.
fn has_pack(vault: &Path) -> bool {
    fs::read_dir(vault.join("data"))
        .into_iter()
        .flatten()
        .flatten()
        .any(|dir| fs::read_dir(dir.path()).into_iter().flatten().flatten().next().is_some())
}

fn interrupt(child: &std::process::Child, signal: i32) {
    // SAFETY: kill(2) on the pid of a child this test started and has not yet waited for.
    let sent = unsafe { libc::kill(child.id() as i32, signal) };
    assert_eq!(sent, 0, "the signal was sent");
}

// Issue 10, finding 18: Ctrl-C killed `lifeboat backup` outright, so nothing copied before the first 30-second
// checkpoint was kept and the next run started again from nothing.
#[test]
fn ctrl_c_keeps_what_was_copied_and_the_next_backup_resumes() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let work = tempfile::tempdir().unwrap();
        let (source, vault) = (work.path().join("phone"), work.path().join("vault"));
        fs::create_dir_all(source.join("DCIM")).unwrap();
        // Large enough to take several seconds, so the signal lands in the middle.
        let files = 300;
        for n in 0..files {
            write_noise_file(&source.join(format!("DCIM/IMG_{n:04}.jpg")), 1_000_000, n);
        }
        init_vault(&vault);

        let mut child = lifeboat(&vault)
            .args(["backup", "--from"])
            .arg(&source)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while !has_pack(&vault) {
            assert!(started.elapsed() < Duration::from_secs(120), "the backup wrote no pack");
            assert!(child.try_wait().unwrap().is_none(), "the backup ended before it could be interrupted");
            std::thread::sleep(Duration::from_millis(5));
        }
        interrupt(&child, signal);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "signal {signal}: {stderr}");
        assert!(stderr.contains("cancelled"), "{stderr}");

        let listed = json(&ok(lifeboat(&vault).args(["snapshots", "--json"])));
        let snapshots = listed.as_array().unwrap();
        assert_eq!(snapshots.len(), 1, "{listed}");
        assert_eq!(snapshots[0]["complete"], false, "an incomplete snapshot keeps what was copied");
        let id = snapshots[0]["id"].as_str().unwrap();
        let kept = json(&ok(lifeboat(&vault).args(["ls", id, "--json"]))).as_array().unwrap().len() as u64;
        assert!(kept > 0 && kept < files, "{kept} of {files} items kept");

        let summary = json(&ok(lifeboat(&vault).args(["backup", "--json", "--from"]).arg(&source)));
        let (read, unchanged) =
            (summary["items_read"].as_u64().unwrap(), summary["items_unchanged"].as_u64());
        assert!(read < files, "the second backup resumes: it read {read} of {files}");
        assert!(unchanged.unwrap() > 0, "{summary}");
        assert_eq!(summary["snapshot"]["complete"], true);
        ok(lifeboat(&vault).arg("verify"));
    }
}

//! Crash safety: a backup killed with SIGKILL at random moments leaves a vault that opens and verifies, whose
//! complete snapshots are intact, and where the next backup completes and reuses what was already stored.

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

const KILL_POINTS: usize = 24;

#[test]
fn kill_nine_at_random_moments_never_breaks_the_vault() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM/Camera")).unwrap();
    fs::create_dir_all(source.join("Documents")).unwrap();
    let take_photos = |round: u64| {
        for n in 0..40 {
            let path = source.join(format!("DCIM/Camera/IMG_{n:04}.jpg"));
            write_noise_file(&path, 1_200_000 + n * 1000, round * 100 + n);
        }
    };
    take_photos(0);
    for n in 0..600 {
        fs::write(source.join(format!("Documents/note-{n}.txt")), Noise::new(n + 1000).bytes(n as usize * 7))
            .unwrap();
    }

    // Kill points are chosen by progress, not by the clock, so a busy machine does not shift them: each run
    // is killed once the vault has grown by a random share of the round's new data (some before it wrote
    // anything at all, some after it finished).
    let round_bytes: u64 = (0..40u64).map(|n| 1_200_000 + n * 1000).sum();
    init_vault(&vault);
    let mut noise = Noise::new(42);
    let mut killed = 0;
    for point in 0..KILL_POINTS {
        let mut fraction = [0u8; 2];
        noise.fill(&mut fraction);
        let share = f64::from(u16::from_le_bytes(fraction)) / 65535.0 * 1.1;
        let target = (round_bytes as f64 * share) as u64;
        let before = stored_bytes(&vault);
        let mut child = lifeboat(&vault)
            .args(["backup", "-q", "--checkpoint-secs", "0.15", "--from"])
            .arg(&source)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if stored_bytes(&vault).saturating_sub(before) >= target
                || started.elapsed() > Duration::from_secs(60)
            {
                child.kill().unwrap();
                killed += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        child.wait().unwrap();

        // Whatever the moment, the vault opens and verifies, and complete snapshots are whole. (A fifth of the
        // packs is read each time, all of them at the end, so the test stays quick as the vault grows.)
        let report = json(&ok(lifeboat(&vault).args(["verify", "--sample", "20", "--json"])));
        assert_eq!(
            report["problems"],
            serde_json::json!([]),
            "after kill point {point} (at {:.0}% of the round): {report}",
            share * 100.0
        );
        assert_eq!(report["damaged_items"], serde_json::json!([]));
        let snapshots = json(&ok(lifeboat(&vault).args(["snapshots", "--json"])));
        for snapshot in snapshots.as_array().unwrap() {
            if snapshot["complete"] == true {
                let items = snapshot["items"].as_u64().unwrap();
                assert!(
                    (640..=640 + point as u64 / 6).contains(&items),
                    "a complete snapshot lists every item: {items}"
                );
            }
        }
        // New photos every time, so every run has real work to be interrupted in; new files now and then.
        take_photos(point as u64 + 1);
        if point % 6 == 5 {
            fs::write(source.join(format!("Documents/added-{point}.txt")), format!("added at {point}"))
                .unwrap();
        }
    }
    assert!(killed >= KILL_POINTS / 2, "only {killed} runs were actually killed; the timing is off");

    let last = json(&ok(lifeboat(&vault).args(["backup", "--json", "--from"]).arg(&source)));
    assert_eq!(last["snapshot"]["complete"], true);
    assert!(last["new_bytes"].as_u64().unwrap() < 60_000_000, "only the last round of photos is new: {last}");
    let snapshots = json(&ok(lifeboat(&vault).args(["snapshots", "--json"])));
    assert!(
        snapshots.as_array().unwrap().iter().all(|s| s["complete"] == true),
        "checkpoints are dropped once a complete backup supersedes them: {snapshots}"
    );
    ok(lifeboat(&vault).arg("verify"));
    let target = work.path().join("restored");
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target));
    assert_same_tree(&source, &target);
}

/// Bytes in the vault's packs and in packs being written.
fn stored_bytes(vault: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![vault.join("data"), vault.join("tmp")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => stack.push(entry.path()),
                Ok(meta) => total += meta.len(),
                Err(_) => {}
            }
        }
    }
    total
}

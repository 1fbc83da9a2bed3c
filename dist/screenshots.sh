#!/usr/bin/env bash
# Screenshots of the app in a real X window, against virtual phones: Xvfb; a demo vault made by `lifeboat demo`
# (which backs up the virtual demo phone over ADB); the demo phone and an empty "new" phone running as
# `lifeboat sim android` on loopback and remembered with `lifeboat connect`, so the app's discovery watcher
# finds them exactly as it finds a phone on Wi-Fi debugging. One app run per screen (LIFEBOAT_START picks the
# page or a script: `backup`, `restore-plan:SERIAL`, `restore-run:SERIAL`; LIFEBOAT_PASSWORD unlocks),
# `import -window root` for each. Writes PNGs to target/screenshots/. With MEASURE=1 it also builds a
# 10,000-photo vault and reports the time to the first screen of thumbnails and the peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

# An emoji font too, as every desktop has: conversations are full of them.
if ! command -v Xvfb >/dev/null || ! command -v import >/dev/null || ! fc-list | grep -qi emoji; then
    apt-get update -qq && apt-get install -y -qq xvfb imagemagick fonts-noto-color-emoji >/dev/null
fi
cargo build --quiet
BIN="$PWD/target/debug/lifeboat"
OUT="$PWD/target/screenshots"
WORK="$(mktemp -d)"
mkdir -p "$OUT"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

export LIFEBOAT_PASSWORD=lifeboat-demo LIFEBOAT_CACHE_DIR="$WORK/cache" LIFEBOAT_DEMO_DIR="$WORK/demo"
export LIFEBOAT_LANG="${LIFEBOAT_LANG:-en}" LANG=en_US.UTF-8
# Only the virtual phones: adb's key in the work folder, and no adb server asked (nothing listens on port 1).
export ANDROID_USER_HOME="$WORK/android" ANDROID_ADB_SERVER_PORT=1
PHONES="$WORK/config"          # remembers the two virtual phones
NOBODY="$WORK/config-empty"    # remembers none: the empty state
mkdir -p "$PHONES" "$NOBODY"
"$BIN" demo --dir "$WORK/demo" -q >/dev/null
"$BIN" demo --dir "$WORK/demo" -q >/dev/null   # a second, incremental backup

# The phones "plugged in": the demo phone (the state `lifeboat demo` backed up) and an empty new phone.
sim() { # state folder, port, extra arguments...
    local state=$1 port=$2
    shift 2
    "$BIN" sim android --state "$state" --listen "127.0.0.1:$port" "$@" >"$WORK/sim-$port.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do grep -q . "$WORK/sim-$port.log" && break; sleep 0.1; done
    LIFEBOAT_CONFIG_DIR="$PHONES" "$BIN" connect "127.0.0.1:$port" >/dev/null
}
sim "$WORK/demo/phone" 45555
sim "$WORK/demo/new-phone" 45556 --profile empty --serial LB-VIRT-0002

Xvfb :99 -screen 0 1280x820x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
PIDS+=("$XVFB")
export DISPLAY=:99
sleep 1

shot() { # name, start page or script, theme, [seconds], [config folder]
    local config="${5:-$PHONES}"
    printf '{"vault": "%s", "folders": [], "theme": "%s", "language": "%s"}\n' \
        "$WORK/demo/vault" "$3" "$LIFEBOAT_LANG" >"$config/app.json"
    LIFEBOAT_CONFIG_DIR="$config" LIFEBOAT_START="$2" "$BIN" 2>>"$WORK/app.log" &
    local pid=$!
    sleep "${4:-6}"
    import -window root "$OUT/$1.png"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$OUT/$1.png"
}

shot devices devices light
shot devices-dark devices dark
shot backups backups light
shot photos browse:photos light
shot contacts browse:contacts light
shot messages browse:messages light
shot calls browse:calls light
shot photos-dark browse:photos dark
shot restore-plan restore-plan:LB-VIRT-0002 light 10
shot restore-done restore-run:LB-VIRT-0002 light 25
shot backup-done backup light 20
shot settings settings light
shot empty devices light 4 "$NOBODY"
LIFEBOAT_PASSWORD= shot unlock unlock light 4 "$NOBODY"
# "Try the demo phone" as a person presses it: the app starts its own virtual phone (state in its own folder,
# so it does not share one with the phone above) and its watcher finds it.
LIFEBOAT_DEMO_DIR="$WORK/demo-app" shot demo demo light 10 "$NOBODY"

# A phone pulled out during its backup: a third virtual phone with a long video, killed while it is copied.
UNPLUG="$WORK/config-unplug"
mkdir -p "$UNPLUG"
"$BIN" sim android --state "$WORK/unplug" --listen 127.0.0.1:45557 --serial LB-VIRT-0003 >"$WORK/sim-45557.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q . "$WORK/sim-45557.log" && break; sleep 0.1; done
kill "$pid"; wait "$pid" 2>/dev/null || true
head -c 400M /dev/urandom >"$WORK/unplug/fs/storage/emulated/0/Movies/long-video.mp4"
: >"$WORK/sim-45557.log"
"$BIN" sim android --state "$WORK/unplug" --listen 127.0.0.1:45557 >"$WORK/sim-45557.log" 2>&1 &
phone=$!
PIDS+=("$phone")
for _ in $(seq 100); do grep -q . "$WORK/sim-45557.log" && break; sleep 0.1; done
LIFEBOAT_CONFIG_DIR="$UNPLUG" "$BIN" connect 127.0.0.1:45557 >/dev/null
printf '{"vault": "%s", "folders": [], "theme": "light", "language": "%s"}\n' \
    "$WORK/demo/vault" "$LIFEBOAT_LANG" >"$UNPLUG/app.json"
before=$(du -sb "$WORK/demo/vault" | cut -f1)
LIFEBOAT_CONFIG_DIR="$UNPLUG" LIFEBOAT_START=backup "$BIN" 2>>"$WORK/app.log" &
app=$!
# Pulled as soon as the video is being copied (the vault has grown by 40 MB): a backup copies it in seconds.
for _ in $(seq 1200); do
    [ $(($(du -sb "$WORK/demo/vault" | cut -f1) - before)) -gt 40000000 ] && break
    sleep 0.05
done
kill -9 "$phone"
sleep 3
import -window root "$OUT/unplugged.png"
kill "$app"
wait "$app" 2>/dev/null || true
echo "$OUT/unplugged.png"

if [ "${MEASURE:-}" = 1 ]; then
    # 10,000 distinct 640×480 photos: one picture with a different JPEG comment each (same pixels, new bytes).
    python3 - "$WORK/big/DCIM/Camera" <<'EOF'
import os, sys, subprocess
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
base = os.path.join(out, "base.jpg")
subprocess.run(["convert", "-size", "640x480", "plasma:fractal", "-quality", "85", base], check=True)
data = open(base, "rb").read()
os.remove(base)
for n in range(10000):
    comment = b"lifeboat %05d" % n
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    open(os.path.join(out, "IMG_%05d.jpg" % n), "wb").write(data[:2] + segment + data[2:])
EOF
    "$BIN" --vault "$WORK/bigvault" vault init --kdf-memory-mib 8 --kdf-passes 1 </dev/null >/dev/null
    "$BIN" --vault "$WORK/bigvault" backup --from "$WORK/big" -q >/dev/null
    rm -rf "$WORK/cache"
    printf '{"vault": "%s", "folders": [], "theme": "light"}\n' "$WORK/bigvault" >"$NOBODY/app.json"
    LIFEBOAT_CONFIG_DIR="$NOBODY" LIFEBOAT_START=browse:photos RUST_LOG=info "$BIN" -v 2>"$WORK/measure.log" &
    pid=$!
    for _ in $(seq 60); do grep -q "first screen of thumbnails" "$WORK/measure.log" && break; sleep 0.5; done
    sleep 2
    import -window root "$OUT/photos-10000.png"
    grep -h "catalog\|first screen" "$WORK/measure.log" || true
    grep VmHWM "/proc/$pid/status"
    kill "$pid"
fi

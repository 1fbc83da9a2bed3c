#!/usr/bin/env bash
# Screenshots of the app in a real X window: Xvfb, a demo vault made by `lifeboat demo`, one app run per
# screen (LIFEBOAT_START picks the page, LIFEBOAT_PASSWORD unlocks), `import -window root` for each.
# Writes PNGs to target/screenshots/. With MEASURE=1 it also builds a 10,000-photo vault and reports the time
# to the first screen of thumbnails and the peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v Xvfb >/dev/null || ! command -v import >/dev/null; then
    apt-get update -qq && apt-get install -y -qq xvfb imagemagick >/dev/null
fi
cargo build --quiet
BIN="$PWD/target/debug/lifeboat"
OUT="$PWD/target/screenshots"
WORK="$(mktemp -d)"
mkdir -p "$OUT"
trap 'kill "$XVFB" 2>/dev/null || true; rm -rf "$WORK"' EXIT

export LIFEBOAT_PASSWORD=lifeboat-demo LIFEBOAT_CONFIG_DIR="$WORK/config" LIFEBOAT_CACHE_DIR="$WORK/cache"
export LIFEBOAT_LANG="${LIFEBOAT_LANG:-en}" LANG=en_US.UTF-8
"$BIN" demo --dir "$WORK/demo" -q >/dev/null
"$BIN" demo --dir "$WORK/demo" -q >/dev/null   # a second, incremental backup

Xvfb :99 -screen 0 1280x820x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
export DISPLAY=:99
sleep 1

config() { # theme, folders (JSON list)
    mkdir -p "$WORK/config"
    printf '{"vault": "%s", "folders": %s, "theme": "%s", "language": "%s"}\n' \
        "$WORK/demo/vault" "$2" "$1" "$LIFEBOAT_LANG" >"$WORK/config/app.json"
}

shot() { # name, start page, theme, [folders], [seconds]
    config "$3" "${4:-[\"$WORK/demo/phone\"]}"
    LIFEBOAT_START="$2" "$BIN" 2>>"$WORK/app.log" &
    local pid=$!
    sleep "${5:-5}"
    import -window root "$OUT/$1.png"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$OUT/$1.png"
}

shot devices devices light
shot backups backups light
shot photos browse:photos light
shot contacts browse:contacts light
shot messages browse:messages light
shot calls browse:calls light
shot restore restore light
shot settings settings light
shot photos-dark browse:photos dark
shot devices-dark devices dark
shot empty devices light '[]'
LIFEBOAT_PASSWORD= shot unlock unlock light

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
    printf '{"vault": "%s", "folders": [], "theme": "light"}\n' "$WORK/bigvault" >"$WORK/config/app.json"
    LIFEBOAT_START=browse:photos RUST_LOG=info "$BIN" -v 2>"$WORK/measure.log" &
    pid=$!
    for _ in $(seq 60); do grep -q "first screen of thumbnails" "$WORK/measure.log" && break; sleep 0.5; done
    sleep 2
    import -window root "$OUT/photos-10000.png"
    grep -h "catalog\|first screen" "$WORK/measure.log" || true
    grep VmHWM "/proc/$pid/status"
    kill "$pid"
fi

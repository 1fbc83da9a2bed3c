# Lifeboat, English texts (the reference: every id here must exist in every other language).

## Passwords
password-prompt = Vault password:
password-new-prompt = New vault password:
password-repeat-prompt = Type it again:
password-mismatch = The two passwords differ; nothing was changed.
password-empty = The password must not be empty.
password-no-terminal = No password: set LIFEBOAT_PASSWORD or run Lifeboat in a terminal.
password-lost-warning = Important: your backups can only be opened with this password. If it is lost, nobody (not even Lifeboat) can recover them. Write it down somewhere safe.
password-changed = The vault password was changed.

## Progress
phase-scanning = Scanning
phase-transferring = Copying
phase-finishing = Finishing
phase-verifying = Verifying
progress-line = { $items_done }/{ $items_total } items, { $bytes_done } of { $bytes_total }, { $rate }, { $eta } left
notice-line = warning: { $subject }: { $message }

## Vault
vault-created = Created a new vault at { $path }.
no-vault-path = There is no home folder to keep the vault in; pass --vault DIR.
unlocked = Removed the lock held by { $holder }.
not-locked = The vault was not locked.
snapshot-forgotten = Forgot snapshot { $id }; run `lifeboat prune` to reclaim its space.
snapshot-damaged = warning: snapshot { $id } cannot be read: { $reason }
prune-summary = Prune finished: { $removed } packs removed, { $repacked } repacked, { $freed } freed.

## Backup
backup-done = Backed up { $device } as snapshot { $id }: { $items } items, { $size }, in { $duration }.
backup-category = { $category }: { $items } items, { $size }
backup-incremental = { $unchanged } items unchanged since the last backup, { $read } read; { $new } of new data, { $stored } added to the vault.
backup-unavailable = { $category } is not available: { $reason }
backup-skipped = left out { $what }: { $reason }

## Listing
col-id = ID
col-time = TIME
col-device = DEVICE
col-categories = CATEGORIES
col-items = ITEMS
col-size = SIZE
col-status = STATUS
col-type = TYPE
col-category = CATEGORY
col-modified = MODIFIED
col-path = PATH
status-complete = complete
status-incomplete = incomplete (interrupted)

## Restore
restore-done = Restored { $items } items ({ $size }) to { $target } in { $duration }.
restore-failed-item = not restored: { $path }: { $reason }
restore-incomplete = { $count ->
    [one] One item was not restored: { $first }
   *[other] { $count } items were not restored; the first: { $first }
}

## Verify
verify-summary = Checked { $snapshots } snapshots and { $packs } of { $total } packs ({ $size } read).
verify-problem = damaged: { $problem }
verify-damaged-item = cannot restore { $path } from snapshot { $snapshot }: { $reason }
verify-unindexed = { $count } packs are not in any index; the next backup re-indexes them, and prune removes what nothing uses.
verify-ok = Everything is intact.
verify-damaged = The vault is damaged: { $problems } problems, { $items } items affected.

## Demo
demo-intro = Demo: backing up { $phone }, a virtual Android phone speaking real ADB, into the demo vault at { $vault }.
demo-next = The demo vault now holds { $count } backups. Explore it with:
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } snapshots
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } restore latest --to /tmp/lifeboat-restore
  Run the demo again: it takes one more photo and backs up only what changed.
export-html-title = Messages

## Import and export
import-missing = There is nothing at { $path }.
import-unknown = Lifeboat cannot import { $path }: give an iPhone backup folder (Finder, iTunes), an Android backup file (adb backup), a vCard file (.vcf) or an SMS Backup & Restore export (.xml).
export-done = Exported { $count } items ({ $size }) to { $out }.

## Fidelity of cross-device restores
fidelity-imessage-flattened = iMessage effects, reactions and edits become plain text.
fidelity-setting-translated = Settings with an equivalent on the new phone are translated to it.
fidelity-setting-not-portable = This setting belongs to the old phone and has no safe equivalent on the new one.
fidelity-apps-reinstall = Lifeboat does not install apps; the list is kept so you can reinstall them from the store.
fidelity-iphone-full-restore = An iPhone accepts messages and call history only through a full restore of an iPhone backup in Finder or iTunes.
fidelity-camera-photos-only = A camera keeps only photos and videos.
fidelity-header = What this restore will do:
fidelity-line = { $category }: { $as_is } as they are, { $converted } converted, { $impossible } cannot transfer
fidelity-reason = - { $reason }
import-unlocking = Unlocking the backup
import-password-attempts = Three wrong passwords for the backup; nothing was imported.
password-backup-prompt = Password of the backup:

## Devices
no-config-dir = There is no config folder to remember phones in; set LIFEBOAT_CONFIG_DIR.
state-ready = ready to back up
state-unauthorized = unlock the phone and tap Allow on "Allow USB debugging?"
state-in-use = another program holds this device; close it (for example `adb kill-server`) or let Lifeboat use the adb server
state-no-permission = this computer does not let Lifeboat open it: install dist/udev/51-lifeboat-phones.rules (see docs/android.md), then plug it in again
state-mtp-only = only files are shared: turn on USB debugging (Developer options) for contacts and messages
state-unsupported = this device offers nothing Lifeboat can back up in its current USB mode
state-disconnected = not reachable: check that it is switched on, on this network, and that wireless debugging is on
devices-none = No phones found. Plug one in with USB debugging on, or run `lifeboat connect HOST:PORT` for a phone on the network.
col-transport = TRANSPORT
col-state = STATE
col-details = DETAILS
device-hint = { $id }: { $hint }
device-battery = battery { $percent }%
device-storage = { $free } free of { $total }
bad-address = "{ $address }" is not an address; give HOST:PORT, for example 192.168.1.20:5555.
connected = Connected to { $name } ({ $id }) at { $address }; Lifeboat will look for it there from now on.
not-remembered = { $address } was not remembered.
disconnected = Forgot { $address }.
device-not-found = No phone "{ $id }" was found; `lifeboat devices` lists the ids.
sim-listening = Virtual Android phone { $serial } listening on { $address }
backup-needs-source = Say what to back up: --from DIR or --device ID.
restore-needs-target = Say where to restore: --to DIR or --device ID.
restore-category = { $category }: { $restored } restored, { $present } already there, { $refused } refused
restore-note = note: { $note }
allow-prompt = The phone { $phone } asks whether to allow this computer: unlock it, tick "Always allow from this computer" and tap Allow.

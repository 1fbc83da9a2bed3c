# Lifeboat, English texts (the reference: every id here must exist in every other language).

## Passwords
password-prompt = Vault password:
password-new-prompt = New vault password:
password-repeat-prompt = Type it again:
password-mismatch = The two passwords differ; nothing was changed.
password-empty = The password must not be empty.
password-no-terminal = No password: set LIFEBOAT_PASSWORD or run Lifeboat in a terminal.
password-env-not-utf8 = { $name } is not valid UTF-8: set it to the password as UTF-8 text (or unset it to be asked).
password-lost-warning = Important: your backups can only be opened with this password. If it is lost, nobody (not even Lifeboat) can recover them. Write it down somewhere safe.
password-changed = The vault password was changed.
recovery-code-intro = Your recovery code opens this vault if the password is ever forgotten:
recovery-code-keep = Print it or write it down, and keep it apart from this computer. Type it where the password is asked for, then set a new password with `lifeboat passwd`. Lifeboat shows it only this once.
recovery-code-replaced = The earlier recovery code no longer opens the vault.
password-changed-by-recovery-code = The vault was opened with its recovery code: the forgotten password no longer opens it, and the recovery code still does.

## Progress
phase-scanning = Scanning
phase-transferring = Copying
phase-finishing = Finishing
phase-verifying = Verifying
progress-line = { $items_done }/{ $items_total } items, { $bytes_done } of { $bytes_total }, { $rate }, { $eta } left
notice-line = warning: { $subject }: { $message }
interrupt-stopping = Stopping: what was copied so far is kept. Press Ctrl-C again to stop at once.

## Vault
vault-created = Created a new vault at { $path }.
no-vault-path = There is no home folder to keep the vault in; pass --vault DIR.
lock-held = The vault is in use by { $holder } since { $since }, which is still running: wait for it to finish, or stop it.
not-locked = The vault is not in use: no program is writing to it.
snapshot-forgotten = Forgot snapshot { $id }; run `lifeboat prune` to reclaim its space.
snapshot-damaged = warning: snapshot { $id } cannot be read: { $reason }
prune-summary = Prune finished: { $removed } packs removed, { $repacked } repacked, { $freed } freed.
prune-no-room-to-repack = { $packs } partly used packs were kept as they are: the disk had no room to copy what they still hold. Run `lifeboat prune` again once there is more free space.
repair-packs = Checked { $packs } packs: { $damaged } damaged, { $salvaged } chunks saved from them, { $lost } chunks lost.
repair-pack-damaged = pack { $pack } is damaged and was removed: { $reason }
repair-index = Rebuilt the index from the packs: one new index file replaces { $replaced } ({ $damaged } of them damaged).
repair-snapshot-removed = Snapshot { $id } was removed: { $reason }
repair-snapshot-repaired = Snapshot { $from } lost { $items } items; it is now snapshot { $id }, which names them as skipped:
repair-lost-item = lost: { $path }
repair-done = The vault is consistent again.
repair-nothing = Nothing needed repair: the vault is consistent.
repair-still-damaged = The vault is still not consistent after the repair ({ $problems } problems); see above.
status-repaired = repaired, { $lost } items lost

## Backup
backup-done = Backed up { $device } as snapshot { $id }: { $items } items, { $size }, in { $duration }.
backup-category = { $category }: { $items } items, { $size }
backup-incremental = { $unchanged } items unchanged since the last backup, { $read } read; { $new } of new data, { $stored } added to the vault.
backup-unavailable = { $category } is not available: { $reason }
backup-skipped = left out { $what }: { $reason }
backup-left-out = { $count ->
    [one] One item was left out of the backup (the rest is kept): { $first }
   *[other] { $count } items were left out of the backup (the rest is kept); the first: { $first }
}

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
demo-next = The demo vault now holds { $count ->
        [one] one backup
       *[other] { $count } backups
    }. Explore it with:
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } snapshots
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } restore latest --to /tmp/lifeboat-restore
  Run the demo again: it takes one more photo and backs up only what changed.
export-html-title = Messages

## Import and export
import-missing = There is nothing at { $path }.
import-unknown = Lifeboat cannot import { $path }: give an iPhone backup folder (Finder, iTunes), an Android backup file (adb backup), a vCard file (.vcf) or an SMS Backup & Restore export (.xml).
export-done = Exported { $count } items ({ $size }) to { $out }.
export-exists = { $path } already exists and was not replaced: choose another name, or pass --overwrite to replace it.
export-left-out-item = not exported: { $path }: { $reason }
export-incomplete = { $count ->
    [one] One item was not exported: { $first }
   *[other] { $count } items were not exported; the first: { $first }
}

## Fidelity of cross-device restores
fidelity-imessage-flattened = iMessage effects, reactions and edits become plain text.
fidelity-heic-to-jpeg = HEIC photos become JPEG (keeping their capture time, camera and place), because this device cannot show HEIC.
fidelity-heic-kept = HEIC photos stay HEIC although this device cannot show them: this build of Lifeboat cannot convert them.
fidelity-setting-not-portable = These settings belong to the old phone: only a few portable, harmless ones (screen timeout, 24-hour clock, text size…) are written, and only to a phone of the same kind.
fidelity-apps-reinstall = Lifeboat does not install apps; the list is kept so you can reinstall them from the store.
fidelity-iphone-full-restore = An iPhone accepts messages, call history and settings only through a full restore of an iPhone backup in Finder or iTunes.
fidelity-no-file-access = An iPhone has no folders for other files.
fidelity-windows-phone-account = A Windows Phone takes contacts, messages, call history and settings only from its Microsoft account.
fidelity-camera-photos-only = A camera keeps only photos and videos.
fidelity-raw-backup-kept = The original files of an imported backup stay in the vault: they go back only as a whole, to the kind of device that made them (an iPhone backup through Finder or iTunes), or into a folder.
fidelity-header = What this restore will do, from { $source } to { $target }:
fidelity-nothing = The backup holds nothing of the chosen categories.
fidelity-reason = { $category }: { $reason }
col-as-is = AS THEY ARE
col-converted = CONVERTED
col-cannot = CANNOT TRANSFER
col-will-transfer = WILL TRANSFER
col-restored = RESTORED
col-already-there = ALREADY THERE
col-merged = MERGED
col-refused = REFUSED
col-before = BEFORE
col-after = AFTER
col-difference = DIFFERENCE
restore-no-plan = could not plan what transfers: { $reason }
restore-not-counted = could not count what it holds now: { $reason }
convert-kept-heic = { $path }: { $reason }; restored as HEIC
convert-not-heic = { $path }: not a HEIC photo inside, despite its name; restored as it is
report-converted = { $category }: { $done } of { $planned } converted on the way
report-line = { $category }: { $explanation }
report-not-counted = not counted afterwards
report-not-counted-because = not counted afterwards: { $reason }
report-matches = the target holds what it held before plus what was restored
report-in-place = settings are changed in place, so their number says nothing about the restore
report-fewer = { $count } fewer than expected: the target merged or dropped some of what it accepted
report-more = { $count } more than expected: something else added to the target during the restore (an account syncing, an app, or a person)
import-unlocking = Unlocking the backup
import-password-attempts = Three wrong passwords for the backup; nothing was imported.
password-backup-prompt = Password of the backup:
password-backup-no-terminal = The backup is encrypted and no password was given: set LIFEBOAT_BACKUP_PASSWORD, pass --password-file FILE, or run Lifeboat in a terminal.

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
restore-category = { $category }: { $restored } restored, { $present } already there, { $refused } refused{ $merged ->
        [0] {""}
       *[other] , { $merged } merged
}
restore-note = note: { $note }
allow-prompt = The phone { $phone } asks whether to allow this computer: unlock it, tick "Always allow from this computer" and tap Allow.

## Desktop app
gui-no-command = No command given; run `lifeboat --help`, or `lifeboat` alone to open the app.
gui-nav-devices = Devices
gui-nav-backups = Backups
gui-nav-restore = Restore
gui-nav-settings = Settings
gui-vault-open = Vault unlocked
gui-open-vault = Open vault
gui-unlock = Unlock
gui-loading = Loading…
gui-starting = Starting…
gui-ok = OK
gui-yes = yes
gui-no = no
gui-back = Back
gui-next = Next
gui-done = Done
gui-open = Open
gui-choose = Choose…
gui-cancel = Cancel
gui-cancelling = Cancelling…
gui-items = { $count ->
    [one] 1 item
   *[other] { $count } items
}
gui-today-at = today { $time }
gui-yesterday-at = yesterday { $time }
gui-month-1 = Jan
gui-month-2 = Feb
gui-month-3 = Mar
gui-month-4 = Apr
gui-month-5 = May
gui-month-6 = Jun
gui-month-7 = Jul
gui-month-8 = Aug
gui-month-9 = Sep
gui-month-10 = Oct
gui-month-11 = Nov
gui-month-12 = Dec
gui-cat-contacts = Contacts
gui-cat-photos = Photos & videos
gui-cat-messages = Messages
gui-cat-calls = Call history
gui-cat-settings = Settings
gui-cat-apps = Apps
gui-cat-files = Other files
gui-progress-category = { $done } of { $total } · { $bytes_done } of { $bytes_total }
gui-progress-total = { $done } of { $total } · { $rate } · { $eta } left

## Desktop app: password
gui-password = Password
gui-password-again = Type the password again
gui-password-current = Current password
gui-password-new = New password
gui-password-unlock-title = Unlock your vault
gui-password-unlock-body = Your backups in { $path } are encrypted. Type the vault password to open them.
gui-password-create-title = Create your vault
gui-password-create-body = Lifeboat keeps your backups encrypted in { $path }. Choose a password for them.
gui-password-change-title = Change the vault password
gui-password-change-body = Type the current password, then the new one twice.
gui-password-wrong = That password does not open this vault. Check the keyboard layout and Caps Lock, and try again.
gui-password-mismatch = The two passwords are not the same.
gui-password-working = Checking the password…
gui-create-vault = Create vault
gui-change-password = Change password…

## Desktop app: devices
gui-add-folder = Add a folder or SD card…
gui-add-folder-title = Choose a folder or SD card to back up
gui-devices-pick = Choose a device on the left.
gui-empty-title = Connect your phone
gui-empty-body = Plug your phone into this computer with a USB cable. Lifeboat finds it by itself.
gui-empty-android-title = Android
gui-empty-android-body = Turn on USB debugging: Settings › About phone › tap "Build number" seven times, then Settings › System › Developer options › USB debugging. When the phone asks, tap Allow.
gui-empty-iphone-title = iPhone
gui-empty-iphone-body = Unlock the iPhone and tap "Trust" when it asks whether to trust this computer, then enter its passcode.
gui-try-demo = Try the demo phone
gui-forget-folder = Forget
gui-last-backup = Last backup: { $when }
gui-never-backed-up = Never backed up
gui-reminder = It has been more than three weeks since the last backup of this device.
gui-storage = { $used } of { $total } used
gui-state-ready = Ready
gui-battery = Battery { $percent }%
gui-serial = serial { $serial }
gui-device-gone = No longer connected
gui-demo-tag-demo = Demo phone (virtual)
gui-demo-tag-empty = New phone (virtual, empty)
gui-add-empty-demo = Add an empty demo phone
gui-starting-demo = Starting the demo phone…
gui-starting-empty-demo = Starting the empty phone…
gui-demo-explained = The demo phone is a virtual Android phone inside Lifeboat, with photos, contacts and conversations. It is backed up over the same connection as a real phone.
gui-demo-no-folder = There is no folder for the demo phones; set LIFEBOAT_DEMO_DIR to a folder Lifeboat may write to.
gui-demo-sim-failed = The virtual phone did not start: { $reason }
gui-demo-remember-failed = The virtual phone started, but its address could not be saved in { $path } ({ $reason }); check that the folder can be written to.
gui-demo-reset-failed = The empty phone's old contents in { $path } could not be cleared ({ $reason }); delete that folder and try again.
gui-backup-disconnected-title = The phone was disconnected
gui-backup-disconnected = The phone was disconnected during the backup; what was copied is kept and the next backup continues from there.
gui-backup-stopping = The phone is gone; stopping the backup…
gui-col-category = Category
gui-fidelity-title = What the target can keep
gui-fidelity-as-is = Will transfer
gui-fidelity-converted = Converted
gui-fidelity-impossible = Cannot transfer
gui-fidelity-checking = Checking what { $target } can keep…
gui-fidelity-failed = The fidelity report could not be made: { $reason }
gui-fidelity-all-as-is = Everything transfers as it is.
gui-fidelity-some-not = Some items will be converted or cannot transfer; the reasons are under each category.
gui-restore-failed = The restore did not finish
gui-restored = Restored
gui-already-there = Already there
gui-refused = Refused
gui-before-after = Before → after
gui-after-all-there = { $target } holds everything that was sent.
gui-counting = Counting…
gui-what-to-back-up = What to back up
gui-back-up-now = Back Up Now
gui-backup-done = Backup finished
gui-backup-failed = The backup did not finish
gui-backup-stored = { $items } items, { $size }, in { $duration }.
gui-under-a-second = under a second
gui-backup-incremental = { $unchanged } unchanged since the last backup, { $read } read, { $new } new.
gui-unavailable = { $category } could not be backed up: { $reason }

## Desktop app: backups
gui-backups-count = { $count ->
    [one] 1 backup
   *[other] { $count } backups
}
gui-backups-locked = Unlock the vault to see your backups.
gui-no-backups = No backups yet. Choose a device and press Back Up Now.
gui-verify = Verify
gui-verifying = Verifying…
gui-verify-ok = Verified
gui-verify-problems = The vault has problems
gui-verify-damaged = { $count } damaged items
gui-not-verified = Not verified yet
gui-restore = Restore

## Desktop app: browser
gui-restore-this = Restore…
gui-search-snapshot = Search this backup
gui-search-contacts = Search contacts
gui-browse-empty = Nothing of this kind in this backup.
gui-contacts-pick = Choose a contact.
gui-messages-pick = Choose a conversation.
gui-no-preview = { $name } has no preview.
gui-photo-taken = taken { $date }
gui-table-more = { $count } more; search to narrow the list.
gui-field-phone = Phone
gui-field-email = Email
gui-field-address = Address
gui-field-organization = Organization
gui-field-title = Title
gui-field-birthday = Birthday
gui-field-anniversary = Anniversary
gui-field-web = Website
gui-field-nickname = Nickname
gui-field-note = Note
gui-field-groups = Groups
gui-col-when = When
gui-col-name = Name
gui-col-number = Number
gui-col-type = Type
gui-col-duration = Duration
gui-col-group = Group
gui-col-key = Setting
gui-col-value = Value
gui-col-app-id = App id
gui-col-version = Version
gui-col-package = Package kept
gui-col-path = Path
gui-col-size = Size
gui-col-modified = Modified
gui-call-incoming = incoming
gui-call-outgoing = outgoing
gui-call-missed = missed
gui-export-title = Export
gui-export-folder = To a folder…
gui-export-zip = As .zip…
gui-export-vcard = Export vCard…
gui-export-html = Export HTML…
gui-export-csv = Export CSV…
gui-exporting = Exporting…
gui-exported = Exported { $count } to { $path }.

## Desktop app: restore
gui-step-snapshot = Backup
gui-step-target = Where to
gui-step-items = What
gui-step-summary = Check
gui-step-run = Restore
gui-restore-which = Which backup?
gui-restore-choose = Choose a backup
gui-restore-where = Where should it go?
gui-restore-pick-folder = Choose a folder…
gui-restore-to-folder = Folder: { $path }
gui-restore-what = What should be restored?
gui-restore-folders = Only these folders
gui-restore-overwrite = Replace files that are already there
gui-restore-will = This will be restored
gui-restore-from = From: { $snapshot }
gui-restore-into = Into: { $target }
gui-restore-leaving-out = Leaving out: { $folders }
gui-restore-overwrites = Files already there are replaced.
gui-restore-keeps = Files already there are kept as they are.
gui-restore-start = Restore now
gui-restore-done = Restored { $count } items ({ $size }).
gui-restore-category = { $category }: { $restored } restored, { $present } already there, { $refused } refused

## Desktop app: settings
gui-settings-vault = Vault
gui-settings-vault-pick = Choose the vault folder
gui-settings-automatic = Automatic
gui-settings-auto = Back up automatically when a known device connects
gui-settings-reminder = Remind me after three weeks without a backup
gui-settings-categories = Categories for new devices
gui-settings-quality = Photos
gui-quality-original = Original quality
gui-quality-saving = Space-saving copies
gui-quality-note = Space-saving copies keep JPEG photos of 1 MB or more at 2,560 pixels on the long side, with their date, camera and place: about a quarter of the space. HEIC photos, videos and everything else stay original. The photos on the phone are never changed.
gui-settings-look = Language and look
gui-language = Language
gui-language-system = Same as the system
gui-theme = Theme
gui-theme-light = Light
gui-theme-dark = Dark

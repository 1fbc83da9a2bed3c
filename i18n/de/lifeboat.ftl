# Lifeboat, deutsche Texte.

## Passwörter
password-prompt = Passwort des Tresors:
password-new-prompt = Neues Passwort des Tresors:
password-repeat-prompt = Noch einmal eingeben:
password-mismatch = Die beiden Passwörter stimmen nicht überein; nichts wurde geändert.
password-empty = Das Passwort darf nicht leer sein.
password-no-terminal = Kein Passwort: Setzen Sie LIFEBOAT_PASSWORD oder starten Sie Lifeboat in einem Terminal.
password-lost-warning = Wichtig: Ihre Sicherungen lassen sich nur mit diesem Passwort öffnen. Geht es verloren, kann niemand (auch Lifeboat nicht) sie wiederherstellen. Bewahren Sie es sicher auf.
password-changed = Das Passwort des Tresors wurde geändert.

## Fortschritt
phase-scanning = Durchsuchen
phase-transferring = Kopieren
phase-finishing = Abschließen
phase-verifying = Prüfen
progress-line = { $items_done }/{ $items_total } Elemente, { $bytes_done } von { $bytes_total }, { $rate }, noch { $eta }
notice-line = Warnung: { $subject }: { $message }

## Tresor
vault-created = Neuer Tresor in { $path } angelegt.
no-vault-path = Es gibt keinen Benutzerordner für den Tresor; geben Sie --vault ORDNER an.
unlocked = Die Sperre von { $holder } wurde entfernt.
not-locked = Der Tresor war nicht gesperrt.
snapshot-forgotten = Sicherung { $id } entfernt; `lifeboat prune` gibt ihren Platz frei.
snapshot-damaged = Warnung: Sicherung { $id } ist nicht lesbar: { $reason }
prune-summary = Aufräumen beendet: { $removed } Pakete entfernt, { $repacked } neu gepackt, { $freed } frei geworden.

## Sicherung
backup-done = { $device } als Sicherung { $id } gesichert: { $items } Elemente, { $size }, in { $duration }.
backup-category = { $category }: { $items } Elemente, { $size }
backup-incremental = { $unchanged } Elemente seit der letzten Sicherung unverändert, { $read } gelesen; { $new } neue Daten, { $stored } im Tresor hinzugekommen.
backup-unavailable = { $category } ist nicht verfügbar: { $reason }
backup-skipped = ausgelassen: { $what }: { $reason }

## Listen
col-id = ID
col-time = ZEIT
col-device = GERÄT
col-categories = KATEGORIEN
col-items = ELEMENTE
col-size = GRÖSSE
col-status = STATUS
col-type = ART
col-category = KATEGORIE
col-modified = GEÄNDERT
col-path = PFAD
status-complete = vollständig
status-incomplete = unvollständig (unterbrochen)

## Wiederherstellen
restore-done = { $items } Elemente ({ $size }) in { $duration } nach { $target } wiederhergestellt.
restore-failed-item = nicht wiederhergestellt: { $path }: { $reason }
restore-incomplete = { $count ->
    [one] Ein Element wurde nicht wiederhergestellt: { $first }
   *[other] { $count } Elemente wurden nicht wiederhergestellt; das erste: { $first }
}

## Prüfen
verify-summary = { $snapshots } Sicherungen und { $packs } von { $total } Paketen geprüft ({ $size } gelesen).
verify-problem = beschädigt: { $problem }
verify-damaged-item = { $path } aus Sicherung { $snapshot } ist nicht wiederherstellbar: { $reason }
verify-unindexed = { $count } Pakete stehen in keinem Index; die nächste Sicherung nimmt sie wieder auf, und Aufräumen entfernt, was niemand braucht.
verify-ok = Alles ist unversehrt.
verify-damaged = Der Tresor ist beschädigt: { $problems } Probleme, { $items } Elemente betroffen.

## Demo
demo-intro = Demo: { $phone }, ein virtuelles Android-Telefon mit echtem ADB, wird im Demo-Tresor { $vault } gesichert.
demo-next = Der Demo-Tresor enthält jetzt { $count } Sicherungen. Erkunden Sie ihn mit:
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } snapshots
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } restore latest --to /tmp/lifeboat-restore
  Starten Sie die Demo erneut: Sie macht ein weiteres Foto und sichert nur, was sich geändert hat.
export-html-title = Nachrichten

## Import und Export
import-missing = Unter { $path } gibt es nichts.
import-unknown = Lifeboat kann { $path } nicht importieren: Geben Sie einen iPhone-Sicherungsordner (Finder, iTunes), eine Android-Sicherung (adb backup), eine vCard-Datei (.vcf) oder einen Export von SMS Backup & Restore (.xml) an.
export-done = { $count } Elemente ({ $size }) nach { $out } exportiert.

## Übertragbarkeit zwischen Geräten
fidelity-imessage-flattened = iMessage-Effekte, Reaktionen und Änderungen werden zu einfachem Text.
fidelity-setting-translated = Einstellungen mit einer Entsprechung auf dem neuen Telefon werden übertragen.
fidelity-setting-not-portable = Diese Einstellung gehört zum alten Telefon und hat auf dem neuen keine sichere Entsprechung.
fidelity-apps-reinstall = Lifeboat installiert keine Apps; die Liste bleibt erhalten, damit Sie sie aus dem Store neu installieren können.
fidelity-iphone-full-restore = Ein iPhone übernimmt Nachrichten und Anrufliste nur über eine vollständige Wiederherstellung einer iPhone-Sicherung in Finder oder iTunes.
fidelity-camera-photos-only = Eine Kamera speichert nur Fotos und Videos.
fidelity-header = Was diese Wiederherstellung tun wird:
fidelity-line = { $category }: { $as_is } unverändert, { $converted } umgewandelt, { $impossible } nicht übertragbar
fidelity-reason = - { $reason }
import-unlocking = Sicherung wird entsperrt
import-password-attempts = Dreimal ein falsches Passwort für die Sicherung; nichts wurde importiert.
password-backup-prompt = Passwort der Sicherung:

## Geräte
no-config-dir = Es gibt keinen Konfigurationsordner, um Telefone zu merken; setzen Sie LIFEBOAT_CONFIG_DIR.
state-ready = bereit zur Sicherung
state-unauthorized = Entsperren Sie das Telefon und tippen Sie bei „USB-Debugging zulassen?“ auf „Zulassen“
state-in-use = ein anderes Programm belegt dieses Gerät; beenden Sie es (zum Beispiel `adb kill-server`) oder lassen Sie Lifeboat den adb-Server verwenden
state-no-permission = dieser Computer lässt Lifeboat das Gerät nicht öffnen: Installieren Sie dist/udev/51-lifeboat-phones.rules (siehe docs/android.md) und stecken Sie es neu ein
state-mtp-only = nur Dateien werden freigegeben: Schalten Sie USB-Debugging (Entwickleroptionen) für Kontakte und Nachrichten ein
state-unsupported = dieses Gerät bietet in seinem aktuellen USB-Modus nichts, was Lifeboat sichern kann
state-disconnected = nicht erreichbar: Prüfen Sie, ob es eingeschaltet, in diesem Netz und das drahtlose Debugging aktiv ist
devices-none = Keine Telefone gefunden. Schließen Sie eines mit aktivem USB-Debugging an oder führen Sie `lifeboat connect HOST:PORT` für ein Telefon im Netz aus.
col-transport = VERBINDUNG
col-state = ZUSTAND
col-details = DETAILS
device-hint = { $id }: { $hint }
device-battery = Akku { $percent } %
device-storage = { $free } frei von { $total }
bad-address = „{ $address }“ ist keine Adresse; geben Sie HOST:PORT an, zum Beispiel 192.168.1.20:5555.
connected = Verbunden mit { $name } ({ $id }) unter { $address }; Lifeboat sucht es künftig dort.
not-remembered = { $address } war nicht gemerkt.
disconnected = { $address } vergessen.
device-not-found = Kein Telefon „{ $id }“ gefunden; `lifeboat devices` listet die Kennungen.
sim-listening = Virtuelles Android-Telefon { $serial } wartet auf { $address }
backup-needs-source = Geben Sie an, was gesichert werden soll: --from ORDNER oder --device KENNUNG.
restore-needs-target = Geben Sie an, wohin wiederhergestellt werden soll: --to ORDNER oder --device KENNUNG.
restore-category = { $category }: { $restored } wiederhergestellt, { $present } schon vorhanden, { $refused } abgelehnt
restore-note = Hinweis: { $note }
allow-prompt = Das Telefon { $phone } fragt, ob es diesem Computer vertrauen soll: Entsperren Sie es, setzen Sie das Häkchen bei „Von diesem Computer immer zulassen“ und tippen Sie auf „Zulassen“.

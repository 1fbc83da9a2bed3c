# Lifeboat, deutsche Texte.

## Passwörter
password-prompt = Passwort des Tresors:
password-new-prompt = Neues Passwort des Tresors:
password-repeat-prompt = Noch einmal eingeben:
password-mismatch = Die beiden Passwörter stimmen nicht überein; nichts wurde geändert.
password-empty = Das Passwort darf nicht leer sein.
password-no-terminal = Kein Passwort: Setzen Sie LIFEBOAT_PASSWORD oder starten Sie Lifeboat in einem Terminal.
password-env-not-utf8 = { $name } ist kein gültiges UTF-8: Setzen Sie das Passwort als UTF-8-Text (oder entfernen Sie die Variable, um danach gefragt zu werden).
password-lost-warning = Wichtig: Ihre Sicherungen lassen sich nur mit diesem Passwort öffnen. Geht es verloren, kann niemand (auch Lifeboat nicht) sie wiederherstellen. Bewahren Sie es sicher auf.
password-changed = Das Passwort des Tresors wurde geändert.
recovery-code-intro = Dein Wiederherstellungscode öffnet diesen Tresor, falls das Passwort je vergessen wird:
recovery-code-keep = Drucke ihn aus oder schreib ihn auf und bewahre ihn getrennt von diesem Computer auf. Gib ihn dort ein, wo nach dem Passwort gefragt wird, und lege dann mit `lifeboat passwd` ein neues Passwort fest. Lifeboat zeigt ihn nur dieses eine Mal.
recovery-code-replaced = Der frühere Wiederherstellungscode öffnet den Tresor nicht mehr.
password-changed-by-recovery-code = Der Tresor wurde mit seinem Wiederherstellungscode geöffnet: Das vergessene Passwort öffnet ihn nicht mehr, der Wiederherstellungscode weiterhin.

## Fortschritt
phase-scanning = Durchsuchen
phase-transferring = Kopieren
phase-finishing = Abschließen
phase-verifying = Prüfen
progress-line = { $items_done }/{ $items_total } Elemente, { $bytes_done } von { $bytes_total }, { $rate }, noch { $eta }
notice-line = Warnung: { $subject }: { $message }
interrupt-stopping = Wird angehalten: Was bisher kopiert wurde, bleibt erhalten. Drücken Sie noch einmal Strg+C, um sofort abzubrechen.

## Tresor
vault-created = Neuer Tresor in { $path } angelegt.
no-vault-path = Es gibt keinen Benutzerordner für den Tresor; geben Sie --vault ORDNER an.
lock-held = Der Tresor wird seit { $since } von { $holder } benutzt, das noch läuft: Warte, bis es fertig ist, oder beende es.
not-locked = Der Tresor wird nicht benutzt: kein Programm schreibt hinein.
snapshot-forgotten = Sicherung { $id } entfernt; `lifeboat prune` gibt ihren Platz frei.
snapshot-damaged = Warnung: Sicherung { $id } ist nicht lesbar: { $reason }
prune-summary = Aufräumen beendet: { $removed } Pakete entfernt, { $repacked } neu gepackt, { $freed } frei geworden.
prune-no-room-to-repack = { $packs } teilweise genutzte Pakete blieben, wie sie sind: Auf dem Datenträger war kein Platz, um ihren noch genutzten Inhalt zu kopieren. Führe `lifeboat prune` erneut aus, sobald mehr Platz frei ist.
repair-packs = { $packs } Pakete geprüft: { $damaged } beschädigt, { $salvaged } Blöcke daraus gerettet, { $lost } Blöcke verloren.
repair-pack-damaged = Paket { $pack } ist beschädigt und wurde entfernt: { $reason }
repair-index = Index aus den Paketen neu aufgebaut: Eine neue Indexdatei ersetzt { $replaced } ({ $damaged } davon beschädigt).
repair-snapshot-removed = Sicherung { $id } wurde entfernt: { $reason }
repair-snapshot-repaired = Sicherung { $from } hat { $items } Elemente verloren; sie ist jetzt Sicherung { $id }, die sie als ausgelassen nennt:
repair-lost-item = verloren: { $path }
repair-done = Der Tresor ist wieder stimmig.
repair-nothing = Nichts war zu reparieren: Der Tresor ist stimmig.
repair-still-damaged = Der Tresor ist auch nach der Reparatur nicht stimmig ({ $problems } Probleme); siehe oben.
status-repaired = repariert, { $lost } Elemente verloren

## Sicherung
backup-done = { $device } als Sicherung { $id } gesichert: { $items } Elemente, { $size }, in { $duration }.
backup-category = { $category }: { $items } Elemente, { $size }
backup-incremental = { $unchanged } Elemente seit der letzten Sicherung unverändert, { $read } gelesen; { $new } neue Daten, { $stored } im Tresor hinzugekommen.
backup-unavailable = { $category } ist nicht verfügbar: { $reason }
backup-skipped = ausgelassen: { $what }: { $reason }
backup-left-out = { $count ->
    [one] Ein Element fehlt in der Sicherung (der Rest ist gesichert): { $first }
   *[other] { $count } Elemente fehlen in der Sicherung (der Rest ist gesichert); das erste: { $first }
}

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
demo-next = Der Demo-Tresor enthält jetzt { $count ->
        [one] eine Sicherung
       *[other] { $count } Sicherungen
    }. Erkunden Sie ihn mit:
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } snapshots
    LIFEBOAT_PASSWORD={ $password } lifeboat --vault { $vault } restore latest --to /tmp/lifeboat-restore
  Starten Sie die Demo erneut: Sie macht ein weiteres Foto und sichert nur, was sich geändert hat.
export-html-title = Nachrichten

## Import und Export
import-missing = Unter { $path } gibt es nichts.
import-unknown = Lifeboat kann { $path } nicht importieren: Geben Sie einen iPhone-Sicherungsordner (Finder, iTunes), eine Android-Sicherung (adb backup), eine vCard-Datei (.vcf) oder einen Export von SMS Backup & Restore (.xml) an.
export-done = { $count } Elemente ({ $size }) nach { $out } exportiert.
export-exists = { $path } ist schon vorhanden und wurde nicht ersetzt: Wählen Sie einen anderen Namen oder ersetzen Sie die Datei mit --overwrite.
export-left-out-item = nicht exportiert: { $path }: { $reason }
export-incomplete = { $count ->
    [one] Ein Element wurde nicht exportiert: { $first }
   *[other] { $count } Elemente wurden nicht exportiert; das erste: { $first }
}

## Übertragbarkeit zwischen Geräten
fidelity-imessage-flattened = iMessage-Effekte, Reaktionen und Änderungen werden zu einfachem Text.
fidelity-heic-to-jpeg = HEIC-Fotos werden zu JPEG (mit Aufnahmezeit, Kamera und Ort), weil dieses Gerät HEIC nicht anzeigen kann.
fidelity-heic-kept = HEIC-Fotos bleiben HEIC, obwohl dieses Gerät sie nicht anzeigen kann: Diese Lifeboat-Version kann sie nicht umwandeln.
fidelity-setting-not-portable = Diese Einstellungen gehören zum alten Telefon: Nur wenige übertragbare, harmlose (Bildschirm-Timeout, 24-Stunden-Uhr, Schriftgröße…) werden geschrieben, und nur auf ein Telefon derselben Art.
fidelity-apps-reinstall = Lifeboat installiert keine Apps; die Liste bleibt erhalten, damit Sie sie aus dem Store neu installieren können.
fidelity-iphone-full-restore = Ein iPhone übernimmt Nachrichten, Anrufliste und Einstellungen nur über eine vollständige Wiederherstellung einer iPhone-Sicherung in Finder oder iTunes.
fidelity-no-file-access = Ein iPhone hat keine Ordner für andere Dateien.
fidelity-windows-phone-account = Ein Windows Phone übernimmt Kontakte, Nachrichten, Anrufliste und Einstellungen nur aus seinem Microsoft-Konto.
fidelity-camera-photos-only = Eine Kamera speichert nur Fotos und Videos.
fidelity-raw-backup-kept = Die Originaldateien einer importierten Sicherung bleiben im Tresor: Sie gehen nur als Ganzes zurück, auf die Art Gerät, die sie erstellt hat (eine iPhone-Sicherung über Finder oder iTunes), oder in einen Ordner.
fidelity-header = Was diese Wiederherstellung tun wird, von { $source } nach { $target }:
fidelity-nothing = Die Sicherung enthält nichts aus den gewählten Kategorien.
fidelity-reason = { $category }: { $reason }
col-as-is = UNVERÄNDERT
col-converted = UMGEWANDELT
col-cannot = NICHT ÜBERTRAGBAR
col-will-transfer = WIRD ÜBERTRAGEN
col-restored = WIEDERHERGESTELLT
col-already-there = SCHON VORHANDEN
col-merged = ZUSAMMENGEFÜHRT
col-refused = ABGELEHNT
col-before = VORHER
col-after = NACHHER
col-difference = DIFFERENZ
restore-no-plan = konnte nicht planen, was übertragen wird: { $reason }
restore-not-counted = konnte nicht zählen, was es jetzt enthält: { $reason }
convert-kept-heic = { $path }: { $reason }; als HEIC wiederhergestellt
convert-not-heic = { $path }: trotz des Namens kein HEIC-Foto; unverändert wiederhergestellt
report-converted = { $category }: { $done } von { $planned } unterwegs umgewandelt
report-line = { $category }: { $explanation }
report-not-counted = danach nicht gezählt
report-not-counted-because = danach nicht gezählt: { $reason }
report-matches = das Ziel enthält, was es vorher enthielt, plus das Wiederhergestellte
report-in-place = Einstellungen werden an Ort und Stelle geändert, ihre Anzahl sagt nichts über die Wiederherstellung
report-fewer = { $count } weniger als erwartet: Das Ziel hat einiges von dem Angenommenen zusammengeführt oder verworfen
report-more = { $count } mehr als erwartet: Während der Wiederherstellung kam anderes hinzu (ein Konto, das synchronisiert, eine App oder eine Person)
import-unlocking = Sicherung wird entsperrt
import-password-attempts = Dreimal ein falsches Passwort für die Sicherung; nichts wurde importiert.
password-backup-prompt = Passwort der Sicherung:
password-backup-no-terminal = Die Sicherung ist verschlüsselt und es wurde kein Passwort angegeben: Setzen Sie LIFEBOAT_BACKUP_PASSWORD, geben Sie --password-file DATEI an oder starten Sie Lifeboat in einem Terminal.

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
restore-category = { $category }: { $restored } wiederhergestellt, { $present } schon vorhanden, { $refused } abgelehnt{ $merged ->
        [0] {""}
       *[other] , { $merged } zusammengeführt
}
restore-note = Hinweis: { $note }
allow-prompt = Das Telefon { $phone } fragt, ob es diesem Computer vertrauen soll: Entsperren Sie es, setzen Sie das Häkchen bei „Von diesem Computer immer zulassen“ und tippen Sie auf „Zulassen“.

## Desktop-App
gui-no-command = Kein Befehl angegeben; `lifeboat --help` zeigt alle, `lifeboat` allein öffnet die App.
gui-nav-devices = Geräte
gui-nav-backups = Sicherungen
gui-nav-restore = Wiederherstellen
gui-nav-settings = Einstellungen
gui-vault-open = Tresor entsperrt
gui-open-vault = Tresor öffnen
gui-unlock = Entsperren
gui-loading = Wird geladen…
gui-starting = Wird gestartet…
gui-ok = OK
gui-yes = ja
gui-no = nein
gui-back = Zurück
gui-next = Weiter
gui-done = Fertig
gui-open = Öffnen
gui-choose = Auswählen…
gui-cancel = Abbrechen
gui-cancelling = Wird abgebrochen…
gui-items = { $count ->
    [one] 1 Element
   *[other] { $count } Elemente
}
gui-today-at = heute { $time }
gui-yesterday-at = gestern { $time }
gui-month-1 = Jan.
gui-month-2 = Feb.
gui-month-3 = März
gui-month-4 = Apr.
gui-month-5 = Mai
gui-month-6 = Juni
gui-month-7 = Juli
gui-month-8 = Aug.
gui-month-9 = Sep.
gui-month-10 = Okt.
gui-month-11 = Nov.
gui-month-12 = Dez.
gui-cat-contacts = Kontakte
gui-cat-photos = Fotos & Videos
gui-cat-messages = Nachrichten
gui-cat-calls = Anrufliste
gui-cat-settings = Einstellungen
gui-cat-apps = Apps
gui-cat-files = Weitere Dateien
gui-progress-category = { $done } von { $total } · { $bytes_done } von { $bytes_total }
gui-progress-total = { $done } von { $total } · { $rate } · noch { $eta }

## Desktop-App: Passwort
gui-password = Passwort
gui-password-again = Passwort wiederholen
gui-password-current = Bisheriges Passwort
gui-password-new = Neues Passwort
gui-password-unlock-title = Tresor entsperren
gui-password-unlock-body = Deine Sicherungen in { $path } sind verschlüsselt. Gib das Tresor-Passwort ein, um sie zu öffnen.
gui-password-create-title = Tresor anlegen
gui-password-create-body = Lifeboat bewahrt deine Sicherungen verschlüsselt in { $path } auf. Wähle ein Passwort dafür.
gui-password-change-title = Tresor-Passwort ändern
gui-password-change-body = Gib das bisherige Passwort ein, dann zweimal das neue.
gui-password-wrong = Dieses Passwort öffnet den Tresor nicht. Prüfe Tastaturbelegung und Feststelltaste und versuche es noch einmal.
gui-password-mismatch = Die beiden Passwörter sind nicht gleich.
gui-password-working = Passwort wird geprüft…
gui-create-vault = Tresor anlegen
gui-change-password = Passwort ändern…

## Desktop-App: Geräte
gui-add-folder = Ordner oder SD-Karte hinzufügen…
gui-add-folder-title = Ordner oder SD-Karte zum Sichern wählen
gui-devices-pick = Wähle links ein Gerät.
gui-empty-title = Verbinde dein Telefon
gui-empty-body = Schließe dein Telefon per USB-Kabel an diesen Computer an. Lifeboat findet es von selbst.
gui-empty-android-title = Android
gui-empty-android-body = Schalte USB-Debugging ein: Einstellungen › Über das Telefon › siebenmal auf „Build-Nummer“ tippen, dann Einstellungen › System › Entwickleroptionen › USB-Debugging. Wenn das Telefon fragt, tippe auf Zulassen.
gui-empty-iphone-title = iPhone
gui-empty-iphone-body = Entsperre das iPhone und tippe auf „Vertrauen“, wenn es fragt, ob es diesem Computer vertrauen soll; gib dann den Code ein.
gui-try-demo = Demo-Telefon ausprobieren
gui-forget-folder = Entfernen
gui-last-backup = Letzte Sicherung: { $when }
gui-never-backed-up = Noch nie gesichert
gui-reminder = Die letzte Sicherung dieses Geräts ist mehr als drei Wochen her.
gui-storage = { $used } von { $total } belegt
gui-state-ready = Bereit
gui-battery = Akku { $percent } %
gui-serial = Seriennummer { $serial }
gui-device-gone = Nicht mehr verbunden
gui-demo-tag-demo = Demo-Telefon (virtuell)
gui-demo-tag-empty = Neues Telefon (virtuell, leer)
gui-add-empty-demo = Leeres Demo-Telefon hinzufügen
gui-starting-demo = Demo-Telefon startet…
gui-starting-empty-demo = Leeres Telefon startet…
gui-demo-explained = Das Demo-Telefon ist ein virtuelles Android-Telefon in Lifeboat, mit Fotos, Kontakten und Unterhaltungen. Es wird über dieselbe Verbindung gesichert wie ein echtes Telefon.
gui-demo-no-folder = Es gibt keinen Ordner für die Demo-Telefone; setzen Sie LIFEBOAT_DEMO_DIR auf einen Ordner, in den Lifeboat schreiben darf.
gui-demo-sim-failed = Das virtuelle Telefon ist nicht gestartet: { $reason }
gui-demo-remember-failed = Das virtuelle Telefon läuft, aber seine Adresse konnte nicht in { $path } gespeichert werden ({ $reason }); prüfen Sie, ob der Ordner beschreibbar ist.
gui-demo-reset-failed = Der alte Inhalt des leeren Telefons in { $path } konnte nicht gelöscht werden ({ $reason }); löschen Sie den Ordner und versuchen Sie es erneut.
gui-backup-disconnected-title = Das Telefon wurde getrennt
gui-backup-disconnected = Das Telefon wurde während der Sicherung getrennt; was schon kopiert war, bleibt erhalten, und die nächste Sicherung macht dort weiter.
gui-backup-stopping = Das Telefon ist weg; die Sicherung wird beendet…
gui-col-category = Kategorie
gui-fidelity-title = Was das Ziel übernehmen kann
gui-fidelity-as-is = Wird übertragen
gui-fidelity-converted = Umgewandelt
gui-fidelity-impossible = Nicht übertragbar
gui-fidelity-checking = Es wird geprüft, was { $target } übernehmen kann…
gui-fidelity-failed = Der Übertragungsbericht konnte nicht erstellt werden: { $reason }
gui-fidelity-all-as-is = Alles wird unverändert übertragen.
gui-fidelity-some-not = Einiges wird umgewandelt oder kann nicht übertragen werden; die Gründe stehen unter der jeweiligen Kategorie.
gui-restore-failed = Die Wiederherstellung wurde nicht abgeschlossen
gui-restored = Wiederhergestellt
gui-already-there = Schon vorhanden
gui-refused = Abgelehnt
gui-before-after = Vorher → nachher
gui-after-all-there = { $target } enthält alles, was gesendet wurde.
gui-counting = Wird gezählt…
gui-what-to-back-up = Was gesichert wird
gui-back-up-now = Jetzt sichern
gui-backup-done = Sicherung abgeschlossen
gui-backup-failed = Die Sicherung wurde nicht abgeschlossen
gui-backup-stored = { $items } Elemente, { $size }, in { $duration }.
gui-under-a-second = weniger als einer Sekunde
gui-backup-incremental = { $unchanged } unverändert seit der letzten Sicherung, { $read } gelesen, { $new } neu.
gui-unavailable = { $category } konnte nicht gesichert werden: { $reason }

## Desktop-App: Sicherungen
gui-backups-count = { $count ->
    [one] 1 Sicherung
   *[other] { $count } Sicherungen
}
gui-backups-locked = Entsperre den Tresor, um deine Sicherungen zu sehen.
gui-no-backups = Noch keine Sicherungen. Wähle ein Gerät und tippe auf „Jetzt sichern“.
gui-verify = Prüfen
gui-verifying = Wird geprüft…
gui-verify-ok = Geprüft
gui-verify-problems = Der Tresor hat Probleme
gui-verify-damaged = { $count } beschädigte Elemente
gui-not-verified = Noch nicht geprüft
gui-restore = Wiederherstellen

## Desktop-App: Browser
gui-restore-this = Wiederherstellen…
gui-search-snapshot = Diese Sicherung durchsuchen
gui-search-contacts = Kontakte durchsuchen
gui-browse-empty = Nichts dieser Art in dieser Sicherung.
gui-contacts-pick = Wähle einen Kontakt.
gui-messages-pick = Wähle eine Unterhaltung.
gui-no-preview = Für { $name } gibt es keine Vorschau.
gui-photo-taken = aufgenommen { $date }
gui-table-more = { $count } weitere; suche, um die Liste einzugrenzen.
gui-field-phone = Telefon
gui-field-email = E-Mail
gui-field-address = Adresse
gui-field-organization = Firma
gui-field-title = Position
gui-field-birthday = Geburtstag
gui-field-anniversary = Jahrestag
gui-field-web = Webseite
gui-field-nickname = Spitzname
gui-field-note = Notiz
gui-field-groups = Gruppen
gui-col-when = Wann
gui-col-name = Name
gui-col-number = Nummer
gui-col-type = Art
gui-col-duration = Dauer
gui-col-group = Gruppe
gui-col-key = Einstellung
gui-col-value = Wert
gui-col-app-id = App-Kennung
gui-col-version = Version
gui-col-package = Paket gesichert
gui-col-path = Pfad
gui-col-size = Größe
gui-col-modified = Geändert
gui-call-incoming = eingehend
gui-call-outgoing = ausgehend
gui-call-missed = verpasst
gui-export-title = Exportieren
gui-export-folder = In einen Ordner…
gui-export-zip = Als .zip…
gui-export-vcard = vCard exportieren…
gui-export-html = HTML exportieren…
gui-export-csv = CSV exportieren…
gui-exporting = Wird exportiert…
gui-exported = { $count } nach { $path } exportiert.

## Desktop-App: Wiederherstellen
gui-step-snapshot = Sicherung
gui-step-target = Wohin
gui-step-items = Was
gui-step-summary = Prüfen
gui-step-run = Wiederherstellen
gui-restore-which = Welche Sicherung?
gui-restore-choose = Sicherung wählen
gui-restore-where = Wohin soll sie?
gui-restore-pick-folder = Ordner wählen…
gui-restore-to-folder = Ordner: { $path }
gui-restore-what = Was soll wiederhergestellt werden?
gui-restore-folders = Nur diese Ordner
gui-restore-overwrite = Vorhandene Dateien ersetzen
gui-restore-will = Das wird wiederhergestellt
gui-restore-from = Aus: { $snapshot }
gui-restore-into = Nach: { $target }
gui-restore-leaving-out = Ausgelassen: { $folders }
gui-restore-overwrites = Vorhandene Dateien werden ersetzt.
gui-restore-keeps = Vorhandene Dateien bleiben, wie sie sind.
gui-restore-start = Jetzt wiederherstellen
gui-restore-done = { $count } Elemente wiederhergestellt ({ $size }).
gui-restore-category = { $category }: { $restored } wiederhergestellt, { $present } schon vorhanden, { $refused } abgelehnt

## Desktop-App: Einstellungen
gui-settings-vault = Tresor
gui-settings-vault-pick = Tresor-Ordner wählen
gui-settings-automatic = Automatisch
gui-settings-auto = Automatisch sichern, wenn ein bekanntes Gerät verbunden wird
gui-settings-reminder = Nach drei Wochen ohne Sicherung erinnern
gui-settings-categories = Kategorien für neue Geräte
gui-settings-quality = Fotos
gui-quality-original = Originalqualität
gui-quality-saving = Platzsparende Kopien
gui-quality-note = Platzsparende Kopien speichern JPEG-Fotos ab 1 MB mit 2.560 Pixeln an der langen Seite, mit Datum, Kamera und Ort: etwa ein Viertel des Platzes. HEIC-Fotos, Videos und alles andere bleiben im Original. Die Fotos auf dem Telefon werden nie verändert.
gui-settings-look = Sprache und Aussehen
gui-language = Sprache
gui-language-system = Wie das System
gui-theme = Design
gui-theme-light = Hell
gui-theme-dark = Dunkel

#!/usr/bin/env python3
"""Writes the committed synthetic seed corpus (fuzz/corpus/<target>/seed-*): a few small, valid inputs per
target, so the fuzzer starts inside each format rather than at its first check. Run from fuzz/; needs only
Python 3 (sqlite3, plistlib, zlib)."""
import io, json, os, plistlib, sqlite3, struct, subprocess, tarfile, tempfile, zlib

def put(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    with open(f"corpus/{target}/seed-{name}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# vCard
put("vcard", "21-qp", "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=89mile;Zola;;;\r\n"
    "FN:Emile Zola\r\nTEL;CELL;PREF:+33 6 12 34 56 78\r\nTEL;HOME:01 23 45 67 89\r\nEMAIL;HOME:emile@example.org\r\n"
    "ADR;WORK:;;1 rue de Paris;Paris;;75001;France\r\nBDAY:1840-04-02\r\nNOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0A=\r\nline two\r\n"
    "END:VCARD\r\n")
put("vcard", "30-photo", "BEGIN:VCARD\nVERSION:3.0\nN:Appleseed;Jane;Q.;Dr.;\nFN:Jane Appleseed\nORG:Example Inc.;Sales\n"
    "item1.TEL;type=CELL;type=VOICE;type=pref:(555) 555-1212\nitem1.X-ABLabel:_$!<Mobile>!$_\n"
    "item2.EMAIL;type=INTERNET:jane@example.com\nitem2.X-ABLabel:work\nURL:https://example.com\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////\n"
    " //////////////////////////////////////////8AACwgAAQABAQERAP/EABQAAQAAAAAAAAAAAAAAAAAAAAP/2gAIAQEAAD8AN//Z\n"
    "X-SOCIALPROFILE;type=twitter:x-apple:jane\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Second\nTEL:123\nEND:VCARD\n")
put("vcard", "40", "BEGIN:VCARD\r\nVERSION:4.0\r\nFN;LANGUAGE=ja:山田 太郎\r\nN:山田;太郎;;;\r\nGENDER:M\r\n"
    "TEL;VALUE=uri;TYPE=\"voice,cell\";PREF=1:tel:+81-90-1234-5678\r\nEMAIL;TYPE=work:taro@example.jp\r\n"
    "ANNIVERSARY:20090808T1430-0500\r\nKIND:individual\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n"
    "X-LONG;X-PARAM=a,b,c:folded \r\n  over lines\r\nEND:VCARD\r\n")

# SMS Backup & Restore
put("sms_xml", "sms-mms", """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="3" backup_set="b1" backup_date="1700000000000" type="full">
  <sms protocol="0" address="+15551234567" date="1700000000000" type="1" subject="null" body="Hello &amp; welcome &#128512;" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="1699999999000" sub_id="1" readable_date="Nov 14, 2023" contact_name="Ann" />
  <sms protocol="0" address="+15557654321" date="1700000100000" type="2" body="Reply" read="1" status="-1" locked="0" />
  <mms date="1700000200000" rr="null" sub="Pic" ct_t="application/vnd.wap.multipart.related" read_status="null" seen="1" msg_box="1" address="+15551234567~+15550000000" m_type="132" text_only="0" read="1">
    <parts>
      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" cl="smil.xml" text="&lt;smil&gt;&lt;body&gt;&lt;par&gt;&lt;img src=&quot;a.jpg&quot;/&gt;&lt;/par&gt;&lt;/body&gt;&lt;/smil&gt;" />
      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="&lt;text_0&gt;" cl="text_0.txt" text="A picture" />
      <part seq="0" ct="image/jpeg" name="a.jpg" chset="null" cl="a.jpg" data="/9j/4AAQSkZJRgABAQ==" />
    </parts>
    <addrs>
      <addr address="+15551234567" type="137" charset="106" />
      <addr address="+15550000000" type="151" charset="106" />
    </addrs>
  </mms>
</smses>
""")
put("sms_xml", "calls", """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="2" backup_set="c1" backup_date="1700000000000" type="full">
  <call number="+15551234567" duration="65" date="1700000000000" type="1" presentation="1" subscription_id="1" post_dial_digits="" readable_date="Nov 14, 2023" contact_name="Ann" />
  <call number="" duration="0" date="1700000300000" type="3" presentation="2" />
</calls>
""")

# adb backup
def tar_of(entries):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()

sms_chunk = json.dumps([{"address": "+15551234567", "body": "hi", "date": "1700000000000", "type": "1", "read": "1"}]).encode()
mms_chunk = json.dumps([{"date": "1700000200", "msg_box": "1", "sub": "Pic", "mms_addresses": [{"address": "+1555", "type": "137"}],
                         "mms_body": "hello", "mms_charset": 106}]).encode()
tar = tar_of([
    ("apps/com.example.notes/_manifest", b"1\n1\ncom.example.notes\n0\n0\n0\n"),
    ("apps/com.example.notes/f/notes.txt", b"a note\n"),
    ("apps/com.example.notes/db/notes.db", b"SQLite format 3\0"),
    ("apps/com.android.providers.telephony/d_f/000000_sms_backup", zlib.compress(sms_chunk)),
    ("apps/com.android.providers.telephony/d_f/000000_mms_backup", zlib.compress(mms_chunk)),
    ("shared/0/DCIM/Camera/IMG_0001.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 60),
])
put("android_backup", "v5-deflated", b"ANDROID BACKUP\n5\n1\nnone\n" + zlib.compress(tar))
put("android_backup", "v1-plain", b"ANDROID BACKUP\n1\n0\nnone\n" + tar[:3072])
put("android_backup", "v5-aes-header", b"ANDROID BACKUP\n5\n1\nAES-256\n" + b"00" * 64 + b"\n" + b"11" * 64 + b"\n10000\n"
    + b"22" * 16 + b"\n" + b"33" * 96 + b"\n" + b"\x01" * 64)
put("android_telephony", "sms", b"\x00" + sms_chunk)
put("android_telephony", "mms-deflated", b"\x01" + zlib.compress(mms_chunk))

# iPhone backup pieces
def mbfile(size, target=None, key=None):
    objects = ["$null", {"$class": plistlib.UID(2), "Size": size, "LastModified": 1700000000, "Mode": 33188,
                         "ProtectionClass": 3, "Birth": 1600000000, "InodeNumber": 1234, "UserID": 501, "GroupID": 501,
                         "RelativePath": plistlib.UID(3), "Flags": 1}, {"$classname": "MBFile", "$classes": ["MBFile", "NSObject"]},
               "Library/SMS/sms.db"]
    if target is not None:
        objects[1]["Target"] = plistlib.UID(len(objects)); objects.append(target)
    if key is not None:
        objects[1]["EncryptionKey"] = plistlib.UID(len(objects))
        objects.append({"NS.data": key, "$class": plistlib.UID(len(objects) + 1)})
        objects.append({"$classname": "NSMutableData", "$classes": ["NSMutableData", "NSData", "NSObject"]})
    return plistlib.dumps({"$version": 100000, "$archiver": "NSKeyedArchiver", "$top": {"root": plistlib.UID(1)},
                           "$objects": objects}, fmt=plistlib.FMT_BINARY)
put("ios_mbfile", "file", mbfile(4096))
put("ios_mbfile", "link", mbfile(0, target="/var/mobile/Library"))
put("ios_mbfile", "key", mbfile(100, key=b"\x03\0\0\0" + b"\x42" * 40))
with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "Manifest.db")
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)")
    con.execute("CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)")
    rows = [("3d0d7e5fb2ce288813306e4d4636395e047a3d28", "HomeDomain", "Library/SMS/sms.db", 1, mbfile(4096)),
            ("31bb7ba8914766d4ba40d6dfb6113c8b614be442", "HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", 1, mbfile(8192)),
            ("5a4935c78a5255723f707230a451d79c540d2741", "HomeDomain", "Library/CallHistoryDB/CallHistory.storedata", 1, mbfile(1024)),
            ("0000000000000000000000000000000000000001", "CameraRollDomain", "Media/DCIM/100APPLE", 2, mbfile(0)),
            ("0000000000000000000000000000000000000002", "HomeDomain", "Library/link", 4, mbfile(0, target="../x"))]
    con.executemany("INSERT INTO Files VALUES (?,?,?,?,?)", rows)
    con.commit(); con.close()
    con = sqlite3.connect(db); con.execute("VACUUM"); con.close()
    put("ios_manifest_db", "five-files", open(db, "rb").read())
def tlv(tag, value):
    value = struct.pack(">I", value) if isinstance(value, int) else value
    return tag + struct.pack(">I", len(value)) + value
bag = (tlv(b"VERS", 4) + tlv(b"TYPE", 1) + tlv(b"UUID", b"\x11" * 16) + tlv(b"HMCK", b"\x22" * 40) + tlv(b"WRAP", 2)
       + tlv(b"SALT", b"\x33" * 20) + tlv(b"ITER", 10000) + tlv(b"DPWT", 1) + tlv(b"DPIC", 10000000) + tlv(b"DPSL", b"\x44" * 20))
for clas in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11):
    bag += tlv(b"UUID", bytes([clas]) * 16) + tlv(b"CLAS", clas) + tlv(b"WRAP", 3) + tlv(b"KTYP", 0) + tlv(b"WPKY", bytes([clas]) * 40)
put("ios_keybag", "v4", bag)
info = plistlib.dumps({"Device Name": "Jane's iPhone", "Product Type": "iPhone13,2", "Product Version": "14.3",
                       "Build Version": "18C66", "Serial Number": "F00", "Unique Identifier": "00008101-0000",
                       "IMEI": "350000000000000", "Phone Number": "+1 555 123 4567", "Last Backup Date": __import__("datetime").datetime(2023, 11, 14),
                       "Installed Applications": ["com.apple.mobilesafari", "com.example.app"]})
manifest = plistlib.dumps({"IsEncrypted": True, "Version": "10.0", "BackupKeyBag": bag, "ManifestKey": b"\x04\0\0\0" + b"\x55" * 40,
                           "Lockdown": {"DeviceName": "Jane's iPhone", "ProductType": "iPhone13,2", "ProductVersion": "14.3",
                                        "BuildVersion": "18C66", "SerialNumber": "F00", "UniqueDeviceID": "00008101"}},
                          fmt=plistlib.FMT_BINARY)
status = plistlib.dumps({"SnapshotState": "finished", "IsFullBackup": False, "Version": "3.3", "BackupState": "new"})
put("ios_plists", "three", info + b"\0\0\0\0" + manifest + b"\0\0\0\0" + status)
# An NSAttributedString in Apple's typedstream form, as iMessage stores it in sms.db's attributedBody.
def typedstream(text):
    body = text.encode()
    return (b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85"
            b"\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+" + bytes([len(body)]) + body
            + b"\x86\x84\x02iI\x01" + bytes([len(text)]) + b"\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x00\x86\x86")
put("ios_attributed_body", "hello", typedstream("Hello from iMessage"))
put("ios_attributed_body", "emoji", typedstream("Ça va? 😀"))

# ADB wire messages
def adb(cmd, a0, a1, payload):
    c = struct.unpack("<I", cmd)[0]
    return struct.pack("<6I", c, a0, a1, len(payload), sum(payload) & 0xffffffff, c ^ 0xffffffff) + payload
put("adb_messages", "session", adb(b"CNXN", 0x01000001, 1024 * 1024,
    b"device::ro.product.name=sdk;ro.product.model=Pixel 7;ro.product.device=panther;features=shell_v2,cmd,stat_v2,ls_v2,sendrecv_v2,abb\0")
    + adb(b"AUTH", 1, 0, b"\x01" * 20) + adb(b"OKAY", 7, 1, b"") + adb(b"WRTE", 7, 1, b"\x01\x05\0\0\0hello")
    + adb(b"CLSE", 7, 1, b""))

# content query output
put("adb_content", "rows", "_id,address,body,date\nRow: 0 _id=1, address=+15551234567, body=hello, world, date=1700000000000\n"
    "Row: 1 _id=2, address=NULL, body=multi\nline body, date=1700000100000\nRow: 2 _id=3, address=, body=last, date=\n")
put("adb_content", "devices", "x\nList of devices attached\nemulator-5554          device product:sdk_gphone64 model:sdk_gphone64_x86_64 device:emu64x transport_id:1\n"
    "R58M00000000           unauthorized usb:1-1 transport_id:2\n")
put("adb_content", "refusal", "value\nError while accessing provider:settings\njava.lang.SecurityException: Permission Denial\nNo result found.\n")

# Pictures: a baseline JPEG written by hand (flat grey: every block's DC difference and AC are zero), with an
# EXIF block (orientation 6, an embedded 128x96 thumbnail), a bare one, and a PNG.
def jpeg(width, height, app1=b""):
    def seg(marker, body):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = "00" * blocks
    bits += "1" * (-len(bits) % 8)
    scan = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    return (b"\xff\xd8" + app1 + seg(0xDB, b"\x00" + b"\x01" * 64)
            + seg(0xC0, b"\x08" + struct.pack(">HH", height, width) + b"\x01\x01\x11\x00")
            + seg(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
            + seg(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
            + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + scan + b"\xff\xd9")
thumb = jpeg(128, 96)
ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x0112, 3, 1, 6) + struct.pack("<I", 8 + 2 + 12 + 4)
ifd1_at = 8 + len(ifd0)
thumb_at = ifd1_at + 2 + 24 + 4
ifd1 = struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, thumb_at) + struct.pack("<HHII", 0x0202, 4, 1, len(thumb)) + struct.pack("<I", 0)
tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + thumb
app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\x00\x00" + tiff
put("thumbnail", "exif-thumb.jpg", jpeg(320, 240, app1))
put("thumbnail", "bare.jpg", jpeg(64, 48))
def png(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\x00" + bytes((x * 255 // width) for x in range(width)) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
put("thumbnail", "gray.png", png(40, 30))

# Vault files (plaintext after decryption)
def entry(kind, ident, offset, length, raw):
    return bytes([kind]) + ident + struct.pack("<QII", offset, length, raw)
entries = entry(0, b"\xaa" * 32, 0, 100, 60) + entry(1, b"\xbb" * 32, 100, 80, 40)
put("vault_index", "two-packs", b"LBI1" + struct.pack("<I", 1) + b"\x01" * 32 + struct.pack("<I", 2)
    + b"\x02" * 32 + struct.pack("<I", 2) + entries + b"\x03" * 32 + struct.pack("<I", 0))
put("vault_pack_header", "two-blobs", struct.pack("<Q", 180) + struct.pack("<I", 2) + entries)
node = {"path": "DCIM/Camera/a.jpg", "category": "photos", "kind": "file", "size": 3, "mtime_ns": 1700000000000000000,
        "meta": {"camera": "Pixel"}, "chunks": ["09" * 32]}
put("vault_snapshot", "catalog", json.dumps(node) + "\n" + json.dumps(dict(node, path="Contacts/contacts.vcf", category="contacts")) + "\n")
put("vault_snapshot", "snapshot", json.dumps({"time_ns": 1700000000000000000, "finished_ns": 1700000001000000000,
    "device": {"kind": "android", "name": "Pixel 7", "manufacturer": "Google", "model": "Pixel 7", "serial": "abc", "os_version": "14"},
    "categories": ["photos", "contacts"], "complete": True, "catalog": ["0a" * 32],
    "totals": {"photos": {"items": 1, "bytes": 3}}, "unavailable": {"messages": "not asked"},
    "skipped": [{"what": "x", "reason": "y"}], "parent": None, "run": "0b" * 32, "host": "laptop", "program": "lifeboat 0.1.0"}))
put("vault_key_slot", "cheap", json.dumps({"kdf": "argon2id", "memory_kib": 256, "passes": 1, "lanes": 1, "salt": "00" * 16,
    "wrapped": "11" * 72}))
put("vault_key_slot", "default", json.dumps({"kdf": "argon2id", "memory_kib": 65536, "passes": 3, "lanes": 1, "salt": "00" * 16,
    "wrapped": "11" * 72, "check": "22" * 16}))

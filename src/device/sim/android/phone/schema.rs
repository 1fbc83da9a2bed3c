//! The providers' SQLite schemas: the tables and columns of AOSP's `mmssms.db`, `contacts2.db`,
//! `calllog.db` and the settings tables, trimmed to what backup tools read and write, in AOSP's column
//! order so `content query` prints rows as a phone does.

/// `mmssms.db`: SMS, MMS (pdu, part, addr), threads and canonical addresses.
pub const TELEPHONY: &str = "
CREATE TABLE IF NOT EXISTS sms (
    _id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, address TEXT, person INTEGER,
    date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0,
    status INTEGER DEFAULT -1, type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT,
    service_center TEXT, locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT -1,
    creator TEXT, seen INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS pdu (
    _id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0,
    msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT, ct_l TEXT,
    exp INTEGER, m_cls TEXT, m_type INTEGER, v INTEGER, m_size INTEGER, pri INTEGER, rr INTEGER,
    rpt_a INTEGER, resp_st INTEGER, st INTEGER, tr_id TEXT, retr_st INTEGER, retr_txt TEXT,
    retr_txt_cs INTEGER, read_status INTEGER, ct_cls INTEGER, resp_txt TEXT, d_tm INTEGER, d_rpt INTEGER,
    locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1, seen INTEGER DEFAULT 0, creator TEXT,
    text_only INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS part (
    _id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT,
    chset INTEGER, cd TEXT, fn TEXT, cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT, _data TEXT, text TEXT);
CREATE TABLE IF NOT EXISTS addr (
    _id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER,
    charset INTEGER);
CREATE TABLE IF NOT EXISTS threads (
    _id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, message_count INTEGER DEFAULT 0,
    recipient_ids TEXT, snippet TEXT, snippet_cs INTEGER DEFAULT 0, read INTEGER DEFAULT 1,
    archived INTEGER DEFAULT 0, type INTEGER DEFAULT 0, error INTEGER DEFAULT 0,
    has_attachment INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
CREATE INDEX IF NOT EXISTS sms_thread ON sms(thread_id);
CREATE INDEX IF NOT EXISTS pdu_thread ON pdu(thread_id);
CREATE INDEX IF NOT EXISTS part_mid ON part(mid);
";

/// `contacts2.db`: raw contacts, their data rows, and the views the provider serves.
pub const CONTACTS: &str = "
CREATE TABLE IF NOT EXISTS raw_contacts (
    _id INTEGER PRIMARY KEY AUTOINCREMENT, contact_id INTEGER, account_name TEXT, account_type TEXT,
    sourceid TEXT, version INTEGER DEFAULT 1, dirty INTEGER DEFAULT 0, deleted INTEGER DEFAULT 0,
    display_name TEXT, display_name_alt TEXT, starred INTEGER DEFAULT 0, pinned INTEGER DEFAULT 0,
    times_contacted INTEGER DEFAULT 0, last_time_contacted INTEGER, custom_ringtone TEXT,
    send_to_voicemail INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS data (
    _id INTEGER PRIMARY KEY AUTOINCREMENT, raw_contact_id INTEGER, mimetype TEXT,
    is_primary INTEGER DEFAULT 0, is_super_primary INTEGER DEFAULT 0, data_version INTEGER DEFAULT 0,
    data1 TEXT, data2 TEXT, data3 TEXT, data4 TEXT, data5 TEXT, data6 TEXT, data7 TEXT, data8 TEXT,
    data9 TEXT, data10 TEXT, data11 TEXT, data12 TEXT, data13 TEXT, data14 TEXT, data15 BLOB,
    data_sync1 TEXT, data_sync2 TEXT, data_sync3 TEXT, data_sync4 TEXT);
CREATE INDEX IF NOT EXISTS data_raw ON data(raw_contact_id);
CREATE VIEW IF NOT EXISTS view_data AS
    SELECT data._id AS _id, data.raw_contact_id AS raw_contact_id, raw_contacts.contact_id AS contact_id,
        data.mimetype AS mimetype, data.is_primary AS is_primary, data.is_super_primary AS is_super_primary,
        data.data_version AS data_version, data1, data2, data3, data4, data5, data6, data7, data8, data9,
        data10, data11, data12, data13, data14, data15, data_sync1, data_sync2, data_sync3, data_sync4,
        raw_contacts.account_name AS account_name, raw_contacts.account_type AS account_type,
        raw_contacts.display_name AS display_name, raw_contacts.starred AS starred
    FROM data LEFT JOIN raw_contacts ON data.raw_contact_id = raw_contacts._id;
CREATE VIEW IF NOT EXISTS view_contacts AS
    SELECT r.contact_id AS _id, r.display_name AS display_name, r.display_name_alt AS display_name_alt,
        r.starred AS starred, r.pinned AS pinned, r.times_contacted AS times_contacted,
        r.last_time_contacted AS last_time_contacted, r.custom_ringtone AS custom_ringtone,
        r.send_to_voicemail AS send_to_voicemail,
        (SELECT d._id FROM data d WHERE d.raw_contact_id = r._id
            AND d.mimetype = 'vnd.android.cursor.item/photo' AND d.data15 IS NOT NULL) AS photo_id,
        EXISTS (SELECT 1 FROM data d WHERE d.raw_contact_id = r._id
            AND d.mimetype = 'vnd.android.cursor.item/phone_v2') AS has_phone_number,
        '0r' || r._id || '-' || hex(r._id * 7919) AS lookup
    FROM raw_contacts r WHERE r.deleted = 0;
";

/// `calllog.db`: the call log.
pub const CALL_LOG: &str = "
CREATE TABLE IF NOT EXISTS calls (
    _id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT, presentation INTEGER DEFAULT 1, date INTEGER,
    duration INTEGER, data_usage INTEGER, type INTEGER, features INTEGER DEFAULT 0,
    subscription_component_name TEXT, subscription_id TEXT, phone_account_address TEXT, new INTEGER,
    name TEXT, numbertype INTEGER, numberlabel TEXT, countryiso TEXT, voicemail_uri TEXT,
    is_read INTEGER, geocoded_location TEXT, lookup_uri TEXT, matched_number TEXT, normalized_number TEXT,
    photo_id INTEGER DEFAULT 0, formatted_number TEXT, last_modified INTEGER DEFAULT 0);
";

/// The settings provider's three namespaces.
pub const SETTINGS: &str = "
CREATE TABLE IF NOT EXISTS system (_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, value TEXT);
CREATE TABLE IF NOT EXISTS secure (_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, value TEXT);
CREATE TABLE IF NOT EXISTS global (_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, value TEXT);
";

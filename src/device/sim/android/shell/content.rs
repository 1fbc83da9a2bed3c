//! The `content` command: `query`, `insert`, `update`, `delete`, `read`, `write`, with Android's argument
//! rules and output: `Row: N col=value, col=value` lines (NULL printed as `NULL`, blobs as `BLOB`, floats
//! as Java prints a float), `No result found.` for nothing, and provider exceptions on stderr with status 0,
//! because the real tool exits 0 even when the provider throws.

use std::io;

use super::ShellIo;
use crate::device::sim::android::phone::Phone;
use crate::device::sim::android::phone::providers::{ProviderError, Rows, Value, split_uri};

type Outcome = io::Result<u8>;

const USAGE: &str = "usage: adb shell content [subcommand] [options]

usage: adb shell content insert --uri <URI> [--user <USER_ID>] --bind <BINDING> [--bind <BINDING>...]
  <BINDING> is <COLUMN_NAME>:<TYPE>:<COLUMN_VALUE> with <TYPE> one of
  b - boolean, s - string, i - integer, l - long, f - float, d - double, n - null

usage: adb shell content update --uri <URI> [--user <USER_ID>] [--where <WHERE>] --bind <BINDING>...

usage: adb shell content delete --uri <URI> [--user <USER_ID>] [--where <WHERE>]

usage: adb shell content query --uri <URI> [--user <USER_ID>] [--projection <PROJECTION>] [--where <WHERE>] [--sort <SORT_ORDER>]
  <PROJECTION> is a colon separated list of column names

usage: adb shell content read --uri <URI> [--user <USER_ID>]

usage: adb shell content write --uri <URI> [--user <USER_ID>]
";

/// Formats one cell as `Cursor`-to-text does in the `content` tool.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_owned(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => java_float(*r as f32),
        Value::Text(t) => t.clone(),
        Value::Blob(_) => "BLOB".to_owned(),
    }
}

/// `String.valueOf(float)`: `1.0`, `0.5`, `1.0E10`, `NaN`, `Infinity`.
fn java_float(value: f32) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let text = format!("{value}");
        return if text.contains('.') { text } else { format!("{text}.0") };
    }
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
    format!("{mantissa}E{exponent}")
}

/// The text `content query` prints for a result.
pub fn format_rows(rows: &Rows) -> String {
    if rows.rows.is_empty() {
        return "No result found.\n".to_owned();
    }
    let mut out = String::new();
    for (index, row) in rows.rows.iter().enumerate() {
        out.push_str(&format!("Row: {index} "));
        for (i, (column, value)) in rows.columns.iter().zip(row).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(column);
            out.push('=');
            out.push_str(&cell(value));
        }
        out.push('\n');
    }
    out
}

/// Parses `--bind column:type:value` as Android does: `\` escapes, exactly three parts.
fn parse_binding(text: &str) -> Result<(String, Value), String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) => parts.last_mut().map(|p| p.push(next)).unwrap_or(()),
                None => return Err("Invalid escaping".into()),
            },
            ':' => parts.push(String::new()),
            c => parts.last_mut().map(|p| p.push(c)).unwrap_or(()),
        }
    }
    if text.is_empty() || parts.len() != 3 {
        return Err(format!("Binding not well formed: {text}"));
    }
    let (column, kind, value) = (parts[0].clone(), parts[1].as_str(), parts[2].as_str());
    let number_error = || format!("For input string: \"{value}\"");
    let parsed = match kind {
        "s" => Value::Text(value.to_owned()),
        k if k.eq_ignore_ascii_case("b") => Value::Integer(i64::from(value.eq_ignore_ascii_case("true"))),
        k if k.eq_ignore_ascii_case("i") => {
            Value::Integer(i64::from(value.parse::<i32>().map_err(|_| number_error())?))
        }
        k if k.eq_ignore_ascii_case("l") => Value::Integer(value.parse::<i64>().map_err(|_| number_error())?),
        k if k.eq_ignore_ascii_case("f") => {
            Value::Real(f64::from(value.parse::<f32>().map_err(|_| number_error())?))
        }
        k if k.eq_ignore_ascii_case("d") => Value::Real(value.parse::<f64>().map_err(|_| number_error())?),
        k if k.eq_ignore_ascii_case("n") => Value::Null,
        other => return Err(format!("Unsupported type: {other}")),
    };
    Ok((column, parsed))
}

/// What the command line asked for.
#[derive(Debug, Default)]
struct Request {
    operation: String,
    uri: Option<String>,
    values: Vec<(String, Value)>,
    selection: Option<String>,
    sort: Option<String>,
    projection: Option<Vec<String>>,
}

fn parse_request(args: &[String]) -> Result<Request, String> {
    let mut request = Request::default();
    let mut iter = args.iter();
    let operation = iter.next().map(String::as_str).unwrap_or("");
    let allowed: &[&str] = match operation {
        "insert" => &["--uri", "--user", "--bind", "--extra"],
        "update" => &["--uri", "--user", "--where", "--bind", "--extra"],
        "delete" => &["--uri", "--user", "--where", "--extra"],
        "query" => &["--uri", "--user", "--where", "--sort", "--projection", "--extra"],
        "read" | "write" | "gettype" => &["--uri", "--user"],
        other => return Err(format!("Unsupported operation: {other}")),
    };
    request.operation = operation.to_owned();
    while let Some(argument) = iter.next() {
        if !allowed.contains(&argument.as_str()) {
            return Err(format!("Unsupported argument: {argument}"));
        }
        let value = iter.next();
        let required = || match value {
            Some(v) if !v.is_empty() && !v.starts_with("--") => Ok(v.clone()),
            _ => Err(format!("No value for argument: {argument}")),
        };
        match argument.as_str() {
            "--uri" => request.uri = Some(required()?),
            "--user" => {
                required()?.parse::<i32>().map_err(|_| {
                    format!("For input string: \"{}\"", value.map(String::as_str).unwrap_or(""))
                })?;
            }
            "--where" => request.selection = Some(required()?),
            "--sort" => request.sort = Some(required()?),
            "--projection" => {
                request.projection = Some(required()?.split(':').map(|c| c.trim().to_owned()).collect());
            }
            "--bind" => request.values.push(parse_binding(value.map(String::as_str).unwrap_or(""))?),
            // Extras carry provider-specific arguments this phone's providers do not take.
            _ => {
                parse_binding(value.map(String::as_str).unwrap_or(""))?;
            }
        }
    }
    if request.uri.is_none() {
        return Err("Content provider URI not specified. Did you specify --uri argument?".into());
    }
    if matches!(operation, "insert" | "update") && request.values.is_empty() {
        return Err("Bindings not specified. Did you specify --bind argument(s)?".into());
    }
    Ok(request)
}

fn report(io: &mut ShellIo<'_>, uri: &str, error: &ProviderError) -> io::Result<()> {
    let authority = split_uri(uri).map(|(a, _)| a).unwrap_or_default();
    writeln!(io.err, "Error while accessing provider:{authority}")?;
    writeln!(io.err, "{error}")?;
    if let ProviderError::Security(_) = error {
        // Thrown by the activity manager while looking the provider up, so it arrives through a Parcel.
        writeln!(io.err, "\tat android.os.Parcel.createExceptionOrNull(Parcel.java:3011)")?;
        writeln!(io.err, "\tat android.os.Parcel.createException(Parcel.java:2995)")?;
        writeln!(io.err, "\tat android.os.Parcel.readException(Parcel.java:2978)")?;
        writeln!(io.err, "\tat android.os.Parcel.readException(Parcel.java:2920)")?;
        writeln!(
            io.err,
            "\tat android.app.IActivityManager$Stub$Proxy.getContentProviderExternal(IActivityManager.java:7029)"
        )?;
        writeln!(io.err, "\tat com.android.commands.content.Content$Command.execute(Content.java:508)")?;
        writeln!(io.err, "\tat com.android.commands.content.Content.main(Content.java:735)")?;
        writeln!(io.err, "\tat com.android.internal.os.RuntimeInit.nativeFinishInit(Native Method)")?;
        return writeln!(io.err, "\tat com.android.internal.os.RuntimeInit.main(RuntimeInit.java:355)");
    }
    writeln!(io.err, "\tat com.android.commands.content.Content$Command.execute(Content.java:521)")?;
    writeln!(io.err, "\tat com.android.commands.content.Content.main(Content.java:735)")?;
    writeln!(io.err, "\tat com.android.internal.os.RuntimeInit.nativeFinishInit(Native Method)")?;
    writeln!(io.err, "\tat com.android.internal.os.RuntimeInit.main(RuntimeInit.java:355)")
}

/// Runs `content ARGS...`.
pub fn run(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let request = match parse_request(args) {
        Ok(request) => request,
        Err(message) => {
            writeln!(io.out, "{USAGE}")?;
            writeln!(io.out, "[ERROR] {message}")?;
            return Ok(0);
        }
    };
    let uri = request.uri.clone().unwrap_or_default();
    let authority = split_uri(&uri).map(|(a, _)| a).unwrap_or_default();
    if let Some(denial) = phone.provider_denial(&authority) {
        report(io, &uri, &ProviderError::Security(denial))?;
        return Ok(0);
    }
    let providers = phone.providers();
    let may_write_sms = phone.shell_may_write_sms();
    let outcome: Result<(), ProviderError> = match request.operation.as_str() {
        "query" => providers
            .query(&uri, request.projection.as_deref(), request.selection.as_deref(), request.sort.as_deref())
            .and_then(|rows| {
                io.out
                    .write_all(format_rows(&rows).as_bytes())
                    .map_err(|e| ProviderError::NotFound(e.to_string()))
            }),
        "insert" => providers.insert(&uri, &request.values, may_write_sms).map(|_| ()),
        "update" => {
            providers.update(&uri, &request.values, request.selection.as_deref(), may_write_sms).map(|_| ())
        }
        "delete" => providers.delete(&uri, request.selection.as_deref(), may_write_sms).map(|_| ()),
        "read" => providers
            .read(&uri)
            .and_then(|bytes| io.out.write_all(&bytes).map_err(|e| ProviderError::NotFound(e.to_string()))),
        "write" => {
            let mut bytes = Vec::new();
            io.stdin.read_to_end(&mut bytes)?;
            providers.write(&uri, &bytes, may_write_sms)
        }
        _ => providers.query(&uri, Some(&[]), Some("0"), None).map(|_| {
            let _ = writeln!(io.out, "Result: null");
        }),
    };
    if let Err(error) = outcome {
        report(io, &uri, &error)?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(columns: &[&str], rows: Vec<Vec<Value>>) -> Rows {
        Rows { columns: columns.iter().map(|c| (*c).to_owned()).collect(), rows }
    }

    #[test]
    fn formats_rows_like_the_content_tool() {
        let result = rows(
            &["_id", "address", "body", "data15", "rating"],
            vec![
                vec![
                    Value::Integer(1),
                    Value::Text("+1 555".into()),
                    Value::Null,
                    Value::Blob(vec![1, 2]),
                    Value::Real(0.5),
                ],
                vec![
                    Value::Integer(2),
                    Value::Text("".into()),
                    Value::Text("a, b=c".into()),
                    Value::Null,
                    Value::Real(3.0),
                ],
            ],
        );
        assert_eq!(
            format_rows(&result),
            "Row: 0 _id=1, address=+1 555, body=NULL, data15=BLOB, rating=0.5\n\
             Row: 1 _id=2, address=, body=a, b=c, data15=NULL, rating=3.0\n"
        );
        assert_eq!(format_rows(&rows(&["_id"], vec![])), "No result found.\n");
    }

    #[test]
    fn prints_floats_as_java_does() {
        assert_eq!(java_float(1.0), "1.0");
        assert_eq!(java_float(0.1), "0.1");
        assert_eq!(java_float(-2.5), "-2.5");
        assert_eq!(java_float(1.0e10), "1.0E10");
        assert_eq!(java_float(1.5e-5), "1.5E-5");
        assert_eq!(java_float(f32::NAN), "NaN");
    }

    #[test]
    fn parses_bindings_with_escapes_and_types() {
        assert_eq!(
            parse_binding("address:s:+1 555").unwrap(),
            ("address".into(), Value::Text("+1 555".into()))
        );
        assert_eq!(parse_binding("body:s:ratio 1\\:2").unwrap().1, Value::Text("ratio 1:2".into()));
        assert_eq!(parse_binding("date:l:1700000000000").unwrap().1, Value::Integer(1_700_000_000_000));
        assert_eq!(parse_binding("read:b:true").unwrap().1, Value::Integer(1));
        assert_eq!(parse_binding("x:n:").unwrap().1, Value::Null);
        assert_eq!(parse_binding("x:s:").unwrap().1, Value::Text(String::new()));
        assert!(parse_binding("x:i:twelve").unwrap_err().contains("For input string"));
        assert_eq!(parse_binding("x:q:1").unwrap_err(), "Unsupported type: q");
        assert_eq!(parse_binding("a:b").unwrap_err(), "Binding not well formed: a:b");
    }

    #[test]
    fn rejects_bad_command_lines_with_androids_messages() {
        let args = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(parse_request(&args("frobnicate")).unwrap_err(), "Unsupported operation: frobnicate");
        assert_eq!(
            parse_request(&args("query --projection _id")).unwrap_err(),
            "Content provider URI not specified. Did you specify --uri argument?"
        );
        assert_eq!(parse_request(&args("query --uri")).unwrap_err(), "No value for argument: --uri");
        assert_eq!(
            parse_request(&args("insert --uri content://sms")).unwrap_err(),
            "Bindings not specified. Did you specify --bind argument(s)?"
        );
        assert_eq!(
            parse_request(&args("delete --uri content://sms --sort x")).unwrap_err(),
            "Unsupported argument: --sort"
        );
        let request =
            parse_request(&args("query --uri content://sms --projection _id:address --sort date")).unwrap();
        assert_eq!(request.projection.unwrap(), ["_id", "address"]);
    }
}

//! Message threads as one self-contained HTML page: no scripts, no external requests, every piece of text
//! escaped, pictures inline as `data:` URIs.
//!
//! Safety comes first because message content is written by strangers: text is escaped for both element and
//! attribute context; a picture is inlined only when its bytes really are PNG, JPEG, GIF, WebP or BMP (sniffed,
//! whatever the message claims: an SVG could carry script), and a Content-Security-Policy forbids everything
//! but inline styles and `data:` images should anything slip through.

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{ExportError, iso_utc};
use crate::data::media::sniff_mime;
use crate::data::{Message, MessagePart, PartContent, Thread};

/// Image types safe to show inline.
const INLINE_IMAGE_TYPES: [&str; 5] = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"];

/// How the page is made.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// The page title and heading.
    pub title: String,
    /// Pictures larger than this are listed, not shown, to keep the page openable.
    pub max_inline_image_bytes: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        Self { title: "Messages".into(), max_inline_image_bytes: 5 * 1024 * 1024 }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}\
nav li{margin:.2rem 0}section{margin-top:3rem}\
.msg{margin:.6rem 0;padding:.5rem .8rem;border-radius:.8rem;max-width:80%;overflow-wrap:anywhere}\
.in{background:#eee}.out{background:#d8ecff;margin-left:auto}\
.meta{font-size:.75rem;color:#666}.subject{font-weight:bold}.file{font-size:.85rem;color:#444}\
img{max-width:100%;border-radius:.4rem;display:block;margin-top:.3rem}.lost{font-size:.75rem;color:#a60}";

/// Writes `threads` as one HTML page.
pub fn write_threads_html<W: Write>(
    threads: &[Thread],
    options: &HtmlOptions,
    mut out: W,
) -> Result<(), ExportError> {
    let title = escape(&options.title);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<nav>\n<ul>\n"
    )?;
    for (index, thread) in threads.iter().enumerate() {
        writeln!(
            out,
            "<li><a href=\"#thread-{index}\">{}</a> ({} messages)</li>",
            escape(&thread_name(thread)),
            thread.messages.len()
        )?;
    }
    writeln!(out, "</ul>\n</nav>")?;
    for (index, thread) in threads.iter().enumerate() {
        writeln!(out, "<section id=\"thread-{index}\">")?;
        writeln!(out, "<h2>{}</h2>", escape(&thread_name(thread)))?;
        if !thread.participants.is_empty() {
            writeln!(out, "<p class=\"meta\">{}</p>", escape(&thread.participants.join(", ")))?;
        }
        for message in &thread.messages {
            write_message(message, options, &mut out)?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body>\n</html>")?;
    out.flush()?;
    Ok(())
}

fn thread_name(thread: &Thread) -> String {
    thread.contact_name.clone().unwrap_or_else(|| thread.participants.join(", "))
}

fn write_message<W: Write>(message: &Message, options: &HtmlOptions, out: &mut W) -> Result<(), ExportError> {
    let class = if message.is_incoming() { "in" } else { "out" };
    let sender = if message.is_incoming() {
        message
            .addresses
            .iter()
            .find(|a| a.role == crate::data::AddressRole::From)
            .map(|a| a.address.clone())
            .or_else(|| message.conversation.first().cloned())
            .unwrap_or_default()
    } else {
        "me".to_string()
    };
    writeln!(out, "<div class=\"msg {class}\">")?;
    writeln!(
        out,
        "<div class=\"meta\"><time datetime=\"{date}\">{date}</time> · {}</div>",
        escape(&sender),
        date = iso_utc(message.date)
    )?;
    if let Some(subject) = message.subject.as_deref().filter(|s| !s.trim().is_empty()) {
        writeln!(out, "<div class=\"subject\">{}</div>", escape(subject))?;
    }
    if let Some(body) = message.body.as_deref().filter(|b| !b.is_empty()) {
        writeln!(out, "<div class=\"body\">{}</div>", escape(body).replace('\n', "<br>"))?;
    }
    for part in message.attachments() {
        write_attachment(part, options, out)?;
    }
    for note in &message.lost {
        writeln!(out, "<div class=\"lost\">Not kept: {}</div>", escape(note))?;
    }
    writeln!(out, "</div>")?;
    Ok(())
}

fn write_attachment<W: Write>(
    part: &MessagePart,
    options: &HtmlOptions,
    out: &mut W,
) -> Result<(), ExportError> {
    let name =
        part.name.clone().or_else(|| part.content_location.clone()).unwrap_or_else(|| "attachment".into());
    match &part.content {
        PartContent::Bytes(bytes) => {
            let sniffed = sniff_mime(bytes).filter(|m| INLINE_IMAGE_TYPES.contains(m));
            match sniffed {
                Some(mime) if bytes.len() <= options.max_inline_image_bytes => writeln!(
                    out,
                    "<img src=\"data:{mime};base64,{}\" alt=\"{}\">",
                    STANDARD.encode(bytes),
                    escape(&name)
                )?,
                _ => writeln!(
                    out,
                    "<div class=\"file\">Attachment: {} ({}, {} bytes)</div>",
                    escape(&name),
                    escape(&part.content_type),
                    bytes.len()
                )?,
            }
        }
        PartContent::Text(text) => writeln!(
            out,
            "<div class=\"file\">Attachment: {} ({})</div><pre>{}</pre>",
            escape(&name),
            escape(&part.content_type),
            escape(text)
        )?,
        PartContent::Reference(reference) => writeln!(
            out,
            "<div class=\"file\">Attachment: {} ({}), kept at {}</div>",
            escape(&name),
            escape(&part.content_type),
            escape(reference)
        )?,
        PartContent::Unreadable(_) => writeln!(
            out,
            "<div class=\"file\">Attachment: {} ({}) could not be decoded</div>",
            escape(&name),
            escape(&part.content_type)
        )?,
        PartContent::Empty => writeln!(
            out,
            "<div class=\"file\">Attachment: {} ({}) was not in the backup</div>",
            escape(&name),
            escape(&part.content_type)
        )?,
    }
    Ok(())
}

/// Escapes text for HTML element content and quoted attribute values alike.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}

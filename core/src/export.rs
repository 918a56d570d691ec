//! Export formats for site owners: CSV (RFC 4180, with cells that a spreadsheet would run as a
//! formula neutralized) and NDJSON. The column order is the API's, and it is written here once.

use alloc::string::String;

use crate::feedback::FeedbackItem;

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExportFormat {
    /// RFC 4180 CSV with a header line.
    Csv,
    /// One JSON object per line.
    Ndjson,
}

/// The CSV header line, with its CRLF.
///
/// Columns are only ever added at the end, so a spreadsheet or script that reads them by
/// position keeps working: the reply's (`reply`, `reply_fixed` as `true`/`false`, empty without
/// a reply, `reply_seen_at` in ms, empty until seen) and the visitor's `followup`, then the
/// `channel` (`web` or a rating link's campaign), then the `attributes` as the element writes
/// them (`plan=pro app=2.3`).
pub const CSV_HEADER: &str =
    "id,received_at,scale,value,comment,page,locale,client_ts,rev,status,tags,reply,reply_fixed,reply_seen_at,followup,channel,attributes\r\n";

/// One submission as a CSV line (CRLF-terminated).
pub fn csv_line(item: &FeedbackItem) -> String {
    let mut out = String::new();
    let number = |out: &mut String, n: i64| crate::json::push_int(out, n);
    push_cell(&mut out, &item.id);
    out.push(',');
    number(&mut out, item.received_at);
    out.push(',');
    push_cell(&mut out, &item.scale);
    out.push(',');
    number(&mut out, item.value);
    out.push(',');
    push_cell(&mut out, item.comment.as_deref().unwrap_or(""));
    out.push(',');
    push_cell(&mut out, &item.page);
    out.push(',');
    push_cell(&mut out, &item.locale);
    out.push(',');
    number(&mut out, item.client_ts);
    out.push(',');
    number(&mut out, i64::from(item.rev));
    out.push(',');
    out.push_str(item.status.as_str());
    out.push(',');
    // Tags are `a-z 0-9 - _` only (`triage::Tag`): joined by `;`, the cell needs no quotes.
    push_cell(&mut out, &item.tags.join(";"));
    push_reply(&mut out, item.reply.as_ref());
    out.push(',');
    // `web` or a campaign (`link::Campaign`: a-z 0-9 - _): the cell needs no quotes.
    push_cell(&mut out, &item.channel);
    out.push(',');
    // `key=value` pairs: a key starts with a letter, so the cell is never a formula.
    let pairs: alloc::vec::Vec<String> = item.attributes.iter().map(|(k, v)| alloc::format!("{k}={v}")).collect();
    push_cell(&mut out, &pairs.join(" "));
    out.push_str("\r\n");
    out
}

/// Appends the reply's four cells (each after a comma), empty without a reply.
fn push_reply(out: &mut String, reply: Option<&crate::reply::ReplyView>) {
    out.push(',');
    push_cell(out, reply.map_or("", |r| r.text.as_str()));
    out.push(',');
    out.push_str(reply.map_or("", |r| if r.fixed { "true" } else { "false" }));
    out.push(',');
    if let Some(seen) = reply.and_then(|r| r.seen_at) {
        crate::json::push_int(out, seen);
    }
    out.push(',');
    push_cell(out, reply.and_then(|r| r.followup.as_deref()).unwrap_or(""));
}

/// Appends a text cell: a leading `= + - @`, tab or CR gets a `'` so spreadsheets show it as text
/// instead of running it (CSV injection); quotes, commas and line breaks put it in quotes, with
/// quotes doubled (RFC 4180).
pub fn push_cell(out: &mut String, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula || text.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> String {
        let mut out = String::new();
        push_cell(&mut out, text);
        out
    }

    #[test]
    fn cells_are_quoted_as_rfc_4180_says() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn formulas_are_neutralized() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            let out = cell(formula);
            assert!(out.starts_with("\"'"), "{formula:?} → {out:?}");
        }
        assert_eq!(cell("=1+1"), "\"'=1+1\"");
    }

    #[test]
    fn a_line_has_every_column() {
        let item = FeedbackItem {
            id: "0190a6e2-7c1d-7abc-8def-0123456789ab".into(),
            scale: "stars".into(),
            value: 4,
            comment: Some("=cmd|' /C calc'!A0, \"ok\"".into()),
            page: "/docs".into(),
            locale: "en".into(),
            client_ts: 1,
            received_at: 2,
            updated_at: 2,
            rev: 1,
            status: crate::triage::Status::Resolved,
            tags: alloc::vec!["bug".into(), "pricing".into()],
            reply: None,
            quote: None,
            quote_name: None,
            channel: "web".into(),
            attributes: alloc::vec![("plan".into(), "pro".into()), ("app".into(), "2.3".into())],
        };
        assert_eq!(
            csv_line(&item),
            "0190a6e2-7c1d-7abc-8def-0123456789ab,2,stars,4,\"'=cmd|' /C calc'!A0, \"\"ok\"\"\",/docs,en,1,1,resolved,bug;pricing,,,,,web,plan=pro app=2.3\r\n"
        );
        assert_eq!(CSV_HEADER.split(',').count(), csv_line(&item).split(',').count() - 1);
        assert!(CSV_HEADER.starts_with("id,received_at,scale,value,comment,page,locale,client_ts,rev,status,tags,"), "old columns keep their places");
        let replied = FeedbackItem {
            comment: None,
            reply: Some(crate::reply::ReplyView {
                text: "=fixed, thanks".into(),
                fixed: true,
                at: 3,
                seen_at: Some(4),
                followup: Some("great\nthanks".into()),
                followup_at: Some(5),
            }),
            ..item
        };
        assert!(
            csv_line(&replied).ends_with(",bug;pricing,\"'=fixed, thanks\",true,4,\"great\nthanks\",web,plan=pro app=2.3\r\n"),
            "{}",
            csv_line(&replied)
        );
    }
}

//! Loading captured conversations: every shared capture, hand-made HTTP/MIME framings, and bad
//! input that must fail with one located line (and never panic).

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use wskex::audit::{
    CapturedMessage, Framing, LoadError, LoadErrorKind, TransferEncoding, content_id_from_cid_url,
    load_bytes, load_paths,
};
use wskex::xml::Document;

const XOP: &str = "http://www.w3.org/2004/08/xop/include";
const WCF_MTOM: &str = "captures/wcf-docs/wcf_mtom_secure_signencrypt.mime.txt";

fn load(text: &str, name: &str) -> Vec<CapturedMessage> {
    load_bytes(text.as_bytes().to_vec(), name).unwrap_or_else(|e| panic!("{e}"))
}

fn load_err(text: &str, name: &str) -> String {
    let err = load_bytes(text.as_bytes().to_vec(), name).expect_err("must not load");
    let line = err.to_string();
    assert!(!line.contains('\n'), "one line: {line}");
    line
}

fn has_note(message: &CapturedMessage, fragment: &str) -> bool {
    message.notes.iter().any(|n| n.contains(fragment))
}

/// The capture files of the folders holding messages (keys and P_SHA-1 vectors excluded).
fn capture_files(shared: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in ["corewcf", "rampart", "cxf", "wss4j16", "wcf-docs"] {
        let dir = shared.join("captures").join(folder);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        files.extend(entries);
    }
    files
}

#[test]
fn every_shared_capture_loads_and_its_envelope_parses() {
    let Some(shared) = common::shared_dir("capture loading") else {
        return;
    };
    let files = capture_files(&shared);
    assert!(files.len() >= 24, "only {} capture files", files.len());
    for file in &files {
        let messages = load_paths(std::slice::from_ref(file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(messages.len(), 1, "{}", file.display());
        let message = &messages[0];
        let raw = file.extension().is_some_and(|e| e == "xml");
        assert_eq!(
            matches!(message.framing, Framing::RawXml),
            raw,
            "{}",
            file.display()
        );
        assert_eq!(message.source_name, file.display().to_string());
        let bytes = std::fs::read(file).unwrap();
        let offset = message.soap_offset.expect("one range of the file");
        assert_eq!(
            &bytes[offset..offset + message.soap.len()],
            message.soap.as_slice()
        );
        let doc = Document::parse(message.soap.clone(), message.source_name.clone())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            doc.root_element().local_name(),
            "Envelope",
            "{}",
            file.display()
        );
    }
    common::visible(&format!(
        "capture loading: {} shared captures load and parse",
        files.len()
    ));
}

#[test]
fn raw_xml_with_leading_white_space_is_noted_and_placed() {
    let Some(shared) = common::shared_dir("capture loading") else {
        return;
    };
    let file = shared.join("captures/rampart/res05.xml");
    let messages = load_paths(&[file]).unwrap();
    let message = &messages[0];
    assert_eq!(message.soap_offset, Some(1));
    assert_eq!(message.soap_first_line, 2);
    assert!(has_note(
        message,
        "white space before the envelope skipped (1 byte)"
    ));
    assert!(message.soap.starts_with(b"<soapenv:Envelope"));
}

/// A file that is the envelope from its first byte is kept as read: the buffer read is the
/// captured envelope, not a copy (a 50 MB capture opens without a second 50 MB).
#[test]
fn raw_xml_is_kept_in_the_buffer_read() {
    let bytes = b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'/>".to_vec();
    let read_at = bytes.as_ptr();
    let messages = load_bytes(bytes, "m.xml").unwrap();
    assert_eq!(messages[0].soap.as_ptr(), read_at);
    // With white space before it, the envelope is cut out (a copy, and a note).
    let messages = load_bytes(b"\n<a/>".to_vec(), "m.xml").unwrap();
    assert_eq!(&messages[0].soap[..], b"<a/>");
}

#[test]
fn wcf_mtom_capture_yields_root_envelope_and_elided_attachments() {
    let Some(shared) = common::shared_dir("capture loading") else {
        return;
    };
    let path = shared.join(WCF_MTOM);
    let messages = load_paths(std::slice::from_ref(&path)).unwrap();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];

    let Framing::Http {
        start_line,
        headers,
    } = &message.framing
    else {
        panic!("HTTP framing expected: {:?}", message.framing);
    };
    assert_eq!(
        start_line,
        "POST http://131.107.72.15/Mtom/service.svc/Soap12MtomSecureSignEncrypt HTTP/1.1"
    );
    assert_eq!(headers.len(), 3);
    assert_eq!(message.framing.header("host"), Some("131.107.72.15"));
    assert!(
        message
            .framing
            .header("Content-Type")
            .unwrap()
            .contains("start-info=\"application/soap+xml\"")
    );

    let mime = message.mime.as_ref().expect("multipart");
    assert_eq!(
        mime.boundary,
        "uuid:0ca0e16e-feb1-426c-97d8-c4508ada5e82+id=3"
    );
    assert_eq!(
        mime.root_content_id.as_deref(),
        Some("http://tempuri.org/0")
    );
    assert_eq!(mime.parts.len(), 4);
    assert!(mime.parts[0].is_root && !mime.parts[1].is_root);
    assert_eq!(
        mime.parts.iter().map(|p| p.first_line).collect::<Vec<_>>(),
        [10, 75, 80, 85]
    );

    // The envelope is the root part, byte for byte, starting on line 13.
    assert!(message.soap.starts_with(b"<s:Envelope "));
    assert!(message.soap.ends_with(b"</s:Envelope>"));
    assert_eq!(message.soap_first_line, 13);
    let file = std::fs::read(&path).unwrap();
    let offset = message.soap_offset.unwrap();
    assert_eq!(
        &file[offset..offset + message.soap.len()],
        message.soap.as_slice()
    );

    assert_eq!(message.attachments.len(), 3);
    for (i, attachment) in message.attachments.iter().enumerate() {
        assert_eq!(
            attachment.content_id.as_deref(),
            Some(format!("http://tempuri.org/{}/632618206525089430", i + 1).as_str())
        );
        assert_eq!(
            attachment.content_type.as_deref(),
            Some("application/octet-stream")
        );
        assert_eq!(attachment.transfer_encoding, TransferEncoding::Binary);
        assert!(attachment.elided);
        assert!(attachment.bytes.starts_with(b"...Binary"));
    }
    assert_eq!(message.attachments[0].first_line, 78);

    // Every xop:Include in the envelope resolves to its part.
    let doc = Document::parse(message.soap.clone(), "wcf").unwrap();
    let hrefs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_element() && n.has_name(XOP, "Include"))
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert_eq!(hrefs.len(), 3);
    for (href, attachment) in hrefs.iter().zip(&message.attachments) {
        assert_eq!(
            message.attachment_for_href(href),
            Some(attachment),
            "{href}"
        );
    }

    for expected in [
        "no blank line after MIME part headers (tolerated)",
        "no blank line after HTTP headers (tolerated)",
        "lines end in LF instead of CRLF (tolerated)",
        "folded HTTP header lines joined",
        "Content-Length says 1941 bytes",
        "binary MIME parts elided in this copy: 3 of 3 attachment(s)",
    ] {
        assert!(
            has_note(message, expected),
            "{expected}: {:#?}",
            message.notes
        );
    }
    assert_eq!(message.notes.len(), 6, "{:#?}", message.notes);
}

const ENVELOPE: &str = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">\r\n  \
                        <s:Body><ping>1</ping></s:Body>\r\n</s:Envelope>";

#[test]
fn chunked_http_response_is_dechunked() {
    let (a, b) = ENVELOPE.split_at(40);
    let dump = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:X};name=value\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    let messages = load(&dump, "chunked.txt");
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.soap, ENVELOPE.as_bytes());
    assert_eq!(message.soap_offset, None, "spans two chunks");
    assert_eq!(message.soap_first_line, 6);
    assert_eq!(message.notes, ["HTTP body was chunked (de-chunked)"]);
    assert!(
        matches!(&message.framing, Framing::Http { start_line, .. } if start_line == "HTTP/1.1 200 OK")
    );
    Document::parse(message.soap.clone(), "chunked").unwrap();

    // In one chunk, the envelope is still one range of the file.
    let dump = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{ENVELOPE}\r\n0\r\n\r\n",
        ENVELOPE.len()
    );
    let message = &load(&dump, "one-chunk.txt")[0];
    let offset = message.soap_offset.expect("one chunk");
    assert_eq!(
        &dump.as_bytes()[offset..offset + ENVELOPE.len()],
        ENVELOPE.as_bytes()
    );
}

#[test]
fn request_and_response_in_one_file() {
    let request = "<s:Envelope xmlns:s=\"urn:s\"><s:Body>request</s:Body></s:Envelope>";
    let response = "<s:Envelope xmlns:s=\"urn:s\"><s:Body>response</s:Body></s:Envelope>";
    let dump = format!(
        "POST /service HTTP/1.1\r\nHost: example.org\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\n\r\n{request}\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n\
         {response}\r\n",
        request.len()
    );
    let messages = load(&dump, "pair.txt");
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].source_name, "pair.txt#1");
    assert_eq!(messages[1].source_name, "pair.txt#2");
    assert_eq!(messages[0].file, "pair.txt");
    assert_eq!(messages[0].soap, request.as_bytes());
    assert_eq!(messages[1].soap, response.as_bytes());
    assert_eq!(messages[0].soap_first_line, 6);
    assert_eq!(messages[1].soap_first_line, 11);
    assert!(
        messages.iter().all(|m| m.notes.is_empty()),
        "{:?}",
        messages[0].notes
    );
    assert_eq!(messages[1].framing.header("content-type"), Some("text/xml"));

    // Without Content-Length the request runs up to the response, and that is noted.
    let dump = dump.replace(&format!("Content-Length: {}\r\n", request.len()), "");
    let messages = load(&dump, "pair.txt");
    assert_eq!(messages[0].soap, request.as_bytes());
    assert!(has_note(&messages[0], "no Content-Length"));
}

/// A multipart/related with the root part second (named by `start`) and a base64 attachment.
fn multipart_body(line_end: &str) -> String {
    [
        "preamble is ignored",
        "--MIME_boundary",
        "Content-Type: application/octet-stream",
        "Content-Transfer-Encoding: base64",
        "Content-ID: <part@example.org>",
        "",
        "AAECAwQF",
        "BgcICQ==",
        "--MIME_boundary",
        "Content-Type: application/xop+xml; charset=UTF-8; type=\"text/xml\"",
        "Content-Transfer-Encoding: 8bit",
        "Content-ID: <root@example.org>",
        "",
        "<s:Envelope xmlns:s=\"urn:s\"><s:Body><xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:part%40example.org\"/></s:Body></s:Envelope>",
        "--MIME_boundary--",
        "epilogue",
    ]
    .join(line_end)
}

#[test]
fn multipart_related_with_base64_part_and_cid_lookup() {
    let file = format!(
        "MIME-Version: 1.0\r\nContent-Type: Multipart/Related; boundary=\"MIME_boundary\";\r\n \
         type=\"application/xop+xml\"; start=\"<root@example.org>\"\r\n\r\n{}",
        multipart_body("\r\n")
    );
    let messages = load(&file, "x.mime");
    let message = &messages[0];
    assert!(matches!(&message.framing, Framing::Mime { headers } if headers.len() == 2));
    assert!(message.soap.starts_with(b"<s:Envelope") && message.soap.ends_with(b"</s:Envelope>"));
    assert_eq!(message.soap_first_line, 18);
    let mime = message.mime.as_ref().unwrap();
    assert_eq!(mime.root_content_id.as_deref(), Some("root@example.org"));
    assert!(mime.parts[1].is_root);
    assert_eq!(message.attachments.len(), 1);
    let part = &message.attachments[0];
    assert_eq!(part.bytes, (0u8..10).collect::<Vec<_>>());
    assert_eq!(part.transfer_encoding, TransferEncoding::Base64);
    assert!(!part.elided);
    assert_eq!(part.first_line, 11);

    assert_eq!(
        content_id_from_cid_url("cid:part%40example.org").as_deref(),
        Some("part@example.org")
    );
    assert_eq!(
        message.attachment_for_href("cid:part%40example.org"),
        Some(part)
    );
    assert_eq!(
        message.attachment_by_content_id("<part@example.org>"),
        Some(part)
    );
    assert_eq!(message.attachment_for_href("cid:other@example.org"), None);
    assert_eq!(
        message.notes,
        [
            "folded MIME header lines joined (obsolete line folding)",
            "text before the first MIME boundary (the preamble) ignored",
        ]
    );

    // The same body in an HTTP response with bare LF line ends.
    let file = format!(
        "HTTP/1.1 200 OK\nContent-Type: multipart/related; boundary=MIME_boundary; \
         start=root@example.org\n\n{}",
        multipart_body("\n")
    );
    let message = &load(&file, "lf.txt")[0];
    assert_eq!(message.attachments[0].bytes, (0u8..10).collect::<Vec<_>>());
    assert!(has_note(
        message,
        "lines end in LF instead of CRLF (tolerated)"
    ));
    Document::parse(message.soap.clone(), "lf").unwrap();

    // Bad base64 is located in the file.
    let bad = file.replace("BgcICQ==", "Bgc*CQ==");
    assert_eq!(
        load_err(&bad, "lf.txt"),
        "lf.txt:11:4: MIME part body is not valid base64: invalid base64 character '*' at \
         character 11 of the value"
    );
}

#[test]
fn bare_multipart_starting_with_a_delimiter() {
    let body = multipart_body("\r\n");
    let body = &body[body.find("--").unwrap()..];
    let message = &load(body, "bare.mime")[0];
    assert!(matches!(&message.framing, Framing::Mime { headers } if headers.is_empty()));
    assert!(has_note(message, "boundary was taken from that line"));
    assert_eq!(message.mime.as_ref().unwrap().content_type, None);
    // Without a start parameter the first part is the root: here the base64 one, decoded.
    assert_eq!(message.soap, (0u8..10).collect::<Vec<_>>());
    assert_eq!(message.soap_offset, None);
    assert_eq!(message.soap_first_line, 6);
    assert!(has_note(
        message,
        "the root MIME part was sent base64-encoded"
    ));
    assert_eq!(
        message.attachments[0].content_id.as_deref(),
        Some("root@example.org")
    );
}

#[test]
fn empty_bodies_utf16_and_unclosed_multiparts_are_kept_with_notes() {
    // A one-way request answered by 202 Accepted: the answer has no envelope.
    let dump = format!(
        "POST /svc HTTP/1.1\r\nContent-Type: text/xml\r\n\r\n{ENVELOPE}\r\n\
         HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
    );
    let messages = load(&dump, "oneway.txt");
    assert_eq!(messages.len(), 2);
    assert!(messages[1].soap.is_empty());
    assert_eq!(messages[1].notes, ["no SOAP envelope: the body is empty"]);

    // UTF-16 is left whole for the XML layer to decode.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(ENVELOPE.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let message = &load_bytes(utf16.clone(), "utf16.xml").unwrap()[0];
    assert_eq!(message.soap, utf16);
    let doc = Document::parse(message.soap.clone(), "utf16.xml").unwrap();
    assert_eq!(doc.root_element().local_name(), "Envelope");

    // A copy cut after the root part.
    let cut = format!("--b\r\nContent-ID: <r>\r\n\r\n{ENVELOPE}\r\n");
    let message = &load(&cut, "cut.mime")[0];
    assert_eq!(message.soap, ENVELOPE.as_bytes());
    assert!(has_note(message, "no closing delimiter \"--b--\""));
}

#[test]
fn lf_only_http_request() {
    let dump = format!(
        "POST /svc HTTP/1.1\nContent-Type: text/xml\n\n{}\n",
        ENVELOPE.replace("\r\n", "\n")
    );
    let message = &load(&dump, "lf.txt")[0];
    assert_eq!(message.soap, ENVELOPE.replace("\r\n", "\n").as_bytes());
    assert_eq!(message.soap_first_line, 4);
    assert_eq!(
        message.notes,
        ["lines end in LF instead of CRLF (tolerated)"]
    );
}

#[test]
fn directory_loads_its_visible_message_files_sorted_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let envelope =
        |n: &str| format!("<s:Envelope xmlns:s=\"urn:s\"><s:Body>{n}</s:Body></s:Envelope>");
    for name in ["b.xml", "a.xml", "10.xml", ".hidden.xml"] {
        std::fs::write(dir.path().join(name), envelope(name)).unwrap();
    }
    // What `wskex walk --out` puts next to the messages is not read as messages.
    for name in ["keys.json", "alice.key.pem", "alice.cert.pem", "README.md"] {
        std::fs::write(dir.path().join(name), "not a message").unwrap();
    }
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/c.xml"), envelope("c")).unwrap();
    let extra = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(extra.path(), envelope("extra")).unwrap();

    let messages = load_paths(&[dir.path().to_path_buf(), extra.path().to_path_buf()]).unwrap();
    let bodies: Vec<String> = messages
        .iter()
        .map(|m| String::from_utf8_lossy(&m.soap).into_owned())
        .collect();
    assert_eq!(
        bodies,
        [
            envelope("10.xml"),
            envelope("a.xml"),
            envelope("b.xml"),
            envelope("extra")
        ]
    );
    assert_eq!(
        messages[1].source_name,
        dir.path().join("a.xml").display().to_string()
    );
}

#[test]
fn bad_input_is_reported_with_its_position() {
    assert_eq!(
        load_err(
            "POST /svc HTTP/1.1\r\nHost: a\r\nContent-Type text/xml\r\n\r\n<x/>",
            "capture.txt"
        ),
        "capture.txt:3:1: HTTP header line without ':'"
    );
    assert_eq!(
        load_err(
            "Content-Type: multipart/related; type=\"text/xml\"\r\n\r\n--x\r\n",
            "x.mime"
        ),
        "x.mime:1:1: multipart/related without a boundary parameter"
    );
    let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(
        load_err(
            &format!("{chunked}4\r\n<a/>\r\n40\r\n<b>only this</b>"),
            "dump.txt"
        ),
        "dump.txt:6:1: truncated chunk: its size line declares 64 bytes but only 16 follow \
         before the end of input"
    );
    assert_eq!(
        load_err(&format!("{chunked}4\r\n<a/>\r\nzz\r\n"), "dump.txt"),
        "dump.txt:6:1: chunk size \"zz\" is not hexadecimal"
    );
    assert_eq!(
        load_err(
            "HTTP/1.1 200 OK\r\nContent-Type: multipart/related; boundary=b\r\n\r\n<x/>",
            "nb.txt"
        ),
        "nb.txt:4:1: multipart body has no delimiter line \"--b\""
    );
    assert_eq!(
        load_err(
            "HTTP/1.1 200 OK\r\nContent-Type: multipart/related; boundary=b; start=\"<r>\"\r\n\r\n--b\r\nContent-ID: <x>\r\n\r\n<x/>\r\n--b--\r\n",
            "root.txt"
        ),
        "root.txt:2:1: the start parameter names <r> but no MIME part has that Content-ID"
    );
    assert_eq!(
        load_err(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f",
            "gz.txt"
        ),
        "gz.txt:2:1: Content-Encoding: gzip is not supported (only identity and chunked are)"
    );
    assert_eq!(
        load_err("Content-Type: text/xml\r\n\r\n<x/>", "h.txt"),
        "h.txt:1:1: headers without an HTTP start line must announce a multipart body; found \
         Content-Type: text/xml"
    );
    assert_eq!(
        load_err("\n\n  {\"json\": true}", "j.txt"),
        "j.txt:3:3: expected XML ('<'), an HTTP request or status line, or a MIME multipart (a \
         '--boundary' line or Content-Type: multipart/related headers); found \"{\\\"json\\\": true}\""
    );
    assert_eq!(
        load_err(" \r\n", "empty.txt"),
        "empty.txt:1:1: empty input: expected a SOAP envelope, an HTTP message or a MIME multipart"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("only-a-subdir")).unwrap();
    std::fs::write(dir.path().join(".hidden"), "<x/>").unwrap();
    let err = load_paths(&[dir.path().to_path_buf()]).unwrap_err();
    assert!(matches!(err, LoadError::EmptyDirectory { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: directory holds no files to load (hidden files, subdirectories and special files \
             are skipped)",
            dir.path().display()
        )
    );
    let missing = dir.path().join("missing.xml");
    let err = load_paths(std::slice::from_ref(&missing)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("{}: ", missing.display())),
        "{err}"
    );
    assert!(matches!(load_paths(&[]), Err(LoadError::NoInput)));
}

#[test]
fn oversized_files_are_refused_before_reading() {
    let file = tempfile::NamedTempFile::new().unwrap();
    // Sparse: no disk or memory is used unless someone reads it.
    file.as_file()
        .set_len(wskex::audit::MAX_INPUT_BYTES + 1)
        .unwrap();
    let err = load_paths(&[file.path().to_path_buf()]).unwrap_err();
    assert!(
        matches!(err, LoadError::TooLarge { size, .. } if size == wskex::audit::MAX_INPUT_BYTES + 1)
    );
    assert!(
        err.to_string()
            .contains(":1:1: input is 1073741825 bytes, above the limit"),
        "{err}"
    );
}

/// Loads anything; an error must be one line and, for content errors, name a real position.
fn load_never_panics(bytes: &[u8]) -> Result<(), TestCaseError> {
    match load_bytes(bytes.to_vec(), "fuzz") {
        Ok(messages) => {
            for message in messages {
                if let Some(offset) = message.soap_offset {
                    prop_assert!(offset + message.soap.len() <= bytes.len());
                    prop_assert_eq!(
                        &bytes[offset..offset + message.soap.len()],
                        message.soap.as_slice()
                    );
                }
            }
        }
        Err(err) => {
            prop_assert!(!err.to_string().contains('\n'), "{}", err);
            if let Some(position) = err.position() {
                prop_assert!(position.offset <= bytes.len());
                prop_assert!(position.line >= 1 && position.column >= 1);
            }
            let _ = err.kind().map(LoadErrorKind::to_string);
        }
    }
    Ok(())
}

/// Prefixes that steer random bytes into each framing.
const PREFIXES: &[&str] = &[
    "",
    "<",
    "POST / HTTP/1.1\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    "HTTP/1.1 200 OK\nContent-Type: multipart/related; boundary=b; start=\"<r>\"\n\n--b\n",
    "Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\n",
    "--b\r\nContent-ID: <r>\r\nContent-Transfer-Encoding: quoted-printable\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_input_never_panics(
        prefix in 0..PREFIXES.len(),
        body in proptest::collection::vec(
            prop_oneof![any::<u8>(), Just(b'\n'), Just(b'-'), Just(b':'), Just(b'0'), Just(b'\r')],
            0..400,
        ),
    ) {
        let mut bytes = PREFIXES[prefix].as_bytes().to_vec();
        bytes.extend(body);
        load_never_panics(&bytes)?;
    }
}

#[test]
fn mutated_captures_never_panic() {
    let Some(shared) = common::shared_dir("capture loading (mutations)") else {
        return;
    };
    let captures: Vec<Vec<u8>> = capture_files(&shared)
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    let mutation = (any::<prop::sample::Index>(), 0u8..4, any::<u8>());
    let strategy = (
        any::<prop::sample::Index>(),
        proptest::collection::vec(mutation, 1..8),
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(&strategy, |(which, mutations)| {
            let mut bytes = which.get(&captures).clone();
            for (at, op, byte) in mutations {
                if bytes.is_empty() {
                    break;
                }
                let i = at.index(bytes.len());
                match op {
                    0 => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    2 => {
                        bytes.remove(i);
                    }
                    _ => bytes.truncate(i),
                }
            }
            load_never_panics(&bytes)
        })
        .unwrap();
}

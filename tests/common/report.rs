//! Running wskex for a report and picking findings out of its JSON: what the tests that
//! assert on findings share.

use std::path::Path;

use serde_json::Value;

use super::wskex;

/// Exit code, text report (and what the text run wrote to stderr) and JSON report of one
/// command (run twice: text and JSON).
pub struct Run {
    pub code: i32,
    pub text: String,
    pub stderr: String,
    pub json: Value,
}

/// `wskex COMMAND FILE EXTRA... --format text`, then `--format json`: the two exit codes
/// must agree.
pub fn run_both(command: &str, file: &Path, extra: &[&str]) -> Run {
    let go = |format: &str| {
        wskex()
            .arg(command)
            .arg(file)
            .args(extra)
            .args(["--format", format])
            .output()
            .unwrap()
    };
    let text = go("text");
    let json = go("json");
    let code = text.status.code().unwrap_or(-1);
    assert_eq!(json.status.code(), Some(code), "text and JSON runs agree");
    Run {
        code,
        text: String::from_utf8(text.stdout).unwrap(),
        stderr: String::from_utf8(text.stderr).unwrap(),
        json: serde_json::from_slice(&json.stdout).unwrap_or_else(|e| {
            panic!(
                "{command} JSON: {e}: {}",
                String::from_utf8_lossy(&json.stderr)
            )
        }),
    }
}

/// [`run_both`] with owned arguments.
pub fn run_both_owned(command: &str, file: &Path, extra: &[String]) -> Run {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    run_both(command, file, &extra)
}

/// Every finding of a `verify` JSON report (top level) or of every message of an `inspect`
/// one, in order.
pub fn all_findings(json: &Value) -> Vec<&Value> {
    let mut all: Vec<&Value> = json["findings"].as_array().into_iter().flatten().collect();
    for m in json["messages"].as_array().into_iter().flatten() {
        all.extend(m["findings"].as_array().into_iter().flatten());
    }
    all
}

/// The codes of [`all_findings`].
pub fn codes(json: &Value) -> Vec<String> {
    all_findings(json)
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// (code, severity) of [`all_findings`].
pub fn codes_with_severity(json: &Value) -> Vec<(String, String)> {
    all_findings(json)
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The findings with `code`.
pub fn with_code<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    all_findings(json)
        .into_iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// (1-based message number, finding) of every finding with `code` of an `inspect` report.
pub fn per_message<'a>(json: &'a Value, code: &str) -> Vec<(usize, &'a Value)> {
    json["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .flat_map(|(i, m)| {
            m["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(move |f| f["code"] == code)
                .map(move |f| (i + 1, f))
        })
        .collect()
}

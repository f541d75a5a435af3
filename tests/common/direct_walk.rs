//! The direct walkthrough written to a temporary folder: real messages and key files that
//! tests edit (a role on the Security header, a token moved into another block) and feed back
//! to wskex.

use std::path::PathBuf;

use super::wskex;

pub struct DirectWalk {
    dir: tempfile::TempDir,
}

impl DirectWalk {
    /// `wskex walk direct --out <tmp>/w`.
    pub fn new() -> DirectWalk {
        let dir = tempfile::tempdir().unwrap();
        let out = wskex()
            .args(["walk", "direct", "--out"])
            .arg(dir.path().join("w"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        DirectWalk { dir }
    }

    /// A file of the walk's folder: a message, a key, keys.json.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join("w").join(name)
    }

    /// [`DirectWalk::path`] as a command-line argument.
    pub fn arg(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_string()
    }

    /// The text of a file of the walk's folder.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// A path beside the walk's folder (for edited copies: never mixed into the walk).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` beside the walk's folder; returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.scratch(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The receiver's keys on the command line: bob's key and certificate, alice's certificate.
    pub fn bob_keys(&self) -> Vec<String> {
        vec![
            "--key".into(),
            self.arg("bob.key.pem"),
            "--cert".into(),
            self.arg("bob.cert.pem"),
            "--cert".into(),
            self.arg("alice.cert.pem"),
        ]
    }
}

//! Reading inputs (files, stdin, a token given as an argument) and writing output files.
//!
//! Every input is read up to a bound by what it holds ([`Bound`]): a file or stdin that holds
//! more is refused once the bound is passed, never read to its end (`--key /dev/zero` would
//! otherwise fill memory). The bounds are the library's for the same input, so nothing the CLI
//! reads could pass on to be refused later.
//!
//! Output files are never written through a symbolic link and never rewritten in place: the
//! text goes to a new file in the same directory (created with `O_EXCL | O_NOFOLLOW`, mode 0600
//! for a private key), which then takes the name. Without `--force` an existing name is kept.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use camunda_authz::json::{self, Value};
use camunda_authz::{AuthzError, KeySet};

#[cfg(unix)]
use crate::output::note;
use crate::output::{io_message, shown};
use crate::Fail;

/// What an input holds, and so the most bytes it may have.
#[derive(Clone, Copy)]
pub enum Bound {
    /// A private JWK: 1 MiB, as `signGrants` bounds one.
    PrivateKey,
    /// A JWKS: 1 MiB, as `verifyGrants` bounds one.
    Jwks,
    /// A compact JWS: 64 MiB, the largest `maxTokenBytes` the package takes.
    Token,
    /// A grant-set payload: 64 MiB, as `signGrants` bounds one.
    Payload,
    /// A task file: 256 MiB (a million full v2 user tasks).
    Tasks,
}

impl Bound {
    fn bytes(self) -> u64 {
        match self {
            Bound::PrivateKey | Bound::Jwks => 1 << 20,
            Bound::Token | Bound::Payload => 64 << 20,
            Bound::Tasks => 256 << 20,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Bound::PrivateKey => "a private key",
            Bound::Jwks => "a JWKS",
            Bound::Token => "a token",
            Bound::Payload => "a payload",
            Bound::Tasks => "a task file",
        }
    }
}

/// Reads a file, or stdin for `-`, up to its bound.
pub fn read_text(path: &str, bound: Bound) -> Result<String, Fail> {
    let max = bound.bytes();
    let mut bytes = Vec::new();
    let read = if path == "-" {
        io::stdin().lock().take(max + 1).read_to_end(&mut bytes)
    } else {
        File::open(path).and_then(|file| file.take(max + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| {
        Fail::Input(format!(
            "error: cannot read {}: {}",
            source_name(path),
            io_message(&e)
        ))
    })?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        return Err(Fail::Input(format!(
            "error: {} is larger than {max} bytes, the bound for {}",
            source_name(path),
            bound.what()
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        Fail::Input(format!(
            "error: cannot read {}: it is not UTF-8 text",
            source_name(path)
        ))
    })
}

/// `stdin`, or the file name in backticks.
pub fn source_name(path: &str) -> String {
    if path == "-" {
        "stdin".to_owned()
    } else {
        format!("`{}`", shown(path))
    }
}

/// Reads JSON from a file or stdin. A parse error gives the offset, never the text.
pub fn read_json(path: &str, what: &str, bound: Bound) -> Result<Value<'static>, Fail> {
    let text = read_text(path, bound)?;
    json::parse(text.as_bytes())
        .map(Value::into_owned)
        .map_err(|e| {
            Fail::Input(format!(
                "error: the {what} in {} is not JSON: {}",
                source_name(path),
                shown(&e)
            ))
        })
}

/// A token argument: `-` reads stdin, an existing file is read, anything shaped like a compact
/// JWS is the token itself. Surrounding whitespace is trimmed.
pub fn read_token(arg: &str) -> Result<String, Fail> {
    let text = if arg == "-" || Path::new(arg).is_file() {
        read_text(arg, Bound::Token)?
    } else if looks_like_token(arg) {
        arg.to_owned()
    } else {
        return Err(Fail::Input(format!(
            "error: `{}` is neither a readable file nor a compact JWS (three base64url parts separated by `.`)",
            shown(arg)
        )));
    };
    let token = text.trim();
    if token.is_empty() {
        return Err(Fail::Input(format!(
            "error: no token in {}: it is empty",
            source_name(arg)
        )));
    }
    Ok(token.to_owned())
}

fn looks_like_token(text: &str) -> bool {
    let text = text.trim();
    text.bytes().filter(|b| *b == b'.').count() == 2
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

pub fn read_keys(path: &str) -> Result<KeySet, Fail> {
    let text = read_text(path, Bound::Jwks)?;
    KeySet::parse_str(&text).map_err(|e| {
        Fail::Rejected(AuthzError::new(
            e.code,
            format!("{}: {}", source_name(path), e.message),
        ))
    })
}

/// Reads a private key file, warning on stderr when its group or others may read it.
pub fn read_secret(path: &str) -> Result<String, Fail> {
    #[cfg(unix)]
    if path != "-" {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o044 != 0 {
                note(&format!(
                    "warning: the private key `{}` can be read by its group or by others (mode {mode:04o}); `chmod 600` it",
                    shown(path)
                ));
            }
        }
    }
    read_text(path, Bound::PrivateKey)
}

/// Writes an output file (the text and a final newline). An existing file is refused unless
/// `force`; then it is replaced by a new file, never written through (a symbolic link at
/// `path` is replaced, not followed). `private` files get mode 0600 on unix.
pub fn write_file(path: &str, text: &str, private: bool, force: bool) -> Result<(), Fail> {
    let fail = |e: io::Error| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Fail::Input(format!(
                "error: `{}` already exists; pass --force to overwrite it",
                shown(path)
            ))
        } else {
            Fail::Input(format!(
                "error: cannot write `{}`: {}",
                shown(path),
                io_message(&e)
            ))
        }
    };
    let target = Path::new(path);
    if !force {
        // O_EXCL: fails on any existing name, a symbolic link included.
        let mut file = create_new(target, private).map_err(fail)?;
        return write_all(&mut file, text).map_err(|e| {
            let _ = fs::remove_file(target);
            fail(e)
        });
    }
    let temporary = temporary_beside(target);
    let written = create_new(&temporary, private)
        .and_then(|mut file| write_all(&mut file, text))
        .and_then(|()| fs::rename(&temporary, target));
    written.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        fail(e)
    })
}

/// A name in the same directory as `path` (so that renaming is atomic) that is not taken yet.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut nonce = [0u8; 8];
    let nonce = match getrandom::fill(&mut nonce) {
        Ok(()) => u64::from_le_bytes(nonce),
        Err(_) => u64::from(std::process::id()),
    };
    path.with_file_name(format!(".{name}.{nonce:016x}.tmp"))
}

/// A new file: `O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600 when `private` (else 0666 less the
/// umask).
fn create_new(path: &Path, private: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW);
        if private {
            options.mode(0o600);
        }
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

fn write_all(file: &mut File, text: &str) -> io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

//! `keygen`: a new Ed25519 signing key (private JWK) and its public JWKS.

use camunda_authz::jwk::{Jwk, Jwks};
use camunda_authz::SigningJwk;
use serde::Serialize;

use crate::args::{self, flag, opt};
use crate::files::write_file;
use crate::output::{note, out, pretty, shown};
use crate::{help, Fail, Outcome};

pub const HELP: &str = "\
usage: camunda-authz keygen --kid KID [--out-private FILE] [--out-jwks FILE] [--force]

makes an Ed25519 signing key from the system's secure random source.

options:
  --kid KID            the key id that tokens name in their header (required)
  --out-private FILE   write the private JWK to FILE (mode 0600 on unix)
  --out-jwks FILE      write the public JWKS ({ \"keys\": [...] }) to FILE
  --force              replace existing output files (refused otherwise); the new file is
                       written beside the old one and renamed into place, so a symbolic link
                       at FILE is replaced, never followed, and no other name of the old file
                       sees the new key

without --out-* it prints { \"privateJwk\": ..., \"jwks\": ... } to stdout. with one of them,
stdout gets the other part alone (the JWKS, or the private JWK), so it can be redirected to a
file. keep the private JWK secret; publish the JWKS.
";

const CMD: &str = "keygen";

pub fn run(argv: &[String]) -> Outcome {
    let specs = [
        opt("kid", "KID"),
        opt("out-private", "FILE"),
        opt("out-jwks", "FILE"),
        flag("force"),
    ];
    let args = args::parse(CMD, &specs, argv)?;
    if args.help {
        return help(HELP);
    }
    args::no_positional(CMD, &args, "keygen takes options only")?;
    let kid = args::required(CMD, &args, "kid")?;
    if kid.trim().is_empty() {
        return Err(Fail::usage(CMD, "error: option `--kid` must not be empty"));
    }
    let out_private = args.get("out-private");
    let out_jwks = args.get("out-jwks");
    if out_private == Some("-") || out_jwks == Some("-") {
        return Err(Fail::usage(
            CMD,
            "error: leave out --out-private or --out-jwks to print to stdout instead of `-`",
        ));
    }
    if out_private.is_some() && out_private == out_jwks {
        return Err(Fail::usage(
            CMD,
            "error: --out-private and --out-jwks name the same file",
        ));
    }
    let force = args.has("force");
    let key = SigningJwk::generate(kid).map_err(|e| Fail::input("cannot make a key", &e))?;
    let private = key.private_jwk();
    let jwks = Jwks {
        keys: vec![key.public_jwk()],
    };
    let kid = shown(&key.kid);

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Both<'a> {
        private_jwk: &'a Jwk,
        jwks: &'a Jwks,
    }

    match (out_private, out_jwks) {
        (None, None) => {
            out(&pretty(&Both {
                private_jwk: &private,
                jwks: &jwks,
            })?)?;
            note(&format!(
                "made Ed25519 key `{kid}`: keep privateJwk secret, publish jwks"
            ));
        }
        (Some(private_path), jwks_path) => {
            write_file(private_path, &pretty(&private)?, true, force)?;
            note(&format!(
                "wrote the private JWK of key `{kid}` to `{}` (keep it secret)",
                shown(private_path)
            ));
            match jwks_path {
                Some(jwks_path) => {
                    write_file(jwks_path, &pretty(&jwks)?, false, force)?;
                    note(&format!("wrote the public JWKS to `{}`", shown(jwks_path)));
                }
                None => out(&pretty(&jwks)?)?,
            }
        }
        (None, Some(jwks_path)) => {
            write_file(jwks_path, &pretty(&jwks)?, false, force)?;
            note(&format!(
                "wrote the public JWKS of key `{kid}` to `{}`; the private JWK is on stdout (keep it secret)",
                shown(jwks_path)
            ));
            out(&pretty(&private)?)?;
        }
    }
    Ok(0)
}

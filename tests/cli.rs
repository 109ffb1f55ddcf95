#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "in a test a panic is a failure report"
)]

//! The `camunda-authz` binary end to end: keygen, sign, verify, check and inspect, run as a
//! user would, in a fresh directory per test; and the exit code of every failure class.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use camunda_authz::base64url;
use camunda_authz::model::task_worker_role_authorizations;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_camunda-authz");

/// The time every test signs at; exp is NOW + 900.
const NOW: i64 = 1_763_800_000;
const LATER: &str = "1763800100";
const EXP_UTC: &str = "2025-11-22T08:41:40Z";

const USAGE: i32 = 2;
const REJECTED: i32 = 3;
const INPUT: i32 = 4;

/// A fresh directory under the system temp dir, removed when the test ends.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let path = std::env::temp_dir().join(format!(
            "camunda-authz-cli-{name}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        Dir(path)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.path(file), text).unwrap();
    }

    fn write_json(&self, file: &str, value: &Value) {
        self.write(file, &serde_json::to_string_pretty(value).unwrap());
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).unwrap()
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(&self.0)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        let output = child.wait_with_output().unwrap();
        Run {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[derive(Debug)]
struct Run {
    args: Vec<String>,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts the exit code and returns self.
    #[track_caller]
    fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code of {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr of {:?} lacks {needle:?}:\n{}",
            self.args,
            self.stderr
        );
        self
    }

    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout of {:?} is not JSON ({e}):\n{}",
                self.args, self.stdout
            )
        })
    }
}

/// A grant set as docs/rules.md shows it, with the default task-worker role.
fn payload() -> Value {
    json!({
        "iss": "https://tasklist.example.com",
        "aud": "tasklist",
        "sub": "demo",
        "camundaVersion": "8.9",
        "authorizationsEnabled": true,
        "multiTenancyEnabled": false,
        "principal": {
            "type": "USER", "id": "demo",
            "groups": ["sales"], "roles": ["task-worker"], "tenants": ["<default>"],
            "mappingRules": []
        },
        "authorizations": task_worker_role_authorizations(),
    })
}

fn task(key: &str, candidate_groups: &[&str]) -> Value {
    json!({
        "userTaskKey": key,
        "processDefinitionId": "invoice",
        "name": "Approve invoice",
        "state": "CREATED",
        "assignee": null,
        "candidateUsers": [],
        "candidateGroups": candidate_groups,
        "tenantId": "<default>",
    })
}

/// keygen `k1` into k1.jwk and jwks.json, sign `payload()` at NOW into token.jwt.
fn setup(name: &str) -> Dir {
    let dir = Dir::new(name);
    dir.run(&[
        "keygen",
        "--kid",
        "k1",
        "--out-private",
        "k1.jwk",
        "--out-jwks",
        "jwks.json",
    ])
    .code(0);
    dir.write_json("payload.json", &payload());
    sign(&dir, "payload.json", "token.jwt");
    dir
}

fn sign(dir: &Dir, payload_file: &str, token_file: &str) {
    let run = dir
        .run(&[
            "sign",
            "--key",
            "k1.jwk",
            "--now",
            &NOW.to_string(),
            "--ttl",
            "900",
            payload_file,
        ])
        .code(0);
    dir.write(token_file, &run.stdout);
}

fn check(dir: &Dir, token: &str, task_file: &str, operation: &str) -> Run {
    dir.run(&[
        "check",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--task",
        task_file,
        "--operation",
        operation,
        "--now",
        LATER,
        token,
    ])
}

/// A token with its payload changed and the old signature kept.
fn tamper(token: &str, change: impl FnOnce(&mut Value)) -> String {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let mut payload: Value = serde_json::from_slice(&base64url::decode(parts[1]).unwrap()).unwrap();
    change(&mut payload);
    let payload = base64url::encode(&serde_json::to_vec(&payload).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

#[test]
fn keygen_writes_a_private_jwk_readable_only_by_its_owner_and_a_public_jwks() {
    let dir = setup("keygen");
    let private: Value = serde_json::from_str(&dir.read("k1.jwk")).unwrap();
    assert_eq!(private["kty"], "OKP");
    assert_eq!(private["crv"], "Ed25519");
    assert_eq!(private["kid"], "k1");
    assert!(private["d"].is_string() && private["x"].is_string());
    let jwks: Value = serde_json::from_str(&dir.read("jwks.json")).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kid"], "k1");
    assert_eq!(keys[0]["x"], private["x"]);
    assert!(keys[0].get("d").is_none(), "the JWKS leaks the private key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path("k1.jwk"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "private JWK mode {mode:o}");
    }

    // An existing file is not replaced without --force.
    dir.run(&["keygen", "--kid", "k1", "--out-private", "k1.jwk"])
        .code(INPUT)
        .stderr_has("already exists");
    assert_eq!(
        serde_json::from_str::<Value>(&dir.read("k1.jwk")).unwrap(),
        private
    );
    dir.run(&[
        "keygen",
        "--kid",
        "k1",
        "--out-private",
        "k1.jwk",
        "--force",
    ])
    .code(0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir.path("k1.jwk"), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        dir.run(&[
            "keygen",
            "--kid",
            "k1",
            "--out-private",
            "k1.jwk",
            "--force",
        ])
        .code(0);
        let mode = std::fs::metadata(dir.path("k1.jwk"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "replaced private JWK mode {mode:o}");
    }
    assert_ne!(
        serde_json::from_str::<Value>(&dir.read("k1.jwk")).unwrap(),
        private
    );

    // Without --out-*: both on stdout. With only --out-private: the JWKS alone on stdout.
    let both = dir.run(&["keygen", "--kid", "k2"]).code(0).json();
    assert_eq!(both["privateJwk"]["kid"], "k2");
    assert_eq!(both["jwks"]["keys"][0]["x"], both["privateJwk"]["x"]);
    assert!(both["jwks"]["keys"][0].get("d").is_none());
    let run = dir
        .run(&["keygen", "--kid", "k3", "--out-private", "k3.jwk"])
        .code(0);
    assert_eq!(run.json()["keys"][0]["kid"], "k3");
    assert!(!run.stdout.contains("\"d\""));
}

#[test]
fn sign_then_verify_prints_the_payload() {
    let dir = setup("verify");
    let token = dir.read("token.jwt");
    assert_eq!(token.trim().split('.').count(), 3);
    let run = dir
        .run(&[
            "verify",
            "--jwks",
            "jwks.json",
            "--now",
            LATER,
            "--issuer",
            "https://tasklist.example.com",
            "--audience",
            "tasklist",
            "token.jwt",
        ])
        .code(0)
        .stderr_has("verified: signed by key `k1` for USER `demo`");
    let verified = run.json();
    assert_eq!(verified["principal"]["id"], "demo");
    assert_eq!(verified["iat"], NOW);
    assert_eq!(verified["exp"], NOW + 900);
    assert_eq!(verified["ver"], 1);
    assert_eq!(
        verified["authorizations"],
        json!(task_worker_role_authorizations())
    );

    // The token itself as the argument, and from stdin.
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--now",
        LATER,
        token.trim(),
    ])
    .code(0);
    let run = dir
        .run_with_stdin(
            &[
                "verify",
                "--any-issuer",
                "--any-audience",
                "--jwks",
                "jwks.json",
                "--now",
                LATER,
                "-",
            ],
            Some(&format!("\n  {token}\n\n")),
        )
        .code(0);
    assert_eq!(run.json()["sub"], "demo");

    // Claims: issuer and audience.
    dir.run(&[
        "verify",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--now",
        LATER,
        "--issuer",
        "https://evil",
        "token.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_ISSUER: ");
    dir.run(&[
        "verify",
        "--any-issuer",
        "--jwks",
        "jwks.json",
        "--now",
        LATER,
        "--audience",
        "operate",
        "token.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_AUDIENCE: ");
}

#[test]
fn sign_sets_issuer_and_repeated_audiences_and_reads_stdin() {
    let dir = setup("sign-options");
    let run = dir
        .run_with_stdin(
            &[
                "sign",
                "--key",
                "k1.jwk",
                "--now",
                &NOW.to_string(),
                "--issuer",
                "https://issuer.example.com",
                "--audience",
                "tasklist",
                "--audience",
                "edge",
                "-",
            ],
            Some(&payload().to_string()),
        )
        .code(0)
        .stderr_has(EXP_UTC);
    dir.write("multi.jwt", &run.stdout);
    let verified = dir
        .run(&[
            "verify",
            "--any-issuer",
            "--jwks",
            "jwks.json",
            "--now",
            LATER,
            "--audience",
            "edge",
            "multi.jwt",
        ])
        .code(0)
        .json();
    assert_eq!(verified["aud"], json!(["tasklist", "edge"]));
    assert_eq!(verified["iss"], "https://issuer.example.com");
    // No --ttl and no exp in the payload: 900 seconds.
    assert_eq!(verified["exp"], NOW + 900);

    // A payload that is not a grant set is bad input, not a verification failure.
    dir.write_json("not-grants.json", &json!({ "principal": "demo" }));
    dir.run(&["sign", "--key", "k1.jwk", "not-grants.json"])
        .code(INPUT)
        .stderr_has("ERR_GRANTS_MALFORMED: ");
    // So is a key that is not a private JWK.
    dir.run(&["sign", "--key", "jwks.json", "payload.json"])
        .code(INPUT)
        .stderr_has("ERR_KEY_INVALID: ");
}

#[test]
fn verify_rejects_expired_tampered_and_unknown_key_tokens_with_exit_3() {
    let dir = setup("reject");
    let token = dir.read("token.jwt");

    // Expired at --now, rescued by a clock tolerance.
    let after = (NOW + 1000).to_string();
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--now",
        &after,
        "token.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_EXPIRED: ");
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--now",
        &after,
        "--clock-tolerance",
        "200",
        "token.jwt",
    ])
    .code(0);

    // A payload changed after signing.
    dir.write(
        "tampered.jwt",
        &tamper(&token, |p| p["principal"]["roles"] = json!(["admin"])),
    );
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--now",
        LATER,
        "tampered.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_SIGNATURE: ");

    // A JWKS without the token's kid.
    dir.run(&["keygen", "--kid", "other", "--out-jwks", "other.json"])
        .code(0);
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "other.json",
        "--now",
        LATER,
        "token.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_KEY_NOT_FOUND: ");

    // The size bound.
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--now",
        LATER,
        "--max-token-bytes",
        "100",
        "token.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_TOO_LARGE: ");

    // A JWKS that holds a private key is refused.
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "k1.jwk",
        "--now",
        LATER,
        "token.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_JWKS_INVALID: ");

    // Not a token at all.
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--now",
        LATER,
        "e30.e30.e30",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_");
}

#[test]
fn check_allows_and_denies_with_an_explanation_and_exit_code() {
    let dir = setup("check");
    dir.write_json("sales.json", &task("2251799813685249", &["sales"]));
    dir.write_json("hr.json", &task("2251799813685250", &["hr"]));

    let run = check(&dir, "token.jwt", "sales.json", "claim")
        .code(0)
        .stderr_has("allowed: claim on task `2251799813685249`");
    let decision = run.json();
    assert_eq!(decision["allowed"], true);
    assert_eq!(decision["operation"], "claim");
    assert_eq!(decision["code"], "granted");
    assert_eq!(decision["matchedBy"], "candidateGroups");
    assert_eq!(decision["permissionType"], "CLAIM");
    assert_eq!(decision["grant"]["ownerId"], "task-worker");

    // The task-worker role has no UPDATE: assign is denied.
    let decision = check(&dir, "token.jwt", "sales.json", "assign")
        .code(1)
        .stderr_has("denied: assign")
        .json();
    assert_eq!(decision["allowed"], false);
    assert_eq!(decision["code"], "no-grant");
    assert!(decision.get("grant").is_none());

    // Not a candidate group of the principal: even get is denied.
    let decision = check(&dir, "token.jwt", "hr.json", "get").code(1).json();
    assert_eq!(decision["allowed"], false);

    // The token from stdin, the operation by a comma list.
    let token = dir.read("token.jwt");
    let run = dir
        .run_with_stdin(
            &[
                "check",
                "--any-issuer",
                "--any-audience",
                "--jwks",
                "jwks.json",
                "--task",
                "sales.json",
                "--operation",
                "get,complete",
                "--now",
                LATER,
                "-",
            ],
            Some(&token),
        )
        .code(0);
    let decisions = run.json();
    assert_eq!(decisions[0]["operation"], "get");
    assert_eq!(decisions[1]["operation"], "complete");
    assert_eq!(decisions.as_array().unwrap().len(), 2);

    // Verification comes first: an expired token is exit 3, not a deny.
    dir.run(&[
        "check",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "--task",
        "sales.json",
        "--operation",
        "get",
        "--now",
        &(NOW + 1000).to_string(),
        "token.jwt",
    ])
    .code(REJECTED)
    .stderr_has("ERR_GRANTS_EXPIRED: ");
}

#[test]
fn check_all_operations_in_order() {
    let dir = setup("check-all");
    dir.write_json("sales.json", &task("2251799813685249", &["sales"]));
    let run = check(&dir, "token.jwt", "sales.json", "all")
        .code(1)
        .stderr_has(
            "allowed get, search, getForm, claim, complete; denied assign, unassign, update",
        );
    let decisions = run.json();
    let names: Vec<&str> = decisions
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"]
    );
    let allowed: Vec<bool> = decisions
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["allowed"].as_bool().unwrap())
        .collect();
    assert_eq!(allowed, [true, true, true, true, false, false, true, false]);

    // Authorizations disabled: all eight allowed, exit 0.
    let mut disabled = payload();
    disabled["authorizationsEnabled"] = json!(false);
    dir.write_json("disabled.json", &disabled);
    sign(&dir, "disabled.json", "disabled.jwt");
    let decisions = check(&dir, "disabled.jwt", "sales.json", "all")
        .code(0)
        .json();
    assert_eq!(decisions.as_array().unwrap().len(), 8);
    for decision in decisions.as_array().unwrap() {
        assert_eq!(decision["allowed"], true);
        assert_eq!(decision["code"], "authorizations-disabled");
    }
}

#[test]
fn check_an_array_of_tasks_gives_one_result_per_task() {
    let dir = setup("check-array");
    dir.write_json(
        "tasks.json",
        &json!([
            task("1", &["sales"]),
            task("2", &["hr"]),
            { "processDefinitionId": "invoice", "candidateGroups": ["sales", "hr"] },
        ]),
    );
    let run = check(&dir, "token.jwt", "tasks.json", "get")
        .code(1)
        .stderr_has("allowed: get on task `1`")
        .stderr_has("denied: get on task `2`")
        .stderr_has("allowed: get on task 2:");
    let results = run.json();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["index"], 0);
    assert_eq!(results[0]["userTaskKey"], "1");
    assert_eq!(results[0]["decision"]["allowed"], true);
    assert_eq!(results[1]["userTaskKey"], "2");
    assert_eq!(results[1]["decision"]["allowed"], false);
    assert!(results[2].get("userTaskKey").is_none());
    assert_eq!(results[2]["decision"]["allowed"], true);

    // Every decision allowed: exit 0.
    dir.write_json(
        "both.json",
        &json!([task("1", &["sales"]), task("3", &["sales"])]),
    );
    check(&dir, "token.jwt", "both.json", "claim").code(0);

    // Several operations per task: `decisions`.
    let results = check(&dir, "token.jwt", "tasks.json", "all").code(1).json();
    assert_eq!(results[1]["decisions"].as_array().unwrap().len(), 8);
    assert!(results[1].get("decision").is_none());

    // An empty array decides nothing and denies nothing.
    dir.write("none.json", "[]");
    let results = check(&dir, "token.jwt", "none.json", "get").code(0).json();
    assert_eq!(results, json!([]));
}

#[test]
fn check_a_client_principal_never_matches_by_candidate_users() {
    let dir = setup("client");
    let mut client = payload();
    client["sub"] = json!("worker-app");
    client["principal"] = json!({
        "type": "CLIENT", "id": "worker-app", "groups": [], "roles": ["task-worker"],
        "tenants": [], "mappingRules": []
    });
    let mut authorizations = json!(task_worker_role_authorizations());
    authorizations.as_array_mut().unwrap().push(json!({
        "ownerType": "CLIENT", "ownerId": "worker-app", "resourceType": "PROCESS_DEFINITION",
        "resourceId": "invoice", "permissionTypes": ["READ_USER_TASK"]
    }));
    client["authorizations"] = authorizations;
    dir.write_json("client.json", &client);
    sign(&dir, "client.json", "client.jwt");

    let mut other = task("7", &[]);
    other["processDefinitionId"] = json!("payroll");
    other["candidateUsers"] = json!(["worker-app"]);
    other["assignee"] = json!("worker-app");
    dir.write_json("payroll.json", &other);
    let decision = check(&dir, "client.jwt", "payroll.json", "get")
        .code(1)
        .json();
    assert_eq!(decision["allowed"], false);

    // Its own PROCESS_DEFINITION grant does apply.
    dir.write_json("invoice.json", &task("8", &[]));
    let decision = check(&dir, "client.jwt", "invoice.json", "get")
        .code(0)
        .stderr_has("for CLIENT `worker-app`")
        .json();
    assert_eq!(decision["matchedBy"], "processDefinitionId");
    assert_eq!(decision["grant"]["ownerType"], "CLIENT");
    assert_eq!(decision["resourceType"], "PROCESS_DEFINITION");
}

#[test]
fn check_on_an_unverified_payload_warns() {
    let dir = setup("unverified");
    dir.write_json("sales.json", &task("5", &["sales"]));
    let run = dir
        .run(&[
            "check",
            "--unverified-payload",
            "payload.json",
            "--task",
            "sales.json",
            "--operation",
            "claim",
        ])
        .code(0)
        .stderr_has("warning: NOT VERIFIED");
    assert_eq!(run.json()["allowed"], true);
    dir.run(&[
        "check",
        "--unverified-payload",
        "payload.json",
        "--jwks",
        "jwks.json",
        "--task",
        "sales.json",
        "--operation",
        "claim",
    ])
    .code(USAGE);
    dir.write_json(
        "broken.json",
        &json!({ "principal": { "type": "ROBOT", "id": "x" } }),
    );
    dir.run(&[
        "check",
        "--unverified-payload",
        "broken.json",
        "--task",
        "sales.json",
        "--operation",
        "claim",
    ])
    .code(INPUT);
}

#[test]
fn inspect_decodes_without_verifying_and_says_so() {
    let dir = setup("inspect");
    let run = dir.run(&["inspect", "--now", LATER, "token.jwt"]).code(0);
    assert!(
        run.stderr.starts_with("warning: NOT VERIFIED"),
        "stderr: {}",
        run.stderr
    );
    let shown = run.json();
    assert_eq!(shown["verified"], false);
    assert!(shown["warning"].as_str().unwrap().contains("NOT VERIFIED"));
    assert_eq!(shown["header"]["alg"], "EdDSA");
    assert_eq!(shown["header"]["typ"], "camunda-grants+jwt");
    assert_eq!(shown["header"]["kid"], "k1");
    assert_eq!(shown["payload"]["principal"]["id"], "demo");
    assert_eq!(shown["expiresAt"]["seconds"], NOW + 900);
    assert_eq!(shown["expiresAt"]["utc"], EXP_UTC);
    assert_eq!(shown["issuedAt"]["utc"], "2025-11-22T08:26:40Z");
    assert_eq!(shown["expired"], false);

    let after = (NOW + 900).to_string();
    let shown = dir
        .run(&["inspect", "--now", &after, "token.jwt"])
        .code(0)
        .json();
    assert_eq!(shown["expired"], true);

    // It shows a tampered token too: that is what "not verified" means.
    let token = dir.read("token.jwt");
    let tampered = tamper(&token, |p| p["principal"]["id"] = json!("admin"));
    let shown = dir
        .run_with_stdin(&["inspect", "--now", LATER, "-"], Some(&tampered))
        .code(0)
        .stderr_has("NOT VERIFIED")
        .json();
    assert_eq!(shown["payload"]["principal"]["id"], "admin");
    assert_eq!(shown["verified"], false);

    dir.run(&["inspect", "e30.not json.e30"]).code(INPUT);
    dir.run(&["inspect", "e30.bm90IGpzb24.e30"])
        .code(REJECTED)
        .stderr_has("ERR_GRANTS_MALFORMED: ");
}

#[test]
fn usage_errors_exit_2() {
    let dir = Dir::new("usage");
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &["verify", "--bogus", "x", "t.jwt"],
        &["verify", "t.jwt"],
        &["verify", "--jwks"],
        &["verify", "--jwks", "j.json", "--now", "soon", "t.jwt"],
        &["verify", "--jwks", "j.json", "--jwks", "k.json", "t.jwt"],
        &["verify", "--jwks", "j.json", "a.jwt", "b.jwt"],
        &["verify", "--jwks", "-", "-"],
        &["sign", "--key", "k.jwk", "--ttl", "0", "p.json"],
        &["keygen"],
        &["keygen", "--kid", "k", "extra"],
        &["check", "--jwks", "j.json", "--operation", "get", "t.jwt"],
        &["check", "--jwks", "j.json", "--task", "t.json", "t.jwt"],
        &["inspect"],
        &["help", "frobnicate"],
    ];
    for args in cases {
        let run = dir.run(args).code(USAGE);
        if args.is_empty() {
            run.stderr_has("usage: camunda-authz")
                .stderr_has("exit codes:");
            continue;
        }
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: "), "{args:?}: {}", run.stderr);
        let message = first.trim_start_matches("error: ");
        assert!(
            message.starts_with(|c: char| c.is_lowercase() || c == '`') && !message.ends_with('.'),
            "{args:?}: not a lowercase message without a final period: {first}"
        );
        run.stderr_has("run `camunda-authz");
    }

    // An unknown operation is a usage error with its code, before any file is read.
    dir.run(&[
        "check",
        "--jwks",
        "missing.json",
        "--task",
        "missing.json",
        "--operation",
        "approve",
        "t.jwt",
    ])
    .code(USAGE)
    .stderr_has("ERR_OPERATION_UNKNOWN: unknown operation `approve`");
}

#[test]
fn help_exits_0_and_documents_exit_codes() {
    let dir = Dir::new("help");
    for args in [
        &["--help"][..],
        &["help"],
        &["keygen", "--help"],
        &["sign", "--help"],
        &["verify", "-h"],
        &["inspect", "--help"],
        &["check", "--help"],
        &["help", "check"],
    ] {
        let run = dir.run(args).code(0);
        assert!(run.stdout.starts_with("usage: camunda-authz"), "{args:?}");
        assert!(run.stdout.contains("exit codes:"), "{args:?}");
        assert!(run
            .stdout
            .contains("  3  the token or the JWKS was rejected"));
        assert!(!run.stdout.contains("SPEC"), "{args:?} cites SPEC");
    }
    for command in ["verify", "check"] {
        let run = dir.run(&["help", command]).code(0);
        for option in [
            "--issuer",
            "--any-issuer",
            "--audience",
            "--any-audience",
            "0 to 3600",
        ] {
            assert!(run.stdout.contains(option), "{command} help lacks {option}");
        }
    }
    let run = dir.run(&["help"]).code(0);
    assert!(run.stdout.contains("docs/rules.md"));
    let run = dir.run(&["--version"]).code(0);
    assert!(run.stdout.starts_with("camunda-authz "));
}

#[test]
fn bad_input_exits_4() {
    let dir = setup("input");
    // A task file that is not JSON, not a task, or has a task of the wrong shape.
    dir.write("garbage.json", "{ not json");
    check(&dir, "token.jwt", "garbage.json", "get")
        .code(INPUT)
        .stderr_has("is not JSON");
    dir.write("number.json", "42");
    check(&dir, "token.jwt", "number.json", "get")
        .code(INPUT)
        .stderr_has("ERR_TASK_INVALID: ");
    dir.write_json(
        "numeric-key.json",
        &json!({ "userTaskKey": 2251799813685249_u64 }),
    );
    check(&dir, "token.jwt", "numeric-key.json", "get")
        .code(INPUT)
        .stderr_has("ERR_TASK_INVALID: ");
    dir.write_json(
        "array.json",
        &json!([task("1", &["sales"]), { "candidateGroups": "sales" }]),
    );
    check(&dir, "token.jwt", "array.json", "get")
        .code(INPUT)
        .stderr_has("ERR_TASK_INVALID: task 1 of `array.json`");
    // Missing files.
    check(&dir, "token.jwt", "missing.json", "get")
        .code(INPUT)
        .stderr_has("cannot read `missing.json`");
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "missing.json",
        "token.jwt",
    ])
    .code(INPUT);
    dir.run(&[
        "verify",
        "--any-issuer",
        "--any-audience",
        "--jwks",
        "jwks.json",
        "no-such-token.jwt",
    ])
    .code(INPUT)
    .stderr_has("`no-such-token.jwt` is neither a readable file nor a compact JWS");
    dir.run(&["sign", "--key", "missing.jwk", "payload.json"])
        .code(INPUT);
    // An empty token from stdin.
    dir.run_with_stdin(
        &[
            "verify",
            "--any-issuer",
            "--any-audience",
            "--jwks",
            "jwks.json",
            "-",
        ],
        Some("  \n"),
    )
    .code(INPUT)
    .stderr_has("empty");
}

#[test]
fn dates_are_iso_8601_utc() {
    let dir = Dir::new("dates");
    // A hand-made (unsigned) token: inspect only decodes.
    let token = |exp: i64| {
        let part = |v: Value| base64url::encode(&serde_json::to_vec(&v).unwrap());
        format!(
            "{}.{}.{}",
            part(json!({ "alg": "EdDSA", "typ": "camunda-grants+jwt", "kid": "k" })),
            part(json!({ "exp": exp })),
            base64url::encode(&[0u8; 64])
        )
    };
    for (exp, expected) in [
        (0, "1970-01-01T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (-86_401, "1969-12-30T23:59:59Z"),
        (253_402_300_800, "+10000-01-01T00:00:00Z"),
        (1_763_800_900, EXP_UTC),
    ] {
        let shown = dir
            .run(&["inspect", "--now", "0", &token(exp)])
            .code(0)
            .json();
        assert_eq!(shown["expiresAt"]["utc"], expected, "exp {exp}");
    }
}

#[test]
fn verify_and_check_require_issuer_and_audience_or_an_explicit_skip() {
    let dir = setup("claims-required");
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--jwks", "jwks.json", "--now", LATER];
        args.extend_from_slice(extra);
        args.push("token.jwt");
        dir.run(&args)
    };
    verify(&["--audience", "tasklist"]).code(USAGE).stderr_has(
        "give `--issuer` to check the token's iss, or `--any-issuer` to accept any iss explicitly",
    );
    verify(&["--issuer", "https://tasklist.example.com"])
        .code(USAGE)
        .stderr_has("or `--any-audience` to accept any aud explicitly");
    verify(&[]).code(USAGE).stderr_has("--any-issuer");
    verify(&["--issuer", "x", "--any-issuer", "--any-audience"])
        .code(USAGE)
        .stderr_has("`--issuer` and `--any-issuer` contradict each other");
    verify(&["--any-issuer", "--audience", "tasklist", "--any-audience"])
        .code(USAGE)
        .stderr_has("`--audience` and `--any-audience` contradict each other");
    verify(&[
        "--issuer",
        "https://tasklist.example.com",
        "--audience",
        "tasklist",
    ])
    .code(0);
    verify(&["--any-issuer", "--any-audience"]).code(0);
    verify(&["--issuer", "https://evil.example.com", "--any-audience"])
        .code(REJECTED)
        .stderr_has("ERR_GRANTS_ISSUER");
    dir.write_json("sales.json", &task("2251799813685249", &["sales"]));
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--jwks", "jwks.json", "--task", "sales.json"];
        args.extend_from_slice(&["--operation", "claim", "--now", LATER]);
        args.extend_from_slice(extra);
        args.push("token.jwt");
        dir.run(&args)
    };
    check(&["--any-audience"])
        .code(USAGE)
        .stderr_has("--any-issuer");
    check(&["--any-issuer"])
        .code(USAGE)
        .stderr_has("--any-audience");
    // A usage error comes before any file is read.
    dir.run(&[
        "check",
        "--jwks",
        "jwks.json",
        "--task",
        "missing.json",
        "--operation",
        "get",
        "token.jwt",
    ])
    .code(USAGE);
    check(&[
        "--issuer",
        "https://tasklist.example.com",
        "--audience",
        "tasklist",
    ])
    .code(0);
    check(&["--any-issuer", "--any-audience"]).code(0);
}

#[test]
fn clock_tolerance_above_an_hour_is_a_usage_error() {
    let dir = setup("tolerance");
    let late = (NOW + 900 + 3599).to_string();
    let run = |tolerance: &str| {
        dir.run(&[
            "verify",
            "--any-issuer",
            "--any-audience",
            "--jwks",
            "jwks.json",
            "--now",
            &late,
            "--clock-tolerance",
            tolerance,
            "token.jwt",
        ])
    };
    run("3600").code(0);
    run("3601")
        .code(USAGE)
        .stderr_has("must be 0 to 3600 seconds");
    run("-1")
        .code(USAGE)
        .stderr_has("must be 0 to 3600 seconds");
    run("0")
        .code(REJECTED)
        .stderr_has("ERR_GRANTS_EXPIRED: the grant set expired at 2025-11-22T08:41:40Z (now 2025-11-22T09:41:39Z)");
}

#[cfg(unix)]
#[test]
fn keygen_force_replaces_a_symlink_and_never_reuses_the_inode() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let dir = Dir::new("keygen-force");
    dir.write("victim.txt", "precious\n");
    std::os::unix::fs::symlink(dir.path("victim.txt"), dir.path("private.jwk")).unwrap();
    let keygen = |force: bool| {
        let mut args = vec![
            "keygen",
            "--kid",
            "k",
            "--out-private",
            "private.jwk",
            "--out-jwks",
            "jwks.json",
        ];
        if force {
            args.push("--force");
        }
        dir.run(&args)
    };
    // Without --force an existing name, a symlink included, is kept.
    keygen(false)
        .code(INPUT)
        .stderr_has("already exists; pass --force");
    assert_eq!(dir.read("victim.txt"), "precious\n");
    keygen(true).code(0);
    assert_eq!(
        dir.read("victim.txt"),
        "precious\n",
        "the symlink was followed"
    );
    let meta = std::fs::symlink_metadata(dir.path("private.jwk")).unwrap();
    assert!(meta.file_type().is_file(), "the symlink was not replaced");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(dir.read("private.jwk").contains("\"d\""));
    // A second name of the old file keeps the old key: the file is replaced, not rewritten.
    std::fs::hard_link(dir.path("private.jwk"), dir.path("backup.jwk")).unwrap();
    let before = dir.read("private.jwk");
    let inode = meta.ino();
    keygen(true).code(0);
    assert_eq!(
        dir.read("backup.jwk"),
        before,
        "the old inode was rewritten"
    );
    assert_ne!(dir.read("private.jwk"), before);
    assert_ne!(
        std::fs::metadata(dir.path("private.jwk")).unwrap().ino(),
        inode
    );
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[cfg(unix)]
#[test]
fn sign_warns_when_others_can_read_the_key_file() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = setup("key-mode");
    let sign = || {
        dir.run(&[
            "sign",
            "--key",
            "k1.jwk",
            "--now",
            &NOW.to_string(),
            "payload.json",
        ])
    };
    let quiet = sign().code(0);
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
    for mode in [0o644, 0o640, 0o604] {
        std::fs::set_permissions(dir.path("k1.jwk"), std::fs::Permissions::from_mode(mode))
            .unwrap();
        sign()
            .code(0)
            .stderr_has("warning: the private key `k1.jwk` can be read by its group or by others")
            .stderr_has(&format!("(mode {mode:04o})"));
    }
}

#[test]
fn messages_escape_control_characters_from_input() {
    let dir = setup("controls");
    let raw = |run: &Run| run.stderr.chars().any(|c| c.is_control() && c != '\n');
    let evil = "evil\u{1b}[2J\nforged line";
    let escaped = r"evil\u{1b}[2J\nforged line";
    for args in [
        vec![
            "verify",
            "--any-issuer",
            "--any-audience",
            "--jwks",
            evil,
            "token.jwt",
        ],
        vec![
            "verify",
            "--any-issuer",
            "--any-audience",
            "--jwks",
            "jwks.json",
            evil,
        ],
        vec!["sign", "--key", evil, "payload.json"],
        vec!["inspect", evil],
        vec![evil],
        vec!["help", evil],
    ] {
        let run = dir.run(&args);
        assert!(
            !raw(&run),
            "{args:?}: raw control characters in {:?}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("\nforged line"),
            "{args:?}: {:?}",
            run.stderr
        );
        assert!(run.stderr.contains(escaped), "{args:?}: {:?}", run.stderr);
    }
    let run = dir.run(&["verify", &format!("--{evil}"), "x"]).code(USAGE);
    assert!(
        !raw(&run) && run.stderr.contains(escaped),
        "{:?}",
        run.stderr
    );
    let run = dir.run(&["keygen", "--kid", evil]).code(0);
    assert!(
        !raw(&run) && run.stderr.contains(escaped),
        "{:?}",
        run.stderr
    );
    // A kid with control characters in a token: the library's message, escaped.
    let token = tamper(&dir.read("token.jwt"), |_| {});
    let header = base64url::encode(
        format!(
            r#"{{"alg":"EdDSA","typ":"camunda-grants+jwt","kid":"{}"}}"#,
            "k\\u001b[31m\\n"
        )
        .as_bytes(),
    );
    let forged = format!("{header}.{}", token.split_once('.').unwrap().1);
    let run = dir
        .run(&[
            "verify",
            "--any-issuer",
            "--any-audience",
            "--jwks",
            "jwks.json",
            &forged,
        ])
        .code(REJECTED)
        .stderr_has(r"ERR_GRANTS_KEY_NOT_FOUND: no key with kid `k\u{1b}[31m\n`");
    assert!(!raw(&run), "{:?}", run.stderr);
}

#[test]
fn every_input_is_read_with_a_bound_and_json_errors_never_quote_it() {
    let dir = setup("bounds");
    // Sparse files one byte over each bound: made at once, read only as far as the bound.
    let over = |file: &str, bound: u64| {
        std::fs::File::create(dir.path(file))
            .unwrap()
            .set_len(bound + 1)
            .unwrap();
    };
    over("big.jwk", 1 << 20);
    over("big.jwks", 1 << 20);
    over("big.jwt", 64 << 20);
    over("big-payload.json", 64 << 20);
    over("big-tasks.json", 256 << 20);
    dir.write_json("task.json", &task("1", &["sales"]));
    let verify = |jwks: &'static str, token: &'static str| {
        vec![
            "verify",
            "--any-issuer",
            "--any-audience",
            "--jwks",
            jwks,
            token,
        ]
    };
    for (args, message) in [
        (
            vec!["sign", "--key", "big.jwk", "payload.json"],
            "error: `big.jwk` is larger than 1048576 bytes, the bound for a private key",
        ),
        (
            vec!["sign", "--key", "k1.jwk", "big-payload.json"],
            "error: `big-payload.json` is larger than 67108864 bytes, the bound for a payload",
        ),
        (
            verify("big.jwks", "token.jwt"),
            "error: `big.jwks` is larger than 1048576 bytes, the bound for a JWKS",
        ),
        (
            verify("jwks.json", "big.jwt"),
            "error: `big.jwt` is larger than 67108864 bytes, the bound for a token",
        ),
        (
            vec!["inspect", "big.jwt"],
            "error: `big.jwt` is larger than 67108864 bytes, the bound for a token",
        ),
        (
            vec![
                "check",
                "--jwks",
                "jwks.json",
                "--any-issuer",
                "--any-audience",
                "--task",
                "big-tasks.json",
                "--operation",
                "get",
                "token.jwt",
            ],
            "error: `big-tasks.json` is larger than 268435456 bytes, the bound for a task file",
        ),
        (
            vec![
                "check",
                "--unverified-payload",
                "big-payload.json",
                "--task",
                "task.json",
                "--operation",
                "get",
            ],
            "error: `big-payload.json` is larger than 67108864 bytes, the bound for a payload",
        ),
    ] {
        dir.run(&args).code(INPUT).stderr_has(message);
    }
    // A malformed key or JWKS: the offset, never the text (a private key's `d` would show).
    let d = dir.read("k1.jwk");
    let d = serde_json::from_str::<Value>(&d).unwrap()["d"]
        .as_str()
        .unwrap()
        .to_owned();
    let broken = dir.read("k1.jwk").replace("\"d\":", "\"d\"::");
    dir.write("broken.jwk", &broken);
    dir.write("broken.jwks", &format!("{{\"keys\": [{broken}]}}"));
    for args in [
        vec!["sign", "--key", "broken.jwk", "payload.json"],
        verify("broken.jwks", "token.jwt"),
    ] {
        let run = dir.run(&args);
        assert!(run.code == INPUT || run.code == REJECTED, "{run:?}");
        assert!(run.stderr.contains("is not JSON"), "{:?}", run.stderr);
        assert!(!run.stderr.contains(&d[..8]), "{:?}", run.stderr);
    }
}

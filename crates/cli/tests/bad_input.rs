//! Bad input to the `logferry` binary: one clear line naming the fix, a
//! non-zero exit, never a panic.

use std::process::Command;

fn logferry(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_logferry"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("run logferry");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn missing_configuration_names_each_variable() {
    let (code, stderr) = logferry(
        &["ship", "s3://acme-logs/a.log"],
        &[("LOGFERRY_ROLE_ARN", "arn:aws:iam::222233334444:role/w")],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("LOGFERRY_DEST_BUCKET is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("without LOGFERRY_EXTERNAL_ID"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A number out of range, from the variable or the flag: one line naming
/// both and the range, for each job's settings family.
#[test]
fn a_bad_number_is_one_line_naming_its_variable() {
    let (code, stderr) = logferry(
        &["ship", "s3://acme-logs/a.log"],
        &[
            ("LOGFERRY_DEST_BUCKET", "archive-b"),
            ("LOGFERRY_CONCURRENCY", "0"),
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim(),
        "logferry: --concurrency (LOGFERRY_CONCURRENCY) `0` must be a whole number from 1 to 256"
    );
    let (code, stderr) = logferry(
        &[
            "compact",
            "--day",
            "2026-11-22",
            "--read-timeout-seconds",
            "soon",
        ],
        &[("LOGFERRY_ARCHIVE_BUCKET", "archive-b")],
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "(LOGFERRY_READ_TIMEOUT_SECONDS) `soon` must be a whole number from 1 to 3600"
        ),
        "{stderr}"
    );
}

#[test]
fn a_bad_uri_is_one_line() {
    let env = [
        ("LOGFERRY_DEST_BUCKET", "archive-b"),
        ("LOGFERRY_SOURCE_ACCOUNT", "111122223333"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let (code, stderr) = logferry(&["ship", "acme-logs/a.log"], &env);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("is not an s3:// URI; write s3://bucket/key"),
        "{stderr}"
    );
}

/// Every setting the writer reads from the environment is also a flag with
/// help text, named after its variable (README: "`logferry ship` also takes
/// each as a flag").
#[test]
fn every_setting_is_a_documented_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_logferry"))
        .args(["ship", "--help"])
        .output()
        .expect("run logferry");
    let help = String::from_utf8_lossy(&out.stdout);
    for (var, _) in logferry::settings::variables::<logferry::ShipSettings>() {
        let flag = format!(
            "--{}",
            var.trim_start_matches("LOGFERRY_")
                .to_lowercase()
                .replace('_', "-")
        );
        let lines: Vec<&str> = help.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("{flag} ")))
            .unwrap_or_else(|| panic!("no {flag} for {var} in:\n{help}"));
        assert!(
            help.contains(&format!("[env: {var}")),
            "{flag} does not name {var}"
        );
        // clap prints the help on the flag's line or, when long, the next one.
        let next = lines
            .get(at + 1)
            .filter(|l| !l.trim_start().starts_with('-'))
            .unwrap_or(&"");
        let line = format!("{} {next}", lines[at]);
        let text = line
            .split_once('>')
            .map(|(_, rest)| rest)
            .unwrap_or_default()
            .split("[env:")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        assert!(!text.is_empty(), "{flag} has no help text: {line}");
    }
}

/// An endpoint that accepts connections and never answers, at the default
/// timeouts: within about 30 s a warning names the endpoint it waits on,
/// and the run fails with one line naming the cause (each request without
/// a body gives up after 30 s, not 4 × the 120 s read timeout). The bound
/// below only catches a hang; it is not a performance threshold.
#[test]
fn a_black_holed_endpoint_is_named_and_fails_instead_of_hanging() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for _ in 0..16 {
            match listener.accept() {
                Ok((stream, _)) => open.push(stream),
                Err(_) => break,
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(300));
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_logferry"))
        .args(["ship", "s3://acme-logs/a.log"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs([
            ("LOGFERRY_DEST_BUCKET", "archive-b"),
            ("LOGFERRY_SOURCE_ACCOUNT", "111122223333"),
            ("AWS_ENDPOINT_URL", endpoint.as_str()),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run logferry");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(240);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("logferry ship still waiting on a silent endpoint after 240 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success(), "{stderr}");
    assert!(
        stderr.contains("nothing has finished for 30 s") && stderr.contains(&endpoint),
        "no warning naming {endpoint}: {stderr}"
    );
    let failure = stderr
        .lines()
        .find(|l| l.starts_with("failed s3://acme-logs/a.log"))
        .unwrap_or_else(|| panic!("no failure line: {stderr}"));
    assert!(failure.contains("no answer within 30 s"), "{failure}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    drop(held);
}

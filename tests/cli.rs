//! The `consent-gate` command, run as a site owner or a server would run it.

#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_consent-gate"))
        .args(args)
        .output()
        .expect("the command runs")
}

fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("consent-gate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path.display().to_string()
}

const VALID: &str = r#"{
  "categories": [{ "id": "necessary", "required": true }, { "id": "analytics" }],
  "services": [{ "id": "ga", "category": "analytics", "urls": ["www.googletagmanager.com"] }]
}"#;

const INVALID: &str = r#"{
  "categories": [{ "id": "necessary", "required": true }, { "id": "analytics", "preselected": true }],
  "privacyPolicyURL": "/privacy"
}"#;

#[test]
fn a_valid_config_passes() {
    let out = run(&["check", &file("valid.json", VALID)]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).ends_with(": ok\n"));
}

#[test]
fn every_problem_is_named_with_its_path_and_fix_and_the_exit_status_says_so() {
    let out = run(&["check", &file("invalid.json", INVALID)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#"privacyPolicyURL: is not a key consent-gate knows (did you mean "privacyPolicyUrl"?)"#),
        "{text}"
    );
    assert!(text.contains("categories[1].preselected"), "{text}");
}

#[test]
fn json_output_for_ci() {
    let out = run(&[
        "check",
        "--format",
        "json",
        &file("valid2.json", VALID),
        &file("invalid2.json", INVALID),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report[0]["ok"], true);
    assert_eq!(report[1]["ok"], false);
    let paths: Vec<&str> = report[1]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert!(paths.contains(&"privacyPolicyURL"), "{paths:?}");
}

#[test]
fn a_page_is_checked_by_its_config_element() {
    let page = format!(
        "<!doctype html><head><script type=\"application/json\" id=\"consent-gate-config\">{INVALID}</script></head>"
    );
    let out = run(&["check", &file("page.html", &page)]);
    assert_eq!(out.status.code(), Some(1));
    let none = run(&["check", &file("none.html", "<!doctype html><p>no config")]);
    assert!(String::from_utf8_lossy(&none.stdout).contains("holds no"));
}

#[test]
fn the_lockdown_policy_for_a_visitor() {
    let config = file("csp.json", VALID);
    let before = run(&["csp", "--config", &config]);
    assert!(before.status.success());
    let policy = String::from_utf8_lossy(&before.stdout);
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    assert!(!policy.contains("googletagmanager"), "{policy}");
}

const SHOP: &str = r#"{
  "categories": [{ "id": "necessary", "required": true }, { "id": "analytics" }, { "id": "marketing" }],
  "services": [
    { "id": "google-analytics", "category": "analytics", "urls": ["www.googletagmanager.com/gtag/js", "google-analytics.com"] },
    { "id": "meta-pixel", "category": "marketing", "urls": ["connect.facebook.net", "www.facebook.com/tr"] },
    { "id": "youtube", "category": "marketing", "urls": ["www.youtube.com/embed"] }
  ]
}"#;

/// Runs `hold` on `page`, which must succeed; the page as it was rewritten.
fn hold(config: &str, page: &str) -> String {
    let out = run(&["hold", "--config", config, page]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(page).expect("read")
}

/// Vendor snippets as the vendors give them, and markup that is already right.
const PAGE: &str = r#"<!doctype html>
<html>
<head>
  <script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>
  <script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
  </script>
  <script>
    !function(f,b,e,v,n,t,s){t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];
    s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');
  </script>
  <script type="text/plain" data-category="analytic" src="https://example.org/x.js"></script>
</head>
<body>
  <img height="1" width="1" src="https://www.facebook.com/tr?id=1&ev=PageView">
  <iframe width="560" src="https://www.youtube.com/embed/XXXX" title="Video"></iframe>
  <img src="/logo.png" alt="Our own logo">
</body>
</html>
"#;

#[test]
fn a_page_with_vendor_snippets_lists_every_unheld_tag_with_its_line() {
    let config = file("shop.json", SHOP);
    let out = run(&["check", "--config", &config, &file("shop.html", PAGE)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        ":4: <script src=\"https://www.googletagmanager.com/gtag/js?id=G-XXXX\"> reaches google-analytics unheld",
        ":9: an inline <script> loads meta-pixel unheld",
        ":13: <script> names data-category=\"analytic\", which the config does not declare",
        ":16: <img src=\"https://www.facebook.com/tr?id=1&ev=PageView\"> reaches meta-pixel unheld",
        ":17: <iframe src=\"https://www.youtube.com/embed/XXXX\"> reaches youtube unheld",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert!(!text.contains(":5:"), "the gtag stub loads nothing: {text}");
    assert!(!text.contains("logo"), "{text}");
}

#[test]
fn hold_rewrites_only_those_tags_and_a_second_run_changes_nothing() {
    let config = file("shop2.json", SHOP);
    let page = file("shop2.html", PAGE);
    let held = hold(&config, &page);
    assert!(held.contains(r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX" data-category="analytics" data-service="google-analytics" type="text/plain">"#), "{held}");
    assert!(
        held.contains(r#"data-src="https://www.youtube.com/embed/XXXX""#),
        "{held}"
    );
    assert!(!held.contains(r#"<iframe width="560" src="#), "{held}");
    assert!(
        held.contains(
            r#"data-service="meta-pixel" type="text/plain">
    !function"#
        ),
        "{held}"
    );
    // Everything else, byte for byte.
    let untouched = |text: &str| {
        text.lines()
            .filter(|l| {
                !l.contains("googletagmanager")
                    && !l.contains("facebook")
                    && !l.contains("youtube")
                    && !l.contains("<script")
            })
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(untouched(&held), untouched(PAGE));
    let again = run(&["hold", "--config", &config, &page]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to hold"));
    assert_eq!(std::fs::read_to_string(&page).expect("read"), held);
    let check = run(&["check", "--config", &config, &page]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(!text.contains("unheld"), "{text}");
}

/// Tags the first list of the command did not know: each is held in the page by the gate.
const MORE_TAGS: &str = r#"<!doctype html>
<html>
<body background="https://www.facebook.com/tr?id=1&ev=Body">
  <svg><filter id="f"><feImage href="https://www.facebook.com/tr?id=2&ev=Filter"/></filter></svg>
  <object data="https://www.youtube.com/embed/YYYY"></object>
  <a href="/sale" ping="https://www.facebook.com/tr?id=3&ev=Ping">Sale</a>
  <table><tr><td background="/own.png">ours</td></tr></table>
</body>
</html>
"#;

#[test]
fn check_and_hold_know_every_tag_the_gate_holds() {
    let config = file("shop3.json", SHOP);
    let page = file("shop3.html", MORE_TAGS);
    let out = run(&["check", "--config", &config, &page]);
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [":3:", ":4:", ":5:", ":6:"] {
        assert!(
            text.lines()
                .any(|l| l.contains(line) && l.contains("unheld")),
            "{line} in\n{text}"
        );
    }
    assert!(!text.contains(":7:"), "the site's own background: {text}");
    let held = hold(&config, &page);
    for attribute in [
        r#"data-background="https://www.facebook.com/tr?id=1&ev=Body""#,
        r#"data-href="https://www.facebook.com/tr?id=2&ev=Filter""#,
        r#"data-data="https://www.youtube.com/embed/YYYY""#,
        r#"data-ping="https://www.facebook.com/tr?id=3&ev=Ping""#,
        r#"<td background="/own.png">"#,
    ] {
        assert!(held.contains(attribute), "{attribute} in\n{held}");
    }
}

const WITH_PRESETS: &str = r#"{
  "categories": [{ "id": "necessary", "required": true }, { "id": "analytics" }, { "id": "marketing" }],
  "services": [
    { "preset": "ga4" },
    { "preset": "meta-pixel", "title": "Facebook" },
    { "preset": "youtube" }
  ]
}"#;

#[test]
fn resolve_writes_presets_out_and_the_page_s_decoder_takes_the_result() {
    let out = run(&["resolve", &file("presets.json", WITH_PRESETS)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resolved: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(resolved["services"][1]["id"], "meta-pixel");
    assert_eq!(resolved["services"][1]["title"], "Facebook");
    assert_eq!(resolved["services"][1]["urls"][0], "connect.facebook.net");
    assert!(resolved["services"][0].get("preset").is_none());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        consent_gate::core::config::Config::from_json(&text).is_ok(),
        "{text}"
    );
}

#[test]
fn check_and_hold_read_presets_and_name_a_wrong_one() {
    let config = file("presets2.json", WITH_PRESETS);
    assert!(run(&["check", &config]).status.success());
    let page = file("presets.html", PAGE);
    let out = run(&["check", "--config", &config, &page]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("reaches meta-pixel unheld"), "{text}");
    assert!(text.contains("reaches ga4 unheld"), "{text}");
    let wrong = file(
        "presets3.json",
        &WITH_PRESETS.replace("\"youtube\"", "\"youtub\""),
    );
    let out = run(&["check", &wrong]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#"services[2].preset: "youtub" is not a preset (did you mean "youtube"?)"#),
        "{text}"
    );
    assert_eq!(
        run(&["hold", "--config", &wrong, &page]).status.code(),
        Some(1)
    );
}

#[test]
fn presets_lists_the_catalog() {
    let out = run(&["presets"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("meta-pixel") && l.contains("marketing")),
        "{text}"
    );
    let json = run(&["presets", "--format", "json"]);
    let catalog: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert!(catalog["presets"].as_array().is_some_and(|p| p.len() >= 22));
}

/// The text of the page's plan element, and how many plan elements the page holds.
fn carried_plan(page: &str) -> (String, usize) {
    let open = "<script type=\"application/json\" id=\"consent-gate-plan\">";
    let count = page.matches("id=\"consent-gate-plan\"").count();
    let start = page.find(open).map_or(0, |at| at + open.len());
    let end = start + page[start..].find("</script>").unwrap_or(0);
    (page[start..end].to_owned(), count)
}

#[test]
fn plan_writes_a_first_visit_s_plan_after_the_config_and_replaces_its_own() {
    // A storage key that decodes to markup: the plan's element must not end early.
    let config = SHOP.replace(
        "\"id\": \"youtube\",",
        "\"id\": \"youtube\", \"storage\": [\"yt<\\/script><b>\"],",
    );
    let page = format!(
        "<!doctype html><html><head>\n<script type=\"application/json\" id=\"consent-gate-config\">{config}</script>\n<script src=\"/consent-gate.js\"></script>\n</head><body><p>Shop</p></body></html>\n"
    );
    let path = file("plan.html", &page);
    let out = run(&["plan", "--origin", "https://shop.example:8443/any", &path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("plan written for https://shop.example"));
    let written = std::fs::read_to_string(&path).expect("the page");
    let (text, count) = carried_plan(&written);
    assert_eq!(count, 1);
    assert!(!text.contains('<'), "{text}");
    assert!(
        written.contains(&format!(
            "{config}</script><script type=\"application/json\" id=\"consent-gate-plan\">"
        )),
        "right after the config element: {written}"
    );
    assert_eq!(
        written.replace(
            &format!("<script type=\"application/json\" id=\"consent-gate-plan\">{text}</script>"),
            ""
        ),
        page,
        "every other byte as it was"
    );
    let plan: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(plan["site"], "https://shop.example");
    assert_eq!(
        plan["purge"]["storage"],
        serde_json::json!(["yt</script><b>"])
    );
    assert_eq!(plan["banner"], true);
    assert_eq!(plan["record"], serde_json::Value::Null);
    assert_eq!(plan["gpc"], false);
    assert_eq!(
        plan["categories"],
        serde_json::json!([
            ["necessary", true],
            ["analytics", false],
            ["marketing", false]
        ])
    );
    let services: Vec<(&str, bool)> = plan["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| (s[0].as_str().unwrap_or_default(), s[2] == true))
        .collect();
    assert_eq!(
        services,
        [
            ("google-analytics", false),
            ("meta-pixel", false),
            ("youtube", false)
        ]
    );

    // Again, for another origin: one plan, replaced.
    let again = run(&["plan", "--origin", "http://localhost", &path]);
    assert!(again.status.success());
    let rewritten = std::fs::read_to_string(&path).expect("the page");
    let (text, count) = carried_plan(&rewritten);
    assert_eq!(count, 1);
    let plan: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(plan["site"], "http://localhost");
}

#[test]
fn plan_refuses_what_it_cannot_make_a_plan_for_and_writes_nothing() {
    let invalid =
        format!("<script type=\"application/json\" id=\"consent-gate-config\">{INVALID}</script>");
    let path = file("plan-invalid.html", &invalid);
    let out = run(&["plan", "--origin", "https://shop.example", &path]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("not valid, so no plan is made"), "{said}");
    assert!(said.contains("preselected"), "each error is named: {said}");
    assert_eq!(std::fs::read_to_string(&path).expect("the page"), invalid);

    let none = run(&[
        "plan",
        "--origin",
        "https://shop.example",
        &file("plan-none.html", "<p>no config"),
    ]);
    assert!(String::from_utf8_lossy(&none.stderr).contains("holds no"));
    assert_eq!(none.status.code(), Some(1));

    let valid = file(
        "plan-valid.html",
        &format!("<script type=\"application/json\" id=\"consent-gate-config\">{VALID}</script>"),
    );
    for origin in ["shop.example", "ftp://shop.example", "javascript:alert(1)"] {
        let out = run(&["plan", "--origin", origin, &valid]);
        assert_eq!(out.status.code(), Some(1), "{origin}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("not an http: or https: origin"));
    }
}

//! `consent-gate`: the site owner's and the server's side of consent-gate, with core's own rules.
//!
//! - `consent-gate check config.json [--format json]`: every problem with a config, as the
//!   browser would report it (core's own decoder, validator and dark-pattern lint); exit status 1
//!   if there is one.
//! - `consent-gate check --config config.json page.html…`: every tag on the pages that would
//!   reach a declared service unheld, with its line, and held markup naming what is not declared.
//! - `consent-gate hold --config config.json [--out DIR] page.html…`: rewrites those tags into
//!   held markup, in place or into DIR, leaving every other byte as it was.
//! - `consent-gate csp --config config.json [--cookie HEADER] [--gpc]`: the lockdown
//!   Content-Security-Policy for the visitor who sent that `Cookie` header (README, "Lockdown").
//! - `consent-gate plan --origin https://shop.example [--out DIR] page.html…`: writes into each
//!   page the plan a first visit follows without waiting for the interface module (README, "A
//!   first visit that does not wait").
//! - `consent-gate interface [--config config.json | --languages de,fr] --out FILE FROM`: an
//!   interface module file with consent-gate's own words for those languages only (README, "The
//!   interface's words").
//! - `consent-gate resolve config.json`: the config with its presets written out, for the page.
//! - `consent-gate presets`: the catalog's presets.
//!
//! Every command reads a config's presets (`{ "preset": "ga4" }`) as `resolve` writes them.

mod host;
mod interface;
mod pages;
mod presets;

use clap::{Parser, Subcommand};
use consent_gate::core::config::Config;
use consent_gate::core::plan::{Origin, Plan};
use consent_gate::core::server::Visitor;
use host::{errln, outln};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "consent-gate",
    version,
    about = "consent-gate's tools for site owners and servers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check configs: every error with its path, value and fix, and the dark-pattern lint.
    Check {
        /// The configs (JSON files, or HTML pages holding a consent-gate-config element); with
        /// --config, the pages to check against it.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// Check pages against this config instead.
        #[arg(long)]
        config: Option<std::path::PathBuf>,
        /// `text` (one line per problem) or `json` (for CI).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Rewrite the tags that would reach a declared service unheld into held markup.
    Hold {
        /// The site's config.
        #[arg(long)]
        config: std::path::PathBuf,
        /// Write the pages here (same file names) instead of in place.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// The pages.
        #[arg(required = true)]
        pages: Vec<std::path::PathBuf>,
    },
    /// Print the lockdown Content-Security-Policy for one visitor.
    Csp {
        /// The site's config (the JSON of its consent-gate-config element).
        #[arg(long)]
        config: std::path::PathBuf,
        /// The request's Cookie header; without it, the visitor has not decided.
        #[arg(long)]
        cookie: Option<String>,
        /// The request carried `Sec-GPC: 1`.
        #[arg(long)]
        gpc: bool,
    },
    /// Write into each page the plan a first visit follows, so that it does not wait for the
    /// interface module; run it again whenever the config or consent-gate's release changes.
    Plan {
        /// The site's origin as visitors' browsers see it, e.g. `https://shop.example` (the
        /// purge's cookie domains are this host's).
        #[arg(long)]
        origin: String,
        /// Write the pages here (same file names) instead of in place.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// The pages, each with its consent-gate-config element.
        #[arg(required = true)]
        pages: Vec<std::path::PathBuf>,
    },
    /// Write an interface module file with consent-gate's own words for the languages a site
    /// offers only (all 24 without --config or --languages), from a file of the same release.
    Interface {
        /// The interface module file to start from (consent-gate.ui.en.js or consent-gate.ui.js).
        from: std::path::PathBuf,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The languages, comma-separated (`de,fr`); English is always in.
        #[arg(long, value_delimiter = ',', conflicts_with = "config")]
        languages: Vec<String>,
        /// The site's config: the languages it offers (`language`, every key of `translations`).
        #[arg(long)]
        config: Option<std::path::PathBuf>,
    },
    /// Print the config with every `{ "preset": … }` written out as the page needs it.
    Resolve {
        /// The config (JSON).
        config: std::path::PathBuf,
        /// Write it here instead of printing it.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// List the presets a config can name.
    Presets {
        /// `text` (one line each) or `json` (the whole catalog, with sources).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    run(Cli::parse().command)
}

/// The npm package's build has no `main`: its Node script calls [`node_run`].
#[cfg(target_arch = "wasm32")]
fn main() {}

/// `consent-gate` with `args` (the command's name first), for the npm package's Node script:
/// its exit status. Help, the version and argument errors print as the native command's do.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = run)]
pub fn node_run(args: Vec<String>) -> u8 {
    match Cli::try_parse_from(args) {
        Ok(cli) => match run(cli.command) == ExitCode::SUCCESS {
            true => 0,
            false => 1,
        },
        Err(e) => {
            let text = e.render().to_string();
            match e.use_stderr() {
                true => host::err(&text),
                false => host::out(&text),
            }
            u8::try_from(e.exit_code()).unwrap_or(2)
        }
    }
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Check {
            files,
            format,
            config: None,
        } => check(&files, format),
        Command::Check {
            files,
            format,
            config: Some(config),
        } => check_pages(&config, &files, format),
        Command::Hold { config, out, pages } => hold(&config, out.as_deref(), &pages),
        Command::Csp {
            config,
            cookie,
            gpc,
        } => {
            let Some(config) = config_or_report(&config) else {
                return ExitCode::FAILURE;
            };
            let visitor = Visitor::from_request(&config, cookie.as_deref(), gpc, host::now());
            outln!("{}", visitor.content_security_policy());
            ExitCode::SUCCESS
        }
        Command::Plan { origin, out, pages } => plan(&origin, out.as_deref(), &pages),
        Command::Interface {
            from,
            out,
            languages,
            config,
        } => interface_file(&from, &out, &languages, config.as_deref()),
        Command::Resolve { config, out } => resolve(&config, out.as_deref()),
        Command::Presets {
            format: Format::Json,
        } => {
            host::out(presets::CATALOG);
            ExitCode::SUCCESS
        }
        Command::Presets {
            format: Format::Text,
        } => {
            for preset in presets::catalog() {
                let category = preset.service.get("category").and_then(|c| c.as_str());
                outln!(
                    "{:<18} {:<10} {}",
                    preset.id,
                    category.unwrap_or_default(),
                    preset.name
                );
            }
            ExitCode::SUCCESS
        }
    }
}

/// Writes a page rewritten from `path` in place, or under the same name into `out`; the file written.
fn write_page(
    path: &std::path::Path,
    out: Option<&std::path::Path>,
    text: &str,
) -> Result<std::path::PathBuf, String> {
    let target = match (out, path.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    };
    if let Some(dir) = out {
        host::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    host::write(&target, text).map_err(|e| format!("cannot be written: {e}"))?;
    Ok(target)
}

/// Writes each page's plan for a first visit into it (in place, or into `out`).
fn plan(origin: &str, out: Option<&std::path::Path>, pages: &[std::path::PathBuf]) -> ExitCode {
    let site = match url::Url::parse(origin) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => url,
        _ => {
            errln!(
                "--origin {origin}: not an http: or https: origin, such as https://shop.example"
            );
            return ExitCode::FAILURE;
        }
    };
    let protocol = format!("{}:", site.scheme());
    let host = site.host_str().unwrap_or_default();
    let origin = Origin {
        host,
        protocol: &protocol,
    };
    each_page(pages, |path, html| {
        let text = pages::config_element_text(&html)?.ok_or_else(|| {
            format!(
                "holds no <script type=\"application/json\" id=\"{}\">",
                consent_gate::core::contract::CONFIG_ELEMENT_ID
            )
        })?;
        let config = Config::from_json(&text).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            format!(
                "its config is not valid, so no plan is made:\n{}",
                lines.join("\n")
            )
        })?;
        let plan = Plan::for_page(&config, &text, origin)
            .ok_or("its config's first page view does more than a plan covers")?;
        let carried = pages::carry_plan(&html, &plan.page_text())?;
        let target = write_page(path, out, &carried)?;
        Ok(format!(
            "{}: plan written for {protocol}//{host}",
            target.display()
        ))
    })
}

/// Runs `rewrite` on each page's text and prints what it says, or the page's error; fails if any
/// page failed.
fn each_page(
    pages: &[std::path::PathBuf],
    mut rewrite: impl FnMut(&std::path::Path, String) -> Result<String, String>,
) -> ExitCode {
    let mut failed = false;
    for path in pages {
        let done = host::read(path)
            .map_err(|e| format!("cannot be read: {e}"))
            .and_then(|html| rewrite(path, html));
        match done {
            Ok(said) => outln!("{said}"),
            Err(message) => {
                failed = true;
                errln!("{}: {message}", path.display());
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes the config with its presets resolved, once it is valid (to stdout, or to `out`).
fn resolve(path: &std::path::Path, out: Option<&std::path::Path>) -> ExitCode {
    let resolved = host::read(path)
        .map_err(|e| format!("{}: cannot be read: {e}", path.display()))
        .and_then(|text| resolved_config(path, &text).map(|(text, _)| text));
    let written = resolved.and_then(|text| match out {
        Some(out) => host::write(out, &(text + "\n"))
            .map_err(|e| format!("{}: cannot be written: {e}", out.display())),
        None => {
            outln!("{text}");
            Ok(())
        }
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            errln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Checks each file's config; prints what is wrong; fails if anything is.
fn check(files: &[std::path::PathBuf], format: Format) -> ExitCode {
    let mut failed = false;
    let mut report = Vec::new();
    for path in files {
        let problems: Vec<(String, String, String)> = match host::read(path) {
            Err(e) => vec![(String::new(), String::new(), format!("cannot be read: {e}"))],
            Ok(text) => match config_text(path, &text) {
                None => vec![(
                    String::new(),
                    String::new(),
                    "holds no <script type=\"application/json\" id=\"consent-gate-config\">".into(),
                )],
                Some(json) => {
                    match presets::resolve_text(json).and_then(|json| Config::from_json(&json)) {
                        Ok(_) => Vec::new(),
                        Err(errors) => errors
                            .into_iter()
                            .map(|e| (e.path, e.value, e.fix))
                            .collect(),
                    }
                }
            },
        };
        failed |= !problems.is_empty();
        match format {
            Format::Text if problems.is_empty() => outln!("{}: ok", path.display()),
            Format::Text => {
                for (field, value, fix) in &problems {
                    let error = consent_gate::core::config::ConfigError {
                        path: field.clone(),
                        value: value.clone(),
                        fix: fix.clone(),
                    };
                    outln!("{}: {error}", path.display());
                }
            }
            Format::Json => report.push(serde_json::json!({
                "file": path.display().to_string(),
                "ok": problems.is_empty(),
                "errors": problems.iter().map(|(field, value, fix)| serde_json::json!({
                    "path": field, "value": value, "fix": fix,
                })).collect::<Vec<_>>(),
            })),
        }
    }
    finish(format, report, failed)
}

/// Prints the JSON report (with `--format json`); exit status 1 if anything `failed`.
fn finish(format: Format, report: Vec<serde_json::Value>, failed: bool) -> ExitCode {
    if format == Format::Json {
        outln!("{}", serde_json::Value::Array(report));
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks `pages` against the config at `config`.
fn check_pages(config: &std::path::Path, pages: &[std::path::PathBuf], format: Format) -> ExitCode {
    let Some(config) = config_or_report(config) else {
        return ExitCode::FAILURE;
    };
    let mut failed = false;
    let mut report = Vec::new();
    for path in pages {
        let findings = host::read(path)
            .map_err(|e| format!("cannot be read: {e}"))
            .and_then(|html| pages::check(&config, &html));
        let findings = match findings {
            Ok(findings) => findings,
            Err(message) => vec![pages::Finding { line: 0, message }],
        };
        failed |= !findings.is_empty();
        match format {
            Format::Text if findings.is_empty() => outln!("{}: ok", path.display()),
            Format::Text => {
                for finding in &findings {
                    outln!("{}:{}: {}", path.display(), finding.line, finding.message);
                }
            }
            Format::Json => report.push(serde_json::json!({
                "file": path.display().to_string(),
                "ok": findings.is_empty(),
                "findings": findings.iter().map(|f| serde_json::json!({ "line": f.line, "message": f.message })).collect::<Vec<_>>(),
            })),
        }
    }
    finish(format, report, failed)
}

/// Rewrites each page (in place, or into `out`).
fn hold(
    config: &std::path::Path,
    out: Option<&std::path::Path>,
    pages: &[std::path::PathBuf],
) -> ExitCode {
    let Some(config) = config_or_report(config) else {
        return ExitCode::FAILURE;
    };
    each_page(pages, |path, html| {
        let held = pages::hold(&config, &html)?;
        let target = write_page(path, out, &held)?;
        let said = if held != html {
            "held"
        } else {
            "nothing to hold"
        };
        Ok(format!("{}: {said}", target.display()))
    })
}

/// The config's JSON: the whole file, or in a page the text of its config element.
fn config_text<'t>(path: &std::path::Path, text: &'t str) -> Option<&'t str> {
    let is_page = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if !is_page {
        return Some(text);
    }
    let id = consent_gate::core::contract::CONFIG_ELEMENT_ID;
    let at = text.find(&format!("id=\"{id}\""))?;
    let open = at + text[at..].find('>')? + 1;
    let close = open + text[open..].find("</script")?;
    Some(&text[open..close])
}

/// `consent-gate interface`: writes nothing unless every step succeeds.
fn interface_file(
    from: &std::path::Path,
    out: &std::path::Path,
    named: &[String],
    config: Option<&std::path::Path>,
) -> ExitCode {
    let config = match config.map(config_or_report) {
        Some(None) => return ExitCode::FAILURE,
        Some(Some(config)) => Some(config),
        None => None,
    };
    let made = interface::languages(named, config.as_ref().map(Config::languages)).and_then(
        |(words, notes)| {
            let file =
                host::read(from).map_err(|e| format!("{}: cannot be read: {e}", from.display()))?;
            let file = interface::with_words(&file, &words)
                .map_err(|e| format!("{}: {e}", from.display()))?;
            host::write(out, &file)
                .map_err(|e| format!("{}: cannot be written: {e}", out.display()))?;
            Ok(notes)
        },
    );
    match made {
        Ok(notes) => {
            for note in notes {
                errln!("{note}");
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            errln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The config at `path`; if it cannot be had, every problem with it on stderr.
fn config_or_report(path: &std::path::Path) -> Option<Config> {
    read_config(path)
        .map_err(|message| errln!("{message}"))
        .ok()
}

/// The config at `path`, or every problem with it, one per line.
fn read_config(path: &std::path::Path) -> Result<Config, String> {
    let text = host::read(path).map_err(|e| format!("{}: cannot be read: {e}", path.display()))?;
    resolved_config(path, &text).map(|(_, config)| config)
}

/// The config `text` (from `path`) with its presets resolved, as text and decoded; or every
/// problem with it, one per line.
fn resolved_config(path: &std::path::Path, text: &str) -> Result<(String, Config), String> {
    let report = |errors: Vec<consent_gate::core::config::ConfigError>| {
        errors
            .iter()
            .map(|e| format!("{}: {e}", path.display()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = presets::resolve_text(text).map_err(report)?;
    let config = Config::from_json(&text).map_err(report)?;
    Ok((text, config))
}

//! Where the command reads, writes and prints: natively the file system and the terminal; in the
//! npm package's build (WebAssembly, feature `node`), the functions its Node script lends it as
//! `globalThis.consentGateHost` (`consent-gate.mjs` beside this file; `cli/` in the package).
//! Errors come back as the host words them.

use std::path::Path;

#[cfg(not(target_arch = "wasm32"))]
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn create_dir_all(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn out(text: &str) {
    print!("{text}");
}

#[cfg(not(target_arch = "wasm32"))]
pub fn err(text: &str) {
    eprint!("{text}");
}

/// Unix seconds.
#[cfg(not(target_arch = "wasm32"))]
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(target_arch = "wasm32")]
mod node {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(js_namespace = consentGateHost)]
    extern "C" {
        #[wasm_bindgen(catch)]
        pub fn read(path: &str) -> Result<String, JsValue>;
        #[wasm_bindgen(catch)]
        pub fn write(path: &str, text: &str) -> Result<(), JsValue>;
        #[wasm_bindgen(catch)]
        pub fn mkdir(path: &str) -> Result<(), JsValue>;
        pub fn out(text: &str);
        pub fn err(text: &str);
        pub fn now() -> f64;
    }

    /// What the host threw, as it words it (a Node `Error`'s message).
    pub fn said(thrown: JsValue) -> String {
        js_sys::Reflect::get(&thrown, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{thrown:?}"))
    }
}

#[cfg(target_arch = "wasm32")]
pub fn read(path: &Path) -> Result<String, String> {
    node::read(&path.to_string_lossy()).map_err(node::said)
}

#[cfg(target_arch = "wasm32")]
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    node::write(&path.to_string_lossy(), text).map_err(node::said)
}

#[cfg(target_arch = "wasm32")]
pub fn create_dir_all(dir: &Path) -> Result<(), String> {
    node::mkdir(&dir.to_string_lossy()).map_err(node::said)
}

#[cfg(target_arch = "wasm32")]
pub fn out(text: &str) {
    node::out(text);
}

#[cfg(target_arch = "wasm32")]
pub fn err(text: &str) {
    node::err(text);
}

/// Unix seconds.
#[cfg(target_arch = "wasm32")]
pub fn now() -> u64 {
    (node::now() / 1000.0) as u64
}

/// `println!` through the host.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::host::out(&format!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!` through the host.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::host::err(&format!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {errln, outln};

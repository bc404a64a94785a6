//! consent-gate: a cookie consent banner and a tracking gate that fails closed.
//!
//! The crate has two layers that depend in one direction:
//!
//! - [`core`] is pure Rust. It owns every decision: what the site's config means,
//!   whether a stored consent record is still valid, what a visitor's click changes, and whether a
//!   blocked element may run. It builds and is tested natively, and a server can use it to read the
//!   consent cookie.
//! - `web` (wasm32 only) performs what core decides: it reads the DOM and storage, renders the
//!   banner, and releases the elements the gate allows.

pub mod core;

/// The small gate's module (README, "Two modules"); built alone for the browser, and natively for
/// its tests.
#[cfg(feature = "small")]
pub mod small;

#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub mod web;

// The command's npm build (feature `cli`) keeps the standard allocator: it is not sent to pages.
#[cfg(all(target_arch = "wasm32", not(feature = "cli")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without atomics runs on one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

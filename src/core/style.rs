//! The interface's base stylesheet: the custom properties, the themes, focus, and the floating
//! settings button. In core because the small gate draws that button from a returning visitor's
//! plan ([`crate::core::plan::button`]) with the same rules as the interface (which adds the rest).

/// Everything the settings button needs; the interface's stylesheet starts with it.
pub const BASE: &str = "\
:host{all:initial}\
.cg{--bg:var(--cg-bg,#fff);--fg:var(--cg-fg,#1d1d1f);--muted:var(--cg-muted,#4b5563);\
--link:var(--cg-link,#0b57d0);--btn-bg:var(--cg-button-bg,#1f3a8a);--btn-fg:var(--cg-button-fg,#fff);\
--line:var(--cg-line,#d1d5db);--focus:var(--cg-focus,#c2410c);\
box-sizing:border-box;background:var(--bg);color:var(--fg);\
font:15px/1.5 var(--cg-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);\
padding:var(--cg-padding,1.25rem 1.5rem);border-radius:var(--cg-radius,.75rem);\
box-shadow:0 .5rem 2rem rgba(0,0,0,.28);max-height:calc(100vh - 2rem);overflow:auto}\
.cg *{box-sizing:border-box}\
.theme-dark{--bg:var(--cg-bg,#1f2937);--fg:var(--cg-fg,#f3f4f6);--muted:var(--cg-muted,#d1d5db);\
--link:var(--cg-link,#93c5fd);--btn-bg:var(--cg-button-bg,#bfdbfe);--btn-fg:var(--cg-button-fg,#111827);\
--line:var(--cg-line,#4b5563);--focus:var(--cg-focus,#fdba74)}\
@media (prefers-color-scheme:dark){.theme-auto{--bg:var(--cg-bg,#1f2937);--fg:var(--cg-fg,#f3f4f6);\
--muted:var(--cg-muted,#d1d5db);--link:var(--cg-link,#93c5fd);--btn-bg:var(--cg-button-bg,#bfdbfe);\
--btn-fg:var(--cg-button-fg,#111827);--line:var(--cg-line,#4b5563);--focus:var(--cg-focus,#fdba74)}}\
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}\
.settings{position:fixed;z-index:2147483646;inset-block-end:1rem;inset-inline-start:1rem;\
padding:.5rem .875rem;border-radius:999px;font-weight:600;border:2px solid var(--btn-bg);cursor:pointer;\
box-shadow:0 .25rem 1rem rgba(0,0,0,.2)}";

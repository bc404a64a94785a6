//! The interface's stylesheet: the custom properties, the themes, focus, the floating settings
//! button, the banner and the dialog. In core because the small gate draws that button from a
//! returning visitor's plan ([`crate::core::plan::button`]), and the banner from an undecided
//! visitor's ([`crate::core::plan::banner_drawing`]), styled as the interface's own.

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

/// The banner's rules, after [`BASE`].
const BANNER: &str = "\
.banner{position:fixed;z-index:2147483647;margin:0;animation:cg-in .2s ease-out}\
.box{inset-block-end:1rem;inset-inline-end:1rem;width:calc(100% - 2rem);max-width:28rem}\
.bar,.bar-top{inset-inline:0;width:100%;max-width:none;border-radius:0}\
.bar{inset-block-end:0}.bar-top{inset-block-start:0}\
dialog.cg{border:0;max-width:40rem;width:calc(100% - 2rem)}\
dialog.banner.modal{position:fixed;inset:0;margin:auto;height:fit-content;max-width:32rem}\
dialog.cg::backdrop{background:rgba(0,0,0,.5)}\
h2{margin:0 0 .375rem;font-size:1.125rem;line-height:1.3}\
p{margin:0 0 1rem}\
a{color:var(--link);text-underline-offset:.15em}\
.actions{display:flex;flex-wrap:wrap;gap:.75rem}\
.actions button{flex:1 1 8rem;min-height:2.75rem;padding:.5rem 1rem;font:inherit;font-weight:600;\
color:var(--btn-fg);background:var(--btn-bg);border:2px solid var(--btn-bg);\
border-radius:var(--cg-button-radius,.5rem);cursor:pointer}\
.actions button:hover{filter:brightness(1.15)}\
.close{position:absolute;inset-block-start:.5rem;inset-inline-end:.5rem;width:2.75rem;height:2.75rem;\
font:inherit;font-size:1.5rem;line-height:1;color:var(--fg);background:none;border:0;border-radius:.5rem;cursor:pointer}\
.banner:has(.close) h2{padding-inline-end:2.5rem}\
[aria-busy=true] button{cursor:progress}\
.banner.seen{animation:none}\
@keyframes cg-in{from{opacity:0;transform:translateY(.5rem)}}\
@media (prefers-reduced-motion:reduce){.cg,.banner{animation:none}}\
@media (max-width:30rem){.box{inset:auto 0 0 0;width:100%;border-radius:0}}";

/// The preferences dialog's rules, after the banner's.
const DIALOG: &str = "\
h3{margin:0;font-size:1rem}\
.head{display:flex;align-items:flex-start;justify-content:space-between;gap:1rem}\
.head .close{position:static;flex:none;margin-block-start:-.5rem;margin-inline-end:-.5rem}\
h2:focus{outline:none}\
.category{border-block-start:1px solid var(--line);padding-block:.75rem}\
.row{display:flex;align-items:center;gap:.75rem;flex-wrap:wrap}\
.row label{font-weight:600;flex:1 1 auto}\
input[type=checkbox]{width:1.5rem;height:1.5rem;margin:0;accent-color:var(--btn-bg);cursor:pointer}\
input:disabled{cursor:not-allowed}\
.always,.provider{color:var(--muted);font-size:.875rem}\
.category p,.service p{margin:.25rem 0 .5rem;color:var(--muted)}\
details{margin-block-start:.25rem}\
summary{cursor:pointer;font-weight:600;min-height:2rem}\
.service{margin-block:.5rem;padding-inline-start:1rem;border-inline-start:2px solid var(--line)}\
.table{overflow-x:auto}\
table{border-collapse:collapse;width:100%;font-size:.875rem;margin-block:.25rem .5rem}\
th,td{text-align:start;padding:.25rem .5rem;border-block-end:1px solid var(--line);vertical-align:top}\
.prefs .actions{margin-block-start:1rem}";

/// The interface's whole stylesheet.
pub fn whole() -> String {
    String::from(BASE) + BANNER + DIALOG
}

/// The banner's stylesheet: the small gate draws an undecided visitor's banner from the plan with
/// it, styled as the interface's own, without the dialog's rules to parse.
pub fn banner() -> String {
    String::from(BASE) + BANNER
}

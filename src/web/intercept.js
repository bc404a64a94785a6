// consent-gate's interception layer: every path a tag takes to the network, wrapped once, in the
// page's own realm. It performs and never decides: `policy(href, foreign)` says whether a URL the
// browser would request is held, and for which service ([service, category], or null). The gate
// passes core's rule (src/web/intercept.rs); the loader's fail-closed fallback passes "every other
// origin" (scripts/bundle.mjs). The loaders put this file beside the module's glue, in one scope.
//
// parsed: called (in a task of its own) after the parser added <body> or an element matching
//   `follow`, so the gate can release what it may; null in the fallback.
// tt: the gate's Trusted Types policy (createHTML passes its text through), or null.
// nonce: the page's script nonce ("" without), for the one line the layer puts in a srcdoc.
// target, guarded: for a same-origin child frame, its window, and the windows already guarded
//   (the layer installs itself in each frame's realm as the frame appears).
// Returns { refused: the protections the browser would not let us install, injected(element):
// whether page code (not the parser) put this script in the document, restore(), use(policy,
// parsed): the full gate taking over the small gate's layer, frames' layers included }.
function consentGateIntercept(policy, parsed, follow, tt, nonce, target, guarded) {
  "use strict";
  var win = target || window;
  var doc = win.document;
  // Everything this layer calls is taken now, before any other script on the page runs: a page
  // that later replaces a prototype method cannot turn the layer against itself.
  var apply = Reflect.apply;
  var describe = Object.getOwnPropertyDescriptor;
  var define = Object.defineProperty;
  var ParsedURL = win.URL;
  var text = String;
  var location = win.location;
  // String and array methods too: a page that changes them later must not blind the layer.
  var call = function (f) { return function (self) { return apply(f, self, apply(slice, arguments, [1])); }; };
  var slice = Array.prototype.slice;
  var copy = call(slice);
  var lower = call(String.prototype.toLowerCase);
  var split = call(String.prototype.split);
  var replace = call(String.prototype.replace);
  var indexOf = call(Array.prototype.indexOf);
  var concat = call(Array.prototype.concat);
  var test = call(RegExp.prototype.test);
  var reject = win.Promise.reject.bind(win.Promise);
  var toArray = Array.from;
  var has = call(WeakSet.prototype.has);
  var add = call(WeakSet.prototype.add);
  var forget = call(WeakSet.prototype.delete);
  // Keyed by document: a frame's window object outlives its navigations (a srcdoc, another page),
  // and each new document may come with a realm of its own.
  guarded = guarded || new WeakSet();
  add(guarded, doc);
  var refused = [];
  var restore = [];
  // Requests held by the layer (XHR), elements it held itself, and held scripts that page code
  // put in the document (not the parser): the gate gives those no nonce (the script gadget).
  var heldRequests = new WeakSet();
  var autoHeld = new WeakSet();
  var injected = new WeakSet();
  // Nodes an insertion wrapper has checked, whose insides the observer need not read again. Kept
  // only until the observer has had this task's records (two microtasks on: the observer's is
  // queued before the second), not in a WeakSet, whose entries a busy page makes the collector
  // trace on every pass.
  var checked = new Set();
  var wasChecked = call(Set.prototype.has);
  var remember = call(Set.prototype.add);
  var forgetAll = call(Set.prototype.clear);
  var later = win.queueMicrotask;
  var forgetting = false;
  var check = function (node) {
    if (!later) return;
    remember(checked, node);
    if (forgetting) return;
    forgetting = true;
    apply(later, win, [function () {
      apply(later, win, [function () {
        forgetAll(checked);
        forgetting = false;
      }]);
    }]);
  };
  var proto = function (name) {
    var constructor = win[name];
    return constructor && constructor.prototype;
  };
  var method = function (owner, name) {
    var found = proto(owner);
    return found && found[name];
  };
  var accessor = function (owner, name) {
    var found = proto(owner);
    return (found && describe(found, name)) || {};
  };
  var setAttribute = method("Element", "setAttribute");
  var getAttribute = method("Element", "getAttribute");
  var removeAttribute = method("Element", "removeAttribute");
  var hasAttribute = method("Element", "hasAttribute");
  var matches = method("Element", "matches");
  var selectAll = {
    1: method("Element", "querySelectorAll"),
    9: method("Document", "querySelectorAll"),
    11: method("DocumentFragment", "querySelectorAll"),
  };
  var createElement = method("Document", "createElement");
  var localName = accessor("Element", "localName").get;
  var nodeType = accessor("Node", "nodeType").get;
  var ownerDocument = accessor("Node", "ownerDocument").get;
  var firstChild = accessor("Node", "firstChild").get;
  var ownerElement = accessor("Attr", "ownerElement").get;
  var attrName = accessor("Attr", "localName").get;
  var attrValue = accessor("Attr", "value").get;
  var templateContent = accessor("HTMLTemplateElement", "content").get;
  var innerHTML = accessor("Element", "innerHTML");
  var requestUrl = accessor("Request", "url").get;
  var contentWindow = accessor("HTMLIFrameElement", "contentWindow").get;
  var listen = method("EventTarget", "addEventListener");
  var setTimer = win.setTimeout;
  var Progress = win.ProgressEvent;
  var dispatch = method("EventTarget", "dispatchEvent");

  // Where elements request URLs: core's URL_ATTRIBUTES (src/core/contract.rs), entry for entry
  // (SVG's <script>, <image>, <feImage> and <use> by href; a table's or the body's background
  // image). Lists: srcset-like values and <a ping>.
  var URLS = {
    script: ["src", "href"], img: ["src", "srcset"], image: ["href"], iframe: ["src"],
    frame: ["src"], embed: ["src"], source: ["src", "srcset"], link: ["href", "imagesrcset"],
    video: ["src", "poster"], audio: ["src"], track: ["src"], object: ["data"], input: ["src"],
    a: ["ping"], area: ["ping"], feImage: ["href"], use: ["href"], body: ["background"],
    table: ["background"], thead: ["background"], tbody: ["background"], tfoot: ["background"],
    tr: ["background"], td: ["background"], th: ["background"],
  };
  var ANY_URL = /src|href|data|poster|ping|background/i;
  var SELECTOR = Object.keys(URLS).map(function (tag) {
    return URLS[tag].map(function (name) { return tag + "[" + name + "]"; }).join(",");
  }).join(",");

  var isTrusted = function (value) {
    var types = win.trustedTypes;
    return !!types && typeof value === "object" && value !== null &&
      (types.isScriptURL(value) || types.isHTML(value) || types.isScript(value));
  };

  // One URL as the browser reads it (its own parser, against the document's base): the held
  // service, or null. A value the browser cannot parse is never requested.
  var heldUrl = function (value) {
    var url;
    try {
      url = new ParsedURL(value, doc.baseURI);
    } catch (e) {
      return null;
    }
    var answer = policy(url.href, url.origin !== location.origin);
    return answer ? { service: answer[0], category: answer[1], value: url.href } : null;
  };

  // Every URL an attribute's value can make the browser request. A srcset candidate's URL is a
  // run without spaces that may hold commas: both readings are asked, so neither can slip past.
  var heldIn = function (name, value) {
    if (name !== "srcset" && name !== "imagesrcset" && name !== "ping") return heldUrl(value);
    var runs = split(value, /\s+/);
    var parts = name === "ping" ? runs : concat(runs, split(value, /[\s,]+/));
    for (var i = 0; i < parts.length; i++) {
      var part = replace(parts[i], /^,+|,+$/g, "");
      var found = part && heldUrl(part);
      if (found) return { service: found.service, category: found.category, value: value };
    }
    return null;
  };

  var urlAttribute = function (element, name) {
    var names = URLS[apply(localName, element, [])];
    var parts = split(text(name), ":");
    name = lower(parts[parts.length - 1]);
    return names && indexOf(names, name) >= 0 ? name : null;
  };

  // The URL goes to data-{name} with the service the gate releases it for; a script also stops
  // being runnable. Released like markup-held elements (src/core/gate.rs).
  var hold = function (element, name, found) {
    var set = function (attribute, value) { apply(setAttribute, element, [attribute, value]); };
    if (apply(localName, element, []) === "script") set("type", "text/plain");
    set("data-" + name, found.value);
    if (found.service) {
      set("data-service", found.service);
      set("data-category", found.category);
    }
    set("data-consent-auto", "");
    add(autoHeld, element);
  };

  // Holds the URL attributes an element already carries; true if one was held. `live`: the
  // parser just inserted it, so a frame is sent to about:blank to cancel the load it started.
  var holdElement = function (element, live) {
    var tag = apply(localName, element, []);
    var names = URLS[tag];
    if (!names || (tag === "script" && apply(getAttribute, element, ["type"]) === "text/plain")) return false;
    var any = false;
    for (var i = 0; i < names.length; i++) {
      var value = apply(getAttribute, element, [names[i]]);
      var found = value !== null && heldIn(names[i], value);
      if (!found) continue;
      hold(element, names[i], found);
      if (live && tag === "iframe") apply(setAttribute, element, ["src", "about:blank"]);
      else apply(removeAttribute, element, [names[i]]);
      any = true;
    }
    return any;
  };

  // Everything in a tree that would request a URL, template contents included (setHTMLUnsafe
  // makes declarative shadow roots of them); true if anything was held. `mark`: the tree came from
  // an HTML string, so its scripts are marked as put there by page code.
  var holdTree = function (root, mark) {
    var type = apply(nodeType, root, []);
    var any = type === 1 && holdElement(root, false);
    var all = selectAll[type];
    if (!all) return any;
    var found = apply(all, root, [SELECTOR]);
    for (var i = 0; i < found.length; i++) any = holdElement(found[i], false) || any;
    if (mark) {
      var scripts = apply(all, root, ["script"]);
      for (var k = 0; k < scripts.length; k++) {
        apply(setAttribute, scripts[k], ["data-consent-injected", ""]);
        any = true;
      }
    }
    var frames = apply(all, root, ["iframe[srcdoc]"]);
    for (var f = 0; f < frames.length; f++) {
      var inner = apply(getAttribute, frames[f], ["srcdoc"]);
      var withGuard = srcdoc(inner);
      var held = heldHtml(inner, withGuard);
      if (held !== null || withGuard !== inner) {
        apply(setAttribute, frames[f], ["srcdoc", held === null ? withGuard : held]);
        any = true;
      }
    }
    var templates = apply(all, root, ["template"]);
    for (var j = 0; j < templates.length; j++) any = holdTree(apply(templateContent, templates[j], []), mark) || any;
    return any;
  };

  // An HTML string, parsed where nothing loads (a template's content); the same markup with
  // every held URL moved to data-*, or null when nothing in it is held. Under Trusted Types the
  // page's own TrustedHTML is what gets parsed; a rewritten one needs the gate's policy, and
  // without it the sink throws, as it would for any untrusted string.
  var heldHtml = function (value, html) {
    if (!test(ANY_URL, html)) return null;
    var template = apply(createElement, doc, ["template"]);
    apply(innerHTML.set, template, [isTrusted(value) ? value : tt ? tt.createHTML(html) : html]);
    return holdTree(apply(templateContent, template, []), true) ? apply(innerHTML.get, template, []) : null;
  };

  // What an HTML sink is given instead of `value`: converted once; rewritten if it held anything.
  var htmlArgument = function (value) {
    var html = text(value);
    var rewritten = heldHtml(value, html);
    if (rewritten === null) return isTrusted(value) ? value : html;
    return tt ? tt.createHTML(rewritten) : rewritten;
  };

  // What a srcdoc is given: held like any HTML string, and guarded if anything in it can run.
  var srcdocArgument = function (value) {
    var html = text(value);
    var held = heldHtml(value, html);
    var out = srcdoc(held === null ? html : held);
    if (out === html) return isTrusted(value) ? value : html;
    return tt ? tt.createHTML(out) : out;
  };

  // A node about to enter the document. Nodes of this document were held as their URLs were set,
  // except scripts made before the gate ran or cloned; nodes from another document (a template's
  // content, DOMParser, another frame) were made where nothing loads, so all of them is checked.
  // Its scripts are marked as page code's; its frames go to `frames`, to be guarded once inserted.
  // One query finds both, and none is made under a node without children, which is most of
  // what a page inserts.
  var holdInserted = function (node, frames) {
    var type;
    try {
      type = apply(nodeType, node, []);
    } catch (e) {
      return;
    }
    if (type !== 1 && type !== 11) return;
    check(node);
    var name = type === 1 ? apply(localName, node, []) : "";
    var inside = !firstChild || apply(firstChild, node, []) ? apply(selectAll[type], node, ["script, iframe"]) : [];
    if (apply(ownerDocument, node, []) !== doc) holdTree(node, false);
    for (var i = -1; i < inside.length; i++) {
      var element = i < 0 ? node : inside[i];
      var tag = i < 0 ? name : apply(localName, element, []);
      if (tag === "iframe") frames.push(element);
      if (tag !== "script") continue;
      holdElement(element, false);
      if (!has(autoHeld, element)) add(injected, element);
    }
  };

  // A same-origin child frame has its own realm, with its own fetch, Image and setters: the layer
  // installs itself there too, with the same policy, as soon as the frame has a window.
  var guardFrame = function (frame) {
    var inner;
    try {
      inner = apply(contentWindow, frame, []);
      // Reading a cross-origin frame's document throws: its requests are its own origin's.
      if (!inner || has(guarded, inner.document) || !inner.document.documentElement) return;
    } catch (e) {
      return;
    }
    guardWindow(inner);
  };
  // Frames ask this layer's policy as it is when they ask: `use` changes it for them too.
  var current = function (href, foreign) { return policy(href, foreign); };
  var guardWindow = function (inner) {
    var layer = consentGateIntercept(current, null, "", tt, nonce, inner, guarded);
    for (var i = 0; i < layer.refused.length; i++) refused.push("frame " + layer.refused[i]);
  };
  // A srcdoc document gets a window of its own, whose scripts run as it is parsed, before the
  // frame's load: its markup starts with a line that asks this window to guard it first. Asking
  // for any other window only installs the same protections there.
  try {
    // A second layer in the same window (the fallback after a gate that stopped) keeps the first's.
    if (!describe(win, "__consentGateFrame")) define(win, "__consentGateFrame", {
      value: function (inner) {
        try {
          if (inner && inner.parent === win && !has(guarded, inner.document) && inner.document.documentElement) guardWindow(inner);
        } catch (e) {
          // Another origin's window: its requests are its own.
        }
      },
    });
  } catch (e) {
    refused.push("srcdoc frames");
  }
  var RUNS = /<script|\son[a-z]+\s*=/i;
  var GUARD = "<script" + (nonce ? ' nonce="' + nonce + '"' : "") + ">parent.__consentGateFrame(window)</" + "script>";
  var startsWith = call(String.prototype.startsWith);
  // Once only: markup read back from the page (innerHTML) and written again keeps one line.
  var srcdoc = function (html) {
    return !test(RUNS, html) || startsWith(html, GUARD) ? html : GUARD + html;
  };
  // The frames in and under `node` (before it is inserted: a fragment empties as it goes in).
  var framesIn = function (node, into) {
    var type;
    try {
      type = apply(nodeType, node, []);
    } catch (e) {
      return into;
    }
    if (type === 1 && apply(localName, node, []) === "iframe") into.push(node);
    var all = selectAll[type];
    if (all) {
      var found = apply(all, node, ["iframe"]);
      for (var i = 0; i < found.length; i++) into.push(found[i]);
    }
    return into;
  };
  var guardFramesIn = function (node) {
    var frames = framesIn(node, []);
    for (var i = 0; i < frames.length; i++) guardFrame(frames[i]);
  };

  // Replaces owner[name]'s `slot` ("value" for a method, "set" for an accessor) with a Proxy of
  // the original whose apply is trap(original, this, args); `onto` defines it on another object
  // (Attr's own copy of Node's setters). The Proxy keeps the original's name and toString.
  var wrap = function (owner, name, slot, trap, onto) {
    try {
      var descriptor = owner && describe(owner, name);
      if (!descriptor || typeof descriptor[slot] !== "function") return;
      var replacement = {};
      for (var key in descriptor) replacement[key] = descriptor[key];
      var original = descriptor[slot];
      replacement[slot] = new Proxy(original, {
        apply: function (target, self, args) { return trap(original, self, args); },
      });
      var target = onto || owner;
      define(target, name, replacement);
      restore.push(onto ? [onto, name, null] : [owner, name, descriptor]);
    } catch (e) {
      var where = owner === win ? "window" : "";
      try {
        where = where || owner.constructor.name;
      } catch (ignored) {
        // A prototype without a constructor: its member's name alone.
      }
      refused.push(where ? where + "." + name : name);
    }
  };

  // Property setters that take a URL (or HTML: <iframe srcdoc>).
  [
    ["HTMLScriptElement", "src", "src"], ["HTMLImageElement", "src", "src"],
    ["HTMLImageElement", "srcset", "srcset"], ["HTMLIFrameElement", "src", "src"],
    ["HTMLFrameElement", "src", "src"], ["HTMLEmbedElement", "src", "src"],
    ["HTMLSourceElement", "src", "src"], ["HTMLSourceElement", "srcset", "srcset"],
    ["HTMLLinkElement", "href", "href"], ["HTMLLinkElement", "imageSrcset", "imagesrcset"],
    ["HTMLMediaElement", "src", "src"], ["HTMLVideoElement", "poster", "poster"],
    ["HTMLTrackElement", "src", "src"], ["HTMLObjectElement", "data", "data"],
    ["HTMLInputElement", "src", "src"], ["HTMLAnchorElement", "ping", "ping"],
    ["HTMLAreaElement", "ping", "ping"], ["HTMLBodyElement", "background", "background"],
  ].forEach(function (entry) {
    wrap(proto(entry[0]), entry[1], "set", function (set, self, args) {
      var value = text(args[0]);
      var found = heldIn(entry[2], value);
      if (found) return hold(self, entry[2], found);
      return apply(set, self, [isTrusted(args[0]) ? args[0] : value]);
    });
  });

  // An SVG element's href is also set through the SVGAnimatedString its getter returns
  // (href.baseVal), which does not say whose it is: the getter remembers.
  var owners = new WeakMap();
  var ownerOf = call(WeakMap.prototype.get);
  var own = call(WeakMap.prototype.set);
  ["SVGScriptElement", "SVGImageElement", "SVGFEImageElement", "SVGUseElement"].forEach(function (name) {
    wrap(proto(name), "href", "get", function (get, self) {
      var animated = apply(get, self, []);
      own(owners, animated, self);
      return animated;
    });
  });
  wrap(proto("SVGAnimatedString"), "baseVal", "set", function (set, self, args) {
    var element = ownerOf(owners, self);
    var value = text(args[0]);
    var found = element && heldIn("href", value);
    if (found) return hold(element, "href", found);
    return apply(set, self, [isTrusted(args[0]) ? args[0] : value]);
  });

  // new Audio(url) sets its element's src inside the constructor: it goes through the setter.
  try {
    var NativeAudio = win.Audio;
    var audioDescriptor = describe(win, "Audio");
    if (NativeAudio && audioDescriptor) {
      var audioSrc = accessor("HTMLMediaElement", "src").set;
      define(win, "Audio", {
        configurable: true, writable: true, enumerable: false,
        value: new Proxy(NativeAudio, {
          construct: function (target, args, newTarget) {
            var element = Reflect.construct(target, [], newTarget);
            if (args.length && args[0] !== undefined) apply(audioSrc, element, [args[0]]);
            return element;
          },
        }),
      });
      restore.push([win, "Audio", audioDescriptor]);
    }
  } catch (e) {
    refused.push("Audio");
  }

  // setAttribute(name, value) and setAttributeNS(namespace, name, value): matched by local name.
  [["setAttribute", 0], ["setAttributeNS", 1]].forEach(function (entry) {
    var at = entry[1];
    wrap(proto("Element"), entry[0], "value", function (original, self, args) {
      args = copy(args);
      args[at] = text(args[at]);
      var name = urlAttribute(self, args[at]);
      if (name || lower(args[at]) === "srcdoc") {
        var value = text(args[at + 1]);
        if (!name) {
          args[at + 1] = srcdocArgument(args[at + 1]);
        } else {
          var found = heldIn(name, value);
          if (found) return hold(self, name, found);
          if (!isTrusted(args[at + 1])) args[at + 1] = value;
        }
      }
      return apply(original, self, args);
    });
  });

  // An attribute node: attached to an element, or its value set once attached.
  var heldAttribute = function (element, attribute) {
    var name = urlAttribute(element, apply(attrName, attribute, []));
    var found = name && heldIn(name, apply(attrValue, attribute, []));
    if (found) hold(element, name, found);
    return found;
  };
  ["setAttributeNode", "setAttributeNodeNS"].forEach(function (name) {
    wrap(proto("Element"), name, "value", function (original, self, args) {
      try {
        if (heldAttribute(self, args[0])) return null;
      } catch (e) {
        // Not an attribute node: the browser's own method says so.
      }
      return apply(original, self, args);
    });
  });
  // A NamedNodeMap does not name its element; an attribute already in it does. An empty map's
  // attribute with a held URL is refused: it would otherwise be requested unheld.
  ["setNamedItem", "setNamedItemNS"].forEach(function (name) {
    wrap(proto("NamedNodeMap"), name, "value", function (original, self, args) {
      var owner = self.length ? apply(ownerElement, self[0], []) : null;
      try {
        if (owner ? heldAttribute(owner, args[0]) : heldAnywhere(args[0])) return null;
      } catch (e) {
        // Not an attribute node: the browser's own method says so.
      }
      return apply(original, self, args);
    });
  });
  var heldAnywhere = function (attribute) {
    var name = lower(apply(attrName, attribute, []));
    return test(/^(src|href|srcset|imagesrcset|data|poster|ping)$/, name) && heldIn(name, apply(attrValue, attribute, []));
  };
  var setAttrValue = function (original, self, args) {
    var owner = apply(ownerElement, self, []);
    if (owner) {
      var name = urlAttribute(owner, apply(attrName, self, []));
      var value = text(args[0]);
      var found = name && heldIn(name, value);
      if (found) return hold(owner, name, found);
      args = [value];
    }
    return apply(original, self, args);
  };
  wrap(proto("Attr"), "value", "set", setAttrValue);
  wrap(proto("Node"), "nodeValue", "set", setAttrValue, proto("Attr"));
  wrap(proto("Node"), "textContent", "set", setAttrValue, proto("Attr"));

  // HTML strings: parsed inertly, held, and handed on (innerHTML on a detached element, or a
  // contextual fragment, requests its images at once). Frames the string made are guarded after.
  var htmlAt = function (at, scope) {
    return function (original, self, args) {
      args = copy(args);
      if (args.length > at) args[at] = htmlArgument(args[at]);
      var where = scope ? scope(self) : self;
      var result = apply(original, self, args);
      if (where) guardFramesIn(where);
      return result;
    };
  };
  var parent = function (node) {
    return node.parentNode;
  };
  wrap(proto("Element"), "innerHTML", "set", function (set, self, args) {
    // A template's content is inert, and it is what this layer parses with.
    if (apply(localName, self, []) === "template") return apply(set, self, args);
    apply(set, self, [htmlArgument(args[0])]);
    guardFramesIn(self);
  });
  wrap(proto("Element"), "outerHTML", "set", htmlAt(0, parent));
  wrap(proto("ShadowRoot"), "innerHTML", "set", htmlAt(0));
  wrap(proto("HTMLIFrameElement"), "srcdoc", "set", function (set, self, args) {
    apply(set, self, [srcdocArgument(args[0])]);
  });
  wrap(proto("Element"), "insertAdjacentHTML", "value", htmlAt(1, parent));
  wrap(proto("Element"), "setHTMLUnsafe", "value", htmlAt(0));
  wrap(proto("ShadowRoot"), "setHTMLUnsafe", "value", htmlAt(0));
  // The Sanitizer API keeps whatever the page's configuration allows, <img src> included.
  wrap(proto("Element"), "setHTML", "value", htmlAt(0));
  wrap(proto("ShadowRoot"), "setHTML", "value", htmlAt(0));
  wrap(proto("Range"), "createContextualFragment", "value", htmlAt(0, function () { return null; }));
  // An editor's commands: insertHTML parses its string into the document, and insertImage makes
  // an image of its URL, so a held one fails as a command the browser cannot do (false). Each
  // argument is converted once, and what was decided on is what the browser gets.
  wrap(proto("Document"), "execCommand", "value", function (original, self, args) {
    args = copy(args);
    if (args.length) {
      var command = lower(args[0] = text(args[0]));
      if (args.length > 2 && args[2] !== undefined) {
        if (command === "inserthtml") args[2] = htmlArgument(args[2]);
        else if (command === "insertimage" && heldUrl(args[2] = text(args[2]))) return false;
      }
    }
    return apply(original, self, args);
  });
  ["write", "writeln"].forEach(function (name) {
    wrap(proto("Document"), name, "value", function (original, self, args) {
      var each = [];
      for (var i = 0; i < args.length; i++) each.push(htmlArgument(args[i]));
      var result = apply(original, self, each);
      guardFramesIn(self);
      return result;
    });
  });

  // Every way a node goes into a document: a script inserted by any of them loads at once,
  // before an observer could see it; a node from another document loads as it is adopted.
  [
    ["Node", "appendChild"], ["Node", "insertBefore"], ["Node", "replaceChild"],
    ["Element", "append"], ["Element", "prepend"], ["Element", "before"], ["Element", "after"],
    ["Element", "replaceWith"], ["Element", "replaceChildren"], ["Element", "insertAdjacentElement"],
    ["CharacterData", "before"], ["CharacterData", "after"], ["CharacterData", "replaceWith"],
    ["DocumentFragment", "append"], ["DocumentFragment", "prepend"],
    ["DocumentFragment", "replaceChildren"], ["Document", "append"], ["Document", "prepend"],
    ["Document", "replaceChildren"], ["Document", "importNode"], ["Document", "adoptNode"],
    ["Range", "insertNode"], ["Range", "surroundContents"], ["Document", "body", "set"],
    ["HTMLTableElement", "caption", "set"], ["HTMLTableElement", "tHead", "set"],
    ["HTMLTableElement", "tFoot", "set"], ["HTMLSelectElement", "add"], ["HTMLOptionsCollection", "add"],
    ["DocumentType", "before"], ["DocumentType", "after"], ["DocumentType", "replaceWith"],
  ].forEach(function (entry) {
    wrap(proto(entry[0]), entry[1], entry[2] || "value", function (original, self, args) {
      var frames = [];
      for (var i = 0; i < args.length; i++) holdInserted(args[i], frames);
      var result = apply(original, self, args);
      for (var j = 0; j < frames.length; j++) guardFrame(frames[j]);
      return result;
    });
  });

  // XSLT makes its result's elements in the document it is given, where an image loads as it is
  // made: they are made in an inert document instead, so the fragment is checked whole as it is
  // inserted (a node from another document).
  var inert = null;
  var createDocument = method("DOMImplementation", "createHTMLDocument");
  var implementation = doc.implementation;
  wrap(proto("XSLTProcessor"), "transformToFragment", "value", function (original, self, args) {
    args = copy(args);
    if (args.length > 1) args[1] = inert = inert || apply(createDocument, implementation, [""]);
    return apply(original, self, args);
  });

  // fetch, fetchLater, sendBeacon, XMLHttpRequest and the Cache API's add and addAll (which
  // fetch to fill a cache) to a held URL fail as an offline request would.
  // What a request argument asks for: a Request's URL, or the argument converted once (into
  // `args`, so that what was decided on is what the browser gets).
  var requestAt = function (args, at) {
    try {
      return apply(requestUrl, args[at], []);
    } catch (notRequest) {
      return (args[at] = text(args[at]));
    }
  };
  var heldError = function (args, at) {
    var found = heldUrl(requestAt(args, at));
    return found && new TypeError("consent-gate: " + found.value + " is held until " + (found.service || "consent") + " is granted");
  };
  // The promise-returning ones: a conversion that throws rejects, as it would in the browser.
  var fetchLike = function (heldBy) {
    return function (original, self, args) {
      args = copy(args);
      var error;
      try {
        error = heldBy(args);
      } catch (thrown) {
        return reject(thrown);
      }
      return error ? reject(error) : apply(original, self, args);
    };
  };
  var firstHeld = function (args) {
    return heldError(args, 0);
  };
  wrap(win, "fetch", "value", fetchLike(firstHeld));
  wrap(proto("Cache"), "add", "value", fetchLike(firstHeld));
  // addAll stores all or nothing: one held URL refuses the whole list.
  wrap(proto("Cache"), "addAll", "value", fetchLike(function (args) {
    var list = args[0] = toArray(args[0]);
    for (var i = 0; i < list.length; i++) {
      var error = heldError(list, i);
      if (error) return error;
    }
    return null;
  }));
  wrap(win, "fetchLater", "value", function (original, self, args) {
    args = copy(args);
    var error = firstHeld(args);
    if (error) throw error;
    return apply(original, self, args);
  });
  wrap(proto("Navigator"), "sendBeacon", "value", function (original, self, args) {
    args = copy(args);
    args[0] = text(args[0]);
    return heldUrl(args[0]) ? false : apply(original, self, args);
  });
  wrap(proto("XMLHttpRequest"), "open", "value", function (original, self, args) {
    args = copy(args);
    args[1] = text(args[1]);
    if (heldUrl(args[1])) add(heldRequests, self);
    else forget(heldRequests, self);
    return apply(original, self, args);
  });
  wrap(proto("XMLHttpRequest"), "send", "value", function (original, self, args) {
    if (!has(heldRequests, self)) return apply(original, self, args);
    setTimer(function () {
      apply(dispatch, self, [new Progress("error")]);
      apply(dispatch, self, [new Progress("loadend")]);
    }, 0);
  });

  // What the parser inserts from now on: scripts are held before they are prepared (the
  // observer runs at the checkpoint the parser performs first); images and frames in markup may
  // already be on their way, which data-src markup avoids.
  var scheduled = false;
  try {
    var observer = new win.MutationObserver(function (records) {
      var follow_up = false;
      for (var r = 0; r < records.length; r++) {
        var added = records[r].addedNodes;
        for (var i = 0; i < added.length; i++) {
          var node = added[i];
          if (apply(nodeType, node, []) !== 1) continue;
          holdElement(node, true);
          if (apply(localName, node, []) === "iframe") guardFrame(node);
          // A node that came in by a path no wrapper saw (an <option> set on a <select> by
          // index, an API newer than this layer) may carry URLs below its top: held as the
          // parser's are, before an adopted image's load starts.
          if (!wasChecked(checked, node) && (!firstChild || apply(firstChild, node, []))) {
            var below = apply(selectAll[1], node, [SELECTOR]);
            for (var k = 0; k < below.length; k++) holdElement(below[k], true);
          }
          follow_up = follow_up || (!!parsed && apply(matches, node, [follow]));
        }
      }
      if (follow_up && !scheduled) {
        scheduled = true;
        // Chromium ignores a frame's src set in the microtask in which the parser inserted it.
        setTimer(function () {
          scheduled = false;
          parsed();
        }, 0);
      }
    });
    observer.observe(doc.documentElement, { childList: true, subtree: true });
    restore.push([observer]);
  } catch (e) {
    refused.push("MutationObserver");
  }
  // A frame that navigated to another same-origin page has a new window: guarded once it loads
  // (what that page ran before is its own; a lockdown header covers it).
  try {
    apply(listen, doc, ["load", function (event) {
      try {
        if (apply(localName, event.target, []) === "iframe") guardFrame(event.target);
      } catch (notAnElement) {
        // The load of something that is not an element: no frame.
      }
    }, true]);
  } catch (e) {
    refused.push("frame loads");
  }

  return {
    refused: refused,
    injected: function (element) {
      return has(injected, element) || apply(hasAttribute, element, ["data-consent-injected"]);
    },
    use: function (newPolicy, newParsed) {
      policy = newPolicy;
      parsed = newParsed;
    },
    restore: function () {
      while (restore.length) {
        var entry = restore.pop();
        if (entry.length === 1) entry[0].disconnect();
        else if (entry[2]) define(entry[0], entry[1], entry[2]);
        else delete entry[0][entry[1]];
      }
    },
  };
}

// Fulfil's own behaviour, kept small: CSRF for htmx, scanner focus, feedback.
(function () {
  "use strict";

  // htmx requests carry the CSRF token from the page's meta tag as a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });

  // A new warehouse's time zone: the browser's own, shown for the admin to keep or
  // change (without scripts the field is simply empty).
  document.querySelectorAll("input[data-guess-zone]").forEach(function (field) {
    if (field.value || !window.Intl) return;
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  });

  // -- scan fields: the scanner types, the on-screen keyboard stays closed ------------
  // A scan field (templates/macros/scan.html) takes a hardware scanner's typing with
  // the phone's keyboard closed (inputmode none); tapping it, or "Type a code", opens
  // the keyboard on request, and leaving it closes it again.
  function scannerOnly(root) {
    root.querySelectorAll("[data-scanner-only]").forEach(function (f) { f.setAttribute("inputmode", "none"); });
  }
  function typeInto(field) { field.setAttribute("inputmode", "text"); }
  document.addEventListener("pointerdown", function (event) {
    if (event.target.matches && event.target.matches("[data-scanner-only]")) typeInto(event.target);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-keyboard-for]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-keyboard-for"));
    typeInto(field);
    field.focus();
  });
  document.addEventListener("focusout", function (event) {
    if (event.target.matches("[data-scanner-only]")) event.target.setAttribute("inputmode", "none");
  });
  function reveal(root) {
    root.querySelectorAll("button[data-keyboard-for]").forEach(function (b) { b.hidden = false; });
  }
  // On arrival the cursor goes to the page's scan field (no autofocus attribute: that
  // would raise the keyboard before this script could close it).
  scannerOnly(document);
  reveal(document);
  var first = document.querySelector("main [data-autofocus]");
  if (first && first.getClientRects().length) first.focus({ preventScroll: true });
  document.addEventListener("htmx:load", function (event) { scannerOnly(event.detail.elt); reveal(event.detail.elt); });

  // A scanner ends each code with Enter. In a form with several scan fields, Enter
  // moves on to the next empty field instead of submitting half a form; in a field
  // that hands scans on (data-scan-to, below), to its empty scan field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var field = event.target;
    if (field.matches("[data-scan-to]")) {
      var scan = document.getElementById(field.getAttribute("data-scan-to"));
      if (scan && scan.form === field.form && !scan.value) { event.preventDefault(); scan.focus(); }
      return;
    }
    if (!field.matches(".scan input")) return;
    var fields = Array.prototype.slice.call(field.form.querySelectorAll(".scan input"));
    var next = fields.slice(fields.indexOf(field) + 1).find(function (f) { return !f.value; });
    if (next) { event.preventDefault(); next.focus(); }
  });

  // A scanner types a whole code in a burst, a few milliseconds a key; a person types
  // a key every tenth of a second or slower (and a phone's keyboard sends no key names
  // at all). A burst that starts in a field marked data-scan-to (a quantity, a count)
  // is a scan: it moves to that scan field, its Enter sends it there, and the field
  // keeps what the person had typed.
  var BURST_GAP_MS = 40, BURST_KEYS = 3, burst = null;
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-scan-to]")) { burst = null; return; }
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!burst || burst.field !== field || event.timeStamp - burst.last > BURST_GAP_MS) {
      burst = { field: field, before: field.value, keys: "" };
    }
    burst.keys += event.key;
    burst.last = event.timeStamp;
    if (burst.keys.length < BURST_KEYS) return;
    var scan = document.getElementById(field.getAttribute("data-scan-to"));
    if (!scan) return;
    event.preventDefault();  // this key, and the ones before it, go to the scan field
    field.value = burst.before;
    scan.value = burst.keys;
    scan.focus({ preventScroll: true });  // the rest of the burst types into it
    burst = null;
  }, true);

  // A scan leaves with what the field held; the field is emptied at once, ready for
  // the next one (a scanner can fire again before the answer arrives).
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-scan-form]");
    if (form) form.querySelectorAll(".scan input").forEach(function (f) { f.value = ""; });
  });

  // What a swap answers (the feedback, the next bin: at the top of the swapped part) is
  // in view after every action, even when the page had scrolled down to a quantity or
  // a form below it. A part that starts high enough on the screen stays where it is.
  function keepInView(element) {
    var top = element.getBoundingClientRect().top;
    var height = window.visualViewport ? window.visualViewport.height : window.innerHeight;
    if (top < 0 || top > height / 3) element.scrollIntoView({ block: "start" });
  }
  window.Fulfil = { keepInView: keepInView };

  // After a swap, put the cursor back in the scan field so the next scan lands there.
  document.addEventListener("htmx:afterSettle", function (event) {
    // A field inside the swapped part is new: focus it and select its old value so
    // the next scan replaces it. A field outside it may already hold the next scan's
    // first characters: only give it the focus back, never select (that would eat them).
    // A person typing in another field (a found count, a weight) keeps the focus: an
    // answer arriving must never move their keystrokes into the scan field.
    var swapped = event.detail.elt.querySelector("input[autofocus], input[data-autofocus]");
    var field = swapped || document.querySelector("main input[autofocus], main input[data-autofocus]");
    var active = document.activeElement;
    var typing = active && active !== field && active.getClientRects().length > 0 &&
      active.matches("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select");
    if (field && active !== field && !typing) field.focus({ preventScroll: true });
    // (only while it still holds what the server sent: typing may have begun)
    if (swapped && swapped.value === swapped.defaultValue) swapped.select();
    if (event.detail.elt.matches("[data-keep-in-view]")) keepInView(event.detail.elt);
    if (event.detail.elt.querySelector(".refusal") && navigator.vibrate) {
      navigator.vibrate([80, 60, 80]);  // a refusal is felt through gloves
    }
  });

  // A count of the ticked boxes (the wave screen's "3 of 50 orders ticked").
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || event.target.type !== "checkbox") return;
    form.querySelectorAll("output[data-count-checked]").forEach(function (out) {
      var name = out.getAttribute("data-count-checked");
      out.value = form.querySelectorAll('input[name="' + name + '"]:checked').length;
    });
  });
})();

// No network on a page that needs it (a manager's screen): say so where it happened,
// instead of a button that silently does nothing. The pick list handles its own.
(function () {
  "use strict";
  function noNetwork(event) {
    if (event.detail.elt.closest && event.detail.elt.closest("[data-offline-list]")) return;
    var toasts = document.getElementById("toasts");
    if (!toasts) return;
    var note = document.createElement("p");
    note.className = "toast toast--bad";
    note.setAttribute("role", "alert");
    note.textContent = toasts.getAttribute("data-no-network");
    toasts.replaceChildren(note);
    setTimeout(function () { note.remove(); }, 6000);
  }
  document.addEventListener("htmx:sendError", noNetwork);
  document.addEventListener("htmx:timeout", noNetwork);
})();

// Camera scanning for phones without a scanner: scan fields' camera buttons show where
// the browser has a camera API, and camera.js (with its decoder) loads on the first
// click, never with the page.
(function () {
  "use strict";
  var cameraJs = new URL("camera.js", document.currentScript.src).href;

  function reveal(root) {
    if (!navigator.mediaDevices) return;
    root.querySelectorAll("button[data-camera-for]").forEach(function (b) { b.hidden = false; });
  }
  reveal(document);
  document.addEventListener("htmx:load", function (event) { reveal(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-camera-for]");
    if (button) import(cameraJs).then(function (camera) { camera.open(button); });
  });
})();

// The offline page offers the pick lists this device keeps: picking goes on there.
(function () {
  "use strict";
  var kept = document.getElementById("kept-lists");
  if (!kept || !("caches" in window)) return;
  caches.open("fulfil-pages").then(function (cache) { return cache.keys(); }).then(function (requests) {
    requests.forEach(function (request) {
      var found = new URL(request.url).pathname.match(/^\/pick\/lists\/(\d+)$/);
      if (!found) return;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "button secondary";
      link.href = found[0];
      link.textContent = kept.getAttribute("data-label").replace("%(id)s", found[1]);
      item.appendChild(link);
      kept.appendChild(item);
      kept.hidden = false;
    });
  });
})();

// The service worker keeps the app shell on the device (see /sw.js).
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* not secure: no offline shell */ });
  });
}

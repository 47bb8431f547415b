// Fulfil's own behaviour, kept small: CSRF for htmx, scanner focus, feedback.
(function () {
  "use strict";

  // htmx requests carry the CSRF token from the page's meta tag as a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });

  // A scanner ends each code with Enter. In a form with several scan fields, Enter
  // moves on to the next empty field instead of submitting half a form.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches(".scan input")) return;
    var fields = Array.prototype.slice.call(event.target.form.querySelectorAll(".scan input"));
    var next = fields.slice(fields.indexOf(event.target) + 1).find(function (f) { return !f.value; });
    if (next) { event.preventDefault(); next.focus(); }
  });

  // After a swap, put the cursor back in the scan field so the next scan lands there.
  document.addEventListener("htmx:afterSettle", function (event) {
    // A field inside the swapped part is new: focus it and select its old value so
    // the next scan replaces it. A field outside it may already hold the next scan's
    // first characters: only give it the focus back, never select (that would eat them).
    // A person typing in another field (a found count, a weight) keeps the focus: an
    // answer arriving must never move their keystrokes into the scan field.
    var swapped = event.detail.elt.querySelector("input[autofocus]");
    var field = swapped || document.querySelector("main input[autofocus]");
    var active = document.activeElement;
    var typing = active && active !== field && active.getClientRects().length > 0 &&
      active.matches("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select");
    if (field && active !== field && !typing) field.focus();
    // (only while it still holds what the server sent: typing may have begun)
    if (swapped && swapped.value === swapped.defaultValue) swapped.select();
    if (event.detail.elt.querySelector(".refusal") && navigator.vibrate) {
      navigator.vibrate([80, 60, 80]);  // a refusal is felt through gloves
    }
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

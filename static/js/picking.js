// The pick list screen: every scan its own id, the field free for the next scan at
// once, a sound and a buzz for right and wrong, and the screen kept awake.
(function () {
  "use strict";

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // plain-HTTP pages have no randomUUID; getRandomValues works everywhere
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Each send gets a fresh id (a scanner can fire twice before the answer arrives).
  // app.js empties the scan field as the scan leaves; a keyed quantity went with it.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest("form");
    if (!form || !form.querySelector('input[name="scan_id"]')) return;
    event.detail.parameters.scan_id = newId();
    var qty = form.matches("[data-scan-form]") && form.querySelector('input[name="qty"]');
    if (qty && qty.value) { qty.value = ""; qty.closest("details").open = false; }
  });

  // A reported short pick closes its form again: the next task starts clean.
  document.addEventListener("htmx:afterRequest", function (event) {
    var details = event.detail.elt.closest(".task-actions details");
    if (details && event.detail.successful) { details.open = false; event.detail.elt.reset(); }
  });

  // Sounds an aisle away: a short high beep for right, a long low buzz for wrong.
  var audio;
  function tone(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = ok ? "sine" : "square";
      osc.frequency.value = ok ? 1760 : 220;
      gain.gain.value = 0.9;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (ok ? 0.12 : 0.45));
    } catch (e) { /* no audio: the colour and the text still say it */ }
  }
  function feedback(ok) {
    tone(ok);
    if (navigator.vibrate) navigator.vibrate(ok ? 40 : [120, 60, 120]);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var task = event.detail.elt.id === "task" ? event.detail.elt : document.getElementById("task");
    if (!task) return;
    if (task.classList.contains("task--ok")) feedback(true);
    if (task.classList.contains("task--bad")) feedback(false);
  });
  // offline.js confirms scans without a swap, with the same sound and buzz
  window.FulfilPicking = { feedback: feedback };

  // The screen stays on while a list is being picked (where the browser can).
  var lock = null;
  function keepAwake() {
    if (!("wakeLock" in navigator) || !document.querySelector("[data-wake-lock]")) return;
    if (document.visibilityState !== "visible" || lock) return;
    navigator.wakeLock.request("screen").then(function (l) {
      lock = l;
      lock.addEventListener("release", function () { lock = null; });
    }).catch(function () { /* refused (battery saver): the list still works */ });
  }
  document.addEventListener("visibilitychange", keepAwake);
  document.addEventListener("DOMContentLoaded", keepAwake);
})();

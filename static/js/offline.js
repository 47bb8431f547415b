// Picking through a Wi-Fi gap. The page brings the device's copy of the list; while
// the network is gone each scan is checked here against it (right bin, right product,
// not more than is left), confirmed, and queued in IndexedDB under its own id. Back
// online the queue is sent in order; the server applies each id once, so a send cut
// half-way and sent again changes nothing twice.
(function () {
  "use strict";
  var page = document.querySelector("[data-offline-list]");
  if (!page || !window.indexedDB || !window.idbKeyval || !window.FulfilGS1) return;

  var kv = window.idbKeyval, gs1 = window.FulfilGS1;
  var store = kv.createStore("fulfil-picking", "lists");
  var listId = page.getAttribute("data-offline-list");
  var urls = {
    scan: page.getAttribute("data-scan-url"),
    copy: page.getAttribute("data-copy-url"),
    list: page.getAttribute("data-list-url")
  };
  var T = JSON.parse(document.getElementById("offline-texts").textContent);
  var served = JSON.parse(document.getElementById("pick-list-copy").textContent);
  // one picker's list: another login on this phone never sends their scans
  var owner = listId + ":" + served.picker;
  var KEY = { copy: "copy:" + owner, queue: "queue:" + owner, refused: "refused:" + owner };
  var RETRY_MS = 3000;

  var copy = null;      // the server's list as last seen, with this device's online scans
  var queue = [];       // scans confirmed here that the server has not answered yet
  var cutOff = false;   // a send failed although the browser thinks it is online
  var sending = false, needsLogin = false, retry = null;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  function offline() { return !navigator.onLine || cutOff || queue.length > 0 || needsLogin; }

  // -- the list as the device sees it ----------------------------------------------
  function clone(value) { return JSON.parse(JSON.stringify(value)); }
  function openTasks(list) { return list.tasks.filter(function (t) { return t.status === "open"; }); }
  function current(list) { return openTasks(list)[0] || null; }
  function model() {  // the copy with every queued scan applied on top
    var list = clone(copy);
    queue.forEach(function (scan) { apply(list, check(list, scan.code, scan.qty)); });
    return list;
  }

  // The server's rules for one scan (fulfil/services/picking.py `scan`), on the copy.
  function check(list, code, qty) {
    var task = current(list);
    if (!task) return { ok: false, message: T.list_complete };
    var isBin = code.toUpperCase() === task.location.toUpperCase();
    var codes = gs1.productCodes(code);
    var isProduct = codes.some(function (c) { return task.codes.indexOf(c) >= 0; }) || code === task.sku;
    if (!task.at_location) {
      if (isBin) return { ok: true, task: task, bin: true };
      if (isProduct) return { ok: false, message: fmt(T.bin_first, { expected: task.location }) };
      return { ok: false, message: fmt(T.wrong_bin, { scanned: code, expected: task.location }) };
    }
    if (isBin) return { ok: true, task: task, bin: true };
    if (!isProduct) {
      return { ok: false, message: fmt(T.wrong_product, { scanned: code, expected: task.name + " (" + task.sku + ")" }) };
    }
    var parsed = gs1.parse(code);
    if (parsed && parsed.lot && task.lot && parsed.lot !== task.lot) {
      return { ok: false, message: fmt(T.wrong_lot, { scanned: parsed.lot, expected: task.lot }) };
    }
    var units = qty || (parsed && parsed.quantity) || 1;
    if (units > task.remaining) return { ok: false, message: fmt(T.too_many, { left: task.remaining, qty: units }) };
    return { ok: true, task: task, units: units };
  }

  function apply(list, verdict) {
    if (!verdict.ok) return;
    var task = list.tasks.filter(function (t) { return t.id === verdict.task.id; })[0];
    if (verdict.bin) { task.at_location = true; return; }
    task.picked += verdict.units;
    task.remaining -= verdict.units;
    if (task.remaining === 0) {
      task.status = "done";
      var next = current(list);  // the next task in the same bin needs no new bin scan
      if (next && next.location === task.location) next.at_location = true;
    }
  }

  // What the server's fragment says of the list (templates/picking/_task.html).
  function state(list) {
    var task = current(list);
    if (!task) return "done";
    var done = list.tasks.length - openTasks(list).length;
    return [task.id, task.remaining, task.at_location ? 1 : 0, done].join(":");
  }

  // -- drawing the task without the server -----------------------------------------
  function fill(root, name, text) {
    var el = root.querySelector('[data-fill="' + name + '"]');
    if (el) el.textContent = text;
  }
  function render(list, feedback, message) {
    var task = current(list);
    var view = document.getElementById(task ? "offline-task" : "offline-done").content.cloneNode(true);
    var section = view.querySelector("#task");
    if (feedback) section.classList.add("task--" + feedback);
    var note = section.querySelector(".feedback");
    if (message) { note.textContent = message; note.className = "feedback feedback--" + feedback; note.hidden = false; }
    if (task) {
      var done = list.tasks.length - openTasks(list).length;
      fill(section, "progress", fmt(T.task_of, { n: done + 1, total: list.tasks.length }));
      fill(section, "list", fmt(T.list, { id: list.list }));
      var bar = section.querySelector("progress");
      bar.max = list.tasks.length; bar.value = done;
      fill(section, "location", task.location);
      if (task.at_location) section.querySelector(".where").classList.add("where--reached");
      fill(section, "remaining", task.remaining);
      fill(section, "name", task.name);
      fill(section, "detail", [task.sku].concat(task.lot ? [T.lot + " " + task.lot] : [],
        task.picked ? [fmt(T.picked, { n: task.picked })] : []).join(" · "));
      fill(section, "slot", task.slot);
      fill(section, "tote", task.tote);
      fill(section, "step", task.at_location ? T.scan_product : T.go_to_bin);
    } else {
      var totes = section.querySelector('[data-fill="totes"]');
      list.tasks.map(function (t) { return t.tote; }).filter(function (tote, i, all) {
        return all.indexOf(tote) === i;
      }).forEach(function (tote) {
        var li = document.createElement("li");
        li.className = "code"; li.textContent = tote;
        totes.appendChild(li);
      });
    }
    section.setAttribute("data-state", state(list));
    document.getElementById("task").replaceWith(section);
    var field = document.getElementById("scan-code");
    var active = document.activeElement;
    var typing = active && active !== field && active.matches("input:not([type=hidden]):not([type=checkbox]), textarea, select");
    if (field && !typing) field.focus({ preventScroll: true });
    if (window.Fulfil) window.Fulfil.keepInView(section);  // the next bin, the feedback
    if (feedback && window.FulfilPicking) window.FulfilPicking.feedback(feedback === "ok");
  }

  // -- the status line and the refused scans ---------------------------------------
  function banner(text) {
    var line = document.getElementById("net-status");
    var waiting = queue.length;
    if (text === undefined) {
      if (needsLogin) text = fmt(T.login, { n: waiting });
      else if (sending) text = fmt(T.sending, { n: waiting });
      else if (offline()) text = fmt(T.offline, { n: waiting });
    }
    line.hidden = !text;
    line.textContent = text || "";
    line.classList.toggle("net-status--offline", offline() && !sending);
    document.querySelectorAll("[data-needs-network]").forEach(function (el) {
      el.hidden = !offline();
      el.closest("section").querySelectorAll("button").forEach(function (b) { b.disabled = offline(); });
    });
  }

  function showRefused(refused) {
    var box = document.getElementById("offline-refused");
    var rows = box.querySelector("ul");
    rows.textContent = "";
    refused.forEach(function (scan) {
      var li = document.createElement("li");
      var what = document.createElement("strong");
      what.className = "code";
      what.textContent = scan.code;
      li.appendChild(what);
      li.appendChild(document.createTextNode(" " + scan.at + " · " + scan.message));
      rows.appendChild(li);
    });
    box.hidden = refused.length === 0;
  }

  // -- scans on the way out ---------------------------------------------------------
  var pending = {};  // scan_id -> what was scanned, for the answer (or the failure)

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("[data-scan-form]")) return;
    var params = event.detail.parameters;
    var scan = { scan_id: params.scan_id, code: String(params.code || "").trim(), qty: Number(params.qty) || null };
    if (!offline()) { pending[scan.scan_id] = scan; return; }
    event.preventDefault();  // no network: this device decides, the server hears later
    confirmHere(scan);
  });

  function confirmHere(scan) {
    var list = model();
    var verdict = check(list, scan.code, scan.qty);
    if (!verdict.ok) { render(list, "bad", verdict.message); banner(); return; }
    scan.for_task = verdict.task.id;
    scan.at = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    queue.push(scan);  // the next scan is checked with this one counted
    // green only once the scan is written on this phone: a reload, a crash or a flat
    // battery right after the beep must not lose it
    kv.update(KEY.queue, function (saved) { return (saved || []).concat([scan]); }, store)
      .then(function () {
        render(model(), "ok", T.confirmed_offline);
        banner();
      }, function () {
        queue = queue.filter(function (s) { return s !== scan; });
        render(model(), "bad", T.not_kept);
        banner();
      });
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    var scan = event.detail.requestConfig && pending[event.detail.requestConfig.parameters.scan_id];
    if (!elt.matches || !elt.closest(".picking")) return;
    if (!event.detail.xhr || !event.detail.xhr.status) return;  // never answered: see below
    if (scan) delete pending[scan.scan_id];
    if (scan && event.detail.xhr.status === 200 && copy) {
      var verdict = check(copy, scan.code, scan.qty);
      apply(copy, verdict);
      if (verdict.ok) copy.rev += 1;  // as the server counts accepted scans
      kv.set(KEY.copy, copy, store);
    }
    var shown = document.getElementById("task");
    // a short pick, skip or undo (or anything this device did not foresee): fetch the list
    if (!copy || !scan || (shown && shown.getAttribute("data-state") !== state(copy))) refreshCopy();
  });

  function lost(event) {  // the request never got an answer: the network is gone
    var config = event.detail.requestConfig;
    var scan = config && pending[config.parameters.scan_id];
    cutOff = true;
    if (scan) { delete pending[scan.scan_id]; confirmHere(scan); }
    banner();
    later();
  }
  document.addEventListener("htmx:sendError", lost);
  document.addEventListener("htmx:timeout", lost);

  function later() { clearTimeout(retry); retry = setTimeout(drain, RETRY_MS); }

  function send(scan) {
    var body = new URLSearchParams({
      scan_id: scan.scan_id, code: scan.code, qty: scan.qty || "", offline: "1", for_task: scan.for_task
    });
    return fetch(urls.scan, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",  // a login page is no answer: the session ran out
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content
      }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) {
        needsLogin = true;
        throw new Error("login");
      }
      var type = response.headers.get("Content-Type") || "";
      if (response.status >= 500 || type.indexOf("application/json") < 0) throw new Error("no verdict");
      return response.json();
    });
  }

  function drain() {
    if (sending || needsLogin || !navigator.onLine) return;
    if (!queue.length) { if (cutOff) reconnect(); return; }
    sending = true;
    banner();
    var scan = queue[0];
    send(scan).then(function (verdict) {
      // answered: applied, or refused with a reason; either way it leaves the queue
      queue.shift();
      var done = kv.update(KEY.queue, function (saved) {
        return (saved || []).filter(function (s) { return s.scan_id !== scan.scan_id; });
      }, store);
      if (verdict.accepted) return done;
      scan.message = verdict.message;
      return done.then(function () {
        return kv.update(KEY.refused, function (saved) { return (saved || []).concat([scan]); }, store);
      }).then(function () { return kv.get(KEY.refused, store); }).then(showRefused);
    }).then(function () {
      sending = false;
      cutOff = false;
      if (queue.length) drain(); else reconnect();
    }).catch(function () {
      sending = false;
      cutOff = !needsLogin;
      banner();
      if (!needsLogin) later();
    });
  }

  // Everything sent: the server's list and the server's screen again.
  function reconnect() {
    refreshCopy().then(function (reached) {
      if (!reached) { cutOff = true; banner(); later(); return; }
      if (reached !== true) { gone(reached); return; }
      cutOff = false;
      banner(T.sent);
      if (window.htmx) window.htmx.ajax("GET", urls.list, { target: "#task", swap: "outerHTML" });
      setTimeout(function () { if (!offline()) banner(""); }, 4000);
    });
  }

  function refreshCopy() {
    return fetch(urls.copy, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.ok) return response.json();
        // the list is no longer this picker's (taken back, or closed): say why
        return response.json().then(function (refusal) { return { gone: refusal.message }; });
      })
      .then(function (fresh) {
        if (fresh.gone) return fresh.gone;
        if (fresh.status === "done") forget();
        if (queue.length) return true;  // queued scans are not in it yet
        copy = fresh;
        return kv.set(KEY.copy, copy, store).then(function () { return true; });
      })
      .catch(function () { return false; /* no network: the copy held stays */ });
  }

  // A finished list is no longer offered for picking without the network.
  function forget() {
    if ("caches" in window) {
      caches.open("fulfil-pages").then(function (cache) { return cache.delete(location.pathname); });
    }
  }

  function gone(message) {
    forget();
    cutOff = false;
    banner("");
    var view = document.getElementById("offline-gone").content.cloneNode(true);
    view.querySelector(".feedback").textContent = message;
    document.getElementById("task").replaceWith(view.querySelector("#task"));
  }

  // -- start: the page's copy or the device's, whichever is newer --------------------
  Promise.all([kv.get(KEY.copy, store), kv.get(KEY.queue, store), kv.get(KEY.refused, store)])
    .then(function (saved) {
      var kept = saved[0];
      copy = kept && kept.rev > served.rev ? kept : served;
      queue = saved[1] || [];
      showRefused(saved[2] || []);
      if (copy === served) kv.set(KEY.copy, copy, store);
      // the page may be an older copy kept by the service worker: draw what this
      // device knows when that differs from what the page shows
      var list = model();
      if (document.getElementById("task").getAttribute("data-state") !== state(list)) render(list);
      banner();
      if (queue.length) drain();
      if (served.status === "done" && !queue.length) { forget(); return; }
      if (!("caches" in window) || !navigator.onLine) return;
      // keep this page for a reload without the network (the service worker keeps
      // the pages it serves; before it took over, the page fetches a copy itself)
      return caches.open("fulfil-pages").then(function (cache) {
        return navigator.serviceWorker && navigator.serviceWorker.controller
          ? cache.match(location.pathname).then(function (hit) { return hit || cache.add(location.pathname); })
          : cache.add(location.pathname);
      })
        .catch(function () { /* no cache: the device copy still works */ });
    })
    .then(function () { page.setAttribute("data-offline-ready", ""); });

  window.addEventListener("online", function () { cutOff = false; drain(); banner(); });
  window.addEventListener("offline", function () { banner(); });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-dismiss-refused]")) return;
    kv.del(KEY.refused, store).then(function () { showRefused([]); });
  });
})();

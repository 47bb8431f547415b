// Fulfil's service worker, release {{ version }}: the app shell from the cache, pages
// from the network (a copy of each picking page kept for when the network is gone).
"use strict";
const CACHE = "fulfil-shell-{{ version }}";
const PAGES = "fulfil-pages";
const SHELL = {{ shell|tojson }};
const OFFLINE = {{ url_for('pwa.offline')|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

// A page kept under an older release names that release's files: fetch it again, or
// drop it when that fails (a stale page must never be what a picker reloads into).
function refreshPages() {
  return caches.open(PAGES).then((cache) => cache.keys().then((requests) => Promise.all(
    requests.map((request) => fetch(request.url, { credentials: "same-origin" })
      .then((response) => response.ok && !response.redirected
        ? cache.put(request, response) : cache.delete(request))
      .catch(() => cache.delete(request))))));
}

self.addEventListener("activate", (event) => {
  // a new release: drop every older shell, renew the kept pages, take over open pages
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("fulfil-shell-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(refreshPages)
      .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method !== "GET") {
    // a form sent without the network ("Continue picking"): say so, not the browser
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then((response) => {
      if (response.ok && url.pathname.startsWith("/pick/")) {
        const copy = response.clone();
        caches.open(PAGES).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => caches.match(request, { cacheName: PAGES, ignoreVary: true })
      .then((page) => page || caches.match(OFFLINE))));
    return;
  }
  if (SHELL.includes(url.pathname + url.search)) {
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  }
});

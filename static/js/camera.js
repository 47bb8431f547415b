// The phone's camera as a barcode scanner, for phones without a hardware scanner.
// app.js imports this module on the first click of a <button data-camera-for="input-id">,
// so neither it nor the decoder is part of a page's first load. The first code seen is
// typed into the field and the form is submitted, as a scanner's Enter would.
const FORMATS = ["code_128", "ean_13", "ean_8", "upc_a", "qr_code", "data_matrix", "itf"];
const VENDOR = new URL("../vendor/", import.meta.url);

let current = null;  // the open overlay; there is only ever one

// The browser's own detector when it reads our formats (Android, macOS), else the
// zxing-wasm polyfill, served with its .wasm from our origin instead of its CDN.
async function makeDetector() {
  if ("BarcodeDetector" in window) {
    const supported = await window.BarcodeDetector.getSupportedFormats();
    const formats = FORMATS.filter((format) => supported.includes(format));
    if (formats.length) return new window.BarcodeDetector({ formats });
  }
  const zxing = await import(new URL("barcode-detector/ponyfill.js", VENDOR).href);
  await zxing.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) =>
        path.endsWith(".wasm") ? new URL(path, VENDOR).href : prefix + path,
    },
    fireImmediately: true,  // fetch and compile now, while the camera starts
  });
  return new zxing.BarcodeDetector({ formats: FORMATS });
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

// A scanner ends each code with Enter, and app.js turns that Enter into "next empty
// scan field" when there is one; the camera follows the same rule.
function enter(input, value) {
  input.value = value;
  const fields = Array.from(input.form.querySelectorAll(".scan input"));
  const next = fields.slice(fields.indexOf(input) + 1).find((field) => !field.value);
  if (next) next.focus();
  else input.form.requestSubmit();
}

export function open(button) {
  const input = document.getElementById(button.dataset.cameraFor);
  if (!input || current) return;
  const label = input.labels && input.labels[0];
  const name = label ? (label.querySelector("span") || label).textContent.trim() : "";

  const overlay = element("div", "camera");
  overlay.setAttribute("role", "dialog");
  overlay.setAttribute("aria-modal", "true");
  if (name) overlay.setAttribute("aria-label", name);
  const video = element("video", "camera__video");
  video.muted = true;
  video.playsInline = true;  // iOS would go full screen with its own controls
  const frame = element("div", "camera__frame");
  frame.setAttribute("aria-hidden", "true");
  const message = element("p", "camera__message");
  message.setAttribute("role", "alert");
  message.hidden = true;
  const close = element("button", "camera__close", button.dataset.cameraClose);
  close.type = "button";
  overlay.append(video, frame, message, close);

  const state = { stream: null, closed: false };
  current = state;

  function stop(returnFocus) {
    if (state.closed) return;
    state.closed = true;
    current = null;
    if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
    document.removeEventListener("keydown", onKey, true);
    overlay.remove();
    if (returnFocus) input.focus();
  }
  function onKey(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      stop(true);
    }
  }
  function fail(error) {
    if (state.closed) return;
    if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
    const refused = ["NotAllowedError", "SecurityError"].includes(error && error.name);
    const text = refused ? button.dataset.cameraDenied : button.dataset.cameraFailed;
    message.textContent = text;
    message.hidden = false;
    frame.hidden = true;
    console.warn("camera:", error);
  }

  close.addEventListener("click", () => stop(true));
  document.addEventListener("keydown", onKey, true);
  document.body.append(overlay);
  close.focus();

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    fail(new Error("no mediaDevices"));
    return;
  }
  const detecting = makeDetector();
  detecting.catch(() => {});  // reported below, once the camera has its answer
  navigator.mediaDevices
    .getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 } },
    })
    .then(async (stream) => {
      state.stream = stream;
      if (state.closed) return stream.getTracks().forEach((track) => track.stop());
      video.srcObject = stream;
      await video.play();
      const detector = await detecting;
      while (!state.closed) {
        const codes = video.readyState >= 2 ? await detector.detect(video) : [];
        if (state.closed) return;
        if (codes.length) {
          stop(false);
          enter(input, codes[0].rawValue);
          return;
        }
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    })
    .catch(fail);
}

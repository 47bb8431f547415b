// "Copy" buttons for secrets shown once: <button data-copy="id-of-field" hidden>.
// Without JavaScript (or a clipboard) the field is still selectable by hand.
(function () {
  "use strict";

  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      copy(field).then(function () {
        button.textContent = button.dataset.copied;
      }, function () {
        field.focus();
      });
    });
  });
})();

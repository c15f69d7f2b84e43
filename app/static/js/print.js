// A print button where JavaScript runs (the page says Ctrl+P where it does not).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

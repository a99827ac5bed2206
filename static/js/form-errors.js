// A form sent back with errors: the page opens at its top, where nothing says the
// step was refused (on a phone the form may be screens below). Bring the first
// error of a form into view and put the cursor in the field it is about.
(function () {
  "use strict";
  var ERRORS = ".is-invalid, .invalid-feedback, .alert-danger";

  function showFirstError() {
    if (window.location.hash) {
      return; // the address asks for a place of its own
    }
    var error = document.querySelector("main form :is(" + ERRORS + ")");
    if (!error) {
      return;
    }
    var details = error.closest("details");
    if (details) {
      details.open = true;
    }
    var form = error.closest("form");
    // At once: the page has just opened, there is nothing to follow.
    (error.closest(".mb-3") || error).scrollIntoView({ block: "center", behavior: "instant" });
    var field = form.querySelector("input.is-invalid, select.is-invalid, textarea.is-invalid");
    if (field) {
      field.focus({ preventScroll: true });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showFirstError);
  } else {
    showFirstError();
  }
})();

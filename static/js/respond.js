// Progressive enhancement for the answering pages; everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }

  // Move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Show an item only when the earlier answer it depends on has the wanted value.
  function valueOf(name) {
    var chosen = form.querySelectorAll('[name="' + name + '"]:checked');
    var values = [];
    for (var i = 0; i < chosen.length; i++) { values.push(chosen[i].value); }
    return values;
  }
  function update() {
    var items = form.querySelectorAll("[data-show-if]");
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var wanted = el.getAttribute("data-show-value");
      var shown = valueOf(el.getAttribute("data-show-if")).indexOf(wanted) !== -1;
      el.hidden = !shown;
      var note = el.querySelector(".condition-note");
      if (note) { note.hidden = true; }
    }
  }
  if (form.querySelector("[data-show-if]")) {
    form.addEventListener("change", update);
    update();
  }

  // A double tap sends the form once; the server also stores a repeat only once.
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sending")) { event.preventDefault(); return; }
    var submitter = event.submitter;
    if (submitter && submitter.name === "nav" && submitter.value === "submit") {
      form.setAttribute("data-sending", "1");
      // Allow a retry if the connection was lost and nothing came back.
      window.setTimeout(function () { form.removeAttribute("data-sending"); }, 5000);
    }
  });
})();

/* Shows a request field only while its condition holds (data-grc-show-if /
   data-grc-show-values, written by grc_core.forms.builder). The server checks
   the conditions again on every submission: this is comfort, not a rule. */
(function () {
  "use strict";
  if (window.grcForms) { return; }  // the macro may include this script twice
  var TRUE_WORDS = ["true", "oui", "yes", "1", "y", "on"];
  var FALSE_WORDS = ["false", "non", "no", "0", "n", "off", ""];

  function fold(text) { return String(text).trim().toLowerCase(); }

  function valuesOf(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.hasAttribute("data-grc-boolean")) {
        values = values.concat(input.checked ? TRUE_WORDS : FALSE_WORDS);   // a yes/no box
      } else if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) { values.push(fold(input.value)); }
      } else if (input.tagName === "SELECT" && input.multiple) {
        Array.prototype.forEach.call(input.selectedOptions, function (o) { values.push(fold(o.value)); });
      } else {
        values.push(fold(input.value));
      }
    });
    return values;
  }

  function wrapperOf(element) { return element.closest(".grc-field") || element; }

  function refresh(form) {
    // Document order: a field's controller comes before it, so one pass settles chains.
    var hidden = {};
    form.querySelectorAll("[data-grc-show-if]").forEach(function (element) {
      var wrapper = wrapperOf(element);
      if (wrapper !== element && wrapper.hasAttribute("data-grc-show-if")) { return; }  // the wrapper decides
      var controller = element.getAttribute("data-grc-show-if");
      var expected = JSON.parse(element.getAttribute("data-grc-show-values") || "[]").map(fold);
      var shown = !hidden[controller] && valuesOf(form, controller).some(function (v) {
        return expected.indexOf(v) !== -1;
      });
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("[name]").forEach(function (input) { hidden[input.name] = !shown; });
    });
  }

  function setUp() {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-grc-show-if]")) { return; }
      form.addEventListener("change", function () { refresh(form); });
      form.addEventListener("input", function () { refresh(form); });
      refresh(form);
    });
  }

  window.grcForms = { refresh: refresh };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());

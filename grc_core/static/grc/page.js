/* Behaviour that templates would otherwise write inline (onclick=, onchange=,
   <script>): the Content-Security-Policy runs no inline script, so pages say
   what they want with data-grc-* attributes and this file does it. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-grc-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest(
      "[data-grc-print], [data-grc-confirm], [data-grc-action], [data-grc-inline-add], [data-grc-no-navigation]") : null;
    if (!target) {
      return;
    }
    if (target.hasAttribute("data-grc-print")) {
      window.print();
    } else if (target.hasAttribute("data-grc-confirm")) {
      if (!window.confirm(target.getAttribute("data-grc-confirm"))) {
        event.preventDefault();
      }
    } else if (target.hasAttribute("data-grc-action")) {
      // Flask-Admin's bulk actions (static/admin/js/actions.js).
      event.preventDefault();
      window.modelActions.execute(target.getAttribute("data-grc-action"));
    } else if (target.hasAttribute("data-grc-inline-add")) {
      // Flask-Admin's inline lists (static/admin/js/form.js).
      event.preventDefault();
      window.faForm.addInlineField(target, target.getAttribute("data-grc-inline-add"));
    } else {
      event.preventDefault();
    }
  });
}());

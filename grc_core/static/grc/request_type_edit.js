/* The request type editor: "Add a field" appends a row from its <template>. */
(function () {
  "use strict";
  var rows = document.getElementById("grc-field-rows");
  var template = document.getElementById("grc-field-row-template");
  var add = document.getElementById("grc-add-field");
  if (!add) {
    return;
  }
  add.addEventListener("click", function () {
    var next = 0;
    rows.querySelectorAll(".grc-field-row").forEach(function (row) {
      next = Math.max(next, parseInt(row.getAttribute("data-index"), 10) + 1);
    });
    rows.insertAdjacentHTML("beforeend", template.innerHTML.split("__index__").join(String(next)));
    rows.lastElementChild.querySelector("input").focus();
  });
}());

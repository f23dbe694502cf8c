/* Citizens page: results as you type (the same search as the form, through
   search.json), shown as links under the box. Without JavaScript the form's
   GET search gives the same results. */
(function () {
  "use strict";
  var box = document.getElementById("citizen-q");
  var list = document.getElementById("citizen-suggestions");
  if (!box || !list || !box.dataset.searchUrl) { return; }
  var timer = null;

  function show(citizens) {
    list.textContent = "";
    citizens.forEach(function (citizen) {
      var item = document.createElement("li");
      item.className = "list-group-item py-1";
      var link = document.createElement("a");
      link.href = citizen.url;
      link.textContent = citizen.label;   // textContent: names are never HTML
      var more = document.createElement("span");
      more.className = "small text-muted ml-2";
      more.textContent = [citizen.birth_date_display, citizen.address, citizen.phone].filter(Boolean).join(" · ");
      item.appendChild(link);
      item.appendChild(more);
      list.appendChild(item);
    });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    var query = box.value.trim();
    if (query.length < 2) { show([]); return; }
    timer = setTimeout(function () {
      fetch(box.dataset.searchUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { show(data.results || []); })
        .catch(function () { /* the form's search still works */ });
    }, 200);
  });
}());

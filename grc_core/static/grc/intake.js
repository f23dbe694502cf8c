/* Quick intake: search citizens as you type (arrows + Enter to pick), and
   reload the page with the chosen channel and type so that the type's form
   appears — sending everything already typed (a new citizen's name, phone…),
   so that nothing is lost. Without JavaScript the page works the same through
   its GET search and its "show the form" button. */
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  var search = document.getElementById("citizen-search");
  var list = document.getElementById("citizen-results");

  function reload() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      // Never the CSRF token in a URL; files cannot travel in one.
      if (name !== "csrf_token" && typeof value === "string" && value) { params.append(name, value); }
    });
    window.location.search = params.toString();
  }
  if (form) {
    form.querySelectorAll("[data-reload]").forEach(function (select) {
      select.addEventListener("change", reload);
    });
    var typed = document.getElementById("type-label");
    if (typed) {
      // A label picked among the suggestions chooses the type at once.
      typed.addEventListener("change", function () {
        var wanted = typed.value.trim().toLowerCase();
        var match = Array.prototype.find.call(document.querySelectorAll("#type-labels option"), function (option) {
          return option.value.toLowerCase() === wanted;
        });
        if (match) {
          form.elements.type.value = match.dataset.typeId;
          typed.value = "";
          reload();
        }
      });
    }
  }
  if (!search || !list || !search.dataset.searchUrl) { return; }

  var active = -1;
  var timer = null;

  function links() { return list.querySelectorAll("a"); }

  function highlight(index) {
    var items = links();
    if (!items.length) { return; }
    active = (index + items.length) % items.length;
    items.forEach(function (a, i) {
      a.parentNode.classList.toggle("active", i === active);
      a.classList.toggle("text-white", i === active);   // readable on the highlighted row
    });
  }

  function show(citizens) {
    list.textContent = "";
    active = -1;
    citizens.forEach(function (citizen) {
      var item = document.createElement("li");
      item.className = "list-group-item py-1";
      var link = document.createElement("a");
      link.href = list.dataset.pickUrl + (list.dataset.pickUrl.indexOf("?") < 0 ? "?" : "&") + "citizen=" + encodeURIComponent(citizen.id);
      link.textContent = citizen.label;   // textContent: names are never HTML
      var more = document.createElement("span");
      more.className = "small text-muted ml-2";
      more.textContent = [citizen.birth_date_display, citizen.address].filter(Boolean).join(" · ");
      item.appendChild(link);
      item.appendChild(more);
      list.appendChild(item);
    });
    if (citizens.length) { highlight(0); }
  }

  search.addEventListener("input", function () {
    clearTimeout(timer);
    var query = search.value.trim();
    if (query.length < 2) { show([]); return; }
    timer = setTimeout(function () {
      fetch(search.dataset.searchUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (data) { show(Array.isArray(data) ? data : (data.results || [])); })
        .catch(function () { /* the GET search still works */ });
    }, 200);
  });

  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { highlight(active + 1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { highlight(active - 1); event.preventDefault(); }
    else if (event.key === "Enter" && active >= 0 && links()[active]) {
      event.preventDefault();
      window.location.href = links()[active].href;
    }
  });
}());

// Provider dashboard: progressive enhancement only. Without this file every page works:
// the skill picker posts the form back to search, and bulk progress has a refresh link.
(function () {
  "use strict";

  // -- Skill picker: search /api/skills as you type; results become checkboxes. ---------
  function initSkillPicker(picker) {
    var input = picker.querySelector("input[type=search]");
    var results = document.getElementById("skill-results");
    var chosen = document.getElementById("chosen-skills");
    if (!input || !results || !chosen) { return; }
    var api = picker.getAttribute("data-api");
    var timer = null;
    var counter = 0;

    function chosenUris() {
      var uris = {};
      var boxes = chosen.querySelectorAll("input[name=skills]");
      for (var i = 0; i < boxes.length; i++) { uris[boxes[i].value] = true; }
      return uris;
    }

    function addChosen(item) {
      var li = document.createElement("li");
      var box = document.createElement("input");
      counter += 1;
      box.type = "checkbox";
      box.name = "skills";
      box.value = item.uri;
      box.checked = true;
      box.id = "picked-" + counter;
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = item.label + " ";
      var small = document.createElement("span");
      small.className = "small muted";
      small.textContent = "(" + item.framework + ")";
      label.appendChild(small);
      li.appendChild(box);
      li.appendChild(label);
      chosen.appendChild(li);
      var none = document.getElementById("no-skills");
      if (none) { none.hidden = true; }
    }

    function show(items, query) {
      results.textContent = "";
      var have = chosenUris();
      items = items.filter(function (item) { return !have[item.uri]; });
      if (!items.length) {
        var p = document.createElement("p");
        p.textContent = "No skill matches \u201c" + query + "\u201d.";
        results.appendChild(p);
        return;
      }
      var intro = document.createElement("p");
      intro.textContent = items.length + " skills found. Choose \u201cAdd\u201d to align one:";
      results.appendChild(intro);
      var list = document.createElement("ul");
      list.className = "checks-inline";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button-secondary button-small-inline";
        button.textContent = "Add";
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = " " + item.label;
        button.appendChild(hidden);
        button.addEventListener("click", function () {
          addChosen(item);
          li.remove();
          input.focus();
        });
        var text = document.createElement("span");
        text.textContent = item.label + " (" + item.framework + ")";
        li.appendChild(button);
        li.appendChild(text);
        list.appendChild(li);
      });
      results.appendChild(list);
    }

    function search() {
      var query = input.value.trim();
      if (query.length < 2) { results.textContent = ""; return; }
      fetch(api + "?limit=10&q=" + encodeURIComponent(query), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (page) { show(page.items || [], query); })
        .catch(function () { /* the Search skills button still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        search();
      }
    });
  }

  // -- Bulk progress: poll the JSON endpoint until the batch is done. -------------------
  function initProgress(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var done = data.issued + data.skipped + data.failed;
          if (bar) { bar.max = Math.max(data.total, 1); bar.value = done; }
          if (text) {
            text.textContent = done + " of " + data.total + " rows done (" + data.issued +
              " issued, " + data.skipped + " skipped, " + data.failed + " failed).";
          }
          if (data.status === "completed") {
            window.location.reload();
          } else {
            setTimeout(poll, 1000);
          }
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 500);
  }

  document.querySelectorAll("[data-skill-picker]").forEach(initSkillPicker);
  document.querySelectorAll("[data-progress-url]").forEach(initProgress);
})();

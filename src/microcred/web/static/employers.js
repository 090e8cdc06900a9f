/* Employer search: suggestions for the skill picker from /api/skills?q= as you type.
   Without JavaScript the form still works ("Find skills" lists matches as checkboxes).
   Keyboard: Down/Up move through the suggestions, Enter adds one, Escape closes. */
(function () {
  "use strict";
  var input = document.getElementById("skill_q");
  var list = document.getElementById("skill-suggestions");
  var chosen = document.getElementById("chosen-list");
  if (!input || !list || !chosen) { return; }
  var timer = null;
  var active = -1;
  var items = [];
  var counter = 0;

  function chosenUris() {
    var uris = [];
    chosen.querySelectorAll("input[name=skill]").forEach(function (box) {
      if (box.checked) { uris.push(box.value); }
    });
    return uris;
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function add(skill) {
    if (chosenUris().indexOf(skill.uri) === -1) {
      counter += 1;
      var li = document.createElement("li");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "skill";
      box.value = skill.uri;
      box.checked = true;
      box.id = "picked-" + counter;
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.className = "inline-label";
      label.textContent = skill.label;
      li.appendChild(box);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(label);
      chosen.appendChild(li);
      var hint = document.getElementById("no-skill-hint");
      if (hint) { hint.hidden = true; }
    }
    input.value = "";
    close();
    input.focus();
  }

  function show(found) {
    list.textContent = "";
    var taken = chosenUris();
    items = found.filter(function (skill) { return taken.indexOf(skill.uri) === -1; });
    if (!items.length) { close(); return; }
    items.forEach(function (skill, i) {
      var option = document.createElement("li");
      option.id = "skill-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = skill.label;
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { add(skill); });
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  function lookup() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    fetch("/api/skills?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (page) { if (input.value.trim() === q) { show(page.items || []); } })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) { return; }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(Math.min(active + 1, items.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      add(items[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () { window.setTimeout(close, 150); });
})();

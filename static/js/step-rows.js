// Add, remove and reorder power-list step rows in place, without a round trip to the server.
// Without this file the same buttons submit the form and the server redraws the rows (powers/step_rows.py);
// rows keep the names the server reads (step-<n>-<part>), renumbered after every change.
(function () {
  "use strict";
  var box = document.getElementById("steps");
  if (!box || !box.querySelector("fieldset.step-row")) return;
  var status = box.querySelector("[data-step-status]");
  var maxRows = parseInt(box.getAttribute("data-max-rows"), 10) || 40;
  var endButton = box.querySelector('button[name="row_action"][value="add"]');
  var NAME = /^step-\d+-/;
  var HASH = /#step-\d+$/;

  function rows() {
    return Array.prototype.slice.call(box.querySelectorAll("fieldset.step-row"));
  }

  function say(key, n) {
    if (status) status.textContent = (box.getAttribute("data-" + key) || "").replace("{n}", n);
  }

  function firstInput(row) {
    return row.querySelector("input[type=text]");
  }

  function renumberText(el, n) {
    // The legend ("Step 3", "第 3 步") and each button's hidden "step 3" carry the row's number.
    el.textContent = el.textContent.replace(/\d+/, String(n));
  }

  function button(row, verb) {
    return row.querySelector('button[name="row_action"][value^="' + verb + '-"]');
  }

  function renumber() {
    var all = rows();
    all.forEach(function (row, i) {
      var prefix = "step-" + i + "-";
      row.id = "step-" + i;
      renumberText(row.querySelector("legend"), i + 1);
      row.querySelectorAll("[name]").forEach(function (el) {
        if (NAME.test(el.name)) el.name = el.name.replace(NAME, prefix);
      });
      row.querySelectorAll("[id]").forEach(function (el) {
        if (NAME.test(el.id)) el.id = el.id.replace(NAME, prefix);
      });
      row.querySelectorAll("label[for]").forEach(function (el) {
        el.htmlFor = el.htmlFor.replace(NAME, prefix);
      });
      row.querySelectorAll('button[name="row_action"]').forEach(function (b) {
        var verb = b.value.split("-")[0];
        var target = verb === "up" ? Math.max(i - 1, 0) : verb === "remove" ? Math.max(i - 1, 0) : i + 1;
        b.value = verb + "-" + i;
        b.setAttribute("formaction", b.getAttribute("formaction").replace(HASH, "#step-" + target));
        var hidden = b.querySelector(".visually-hidden");
        if (hidden) renumberText(hidden, i + 1);
      });
      button(row, "up").hidden = i === 0;
      button(row, "down").hidden = i === all.length - 1;
      row.querySelectorAll("[autofocus]").forEach(function (el) { el.removeAttribute("autofocus"); });
    });
    if (endButton) {
      endButton.setAttribute("formaction", endButton.getAttribute("formaction").replace(HASH, "#step-" + all.length));
    }
  }

  function blank(from) {
    var row = from.cloneNode(true);
    row.querySelectorAll("input").forEach(function (el) {
      if (el.type === "checkbox") el.checked = false;
      else el.value = "";
    });
    row.querySelectorAll("select").forEach(function (el) { el.value = "medium"; });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    return row;
  }

  function add(after) {
    var all = rows();
    if (all.length >= maxRows) return;
    var row = blank(after || all[all.length - 1]);
    var anchor = after ? after.nextSibling : all[all.length - 1].nextSibling;
    box.insertBefore(row, anchor);
    renumber();
    firstInput(row).focus();
    say("added", rows().indexOf(row) + 1);
  }

  function remove(row) {
    var all = rows();
    var index = all.indexOf(row);
    if (all.length === 1) {
      var empty = blank(row);
      box.replaceChild(empty, row);
      renumber();
      firstInput(empty).focus();
    } else {
      row.remove();
      renumber();
      firstInput(rows()[Math.max(index - 1, 0)]).focus();
    }
    say("removed", index + 1);
  }

  function move(row, verb) {
    var other = verb === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!other || !other.matches("fieldset.step-row")) return;
    if (verb === "up") box.insertBefore(row, other);
    else box.insertBefore(other, row);
    renumber();
    // Keep the keyboard on the same button so the row can be moved again; at an end, on the other one.
    var again = button(row, verb);
    (again.hidden ? button(row, verb === "up" ? "down" : "up") : again).focus();
    say("moved", rows().indexOf(row) + 1);
  }

  box.addEventListener("click", function (event) {
    var b = event.target.closest('button[name="row_action"]');
    if (!b || !box.contains(b)) return;
    var verb = b.value.split("-")[0];
    var row = b.closest("fieldset.step-row");
    if (verb === "add") add(row);
    else if (verb === "remove" && row) remove(row);
    else if ((verb === "up" || verb === "down") && row) move(row, verb);
    else return;
    event.preventDefault();
  });
  box.setAttribute("data-js", "on");
})();

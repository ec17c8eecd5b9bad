/*
 * Sortable tables (progressive enhancement): every <th data-sorteer="tekst|getal"> in a
 * <table data-sorteerbaar> gets a button; clicking sorts the body rows and sets aria-sort on the header.
 * Numeric cells sort on their data-waarde attribute (raw number), text cells on their text.
 * Runs on load and again after htmx swaps in new content.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator(document.documentElement.lang || "nl", { numeric: true, sensitivity: "base" });

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) {
      return numeric ? NaN : "";
    }
    if (numeric) {
      var raw = cell.getAttribute("data-waarde");
      return raw === null || raw === "" ? NaN : parseFloat(raw);
    }
    return cell.textContent.trim();
  }

  function sortTable(table, header, index) {
    var numeric = header.getAttribute("data-sorteer") === "getal";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric);
      var y = cellValue(b, index, numeric);
      var result;
      if (numeric) {
        if (isNaN(x) && isNaN(y)) {
          result = 0;
        } else if (isNaN(x)) {
          return 1; // unknown values last in both directions
        } else if (isNaN(y)) {
          return -1;
        } else {
          result = x - y;
        }
      } else {
        result = collator.compare(x, y);
      }
      return ascending ? result : -result;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    Array.prototype.forEach.call(table.querySelectorAll("th[data-sorteer]"), function (th) {
      th.removeAttribute("aria-sort");
      var icon = th.querySelector(".wr-sort-button__icon");
      if (icon) {
        icon.textContent = "";
      }
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    header.querySelector(".wr-sort-button__icon").textContent = ascending ? "▲" : "▼";
  }

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll("table[data-sorteerbaar]"), function (table) {
      if (table.getAttribute("data-sorteer-klaar") === "ja" || !table.tBodies.length) {
        return;
      }
      table.setAttribute("data-sorteer-klaar", "ja");
      var headers = table.tHead ? table.tHead.rows[0].cells : [];
      Array.prototype.forEach.call(headers, function (th, index) {
        if (!th.hasAttribute("data-sorteer")) {
          return;
        }
        var button = document.createElement("button");
        button.type = "button";
        button.className = "utrecht-link-button utrecht-link-button--html-button wr-sort-button";
        while (th.firstChild) {
          button.appendChild(th.firstChild);
        }
        var icon = document.createElement("span");
        icon.className = "wr-sort-button__icon";
        icon.setAttribute("aria-hidden", "true");
        button.appendChild(icon);
        th.appendChild(button);
        button.addEventListener("click", function () {
          sortTable(table, th, index);
        });
      });
    });
  }

  function start() {
    enhance(document);
    document.body.addEventListener("htmx:afterSettle", function () {
      enhance(document); // idempotent: already enhanced tables are skipped
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

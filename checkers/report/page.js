// The HTML report's summary table: filter by verdict (buttons), document and section (selects),
// sort by any column (click its header; again to reverse). Inlined by checkers/report/html.py.
(function () {
  "use strict";
  const table = document.getElementById("summary-table");
  if (!table) return;
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const chips = Array.from(document.querySelectorAll("button[data-filter-verdict]"));
  const docSelect = document.getElementById("filter-document");
  const sectionSelect = document.getElementById("filter-section");
  const shown = document.getElementById("summary-shown");
  const state = { verdict: "", document: "", section: "", sectionDocument: "" };

  // Show the rows that match every filter; say how many.
  function apply() {
    let n = 0;
    for (const row of rows) {
      const d = row.dataset;
      const ok = (!state.verdict || d.verdict === state.verdict) &&
        (!state.document || d.document === state.document) &&
        (!state.section || (d.section === state.section && d.document === state.sectionDocument));
      row.hidden = !ok;
      if (ok) n += 1;
    }
    shown.textContent = n + " of " + rows.length + " claims shown";
  }

  // A verdict button: show only that verdict ("" for all); the pressed button is marked.
  function filterVerdict(event) {
    const button = event.currentTarget;
    state.verdict = button.dataset.filterVerdict;
    for (const chip of chips) chip.setAttribute("aria-pressed", String(chip === button));
    apply();
  }

  for (const chip of chips) chip.addEventListener("click", filterVerdict);
  docSelect.addEventListener("change", function () {
    state.document = docSelect.value;
    apply();
  });
  sectionSelect.addEventListener("change", function () {
    const option = sectionSelect.selectedOptions[0];
    state.section = sectionSelect.value;
    state.sectionDocument = option ? (option.dataset.document || "") : "";
    apply();
  });

  // Sorting: numbers as numbers (data-sort), anything else as text; stable for equal keys.
  function key(row, col) {
    const cell = row.cells[col];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  }

  function compare(a, b) {
    const x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    return a.localeCompare(b);
  }

  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach(function (th, col) {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      for (const other of headers) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const order = rows.map(function (row, i) { return [key(row, col), i, row]; });
      order.sort(function (p, q) {
        const c = compare(p[0], q[0]);
        return (ascending ? c : -c) || p[1] - q[1];
      });
      for (const item of order) tbody.appendChild(item[2]);
    });
  });
  apply();
})();

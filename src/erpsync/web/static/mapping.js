// The mapping page's own script: drag a mapped row to change its rank. The order is
// sent with the form as each row's `rank.<field>`; without script the ▲/▼ buttons do it.
(function () {
  "use strict";

  function renumber(body) {
    let position = 1;
    for (const input of body.querySelectorAll("tr.map-row input.rank")) input.value = position++;
  }

  function draggable(body) {
    let dragged = null;
    body.addEventListener("dragstart", (event) => {
      dragged = event.target.closest("tr.map-row.mapped");
      if (!dragged) return;
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.key);
    });
    body.addEventListener("dragover", (event) => {
      const over = event.target.closest("tr.map-row.mapped");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
    });
    body.addEventListener("drop", (event) => event.preventDefault());
    body.addEventListener("dragend", () => {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
      renumber(body);
      document.getElementById("mapping-form").dataset.reordered = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const body = document.querySelector("#field-rows tbody");
    if (body) draggable(body);
  });
})();

// The import wizard's page: polls the API for progress while a preview or an import
// runs (the bar moves without a reload), sends row selections and ambiguous choices,
// and the commit, cancel and resume buttons. The server decides everything.
(function () {
  const box = document.getElementById("import-job");
  if (!box) return;
  const id = box.dataset.jobId;
  const texts = JSON.parse(box.dataset.texts || "{}");
  const base = "/api/v1/imports/" + id;
  const message = document.getElementById("import-message");
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);

  function show(error) {
    message.textContent = (texts.failed || "") + " " + error.message;
    message.hidden = false;
  }

  async function poll() {
    let job;
    try {
      job = await window.erpsync.api("GET", base);
    } catch (error) {
      show(error);
      return window.setTimeout(poll, 2000);
    }
    if (job.state !== box.dataset.state || job.interrupted) return window.location.reload();
    const bar = document.getElementById("import-progress");
    const label = document.getElementById("import-progress-text");
    const progress = job.progress || {};
    if (bar && progress.total) {
      bar.max = progress.total;
      bar.value = progress.done || 0;
      label.textContent = fill(texts.of, { done: progress.done || 0, total: progress.total });
    } else if (label) {
      label.textContent = fill(texts.read, { done: progress.done || 0 });
    }
    window.setTimeout(poll, 400);
  }

  async function change(row, body) {
    try {
      const job = await window.erpsync.api("PATCH", base + "/rows", { rows: [{ id: Number(row.dataset.rowId), ...body }] });
      document.getElementById("import-selected").textContent = job.counts.selected;
      document.getElementById("import-to-erp-fields").textContent = job.counts.to_erp_fields || 0;
      document.getElementById("import-to-erp-records").textContent = job.counts.to_erp_records || 0;
      message.hidden = true;
    } catch (error) {
      show(error);
    }
  }

  document.addEventListener("change", (event) => {
    const row = event.target.closest("tr[data-row-id]");
    if (!row) return;
    if (event.target.classList.contains("import-select")) change(row, { selected: event.target.checked });
    if (event.target.classList.contains("import-choice")) {
      const value = event.target.value;
      change(row, value === "" ? { selected: false } : { choice: Number(value) });
    }
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    button.disabled = true;
    try {
      await window.erpsync.api("POST", base + "/" + button.dataset.action);
      window.location.reload();
    } catch (error) {
      button.disabled = false;
      show(error);
    }
  });

  const interrupted = box.dataset.interrupted === "true";
  if (!interrupted && ["previewing", "queued", "running"].includes(box.dataset.state)) poll();
})();

// Live progress of sync runs: rows with data-run-id in state queued or running are polled
// through the API once a second; their state and counts update, and the page reloads
// when the run has ended (so health, counts and the log show the outcome).
(function () {
  const going = Array.from(document.querySelectorAll("[data-run-id]")).filter(
    (row) => row.dataset.state === "queued" || row.dataset.state === "running"
  );
  if (!going.length) return;
  const texts = JSON.parse(document.getElementById("sync-run-texts")?.textContent || "{}");
  async function poll() {
    let ended = false;
    for (const row of going) {
      try {
        const response = await fetch(`/api/v1/runs/${row.dataset.runId}`, { credentials: "same-origin" });
        if (!response.ok) continue;
        const run = await response.json();
        const state = row.querySelector(".run-state");
        if (state) state.textContent = texts[run.state] || run.state;
        const counts = row.querySelector(".run-counts");
        if (counts) {
          counts.textContent = Object.entries(run.counts || {})
            .filter(([, value]) => value)
            .map(([key, value]) => `${texts[key] || key} ${value}`)
            .join(", ");
        }
        if (run.state !== "queued" && run.state !== "running") ended = true;
      } catch (error) {
        /* the next poll tries again */
      }
    }
    if (ended) window.location.reload();
    else window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();

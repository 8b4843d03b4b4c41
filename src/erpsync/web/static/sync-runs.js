// Live progress of sync runs: rows with data-run-id in state queued or running are polled
// through the API once a second; their state and counts update (named and ordered as the
// page names them, web/run_counts.py), and the page reloads
// when the run has ended (so health, counts and the log show the outcome).
(function () {
  const going = Array.from(document.querySelectorAll("[data-run-id]")).filter(
    (row) => row.dataset.state === "queued" || row.dataset.state === "running"
  );
  if (!going.length) return;
  const texts = JSON.parse(document.getElementById("sync-run-texts")?.textContent || "{}");
  const states = texts.states || {};
  const names = texts.counts || {};
  const order = Object.keys(names);
  async function poll() {
    let ended = false;
    for (const row of going) {
      try {
        const response = await fetch(`/api/v1/runs/${row.dataset.runId}`, { credentials: "same-origin" });
        if (!response.ok) continue;
        const run = await response.json();
        const state = row.querySelector(".run-state");
        if (state) state.textContent = states[run.state] || run.state;
        const counts = row.querySelector(".run-counts");
        if (counts) {
          const rank = (key) => (key in names ? order.indexOf(key) : order.length);
          counts.textContent = Object.entries(run.counts || {})
            .filter(([, value]) => value)
            .sort(([a], [b]) => rank(a) - rank(b))
            .map(([key, value]) => `${names[key] || key} ${value}`)
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

// erpsync's own small script: sends the CSRF token with fetch() calls made by pages.
(function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  window.erpsync = {
    csrf: meta ? meta.content : "",
    async api(method, path, body) {
      const response = await fetch(path, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": this.csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
      const text = await response.text();
      const data = text ? JSON.parse(text) : null;
      if (!response.ok) {
        const error = new Error((data && data.detail) || response.statusText);
        error.problem = data;
        throw error;
      }
      return data;
    },
  };
})();

// The Sync screen's own script: the "New ERP connection" dialog and the Active checkbox.
// Every rule lives in the API; this only renders fields, calls the API, shows its answers
// and keeps OK disabled until the test of exactly the current values has passed.
(function () {
  "use strict";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key === "text") node.textContent = value;
      else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function json(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // --- the Sync screen: Active checkbox -------------------------------------------------

  // An activation reason as a link to the page that fixes it (patterns from the server).
  function reasonItem(links, connectionId, reason) {
    for (const [pattern, url] of links) {
      const found = new RegExp(pattern).exec(reason);
      if (!found) continue;
      let href = url.replace("{id}", connectionId);
      found.slice(1).forEach((group, index) => { href = href.replace(`{${index + 1}}`, group); });
      return el("li", {}, el("a", { href, text: reason }));
    }
    return el("li", { text: reason });
  }

  function syncScreen(screen) {
    const texts = JSON.parse(screen.dataset.texts);
    const links = JSON.parse(screen.dataset.fixLinks || "[]");
    for (const box of screen.querySelectorAll("input.activate")) {
      box.addEventListener("change", async () => {
        const row = box.closest("tr");
        const reasons = row.querySelector(".sync-reasons");
        const path = `/api/v1/connections/${row.dataset.connectionId}/`;
        const wanted = box.checked;
        reasons.hidden = true;
        reasons.replaceChildren();
        box.disabled = true;
        try {
          await erpsync.api("POST", path + (wanted ? "activate" : "deactivate"));
        } catch (error) {
          const problem = error.problem || {};
          const list = problem.reasons && problem.reasons.length ? problem.reasons : [error.message];
          reasons.append(el("li", { text: wanted ? texts.refused : texts.failed }));
          for (const reason of list) {
            reasons.append(wanted ? reasonItem(links, row.dataset.connectionId, reason) : el("li", { text: reason }));
          }
          reasons.hidden = false;
          box.checked = !wanted;
        } finally {
          box.disabled = false;
        }
      });
    }
  }

  // --- the dialog ---------------------------------------------------------------------------

  function connectionDialog(form) {
    const state = json("dialog-state");
    const texts = json("dialog-texts");
    const editing = state.id !== null;
    const byId = (id) => document.getElementById(id);
    const connector = byId("c-connector");
    const fieldsBox = byId("config-fields");
    const result = byId("test-result");
    const ok = byId("ok-button");
    const scopeLink = byId("scope-link");
    const remoteBox = byId("remote-target");
    const remoteUrl = byId("c-remote-url");
    const remoteSecret = byId("c-remote-secret");
    const isRemote = () => connector.value === "remote";
    let fields = state.fields;
    let grants = state.grants.slice();
    let passed = null; // {key, token} of the last passing test
    const remembered = {}; // values typed per connector, kept across connector changes
    remembered[state.connector] = state.config;

    // Configuration fields, rendered from the connector's Field metadata.
    function input(field, value) {
      const id = "cfg-" + field.key;
      const common = {
        id,
        name: field.key,
        "data-config": field.key,
        required: field.access === "Mandatory",
        readonly: field.access === "ReadOnly",
        "aria-describedby": field.description ? id + "-help" : null,
      };
      const blank = value === null || value === undefined;
      switch (field.type) {
        case "Password": {
          const isSet = editing && value !== null && typeof value === "object" && value.set === true;
          return el("input", { ...common, type: "password", autocomplete: "new-password",
            value: typeof value === "string" ? value : null, placeholder: isSet ? texts.unchanged : null });
        }
        case "Checkbox":
          return el("input", { ...common, type: "checkbox", checked: value === true || value === "true" });
        case "Integer":
          return el("input", { ...common, type: "number", step: "1", value: blank ? null : value });
        case "Decimal":
        case "Double":
          return el("input", { ...common, type: "text", inputmode: "decimal", value: blank ? null : value });
        case "Date":
          return el("input", { ...common, type: "date", value: blank ? null : value });
        case "Datetime":
          return el("input", { ...common, type: "datetime-local", value: blank ? null : value });
        case "List":
          if (Array.isArray(field.options) && field.options.length) {
            const select = el("select", common, el("option", { value: "", text: "" }));
            for (const option of field.options) {
              select.append(el("option", { value: option.key, text: option.name || option.key,
                selected: String(option.key) === String(value) }));
            }
            return select;
          }
          return el("input", { ...common, type: "text", value: blank ? null : value,
            maxlength: field.max_length, placeholder: field.list_name });
        default:
          return el("input", { ...common, type: "text", value: blank ? null : value,
            maxlength: field.max_length });
      }
    }

    function renderFields(values, error) {
      fieldsBox.replaceChildren();
      if (error === texts.remote_first) {
        fieldsBox.append(el("p", { class: "muted", text: error }));
        return;
      }
      if (error) {
        fieldsBox.append(el("p", { class: "error", text: `${texts.load_failed} ${error}` }));
        return;
      }
      const visible = fields.slice().sort((a, b) => a.rank - b.rank);
      if (!visible.length) fieldsBox.append(el("p", { class: "muted", text: texts.no_fields }));
      for (const field of visible) {
        const help = field.description
          ? el("small", { class: "help", id: "cfg-" + field.key + "-help", text: field.description })
          : null;
        if (field.type === "Label") {
          fieldsBox.append(el("div", { class: "dlg-row dlg-label" },
            el("strong", { text: field.display_name }), help));
          continue;
        }
        const value = field.key in values ? values[field.key] : field.default;
        const control = input(field, value);
        const mark = field.access === "Mandatory" ? " *" : "";
        const label = el("label", { for: control.id, text: field.display_name + mark });
        const error_ = el("span", { class: "field-error", "data-error-for": "config." + field.key });
        const row = field.type === "Checkbox"
          ? el("div", { class: "dlg-row" }, el("label", { class: "inline" }, control, " " + field.display_name + mark), help, error_)
          : el("div", { class: "dlg-row" }, label, control, help, error_);
        fieldsBox.append(row);
      }
    }

    function config() {
      const values = {};
      for (const field of fields) {
        const control = fieldsBox.querySelector(`[data-config="${CSS.escape(field.key)}"]`);
        if (!control) continue;
        values[field.key] = control.type === "checkbox" ? control.checked : control.value;
      }
      return values;
    }

    const key = () => JSON.stringify({ connector: connector.value, config: config(),
      remote: isRemote() ? [remoteUrl.value.trim(), remoteSecret.value] : null });

    // The remote target joins a test and a save; a blank secret on an edit is the stored one.
    function remoteTarget(body) {
      if (!isRemote()) return body;
      body.remote_url = remoteUrl.value.trim() || null;
      if (remoteSecret.value) body.remote_secret = remoteSecret.value;
      return body;
    }

    async function loadFields() {
      if (!isRemote()) {
        return erpsync.api("GET", `/api/v1/connectors/${encodeURIComponent(connector.value)}/config-fields`);
      }
      if (!remoteUrl.value.trim() || !(remoteSecret.value || (editing && state.remote_secret_set))) {
        throw new Error(texts.remote_first);
      }
      return erpsync.api("POST", "/sync/connections/remote-fields",
        remoteTarget({ connection_id: editing ? state.id : null }));
    }
    let storedKey = null; // the values as loaded: an edit that keeps them needs no test

    function refresh() {
      const current = key();
      const tested = passed !== null && passed.key === current;
      const unchanged = editing && current === storedKey;
      ok.disabled = !(tested || unchanged);
      if (passed !== null && !tested) {
        showResult(false, texts.stale, "stale");
        passed = null;
      }
    }

    function showResult(good, message, kind) {
      result.className = kind || (good ? "ok-text" : "bad-text");
      result.textContent = message;
    }

    // Errors from the API next to the field they name.
    function clearErrors() {
      for (const node of form.querySelectorAll("[data-error-for]")) node.textContent = "";
      for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
      byId("form-error").hidden = true;
    }

    function showProblem(error) {
      const problem = error.problem || {};
      const found = {};
      for (const item of problem.errors || []) if (item.field) found[item.field] = item.message;
      Object.assign(found, problem.problems || {});
      let unplaced = Object.keys(found).length ? "" : problem.detail || error.message;
      for (const [field, message] of Object.entries(found)) {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
        if (slot) {
          slot.textContent = message;
          const control = slot.parentElement.querySelector("input, select, textarea");
          if (control) control.setAttribute("aria-invalid", "true");
        } else unplaced += (unplaced ? " " : "") + message;
      }
      if (unplaced) {
        byId("form-error").textContent = unplaced;
        byId("form-error").hidden = false;
      }
      return !unplaced; // every message sits next to its field
    }

    async function changeConnector() {
      remembered[fieldsBox.dataset.connector] = config();
      fieldsBox.dataset.connector = connector.value;
      passed = null;
      result.textContent = "";
      clearErrors();
      remoteBox.hidden = !isRemote();
      try {
        fields = await loadFields();
        renderFields(remembered[connector.value] || {}, null);
      } catch (error) {
        fields = [];
        if (error.problem) showProblem(error);
        renderFields({}, error.problem ? null : error.message);
      }
      refresh();
    }

    async function runTest() {
      clearErrors();
      const body = remoteTarget({ connector: connector.value, config: config() });
      if (editing) body.connection_id = state.id;
      const tested = key();
      showResult(true, texts.testing, "muted");
      byId("test-button").disabled = true;
      try {
        const answer = await erpsync.api("POST", "/api/v1/connections/test", body);
        passed = answer.ok ? { key: tested, token: answer.test_token } : null;
        showResult(answer.ok, answer.message);
      } catch (error) {
        passed = null;
        showResult(false, showProblem(error) ? texts.fix : error.message);
      } finally {
        byId("test-button").disabled = false;
      }
      refresh();
    }

    // Scope: the link shows the chosen names and opens the picker.
    const scope = () => form.querySelector("input[name=scope]:checked").value;
    const grantName = (g) => g.user || `${g.group} (${texts.group})`;

    function showScope() {
      scopeLink.textContent = grants.length ? grants.map(grantName).join(", ") : texts.none_selected;
      scopeLink.disabled = scope() !== "grants";
    }

    const picker = byId("scope-picker");
    const pickerLists = byId("picker-lists");

    function pickerRow(kind, name, label) {
      const grant = grants.find((g) => g[kind] === name);
      const chosen = el("input", { type: "checkbox", class: "pick", checked: !!grant });
      const connect = el("input", { type: "checkbox", class: "can-connect",
        checked: grant ? grant.can_connect : true, disabled: !grant });
      const create = el("input", { type: "checkbox", class: "can-create",
        checked: grant ? grant.can_create_in_erp : false, disabled: !grant });
      const update = () => {
        grants = grants.filter((g) => g[kind] !== name);
        connect.disabled = create.disabled = !chosen.checked;
        if (chosen.checked) {
          grants.push({ [kind]: name, can_connect: connect.checked, can_create_in_erp: create.checked });
        }
        showScope();
      };
      for (const box of [chosen, connect, create]) box.addEventListener("change", update);
      return el("li", { "data-kind": kind, "data-name": name },
        el("label", { class: "inline pick-name" }, chosen, " " + label),
        el("label", { class: "inline" }, connect, " " + texts.can_connect),
        el("label", { class: "inline" }, create, " " + texts.can_create));
    }

    async function fillPicker() {
      const q = encodeURIComponent(byId("picker-search").value.trim());
      const [users, groups] = await Promise.all([
        erpsync.api("GET", `/api/v1/users?q=${q}`), erpsync.api("GET", `/api/v1/groups?q=${q}`)]);
      const section = (title, items) => el("section", {}, el("h3", { text: title }),
        items.length ? el("ul", { class: "picker-list" }, ...items) : el("p", { class: "muted", text: texts.nothing_found }));
      pickerLists.replaceChildren(
        section(texts.groups, groups.map((g) => pickerRow("group", g.name, g.name))),
        section(texts.users, users.map((u) => pickerRow("user", u.login,
          u.name && u.name !== u.login ? `${u.name} (${u.login})` : u.login))));
    }

    scopeLink.addEventListener("click", async () => {
      await fillPicker();
      picker.showModal();
    });
    byId("picker-search").addEventListener("input", fillPicker);
    byId("picker-done").addEventListener("click", () => picker.close());
    for (const radio of form.querySelectorAll("input[name=scope]")) radio.addEventListener("change", showScope);

    async function save(event) {
      event.preventDefault();
      if (ok.disabled) return;
      clearErrors();
      const body = {
        name: byId("c-name").value,
        description: byId("c-description").value,
        scope: scope(),
        grants: scope() === "grants" ? grants : [],
        priority: Number(byId("c-priority").value),
      };
      if (!editing || key() !== storedKey) {
        body.connector = connector.value;
        body.config = config();
        remoteTarget(body);
        if (passed) body.test_token = passed.token;
      }
      ok.disabled = true;
      const before = ok.textContent;
      ok.textContent = texts.saving;
      try {
        const saved = editing
          ? await erpsync.api("PATCH", `/api/v1/connections/${state.id}`, body)
          : await erpsync.api("POST", "/api/v1/connections", body);
        window.location.assign(`/sync/connections/${saved.id}/saved`);
      } catch (error) {
        showProblem(error);
        ok.textContent = before;
        refresh();
      }
    }

    fieldsBox.dataset.connector = state.connector;
    renderFields(state.config, state.fields_error);
    if (isRemote() && !fields.length && !state.fields_error) renderFields({}, texts.remote_first);
    for (const input of [remoteUrl, remoteSecret]) {
      input.addEventListener("input", refresh);
      input.addEventListener("change", async () => {
        if (!isRemote()) return;
        remembered[connector.value] = config();
        await changeConnector();
      });
    }
    fieldsBox.addEventListener("input", refresh);
    fieldsBox.addEventListener("change", refresh);
    connector.addEventListener("change", changeConnector);
    byId("test-button").addEventListener("click", runTest);
    form.addEventListener("submit", save);
    showScope();
    storedKey = key();
    refresh();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const screen = document.getElementById("sync-screen");
    if (screen) syncScreen(screen);
    const form = document.getElementById("connection-form");
    if (form) connectionDialog(form);
  });
})();

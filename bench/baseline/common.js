// What the two baseline pages share: the connection web-bench leaves in sessionStorage, the
// paged loading Roster does (pages of 1000, the first alone and the rest four at a time), and a
// table of 100 rows per page with search, sort by header click, a pager and the view in the URL,
// written the way a careful hand would write it with no framework.
"use strict";

const PAGE_SIZE = 1000;
const PAGES_IN_FLIGHT = 4;
const ROWS = 100;

const connection = JSON.parse(sessionStorage.getItem("roster.connection") || "null");
const $ = (css) => document.querySelector(css);

function authorization(credentials) {
  if (credentials.NamedToken) return `Bearer O:${credentials.NamedToken.trim()}`;
  const { user, password } = credentials.Basic;
  return `Basic ${btoa(`${user.trim()}:${password}`)}`;
}

async function fetchAll(path) {
  const get = async (skip) => {
    const response = await fetch(`${connection.base_url}${path}?limit=${PAGE_SIZE}&skip=${skip}`, {
      headers: { Authorization: authorization(connection.credentials) },
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  };
  const first = await get(0);
  const objects = first.objects;
  const step = objects.length;
  const skips = [];
  for (let skip = step; step > 0 && skip < first.total; skip += step) skips.push(skip);
  for (let i = 0; i < skips.length; i += PAGES_IN_FLIGHT) {
    const pages = await Promise.all(skips.slice(i, i + PAGES_IN_FLIGHT).map(get));
    for (const page of pages) objects.push(...page.objects);
  }
  return objects;
}

/// Users with their display names joined in, as Roster's users and sessions pages load them.
async function loadUsers() {
  const [users, objects] = await Promise.all([fetchAll("/users"), fetchAll("/objects/user.json")]);
  const names = new Map(objects.map((o) => [o.id, o.display]));
  return users.map((raw) => {
    const display = names.get(raw.id);
    return { raw, display, label: display && display.trim() ? display : raw.id };
  });
}

function time(text) {
  const at = text ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? null : at;
}

function relative(then, now) {
  if (then === null) return "never";
  const seconds = Math.round((now - then) / 1000);
  const abs = Math.abs(seconds);
  const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const unit = units.find(([, size]) => abs >= size);
  if (!unit) return "just now";
  const amount = Math.floor(abs / unit[1]);
  const text = `${amount} ${unit[0]}${amount === 1 ? "" : "s"}`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function timeCell(at, now) {
  const td = cell(relative(at, now));
  td.title = at === null ? "No value reported" : new Date(at).toString();
  return td;
}

function selectCell(label) {
  const select = document.createElement("td");
  select.className = "select";
  select.innerHTML = '<input type="checkbox" class="select-row">';
  select.firstChild.setAttribute("aria-label", `Select ${label}`);
  return select;
}

function userLink(id, label) {
  const td = document.createElement("td");
  td.title = label;
  const link = document.createElement("a");
  link.href = `/users/${encodeURIComponent(id)}`;
  link.textContent = label;
  td.append(link);
  return td;
}

// Never connected (null) sorts as the oldest.
const byTime = (key) => (a, b) => (a[key] ?? -Infinity) - (b[key] ?? -Infinity);
const byText = (key) => (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0);

/// Runs a table over `rows`: `matches(row, needle)` for the search, `compare[key]` per sortable
/// header, `row(item, now)` builds a <tr>, `noun` words the caption.
function startTable({ rows, matches, compare, sort, row, noun, search }) {
  const state = { rows, shown: [], search: "", sort, descending: false, page: 0 };

  function render() {
    const total = state.rows.length;
    const n = state.shown.length;
    // Numbers as the console says them in English (Intl: "2,000").
    const fmt = (x) => x.toLocaleString("en");
    $("caption").textContent =
      n === total ? `${fmt(total)} ${noun}` : `${fmt(n)} of ${fmt(total)} ${noun}`;
    const start = Math.min(state.page * ROWS, n);
    const end = Math.min(start + ROWS, n);
    const now = Date.now();
    $("tbody").replaceChildren(...state.shown.slice(start, end).map((r) => row(r, now)));
    for (const th of document.querySelectorAll("thead th[aria-sort]")) {
      const sorted = th.querySelector("button").dataset.sort === state.sort;
      th.setAttribute("aria-sort", sorted ? (state.descending ? "descending" : "ascending") : "none");
    }
    $(".pager").hidden = n <= ROWS;
    $(".page-position").textContent = `Rows ${start + 1}–${end} of ${n}`;
    $(".prev-page").disabled = start === 0;
    $(".next-page").disabled = end >= n;
  }

  function applyView() {
    const needle = state.search.trim().toLowerCase();
    const matching = needle ? state.rows.filter((r) => matches(r, needle)) : state.rows.slice();
    const order = compare[state.sort];
    state.shown = matching.sort(state.descending ? (a, b) => order(b, a) : order);
    state.page = 0;
    render();
  }

  function keepInUrl() {
    const query = new URLSearchParams();
    if (state.search) query.set("q", state.search);
    query.set("sort", state.sort);
    if (state.descending) query.set("dir", "desc");
    history.replaceState(null, "", `?${query}`);
  }

  $("#status").remove();
  $(".filters").hidden = false;
  $(".table-wrap").hidden = false;
  $(search).addEventListener("input", (ev) => {
    state.search = ev.target.value;
    keepInUrl();
    applyView();
  });
  $("thead").addEventListener("click", (ev) => {
    const button = ev.target.closest("button.sort");
    if (!button) return;
    const key = button.dataset.sort;
    state.descending = key === state.sort ? !state.descending : false;
    state.sort = key;
    keepInUrl();
    applyView();
  });
  $(".prev-page").addEventListener("click", () => {
    state.page -= 1;
    render();
  });
  $(".next-page").addEventListener("click", () => {
    state.page += 1;
    render();
  });
  applyView();
}

/// Loads users, makes the page's rows of them and starts its table.
async function run(rowsOf, table) {
  if (!connection) {
    $("#status").textContent = "No connection in sessionStorage (web-bench puts one there).";
    return;
  }
  let rows;
  try {
    rows = rowsOf(await loadUsers());
    performance.mark("users-loaded");
  } catch (err) {
    $("#status").textContent = `Could not load users: ${err.message}`;
    return;
  }
  startTable({ rows, ...table });
}

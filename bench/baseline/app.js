// The baseline users table: the same requests as Roster (pages of 1000, the first alone and the
// rest four at a time, users and display names side by side), the same join, search, sort and
// pages of 100 rows, written the way a careful hand would write it with no framework.
"use strict";

const PAGE_SIZE = 1000;
const PAGES_IN_FLIGHT = 4;
const ROWS = 100;

const connection = JSON.parse(sessionStorage.getItem("roster.connection") || "null");
const $ = (css) => document.querySelector(css);
const state = { users: [], shown: [], search: "", sort: "name", descending: false, page: 0 };

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

function toUser(raw, names) {
  const sessions = raw.sessions || [];
  const display = names.get(raw.id);
  const label = display && display.trim() ? display : raw.id;
  const platforms = [...new Set(sessions.map((s) => s.platform).filter(Boolean))].sort();
  const enrolled = raw.enrolled ?? sessions.some((s) => s.state === "ENROLLED");
  const status = raw.locked ? "Locked" : enrolled ? "Enrolled" : "Not enrolled";
  const last = raw.last_connected_at ? Date.parse(raw.last_connected_at) : NaN;
  return {
    id: raw.id,
    label,
    display: display ? display.toLowerCase() : null,
    folded: { id: raw.id.toLowerCase(), label: label.toLowerCase() },
    status,
    sessions: sessions.length,
    platforms: platforms.join(", "),
    lastConnected: Number.isNaN(last) ? null : last,
  };
}

const STATUS_ORDER = { Enrolled: 0, "Not enrolled": 1, Locked: 2 };
const compare = {
  name: (a, b) => (a.folded.label < b.folded.label ? -1 : a.folded.label > b.folded.label ? 1 : 0),
  id: (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status],
  sessions: (a, b) => a.sessions - b.sessions,
  platforms: (a, b) => (a.platforms < b.platforms ? -1 : a.platforms > b.platforms ? 1 : 0),
  // Never connected sorts as the oldest.
  last_connected: (a, b) => (a.lastConnected ?? -Infinity) - (b.lastConnected ?? -Infinity),
};

function applyView() {
  const needle = state.search.trim().toLowerCase();
  const matching = needle
    ? state.users.filter((u) => u.folded.id.includes(needle) || (u.display !== null && u.display.includes(needle)))
    : state.users.slice();
  const order = compare[state.sort];
  state.shown = matching.sort(state.descending ? (a, b) => order(b, a) : order);
  state.page = 0;
  render();
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

function row(user, now) {
  const tr = document.createElement("tr");
  const select = document.createElement("td");
  select.className = "select";
  select.innerHTML = '<input type="checkbox" class="select-row">';
  select.firstChild.setAttribute("aria-label", `Select ${user.label}`);
  const name = document.createElement("td");
  const link = document.createElement("a");
  link.href = `/users/${encodeURIComponent(user.id)}`;
  link.textContent = user.label;
  name.append(link);
  const status = document.createElement("td");
  const badge = document.createElement("span");
  badge.className = `badge ${user.status.toLowerCase().replace(" ", "-")}`;
  badge.textContent = user.status;
  status.append(badge);
  const last = cell(relative(user.lastConnected, now));
  last.title = user.lastConnected === null ? "No value reported" : new Date(user.lastConnected).toString();
  tr.append(select, name, cell(user.id, "mono"), status, cell(String(user.sessions), "num"), cell(user.platforms), last);
  return tr;
}

function render() {
  const total = state.users.length;
  const n = state.shown.length;
  $("caption").textContent = n === total ? `${total} users` : `${n} of ${total} users`;
  const start = Math.min(state.page * ROWS, n);
  const end = Math.min(start + ROWS, n);
  const now = Date.now();
  $("tbody").replaceChildren(...state.shown.slice(start, end).map((u) => row(u, now)));
  for (const th of document.querySelectorAll("thead th[aria-sort]")) {
    const sorted = th.querySelector("button").dataset.sort === state.sort;
    th.setAttribute("aria-sort", sorted ? (state.descending ? "descending" : "ascending") : "none");
  }
  $(".pager").hidden = n <= ROWS;
  $(".page-position").textContent = `Rows ${start + 1}–${end} of ${n}`;
  $(".prev-page").disabled = start === 0;
  $(".next-page").disabled = end >= n;
}

function keepInUrl() {
  const query = new URLSearchParams();
  if (state.search) query.set("q", state.search);
  query.set("sort", state.sort);
  if (state.descending) query.set("dir", "desc");
  history.replaceState(null, "", `?${query}`);
}

async function main() {
  if (!connection) {
    $("#status").textContent = "No connection in sessionStorage (web-bench puts one there).";
    return;
  }
  try {
    const [users, objects] = await Promise.all([fetchAll("/users"), fetchAll("/objects/user.json")]);
    const names = new Map(objects.map((o) => [o.id, o.display]));
    state.users = users.map((raw) => toUser(raw, names));
    performance.mark("users-loaded");
  } catch (err) {
    $("#status").textContent = `Could not load users: ${err.message}`;
    return;
  }
  $("#status").remove();
  $(".filters").hidden = false;
  $(".table-wrap").hidden = false;
  $("#user-search").addEventListener("input", (ev) => {
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

main();

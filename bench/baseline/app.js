// The baseline users table (common.js does the loading and the table): the same join, search,
// sort and rows as Roster's users page.
"use strict";

function toUser({ raw, display, label }) {
  const sessions = raw.sessions || [];
  const platforms = [...new Set(sessions.map((s) => s.platform).filter(Boolean))].sort();
  const enrolled = raw.enrolled ?? sessions.some((s) => s.state === "ENROLLED");
  const status = raw.locked ? "Locked" : enrolled ? "Enrolled" : "Not enrolled";
  return {
    id: raw.id,
    label,
    display: display ? display.toLowerCase() : null,
    folded: { id: raw.id.toLowerCase(), label: label.toLowerCase() },
    status,
    sessions: sessions.length,
    platforms: platforms.join(", "),
    lastConnected: time(raw.last_connected_at),
  };
}

const STATUS_ORDER = { Enrolled: 0, "Not enrolled": 1, Locked: 2 };

function row(user, now) {
  const tr = document.createElement("tr");
  const status = document.createElement("td");
  const badge = document.createElement("span");
  badge.className = `badge ${user.status.toLowerCase().replace(" ", "-")}`;
  badge.textContent = user.status;
  status.append(badge);
  tr.append(
    selectCell(user.label),
    userLink(user.id, user.label),
    cell(user.id, "mono"),
    status,
    cell(String(user.sessions), "num"),
    cell(user.platforms),
    timeCell(user.lastConnected, now),
  );
  return tr;
}

run((users) => users.map(toUser), {
  noun: "users",
  search: "#user-search",
  sort: "name",
  matches: (u, needle) => u.folded.id.includes(needle) || (u.display !== null && u.display.includes(needle)),
  compare: {
    name: (a, b) => byText("label")(a.folded, b.folded),
    id: byText("id"),
    status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status],
    sessions: (a, b) => a.sessions - b.sessions,
    platforms: byText("platforms"),
    last_connected: byTime("lastConnected"),
  },
  row,
});

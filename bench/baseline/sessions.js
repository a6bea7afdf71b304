// The baseline sessions table (common.js does the loading and the table): every session of
// every user, with the same search, sort, rows and action buttons as Roster's sessions page.
"use strict";

const STATES = { ENROLLED: "Enrolled", LOCKED: "Locked", RESET: "Reset (wipe pending)", NEVER_ENROLLED: "Never enrolled" };
// Roster's order of states: the known ones first, then sessions with none, then any other.
const STATE_ORDER = { ENROLLED: 0, LOCKED: 1, RESET: 2, NEVER_ENROLLED: 3, ACTIVE: 4, "": 5 };

function toSessions({ raw, display, label }) {
  return (raw.sessions || []).map((s) => {
    const state = s.state || "";
    return {
      id: s.id,
      userId: raw.id,
      user: label,
      device: s.label || null,
      state,
      platform: (s.container && s.container.platform) || null,
      deviceId: (s.device && s.device.id) || "",
      lastConnected: time(s.last_connected_at),
      lastAuthenticated: time(s.last_authenticated_at),
      folded: {
        user: label.toLowerCase(),
        texts: [raw.id, display, s.label, s.device && s.device.id].filter(Boolean).map((t) => t.toLowerCase()),
      },
    };
  });
}

// A missing value sorts first, as before any text.
const byOptionalText = (key) => (a, b) =>
  a[key] === b[key] ? 0 : a[key] === null ? -1 : b[key] === null ? 1 : a[key] < b[key] ? -1 : 1;
const stateRank = (s) => STATE_ORDER[s.state] ?? 6;

function known(text) {
  if (!text) return cell("unknown", "unknown");
  const td = cell(text);
  td.title = text;
  return td;
}

function button(className, words, disabled) {
  const b = document.createElement("button");
  b.className = className;
  b.textContent = words;
  b.disabled = disabled;
  return b;
}

function row(session, now) {
  const tr = document.createElement("tr");
  tr.dataset.session = session.id;
  const state = cell(STATES[session.state] ?? (session.state || "Unknown"), "state");
  state.title = state.textContent;
  const actions = document.createElement("td");
  const buttons = document.createElement("div");
  buttons.className = "row-actions";
  const signedIn = !["LOCKED", "RESET", "NEVER_ENROLLED"].includes(session.state);
  buttons.append(
    button("reauthenticate", "Re-authenticate…", !signedIn),
    button("danger wipe", "Wipe…", session.state === "RESET"),
  );
  actions.append(buttons);
  const deviceId = cell(session.deviceId, "mono");
  deviceId.title = session.deviceId;
  tr.append(
    selectCell(`${session.device || "unnamed device"} of ${session.user}`),
    userLink(session.userId, session.user),
    known(session.device),
    state,
    actions,
    known(session.platform),
    timeCell(session.lastConnected, now),
    timeCell(session.lastAuthenticated, now),
    deviceId,
  );
  return tr;
}

run((users) => users.flatMap(toSessions), {
  noun: "sessions",
  search: "#session-search",
  sort: "user",
  matches: (s, needle) => s.folded.texts.some((t) => t.includes(needle)),
  compare: {
    user: (a, b) => byText("user")(a.folded, b.folded),
    device: byOptionalText("device"),
    state: (a, b) => stateRank(a) - stateRank(b),
    platform: byOptionalText("platform"),
    last_connected: byTime("lastConnected"),
    last_authenticated: byTime("lastAuthenticated"),
    device_id: byText("deviceId"),
  },
  row,
});

// The chat page: talks to POST /api/messages with deliveryMode "expectReplies" (replies come back in the response).
// A request that fails keeps what the resident typed or tapped and offers to send it again.
"use strict";

const scroller = document.getElementById("scroller");
const log = document.getElementById("log");
const choices = document.getElementById("choices");
const picker = document.getElementById("questionnaire");
const locale = document.getElementById("locale");
const input = document.getElementById("text");
const errorBox = document.getElementById("error");
const errorText = document.getElementById("error-text");
// A staff preview link (/#preview=TOKEN; the fragment never reaches a server log) runs that questionnaire version in a
// conversation of its own, never the resident conversation this browser may have.
const previewToken = new URLSearchParams(location.hash.slice(1)).get("preview");
const previewBanner = document.getElementById("preview-banner");
const conversationId = previewToken ? crypto.randomUUID() : (localStorage.getItem("chatsupport.conversation") || crypto.randomUUID());
if (!previewToken) localStorage.setItem("chatsupport.conversation", conversationId);

// The engine's own buttons beside a question's options (PromptTexts): "done" ends a multiple choice.
const DONE = new Set(["回答終了", "Done"]);
const EXTRAS = new Set(["スキップ", "Skip", "前回と同じ", "Same as last time"]);

let busy = false;
let retry = null;          // () => Promise: sends the failed request again
let question = null;       // the current buttons: { values, multiple, selected: Set }

const lang = () => (locale.value.startsWith("en") ? "en" : "ja");

function bubble(text, who) {
  const b = document.createElement("div");
  b.className = "bubble " + who;
  if (who.startsWith("bot")) b.lang = lang();
  b.textContent = text;
  log.appendChild(b);
  return b;
}

/** Keeps the newest messages in view; a long reply is shown from its start, not its end. */
function reveal(first) {
  if (first && scroller.scrollHeight - first.offsetTop > scroller.clientHeight) scroller.scrollTop = first.offsetTop - 8;
  else scroller.scrollTop = scroller.scrollHeight;
}

function showError(status) {
  const what = status === 0
    ? ["通信できませんでした。インターネットにつながっているか確かめてください。", "We could not connect. Please check that you are online."]
    : status === 429
      ? ["ただいま混み合っています。少し待ってください。", "We are busy right now. Please wait a moment."]
      : ["サーバーで問題が起きたため、送れませんでした。", "Something went wrong on our side, so this was not sent."];
  errorText.replaceChildren(
    Object.assign(document.createElement("span"), { className: "ja", textContent: what[0] + "入力した内容は消えていません。「もう一度送る」を押してください。" }),
    Object.assign(document.createElement("span"), { lang: "en", textContent: what[1] + " Nothing you entered is lost. Tap “Try again”." }),
    Object.assign(document.createElement("span"), { className: "code", textContent: status ? `（エラー ${status} / error ${status}）` : "" }));
  errorBox.hidden = false;
  reveal();
}

function clearError() {
  errorBox.hidden = true;
  retry = null;
}

function setBusy(on) {
  busy = on;
  for (const b of document.querySelectorAll("#choices button, #form button, #start")) b.disabled = on;
}

/** Posts one activity; on success shows the replies and returns true, on failure shows what to do and returns false. */
async function post(activity) {
  const typing = bubble("…", "bot typing");
  typing.setAttribute("aria-label", "返信を待っています / Waiting for the reply");
  reveal();
  setBusy(true);
  try {
    let response;
    try {
      response = await fetch("api/messages", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(activity) });
    } catch {
      response = { ok: false, status: 0 };
    }
    if (!response.ok) { showError(response.status); return false; }
    const { activities } = await response.json();
    clearError();
    typing.remove();
    let first = null, last = null;
    for (const a of activities || []) {
      if (a.channelData && a.channelData.preview) showPreview(a.channelData.preview);
      if (a.text) { const b = bubble(a.text, "bot"); first = first || b; }
      last = a;
    }
    showChoices(last && last.suggestedActions ? last.suggestedActions.actions : [], activity.text);
    reveal(first);
    return true;
  } finally {
    typing.remove();
    setBusy(false);
  }
}

function activity(fields) {
  return {
    channelId: "webchat", deliveryMode: "expectReplies", locale: locale.value, timestamp: new Date().toISOString(),
    from: { id: "web-" + conversationId, role: "user" }, recipient: { id: "chatsupport", role: "bot" },
    conversation: { id: conversationId }, id: crypto.randomUUID(), ...fields,
  };
}

/** Sends an answer; the resident's bubble says "not sent" until it is, and a typed answer goes back into the box. */
async function say(value, shown, typed) {
  const mine = bubble(shown || value, "me");
  const message = activity({ type: "message", text: value });
  const attempt = async () => {
    if (await post(message)) {
      mine.classList.remove("failed");
      mine.querySelector(".status")?.remove();
      if (typed && input.value === typed) input.value = "";
      return;
    }
    if (!mine.classList.contains("failed")) {
      mine.classList.add("failed");
      mine.appendChild(Object.assign(document.createElement("span"), { className: "status", textContent: "未送信 / Not sent" }));
    }
    if (typed && !input.value) input.value = typed;
    for (const b of choices.querySelectorAll(".chosen")) b.classList.remove("chosen");
    retry = attempt;
  };
  await attempt();
}

/**
 * The current question's buttons. In a multiple choice (it has a "done" button) every option is a toggle: the
 * server keeps the selection, and the page marks what it holds. A tap that the server answered with the same
 * options toggled that option; any other reply is a new question.
 */
function showChoices(actions, sentValue) {
  const values = actions.map(a => (typeof a.value === "string" ? a.value : a.title));
  const multiple = values.some(v => DONE.has(v));
  const same = question && question.multiple && multiple && question.values.join("\n") === values.join("\n");
  const selected = same ? question.selected : new Set();
  if (same && sentValue !== undefined && values.includes(sentValue) && !DONE.has(sentValue) && !EXTRAS.has(sentValue)) {
    if (selected.has(sentValue)) selected.delete(sentValue); else selected.add(sentValue);
  }
  question = { values, multiple, selected };

  choices.replaceChildren();
  actions.forEach((action, i) => {
    const value = values[i];
    const b = document.createElement("button");
    b.type = "button";
    b.lang = lang();
    b.textContent = action.title;
    if (multiple && !DONE.has(value) && !EXTRAS.has(value)) {
      b.setAttribute("aria-pressed", String(selected.has(value)));
      const box = document.createElement("span");
      box.className = "box";
      box.setAttribute("aria-hidden", "true");
      b.prepend(box);
    }
    if (DONE.has(value)) b.className = "done";
    b.onclick = () => {
      if (busy) return;
      if (!multiple) b.classList.add("chosen");
      say(value, action.title);
    };
    choices.appendChild(b);
  });
  if (multiple) {
    const note = document.createElement("p");
    note.className = "selection";
    note.lang = lang();
    const chosen = actions.filter((_, i) => selected.has(values[i])).map(a => a.title);
    note.textContent = lang() === "en"
      ? (chosen.length ? `Chosen: ${chosen.join(", ")}` : "Nothing chosen yet.")
      : (chosen.length ? `選んだもの：${chosen.join("、")}` : "まだ何も選んでいません。");
    choices.prepend(note);
  }
}

document.getElementById("form").onsubmit = (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text || busy) return;
  say(text, text, input.value);
};

document.getElementById("retry").onclick = () => {
  if (busy) return;
  if (retry) retry();
};

document.getElementById("setup").onsubmit = (e) => {
  e.preventDefault();
  if (busy || !picker.value) return;
  log.replaceChildren();
  choices.replaceChildren();
  question = null;
  const start = activity({ type: "message", value: { questionnaire: picker.value } });
  const attempt = async () => { if (!(await post(start))) retry = attempt; };
  attempt();
};

/** The banner of a preview conversation: which version, that residents never get it, until when. */
function showPreview(p) {
  const until = new Date(p.expiresAt);
  previewBanner.replaceChildren(
    Object.assign(document.createElement("strong"), { textContent: `プレビュー：${p.questionnaire} 第${p.version}版（住民には届きません）` }),
    Object.assign(document.createElement("span"), { lang: "en", textContent: `Preview: ${p.questionnaire} version ${p.version} (never reaches residents)` }),
    Object.assign(document.createElement("span"), { className: "until", textContent: `有効期限 / Valid until ${until.toLocaleString(lang() === "en" ? "en-GB" : "ja-JP")}` }));
  previewBanner.hidden = false;
}

/** Opens the preview the link names; the server says clearly if it has expired or is not valid (nothing else starts). */
function startPreview() {
  document.getElementById("setup").hidden = true;
  log.replaceChildren();
  const start = activity({ type: "message", value: { preview: previewToken } });
  const attempt = async () => { if (!(await post(start))) retry = attempt; };
  attempt();
}

let questionnaires = [];

/** A questionnaire's title in the page's language (the picker is narrow on a phone); both in the hint below it. */
function title(q, language) {
  return q.title[language] || q.title.ja || q.title.en || q.id;
}

function showTitles() {
  for (const option of picker.querySelectorAll("option")) {
    const q = questionnaires.find(x => x.id === option.value);
    if (q) { option.textContent = title(q, lang()); option.lang = q.title[lang()] ? lang() : "ja"; }
  }
  const hint = log.querySelector(".hint");
  const chosen = questionnaires.find(q => q.id === picker.value);
  if (!hint || !chosen) return;
  hint.replaceChildren(
    "「", Object.assign(document.createElement("strong"), { textContent: title(chosen, "ja") }), "」を始めるには「はじめる」を押してください。",
    Object.assign(document.createElement("span"), { lang: "en", textContent: `To start “${title(chosen, "en")}”, tap “Start”.` }));
}

picker.onchange = showTitles;
locale.onchange = showTitles;

/** The questionnaires: the configured default first and chosen; follow-ups (sent by the service) in a group of their own. */
async function loadQuestionnaires() {
  let list;
  try {
    const response = await fetch("api/questionnaires");
    if (!response.ok) { showError(response.status); retry = loadQuestionnaires; return; }
    list = await response.json();
  } catch {
    showError(0);
    retry = loadQuestionnaires;
    return;
  }
  clearError();
  questionnaires = list;
  picker.replaceChildren();
  const followUps = document.createElement("optgroup");
  followUps.label = "フォローアップ（通常はこちらからお送りします） / Follow-ups (we normally send these)";
  for (const q of list) {
    const option = document.createElement("option");
    option.value = q.id;
    (q.isFollowUp ? followUps : picker).appendChild(option);
  }
  if (followUps.children.length) picker.appendChild(followUps);
  const preferred = list.find(q => q.isDefault) || list.find(q => !q.isFollowUp);
  if (preferred) picker.value = preferred.id;
  // ?questionnaire=covid19-selfcheck&lang=en starts that questionnaire at once (a link staff can share).
  const params = new URLSearchParams(location.search);
  if (params.get("lang") === "en") locale.value = "en-US";
  if (params.get("questionnaire")) picker.value = params.get("questionnaire");
  showTitles();
  if (params.get("questionnaire")) document.getElementById("start").click();
}

if (previewToken) startPreview(); else loadQuestionnaires();

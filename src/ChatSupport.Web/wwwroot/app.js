// The chat page: talks to POST /api/messages with deliveryMode "expectReplies" (replies come back in the response).
const log = document.getElementById("log");
const buttons = document.getElementById("buttons");
const picker = document.getElementById("questionnaire");
const locale = document.getElementById("locale");
const conversationId = localStorage.getItem("chatsupport.conversation") || crypto.randomUUID();
localStorage.setItem("chatsupport.conversation", conversationId);

function show(text, who) {
  const bubble = document.createElement("div");
  bubble.className = "bubble " + who;
  bubble.textContent = text;
  log.appendChild(bubble);
  log.scrollTop = log.scrollHeight;
}

function showButtons(actions) {
  buttons.replaceChildren();
  for (const action of actions || []) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = action.title;
    b.onclick = () => say(typeof action.value === "string" ? action.value : action.title, action.title);
    buttons.appendChild(b);
  }
}

async function send(activity) {
  const body = {
    channelId: "webchat", deliveryMode: "expectReplies", locale: locale.value, timestamp: new Date().toISOString(),
    from: { id: "web-" + conversationId, role: "user" }, recipient: { id: "chatsupport", role: "bot" },
    conversation: { id: conversationId }, id: crypto.randomUUID(), ...activity,
  };
  const response = await fetch("api/messages", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) { show("エラー / Error " + response.status, "bot"); return; }
  const { activities } = await response.json();
  let last;
  for (const a of activities) { if (a.text) show(a.text, "bot"); last = a; }
  showButtons(last && last.suggestedActions ? last.suggestedActions.actions : []);
}

function say(value, shown) {
  show(shown || value, "me");
  return send({ type: "message", text: value });
}

document.getElementById("form").onsubmit = (e) => {
  e.preventDefault();
  const input = document.getElementById("text");
  if (input.value.trim()) say(input.value.trim());
  input.value = "";
};

document.getElementById("start").onclick = () => {
  log.replaceChildren();
  send({ type: "message", value: { questionnaire: picker.value } });
};

fetch("api/questionnaires").then(r => r.json()).then(list => {
  for (const q of list) {
    const option = document.createElement("option");
    option.value = q.id;
    option.textContent = (q.title.ja || q.id) + (q.title.en ? " / " + q.title.en : "");
    picker.appendChild(option);
  }
  // ?questionnaire=covid19-selfcheck&lang=en starts that questionnaire at once (a link staff can share).
  const params = new URLSearchParams(location.search);
  if (params.get("lang") === "en") locale.value = "en-US";
  if (params.get("questionnaire")) { picker.value = params.get("questionnaire"); document.getElementById("start").click(); }
});

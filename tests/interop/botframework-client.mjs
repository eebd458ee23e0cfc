// A real Bot Framework client against ChatSupport's /api/messages: botbuilder's BotFrameworkHttpClient (what a
// skill host uses to call a bot) posts activities, and a loopback server plays the Bot Connector's serviceUrl,
// receiving the replies the host posts to /v3/conversations/{id}/activities/{replyToId}.
// Run through botframework-client.sh, which starts the host and installs botbuilder.
import http from 'node:http';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(process.env.BOTBUILDER_DIR + '/');
const { BotFrameworkHttpClient } = require('botbuilder');
const { SimpleCredentialProvider } = require('botframework-connector');

const botUrl = process.env.BOT_URL ?? 'http://127.0.0.1:5092/api/messages';
const received = [];
const waiters = [];

// The "Bot Connector": accepts replies as the Connector does (201/200 with a ResourceResponse).
const connector = http.createServer((req, res) => {
  let body = '';
  req.on('data', c => (body += c));
  req.on('end', () => {
    const m = req.url.match(/^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/);
    if (req.method !== 'POST' || !m) { res.writeHead(404).end(); return; }
    const activity = JSON.parse(body);
    received.push({ conversationId: decodeURIComponent(m[1]), replyToId: decodeURIComponent(m[2]), activity });
    waiters.splice(0).forEach(w => w());
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `r${received.length}` }));
  });
});
await new Promise(r => connector.listen(Number(process.env.CONNECTOR_PORT ?? 5093), '127.0.0.1', r));
const serviceUrl = `http://127.0.0.1:${connector.address().port}`;

const client = new BotFrameworkHttpClient(new SimpleCredentialProvider('', ''));
const conversationId = `interop-${Date.now()}`;
const user = { id: `user-${Date.now()}`, name: 'resident' };
const bot = { id: 'chatsupport', name: 'ChatSupport' };

async function waitForReplies(count, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} replies, got ${received.length}`);
    await new Promise(r => { waiters.push(r); setTimeout(r, 200); });
  }
}

function activity(fields) {
  return { channelId: 'emulator', serviceUrl, from: user, recipient: bot, conversation: { id: conversationId }, locale: 'ja-JP',
           id: `a${Math.random().toString(16).slice(2)}`, timestamp: new Date().toISOString(), ...fields };
}

// 1. conversationUpdate: the welcome and the consent question arrive at the serviceUrl as replies to it.
const update = activity({ type: 'conversationUpdate', membersAdded: [user] });
let response = await client.postActivity('', '', botUrl, serviceUrl, conversationId, update);
assert.ok(response.status >= 200 && response.status < 300, `conversationUpdate: ${response.status}`);
await waitForReplies(1);
const consent = received.find(r => r.activity.suggestedActions);
assert.ok(consent, 'a reply with suggested actions');
assert.equal(consent.conversationId, conversationId);
assert.equal(consent.replyToId, update.id);
assert.equal(consent.activity.type, 'message');
assert.equal(consent.activity.replyToId, update.id);
assert.equal(consent.activity.recipient.id, user.id);
assert.equal(consent.activity.from.id, bot.id);
assert.ok(consent.activity.suggestedActions.actions.every(a => a.type === 'imBack' && a.title && a.value));
const agree = consent.activity.suggestedActions.actions.find(a => a.title === '同意する');
assert.ok(agree, 'a 同意する button');

// 2. The button's value as a message: the next question arrives.
const before = received.length;
const answer = activity({ type: 'message', text: agree.value });
response = await client.postActivity('', '', botUrl, serviceUrl, conversationId, answer);
assert.ok(response.status >= 200 && response.status < 300, `message: ${response.status}`);
await waitForReplies(before + 1);
const next = received.slice(before);
assert.ok(next.every(r => r.replyToId === answer.id));
assert.ok(next.some(r => /発熱/.test(r.activity.text ?? '')), `the fever question: ${JSON.stringify(next.map(r => r.activity.text))}`);

// 3. deliveryMode expectReplies: the replies come back in the response body, nothing is posted.
const posted = received.length;
const expect = activity({ type: 'message', text: '1日前から', deliveryMode: 'expectReplies' });
response = await client.postActivity('', '', botUrl, serviceUrl, conversationId, expect);
assert.equal(response.status, 200);
assert.ok(Array.isArray(response.body?.activities) && response.body.activities.length > 0, JSON.stringify(response.body));
assert.ok(response.body.activities.every(a => a.type === 'message' && a.replyToId === expect.id));
await new Promise(r => setTimeout(r, 500));
assert.equal(received.length, posted, 'expectReplies posts nothing to the serviceUrl');

console.log(`botbuilder interop: OK (${received.length} replies posted to the serviceUrl, ${response.body.activities.length} returned with expectReplies)`);
connector.close();

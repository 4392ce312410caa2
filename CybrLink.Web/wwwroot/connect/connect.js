// The Connect UI's one script. It runs Nango's auth flow in the browser, so that no credential ever passes
// through CybrLink: OAuth happens in a popup on Nango's origin; API keys and passwords are posted straight to Nango.
// CybrLink only hands out the Nango session (/connect/start) and confirms the result (/connect/complete).
//
// States: idle -> starting -> waiting (popup, new tab or Nango call) -> completing -> done
//                                    \-> failed (Try again -> starting)
//
// A closed-looking popup is not a failure: a consent page sent with Cross-Origin-Opener-Policy: same-origin
// (Linear, Stripe, Bluesky) cuts the link to its opener, and popup.closed reads true while the person still reads
// it. Only Nango's error message, the attempt timeout or the person's own "Start again" end an attempt; until then
// the WebSocket and /connect/status (webhook, reconciliation) can both finish it.

const form = document.getElementById('connect-form');
const button = document.getElementById('connect-button');
const statusRegion = document.getElementById('connect-status');
const newTab = document.getElementById('connect-new-tab');
const newTabLink = document.getElementById('connect-new-tab-link');
const leave = document.getElementById('connect-leave');
const restart = document.getElementById('connect-restart');
const restartButton = document.getElementById('connect-restart-button');
const config = JSON.parse(form.dataset.config);
const logo = document.getElementById('connect-logo-image');
const logoInitials = document.getElementById('connect-logo-initials');
const text = config.text;

const OAUTH_TIMEOUT_MS = 10 * 60 * 1000;
// The WebSocket result can arrive just after the popup closes itself; wait this long before offering "Start again".
const CLOSED_GRACE_MS = 1500;
const POLL_MS = 2000;
const REDIRECT_DELAY_MS = 1500;
// Nango's rate limit (503 nango_busy + Retry-After): wait as told, at most this long, this many times.
const BUSY_MAX_WAIT_MS = 30 * 1000;
const BUSY_DEFAULT_WAIT_MS = 5 * 1000;
const BUSY_MAX_TRIES = 4;
const TERMINAL_CODES = ['session_not_found', 'session_expired', 'session_already_used', 'session_cancelled'];

let state = 'idle';
let attempt = null;
// While the page shows an error, the server may still complete the session (webhook, reconciliation).
let errorPoll = null;

class ConnectError extends Error {
  constructor(code, field, retryAfterMs) {
    super(code);
    this.code = code;
    this.field = field;
    this.retryAfterMs = retryAfterMs;
  }
}

function setState(next, message, kind) {
  state = next;
  form.setAttribute('aria-busy', String(next === 'starting' || next === 'waiting' || next === 'completing'));
  button.disabled = next !== 'idle' && next !== 'failed';
  if (message !== undefined) {
    statusRegion.textContent = message;
    statusRegion.dataset.kind = kind || 'progress';
  }
}

// ---- CybrLink calls (same origin, cookie + antiforgery token; never a credential) ----

async function callCybrLink(path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers[config.antiforgery.header] = config.antiforgery.token;
  }
  const response = await fetch('/connect/' + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ConnectError(payload.code || 'unknown_error', invalidField(payload), retryAfterMs(response));
  }
  return payload;
}

// 422 validation_failed: the API's shape names the field as the first key of `errors`; older answers say `field`.
function invalidField(payload) {
  const keys = payload.errors && typeof payload.errors === 'object' ? Object.keys(payload.errors) : [];
  return keys.length > 0 ? keys[0] : payload.field;
}

function retryAfterMs(response) {
  const seconds = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  const wait = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : BUSY_DEFAULT_WAIT_MS;
  return Math.min(wait, BUSY_MAX_WAIT_MS);
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function reportFailure(code) {
  try {
    await callCybrLink('fail', { error: code });
  } catch (error) {
    // The session stays open for a retry; losing this report only loses an audit detail.
    console.warn('Connect: failure not recorded', error.code);
  }
}

// ---- The form ----

function fieldInputs() {
  return [...form.querySelectorAll('[data-field]')];
}

function secretInputs() {
  return [...form.querySelectorAll('[data-secret]')];
}

function showFieldError(input, message) {
  const error = document.getElementById(input.id + '-error');
  input.setAttribute('aria-invalid', 'true');
  if (error) {
    error.textContent = message;
    error.hidden = false;
  }
}

function clearFieldErrors() {
  for (const input of [...fieldInputs(), ...secretInputs()]) {
    input.removeAttribute('aria-invalid');
    const error = document.getElementById(input.id + '-error');
    if (error) {
      error.textContent = '';
      error.hidden = true;
    }
  }
}

function validateInputs() {
  let first = null;
  for (const input of [...fieldInputs(), ...secretInputs()]) {
    const value = input.value.trim();
    let message = null;
    if (input.required && value === '') {
      message = text.FieldRequired;
    } else if (value !== '' && input.dataset.pattern && !matches(input.dataset.pattern, value)) {
      message = text.FieldInvalid;
    }
    if (message) {
      showFieldError(input, message);
      first = first || input;
    }
  }
  if (first) first.focus();
  return first === null;
}

function matches(pattern, value) {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch (error) {
    // A pattern JavaScript cannot read is left to the server, which validates every value anyway.
    console.warn('Connect: pattern not checked in the browser', error.message);
    return true;
  }
}

function fieldValues() {
  return Object.fromEntries(fieldInputs().map((input) => [input.dataset.field, input.value.trim()]));
}

// ---- Nango ----

function paramsQuery(params) {
  return Object.entries(params || {})
    .map(([name, value]) => `&params[${encodeURIComponent(name)}]=${encodeURIComponent(value)}`)
    .join('');
}

function oauthUrl(start, wsClientId) {
  return `${start.nango_base_url}/oauth/connect/${encodeURIComponent(start.integration)}`
    + `?connect_session_token=${encodeURIComponent(start.token)}`
    + `&ws_client_id=${encodeURIComponent(wsClientId)}`
    + paramsQuery(start.params);
}

function errorCodeFrom(type, description) {
  // Nango reports a denied consent as a callback error whose text carries the provider's access_denied.
  if (typeof description === 'string' && description.includes('access_denied')) return 'access_denied';
  return type || 'unknown_error';
}

function messageFor(code) {
  switch (code) {
    case 'access_denied': return text.ErrorDenied;
    case 'window_closed': return text.ErrorClosed;
    case 'timeout': return text.ErrorTimeout;
    case 'nango_unavailable': return text.ErrorUnavailable;
    case 'credentials_refused': return text.ErrorCredentials;
    default: return TERMINAL_CODES.includes(code) ? text.ErrorSession : text.ErrorGeneric;
  }
}

// ---- One attempt: its socket, popup, timers; finishing it once ignores every late message ----

function newAttempt() {
  stopErrorPoll();
  const current = { socket: null, popup: null, timers: [], nangoOrigin: null, closedAt: null, polling: false };
  attempt = current;
  return current;
}

function endAttempt(current) {
  if (attempt !== current) return false;
  attempt = null;
  current.timers.forEach(clearInterval);
  if (current.socket) current.socket.close();
  restart.hidden = true;
  return true;
}

async function fail(current, code) {
  if (!endAttempt(current)) return;
  if (current.popup && !current.popup.closed) current.popup.close();
  newTab.hidden = true;
  if (TERMINAL_CODES.includes(code)) {
    // The server's page for an expired or used link says it best (with "back to the app" when there is one).
    window.location.reload();
    return;
  }
  await reportFailure(code);
  if (attempt !== null || state === 'done') return;
  showFailure(messageFor(code));
}

function showFailure(message) {
  button.textContent = text.Retry;
  leave.hidden = !config.hasReturnUrl;
  setState('failed', message, 'error');
  button.focus();
  startErrorPoll();
}

// ---- An error on screen is not the last word: the session may still complete on the server ----

function startErrorPoll() {
  stopErrorPoll();
  errorPoll = setInterval(async () => {
    const status = await readStatus();
    if (!status || attempt !== null || state !== 'failed') return;
    if (status.status === 'completed') finish(status.connection_id, status.redirect_url);
    else if (status.status === 'expired' || status.status === 'cancelled') window.location.reload();
  }, POLL_MS);
}

function stopErrorPoll() {
  if (errorPoll !== null) clearInterval(errorPoll);
  errorPoll = null;
}

async function complete(current, nangoConnectionId) {
  if (attempt !== current) return;
  setState('completing', text.Completing);
  try {
    const result = await callCybrLink('complete', { connection_id: nangoConnectionId });
    succeed(current, result.connection_id, result.redirect_url);
  } catch (error) {
    fail(current, error.code);
  }
}

function succeed(current, connectionId, redirectUrl) {
  if (!endAttempt(current)) return;
  finish(connectionId, redirectUrl);
}

function finish(connectionId, redirectUrl) {
  if (state === 'done') return;
  stopErrorPoll();
  // Note: the secret leaves the page as soon as Nango has it; nothing typed stays in the DOM.
  for (const input of secretInputs()) input.value = '';
  form.hidden = true;
  newTab.hidden = true;
  leave.hidden = true;
  restart.hidden = true;
  notifyApp(connectionId, redirectUrl);
  setState('done', redirectUrl ? text.SuccessRedirect : text.SuccessClose, 'success');
  statusRegion.setAttribute('tabindex', '-1');
  statusRegion.focus();
  if (redirectUrl) setTimeout(() => window.location.assign(redirectUrl), REDIRECT_DELAY_MS);
}

function notifyApp(connectionId, redirectUrl) {
  const message = { type: 'cybrlink:connect', status: 'success', connection_id: connectionId };
  // Note: the message carries ids only, no secret, so '*' is acceptable when the app's origin is not known.
  const target = redirectUrl ? new URL(redirectUrl).origin : '*';
  for (const other of new Set([window.opener, window.parent])) {
    if (other && other !== window) other.postMessage(message, target);
  }
}

// ---- OAuth: popup opened in the click, then pointed at Nango once its WebSocket has given us an id ----

function openPopup() {
  const width = 520;
  const height = 640;
  const left = window.screenX + Math.max(0, (window.outerWidth - width) / 2);
  const top = window.screenY + Math.max(0, (window.outerHeight - height) / 2);
  return window.open('', 'cybrlink-connect', `width=${width},height=${height},left=${left},top=${top},scrollbars=yes`);
}

// Asks CybrLink for this attempt's Nango session; null when it failed (already shown) or a newer attempt began.
async function startAttempt(current, message) {
  setState('starting', message);
  for (let tries = 1; ; tries++) {
    try {
      const start = await callCybrLink('start', { fields: fieldValues() });
      return attempt === current ? start : null;
    } catch (error) {
      if (error.code === 'nango_busy' && tries < BUSY_MAX_TRIES) {
        // Nango's rate limit, not a failure: say so calmly and try again when the server says.
        setState('starting', text.Busy);
        await delay(error.retryAfterMs);
        if (attempt !== current) return null;
        continue;
      }
      handleStartError(current, error.code === 'nango_busy' ? new ConnectError('nango_unavailable') : error);
      return null;
    }
  }
}

async function runOAuth(current) {
  const start = await startAttempt(current, current.popup ? text.Starting : text.PopupBlocked);
  if (!start) return;
  current.nangoOrigin = new URL(start.nango_base_url).origin;

  // One socket per attempt: Nango forgets a ws_client_id after its first result.
  const socket = new WebSocket(start.nango_ws_url);
  current.socket = socket;
  socket.addEventListener('message', (event) => onSocketMessage(current, start, event));
  socket.addEventListener('error', () => fail(current, 'nango_unavailable'));

  current.timers.push(setTimeout(() => fail(current, 'timeout'), OAUTH_TIMEOUT_MS));
  if (current.popup) {
    current.timers.push(setInterval(() => watchPopup(current), 500));
  }
  startPolling(current);
}

function onSocketMessage(current, start, event) {
  let message;
  try {
    message = JSON.parse(event.data);
  } catch (error) {
    console.warn('Connect: unreadable WebSocket message', error.message);
    return;
  }
  if (attempt !== current) return;
  if (message.message_type === 'connection_ack') {
    const url = oauthUrl(start, message.ws_client_id);
    if (current.popup && !current.popup.closed) {
      current.popup.location.href = url;
      setState('waiting', text.WaitingPopup);
    } else {
      showNewTab(current, url);
    }
  } else if (message.message_type === 'success' && message.provider_config_key === start.integration) {
    // A hint, not proof: /connect/complete confirms it with Nango's connection list before anything is recorded.
    complete(current, message.connection_id);
  } else if (message.message_type === 'error') {
    fail(current, errorCodeFrom(message.error_type, message.error_desc));
  }
}

function showNewTab(current, url) {
  newTabLink.href = url;
  newTab.hidden = false;
  setState('waiting', `${text.PopupBlocked} ${text.WaitingNewTab}`);
  newTabLink.focus();
}

// The flow may finish where this page cannot see it (another tab, a popup cut off by COOP, a lost socket
// message): the server knows through the webhook or reconciliation.
function startPolling(current) {
  if (current.polling) return;
  current.polling = true;
  current.timers.push(setInterval(() => pollStatus(current), POLL_MS));
}

async function readStatus() {
  try {
    return await callCybrLink('status');
  } catch (error) {
    console.warn('Connect: status not read', error.code);
    return null;
  }
}

async function pollStatus(current) {
  const status = await readStatus();
  if (!status || attempt !== current) return;
  if (status.status === 'completed') succeed(current, status.connection_id, status.redirect_url);
  else if (status.status === 'expired' || status.status === 'cancelled') fail(current, 'session_' + status.status);
}

// popup.closed also reads true when the provider's page cut the opener link (COOP): wait calmly, never fail here.
function watchPopup(current) {
  if (!current.popup || !current.popup.closed || state === 'completing' || !restart.hidden) return;
  current.closedAt = current.closedAt || Date.now();
  if (Date.now() - current.closedAt <= CLOSED_GRACE_MS) return;
  restart.hidden = false;
  setState('waiting', text.WaitingFor);
}

// Nango's callback page posts here (target '*'); only Nango's origin is listened to, and only to ack it.
window.addEventListener('message', (event) => {
  const current = attempt;
  if (!current || !current.nangoOrigin || event.origin !== current.nangoOrigin) return;
  const type = event.data && event.data.type;
  if (type !== 'nango_oauth_callback_success' && type !== 'nango_oauth_callback_error') return;
  if (event.source) event.source.postMessage({ type: 'nango_oauth_callback_ack' }, event.origin);
  if (type === 'nango_oauth_callback_error') {
    const payload = event.data.payload || {};
    fail(current, errorCodeFrom(payload.errorType, payload.message));
  }
});

// ---- API key and basic: the secret goes from this page to Nango, and nowhere else ----

async function runCredentials(current) {
  const start = await startAttempt(current, text.Submitting);
  if (!start) return;

  const secrets = Object.fromEntries(secretInputs().map((input) => [input.dataset.secret, input.value]));
  const kind = config.authMode === 'BASIC' ? 'basic' : 'api-key';
  const body = kind === 'basic' ? { username: secrets.username || '', password: secrets.password || '' } : { apiKey: secrets.apiKey || '' };
  const url = `${start.nango_base_url}/api-auth/${kind}/${encodeURIComponent(start.integration)}`
    + `?connect_session_token=${encodeURIComponent(start.token)}` + paramsQuery(start.params);
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (error) {
    console.warn('Connect: Nango not reached', error.message);
    fail(current, 'nango_unavailable');
    return;
  }
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const code = payload.error && payload.error.code;
    fail(current, response.status >= 500 ? 'nango_unavailable' : (code === 'unknown_connect_session_token' ? 'timeout' : 'credentials_refused'));
    return;
  }
  complete(current, payload.connectionId);
}

function handleStartError(current, error) {
  if (error.code === 'validation_failed') {
    endAttempt(current);
    if (current.popup && !current.popup.closed) current.popup.close();
    const input = fieldInputs().find((candidate) => error.field === candidate.dataset.field
      || (typeof error.field === 'string' && error.field.endsWith('.' + candidate.dataset.field)));
    if (input) {
      showFieldError(input, text.FieldInvalid);
      input.focus();
      setState('idle', '');
    } else {
      setState('failed', text.ErrorGeneric, 'error');
    }
    return;
  }
  fail(current, error.code);
}

// ---- Wiring ----

// A provider logo that does not load shows the integration's initials, never a broken image. It may have failed
// before this module ran, so its state is read as well as listened to.
function showInitials() {
  logo.hidden = true;
  logoInitials.hidden = false;
}

if (logo && logoInitials) {
  logo.addEventListener('error', showInitials);
  // decode() rejects for an image that already failed; naturalWidth cannot tell (an SVG may have no natural size).
  if (logo.complete) logo.decode().catch(showInitials);
}

function begin() {
  clearFieldErrors();
  leave.hidden = true;
  if (!validateInputs()) return;
  const current = newAttempt();
  if (config.authMode === 'API_KEY' || config.authMode === 'BASIC') {
    runCredentials(current);
  } else {
    // window.open must run synchronously inside the click, or the popup blocker stops it.
    current.popup = openPopup();
    runOAuth(current);
  }
}

form.addEventListener('submit', (event) => {
  // Note: the form never submits itself; nothing typed here is sent to CybrLink by the browser.
  event.preventDefault();
  if (state !== 'idle' && state !== 'failed') return;
  begin();
});

// For a person who really closed the sign-in window: this attempt ends, and a new one opens in the same click.
restartButton.addEventListener('click', () => {
  const current = attempt;
  if (!current) return;
  endAttempt(current);
  if (current.popup && !current.popup.closed) current.popup.close();
  reportFailure('window_closed');
  begin();
});

button.disabled = false;
if (config.lastFailed) {
  state = 'failed';
  startErrorPoll();
}

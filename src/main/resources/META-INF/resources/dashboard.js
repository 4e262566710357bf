// The dashboard: sends orders through the HTTP API and follows /events (Server-Sent Events).
const orders = new Map(); // orderId -> table row

// Every call carries a bearer token with the roles order-writer, billing-auditor and operator. It comes from the page's
// address (#token=..., kept for this tab and taken out of the address), else from dev mode's GET /dev/token, else the
// user pastes one.
async function token() {
  const fragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fragment) {
    sessionStorage.setItem('token', fragment);
    history.replaceState(null, '', location.pathname + location.search);
  }
  let stored = sessionStorage.getItem('token');
  if (!stored) {
    const dev = await fetch('/dev/token').catch(() => null);
    stored = dev && dev.ok ? await dev.text() : prompt('A bearer token with the roles order-writer, billing-auditor and operator:');
    if (stored) sessionStorage.setItem('token', stored.trim());
  }
  return sessionStorage.getItem('token');
}
const bearer = token().then(t => 'Bearer ' + t);

function row(orderId) {
  let tr = orders.get(orderId);
  if (!tr) {
    tr = document.createElement('tr');
    tr.dataset.orderId = orderId;
    tr.innerHTML = '<td class="id"></td><td class="acks"></td><td class="send"></td><td class="outcome"></td>' +
      '<td class="partition"></td><td class="offset"></td><td class="billed"></td>';
    tr.querySelector('.id').textContent = orderId;
    document.querySelector('#orders tbody').prepend(tr);
    orders.set(orderId, tr);
  }
  return tr;
}

function show(orderId, fields) {
  const tr = row(orderId);
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const cell = tr.querySelector('.' + name);
    cell.textContent = value === null ? '-' : value;
    if (name === 'outcome') cell.className = 'outcome status-' + value;
  }
}

function billed(orderId, pipeline) {
  if (!orders.has(orderId)) return; // only the orders sent from this page
  const cell = row(orderId).querySelector('.billed');
  const pipelines = new Set(cell.textContent ? cell.textContent.split(', ') : []);
  pipelines.add(pipeline);
  cell.textContent = [...pipelines].sort().join(', ');
}

async function post(path, body, contentType) {
  const problem = document.getElementById('problem');
  problem.textContent = '';
  const response = await fetch(path, { method: 'POST',
    headers: { 'Content-Type': contentType, 'Authorization': await bearer }, body });
  const answer = await response.json();
  if (!response.ok) {
    problem.textContent = response.status + ' ' + answer.title + ': ' + answer.detail;
    return null;
  }
  return answer;
}

function receipt(r, outcome) {
  show(r.orderId, { acks: r.acks, send: r.send, outcome, partition: r.partition, offset: r.offset });
}

document.getElementById('order-form').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const order = { customerId: form.get('customerId'), item: form.get('item'),
    quantity: Number(form.get('quantity')), unitPrice: Number(form.get('unitPrice')),
    orderId: 'web-' + crypto.randomUUID() };
  show(order.orderId, { acks: form.get('acks'), send: form.get('send'), outcome: 'PENDING' });
  const r = await post('/orders?acks=' + form.get('acks') + '&send=' + form.get('send'), JSON.stringify(order),
    'application/json');
  if (r === null) show(order.orderId, { outcome: 'FAILED' });
  else if (r.send === 'sync') receipt(r, 'ACKED');
  else if (r.send === 'fire-and-forget') receipt(r, 'HANDED_OVER');
});

document.getElementById('send-lines').addEventListener('click', async () => {
  const acks = document.getElementById('acks').value;
  const receipts = await post('/orders/lines?acks=' + acks, document.getElementById('lines').value, 'text/plain');
  (receipts || []).forEach(r => receipt(r, 'ACKED'));
});

document.getElementById('send-batch').addEventListener('click', async () => {
  const receipts = await post('/orders/batch', document.getElementById('batch').value, 'application/json');
  (receipts || []).forEach(r => receipt(r, 'ACKED'));
});

// EventSource cannot send a header: the feed is read with fetch, one "data:" line per event, reconnecting on a break.
async function follow() {
  const status = document.getElementById('feed-status');
  try {
    const response = await fetch('/events', { headers: { 'Accept': 'text/event-stream', 'Authorization': await bearer } });
    if (!response.ok) throw new Error(response.status + ' ' + response.statusText);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the feed ended');
      buffer += value;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines.filter(l => l.startsWith('data:'))) {
        try {
          onEvent(JSON.parse(line.slice(5)));
        } catch (error) {
          console.error('dashboard event not shown', line, error); // one bad event never stops the feed
        }
      }
    }
  } catch (error) {
    status.textContent = 'live feed interrupted (' + error.message + '), reconnecting...';
    status.dataset.state = 'error';
    setTimeout(follow, 2000);
  }
}

// Each pipeline's last minute, one sample a second: invoices written per second, and its consumer's lag.
const pace = new Map(); // pipeline -> { rate: [], lag: [] }
const PACE_SAMPLES = 60;

function points(values) {
  const max = Math.max(1, ...values.filter(v => v !== null));
  return values.map((v, i) => v === null ? null
    : (i * 120 / (PACE_SAMPLES - 1)).toFixed(1) + ',' + (29 - v / max * 27).toFixed(1)).filter(p => p).join(' ');
}

function showPace(p) {
  const tr = document.querySelector('#billing tr[data-pipeline="' + p.pipeline + '"]');
  if (!tr) return;
  const series = pace.get(p.pipeline) || { rate: [], lag: [] };
  pace.set(p.pipeline, series);
  series.rate.push(p.perSecond);
  series.lag.push(p.lag ?? null);
  if (series.rate.length > PACE_SAMPLES) { series.rate.shift(); series.lag.shift(); }
  tr.querySelector('polyline.rate').setAttribute('points', points(series.rate));
  tr.querySelector('polyline.lag').setAttribute('points', points(series.lag));
  tr.querySelector('.pace-now').textContent = Math.round(p.perSecond) + '/s, lag ' + (p.lag ?? '-');
}

function onEvent(event) {
  const status = document.getElementById('feed-status');
  if (event.type === 'connected') {
    status.textContent = 'live';
    status.dataset.state = 'open';
  } else if (event.type === 'delivery' && orders.has(event.orderId)) {
    show(event.orderId, { outcome: event.status, partition: event.partition ?? null, offset: event.offset ?? null });
  } else if (event.type === 'invoice') {
    const written = document.querySelector('#billing tr[data-pipeline="' + event.pipeline + '"] .written');
    if (written) written.textContent = Number(written.textContent) + 1;
    billed(event.orderId, event.pipeline);
  } else if (event.type === 'billing') {
    for (const p of event.pipelines) {
      const tr = document.querySelector('#billing tr[data-pipeline="' + p.pipeline + '"]');
      if (!tr) continue;
      tr.querySelector('.invoices').textContent = p.invoices;
      tr.querySelector('.duplicates').textContent = p.duplicates;
    }
    document.getElementById('dead-letters').textContent = event.deadLetters;
  } else if (event.type === 'pace') {
    event.pace.forEach(showPace);
  }
}
follow();

// The Activity page's only script: it keeps running operations current without a reload. Every page
// works without it (forms and links); this adds live counters and badges.
// Operation pages follow GET /api/operations/{id}/events (Server-Sent Events); the list polls its
// own page of GET /api/operations while a row runs (one request, however many rows run).
'use strict';

const labels = {
  quality_check: ['Quality Check', 'Quality Checks'],
  computed_field: ['Computed Field', 'Computed Fields'],
  computed_table: ['Computed Table', 'Computed Tables'],
  computed_file: ['Computed File', 'Computed Files'],
};
const resultLabels = { running: 'Running', success: 'Success', failure: 'Failure', aborted: 'Aborted' };
const segments = ['created', 'updated', 'skipped', 'failed'];

function processed(status) {
  return status.created + status.updated + status.skipped + status.failed;
}

function progressLabel(promoteType, status) {
  const [one, many] = labels[promoteType] || ['', ''];
  return `${processed(status)} / ${status.total} ${status.total === 1 ? one : many}`;
}

function durationLabel(start, end) {
  const ms = Math.max(0, (end === null ? Date.now() : Date.parse(end)) - Date.parse(start));
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function showStatus(scope, result) {
  for (const badge of scope.querySelectorAll('[data-field="status"]')) {
    badge.className = `badge ${result}`;
    badge.textContent = resultLabels[result] || result;
  }
}

function showCounts(scope, status) {
  const total = Math.max(status.total, 1);
  let offset = 0;
  for (const segment of segments) {
    const width = (status[segment] / total) * 100;
    const rect = scope.querySelector(`rect[data-segment="${segment}"]`);
    if (rect) {
      rect.setAttribute('x', `${offset}%`);
      rect.setAttribute('width', `${width}%`);
    }
    offset += width;
    const count = scope.querySelector(`[data-count="${segment}"]`);
    if (count) count.textContent = String(status[segment]);
  }
  const bar = scope.querySelector('svg.bar');
  if (bar) bar.setAttribute('aria-label', `${processed(status)} of ${status.total} processed`);
}

function followOperation(section) {
  const events = new EventSource(section.dataset.liveOperation);
  const duration = document.querySelector('[data-field="duration"][data-start]');
  const ticker = setInterval(() => {
    if (duration) duration.textContent = durationLabel(duration.dataset.start, null);
  }, 1000);
  const stop = () => {
    events.close();
    clearInterval(ticker);
  };
  // A form sent from the page (Abort, Resume, Rerun…) navigates to its answer. The end it may cause
  // must not reload the page meanwhile: the reload would cancel that navigation and lose its notice.
  document.addEventListener('submit', stop);
  // Back to a page the browser kept (its back/forward cache) after that: it stopped following, so it
  // is read again.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.location.reload();
  });
  events.addEventListener('progress', (event) => {
    const operation = JSON.parse(event.data);
    showStatus(document, operation.result);
    showCounts(section, operation.status);
  });
  // The end: the page is read again, with every result and the actions that fit now.
  events.addEventListener('end', () => {
    stop();
    window.location.reload();
  });
  events.addEventListener('error', (event) => {
    // A server-sent `error` event (the operation is gone) carries data; a dropped connection does
    // not, and EventSource reconnects by itself.
    if (event.data) stop();
  });
}

function followList(table) {
  const rows = () => [...table.querySelectorAll('tr[data-operation]')];
  const running = () => rows().filter((row) => row.dataset.result === 'running');
  if (running().length === 0) return;
  const timer = setInterval(async () => {
    if (running().length === 0) {
      clearInterval(timer);
      return;
    }
    let page;
    try {
      const response = await fetch(table.dataset.liveList, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) return;
      page = await response.json();
    } catch {
      return;
    }
    for (const operation of page.items) {
      const row = table.querySelector(`tr[data-operation="${operation.id}"]`);
      if (!row || row.dataset.result !== 'running') continue;
      row.dataset.result = operation.result;
      showStatus(row, operation.result);
      const progress = row.querySelector('[data-field="progress"]');
      if (progress) progress.textContent = progressLabel(operation.promote_type, operation.status);
      const duration = row.querySelector('[data-field="duration"]');
      if (duration) duration.textContent = durationLabel(operation.start_time, operation.end_time);
      const abortedBy = row.querySelector('[data-field="aborted-by"]');
      if (abortedBy) abortedBy.textContent = operation.aborted_by || '—';
    }
  }, 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  const section = document.querySelector('[data-live-operation]');
  if (section) followOperation(section);
  const table = document.querySelector('table[data-live-list]');
  if (table) followList(table);
});

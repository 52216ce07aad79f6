'use strict';
// Shared page helpers. Data from the API is only ever inserted as text (textContent), never as HTML.

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) tr.appendChild(cell instanceof Node ? cell : el('td', cell));
  return tr;
}

function fmt(value, digits = 5) {
  if (value === null || value === undefined) return '-';
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) ? String(value) : value.toPrecision(digits).replace(/\.?0+$/, '');
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '-';
}

// Follows a server-sent event stream of JSON documents; the browser reconnects by itself after errors.
function follow(url, onDocument) {
  const badge = document.getElementById('live');
  const source = new EventSource(url);
  source.onopen = () => { badge.textContent = 'live'; badge.classList.add('on'); };
  source.onerror = () => { badge.textContent = 'reconnecting…'; badge.classList.remove('on'); };
  source.onmessage = event => onDocument(JSON.parse(event.data));
  return source;
}

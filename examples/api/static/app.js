// The demo page: plain fetch() calls to the API on another origin. Everything
// shown is what the browser let this page read under the API's CORS policy.
"use strict";

const API = window.ITEMS_DEMO.api;
const $ = (id) => document.getElementById(id);

// Link: <https://api/items?page=2>; rel="next", <...>; rel="last"
// The kit percent-encodes "," and ";" in targets, so splitting is safe.
function parseLink(value) {
  const links = {};
  for (const match of (value || "").matchAll(/<([^>]*)>([^<]*)/g)) {
    const rel = /;\s*rel="?([^";]+)"?/i.exec(match[2]);
    if (rel) for (const name of rel[1].trim().split(/\s+/)) links[name] = match[1];
  }
  return links;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text; // never innerHTML: names come from users
  if (className) td.className = className;
  row.appendChild(td);
}

function status(element, response) {
  element.textContent = `${response.status} ${response.statusText}`;
  element.className = response.ok ? "ok" : "fail";
}

async function loadItems(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const items = await response.json();
  const tbody = $("rows");
  tbody.replaceChildren();
  for (const item of items) {
    const row = document.createElement("tr");
    cell(row, item.id);
    cell(row, item.name);
    cell(row, item.category);
    cell(row, item.price.toFixed(2), "price");
    tbody.appendChild(row);
  }
  $("total").textContent = response.headers.get("X-Total-Count") ?? "(not readable)";
  $("request-id").textContent = response.headers.get("X-Request-Id") ?? "(not readable)";
  $("page-number").textContent = new URL(url).searchParams.get("page") || "1";
  const link = response.headers.get("Link");
  $("link").textContent = link ? link.split(/,\s*(?=<)/).join(",\n") : "(not readable)";
  const links = parseLink(link);
  for (const rel of ["first", "prev", "next", "last"]) {
    const button = $(rel);
    button.disabled = !links[rel];
    button.onclick = guarded(() => loadItems(links[rel]));
  }
}

async function adminStats(token) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${API}/admin/stats`, { headers });
  status($("admin-status"), response);
  $("www-authenticate").textContent = response.headers.get("WWW-Authenticate") ?? "(none)";
  $("admin-body").textContent = JSON.stringify(await response.json(), null, 1);
}

// An error answer: Problem Details (RFC 9457), readable because the API's
// CORS headers are on error responses too.
async function showProblem(path) {
  const response = await fetch(`${API}${path}`, { headers: { Accept: "application/json" } });
  status($("error-status"), response);
  $("error-type").textContent = response.headers.get("Content-Type") ?? "(not readable)";
  $("error-body").textContent = JSON.stringify(await response.json(), null, 1);
}

// The deprecated URL: its answer says so, when it goes, and what replaces it.
async function oldItem() {
  const response = await fetch(`${API}/item/7`, { headers: { Accept: "application/json" } });
  $("deprecation").textContent = ["Deprecation", "Sunset", "Link"]
    .map((name) => `${name}: ${response.headers.get(name) ?? "(not readable)"}`)
    .join("\n");
}

// fetch() rejects when the browser blocks a response (CORS) or the API is down.
function showError(error) {
  const box = $("error");
  let text = `The API did not answer this page (${error}).`;
  if (window.location.origin !== window.ITEMS_DEMO.pageOrigin) {
    text +=
      ` The API allows only ${window.ITEMS_DEMO.pageOrigin}, and this page is` +
      ` ${window.location.origin}: the browser blocked the response, as CORS` +
      ` should. Open ${window.ITEMS_DEMO.pageOrigin}/ instead.`;
  }
  box.textContent = text;
  box.hidden = false;
}

const guarded = (action) => (...args) => action(...args).catch(showError);

let created = null;

async function createItem(event) {
  event.preventDefault();
  const response = await fetch(`${API}/items`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      name: $("name").value,
      category: $("category").value,
      price: Number($("price").value),
    }),
  });
  status($("write-status"), response);
  const body = await response.json();
  $("location").textContent = response.headers.get("Location") ?? body.detail ?? "—";
  created = response.status === 201 ? body.id : null;
  $("delete-button").disabled = created === null;
}

async function deleteItem() {
  // DELETE requires If-Match: the ETag of the version being deleted.
  const current = await fetch(`${API}/items/${created}`, { cache: "no-cache" });
  const response = await fetch(`${API}/admin/items/${created}`, {
    method: "DELETE",
    headers: {
      Authorization: `Bearer ${$("token").value}`,
      "If-Match": current.headers.get("ETag"),
    },
  });
  status($("write-status"), response);
  if (response.status === 204) {
    $("location").textContent = `item ${created} deleted (no body)`;
    created = null;
    $("delete-button").disabled = true;
  }
}

$("page-origin").textContent = window.location.origin;
$("api-origin").textContent = API;
$("csv").href = `${API}/items.csv`;
$("token").value = window.ITEMS_DEMO.demoToken; // a demo: never ship a token in a page
$("stats-anon").onclick = guarded(() => adminStats(null));
$("stats-token").onclick = guarded(() => adminStats($("token").value));
$("error-404").onclick = guarded(() => showProblem("/items/999999999"));
$("error-400").onclick = guarded(() => showProblem("/items?page=0"));
$("old-item").onclick = guarded(oldItem);
$("create").onsubmit = guarded(createItem);
$("delete-button").onclick = guarded(deleteItem);
guarded(loadItems)(`${API}/items?per_page=10`);

// Optimistic locking: each editor keeps the ETag it read and sends it back in
// If-Match. The first save wins; a save based on an older tag gets 412.
const editors = { a: { tag: null }, b: { tag: null } };
let editing = null; // the item as loaded: id, category, price

async function openForBoth() {
  const id = Number($("edit-id").value);
  // "no-cache": revalidate (If-None-Match, a cheap 304) rather than trust a copy
  const response = await fetch(`${API}/items/${id}`, {
    headers: { Accept: "application/json" },
    cache: "no-cache",
  });
  status($("status-blind"), response);
  if (!response.ok) return;
  editing = await response.json();
  const tag = response.headers.get("ETag");
  for (const who of ["a", "b"]) {
    editors[who].tag = tag;
    $(`tag-${who}`).textContent = tag ?? "(not readable)";
    $(`name-${who}`).value = editing.name;
    $(`name-${who}`).disabled = false;
    $(`save-${who}`).disabled = false;
    $(`status-${who}`).textContent = "—";
    $(`status-${who}`).className = "";
  }
  $("save-blind").disabled = false;
}

async function save(who) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const tag = who ? editors[who].tag : null;
  if (tag) headers["If-Match"] = tag;
  const name = who ? $(`name-${who}`).value : editing.name;
  const response = await fetch(`${API}/items/${editing.id}`, {
    method: "PUT",
    headers,
    body: JSON.stringify({ name, category: editing.category, price: editing.price }),
  });
  const shown = $(who ? `status-${who}` : "status-blind");
  status(shown, response);
  const body = await response.json();
  if (response.ok) {
    editors[who].tag = response.headers.get("ETag");
    $(`tag-${who}`).textContent = editors[who].tag;
  } else {
    shown.textContent += ` — ${body.detail}`;
  }
}

$("edit-load").onclick = guarded(openForBoth);
$("save-a").onclick = guarded(() => save("a"));
$("save-b").onclick = guarded(() => save("b"));
$("save-blind").onclick = guarded(() => save(null));

"""Templates, style sheet and script of the review app (kept in Python so the package needs no data files)."""

from __future__ import annotations

CSS = r"""
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1d232a; background: #f6f7f9; }
a { color: #0b5cad; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem 1rem; padding: .6rem 1rem; background: #fff; border-bottom: 1px solid #d9dde3; }
header.top h1 { font-size: 1.05rem; margin: 0; word-break: break-all; }
.muted { color: #66707a; }
.badge { display: inline-block; padding: 0 .45em; border-radius: 3px; background: #e8ecf1; font-size: .85em; }
.badge.success { background: #dff3e4; } .badge.partial { background: #fff1cc; } .badge.failed { background: #ffd9d6; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; padding: .6rem 1rem; align-items: center; }
form.filters input[type=search] { min-width: 14rem; }
.wrap { padding: 0 1rem 1rem; overflow-x: auto; }
table.index { border-collapse: collapse; width: 100%; background: #fff; }
table.index th, table.index td { border-bottom: 1px solid #e3e6ea; padding: .35rem .5rem; text-align: left; vertical-align: top; }
table.index th a { text-decoration: none; color: inherit; }
table.index td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.warn { color: #a33; font-weight: 600; }
.checks { font-size: .8em; color: #7a3b3b; }
main.split { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 0; height: calc(100vh - 6.5rem); }
.pane { overflow: auto; padding: .5rem 1rem; }
#source-pane { border-right: 1px solid #d9dde3; background: #fff; }
pre#src { margin: 0; font: 13px/1.5 ui-monospace, "Noto Sans Mono CJK SC", monospace; white-space: pre-wrap; word-break: break-all; }
pre#src .ln { display: block; padding-left: 3.4em; text-indent: -3.4em; }
pre#src .no { display: inline-block; width: 3em; margin-right: .4em; text-align: right; color: #9aa3ad; text-indent: 0; user-select: none; }
pre#src .ln.hit { background: #fff0c2; }
pre#src mark.read { background: #ffd34d; outline: 2px solid #e08a00; }
h2 { font-size: 1rem; margin: .4rem 0; } h3 { font-size: .95rem; margin: 1rem 0 .3rem; }
.problems { padding: .3rem 1rem; background: #fff7f6; border-bottom: 1px solid #f0d4d0; font-size: .9em; }
.tablewrap { overflow-x: auto; }
table.grid { border-collapse: collapse; background: #fff; font-size: 13px; }
table.grid th, table.grid td { border: 1px solid #cfd5dc; padding: .2rem .35rem; }
table.grid th { background: #eef1f5; font-weight: 500; }
table.grid th.rowlabel { text-align: left; max-width: 22rem; }
td.cell { scroll-margin-top: 19rem; scroll-margin-bottom: 2rem; min-width: 3.2em; text-align: right; cursor: pointer; font-variant-numeric: tabular-nums; }
td.cell:hover, td.cell:focus { outline: 2px solid #0b5cad; outline-offset: -2px; }
td.cell.blank { background: #fafbfc; }
td.cell.amb { background: #fde2b8; }
td.cell.low { box-shadow: inset 0 0 0 2px #e0a100; }
td.cell.fail { color: #b3261e; font-weight: 700; }
td.cell.corrected { background: #d8f0dc; }
td.cell.selected { outline: 3px solid #0b5cad; outline-offset: -3px; }
.legend span { margin-right: .6rem; padding: 0 .4em; font-size: .8em; }
.legend .amb { background: #fde2b8; } .legend .low { box-shadow: inset 0 0 0 2px #e0a100; } .legend .fail { color: #b3261e; font-weight: 700; } .legend .corrected { background: #d8f0dc; }
#detail { position: sticky; top: 0; z-index: 5; background: #fff; border: 1px solid #b8c3cf; border-radius: 4px; padding: .5rem .7rem; margin-bottom: .6rem; box-shadow: 0 2px 6px rgba(0,0,0,.08); }
#detail[hidden] { display: none; }
#detail dl { display: flex; flex-wrap: wrap; gap: 0 .35rem; margin: .2rem 0; font-size: .88em; }
#detail dt { color: #66707a; }
#detail dd { margin: 0 .7rem 0 0; }
#context { white-space: pre-wrap; word-break: break-all; font: 13px/2.1 ui-monospace, "Noto Sans Mono CJK SC", monospace; background: #fbfbfc; border: 1px solid #e3e6ea; padding: .3rem .5rem; max-height: 9.5rem; overflow: auto; }
.sp { border-bottom: 3px solid #9db7d5; position: relative; }
.sp-label { font: 9px/1 system-ui, sans-serif; color: #445; background: #e6edf5; border-radius: 2px; padding: 0 2px; margin-left: 1px; vertical-align: super; }
.sp-val { border-color: #7fb27f; } .sp-row { border-color: #b08fcf; } .sp-col { border-color: #c7a25a; } .sp-sec { border-color: #d27373; }
.sp-focus { background: #ffd34d; border-color: #e08a00; }
.edit { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin-top: .4rem; }
.edit input[type=text] { width: 8rem; }
.edit input.note { flex: 1 1 12rem; }
#msg { font-size: .9em; }
#msg.err { color: #b3261e; }
#page-img { display: block; max-width: 100%; max-height: 40vh; border: 1px solid #ccc; margin-top: .4rem; }
#page-link[hidden], #displacy[hidden] { display: none; }
#displacy { font-size: .8em; }
table.sections td, table.sections th { border-bottom: 1px solid #e3e6ea; padding: .15rem .4rem; text-align: left; font-size: 13px; }
@media (max-width: 900px) {
  table.index .checks, table.index td .muted { display: none; }  /* counts stay; names are on the report page */
  table.index th, table.index td { padding: .3rem .3rem; }
  table.index td:first-child { max-width: 10rem; word-break: break-all; }
}
@media (max-width: 1000px) {
  main.split { grid-template-columns: 1fr; height: auto; }
  #source-pane { max-height: 45vh; border-right: 0; border-bottom: 1px solid #d9dde3; }
  .pane { overflow: visible; }
  #source-pane.pane { overflow: auto; }
}
"""

JS = r"""
(function () {
  "use strict";
  const body = document.body;
  const rid = body.dataset.rid;
  if (!rid) return;
  const token = document.querySelector('meta[name="ogi-token"]').content;
  const targets = JSON.parse(document.getElementById("targets").textContent);
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const detail = document.getElementById("detail");
  const msg = document.getElementById("msg");
  let current = null;

  function targetsFor(key) {
    const keys = targets[key.split(".")[0]] || [];
    const row = key.slice(0, key.lastIndexOf("."));
    const same = keys.filter((k) => k !== key && k.slice(0, k.lastIndexOf(".")) === row);
    return same.concat(keys.filter((k) => k !== key && same.indexOf(k) < 0));
  }

  function say(text, isErr) { msg.textContent = text; msg.className = isErr ? "err" : ""; }

  async function post(payload, what) {
    say("saving…", false);
    const r = await fetch("/api/r/" + encodeURIComponent(rid) + "/" + (what || "corrections"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-OGI-Token": token },
      body: JSON.stringify(payload),
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) { say(data.error || ("error " + r.status), true); return; }
    say("saved", false);
    window.location.reload();
  }

  async function select(td) {
    document.querySelectorAll("td.cell.selected").forEach((x) => x.classList.remove("selected"));
    td.classList.add("selected");
    const key = td.dataset.key;
    current = key;
    history.replaceState(null, "", "#cell=" + encodeURIComponent(key));
    detail.hidden = false;
    document.getElementById("d-key").textContent = (labels[key] || key) + "  [" + key + "]";
    document.getElementById("d-value").textContent = td.dataset.value === undefined ? "" : td.dataset.value;
    document.getElementById("d-conf").textContent = td.dataset.conf || "";
    document.getElementById("d-source").textContent = td.dataset.source || "";
    document.getElementById("d-amb").textContent = td.dataset.amb === "1" ? "yes (placed by the arithmetic)" : "no";
    document.getElementById("d-checks").textContent = td.dataset.fail === "1" ? "a failed check involves this cell" : "";
    document.getElementById("value").value = td.dataset.value || "";
    const sel = document.getElementById("move-to");
    sel.innerHTML = "";
    const moveTo = targetsFor(key);
    moveTo.forEach((t) => {
      const o = document.createElement("option");
      o.value = t; o.textContent = labels[t] || t; sel.appendChild(o);
    });
    document.getElementById("move").disabled = !td.dataset.value || !moveTo.length;
    document.getElementById("blank").disabled = !td.dataset.value;
    const ctx = document.getElementById("context");
    const img = document.getElementById("page-img");
    const link = document.getElementById("page-link");
    ctx.textContent = ""; link.hidden = true; img.removeAttribute("src"); say("", false);
    if (!td.dataset.value) { document.getElementById("d-where").textContent = "blank cell: type a value to add one"; return; }
    const r = await fetch("/api/r/" + encodeURIComponent(rid) + "/where?key=" + encodeURIComponent(key));
    const loc = await r.json();
    if (current !== key) return;
    document.getElementById("d-where").textContent = loc.start === null
      ? "line " + loc.line + " (source not found)"
      : "line " + loc.line + " (" + loc.how + ")";
    ctx.innerHTML = loc.context || "";
    const focus = ctx.querySelector(".sp-focus");
    if (focus) focus.scrollIntoView({ block: "nearest" });
    document.querySelectorAll("pre#src .ln.hit").forEach((x) => x.classList.remove("hit"));
    document.querySelectorAll("pre#src mark.read").forEach((mk) => {
      const p = mk.parentNode; p.replaceChild(document.createTextNode(mk.textContent), mk); p.normalize();
    });
    if (loc.view_line) {
      const ln = document.getElementById("L" + loc.view_line);
      if (ln) {
        ln.classList.add("hit");
        let target = ln;
        const text = ln.lastChild;  // the line's text after its number
        const a = loc.start - loc.line_start, b = loc.end - loc.line_start;
        if (text && text.nodeType === 3 && a >= 0 && b <= text.length && b > a) {
          const r = document.createRange();
          r.setStart(text, a); r.setEnd(text, b);
          const mk = document.createElement("mark"); mk.className = "read";
          r.surroundContents(mk);
          target = mk;
        }
        target.scrollIntoView({ block: "center" });
      }
    }
    const dl = document.getElementById("displacy");
    dl.hidden = !loc.displacy; if (loc.displacy) dl.href = loc.displacy;
    if (loc.page_image) { img.src = loc.page_image; link.href = loc.page_whole; link.hidden = false; link.title = "the whole page"; }
  }

  document.querySelectorAll("td.cell").forEach((td) => {
    td.addEventListener("click", () => select(td));
    td.addEventListener("keydown", (e) => { if (e.key === "Enter") select(td); });
  });
  document.getElementById("save-value").addEventListener("click", () => {
    post({ action: "edit", key: current, value: document.getElementById("value").value, note: document.getElementById("note").value });
  });
  document.getElementById("move").addEventListener("click", () => {
    post({ action: "move", key: current, to: document.getElementById("move-to").value, note: document.getElementById("note").value });
  });
  document.getElementById("blank").addEventListener("click", () => {
    post({ action: "blank", key: current, note: document.getElementById("note").value });
  });
  document.querySelectorAll("button.sec-save").forEach((b) => {
    b.addEventListener("click", () => {
      const i = b.dataset.index;
      post({ action: "section", index: Number(i), to: document.getElementById("sec-" + i).value, note: "" });
    });
  });
  const undo = document.getElementById("undo");
  if (undo) undo.addEventListener("click", () => post({}, "undo"));
  const m = /cell=([^&]+)/.exec(window.location.hash);
  if (m) {
    const td = document.querySelector('td.cell[data-key="' + CSS.escape(decodeURIComponent(m[1])) + '"]');
    if (td) { select(td); td.scrollIntoView({ block: "nearest" }); }
  }
})();
"""

INDEX_HTML = r"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ogi review: {{ n }} reports</title><link rel="stylesheet" href="/static/review.css"></head>
<body>
<header class="top"><h1>ogi review</h1><span class="muted">{{ n }} reports · {{ rows|length }} shown · corrections go to {{ out_dir }}</span></header>
<form class="filters" method="get" action="/">
  <input type="search" name="q" value="{{ q }}" placeholder="filter: id, agency, title, check">
  <select name="status"><option value="">any status</option>{% for s in statuses %}<option{% if s == status %} selected{% endif %}>{{ s }}</option>{% endfor %}</select>
  <select name="template"><option value="">any template</option>{% for t in templates %}<option{% if t == template %} selected{% endif %}>{{ t }}</option>{% endfor %}</select>
  <label><input type="checkbox" name="problems" value="1"{% if problems %} checked{% endif %}> only reports with problems</label>
  <input type="hidden" name="sort" value="{{ sort }}"><input type="hidden" name="desc" value="{{ '1' if desc else '' }}">
  <button type="submit">Filter</button> <a href="/">reset</a>
</form>
{% macro head(key, text) -%}
<th><a href="{{ url_for('index', **dict(args, sort=key, desc=('' if (sort == key and desc) else ('1' if sort == key else '')))) }}">{{ text }}{% if sort == key %} {{ '▼' if desc else '▲' }}{% endif %}</a></th>
{%- endmacro %}
<div class="wrap"><table class="index" id="reports">
<thead><tr>{{ head('id', 'report') }}{{ head('status', 'status') }}{{ head('template', 'template') }}{{ head('year', 'year') }}{{ head('agency', 'agency') }}{{ head('n_failed', 'failed checks') }}{{ head('n_ambiguous', 'ambiguous') }}{{ head('n_low', 'low confidence') }}{{ head('n_corrections', 'corrections') }}</tr></thead>
<tbody>
{% for r in rows %}<tr data-id="{{ r.id }}">
<td><a href="{{ url_for('report', rid=r.id) }}">{{ r.id }}</a>{% if r.title %}<div class="muted">{{ r.title }}</div>{% endif %}{% if r.errors %}<div class="checks">{{ r.errors|join('; ') }}</div>{% endif %}</td>
<td><span class="badge {{ r.status }}">{{ r.status }}</span></td><td>{{ r.template }}</td><td>{{ r.year if r.year is not none else '' }}</td><td>{{ r.agency }}</td>
<td class="num{% if r.n_failed %} warn{% endif %}">{{ r.n_failed }}{% if r.failed %}<div class="checks">{{ r.failed[:4]|join(', ') }}{% if r.failed|length > 4 %} …{% endif %}</div>{% endif %}</td>
<td class="num{% if r.n_ambiguous %} warn{% endif %}">{{ r.n_ambiguous }}</td><td class="num{% if r.n_low %} warn{% endif %}">{{ r.n_low }}</td><td class="num">{{ r.n_corrections }}</td>
</tr>{% endfor %}
</tbody></table></div>
</body></html>
"""

REPORT_HTML = r"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="ogi-token" content="{{ token }}">
<title>{{ rid }} · ogi review</title><link rel="stylesheet" href="/static/review.css"></head>
<body data-rid="{{ rid }}">
<header class="top"><a href="/">← all reports</a><h1 id="rid">{{ rid }}</h1>
<span class="badge {{ rec.status }}">{{ rec.status }}</span><span class="badge">template {{ rec.template }}</span>
{% if rec.year %}<span class="badge">{{ rec.year }}</span>{% endif %}{% if rec.agency %}<span>{{ rec.agency }}</span>{% endif %}
{% if rec.title %}<span class="muted">{{ rec.title }}</span>{% endif %}
<span class="muted">{{ summary.n_cells }} cells · {{ summary.n_failed }} failed checks · {{ summary.n_ambiguous }} ambiguous · {{ summary.n_low }} low confidence · {{ corrections|length }} corrections</span>
</header>
{% if summary.failed or rec.errors %}<div class="problems">{% if rec.errors %}<b>errors:</b> {{ rec.errors|join('; ') }} {% endif %}{% if summary.failed %}<b>failed checks:</b>
{% for c in rec.checks if c.status == 'fail' %}<span class="check" title="{{ c.detail or '' }}">{{ c.name }} ({{ c.left }} ≠ {{ c.right }})</span>{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}</div>{% endif %}
<main class="split">
<section class="pane" id="source-pane"><h2>Source{% if fmt %} ({{ fmt }}{% if fmt == 'html' %}, shown as text{% endif %}){% endif %}</h2>
{% if source_ok %}<pre id="src">{% for n, t in lines %}<span class="ln" id="L{{ n }}"><span class="no">{{ n }}</span>{{ t }}</span>{% endfor %}</pre>
{% else %}<p class="muted">The source file {{ rec.path }} cannot be read here: cells are shown without their text.</p>{% endif %}
</section>
<section class="pane" id="tables-pane">
<div id="detail" hidden>
  <div><b id="d-key"></b></div>
  <dl><dt>value</dt><dd id="d-value"></dd><dt>confidence</dt><dd id="d-conf"></dd><dt>read by</dt><dd id="d-source"></dd>
  <dt>ambiguous</dt><dd id="d-amb"></dd><dt>where</dt><dd id="d-where"></dd><dt>checks</dt><dd id="d-checks"></dd></dl>
  <div id="context"></div><a id="displacy" href="#" target="_blank" rel="noopener" hidden>the same in displaCy's span style</a>
  <a id="page-link" href="#" target="_blank" rel="noopener" hidden><img id="page-img" alt="the PDF page around the cell, its word marked"></a>
  <div class="edit">
    <input type="text" id="value" maxlength="200" aria-label="corrected value"><button id="save-value" type="button">Save value</button>
    <select id="move-to" aria-label="move to cell"></select><button id="move" type="button">Move</button>
    <button id="blank" type="button">Mark blank</button>
    <input type="text" class="note" id="note" maxlength="2000" placeholder="note (why)">
  </div>
  <div id="msg" role="status"></div>
</div>
<div class="legend"><span class="amb">ambiguous</span> <span class="low">low confidence</span> <span class="fail">failed check</span> <span class="corrected">corrected</span></div>
<h3>Sections</h3>
<table class="sections"><tr><th>key</th><th>printed title</th><th>line</th><th>fix</th></tr>
{% for s in rec.sections %}<tr><td>{{ s.key }}</td><td>{{ s.title }}</td><td>{{ s.line }}</td>
<td><select id="sec-{{ loop.index0 }}">{% for k in section_keys %}<option{% if k == s.key %} selected{% endif %}>{{ k }}</option>{% endfor %}<option value="">not a heading</option></select>
<button type="button" class="sec-save" data-index="{{ loop.index0 }}">Save</button></td></tr>{% endfor %}
</table>
{% for g in grids %}<h3 id="{{ g.id }}">{{ g.title }}</h3><div class="tablewrap"><table class="grid">
{% if g.groups %}<tr><th></th>{% for h, n in g.groups %}<th colspan="{{ n }}">{{ h }}</th>{% endfor %}</tr>{% endif %}
<tr><th></th>{% for c in g.columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for label, keys in g.rows %}<tr><th class="rowlabel">{{ label }}</th>{% for k in keys %}{% if k %}{% set c = cells.get(k) %}
<td class="cell{% if not c %} blank{% endif %}{% if c and c.ambiguous %} amb{% endif %}{% if c and (c.confidence or 1) < low %} low{% endif %}{% if k in bad %} fail{% endif %}{% if k in corrected %} corrected{% endif %}"
 tabindex="0" data-key="{{ k }}"{% if c %} data-value="{{ c.value }}" data-conf="{{ c.confidence }}" data-source="{{ c.source }}" data-amb="{{ '1' if c.ambiguous else '0' }}"{% endif %} data-fail="{{ '1' if k in bad else '0' }}">{{ c.value if c else '' }}</td>
{% else %}<td></td>{% endif %}{% endfor %}</tr>{% endfor %}
</table></div>{% endfor %}
{% if corrections %}<h3>Corrections <button type="button" id="undo">Undo the last</button></h3><ol class="corrections">{% for c in corrections %}<li>{{ c.time }}: {{ c.action }} {{ c.key or ('section ' ~ c.index) }}{% if c.action == 'edit' %} {{ c['from'] }} → {{ c.value }}{% elif c.action == 'move' %} → {{ c.to }}{% elif c.action == 'section' %} {{ c['from'] }} → {{ c.to or 'not a heading' }}{% endif %}{% if c.note %} ({{ c.note }}){% endif %}</li>{% endfor %}</ol>{% endif %}
</section>
</main>
<script type="application/json" id="targets">{{ targets|tojson }}</script>
<script type="application/json" id="labels">{{ labels|tojson }}</script>
<script src="/static/review.js"></script>
</body></html>
"""

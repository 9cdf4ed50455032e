// The page of a local run: inline CSS and script, the data in a JSON script element, no request of any kind, so it
// opens from the file system in any browser. With 10,000 results only what is on screen is built: a suite's
// children when it is opened, 200 rows at a time, and a result's details when it is chosen.
export const PAGE_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src * data: file:; media-src * file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>%TITLE%</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 20px; margin: 0 0 4px; }
#meta { color: #59636e; }
#totals { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
.total { padding: 2px 10px; border-radius: 12px; background: #eef1f4; font-weight: 600; }
#controls { display: flex; gap: 8px; padding: 8px 20px; background: #fff; border-bottom: 1px solid #d0d7de; }
#controls input { flex: 1; padding: 4px 8px; }
main { display: grid; grid-template-columns: minmax(280px, 40%) 1fr; height: calc(100vh - 130px); }
#tree { overflow: auto; padding: 8px 0 8px 12px; border-right: 1px solid #d0d7de; background: #fff; }
#details { overflow: auto; padding: 12px 20px; }
.suite > .row { cursor: pointer; font-weight: 600; }
.row { display: flex; gap: 6px; align-items: baseline; padding: 1px 4px; border-radius: 4px; white-space: nowrap; }
.row:hover { background: #eef1f4; }
.test > .row { cursor: pointer; }
.test.chosen > .row { background: #ddf4ff; }
.children { margin-left: 16px; }
.count { color: #59636e; font-weight: normal; }
.name { overflow: hidden; text-overflow: ellipsis; }
.status { display: inline-block; min-width: 52px; padding: 0 6px; border-radius: 10px; font-size: 12px; text-align: center; color: #fff; background: #6e7781; }
.status-passed { background: #1a7f37; } .status-failed { background: #cf222e; } .status-blocked { background: #bc4c00; }
.status-invalid { background: #8250df; } .status-skipped { background: #6e7781; } .status-in_progress { background: #0969da; }
.more { margin: 4px 0; }
pre { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; margin: 4px 0; }
pre.error { border-color: #cf222e; background: #fff5f5; }
table { border-collapse: collapse; margin: 4px 0; }
td, th { border: 1px solid #d0d7de; padding: 2px 8px; text-align: left; vertical-align: top; }
.steps { padding-left: 20px; }
.steps li { margin: 4px 0; }
.label { color: #59636e; }
img.attachment { max-width: 100%; max-height: 480px; border: 1px solid #d0d7de; display: block; margin: 4px 0; }
h2 { font-size: 18px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 14px 0 4px; }
</style>
</head>
<body>
<header><h1 id="title"></h1><div id="meta"></div><div id="totals"></div></header>
<div id="controls"><input id="search" type="search" placeholder="Filter by title, suite or case id"><select id="filter"></select></div>
<main><nav id="tree"></nav><section id="details"><p class="label">Choose a test to see its steps, error and attachments.</p></section></main>
<script type="application/json" id="qase-data">%DATA%</script>
<script>
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('qase-data').textContent);
  var results = data.results;
  var CHUNK = 200;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function badge(status) { return el('span', 'status status-' + status, status); }
  function ms(value) {
    if (value === undefined || value === null) return '';
    return value < 1000 ? value + ' ms' : (value / 1000).toFixed(value < 60000 ? 2 : 0) + ' s';
  }
  function countByStatus(indexes) {
    var counts = {};
    indexes.forEach(function (i) { counts[results[i].status] = (counts[results[i].status] || 0) + 1; });
    return counts;
  }

  document.getElementById('title').textContent = data.title;
  var meta = [data.kind, results.length + ' results'];
  if (data.startMs) meta.push('started ' + new Date(data.startMs).toLocaleString());
  if (data.durationMs !== undefined && data.durationMs !== null) meta.push('took ' + ms(data.durationMs));
  document.getElementById('meta').textContent = meta.join(' · ');

  var all = results.map(function (_, i) { return i; });
  var totals = countByStatus(all);
  var totalsBox = document.getElementById('totals');
  var totalChip = el('span', 'total', 'total ' + results.length);
  totalChip.dataset.status = 'total';
  totalsBox.appendChild(totalChip);
  var filter = document.getElementById('filter');
  filter.appendChild(el('option', '', 'all statuses')).value = '';
  Object.keys(totals).sort().forEach(function (status) {
    var chip = el('span', 'total status-' + status, status + ' ' + totals[status]);
    chip.style.color = '#fff';
    chip.dataset.status = status;
    totalsBox.appendChild(chip);
    filter.appendChild(el('option', '', status + ' (' + totals[status] + ')')).value = status;
  });

  // The suite tree: each node keeps its child suites in order of first appearance and the indexes of its tests.
  function buildTree(indexes) {
    var root = { name: '', suites: [], byName: {}, tests: [], all: [] };
    indexes.forEach(function (i) {
      var node = root;
      node.all.push(i);
      results[i].suites.forEach(function (name) {
        var child = node.byName['$' + name];
        if (!child) {
          child = { name: name, suites: [], byName: {}, tests: [], all: [] };
          node.byName['$' + name] = child;
          node.suites.push(child);
        }
        node = child;
        node.all.push(i);
      });
      node.tests.push(i);
    });
    return root;
  }

  var chosen = null;
  function renderChildren(node, box, open) {
    node.suites.forEach(function (suite) { box.appendChild(renderSuite(suite, open)); });
    var shown = 0;
    function more() {
      var end = Math.min(shown + CHUNK, node.tests.length);
      for (; shown < end; shown++) box.appendChild(renderTest(node.tests[shown]));
      if (shown < node.tests.length) {
        var button = el('button', 'more', 'show ' + Math.min(CHUNK, node.tests.length - shown) + ' more of ' + (node.tests.length - shown));
        button.onclick = function () { button.remove(); more(); };
        box.appendChild(button);
      }
    }
    more();
  }
  function renderSuite(node, open) {
    var box = el('div', 'suite');
    var row = el('div', 'row');
    var arrow = el('span', 'arrow', open ? '▾' : '▸');
    row.appendChild(arrow);
    row.appendChild(el('span', 'name', node.name));
    var counts = countByStatus(node.all);
    var text = node.all.length + (counts.failed ? ' · ' + counts.failed + ' failed' : '');
    row.appendChild(el('span', 'count', text));
    var children = el('div', 'children');
    var built = false;
    function toggle(show) {
      if (show && !built) { renderChildren(node, children, open); built = true; }
      children.hidden = !show;
      arrow.textContent = show ? '▾' : '▸';
    }
    row.onclick = function () { toggle(children.hidden || !built); };
    box.appendChild(row);
    box.appendChild(children);
    toggle(open);
    return box;
  }
  function renderTest(i) {
    var r = results[i];
    var box = el('div', 'test');
    box.dataset.index = i;
    var row = el('div', 'row');
    row.appendChild(badge(r.status));
    row.appendChild(el('span', 'name', r.title));
    row.appendChild(el('span', 'count', ms(r.durationMs)));
    row.onclick = function () {
      if (chosen) chosen.classList.remove('chosen');
      chosen = box;
      box.classList.add('chosen');
      location.hash = 'result-' + i;
      showDetails(i);
    };
    box.appendChild(row);
    return box;
  }

  function table(record) {
    var t = el('table');
    Object.keys(record).forEach(function (key) {
      var tr = el('tr');
      tr.appendChild(el('th', '', key));
      tr.appendChild(el('td', '', record[key]));
      t.appendChild(tr);
    });
    return t;
  }
  function attachmentsOf(list) {
    var box = el('div', 'attachments');
    list.forEach(function (a) {
      var item = el('div', 'attachment');
      var link = el('a', '', a.name);
      link.href = a.href;
      link.target = '_blank';
      item.appendChild(link);
      item.appendChild(el('span', 'label', ' ' + a.type));
      if (a.type.indexOf('image/') === 0) {
        var img = el('img', 'attachment');
        img.src = a.href;
        img.alt = a.name;
        item.appendChild(img);
      } else if (a.text !== undefined) {
        item.appendChild(el('pre', 'attachment-text', a.text));
      }
      box.appendChild(item);
    });
    return box;
  }
  function stepsOf(steps) {
    var list = el('ol', 'steps');
    steps.forEach(function (s) {
      var li = el('li', 'step');
      var head = el('div');
      head.appendChild(badge(s.status));
      head.appendChild(document.createTextNode(' '));
      head.appendChild(el('span', 'action', s.action));
      head.appendChild(el('span', 'count', ' ' + ms(s.durationMs)));
      li.appendChild(head);
      if (s.expected) { var e = el('div', 'expected'); e.appendChild(el('span', 'label', 'Expected: ')); e.appendChild(el('span', 'value', s.expected)); li.appendChild(e); }
      if (s.data) { var d = el('div', 'data'); d.appendChild(el('span', 'label', 'Data: ')); d.appendChild(el('span', 'value', s.data)); li.appendChild(d); }
      if (s.attachments.length) li.appendChild(attachmentsOf(s.attachments));
      if (s.steps.length) li.appendChild(stepsOf(s.steps));
      list.appendChild(li);
    });
    return list;
  }
  function section(box, title, content) {
    box.appendChild(el('h3', '', title));
    box.appendChild(content);
  }
  function showDetails(i) {
    var r = results[i];
    var box = document.getElementById('details');
    box.textContent = '';
    var h = el('h2', '', r.title);
    box.appendChild(h);
    var line = el('div', 'summary');
    line.appendChild(badge(r.status));
    line.appendChild(document.createTextNode(' ' + ms(r.durationMs) + (r.thread ? ' · ' + r.thread : '')));
    box.appendChild(line);
    if (r.suites.length) box.appendChild(el('div', 'label suites', r.suites.join(' › ')));
    box.appendChild(el('div', 'case-ids', r.caseIds.length ? 'Case ids: ' + r.caseIds.join(', ') : 'No case id'));
    if (Object.keys(r.fields).length) section(box, 'Fields', table(r.fields));
    if (Object.keys(r.params).length) section(box, 'Parameters', table(r.params));
    if (r.message) section(box, 'Message', el('pre', 'message', r.message));
    if (r.stack) section(box, 'Error', el('pre', 'error', r.stack));
    if (r.context) section(box, 'Error context', el('pre', 'context', r.context));
    if (r.steps.length) section(box, 'Steps', stepsOf(r.steps));
    if (r.attachments.length) section(box, 'Attachments', attachmentsOf(r.attachments));
  }

  var treeBox = document.getElementById('tree');
  function showTree() {
    var query = document.getElementById('search').value.trim().toLowerCase();
    var status = filter.value;
    var indexes = all;
    if (query || status) {
      indexes = all.filter(function (i) {
        var r = results[i];
        if (status && r.status !== status) return false;
        if (!query) return true;
        return (r.title + ' ' + r.suites.join(' ') + ' ' + r.caseIds.join(' ')).toLowerCase().indexOf(query) >= 0;
      });
    }
    treeBox.textContent = '';
    if (indexes.length === 0) { treeBox.appendChild(el('p', 'label', 'No result matches.')); return; }
    // Opened when what it holds is small enough to draw at once: a filter that matches a few results shows them.
    renderChildren(buildTree(indexes), treeBox, indexes.length <= CHUNK);
  }
  var timer;
  document.getElementById('search').oninput = function () { clearTimeout(timer); timer = setTimeout(showTree, 150); };
  filter.onchange = showTree;
  showTree();
  var linked = /^#result-(\\d+)$/.exec(location.hash);
  if (linked && results[Number(linked[1])]) showDetails(Number(linked[1]));
  document.body.dataset.renderMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
})();
</script>
</body>
</html>
`;

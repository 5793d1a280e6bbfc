// GET / : a plain page to look inside the emulator (collections, documents, outbox, call log, functions).
export function inspectorPage(env: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>localcloud · ${escapeHtml(env)}</title>
<style>
body{font:14px/1.5 -apple-system,"PingFang SC",sans-serif;margin:0;color:#222}
header{background:#07c160;color:#fff;padding:10px 16px}header b{font-size:18px}
nav{display:flex;gap:4px;padding:8px 16px;border-bottom:1px solid #ddd}
nav button{border:1px solid #ccc;background:#fff;padding:6px 12px;border-radius:4px;cursor:pointer}
nav button.on{background:#07c160;color:#fff;border-color:#07c160}
main{display:flex;min-height:80vh}#side{width:240px;border-right:1px solid #eee;padding:8px}#side div{padding:4px 8px;cursor:pointer;border-radius:4px}
#side div:hover,#side div.on{background:#eef9f2}#content{flex:1;padding:8px 16px;overflow:auto}
pre{background:#f7f7f7;padding:8px;border-radius:4px;white-space:pre-wrap;word-break:break-all;margin:6px 0}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
.muted{color:#888}
</style></head><body>
<header><b>localcloud</b> · env <code>${escapeHtml(env)}</code> · SDK endpoint <code id="svc"></code></header>
<nav><button data-tab="collections" class="on">数据库 Collections</button><button data-tab="outbox">订阅消息 Outbox</button>
<button data-tab="calls">调用日志 Calls</button><button data-tab="functions">云函数 Functions</button><button data-tab="files">存储 Files</button></nav>
<main><div id="side"></div><div id="content"></div></main>
<script>
const $ = (s) => document.querySelector(s)
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]))
const get = (u, opts) => fetch(u, opts).then((r) => r.json())
$('#svc').textContent = location.origin + '/admin'
let tab = 'collections'
document.querySelectorAll('nav button').forEach((b) => b.onclick = () => {
  document.querySelectorAll('nav button').forEach((x) => x.classList.toggle('on', x === b)); tab = b.dataset.tab; show()
})
async function showCollection(name, skip) {
  const r = await get('/__admin/collections/' + encodeURIComponent(name) + '?limit=50&skip=' + skip)
  $('#content').innerHTML = '<h3>' + esc(name) + ' <span class="muted">' + r.total + ' 条</span></h3>' +
    (skip > 0 ? '<button id="prev">上一页</button> ' : '') + (skip + 50 < r.total ? '<button id="next">下一页</button>' : '') +
    r.documents.map((d) => '<pre>' + esc(JSON.stringify(d, null, 2)) + '</pre>').join('')
  if ($('#prev')) $('#prev').onclick = () => showCollection(name, Math.max(0, skip - 50))
  if ($('#next')) $('#next').onclick = () => showCollection(name, skip + 50)
}
async function show() {
  $('#side').innerHTML = ''; $('#content').innerHTML = '<p class="muted">加载中…</p>'
  if (tab === 'collections') {
    const list = await get('/__admin/collections')
    $('#side').innerHTML = list.map((c) => '<div data-name="' + esc(c.name) + '">' + esc(c.name) + ' <span class="muted">' + c.count + '</span></div>').join('')
    document.querySelectorAll('#side div').forEach((d) => d.onclick = () => {
      document.querySelectorAll('#side div').forEach((x) => x.classList.toggle('on', x === d)); showCollection(d.dataset.name, 0)
    })
    $('#content').innerHTML = list.length ? '<p class="muted">选择左侧集合查看文档</p>' : '<p class="muted">还没有集合</p>'
  } else if (tab === 'outbox') {
    const list = await get('/__admin/outbox')
    $('#content').innerHTML = '<table><tr><th>#</th><th>时间</th><th>状态</th><th>接收人</th><th>模板</th><th>页面</th><th>内容</th></tr>' +
      list.reverse().map((m) => '<tr><td>' + m.id + '</td><td>' + esc(m.at) + '</td><td>' + esc(m.status) + (m.errcode ? ' (' + m.errcode + ')' : '') + '</td><td>' + esc(m.touser) +
      '</td><td>' + esc(m.templateId) + '</td><td>' + esc(m.page || '') + '</td><td><pre>' + esc(JSON.stringify(m.data)) + '</pre></td></tr>').join('') + '</table>'
  } else if (tab === 'calls') {
    const r = await get('/__admin/calls')
    $('#content').innerHTML = '<p class="muted">函数外的 SDK 调用：' + r.external.calls + ' 次数据库请求</p><table><tr><th>时间</th><th>函数</th><th>来源</th><th>用户</th><th>耗时</th><th>DB 往返</th><th>读/写</th><th>结果</th></tr>' +
      r.calls.reverse().slice(0, 500).map((c) => '<tr><td>' + esc(c.startedAt) + '</td><td>' + esc(c.function) + '</td><td>' + esc(c.source) + '</td><td>' + esc(c.openid || '') +
      '</td><td>' + c.durationMs + ' ms' + (c.coldStart ? ' (冷启动)' : '') + '</td><td>' + c.db.calls + '</td><td>' + c.db.read + '/' + c.db.written + '</td><td>' + (c.ok ? 'ok' : esc(c.error)) +
      (c.logs.length ? '<pre>' + esc(c.logs.join('\\n')) + '</pre>' : '') + '</td></tr>').join('') + '</table>'
  } else if (tab === 'functions') {
    const list = await get('/__admin/functions')
    $('#content').innerHTML = '<table><tr><th>函数</th><th>超时</th><th>定时触发器</th><th>实例</th></tr>' + list.map((f) => '<tr><td>' + esc(f.name) + (f.built ? '' : ' <span class="muted">(未构建)</span>') +
      '</td><td>' + f.config.timeout + ' s</td><td>' + f.config.triggers.map((t) => esc(t.name + ' ' + t.config) + ' <button data-fn="' + esc(f.name) + '" data-t="' + esc(t.name) + '">立即触发</button>').join('<br>') +
      '</td><td>' + f.instances + '</td></tr>').join('') + '</table>'
    document.querySelectorAll('button[data-fn]').forEach((b) => b.onclick = async () => {
      const r = await get('/__admin/functions/' + b.dataset.fn + '/trigger', { method: 'POST', body: JSON.stringify({ trigger: b.dataset.t }) })
      alert(JSON.stringify(r, null, 2))
    })
  } else if (tab === 'files') {
    const list = await get('/__admin/files')
    $('#content').innerHTML = list.length ? '<table><tr><th>fileID</th><th>大小</th></tr>' + list.map((f) => '<tr><td>' + esc(f.fileID) + '</td><td>' + f.size + ' B</td></tr>').join('') + '</table>' : '<p class="muted">还没有文件</p>'
  }
}
show()
</script></body></html>`
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string)
}

// Serves the preview and puts localcloud behind the same origin: the page, its scripts and manifest from the
// build directory; /functions/, /client/ and /__storage/ passed through to localcloud unchanged; and two routes of
// its own: the demo people to act as, and the subscription prompt's credits (localcloud's admin API).
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'

export interface PreviewIdentity {
  openid: string
  label: string
  place: string
  name?: string
  community: string
}

export interface PreviewServerOptions {
  /** The localcloud to talk to, e.g. http://127.0.0.1:8787. */
  cloudUrl: string
  /** The build output (preview/build.ts). */
  dir: string
  port?: number
  host?: string
  identities?: () => PreviewIdentity[]
}

export interface PreviewServer {
  url: string
  stop(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
}

/** The mini-program's own files: images in the package (a share card's picture) are served as a phone has them. */
const MINIPROGRAM_ROOT = path.resolve(__dirname, '..', 'miniprogram')

/** A package image at this absolute path of the mini-program (`/images/share.png`), or null. */
function packageImage(p: string): string | null {
  if (!/^\/[\w./-]+\.(png|jpe?g)$/.test(p) || p.includes('..')) return null
  const file = path.join(MINIPROGRAM_ROOT, p)
  return file.startsWith(MINIPROGRAM_ROOT + path.sep) && fs.existsSync(file) ? file : null
}

const STATIC = new Set(['runtime.js', 'gwx.js', 'app.js', 'manifest.json', 'runtime.js.map', 'app.js.map'])

/** The page, with the platform's now: the preview's phone shows the emulated cloud's time, not this computer's. */
export const pageHtml = (platformNow: number | null) => `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>邻里接力 开发预览 / development preview</title>
</head>
<body>
<noscript>开发预览需要 JavaScript。</noscript>
<script>window.__previewClock = ${JSON.stringify({ platformNow, servedAt: Date.now() })}</script>
<script src="/runtime.js"></script>
<script src="/gwx.js"></script>
<script src="/app.js"></script>
<script>window.__previewBoot()</script>
</body>
</html>
`

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  })
  res.end(body)
}

function proxy(cloud: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
  const headers = { ...req.headers, host: cloud.host }
  // Same origin as far as the page is concerned: localcloud's CORS check is for other pages, not this one.
  delete headers.origin
  delete headers.referer
  const upstream = http.request(
    { hostname: cloud.hostname, port: cloud.port, path: req.url, method: req.method, headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    },
  )
  upstream.on('error', (err) => {
    if (!res.headersSent)
      send(res, 502, JSON.stringify({ errMsg: `localcloud unreachable: ${err.message}` }), TYPES['.json'] as string)
    else res.end()
  })
  req.pipe(upstream)
}

export function startPreview(options: PreviewServerOptions): Promise<PreviewServer> {
  const cloud = new URL(options.cloudUrl)
  const platformNow = async (): Promise<number | null> => {
    try {
      const res = await fetch(new URL('/__admin/clock', cloud))
      return Date.parse(((await res.json()) as { now: string }).now)
    } catch {
      return null
    }
  }
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const p = url.pathname
      try {
        if (p.startsWith('/functions/') || p.startsWith('/client/') || p.startsWith('/__storage/'))
          return proxy(cloud, req, res)
        if (req.method === 'GET' && (p === '/' || p === '/index.html'))
          return send(res, 200, pageHtml(await platformNow()), TYPES['.html'] as string)
        if (req.method === 'GET' && p === '/__preview/clock')
          return send(
            res,
            200,
            JSON.stringify({ platformNow: await platformNow(), servedAt: Date.now() }),
            TYPES['.json'] as string,
          )
        if (req.method === 'GET' && STATIC.has(p.slice(1))) {
          const file = path.join(options.dir, p.slice(1))
          if (!fs.existsSync(file)) return send(res, 404, `${p} not built: run the preview build`, 'text/plain')
          return send(res, 200, fs.readFileSync(file), TYPES[path.extname(file)] ?? 'application/octet-stream')
        }
        const image = req.method === 'GET' ? packageImage(p) : null
        if (image) return send(res, 200, fs.readFileSync(image), TYPES[path.extname(image)] as string)
        if (p === '/favicon.ico') return send(res, 204, '', 'image/x-icon')
        if (req.method === 'GET' && p === '/__preview/identities')
          return send(res, 200, JSON.stringify(options.identities?.() ?? []), TYPES['.json'] as string)
        if (req.method === 'POST' && p === '/__preview/subscribe') {
          // The subscription prompt was answered: one credit per accepted template for the person acting.
          const openid = req.headers['x-wx-openid']
          const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { templateIds?: unknown }
          const templateIds = Array.isArray(body.templateIds) ? body.templateIds.map(String) : []
          if (typeof openid !== 'string' || !openid || !templateIds.length)
            return send(
              res,
              400,
              JSON.stringify({ errMsg: 'openid and templateIds are required' }),
              TYPES['.json'] as string,
            )
          const up = await fetch(new URL('/__admin/subscribe', cloud), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ openid, templateIds }),
          })
          return send(res, up.status, await up.text(), TYPES['.json'] as string)
        }
        send(res, 404, `not found: ${req.method} ${p}`, 'text/plain; charset=utf-8')
      } catch (err) {
        if (!res.headersSent)
          send(
            res,
            500,
            JSON.stringify({ errMsg: err instanceof Error ? err.message : String(err) }),
            TYPES['.json'] as string,
          )
      }
    })()
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const addr = server.address()
      const port = typeof addr === 'object' && addr ? addr.port : options.port
      resolve({
        url: `http://${options.host ?? '127.0.0.1'}:${port}`,
        stop: () =>
          new Promise<void>((r) => {
            server.closeAllConnections?.()
            server.close(() => r())
          }),
      })
    })
  })
}

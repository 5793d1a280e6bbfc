// npm run preview -- [--cloud http://127.0.0.1:8787] [--port 8788]: build the preview and serve it against a
// running localcloud (npm start does both; this is for a localcloud started on its own).
import { buildPreview, PREVIEW_OUT } from './build'
import { startPreview } from './server'
import { demoIdentities } from './identities'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback
}

async function main() {
  const built = await buildPreview()
  console.log(
    `preview built in ${built.ms} ms: ${Object.entries(built.bytes)
      .map(([f, b]) => `${f} ${(b / 1024).toFixed(0)} KB`)
      .join(', ')}`,
  )
  const server = await startPreview({
    cloudUrl: arg('cloud', 'http://127.0.0.1:8787'),
    dir: PREVIEW_OUT,
    port: Number(arg('port', '8788')),
    identities: demoIdentities,
  })
  console.log(`开发预览 preview: ${server.url}/`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})

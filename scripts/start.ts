// npm start: build what the product needs and say how to open it.
import { spawnSync } from 'node:child_process'
import { ROOT } from './lib/paths'

const build = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/build.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
})
if (build.status !== 0) process.exit(build.status ?? 1)

console.log(`
邻里接力已构建完成。
- 微信开发者工具：导入本目录（${ROOT}），把 project.config.json 里的 appid 换成你的小程序 AppID。
- 云函数：右键 cloudfunctions/community →「上传并部署：云端安装依赖」。
`)

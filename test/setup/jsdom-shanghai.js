// Page tests run in the users' time zone. TZ has to be set on the worker's real process (a test file only sees a
// copy of process.env), and put back afterwards because node projects share the worker and run in UTC.
const { TestEnvironment } = require('jest-environment-jsdom')

class ShanghaiEnvironment extends TestEnvironment {
  async setup() {
    this.previousTZ = process.env.TZ
    process.env.TZ = 'Asia/Shanghai'
    await super.setup()
  }

  async teardown() {
    if (this.previousTZ === undefined) delete process.env.TZ
    else process.env.TZ = this.previousTZ
    await super.teardown()
  }
}

module.exports = ShanghaiEnvironment

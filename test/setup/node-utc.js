// Node-side tests run in UTC like CloudBase functions, whatever the machine's zone. TZ has to be set on the
// worker's real process (a test file only sees a copy of process.env), and put back afterwards.
const { TestEnvironment } = require('jest-environment-node')

class UtcEnvironment extends TestEnvironment {
  async setup() {
    this.previousTZ = process.env.TZ
    process.env.TZ = 'UTC'
    await super.setup()
  }

  async teardown() {
    if (this.previousTZ === undefined) delete process.env.TZ
    else process.env.TZ = this.previousTZ
    await super.teardown()
  }
}

module.exports = UtcEnvironment

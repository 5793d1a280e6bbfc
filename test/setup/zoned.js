// A jest test environment running in a fixed time zone. TZ has to be set on the worker's real process (a test file
// only sees a copy of process.env), and put back afterwards because projects in other zones share the worker.
module.exports = function zoned(Base, timeZone) {
  return class ZonedEnvironment extends Base {
    async setup() {
      this.previousTZ = process.env.TZ
      process.env.TZ = timeZone
      await super.setup()
    }

    async teardown() {
      if (this.previousTZ === undefined) delete process.env.TZ
      else process.env.TZ = this.previousTZ
      await super.teardown()
    }
  }
}

// Node-side tests run in UTC like CloudBase functions, whatever the machine's zone.
module.exports = require('./zoned')(require('jest-environment-node').TestEnvironment, 'UTC')

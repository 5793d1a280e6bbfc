// Page tests run in the users' time zone.
module.exports = require('./zoned')(require('jest-environment-jsdom').TestEnvironment, 'Asia/Shanghai')

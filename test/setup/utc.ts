// Cloud functions run in UTC on CloudBase; node-side tests do too.
process.env.TZ = 'UTC'

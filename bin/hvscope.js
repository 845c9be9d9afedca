#!/usr/bin/env node
// The `hvscope` command: the bundled CLI (built by `npm run build`, which `npm ci` runs as `prepare`).
require('../dist/cli.js');

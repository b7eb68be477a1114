#!/usr/bin/env node
'use strict'
// Shim for the headless CLI: the real code is bundled to out/main/cli.js by `npm run build`.
// cli.js exports `main(argv) => Promise<exit code>` and runs itself only when it is the
// entry script (require.main === module), so the shim calls main() here.
const path = require('node:path')
const fs = require('node:fs')

const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write('sentinel-lab: not built yet, run `npm run build`\n')
  process.exit(1)
}
const mod = require(cli)
if (mod && typeof mod.main === 'function') {
  Promise.resolve(mod.main(process.argv.slice(2))).then(
    (code) => process.exit(typeof code === 'number' ? code : 0),
    (e) => {
      process.stderr.write(`sentinel-lab: ${(e && e.stack) || e}\n`)
      process.exit(1)
    },
  )
}

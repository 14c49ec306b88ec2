// Installed only into the e2e profile: when code-server was started with MM24_EXT_TESTS (the
// bundled suite) and MM24_EXT_RESULTS (a JSON file), runs the suite once in this real
// extension host and writes the results, atomically, for the harness to read back.
'use strict';
const fs = require('node:fs');

exports.activate = function activate() {
  const suite = process.env.MM24_EXT_TESTS;
  const out = process.env.MM24_EXT_RESULTS;
  if (!suite || !out || fs.existsSync(out)) return;
  const write = (payload) => {
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(payload, null, 2));
    fs.renameSync(`${out}.tmp`, out);
  };
  const t0 = Date.now();
  Promise.resolve()
    .then(() => require(suite).runAll())
    .then(
      (results) => write({ results, ms: Date.now() - t0 }),
      (e) => write({ error: String((e && e.stack) || e), ms: Date.now() - t0 }),
    );
};

exports.deactivate = function deactivate() {};

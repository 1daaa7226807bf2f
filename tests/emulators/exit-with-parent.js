// Loaded first into every test server (NODE_OPTIONS=--require, set by EmulatorProcess): the server exits once the
// test process that started it is gone, however it went (finished, killed by the test runner, crashed). That process
// holds the other end of this server's standard input, so the end of the input is the sign. The server's data folder
// (MLNETBATCH_EMULATOR_DATA) goes with it. A server stopped on purpose (SIGKILL, to test an outage) keeps its data.
"use strict";
const fs = require("fs");

function exit() {
  const data = process.env.MLNETBATCH_EMULATOR_DATA;
  if (data) {
    try {
      fs.rmSync(data, { recursive: true, force: true });
    } catch {
      // Left for the temporary-files cleaner.
    }
  }

  process.exit(0);
}

process.stdin.on("end", exit);
process.stdin.on("error", exit);
process.stdin.resume();

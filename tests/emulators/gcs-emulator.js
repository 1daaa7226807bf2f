// Cloud Storage emulator for the GCS tests: the storage emulator inside firebase-tools, started without the
// firebase CLI (which wants Java for its rules runtime). Only the Cloud Storage JSON API (/storage/v1, /upload,
// /download) is used, and it runs as an admin without security rules, so the rules runtime is never started.
// Usage: node gcs-emulator.js <host> <port> <data-folder>. Runs until killed.
"use strict";
const [host, portText, dataFolder] = process.argv.slice(2);
if (!host || !portText) {
  console.error("usage: node gcs-emulator.js <host> <port> [data-folder]");
  process.exit(2);
}

if (dataFolder) {
  // The emulator keeps object bytes under os.tmpdir(); give each instance its own.
  process.env.TMPDIR = dataFolder;
}

const { StorageEmulator } = require("firebase-tools/lib/emulator/storage");
const { createApp } = require("firebase-tools/lib/emulator/storage/server");
const { EmulatorRegistry } = require("firebase-tools/lib/emulator/registry");

const projectId = "demo-mlnetbatch";

async function main() {
  const port = Number(portText);
  // An empty per-bucket rules list: nothing is loaded, and the admin API the tests use never consults rules.
  const emulator = new StorageEmulator({ host, port, projectId, rules: [], auto_download: false });
  // Object metadata (media links) asks the registry where the emulator listens; register it without start(),
  // which would start the rules runtime.
  EmulatorRegistry.set(emulator.getName(), emulator);
  const app = await createApp(projectId, emulator);
  const server = app.listen(port, host, () => console.log(`gcs emulator listening on http://${host}:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

#!/usr/bin/env node
// The published entry point stays plain JavaScript so that it runs wherever `node` >= 22.18
// does; the CLI itself is TypeScript executed through Node's built-in type stripping.

// node:sqlite still announces itself as experimental on Node 22; that line on every command is
// noise to users. Other warnings print as usual.
process.removeAllListeners('warning')
process.on('warning', (warning) => {
  if (warning.name !== 'ExperimentalWarning') console.error(`${warning.name}: ${warning.message}`)
})

await import('../node/cli/main.ts')

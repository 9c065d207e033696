#!/usr/bin/env node
// The published entry point stays plain JavaScript so that it runs wherever `node` >= 22.18
// does; the CLI itself is TypeScript executed through Node's built-in type stripping.
import '../node/cli/main.ts'

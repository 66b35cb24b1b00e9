#!/usr/bin/env node
// Entry point of the bricks CLI. The sources are TypeScript run through tsx's loader,
// resolved from this package so the command works from any working directory.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

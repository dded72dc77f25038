#!/usr/bin/env node
import { runPeersCliInProcess } from './process-io';

void runPeersCliInProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

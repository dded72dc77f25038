import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface BenchHost {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts support/http-host.js (or `script`) in its own process (so the load generator does not share its CPU time). */
export function startBenchHost(args: readonly string[], script = 'http-host.js'): Promise<BenchHost> {
  const child = spawn(process.execPath, ['--max-old-space-size=8192', resolve(__dirname, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveHost, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`bench host not ready: ${output}`)), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /ready (\d+)/.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      resolveHost({
        url: `http://127.0.0.1:${port}`,
        child,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`bench host exited with ${code}: ${output}`)));
  });
}

// The demo: every example project runs its real test framework with our reporter against the bundled Qase API
// emulator, which misbehaves the way the real API does. Then the API goes away and comes back, and a dry run shows
// what would be sent. Run it with `npm run demo` (which builds first).
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startEmulator } = require('@qase-reporters/emulator');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/dist/cli.js');
const frameworks = ['playwright', 'jest', 'mocha', 'vitest'].filter((f) => existsSync(join(root, 'examples', f, 'package.json')));
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function heading(text) {
  console.log(`\n${bold(`━━ ${text}`)}\n`);
}

/**
 * Runs a command the way a user would, showing its output; a failing test is part of the story, not an error.
 * Asynchronously: the emulator serves from this process's event loop.
 */
function run(command, args, cwd, env) {
  console.log(`$ ${command} ${args.join(' ')}    (in ${cwd.slice(root.length + 1) || '.'})`);
  return new Promise((resolve) => {
    spawn(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } }).on('close', resolve);
  });
}

function clean(example) {
  for (const dir of ['.qase', 'qase-dry-run', 'test-results']) rmSync(join(root, 'examples', example, dir), { recursive: true, force: true });
}

function report(emulator) {
  const state = emulator.state();
  const rows = state.runs.map((r) => {
    const results = state.results[r.id] ?? [];
    const byStatus = {};
    for (const x of results) byStatus[x.body.execution.status] = (byStatus[x.body.execution.status] ?? 0) + 1;
    return {
      run: r.id,
      title: r.title.slice(0, 32),
      results: results.length,
      statuses: Object.entries(byStatus).map(([s, n]) => `${s} ${n}`).join(', '),
      completed: r.status === 'complete' ? `yes (${r.completions}×)` : 'no',
    };
  });
  console.table(rows);
  const log = state.requests.filter((r) => !r.path.startsWith('/__'));
  const count = (test) => log.filter(test).length;
  console.log(`requests: ${log.length}, answered 413: ${count((r) => r.status === 413)}, 5xx: ${count((r) => r.status >= 500)}, ` +
    `stored then dropped without an answer: ${count((r) => r.dropped)}, attachments stored: ${state.attachments.length}`);
}

const emulator = await startEmulator({
  seed: 7,
  limits: { resultsPerRequest: 3 },
  faults: { errorRate: { probability: 0.1, statuses: [500, 502, 503] }, dropAfterCommit: 0.15 },
});
const api = { QASE_MODE: 'testops', QASE_TESTOPS_API_HOST: emulator.url, QASE_TESTOPS_API_TOKEN: emulator.token, QASE_TESTOPS_PROJECT: 'DEMO' };

try {
  heading(`1. ${frameworks.join(', ')} → the emulator at ${emulator.url}, which takes only 3 results per request (413 above), ` +
    'fails 10 % of requests with 5xx and drops 15 % of answers after storing');
  for (const example of frameworks) {
    clean(example);
    await run('npm', ['test', '--silent'], join(root, 'examples', example), api);
  }
  heading('What the emulator stored: every result once, every run completed once');
  report(emulator);

  heading('2. The API is down for a whole run: nothing is lost, the results wait in .qase/outbox');
  emulator.setFaults({ errorRate: { probability: 0, statuses: [503] }, dropAfterCommit: 0 });
  const jest = join(root, 'examples', 'jest');
  clean('jest');
  await run('npm', ['test', '--silent'], jest, { ...api, QASE_TESTOPS_API_HOST: 'http://127.0.0.1:9' });
  heading('…and is back: one command sends them, exactly once');
  await run(process.execPath, [cli, 'upload', '.qase/outbox'], jest, api);
  report(emulator);

  heading('3. A dry run on a laptop: no token, no network; the exact request bodies are written to a folder');
  clean('jest');
  await run('npm', ['test', '--silent'], jest, { QASE_MODE: 'dry-run' });
} finally {
  await emulator.close();
}

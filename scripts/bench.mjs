#!/usr/bin/env node
// `npm run bench`: what a Qase reporter costs a real test run, ours against none and against the official one,
// each figure against issue 15's target; then core alone, then the page of a local run (bench-page.mjs). Prints a
// table and writes it to test/bench/RESULTS.md with the date, the machine and the versions. Not a test: it prints
// figures; tests never time anything. Needs the built packages (npm run build).
//
//   npm run bench                                      everything: ~15 minutes on 2 cores
//   npm run bench -- --only jest --sizes 200 --runs 1  one framework, one size, one run of each variant
//
// --only takes frameworks (jest, playwright, mocha, vitest) and core and page. For each framework and size the
// variants (no reporter, ours, official) run --runs times each, interleaved and in a rotating order: each round's
// runs follow one another, and a figure is the median over rounds of each round's comparison with its own
// no-reporter run, so a busy moment of the machine falls on both sides of a comparison. As many rounds more at the
// largest size answer every request after 100 ms, for the tail.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureCore } from './bench/core.mjs';
import { coreRows, frameworkRows, renderTable, TARGETS } from './bench/figures.mjs';
import { installPackages, projectDir } from './bench/install.mjs';
import { measureRun } from './bench/measure.mjs';
import { expectedOf, FRAMEWORKS, TESTS_PER_FILE } from './bench/suites.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(REPO, 'test/bench/RESULTS.md');
const CORE_RESULTS = 100_000;
const API_RATE_PER_MINUTE = 200;
const PARTS = [...Object.keys(FRAMEWORKS), 'core', 'page'];

const options = readOptions();
const startedAt = new Date();
const machine = describeMachine();
console.log(`${machine}\n`);

const rows = [];
const notes = [];
for (const name of options.only.filter((part) => part in FRAMEWORKS)) {
  try {
    rows.push(...(await benchFramework(name, FRAMEWORKS[name])));
  } catch (error) {
    // One framework that cannot run (an install, a crash) leaves the others' figures standing.
    console.error(`${name}: ${error.message}`);
    notes.push(`${name}: not measured: ${error.message.split('\n')[0]}`);
  }
  // Written after each framework, so that a bench stopped part way keeps what it measured.
  writeResults(renderTable(rows));
}
if (options.only.includes('core')) {
  console.log(`core alone: ${CORE_RESULTS.toLocaleString('en-US')} results`);
  try {
    rows.push(...coreRows({ ...(await measureCore(CORE_RESULTS)), ratePerMinute: API_RATE_PER_MINUTE }));
  } catch (error) {
    console.error(`core: ${error.message}`);
    notes.push(`core: not measured: ${error.message.split('\n')[0]}`);
  }
}
const table = renderTable(rows);
console.log(`\n${table}\n`);
const page = options.only.includes('page') ? await benchPage() : undefined;
writeResults(table, page);
console.log(`written to ${RESULTS}`);

function readOptions() {
  try {
    const { values } = parseArgs({
      options: { only: { type: 'string' }, sizes: { type: 'string' }, runs: { type: 'string' } },
      strict: true,
    });
    const only = values.only ? values.only.split(',') : PARTS;
    const unknown = only.filter((part) => !PARTS.includes(part));
    if (unknown.length > 0) throw new Error(`--only ${unknown.join(',')}: pick from ${PARTS.join(', ')}.`);
    const sizes = values.sizes ? values.sizes.split(',').map(Number) : [2_000, 200];
    if (sizes.some((size) => !Number.isInteger(size) || size <= 0 || size % TESTS_PER_FILE !== 0)) {
      throw new Error(`--sizes ${values.sizes}: give test counts that are multiples of ${TESTS_PER_FILE} (files of ${TESTS_PER_FILE} tests), e.g. 2000,200.`);
    }
    const runs = Number(values.runs ?? 3);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: give a whole number of measured runs, 1 or more.`);
    return { only, sizes, runs };
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exit(2);
  }
}

/** Installs the framework and its official reporter, runs every variant and size, and returns its rows. */
async function benchFramework(name, framework) {
  console.log(`${name}: installing ${Object.entries(framework.packages).map(([p, v]) => `${p}@${v}`).join(', ')} (cached)`);
  const root = await installPackages(framework.packages);
  const variants = Object.entries({ none: framework.none, ours: framework.ours, official: framework.official }).filter(([, v]) => v);
  const runs = {};
  const tail = {};
  const projects = [];
  try {
    for (const size of options.sizes) {
      runs[size] = Object.fromEntries(variants.map(([key]) => [key, []]));
      const cwd = Object.fromEntries(variants.map(([key, variant]) => {
        const dir = projectDir(root, `bench-${name}-${size}-${key}`);
        projects.push(dir);
        for (const [path, content] of Object.entries(framework.files(variant, size))) {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), content);
        }
        return [key, dir];
      }));
      const once = async (key, variant, latencyMs) => {
        const run = await measureRun({ command: framework.command(root, variant), cwd: cwd[key], variant, latencyMs });
        if (run.code !== 0) throw new Error(`${name} (${key}, ${size} tests) exited with ${run.code}:\n${run.stderr.slice(-3000)}`);
        return run;
      };
      for (let r = 0; r < options.runs; r++) {
        // Rotated each round, so no variant always runs right after the same other.
        for (const [key, variant] of rotate(variants, r)) {
          const run = await once(key, variant, 0);
          runs[size][key].push(run);
          console.log(`  ${name} ${String(size).padStart(5)} tests  ${key.padEnd(8)}  ${(run.wallMs / 1000).toFixed(2)} s  ` +
            `peak RSS ${run.peakRssMb.toFixed(0)} MB  requests ${run.requests}  stored ${run.stored}`);
        }
      }
      if (size === Math.max(...options.sizes)) {
        for (const [key] of variants) tail[key] = [];
        for (let r = 0; r < options.runs; r++) {
          for (const [key, variant] of rotate(variants, r)) {
            const run = await once(key, variant, TARGETS.latencyMs);
            tail[key].push(run);
            console.log(`  ${name} ${String(size).padStart(5)} tests  ${key.padEnd(8)}  tail at ${TARGETS.latencyMs} ms latency ${(run.tailMs / 1000).toFixed(2)} s`);
          }
        }
      }
    }
  } finally {
    for (const dir of projects) rmSync(dir, { recursive: true, force: true });
  }
  if (framework.official) notes.push(`${name}: official reporter ${framework.official.label}.`);
  return frameworkRows({ name, runs, tail, expected: expectedOf, officialSendsRequests: framework.official?.mode === 'testops' });
}

function rotate(list, by) {
  const at = by % list.length;
  return [...list.slice(at), ...list.slice(0, at)];
}

/** Runs scripts/bench-page.mjs, printing its output as it comes, and resolves with that output. */
function benchPage() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'scripts/bench-page.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('close', () => resolve(output.trim()));
  });
}

function describeMachine() {
  const [load1] = loadavg();
  const cores = cpus().length;
  const versions = Object.values(FRAMEWORKS).flatMap((f) => Object.entries(f.packages).map(([p, v]) => `${p} ${v}`));
  const ours = JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8')).version;
  return [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GB memory; ` +
      `load average ${load1.toFixed(2)} when the bench began${load1 > cores / 2 ? ' (other work was running: figures are noisier than on a quiet machine)' : ''}.`,
    `Node ${process.version}; @qase-reporters/* ${ours}; ${versions.join(', ')}.`,
  ].join('\n');
}

function writeResults(table, page) {
  const args = process.argv.slice(2);
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\` (scripts/bench.mjs) on ${startedAt.toISOString()}, ` +
      `in ${((Date.now() - startedAt.getTime()) / 60_000).toFixed(0)} minutes; ${options.runs} measured run(s) of each variant per size (and as many at 100 ms latency), each compared with the no-reporter run of its round, medians of those; ` +
      `load average ${loadavg()[0].toFixed(2)} at the end.`,
    '',
    machine,
    '',
    ...notes.map((note) => `- ${note}`),
    '',
    table,
    '',
  ];
  if (page) lines.push('Page of a local run (scripts/bench-page.mjs):', '', '```', page, '```', '');
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, lines.join('\n'));
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config';
import { networkOptionsOf, recordRequests } from '../src/network';

let base = '';
const server = createServer((request, response) => {
  response.statusCode = request.url === '/missing' ? 404 : 200;
  response.end('ok');
});

beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

function httpGet(url: string): Promise<void> {
  return new Promise((done, fail) => get(url, (response) => response.resume().on('end', done)).on('error', fail));
}

describe('recordRequests', () => {
  it('records node:http and fetch requests as steps named METHOD url, failed from 400 on, in order', async () => {
    const recorder = recordRequests({ skipDomains: [] });
    await httpGet(`${base}/cart?id=1`);
    await (await fetch(`${base}/missing`, { method: 'POST', body: 'x' })).text();
    recorder.stop();
    await httpGet(`${base}/after-stop`);
    const steps = recorder.take();
    expect(steps.map((s) => [s.title, s.status])).toEqual([
      [`GET ${base}/cart?id=1`, 'passed'],
      [`POST ${base}/missing`, 'failed'],
    ]);
    expect(steps.every((s) => s.endTimeMs >= s.startTimeMs)).toBe(true);
    expect(recorder.take()).toEqual([]);
  });

  it('skips the configured domains', async () => {
    const recorder = recordRequests({ skipDomains: ['127.0.0.1'] });
    await httpGet(`${base}/`);
    recorder.stop();
    expect(recorder.take()).toEqual([]);
  });
});

describe('networkOptionsOf', () => {
  it.each([
    { given: {}, options: undefined },
    { given: { profilers: [] }, options: undefined },
    { given: { profilers: ['network'] }, options: { skipDomains: ['api.qase.io'] } },
    { given: { profilers: ['network'], networkProfiler: { skip_domains: ['a.com'] } }, options: { skipDomains: ['a.com', 'api.qase.io'] } },
  ])('$given → $options, never our own API', ({ given, options }) => {
    expect(networkOptionsOf(resolveConfig(given, {}, undefined))).toEqual(options);
  });
});

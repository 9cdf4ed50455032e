// What reaches a request path, and what an answer must look like before it is used: ids from a crafted folder,
// and servers that answer 200 with something that is not the Qase API's JSON.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../src/api';
import { resolveConfig } from '../src/config';
import { ApiError, ConfigError } from '../src/errors';

const TOKEN = 'tok-untrusted-5e1f';
const servers: Server[] = [];
const clients: ApiClient[] = [];

/** A server that records the paths it was asked for and answers every request with `body`. */
async function serve(body: string): Promise<{ client: ApiClient; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = createApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TOKEN, env: {} });
  clients.push(client);
  return { client, paths };
}

afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
  servers.splice(0).forEach((s) => (s.closeAllConnections(), s.close()));
});

describe('ids and codes in request paths', () => {
  it.each([
    ['1/../../../../v1/project/DEMO/x?y='],
    ['1; DROP'],
    [-7],
    [0],
    [1.5],
    [Number.NaN],
  ])('a run id of %j sends no request', async (runId) => {
    const { client, paths } = await serve('{"status":true,"result":{"id":1}}');
    const id = runId as number;
    for (const call of [
      () => client.getRun('DEMO', id),
      () => client.completeRun('DEMO', id),
      () => client.createResults('DEMO', id, []),
      () => client.makeRunPublic('DEMO', id),
    ]) {
      await expect(call()).rejects.toThrowError(ConfigError);
      await expect(call()).rejects.toThrowError(/^the id .* is not a positive whole number, so no request was sent with it\./);
    }
    expect(paths).toEqual([]);
  });

  it('a project code that is not a code sends no request', async () => {
    const { client, paths } = await serve('{"status":true,"result":{"id":1}}');
    await expect(client.getRun('../v1', 1)).rejects.toThrowError(/the project code "\.\.\/v1" is not 2 to 10 letters or digits/);
    expect(paths).toEqual([]);
  });
});

describe('an answer that is not the API\'s JSON', () => {
  it.each([
    ['an HTML login page', '<html><body>Please log in</body></html>', /it begins "<html><body>Please log in<\/body><\/html>"/],
    ['an empty body', '', /an empty body/],
    ['JSON without a result', '{"status":true}', /it begins "\{\\"status\\":true\}"/],
    ['a run id that is not an id', '{"status":true,"result":{"id":"7/../x"}}', /it begins/],
  ])('to run creation (%s) is one line naming the host setting', async (_name, body, begins) => {
    const { client } = await serve(body);
    const error = (await client.createRun('DEMO', { title: 'x', is_autotest: true }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('API_BAD_ANSWER');
    expect(error.message).toMatch(/^POST \/v1\/run\/DEMO → 200, but the answer is not the Qase API's \(/);
    expect(error.message).toMatch(begins);
    expect(error.message).toMatch(/Check that QASE_TESTOPS_API_HOST points at the Qase API, not at a proxy, a login page or another server\.$/);
  });

  it('to an attachment upload with fewer hashes than files', async () => {
    const { client } = await serve('{"status":true,"result":[{"hash":"abc"}]}');
    const files = [{ name: 'a.txt', contentType: 'text/plain', content: Buffer.from('a') }, { name: 'b.txt', contentType: 'text/plain', content: Buffer.from('b') }];
    await expect(client.uploadAttachments('DEMO', files)).rejects.toMatchObject({ code: 'API_BAD_ANSWER' });
  });
});

describe('the API host', () => {
  const env = { QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: 'DEMO' };
  const resolveHost = (host: string) => () => resolveConfig({}, { ...env, QASE_TESTOPS_API_HOST: host }, undefined);

  it.each(['127.0.0.1:4711', 'localhost:4711', '127.0.0.1'])('%s (no scheme) gets a hint with the URL to write', (host) => {
    expect(resolveHost(host)).toThrowError(ConfigError);
    expect(resolveHost(host)).toThrowError(`QASE_TESTOPS_API_HOST is "${host}", an address without a scheme. Write the full URL: http://${host}`);
  });

  it.each(['http://alice:pa55w0rd@127.0.0.1:4711', 'https://alice:pa55w0rd@qase.example.com', 'http://alice:pa55w0rd@qase.example.com', 'https://alice:pa 55w0rd@x'])(
    '%s is refused without printing the credentials', (host) => {
      const message = (() => {
        try {
          resolveHost(host)();
        } catch (error) {
          return (error as Error).message;
        }
        return 'accepted';
      })();
      expect(message).toMatch(/^QASE_TESTOPS_API_HOST is "https?:\/\/\*\*\*@/);
      expect(message).not.toContain('pa55w0rd');
      expect(message).not.toContain('alice');
    });

  it('the client, given an address without a scheme, says what to write instead of "Invalid URL"', () => {
    expect(() => createApiClient({ baseUrl: 'https://api-127.0.0.1:4711', token: TOKEN, env: {} })).toThrowError(
      /^the API address "https:\/\/api-127\.0\.0\.1:4711" is not a URL\. Set QASE_TESTOPS_API_HOST to a host like example\.qase\.io, or a full URL with its scheme/);
  });
});

// Proxies: the choice is a pure function (table below); the tunnel is proven through a real CONNECT proxy.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../src/api';
import { ConfigError } from '../src/errors';
import { proxyFor } from '../src/proxy';

const PROXY = 'http://proxy.example.com:3128';

describe('proxyFor', () => {
  it.each<[string, string, Record<string, string>, string | undefined]>([
    ['https uses HTTPS_PROXY', 'https://api.qase.io', { HTTPS_PROXY: PROXY }, PROXY],
    ['https ignores HTTP_PROXY', 'https://api.qase.io', { HTTP_PROXY: PROXY }, undefined],
    ['http uses HTTP_PROXY', 'http://127.0.0.1:8080', { HTTP_PROXY: PROXY }, PROXY],
    ['http ignores HTTPS_PROXY', 'http://127.0.0.1:8080', { HTTPS_PROXY: PROXY }, undefined],
    ['lower-case names count', 'https://api.qase.io', { https_proxy: PROXY }, PROXY],
    ['an empty variable is unset', 'https://api.qase.io', { HTTPS_PROXY: '' }, undefined],
    ['no variables, no proxy', 'https://api.qase.io', {}, undefined],
    ['a proxy without a scheme is http', 'https://api.qase.io', { HTTPS_PROXY: 'proxy.example.com:3128' }, PROXY],
    ['an https proxy is kept', 'https://api.qase.io', { HTTPS_PROXY: 'https://proxy.example.com' }, 'https://proxy.example.com'],
    ['NO_PROXY=* bypasses everything', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: '*' }, undefined],
    ['NO_PROXY names the host', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: 'api.qase.io' }, undefined],
    ['NO_PROXY domain covers subdomains', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: 'qase.io' }, undefined],
    ['NO_PROXY .domain covers subdomains', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: '.qase.io' }, undefined],
    ['NO_PROXY *.domain covers subdomains', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: '*.qase.io' }, undefined],
    ['NO_PROXY domain is not a suffix match', 'https://api.notqase.io', { HTTPS_PROXY: PROXY, NO_PROXY: 'qase.io' }, PROXY],
    ['NO_PROXY list with spaces', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: 'localhost, qase.io' }, undefined],
    ['NO_PROXY is case-insensitive', 'https://api.qase.io', { HTTPS_PROXY: PROXY, no_proxy: 'API.QASE.IO' }, undefined],
    ['NO_PROXY host:port matches that port', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: 'api.qase.io:443' }, undefined],
    ['NO_PROXY host:port spares other ports', 'https://api.qase.io:8443', { HTTPS_PROXY: PROXY, NO_PROXY: 'api.qase.io:443' }, PROXY],
    ['NO_PROXY IPv4 with port', 'http://127.0.0.1:8080', { HTTP_PROXY: PROXY, NO_PROXY: '127.0.0.1:8080' }, undefined],
    ['NO_PROXY bare IPv6', 'http://[::1]:8080', { HTTP_PROXY: PROXY, NO_PROXY: '::1' }, undefined],
    ['NO_PROXY bracketed IPv6 with port', 'http://[::1]:8080', { HTTP_PROXY: PROXY, NO_PROXY: '[::1]:8080' }, undefined],
    ['NO_PROXY bracketed IPv6, other port', 'http://[::1]:8080', { HTTP_PROXY: PROXY, NO_PROXY: '[::1]:9090' }, PROXY],
    ['NO_PROXY for another host', 'https://api.qase.io', { HTTPS_PROXY: PROXY, NO_PROXY: 'localhost,127.0.0.1' }, PROXY],
  ])('%s', (_name, url, env, expected) => {
    expect(proxyFor(new URL(url), env)).toBe(expected);
  });

  it('refuses a proxy that is not a URL, without quoting it (it may hold a password)', () => {
    const env = { HTTPS_PROXY: 'socks5://user:secret@proxy:1080' };
    expect(() => proxyFor(new URL('https://api.qase.io'), env)).toThrow(ConfigError);
    expect(() => proxyFor(new URL('https://api.qase.io'), env)).toThrow(
      'HTTPS_PROXY is not a proxy URL. Set it like http://proxy.example.com:3128, or unset it.',
    );
  });
});

/** A CONNECT proxy like the ones in corporate networks: it records each tunnel and relays bytes. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const { hostname, port } = new URL(`http://${req.url}`);
    const upstream = connect(Number(port), hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    async close() {
      // Tunnels are detached from the HTTP server, so closeAllConnections() does not reach them.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

describe('requests go through the proxy the environment names', () => {
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  let plain: Emulator;
  let secure: Emulator;

  beforeAll(async () => {
    [proxy, plain, secure] = await Promise.all([startConnectProxy(), startEmulator(), startEmulator({ https: true })]);
  });
  beforeEach(() => {
    proxy.tunnels.length = 0;
  });
  afterAll(async () => {
    await Promise.all([proxy.close(), plain.close(), secure.close()]);
  });

  // The emulator's certificate is trusted through NODE_EXTRA_CA_CERTS, which Node reads only at start-up.
  const script = `
const { createApiClient } = require(process.argv[1]);
const api = createApiClient({ baseUrl: process.env.QASE_BASE, token: process.env.QASE_TOKEN, env: JSON.parse(process.env.QASE_CLIENT_ENV) });
api.getProject('DEMO').then(() => console.log('ok'), (error) => console.log(error.message)).finally(api.close);
`;
  async function getProjectOverHttps(env: Record<string, string>): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, resolve(__dirname, '../dist/api.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: secure.certPath,
        QASE_BASE: secure.url,
        QASE_TOKEN: secure.token,
        QASE_CLIENT_ENV: JSON.stringify(env),
      },
    });
    return stdout.trim();
  }

  it('HTTPS_PROXY tunnels HTTPS requests with CONNECT', async () => {
    expect(await getProjectOverHttps({ HTTPS_PROXY: proxy.url })).toBe('ok');
    expect(proxy.tunnels).toEqual([new URL(secure.url).host]);
  });

  it('NO_PROXY sends them directly', async () => {
    expect(await getProjectOverHttps({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' })).toBe('ok');
    expect(proxy.tunnels).toEqual([]);
  });

  it('HTTP_PROXY carries plain HTTP to a loopback API', async () => {
    const api = createApiClient({ baseUrl: plain.url, token: plain.token, env: { HTTP_PROXY: proxy.url } });
    try {
      await api.getProject('DEMO');
    } finally {
      api.close();
    }
    expect(proxy.tunnels).toEqual([new URL(plain.url).host]);
  });

  it('an unreachable proxy is a network error that names the API host', async () => {
    const api = createApiClient({ baseUrl: plain.url, token: plain.token, env: { HTTP_PROXY: 'http://127.0.0.1:1' } });
    try {
      await expect(api.getProject('DEMO')).rejects.toMatchObject({ code: 'API_NETWORK', status: undefined });
    } finally {
      api.close();
    }
  });
});

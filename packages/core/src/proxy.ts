import { ConfigError } from './errors';

/**
 * The proxy for a URL by the usual variables: HTTPS_PROXY for https, HTTP_PROXY for http (either case), unless
 * NO_PROXY lists the host (`*`, `host`, `.domain` or `domain` for the domain and its subdomains, `host:port`,
 * IPv6 as `::1` or `[::1]:port`). A proxy without a scheme (`proxy:3128`) is taken as http, as curl does.
 */
export function proxyFor(url: URL, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const pick = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  const name = url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const proxy = pick(name)?.trim();
  if (!proxy) return undefined;
  const noProxy = (pick('NO_PROXY') ?? '').split(/[\s,]+/).filter(Boolean);
  if (noProxy.some((entry) => bypasses(url, entry))) return undefined;
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  if (!URL.canParse(withScheme) || !/^https?:$/.test(new URL(withScheme).protocol)) {
    // The value is not quoted: a proxy URL may carry a password.
    throw new ConfigError(`${name} is not a proxy URL. Set it like http://proxy.example.com:3128, or unset it.`);
  }
  return withScheme;
}

function bypasses(url: URL, entry: string): boolean {
  if (entry === '*') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const [pattern, entryPort] = hostAndPort(entry.toLowerCase());
  if (entryPort && entryPort !== port) return false;
  const domain = pattern.replace(/^\*?\./, '');
  return host === domain || host.endsWith(`.${domain}`);
}

/** `[::1]:8080` and `host:8080` carry a port; a bare IPv6 address (`::1`) has colons but none. */
function hostAndPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1], bracketed[2]];
  const hostPort = /^([^:]*):(\d+)$/.exec(entry);
  return hostPort ? [hostPort[1], hostPort[2]] : [entry, undefined];
}

/**
 * The proxy for a URL by the usual variables: HTTPS_PROXY for https, HTTP_PROXY for http (either case), unless
 * NO_PROXY lists the host (`*`, `host`, `.domain` or `domain` for the domain and its subdomains, `host:port`).
 */
export function proxyFor(url: URL, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const pick = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  const proxy = url.protocol === 'https:' ? pick('HTTPS_PROXY') : pick('HTTP_PROXY');
  if (!proxy) return undefined;
  const noProxy = (pick('NO_PROXY') ?? '').split(/[\s,]+/).filter(Boolean);
  return noProxy.some((entry) => bypasses(url, entry)) ? undefined : proxy;
}

function bypasses(url: URL, entry: string): boolean {
  if (entry === '*') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const match = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase().replace(/^\[|\]$/g, ''));
  const [, pattern = '', entryPort] = match ?? [];
  if (entryPort && entryPort !== port) return false;
  const domain = pattern.replace(/^\*?\./, '');
  return host === domain || host.endsWith(`.${domain}`);
}

import { InputError } from '@sentinel/http';
import type { RequestHandler } from 'express';

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

/**
 * The host names the gateway answers for: ALLOWED_HOSTS, or when it is empty the hosts of
 * BASE_URL and ADMIN_URL (0.7) — where a loopback name stands for all of them (localhost,
 * 127.0.0.1, ::1: the same machine). `*` anywhere switches the check off (refused in production
 * by the shared config checks); `*.example.com` allows that domain's subdomains.
 */
export function allowedHosts(config: { ALLOWED_HOSTS: readonly string[]; BASE_URL: string; ADMIN_URL: string }): string[] | '*' {
  if (config.ALLOWED_HOSTS.includes('*')) return '*';
  const unbracket = (h: string) => h.toLowerCase().replace(/^\[|\]$/g, '');
  if (config.ALLOWED_HOSTS.length > 0) return config.ALLOWED_HOSTS.map(unbracket);
  const derived = [new URL(config.BASE_URL).hostname, new URL(config.ADMIN_URL).hostname].map(unbracket);
  return derived.some((h) => LOOPBACK.includes(h)) ? [...new Set([...derived, ...LOOPBACK])] : derived;
}

/** The host name of a Host header, without port or IPv6 brackets. */
function hostnameOf(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** 400 `Invalid host header` for a Host the gateway does not answer for (liveness and readiness excepted). */
export function hostCheck(hosts: string[] | '*'): RequestHandler {
  if (hosts === '*') return (_req, _res, next) => next();
  const exact = new Set(hosts.filter((h) => !h.startsWith('*.')));
  const suffixes = hosts.filter((h) => h.startsWith('*.')).map((h) => h.slice(1));
  const ok = new Map<string, boolean>();
  return (req, _res, next) => {
    const header = req.headers.host ?? '';
    let verdict = ok.get(header);
    if (verdict === undefined) {
      const name = hostnameOf(header);
      verdict = exact.has(name) || suffixes.some((s) => name.endsWith(s));
      if (ok.size < 1000) ok.set(header, verdict);
    }
    if (verdict || req.path === '/health' || req.path === '/ready') return next();
    next(new InputError('Invalid host header'));
  };
}

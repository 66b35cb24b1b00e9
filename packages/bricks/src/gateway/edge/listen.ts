// Puts a request listener on a port: plain HTTP by default (a laptop), HTTPS when the policies
// name a certificate and its key (PEM files, read once at start; a renewed certificate takes a
// restart, as a rolling update of the gateway gives).
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { EdgeError } from './errors.ts';

export interface ListenOptions {
  readonly port: number;
  /** Default: every address (`::`, and 0.0.0.0 with it). */
  readonly host?: string;
  /** Paths of the PEM certificate (chain) and private key; absent: plain HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface Listening {
  readonly server: Server;
  /** `http://host:port` or `https://...`, with the port bound (for port 0). */
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, opts: ListenOptions): Promise<Listening> {
  let server: Server;
  if (opts.tls === undefined) server = createHttpServer(handler);
  else {
    const cert = readPem(opts.tls.cert, 'tls.cert');
    const key = readPem(opts.tls.key, 'tls.key');
    try {
      server = createHttpsServer({ cert, key }, handler);
    } catch (e) {
      throw new EdgeError('tls-invalid', `cannot serve TLS with the certificate ${opts.tls.cert} and the key ${opts.tls.key}: ${(e as Error).message}`, { cause: e });
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    server,
    url: `${opts.tls === undefined ? 'http' : 'https'}://${host}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readPem(path: string, key: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EdgeError('tls-invalid', `${key}: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!text.includes('-----BEGIN ')) throw new EdgeError('tls-invalid', `${key}: ${path} is not a PEM file (no -----BEGIN line)`);
  return text;
}

import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Caps the connections one socket address may hold open at once: without it, one client can
 * open hundreds of slow connections and take every socket the process may have. Counted by
 * the socket's own address, not X-Forwarded-For: behind a proxy every connection comes from
 * the proxy, so the cap is then off by default (see MAX_CONNECTIONS_PER_ADDRESS), and the
 * proxy limits its clients. A connection over the cap is closed before anything is read.
 */
export function limitConnectionsPerAddress(server: Server, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

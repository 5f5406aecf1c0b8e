// A TCP relay in front of a PostgreSQL server that can lose the answer to one COMMIT: once armed, on the first
// connection that sent `marker` since its last BEGIN, it forwards the COMMIT, lets the server execute it, then cuts
// the connection before the answer reaches the client. The client sees a dead connection although the transaction
// is committed — what a failover, a proxy restart or a network cut at the wrong moment does.
import net from 'node:net';

export interface CommitCutter {
  port: number;
  /** Cut the connection after the next COMMIT of a transaction whose statements contained `marker`. */
  arm(marker: string): void;
  /** How many commits were cut (each one committed on the server). */
  readonly cuts: number;
  close(): Promise<void>;
}

const simpleQuery = (q: string) => `Q${String.fromCharCode(0, 0, 0, 4 + q.length + 1)}${q}\0`;
const BEGIN = simpleQuery('begin');
const COMMIT = simpleQuery('commit');

export async function startCommitCutter(targetPort: number, host = '127.0.0.1'): Promise<CommitCutter> {
  let armed: string | null = null;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    const up = net.connect(targetPort, host);
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => { sockets.delete(s); down.destroy(); up.destroy(); });
    }
    let sinceBegin = '';
    let cutNextAnswer = false;
    down.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      // The simple-query messages node-postgres (drizzle) sends for transactions: 'Q', length, "begin"/"commit", NUL.
      if (text.includes(BEGIN)) sinceBegin = '';
      sinceBegin += text;
      if (armed && text.includes(COMMIT) && sinceBegin.includes(armed)) {
        armed = null;
        cutNextAnswer = true;
      }
      up.write(chunk);
    });
    up.on('data', (chunk: Buffer) => {
      if (cutNextAnswer) {
        // The server executed the COMMIT and answered: drop the answer and the connection.
        cuts++;
        down.destroy();
        up.destroy();
        return;
      }
      down.write(chunk);
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    arm: (marker) => { armed = marker; },
    get cuts() { return cuts; },
    close: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

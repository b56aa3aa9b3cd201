// Seed 001_6ec5b9b748fa8350.txt, program 4 — "基于线程池实现" (built on a thread pool): the
// echo server hands each connection to a ThreadPoolExecutor(2), so at most 2 clients are
// served at once, "保证服务端不会因为客户端而无限制的开启" (the server never grows without bound).
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed1-04-echo-server-thread-pool-executor.js
//
// Python original (the client is ported in support/echo-client.ts):
//   def communicate(conn):
//       while True:
//           try:
//               data = conn.recv(1024)
//               if not data:
//                   break
//               conn.send(data.upper())
//           except ConnectionRefusedError:
//               break
//       conn.close()
//   def server(ip, port):
//       server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//       server.bind((ip, port))
//       server.listen(5)
//       while True:
//           conn, addr = server.accept()
//           pool.sumit(communicate, conn)     # (sic: the tutorial's typo for submit)
//       server.close()
//   if __name__ == "__main__":
//       pool = ThreadPoolExecutor(2)
//       server("127.0.0.1", 8080)
//
// What it shows: 4 clients connect; the first 2 are answered at once, clients 3 and 4 are
// connected (the OS accepted them) but get no reply until a pool slot frees up.
// The port is ephemeral (0) instead of 8080, and the server stops after its 4 clients.
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ThreadPoolExecutor } from 'pypool';
import { client, elapsed } from './support/echo-client.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// A ThreadPoolExecutor task runs on this thread, so it can be handed the live socket
// (a process pool could not: sockets do not cross into workers).
async function communicate(conn: Socket, n: number): Promise<void> {
  console.log(`[${elapsed()}] pool: serving connection ${n}`);
  try {
    for await (const data of conn) {
      conn.write(String(data).toUpperCase()); // conn.send(data.upper())
    }
  } catch {
    // ConnectionRefusedError / reset by peer: stop serving this client
  }
  conn.end(); // conn.close()
  console.log(`[${elapsed()}] pool: connection ${n} done`);
}

const pool = new ThreadPoolExecutor(2);

let accepted = 0;
const server = createServer((conn) => {
  accepted += 1;
  pool.submit(communicate, conn, accepted); // the tutorial's pool.sumit(communicate, conn)
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

// Four clients, started 20 ms apart so they connect in order.
const clients: Promise<void>[] = [];
for (const n of [1, 2, 3, 4]) {
  clients.push(client(`client${n}`, port, [`hello from ${n}`, `bye from ${n}`], 150));
  await sleep(20);
}
await Promise.all(clients);

server.close();
await pool.shutdown(true);
console.log(`[${elapsed()}] server closed`);
